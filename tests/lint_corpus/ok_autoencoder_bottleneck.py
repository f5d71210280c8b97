"""ok_autoencoder_bottleneck"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(142)
    model = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 64))
    x = torch.randn(16, 64)
    return model, nn.MSELoss(), x, x
