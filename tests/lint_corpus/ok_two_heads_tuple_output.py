"""ok_two_heads_tuple_output"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class TwoHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 32), nn.ReLU())
        self.cls = nn.Linear(32, 3)
        self.reg = nn.Linear(32, 1)

    def forward(self, x):
        h = self.body(x)
        return self.cls(h), self.reg(h)


def loss(out, target):
    return F.cross_entropy(out[0], target[0]) + F.mse_loss(out[1], target[1])


def make():
    torch.manual_seed(140)
    return TwoHead(), loss, torch.randn(16, 8), (torch.randint(0, 3, (16,)), torch.randn(16, 1))
