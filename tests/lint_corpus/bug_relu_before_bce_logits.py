"""bug_relu_before_bce_logits"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'relu_before_logits_loss'}


def make():
    torch.manual_seed(64)
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 1), nn.ReLU())
    y = (torch.rand(32, 1) < 0.5).float()
    return model, nn.BCEWithLogitsLoss(), torch.randn(32, 5), y
