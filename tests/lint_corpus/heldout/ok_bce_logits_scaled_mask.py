"""ok_bce_logits_scaled_mask: binary segmentation with the 0/255 mask divided by 255"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(1108)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 1, 1))
    raw = (torch.rand(2, 1, 12, 12) > 0.5).float() * 255
    return model, nn.BCEWithLogitsLoss(), torch.randn(2, 3, 12, 12), raw / 255.0
