"""bug_log_softmax_model_then_nll: model ends in Softmax, the training loop takes log and NLLLoss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'log_of_softmax'}


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU())
        self.head = nn.Linear(32, 4)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.head(self.body(x)))


nll = nn.NLLLoss()


def criterion(probs, labels):
    return nll(probs.log(), labels)


def make():
    torch.manual_seed(303)
    return Classifier(), criterion, torch.randn(50, 12), torch.randint(0, 4, (50,))
