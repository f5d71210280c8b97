"""bug_cutmix_soft_ce_index_vector: a cutmix soft-CE helper called with plain index labels"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'soft_target_index'}


def soft_target_ce(logits, target):
    log_probs = torch.log_softmax(logits, dim=-1)
    return torch.sum(-target * log_probs, dim=-1).mean()


def make():
    torch.manual_seed(1017)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                          nn.Flatten(), nn.Linear(8, 10))
    return model, soft_target_ce, torch.randn(16, 3, 8, 8), torch.randint(0, 10, (16,))
