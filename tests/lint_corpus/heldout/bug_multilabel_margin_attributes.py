"""bug_multilabel_margin_attributes: attribute recognition: 10 0/1 attributes into MultiLabelMarginLoss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'multilabel_margin_multi_hot'}


class AttrNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 12, 3, padding=1), nn.ReLU(),
                                      nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.attr = nn.Linear(12, 10)

    def forward(self, x):
        return self.attr(self.backbone(x))


def make():
    torch.manual_seed(1019)
    attrs = torch.randint(0, 2, (6, 10))
    return AttrNet(), nn.MultiLabelMarginLoss(), torch.randn(6, 3, 10, 10), attrs
