"""ok_siamese_contrastive: siamese network with a contrastive loss on pair labels"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class Siamese(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 8))

    def forward(self, a, b):
        return self.embed(a), self.embed(b)


def contrastive(out, same, margin=1.0):
    d = F.pairwise_distance(out[0], out[1])
    return (same * d.pow(2) + (1 - same) * F.relu(margin - d).pow(2)).mean()


def make():
    torch.manual_seed(1116)
    return Siamese(), contrastive, (torch.randn(12, 20), torch.randn(12, 20)), torch.randint(0, 2, (12,)).float()
