"""bug_actloss_nll_on_logits"""
import torch
from torch import nn

from actloss import losses

EXPECTED = {"nll_on_logits"}


def make():
    torch.manual_seed(52)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 6))
    return model, losses.nll, torch.randn(24, 8), torch.randint(0, 6, (24,))
