"""ok_depthwise_separable_conv: MobileNet-style separable conv: depthwise then pointwise, ReLU after"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class SepConv(nn.Module):
    def __init__(self, c, cout):
        super().__init__()
        self.dw = nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False)
        self.pw = nn.Conv2d(c, cout, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.pw(self.dw(x))))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU())
        self.sep = SepConv(16, 32)
        self.fc = nn.Linear(32, 5)

    def forward(self, x):
        return self.fc(self.sep(self.stem(x)).mean((2, 3)))


def make():
    torch.manual_seed(316)
    return Net(), nn.CrossEntropyLoss(), torch.randn(6, 3, 16, 16), torch.randint(0, 5, (6,))
