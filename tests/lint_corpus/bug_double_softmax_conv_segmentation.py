"""bug_double_softmax_conv_segmentation"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'double_softmax'}


def make():
    torch.manual_seed(3)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 4, 1),
                          nn.Softmax(dim=1))
    return model, nn.CrossEntropyLoss(), torch.randn(4, 3, 8, 8), torch.randint(0, 4, (4, 8, 8))
