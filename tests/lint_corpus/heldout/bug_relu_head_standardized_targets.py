"""bug_relu_head_standardized_targets: regressor with a ReLU output on standardized targets"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'relu_output_signed_target'}


def make():
    torch.manual_seed(1026)
    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1), nn.ReLU())
    y = torch.randn(40, 1)
    return model, nn.SmoothL1Loss(), torch.randn(40, 8), (y - y.mean()) / y.std()
