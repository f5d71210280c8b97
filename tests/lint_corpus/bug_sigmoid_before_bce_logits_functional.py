"""bug_sigmoid_before_bce_logits_functional"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'sigmoid_before_logits_loss'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(9, 20)
        self.b = nn.Linear(20, 1)

    def forward(self, x):
        return torch.sigmoid(self.b(F.leaky_relu(self.a(x)))).squeeze(-1)


def make():
    torch.manual_seed(6)
    y = (torch.rand(64) < 0.1).float()
    loss = lambda o, t: F.binary_cross_entropy_with_logits(o, t, pos_weight=torch.tensor(9.0))  # noqa: E731
    return Net(), loss, torch.randn(64, 9), y
