"""bug_deep_sigmoid_sequential"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'deep_saturating_stack'}


def make():
    torch.manual_seed(33)
    layers = [nn.Linear(10, 32), nn.Sigmoid()]
    for _ in range(6):
        layers += [nn.Linear(32, 32), nn.Sigmoid()]
    layers.append(nn.Linear(32, 3))
    return nn.Sequential(*layers), nn.CrossEntropyLoss(), torch.randn(32, 10), torch.randint(0, 3, (32,))
