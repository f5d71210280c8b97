"""bug_softmax_bce_sentiment: 3-class sentiment: softmax head and BCELoss on one-hot labels"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'softmax_binary_loss'}


class Sentiment(nn.Module):
    def __init__(self, vocab=300, dim=24):
        super().__init__()
        self.emb = nn.EmbeddingBag(vocab, dim)
        self.fc = nn.Linear(dim, 3)

    def forward(self, tokens):
        return torch.softmax(self.fc(self.emb(tokens)), dim=1)


def make():
    torch.manual_seed(1009)
    labels = torch.randint(0, 3, (16,))
    return Sentiment(), nn.BCELoss(), torch.randint(0, 300, (16, 12)), F.one_hot(labels, 3).float()
