"""bug_log_softmax_seq2seq_decoder: decoder emits softmax; the loop takes log and NLLLoss over tokens"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'log_of_softmax'}


class Decoder(nn.Module):
    def __init__(self, vocab=50, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, hidden)
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True)
        self.proj = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        out, _ = self.lstm(self.embed(tokens))
        return F.softmax(self.proj(out), dim=2)


def seq_loss(probs, targets):
    vocab = probs.size(-1)
    return F.nll_loss(torch.log(probs).view(-1, vocab), targets.view(-1))


def make():
    torch.manual_seed(1002)
    return Decoder(), seq_loss, torch.randint(0, 50, (4, 9)), torch.randint(0, 50, (4, 9))
