"""ok_positive_regression_softplus"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(110)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1), nn.Softplus())
    x = torch.randn(40, 4)
    return model, nn.MSELoss(), x, torch.exp(0.3 * x[:, :1])
