"""bug_softmax_inside_loss_wrapper"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'double_softmax'}


def make():
    torch.manual_seed(60)
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 4))

    def loss(logits, y):
        return F.cross_entropy(F.softmax(logits, dim=1), y)

    return model, loss, torch.randn(32, 5), torch.randint(0, 4, (32,))
