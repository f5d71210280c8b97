"""bug_mask_0_255_cross_entropy: segmentation: the PNG mask values 0/255 used as class indices"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'class_count_mismatch'}


class SegNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 2, 1))

    def forward(self, x):
        return self.body(x)


def make():
    torch.manual_seed(362)
    mask = (torch.rand(2, 12, 12) > 0.5).long() * 255
    return SegNet(), nn.CrossEntropyLoss(), torch.randn(2, 3, 12, 12), mask
