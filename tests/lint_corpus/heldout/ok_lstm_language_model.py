"""ok_lstm_language_model: word-level LSTM language model with log_softmax + NLLLoss"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class RNNModel(nn.Module):
    def __init__(self, ntoken=60, ninp=24, nhid=24):
        super().__init__()
        self.drop = nn.Dropout(0.2)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, 2, batch_first=True)
        self.decoder = nn.Linear(nhid, ntoken)

    def forward(self, x):
        out, _ = self.rnn(self.drop(self.encoder(x)))
        decoded = self.decoder(self.drop(out)).view(-1, 60)
        return F.log_softmax(decoded, dim=1)


def make():
    torch.manual_seed(1109)
    return RNNModel(), nn.NLLLoss(), torch.randint(0, 60, (4, 10)), torch.randint(0, 60, (40,))
