"""bug_labels_one_based_wine: wine classes 1..3 read from the CSV as they are"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'class_count_mismatch'}


class WineNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(13, 26)
        self.fc2 = nn.Linear(26, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def make():
    torch.manual_seed(1020)
    y = torch.tensor([1, 2, 3, 1, 1, 2, 3, 3, 2, 1, 2, 3, 1, 2, 3, 3])
    return WineNet(), nn.CrossEntropyLoss(), torch.randn(16, 13), y
