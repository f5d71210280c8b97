"""bug_linear_linear_matmul"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(8, 16) / 8 ** 0.5)
        self.w2 = nn.Parameter(torch.randn(16, 4) / 4)

    def forward(self, x):
        return (x @ self.w1) @ self.w2


def make():
    torch.manual_seed(22)
    return Net(), nn.CrossEntropyLoss(), torch.randn(24, 8), torch.randint(0, 4, (24,))
