"""bug_mlp_bn_dropout_linear_regression: house prices: Linear, BatchNorm1d, Dropout, Linear with no activation"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class PriceNet(nn.Module):
    def __init__(self, n_in=13):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, 64), nn.BatchNorm1d(64), nn.Dropout(0.1),
            nn.Linear(64, 64), nn.ReLU(),
            nn.Linear(64, 1))

    def forward(self, x):
        return self.net(x)


def make():
    torch.manual_seed(1006)
    x = torch.randn(48, 13)
    y = x[:, :1] * 0.5 + 0.1 * torch.randn(48, 1)
    return PriceNet(), nn.MSELoss(), x, y
