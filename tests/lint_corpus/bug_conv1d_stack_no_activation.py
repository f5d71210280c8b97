"""bug_conv1d_stack_no_activation: 1-D signal model: two Conv1d in a row before the pooling"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class SignalNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(2, 16, 5, padding=2)
        self.conv2 = nn.Conv1d(16, 32, 5, padding=2)
        self.fc = nn.Linear(32, 4)

    def forward(self, x):
        x = self.conv2(self.conv1(x))
        x = F.relu(x).mean(-1)
        return self.fc(x)


def make():
    torch.manual_seed(314)
    return SignalNet(), nn.CrossEntropyLoss(), torch.randn(16, 2, 64), torch.randint(0, 4, (16,))
