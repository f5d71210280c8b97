"""bug_dead_relu_negative_bias"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'dead_relu_init'}


def make():
    torch.manual_seed(35)
    model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 3))
    with torch.no_grad():
        model[0].bias.fill_(-10.0)
    return model, nn.CrossEntropyLoss(), torch.randn(64, 10), torch.randint(0, 3, (64,))
