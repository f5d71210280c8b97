"""bug_linear_linear_flatten"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


def make():
    torch.manual_seed(23)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.Flatten(), nn.Linear(128, 10))
    return model, nn.CrossEntropyLoss(), torch.randn(16, 1, 8, 8), torch.randint(0, 10, (16,))
