"""bug_softmax_single_unit_bce"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_single_unit'}


def make():
    torch.manual_seed(9)
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 1), nn.Softmax(dim=1))
    y = (torch.rand(32, 1) < 0.5).float()
    return model, nn.BCELoss(), torch.randn(32, 5), y
