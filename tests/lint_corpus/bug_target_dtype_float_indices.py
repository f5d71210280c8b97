"""bug_target_dtype_float_indices"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_dtype_mismatch'}


def make():
    torch.manual_seed(41)
    model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 4))
    y = torch.randint(0, 4, (30,)).float()
    return model, nn.CrossEntropyLoss(), torch.randn(30, 10), y
