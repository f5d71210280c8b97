"""bug_kl_div_probabilities_functional"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'kl_div_on_probabilities'}


class Student(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))

    def forward(self, x):
        return F.softmax(self.net(x), dim=1)


def make():
    torch.manual_seed(27)
    teacher = F.softmax(torch.randn(30, 5) * 2, dim=1)
    loss = lambda p, q: F.kl_div(p, q, reduction="batchmean")  # noqa: E731
    return Student(), loss, torch.randn(30, 10), teacher
