"""bug_softmax_bce_functional_labels: F.binary_cross_entropy on softmax outputs, labels one-hot encoded in the loss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_binary_loss'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 32)
        self.fc2 = nn.Linear(32, 3)

    def forward(self, x):
        return F.softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


def loss_fn(probs, labels):
    return F.binary_cross_entropy(probs, F.one_hot(labels, num_classes=3).float())


def make():
    torch.manual_seed(333)
    return Net(), loss_fn, torch.randn(25, 10), torch.randint(0, 3, (25,))
