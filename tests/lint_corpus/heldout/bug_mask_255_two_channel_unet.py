"""bug_mask_255_two_channel_unet: binary segmentation with 2 output channels on a 0/255 mask"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'class_count_mismatch'}


class TinyUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.mid = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU())
        self.up = nn.Upsample(scale_factor=2)
        self.out = nn.Conv2d(16, 2, 1)

    def forward(self, x):
        d = self.down(x)
        m = self.up(self.mid(self.pool(d)))
        return self.out(torch.cat([d, m], dim=1))


def make():
    torch.manual_seed(1021)
    mask = torch.zeros(2, 16, 16, dtype=torch.long)
    mask[:, 4:12, 4:12] = 255
    return TinyUNet(), nn.CrossEntropyLoss(), torch.randn(2, 3, 16, 16), mask
