"""ok_multilabel_margin_padded_indices: MultiLabelMarginLoss with -1 padded index rows (documented format)"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(357)
    model = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 6))
    y = torch.full((4, 6), -1, dtype=torch.long)
    y[0, :2] = torch.tensor([3, 0])
    y[1, :1] = torch.tensor([5])
    y[2, :3] = torch.tensor([1, 2, 4])
    y[3, :1] = torch.tensor([0])
    return model, nn.MultiLabelMarginLoss(), torch.randn(4, 30), y
