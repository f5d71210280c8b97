"""ok_wgan_critic_no_target"""
import torch
from torch import nn

from actloss import losses

EXPECTED = set()


def critic_loss(scores, _target):
    real, fake = scores.chunk(2)  # first half real samples, second half generated
    return losses.wgan_critic(real, fake)


def make():
    torch.manual_seed(151)
    critic = nn.Sequential(nn.Linear(10, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))
    return critic, critic_loss, torch.randn(48, 10), None
