"""bug_linear_linear_log_softmax_head: MNIST MLP: hidden Linear straight into the log_softmax head"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 96)
        self.fc3 = nn.Linear(96, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x.view(-1, 64)))
        x = self.fc3(self.fc2(x))
        return F.log_softmax(x, dim=1)


def make():
    torch.manual_seed(321)
    return Net(), nn.NLLLoss(), torch.randn(32, 1, 8, 8), torch.randint(0, 10, (32,))
