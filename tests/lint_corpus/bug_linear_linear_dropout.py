"""bug_linear_linear_dropout"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(30, 50)
        self.drop = nn.Dropout(0.2)
        self.fc2 = nn.Linear(50, 1)

    def forward(self, x):
        return self.fc2(self.drop(self.fc1(x)))


def make():
    torch.manual_seed(21)
    x = torch.randn(40, 30)
    return Net(), nn.MSELoss(), x, x[:, :1] ** 2
