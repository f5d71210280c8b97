"""ok_cbam_channel_spatial_gates: CBAM-style channel and spatial sigmoid gates in a plain CNN"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class CBAM(nn.Module):
    def __init__(self, c, r=2):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(c, c // r), nn.ReLU(), nn.Linear(c // r, c))
        self.spatial = nn.Conv2d(2, 1, 7, padding=3)

    def forward(self, x):
        a = self.mlp(x.mean((2, 3))) + self.mlp(x.amax((2, 3)))
        x = x * torch.sigmoid(a)[:, :, None, None]
        s = torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], dim=1)
        return x * torch.sigmoid(self.spatial(s))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(3, 16, 3, padding=1)] +
                                   [nn.Conv2d(16, 16, 3, padding=1) for _ in range(3)])
        self.att = nn.ModuleList([CBAM(16) for _ in range(4)])
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        for conv, att in zip(self.convs, self.att):
            x = att(F.relu(conv(x)))
        return self.fc(x.mean((2, 3)))


def make():
    torch.manual_seed(1102)
    return Net(), nn.CrossEntropyLoss(), torch.randn(16, 3, 10, 10), torch.randint(0, 5, (16,))
