"""bug_softmax_bce_genres: movie genres (multi-hot) with a softmax output and BCELoss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_binary_loss'}


class GenreNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(50, 64), nn.ReLU())
        self.head = nn.Linear(64, 8)

    def forward(self, x):
        return F.softmax(self.head(self.body(x)), dim=-1)


def make():
    torch.manual_seed(1011)
    genres = torch.zeros(14, 8)
    for i in range(14):
        genres[i, torch.randperm(8)[:3]] = 1.0
    return GenreNet(), nn.BCELoss(), torch.randn(14, 50), genres
