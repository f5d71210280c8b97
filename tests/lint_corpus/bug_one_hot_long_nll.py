"""bug_one_hot_long_nll: log_softmax + NLLLoss with integer one-hot targets"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_shape_mismatch'}


def make():
    torch.manual_seed(364)
    model = nn.Sequential(nn.Linear(9, 18), nn.ReLU(), nn.Linear(18, 3), nn.LogSoftmax(dim=1))
    y = F.one_hot(torch.randint(0, 3, (21,)), 3)
    return model, nn.NLLLoss(), torch.randn(21, 9), y
