"""bug_probabilities_into_nll_functional"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'nll_on_probabilities'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 7)

    def forward(self, x):
        return torch.softmax(self.fc(x), dim=1)


def make():
    torch.manual_seed(13)
    return Net(), F.nll_loss, torch.randn(25, 16), torch.randint(0, 7, (25,))
