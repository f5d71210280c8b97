"""bug_softmax_bce_multilabel_tags: multi-label tagging with a softmax head and BCELoss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_binary_loss'}


def make():
    torch.manual_seed(334)
    model = nn.Sequential(nn.Linear(24, 48), nn.ReLU(), nn.Linear(48, 6), nn.Softmax(dim=1))
    tags = (torch.rand(20, 6) < 0.35).float()
    tags[:, 0] = 1.0
    tags[:, 1] = 1.0
    return model, nn.BCELoss(), torch.randn(20, 24), tags
