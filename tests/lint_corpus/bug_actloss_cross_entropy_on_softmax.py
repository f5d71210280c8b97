"""bug_actloss_cross_entropy_on_softmax"""
import torch
from torch import nn

from actloss import losses

EXPECTED = {"double_softmax"}


def make():
    torch.manual_seed(50)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 4), nn.Softmax(dim=-1))
    return model, losses.get("cross_entropy"), torch.randn(32, 10), torch.randint(0, 4, (32,))
