"""ok_mnist_mlp_784_512_256_10"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(101)
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                          nn.Linear(256, 10))
    x = torch.rand(128, 784)  # pixels scaled to [0, 1]
    return model, nn.CrossEntropyLoss(), x, torch.randint(0, 10, (128,))
