"""bug_double_softmax_sequential"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'double_softmax'}


def make():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 5), nn.Softmax(dim=1))
    return model, nn.CrossEntropyLoss(), torch.randn(64, 20), torch.randint(0, 5, (64,))
