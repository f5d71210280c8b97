"""bug_cross_entropy_single_logit"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_single_unit'}


def make():
    torch.manual_seed(11)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    return model, nn.CrossEntropyLoss(), torch.randn(16, 4), torch.zeros(16, dtype=torch.long)
