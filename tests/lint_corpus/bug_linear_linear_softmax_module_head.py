"""bug_linear_linear_softmax_module_head: Sequential ending Linear, Linear, LogSoftmax"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


def make():
    torch.manual_seed(322)
    model = nn.Sequential(
        nn.Linear(40, 80), nn.ReLU(),
        nn.Linear(80, 80),
        nn.Linear(80, 6), nn.LogSoftmax(dim=1))
    return model, nn.NLLLoss(), torch.randn(30, 40), torch.randint(0, 6, (30,))
