"""bug_deconv_generator_no_activation: a decoder: two ConvTranspose2d in a row"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear'}


class Decoder(nn.Module):
    def __init__(self, z=16):
        super().__init__()
        self.fc = nn.Linear(z, 32 * 4 * 4)
        self.up1 = nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1)
        self.up2 = nn.ConvTranspose2d(16, 1, 4, stride=2, padding=1)

    def forward(self, z):
        h = F.relu(self.fc(z)).view(-1, 32, 4, 4)
        return self.up2(self.up1(h))


def make():
    torch.manual_seed(315)
    return Decoder(), nn.MSELoss(), torch.randn(8, 16), torch.randn(8, 1, 16, 16)
