"""bug_log_softmax_temperature_helper: a calibration helper: log of a tempered softmax, with eps"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'log_of_softmax'}


def tempered_nll(logits, target, T=2.0):
    probs = F.softmax(logits / T, dim=-1)
    return -torch.log(probs + 1e-8).gather(1, target.unsqueeze(1)).mean()


def make():
    torch.manual_seed(302)
    model = nn.Sequential(nn.Linear(16, 48), nn.GELU(), nn.Linear(48, 7))
    return model, tempered_nll, torch.randn(40, 16), torch.randint(0, 7, (40,))
