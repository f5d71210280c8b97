"""ok_label_smoothing_ce: CrossEntropyLoss with label_smoothing on a CNN"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(1105)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 7))
    return model, nn.CrossEntropyLoss(label_smoothing=0.1), torch.randn(10, 3, 8, 8), torch.randint(0, 7, (10,))
