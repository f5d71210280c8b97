"""bug_target_dtype_long_bce"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_dtype_mismatch'}


def make():
    torch.manual_seed(42)
    model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 3))
    y = (torch.rand(30, 3) < 0.5).long()
    return model, nn.BCEWithLogitsLoss(), torch.randn(30, 10), y
