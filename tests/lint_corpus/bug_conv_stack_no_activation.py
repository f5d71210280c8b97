"""bug_conv_stack_no_activation: a beginner CNN: conv, pool, conv, pool with no ReLU"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class SimpleCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(self.conv1(x))
        x = self.pool(self.conv2(x))
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


def make():
    torch.manual_seed(311)
    return SimpleCNN(), nn.CrossEntropyLoss(), torch.randn(8, 3, 16, 16), torch.randint(0, 10, (8,))
