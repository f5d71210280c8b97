"""bug_double_softmax_method"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'double_softmax'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 32)
        self.fc2 = nn.Linear(32, 6)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x))).softmax(-1)


def make():
    torch.manual_seed(2)
    return Net(), nn.CrossEntropyLoss(reduction="sum"), torch.randn(40, 8), torch.randint(0, 6, (40,))
