"""ok_multitask_dict_in_dict_out: multi-task model taking a dict batch and returning a dict"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class MultiTask(nn.Module):
    def __init__(self):
        super().__init__()
        self.text = nn.EmbeddingBag(200, 16)
        self.num = nn.Sequential(nn.Linear(5, 16), nn.ReLU())
        self.intent = nn.Linear(32, 6)
        self.score = nn.Linear(32, 1)

    def forward(self, tokens, numeric):
        h = torch.cat([self.text(tokens), self.num(numeric)], dim=1)
        return {"intent": self.intent(h), "score": self.score(h).squeeze(-1)}


def loss_fn(out, target):
    return F.cross_entropy(out["intent"], target["intent"]) + F.mse_loss(out["score"], target["score"])


def make():
    torch.manual_seed(1103)
    batch = {"tokens": torch.randint(0, 200, (12, 7)), "numeric": torch.randn(12, 5)}
    target = {"intent": torch.randint(0, 6, (12,)), "score": torch.randn(12)}
    return MultiTask(), loss_fn, batch, target
