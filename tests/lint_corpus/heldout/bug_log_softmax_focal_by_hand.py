"""bug_log_softmax_focal_by_hand: a hand-written multi-class focal loss taking log of softmax"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'log_of_softmax'}


class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0):
        super().__init__()
        self.gamma = gamma

    def forward(self, logits, target):
        p = F.softmax(logits, dim=1)
        logp = torch.log(p)
        pt = p.gather(1, target[:, None]).squeeze(1)
        logpt = logp.gather(1, target[:, None]).squeeze(1)
        return (-(1 - pt) ** self.gamma * logpt).mean()


def make():
    torch.manual_seed(1003)
    model = nn.Sequential(nn.Linear(15, 30), nn.ReLU(), nn.Linear(30, 4))
    return model, FocalLoss(), torch.randn(36, 15), torch.randint(0, 4, (36,))
