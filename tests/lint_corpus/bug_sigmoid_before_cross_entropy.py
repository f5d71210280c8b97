"""bug_sigmoid_before_cross_entropy"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'sigmoid_before_logits_loss'}


def make():
    torch.manual_seed(8)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 4), nn.Sigmoid())
    return model, nn.CrossEntropyLoss(), torch.randn(48, 10), torch.randint(0, 4, (48,))
