"""ok_policy_gradient_log_softmax"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def policy_loss(logits, target):
    actions, advantages = target
    logp = F.log_softmax(logits, dim=-1).gather(1, actions[:, None]).squeeze(1)
    return -(logp * advantages).mean()


def make():
    torch.manual_seed(145)
    policy = nn.Sequential(nn.Linear(4, 32), nn.Tanh(), nn.Linear(32, 2))
    return policy, policy_loss, torch.randn(16, 4), (torch.randint(0, 2, (16,)), torch.randn(16))
