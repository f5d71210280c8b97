"""bug_conv1d_bn_conv1d_audio: keyword spotting: Conv1d, BatchNorm1d, Conv1d with the ReLU after the second only"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class KWS(nn.Module):
    def __init__(self, n_mels=20, n_class=6):
        super().__init__()
        self.conv1 = nn.Conv1d(n_mels, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm1d(32)
        self.conv2 = nn.Conv1d(32, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm1d(32)
        self.fc = nn.Linear(32, n_class)

    def forward(self, x):
        x = self.bn1(self.conv1(x))
        x = F.relu(self.bn2(self.conv2(x)))
        return self.fc(x.mean(-1))


def make():
    torch.manual_seed(1004)
    return KWS(), nn.CrossEntropyLoss(), torch.randn(12, 20, 40), torch.randint(0, 6, (12,))
