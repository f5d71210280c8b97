"""bug_log_softmax_clamped_seq: token classifier: log(clamp(softmax)) over a sequence"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'log_of_softmax'}


class Tagger(nn.Module):
    def __init__(self, vocab=100, dim=32, tags=9):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, tags)

    def forward(self, tokens):
        h, _ = self.rnn(self.emb(tokens))
        return F.softmax(self.out(h), dim=-1)


def loss_fn(probs, tags):
    logp = torch.log(torch.clamp(probs, min=1e-10))
    return F.nll_loss(logp.reshape(-1, logp.shape[-1]), tags.reshape(-1))


def make():
    torch.manual_seed(304)
    return Tagger(), loss_fn, torch.randint(0, 100, (6, 11)), torch.randint(0, 9, (6, 11))
