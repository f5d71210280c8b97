"""bug_softmax_single_unit_functional"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_single_unit'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(7, 12)
        self.out = nn.Linear(12, 1)

    def forward(self, x):
        return F.softmax(self.out(F.relu(self.l1(x))), dim=-1)


def make():
    torch.manual_seed(10)
    y = torch.rand(20, 1)  # a share in (0, 1)
    return Net(), lambda p, t: F.mse_loss(p, t), torch.randn(20, 7), y
