"""bug_target_shape_mse_broadcast"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_shape_mismatch'}


def make():
    torch.manual_seed(43)
    model = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1))
    x = torch.randn(50, 3)
    return model, nn.MSELoss(), x, x.sum(1)
