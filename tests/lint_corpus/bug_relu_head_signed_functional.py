"""bug_relu_head_signed_functional"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'relu_output_signed_target'}


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(4, 16)
        self.l2 = nn.Linear(16, 2)

    def forward(self, x):
        return F.relu(self.l2(F.relu(self.l1(x))))


def make():
    torch.manual_seed(19)
    x = torch.randn(50, 4)
    y = torch.stack([x[:, 0] - x[:, 1], torch.sin(x[:, 2])], dim=1)
    return Regressor(), lambda o, t: F.huber_loss(o, t, delta=1.0), x, y
