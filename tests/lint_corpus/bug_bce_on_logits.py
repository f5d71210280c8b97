"""bug_bce_on_logits"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'bce_on_logits'}


def make():
    torch.manual_seed(32)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    y = (torch.rand(32, 1) < 0.5).float()
    return model, nn.BCELoss(), torch.randn(32, 4), y
