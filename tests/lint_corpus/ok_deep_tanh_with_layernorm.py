"""ok_deep_tanh_with_layernorm"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class Deep(nn.Module):
    def __init__(self, depth=6):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(16, 16) for _ in range(depth))
        self.norms = nn.ModuleList(nn.LayerNorm(16) for _ in range(depth))
        self.out = nn.Linear(16, 2)

    def forward(self, x):
        for layer, norm in zip(self.layers, self.norms):
            x = torch.tanh(norm(layer(x)))
        return self.out(x)


def make():
    torch.manual_seed(123)
    return Deep(), nn.CrossEntropyLoss(), torch.randn(24, 16), torch.randint(0, 2, (24,))
