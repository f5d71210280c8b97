"""bug_mask_0_255_bce: binary segmentation: BCEWithLogitsLoss on a 0/255 float mask"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_out_of_range'}


def make():
    torch.manual_seed(363)
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 1, 1))
    mask = (torch.rand(2, 1, 10, 10) > 0.7).float() * 255.0
    return model, nn.BCEWithLogitsLoss(), torch.randn(2, 1, 10, 10), mask
