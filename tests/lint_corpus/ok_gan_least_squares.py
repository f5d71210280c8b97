"""ok_gan_least_squares"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(108)
    disc = nn.Sequential(nn.Linear(12, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))
    real = torch.rand(24, 12) * 2 - 1
    return disc, lambda out, t: 0.5 * F.mse_loss(out, t), real, torch.ones(24, 1)
