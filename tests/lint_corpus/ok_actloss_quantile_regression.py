"""ok_actloss_quantile_regression"""
import torch
import torch.nn.functional as F
from torch import nn

from actloss import losses

EXPECTED = set()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 32)
        self.fc2 = nn.Linear(32, 1)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def make():
    torch.manual_seed(132)
    x = torch.randn(50, 4)
    y = x[:, :1] + torch.randn(50, 1).abs()
    return Net(), lambda o, t: losses.quantile(o, t, q=0.9), x, y
