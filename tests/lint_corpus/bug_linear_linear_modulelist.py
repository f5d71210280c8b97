"""bug_linear_linear_modulelist"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(8, 32), nn.Linear(32, 32), nn.Linear(32, 2)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def make():
    torch.manual_seed(62)
    return Net(), nn.CrossEntropyLoss(), torch.randn(16, 8), torch.randint(0, 2, (16,))
