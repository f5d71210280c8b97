"""bug_linear_linear_sequential"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


def make():
    torch.manual_seed(20)
    model = nn.Sequential(nn.Linear(20, 64), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 3))
    return model, nn.CrossEntropyLoss(), torch.randn(32, 20), torch.randint(0, 3, (32,))
