"""bug_sigmoid_bce_logits_segmentation: segmentation net ends in Sigmoid and trains with BCEWithLogitsLoss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'sigmoid_before_logits_loss'}


def make():
    torch.manual_seed(1024)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 1, 1), nn.Sigmoid())
    mask = (torch.rand(3, 1, 12, 12) > 0.5).float()
    return model, nn.BCEWithLogitsLoss(), torch.randn(3, 3, 12, 12), mask
