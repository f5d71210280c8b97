"""bug_target_shape_bce_logits"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_shape_mismatch'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 1)

    def forward(self, x):
        return self.fc(x)


def make():
    torch.manual_seed(44)
    y = (torch.rand(20) < 0.5).float()
    return Net(), F.binary_cross_entropy_with_logits, torch.randn(20, 5), y
