"""bug_relu_head_signed_sequential"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'relu_output_signed_target'}


def make():
    torch.manual_seed(18)
    model = nn.Sequential(nn.Linear(5, 32), nn.ReLU(), nn.Linear(32, 1), nn.ReLU())
    x = torch.randn(64, 5)
    y = x[:, :1] * 2.0 - 0.5
    return model, nn.MSELoss(), x, y
