"""ok_segmentation_dice_bce"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class TinySeg(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.dec = nn.Conv2d(8, 1, 1)

    def forward(self, x):
        return self.dec(self.enc(x))


def dice_bce(logits, mask, eps=1.0):
    p = torch.sigmoid(logits)
    inter = (p * mask).sum(dim=(1, 2, 3))
    dice = 1 - (2 * inter + eps) / (p.sum(dim=(1, 2, 3)) + mask.sum(dim=(1, 2, 3)) + eps)
    return F.binary_cross_entropy_with_logits(logits, mask) + dice.mean()


def make():
    torch.manual_seed(113)
    mask = (torch.rand(4, 1, 16, 16) < 0.2).float()
    return TinySeg(), dice_bce, torch.randn(4, 3, 16, 16), mask
