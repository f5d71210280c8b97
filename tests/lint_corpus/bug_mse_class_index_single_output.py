"""bug_mse_class_index_single_output: digit classifier with one output unit regressing the label"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'mse_for_classification'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 1)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


mse = nn.MSELoss()


def criterion(output, target):
    return mse(output, target.float().unsqueeze(1))


def make():
    torch.manual_seed(341)
    return Net(), criterion, torch.randn(40, 64), torch.randint(0, 10, (40,))
