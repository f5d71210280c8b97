"""bug_mse_class_index_vs_logits: MSELoss between 3 logits and the class index column"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'mse_for_classification'}


def make():
    torch.manual_seed(342)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    y = torch.randint(0, 3, (30, 1)).float()
    return model, nn.MSELoss(), torch.randn(30, 4), y
