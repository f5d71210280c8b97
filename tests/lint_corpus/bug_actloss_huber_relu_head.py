"""bug_actloss_huber_relu_head"""
import torch
from torch import nn

from actloss import losses

EXPECTED = {"relu_output_signed_target"}


def make():
    torch.manual_seed(53)
    model = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1), nn.ReLU())
    x = torch.randn(48, 3)
    return model, losses.get("huber", delta=1.345), x, x[:, :1] - 1.0
