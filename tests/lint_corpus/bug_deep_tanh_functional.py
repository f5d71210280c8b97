"""bug_deep_tanh_functional"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'deep_saturating_stack'}


class Deep(nn.Module):
    def __init__(self, depth=5):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(16, 16) for _ in range(depth))
        self.out = nn.Linear(16, 1)

    def forward(self, x):
        for layer in self.layers:
            x = torch.tanh(layer(x))
        return self.out(x)


def make():
    torch.manual_seed(34)
    x = torch.randn(40, 16)
    return Deep(), nn.MSELoss(), x, x.sum(1, keepdim=True)
