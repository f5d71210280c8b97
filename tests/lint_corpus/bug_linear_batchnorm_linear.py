"""bug_linear_batchnorm_linear: tabular MLP: Linear -> BatchNorm1d -> Linear, the activation left out"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class TabularNet(nn.Module):
    def __init__(self, n_in=20):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_in, 128), nn.BatchNorm1d(128), nn.Dropout(0.2),
            nn.Linear(128, 64), nn.BatchNorm1d(64), nn.ReLU(),
            nn.Linear(64, 1))

    def forward(self, x):
        return self.layers(x)


def make():
    torch.manual_seed(313)
    x = torch.randn(64, 20)
    y = (x[:, :1] > 0).float()
    return TabularNet(), nn.BCEWithLogitsLoss(), x, y
