"""ok_log_softmax_entropy_bonus: policy loss with an entropy bonus: p * log p needs the probabilities"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(8, 64), nn.Tanh(), nn.Linear(64, 4))

    def forward(self, obs):
        return self.net(obs)


def a2c_loss(logits, batch):
    actions, advantages = batch
    logp = F.log_softmax(logits, dim=-1)
    p = F.softmax(logits, dim=-1)
    entropy = -(p * torch.log(p + 1e-8)).sum(-1).mean()
    pg = -(logp.gather(1, actions.unsqueeze(1)).squeeze(1) * advantages).mean()
    return pg - 0.01 * entropy


def make():
    torch.manual_seed(305)
    batch = (torch.randint(0, 4, (32,)), torch.randn(32))
    return Policy(), a2c_loss, torch.randn(32, 8), batch
