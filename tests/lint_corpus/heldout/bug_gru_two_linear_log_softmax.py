"""bug_gru_two_linear_log_softmax: name classifier: GRU, then Linear, Linear, LogSoftmax"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class NameClassifier(nn.Module):
    def __init__(self, n_letters=30, hidden=48, n_langs=7):
        super().__init__()
        self.gru = nn.GRU(n_letters, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, n_langs)
        self.log_softmax = nn.LogSoftmax(dim=1)

    def forward(self, x):
        _, h = self.gru(x)
        return self.log_softmax(self.out(self.fc(h[-1])))


def make():
    torch.manual_seed(1007)
    return NameClassifier(), nn.NLLLoss(), torch.randn(10, 8, 30), torch.randint(0, 7, (10,))
