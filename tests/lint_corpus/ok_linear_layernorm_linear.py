"""ok_linear_layernorm_linear"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(12, 24)
        self.norm = nn.LayerNorm(24)
        self.fc = nn.Linear(24, 24)
        self.out = nn.Linear(24, 3)

    def forward(self, x):
        return self.out(F.silu(self.fc(self.norm(self.proj(x)))))


def make():
    torch.manual_seed(117)
    return Net(), nn.CrossEntropyLoss(), torch.randn(20, 12), torch.randint(0, 3, (20,))
