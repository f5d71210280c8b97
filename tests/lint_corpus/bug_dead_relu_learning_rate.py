"""bug_dead_relu_learning_rate"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'dead_relu_lr'}
CHECK_KWARGS = {"lr": 3.0}

def make():
    torch.manual_seed(37)
    model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
    x = torch.randn(64, 10)
    return model, nn.MSELoss(), x, 5.0 + x[:, :1]
