"""ok_multilabel_bce_logits"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(112)
    model = nn.Sequential(nn.Linear(15, 32), nn.ReLU(), nn.Linear(32, 5))
    y = (torch.rand(40, 5) < 0.3).float()
    pos_weight = ((1 - y).sum(0) / y.sum(0).clamp(min=1))
    return model, nn.BCEWithLogitsLoss(pos_weight=pos_weight), torch.randn(40, 15), y
