"""bug_dead_relu_conv"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'dead_relu_init'}


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 3, padding=1)
        nn.init.constant_(self.conv.bias, -20.0)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        h = F.relu(self.conv(x))
        return self.fc(h.mean(dim=(2, 3)))


def make():
    torch.manual_seed(36)
    return ConvNet(), nn.CrossEntropyLoss(), torch.randn(8, 1, 12, 12), torch.randint(0, 10, (8,))
