"""bug_softmax_multilabel"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_multilabel'}


def make():
    torch.manual_seed(46)
    model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 6))
    y = (torch.rand(30, 6) < 0.4).float()
    y[:, 0] = 1.0
    y[:, 1] = 1.0
    return model, nn.CrossEntropyLoss(), torch.randn(30, 10), y
