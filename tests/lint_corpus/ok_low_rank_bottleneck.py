"""ok_low_rank_bottleneck"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(116)
    model = nn.Sequential(nn.Linear(64, 8), nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 3))
    return model, nn.CrossEntropyLoss(), torch.randn(32, 64), torch.randint(0, 3, (32,))
