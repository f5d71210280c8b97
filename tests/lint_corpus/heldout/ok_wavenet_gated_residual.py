"""ok_wavenet_gated_residual: WaveNet-style gated tanh*sigmoid blocks with residuals"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class GatedBlock(nn.Module):
    def __init__(self, c, dilation):
        super().__init__()
        self.filt = nn.Conv1d(c, c, 2, dilation=dilation, padding=dilation)
        self.gate = nn.Conv1d(c, c, 2, dilation=dilation, padding=dilation)
        self.res = nn.Conv1d(c, c, 1)

    def forward(self, x):
        n = x.size(-1)
        h = torch.tanh(self.filt(x)[..., :n]) * torch.sigmoid(self.gate(x)[..., :n])
        return x + self.res(h)


class WaveNet(nn.Module):
    def __init__(self, c=16):
        super().__init__()
        self.inp = nn.Conv1d(1, c, 1)
        self.blocks = nn.Sequential(*[GatedBlock(c, 2 ** i) for i in range(5)])
        self.out = nn.Conv1d(c, 8, 1)

    def forward(self, x):
        return self.out(F.relu(self.blocks(self.inp(x))))


def make():
    torch.manual_seed(1114)
    return WaveNet(), nn.CrossEntropyLoss(), torch.randn(3, 1, 32), torch.randint(0, 8, (3, 32))
