"""bug_sigmoid_before_bce_logits_sequential"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'sigmoid_before_logits_loss'}


def make():
    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 1), nn.Sigmoid())
    y = (torch.rand(50, 1) < 0.3).float()
    return model, nn.BCEWithLogitsLoss(), torch.randn(50, 6), y
