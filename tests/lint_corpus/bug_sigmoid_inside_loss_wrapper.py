"""bug_sigmoid_inside_loss_wrapper"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'sigmoid_before_logits_loss'}


def make():
    torch.manual_seed(61)
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 1))
    y = (torch.rand(32, 1) < 0.5).float()
    return model, lambda o, t: F.binary_cross_entropy_with_logits(torch.sigmoid(o), t), torch.randn(32, 5), y
