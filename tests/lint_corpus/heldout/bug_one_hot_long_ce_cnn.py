"""bug_one_hot_long_ce_cnn: CNN and CrossEntropyLoss with integer one-hot labels"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_shape_mismatch'}


def make():
    torch.manual_seed(1022)
    model = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(6 * 4 * 4, 5))
    labels = torch.eye(5, dtype=torch.long)[torch.randint(0, 5, (9,))]
    return model, nn.CrossEntropyLoss(), torch.randn(9, 1, 12, 12), labels
