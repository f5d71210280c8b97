"""bug_l1_class_index: L1Loss regressing the class id with a single output"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'mse_for_classification'}


def make():
    torch.manual_seed(1014)
    model = nn.Sequential(nn.Linear(9, 18), nn.ReLU(), nn.Linear(18, 1))
    labels = torch.randint(0, 5, (30, 1))
    return model, lambda o, y: F.l1_loss(o, y.float()), torch.randn(30, 9), labels
