"""ok_age_regression_long_targets: age regression: long ages cast to float in the loss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class AgeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.reg = nn.Linear(8, 1)

    def forward(self, x):
        return self.reg(self.f(x)).squeeze(1)


def make():
    torch.manual_seed(1111)
    ages = torch.randint(16, 80, (12,))
    return AgeNet(), lambda p, a: F.l1_loss(p, a.float()), torch.randn(12, 3, 10, 10), ages
