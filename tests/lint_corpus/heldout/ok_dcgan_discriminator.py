"""ok_dcgan_discriminator: DCGAN discriminator with LeakyReLU and BCEWithLogitsLoss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class D(nn.Module):
    def __init__(self, ndf=8):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False))

    def forward(self, x):
        return self.main(x).view(-1)


def make():
    torch.manual_seed(1110)
    label = torch.full((8,), 1.0)
    return D(), nn.BCEWithLogitsLoss(), torch.randn(8, 1, 16, 16), label
