"""ok_se_resnet_block: SE-ResNet blocks with BatchNorm and identity shortcuts"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class SEBasicBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.se = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, c // 4), nn.ReLU(),
                                nn.Linear(c // 4, c), nn.Sigmoid())

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = out * self.se(out).view(x.size(0), -1, 1, 1)
        return F.relu(out + x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.layers = nn.Sequential(SEBasicBlock(16), SEBasicBlock(16), SEBasicBlock(16))
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(self.layers(self.stem(x)).mean((2, 3)))


def make():
    torch.manual_seed(1101)
    return Net(), nn.CrossEntropyLoss(), torch.randn(8, 3, 12, 12), torch.randint(0, 10, (8,))
