"""bug_double_softmax_transformer_cls: transformer classifier ending in softmax, trained with CrossEntropyLoss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'double_softmax'}


class Classifier(nn.Module):
    def __init__(self, vocab=100, d=16, n_class=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        layer = nn.TransformerEncoderLayer(d, 2, 32, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 1)
        self.cls = nn.Linear(d, n_class)

    def forward(self, tokens):
        h = self.enc(self.emb(tokens)).mean(1)
        return F.softmax(self.cls(h), dim=-1)


def make():
    torch.manual_seed(1023)
    return Classifier(), nn.CrossEntropyLoss(), torch.randint(0, 100, (8, 6)), torch.randint(0, 4, (8,))
