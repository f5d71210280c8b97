"""bug_bce_on_sigmoid_sequential"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'bce_on_probabilities'}


def make():
    torch.manual_seed(30)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1), nn.Sigmoid())
    y = (torch.rand(32, 1) < 0.5).float()
    return model, nn.BCELoss(), torch.randn(32, 4), y
