"""ok_multilabel_soft_margin: multi-label tags with MultiLabelSoftMarginLoss on multi-hot floats"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(1113)
    model = nn.Sequential(nn.Linear(30, 48), nn.ReLU(), nn.Linear(48, 9))
    tags = (torch.rand(16, 9) > 0.7).float()
    return model, nn.MultiLabelSoftMarginLoss(), torch.randn(16, 30), tags
