"""bug_log_softmax_no_dim"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_implicit_dim'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(9, 18), nn.ReLU(), nn.Linear(18, 4))

    def forward(self, x):
        return F.log_softmax(self.fc(x))


def make():
    torch.manual_seed(26)
    return Net(), nn.NLLLoss(), torch.randn(22, 9), torch.randint(0, 4, (22,))
