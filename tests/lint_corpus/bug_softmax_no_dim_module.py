"""bug_softmax_no_dim_module"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_implicit_dim', 'log_of_softmax'}


def make():
    torch.manual_seed(24)
    model = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 3), nn.Softmax())
    loss = lambda p, y: F.nll_loss(torch.log(p), y)  # noqa: E731
    return model, loss, torch.randn(20, 6), torch.randint(0, 3, (20,))
