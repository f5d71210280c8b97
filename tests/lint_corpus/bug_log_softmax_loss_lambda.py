"""bug_log_softmax_loss_lambda: a forum-style NLL written as nll_loss(log(softmax(out)))"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'log_of_softmax'}


class Net(nn.Module):
    def __init__(self, n_features=30, n_classes=5):
        super().__init__()
        self.fc1 = nn.Linear(n_features, 64)
        self.fc2 = nn.Linear(64, n_classes)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def make():
    torch.manual_seed(301)
    criterion = lambda out, y: F.nll_loss(torch.log(F.softmax(out, dim=1)), y)  # noqa: E731
    return Net(), criterion, torch.randn(64, 30), torch.randint(0, 5, (64,))
