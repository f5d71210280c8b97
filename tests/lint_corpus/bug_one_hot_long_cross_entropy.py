"""bug_one_hot_long_cross_entropy"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_shape_mismatch'}


def make():
    torch.manual_seed(66)
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 4))
    y = F.one_hot(torch.randint(0, 4, (32,)), 4)  # integer one-hot rows
    return model, nn.CrossEntropyLoss(), torch.randn(32, 5), y
