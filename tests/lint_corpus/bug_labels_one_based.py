"""bug_labels_one_based: labels 1..K from a CSV given to CrossEntropyLoss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'class_count_mismatch'}


def make():
    torch.manual_seed(361)
    model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
    y = torch.randint(1, 4, (40,))
    y[0] = 3
    return model, nn.CrossEntropyLoss(), torch.randn(40, 13), y
