"""ok_resnet_blocks"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class Block(nn.Module):
    def __init__(self, c=8):
        super().__init__()
        self.c1 = nn.Conv2d(c, c, 3, padding=1)
        self.b1 = nn.BatchNorm2d(c)
        self.c2 = nn.Conv2d(c, c, 3, padding=1)
        self.b2 = nn.BatchNorm2d(c)

    def forward(self, x):
        return F.relu(x + self.b2(self.c2(F.relu(self.b1(self.c1(x))))))


def make():
    torch.manual_seed(147)
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), Block(), Block(),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10))
    return net, nn.CrossEntropyLoss(), torch.randn(8, 3, 16, 16), torch.randint(0, 10, (8,))
