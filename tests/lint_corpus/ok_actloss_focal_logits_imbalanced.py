"""ok_actloss_focal_logits_imbalanced"""
import torch
from torch import nn

from actloss import losses

EXPECTED = set()


def make():
    torch.manual_seed(131)
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 1))
    y = (torch.rand(64, 1) < 0.05).float()
    return model, losses.get("binary_focal", alpha=0.95, gamma=2.0), torch.randn(64, 16), y
