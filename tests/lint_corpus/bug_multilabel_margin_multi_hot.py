"""bug_multilabel_margin_multi_hot: MultiLabelMarginLoss with multi-hot long targets"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'multilabel_margin_multi_hot'}


def make():
    torch.manual_seed(355)
    model = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 8))
    y = (torch.rand(16, 8) < 0.3).long()
    return model, nn.MultiLabelMarginLoss(), torch.randn(16, 30), y
