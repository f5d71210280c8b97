"""bug_sigmoid_before_bce_logits_multilabel"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'sigmoid_before_logits_loss'}


def make():
    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(15, 32), nn.ReLU(), nn.Linear(32, 5))
    wrapped = nn.Sequential(model, nn.Sigmoid())
    y = (torch.rand(40, 5) < 0.4).float()
    return wrapped, nn.BCEWithLogitsLoss(), torch.randn(40, 15), y
