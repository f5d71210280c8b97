"""bug_mse_one_hot_logits"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'mse_for_classification'}


def make():
    torch.manual_seed(17)
    model = nn.Sequential(nn.Linear(12, 24), nn.ReLU(), nn.Linear(24, 4))
    y = F.one_hot(torch.randint(0, 4, (36,)), 4).float()
    return model, nn.SmoothL1Loss(), torch.randn(36, 12), y
