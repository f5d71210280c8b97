"""bug_soft_ce_helper_index_column: a mixup-style soft-target CE helper given an index column"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'soft_target_index'}


def soft_cross_entropy(logits, target):
    return torch.mean(torch.sum(-target * F.log_softmax(logits, dim=1), dim=1))


def make():
    torch.manual_seed(353)
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 6))
    y = torch.randint(0, 6, (20, 1))
    return model, soft_cross_entropy, torch.randn(20, 16), y
