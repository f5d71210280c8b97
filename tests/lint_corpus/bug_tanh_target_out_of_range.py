"""bug_tanh_target_out_of_range"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_out_of_range'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(2, 32)
        self.l2 = nn.Linear(32, 1)

    def forward(self, x):
        return torch.tanh(self.l2(F.relu(self.l1(x))))


def make():
    torch.manual_seed(48)
    x = torch.randn(60, 2)
    return Net(), nn.MSELoss(), x, 4.0 * x[:, :1]
