"""bug_nll_on_logits_char_rnn: char-RNN: NLLLoss on the raw Linear output"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'nll_on_logits'}


class CharRNN(nn.Module):
    def __init__(self, n_chars=40, hidden=64):
        super().__init__()
        self.rnn = nn.RNN(n_chars, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_chars)

    def forward(self, x):
        h, _ = self.rnn(x)
        return self.out(h[:, -1])


def make():
    torch.manual_seed(1025)
    return CharRNN(), nn.NLLLoss(), torch.randn(12, 5, 40), torch.randint(0, 40, (12,))
