"""bug_actloss_focal_on_sigmoid"""
import torch
from torch import nn

from actloss import losses

EXPECTED = {"sigmoid_before_logits_loss"}


class Detector(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(16, 32), nn.ReLU())
        self.cls = nn.Linear(32, 1)

    def forward(self, x):
        return torch.sigmoid(self.cls(self.backbone(x)))


def make():
    torch.manual_seed(51)
    y = (torch.rand(64, 1) < 0.05).float()
    loss = lambda p, t: losses.binary_focal(p, t, alpha=0.95, gamma=2.0)  # noqa: E731
    return Detector(), loss, torch.randn(64, 16), y
