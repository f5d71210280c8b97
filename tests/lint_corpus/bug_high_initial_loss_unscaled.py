"""bug_high_initial_loss_unscaled"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'high_initial_loss'}


def make():
    torch.manual_seed(45)
    model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 10))
    x = torch.randn(64, 10) * 200.0  # raw, unstandardised features
    return model, nn.CrossEntropyLoss(), x, torch.randint(0, 10, (64,))
