"""bug_probabilities_into_nll_sequential"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'nll_on_probabilities'}


def make():
    torch.manual_seed(12)
    model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 3), nn.Softmax(dim=1))
    return model, nn.NLLLoss(), torch.randn(30, 10), torch.randint(0, 3, (30,))
