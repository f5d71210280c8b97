"""bug_dead_relu_conv1d_bias"""
import torch
from torch import nn

EXPECTED = {"dead_relu_init"}


def make():
    torch.manual_seed(68)
    model = nn.Sequential(nn.Conv1d(2, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 6, 2))
    nn.init.constant_(model[0].bias, -50.0)
    return model, nn.CrossEntropyLoss(), torch.randn(16, 2, 8), torch.randint(0, 2, (16,))
