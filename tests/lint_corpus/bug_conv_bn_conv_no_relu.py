"""bug_conv_bn_conv_no_relu: a UNet-style double conv whose ReLU was forgotten"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class DoubleConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

    def forward(self, x):
        return self.block(x)


class TinySeg(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = DoubleConv(1, 16)
        self.head = nn.Conv2d(16, 2, 1)

    def forward(self, x):
        return self.head(self.enc(x))


def make():
    torch.manual_seed(312)
    return TinySeg(), nn.CrossEntropyLoss(), torch.randn(4, 1, 16, 16), torch.randint(0, 2, (4, 16, 16))
