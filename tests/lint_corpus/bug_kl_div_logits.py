"""bug_kl_div_logits"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'kl_div_on_logits'}


def make():
    torch.manual_seed(29)
    model = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 4))
    target = torch.softmax(torch.randn(18, 4), dim=-1)
    return model, nn.KLDivLoss(reduction="batchmean"), torch.randn(18, 6), target
