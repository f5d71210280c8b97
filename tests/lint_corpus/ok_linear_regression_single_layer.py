"""ok_linear_regression_single_layer"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(146)
    x = torch.randn(32, 1)
    return nn.Linear(1, 1), nn.MSELoss(), x, 2 * x + 3
