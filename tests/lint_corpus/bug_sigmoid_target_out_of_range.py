"""bug_sigmoid_target_out_of_range"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_out_of_range'}


def make():
    torch.manual_seed(47)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1), nn.Sigmoid())
    x = torch.randn(40, 4)
    y = 50.0 + 10.0 * x[:, :1]  # e.g. a score out of 100
    return model, nn.L1Loss(), x, y
