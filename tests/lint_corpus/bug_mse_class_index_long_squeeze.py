"""bug_mse_class_index_long_squeeze: iris-style net: one output, MSE against the long labels"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'mse_for_classification'}


class IrisNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 10)
        self.out = nn.Linear(10, 1)

    def forward(self, x):
        return self.out(torch.sigmoid(self.hidden(x))).squeeze(1)


def make():
    torch.manual_seed(343)
    loss = lambda pred, y: F.mse_loss(pred, y.to(torch.float32))  # noqa: E731
    return IrisNet(), loss, torch.randn(45, 4), torch.randint(0, 3, (45,))
