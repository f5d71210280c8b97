"""ok_mobilenetv2_linear_bottleneck: inverted residual blocks: the projection conv is linear on purpose"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, expand=6):
        super().__init__()
        mid = cin * expand
        self.expand = nn.Sequential(nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.ReLU6())
        self.dw = nn.Sequential(nn.Conv2d(mid, mid, 3, padding=1, groups=mid, bias=False),
                                nn.BatchNorm2d(mid), nn.ReLU6())
        self.project = nn.Sequential(nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.use_res = cin == cout

    def forward(self, x):
        y = self.project(self.dw(self.expand(x)))
        return x + y if self.use_res else y


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.blocks = nn.Sequential(InvertedResidual(8, 12), InvertedResidual(12, 12),
                                    InvertedResidual(12, 16))
        self.head = nn.Sequential(nn.Conv2d(16, 64, 1), nn.ReLU6())
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(self.head(self.blocks(self.stem(x))).mean((2, 3)))


def make():
    torch.manual_seed(317)
    return Net(), nn.CrossEntropyLoss(), torch.randn(4, 3, 16, 16), torch.randint(0, 10, (4,))
