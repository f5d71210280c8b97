"""ok_temperature_scaling: temperature scaling: NLL of log_softmax(logits / T) on held logits"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class TemperatureScaler(nn.Module):
    def __init__(self):
        super().__init__()
        self.temperature = nn.Parameter(torch.ones(1) * 1.5)

    def forward(self, logits):
        return logits / self.temperature


def make():
    torch.manual_seed(1115)
    nll = lambda z, y: F.nll_loss(F.log_softmax(z, dim=1), y)  # noqa: E731
    return TemperatureScaler(), nll, torch.randn(50, 10) * 3, torch.randint(0, 10, (50,))
