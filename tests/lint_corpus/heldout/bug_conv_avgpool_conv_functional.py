"""bug_conv_avgpool_conv_functional: functional CNN: conv, avg_pool2d, conv without an activation"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.fc1 = nn.Linear(20, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.avg_pool2d(self.conv1(x), 2)
        x = F.relu(F.avg_pool2d(self.conv2(x), 2))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


def make():
    torch.manual_seed(1005)
    return Net(), nn.NLLLoss(), torch.randn(8, 1, 28, 28), torch.randint(0, 10, (8,))
