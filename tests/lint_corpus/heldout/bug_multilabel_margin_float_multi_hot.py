"""bug_multilabel_margin_float_multi_hot: F.multilabel_margin_loss on float multi-hot labels"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'multilabel_margin_multi_hot'}


def make():
    torch.manual_seed(1018)
    model = nn.Sequential(nn.Linear(12, 24), nn.ReLU(), nn.Linear(24, 6))
    y = (torch.rand(10, 6) > 0.6).float()
    return model, lambda o, t: F.multilabel_margin_loss(o, t.long()), torch.randn(10, 12), y
