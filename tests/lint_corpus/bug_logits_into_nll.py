"""bug_logits_into_nll"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'nll_on_logits'}


def make():
    torch.manual_seed(14)
    model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))
    return model, nn.NLLLoss(), torch.randn(30, 10), torch.randint(0, 5, (30,))
