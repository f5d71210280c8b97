"""bug_text_classifier_linear_head_softmax: bag-of-embeddings text classifier, two Linear before softmax"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'linear_linear', 'log_of_softmax'}


class TextClassifier(nn.Module):
    def __init__(self, vocab=500, dim=32, n_class=4):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab, dim, mode="mean")
        self.hidden = nn.Linear(dim, 64)
        self.fc = nn.Linear(64, n_class)

    def forward(self, text, offsets):
        h = self.hidden(self.embedding(text, offsets))
        return F.softmax(self.fc(h), dim=1)


def loss_fn(probs, y):
    return F.nll_loss(torch.log(probs), y)


def make():
    torch.manual_seed(323)
    text = torch.randint(0, 500, (60,))
    offsets = torch.arange(0, 60, 5)
    return TextClassifier(), loss_fn, (text, offsets), torch.randint(0, 4, (12,))
