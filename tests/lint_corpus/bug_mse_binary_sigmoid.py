"""bug_mse_binary_sigmoid"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'mse_for_classification'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.h = nn.Linear(3, 10)
        self.o = nn.Linear(10, 1)

    def forward(self, x):
        return torch.sigmoid(self.o(torch.relu(self.h(x))))


def make():
    torch.manual_seed(16)
    y = (torch.rand(40, 1) > 0.5).float()
    return Net(), F.mse_loss, torch.randn(40, 3), y
