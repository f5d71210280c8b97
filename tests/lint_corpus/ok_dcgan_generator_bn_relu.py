"""ok_dcgan_generator_bn_relu: DCGAN generator: ConvTranspose, BatchNorm, ReLU, tanh output"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class Generator(nn.Module):
    def __init__(self, nz=16, ngf=8):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, 1, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, z):
        return self.main(z)


def make():
    torch.manual_seed(318)
    target = torch.rand(8, 1, 16, 16) * 2 - 1
    return Generator(), nn.L1Loss(), torch.randn(8, 16, 1, 1), target
