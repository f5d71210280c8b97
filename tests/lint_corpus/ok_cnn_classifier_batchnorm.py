"""ok_cnn_classifier_batchnorm"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.classifier = nn.Linear(16, 10)

    def forward(self, x):
        return self.classifier(self.features(x))


def make():
    torch.manual_seed(122)
    return CNN(), nn.CrossEntropyLoss(), torch.randn(8, 1, 16, 16), torch.randint(0, 10, (8,))
