"""ok_deep_relu_mlp"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(144)
    layers = [nn.Linear(10, 64), nn.ReLU()]
    for _ in range(7):
        layers += [nn.Linear(64, 64), nn.ReLU()]
    layers.append(nn.Linear(64, 5))
    return nn.Sequential(*layers), nn.CrossEntropyLoss(), torch.randn(64, 10), torch.randint(0, 5, (64,))
