"""ok_sigmoid_bce_one_hot_targets: BCE-with-logits on one-hot targets without a softmax (timm-style)"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(335)
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 5))
    y = F.one_hot(torch.randint(0, 5, (28,)), 5).float()
    return model, nn.BCEWithLogitsLoss(), torch.randn(28, 16), y
