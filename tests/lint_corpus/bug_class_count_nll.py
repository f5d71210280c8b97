"""bug_class_count_nll"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'class_count_mismatch'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        return F.log_softmax(self.fc(x), dim=1)


def make():
    torch.manual_seed(40)
    y = torch.tensor([1, 2, 3, 0, 1, 2, 3, 3])  # labels 1..3 for three classes
    return Net(), F.nll_loss, torch.randn(8, 6), y
