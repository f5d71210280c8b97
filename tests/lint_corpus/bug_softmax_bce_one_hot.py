"""bug_softmax_bce_one_hot: image classifier with Softmax head trained by BCELoss on one-hot labels"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_binary_loss'}


class Net(nn.Module):
    def __init__(self, n_class=5):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                                      nn.Flatten())
        self.fc = nn.Linear(8, n_class)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.fc(self.features(x)))


def make():
    torch.manual_seed(331)
    labels = torch.randint(0, 5, (12,))
    return Net(), nn.BCELoss(), torch.randn(12, 3, 8, 8), F.one_hot(labels, 5).float()
