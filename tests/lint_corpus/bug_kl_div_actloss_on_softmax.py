"""bug_kl_div_actloss_on_softmax"""
import torch
from torch import nn

from actloss import losses

EXPECTED = {"kl_div_on_probabilities"}


def make():
    torch.manual_seed(69)
    model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 3), nn.Softmax(dim=-1))
    target = torch.softmax(torch.randn(48, 3), dim=1)
    return model, losses.get("kl_div"), torch.randn(48, 10), target
