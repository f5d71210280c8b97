"""bug_mse_one_hot_softmax"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'mse_for_classification'}


def make():
    torch.manual_seed(15)
    model = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10), nn.Softmax(dim=1))
    y = F.one_hot(torch.randint(0, 10, (32,)), 10).float()
    return model, nn.MSELoss(), torch.randn(32, 784), y
