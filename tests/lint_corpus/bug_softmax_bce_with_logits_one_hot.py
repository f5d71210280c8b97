"""bug_softmax_bce_with_logits_one_hot: softmax output fed to BCEWithLogitsLoss with one-hot rows"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_binary_loss'}


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 4))

    def forward(self, x):
        return torch.softmax(self.net(x), dim=-1)


def make():
    torch.manual_seed(332)
    y = torch.zeros(32, 4)
    y[torch.arange(32), torch.randint(0, 4, (32,))] = 1.0
    return MLP(), nn.BCEWithLogitsLoss(), torch.randn(32, 20), y
