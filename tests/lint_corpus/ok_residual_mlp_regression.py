"""ok_residual_mlp_regression"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class ResBlock(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)

    def forward(self, x):
        return x + self.fc2(F.relu(self.fc1(x)))


def make():
    torch.manual_seed(106)
    model = nn.Sequential(nn.Linear(10, 16), ResBlock(16), ResBlock(16), nn.Linear(16, 1))
    x = torch.randn(64, 10)
    return model, nn.MSELoss(), x, x[:, :1] - 2 * x[:, 1:2]
