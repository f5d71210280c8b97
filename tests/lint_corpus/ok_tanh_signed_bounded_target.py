"""ok_tanh_signed_bounded_target"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(128)
    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 1), nn.Tanh())
    x = torch.randn(60, 2)
    return model, nn.MSELoss(), x, torch.tanh(x[:, :1])
