"""ok_squeeze_excitation_cnn: SE CNN without BatchNorm: sigmoid channel gates in every block"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class SEBlock(nn.Module):
    def __init__(self, c, r=2):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.fc1 = nn.Linear(c, c // r)
        self.fc2 = nn.Linear(c // r, c)

    def forward(self, x):
        h = F.relu(self.conv(x))
        s = h.mean((2, 3))
        w = torch.sigmoid(self.fc2(F.relu(self.fc1(s))))
        return h * w[:, :, None, None]


class SENet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.blocks = nn.Sequential(*[SEBlock(16) for _ in range(4)])
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(self.blocks(F.relu(self.stem(x))).mean((2, 3)))


def make():
    torch.manual_seed(371)
    return SENet(), nn.CrossEntropyLoss(), torch.randn(16, 3, 12, 12), torch.randint(0, 10, (16,))
