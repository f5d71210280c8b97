"""bug_linear_linear_no_bias"""
import torch
from torch import nn

EXPECTED = {"linear_linear"}


def make():
    torch.manual_seed(67)
    model = nn.Sequential(nn.Linear(10, 40, bias=False), nn.Linear(40, 20, bias=False), nn.GELU(),
                          nn.Linear(20, 2))
    return model, nn.CrossEntropyLoss(), torch.randn(48, 10), torch.randint(0, 2, (48,))
