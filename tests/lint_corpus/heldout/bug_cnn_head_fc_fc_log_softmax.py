"""bug_cnn_head_fc_fc_log_softmax: CNN whose classifier is fc1 -> fc2 -> log_softmax with no ReLU"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.fc1 = nn.Linear(32 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = torch.flatten(self.features(x), 1)
        return F.log_softmax(self.fc2(self.fc1(x)), dim=-1)


def make():
    torch.manual_seed(1008)
    return CNN(), nn.NLLLoss(), torch.randn(6, 3, 16, 16), torch.randint(0, 10, (6,))
