"""bug_relu_before_cross_entropy"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'relu_before_logits_loss'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(12, 24)
        self.out = nn.Linear(24, 6)

    def forward(self, x):
        return F.relu(self.out(F.relu(self.hidden(x))))


def make():
    torch.manual_seed(65)
    return Net(), F.cross_entropy, torch.randn(40, 12), torch.randint(0, 6, (40,))
