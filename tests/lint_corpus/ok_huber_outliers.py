"""ok_huber_outliers"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(121)
    model = nn.Sequential(nn.Linear(3, 32), nn.ReLU(), nn.Linear(32, 1))
    x = torch.randn(64, 3)
    y = x[:, :1] + 0.1 * torch.randn(64, 1)
    y[::10] += 20.0  # outliers
    return model, nn.HuberLoss(delta=1.345), x, y
