"""bug_dead_relu_learning_rate_functional"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {"dead_relu_lr"}
CHECK_KWARGS = {"lr": 1.0}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(6, 48)
        self.h = nn.Linear(48, 48)
        self.b = nn.Linear(48, 1)

    def forward(self, x):
        return self.b(F.relu(self.h(F.relu(self.a(x)))))


def make():
    torch.manual_seed(1)
    x = torch.randn(64, 6)
    return Net(), F.mse_loss, x, 10 + x[:, :1]
