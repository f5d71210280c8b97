"""bug_class_count_cross_entropy"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'class_count_mismatch'}


def make():
    torch.manual_seed(39)
    model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))
    return model, nn.CrossEntropyLoss(), torch.randn(30, 10), torch.randint(0, 10, (30,))
