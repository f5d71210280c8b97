"""ok_temperature_scaled_logits"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))

    def forward(self, x):
        return self.f(x) / 0.5


def make():
    torch.manual_seed(141)
    return Net(), nn.CrossEntropyLoss(), torch.randn(16, 8), torch.randint(0, 4, (16,))
