"""bug_multilabel_margin_multi_hot_cnn: image tagger: 5 tags as 0/1 rows into multilabel_margin_loss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'multilabel_margin_multi_hot'}


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))


def make():
    torch.manual_seed(356)
    tags = torch.tensor([[1, 0, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 0, 0, 1], [1, 1, 0, 0, 0]] * 2)
    loss = lambda out, t: F.multilabel_margin_loss(out, t)  # noqa: E731
    return Tagger(), loss, torch.randn(8, 3, 8, 8), tags
