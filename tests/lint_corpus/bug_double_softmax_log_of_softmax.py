"""bug_double_softmax_log_of_softmax"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'double_softmax'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(12, 24), nn.Tanh(), nn.Linear(24, 3))

    def forward(self, x):
        p = F.softmax(self.fc(x), dim=1)
        return F.log_softmax(p, dim=1)


def make():
    torch.manual_seed(4)
    return Net(), nn.NLLLoss(), torch.randn(30, 12), torch.randint(0, 3, (30,))
