"""bug_mse_class_index_cnn_one_output: small CNN with one output regressing the CIFAR label"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'mse_for_classification'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(8, 1)

    def forward(self, x):
        return self.fc(self.conv(x).view(x.size(0), -1))


def make():
    torch.manual_seed(1012)
    criterion = nn.MSELoss()
    loss = lambda out, labels: criterion(out.squeeze(), labels.float())  # noqa: E731
    return Net(), loss, torch.randn(32, 3, 12, 12), torch.randint(0, 10, (32,))
