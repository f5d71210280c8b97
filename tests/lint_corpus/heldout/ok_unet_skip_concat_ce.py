"""ok_unet_skip_concat_ce: UNet with skip concatenation, BN+ReLU blocks, 0/1 class masks"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1, self.enc2 = block(1, 8), block(8, 16)
        self.up = nn.ConvTranspose2d(16, 8, 2, stride=2)
        self.dec = block(16, 8)
        self.out = nn.Conv2d(8, 2, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        return self.out(self.dec(torch.cat([self.up(e2), e1], dim=1)))


def make():
    torch.manual_seed(1107)
    mask = (torch.rand(2, 16, 16) > 0.5).long()
    return UNet(), nn.CrossEntropyLoss(), torch.randn(2, 1, 16, 16), mask
