"""bug_softmax_no_dim_attention"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_implicit_dim'}


class Attn(nn.Module):
    def __init__(self, d=8):
        super().__init__()
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.head = nn.Linear(d, 2)

    def forward(self, x):
        scores = self.q(x) @ self.k(x).transpose(1, 2) / 8 ** 0.5
        w = F.softmax(scores)
        return self.head((w @ self.v(x)).mean(1))


def make():
    torch.manual_seed(25)
    return Attn(), nn.CrossEntropyLoss(), torch.randn(4, 5, 8), torch.randint(0, 2, (4,))
