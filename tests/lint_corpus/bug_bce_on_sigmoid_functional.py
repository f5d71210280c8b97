"""bug_bce_on_sigmoid_functional"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'bce_on_probabilities'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(11, 22)
        self.fc2 = nn.Linear(22, 3)

    def forward(self, x):
        return torch.sigmoid(self.fc2(F.elu(self.fc1(x))))


def make():
    torch.manual_seed(31)
    y = (torch.rand(28, 3) < 0.3).float()
    return Net(), F.binary_cross_entropy, torch.randn(28, 11), y
