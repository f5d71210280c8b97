"""bug_kldiv_log_of_smoothed_labels: KLDivLoss given log of smoothed labels as target"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_log_probabilities'}


class SmoothedKL(nn.Module):
    def __init__(self, n_class, eps=0.1):
        super().__init__()
        self.n_class, self.eps = n_class, eps
        self.kl = nn.KLDivLoss(reduction="batchmean")

    def forward(self, logits, y):
        dist = torch.full_like(logits, self.eps / (self.n_class - 1))
        dist.scatter_(1, y[:, None], 1 - self.eps)
        return self.kl(F.log_softmax(logits, dim=1), torch.log(dist))


def make():
    torch.manual_seed(1016)
    model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))
    return model, SmoothedKL(5), torch.randn(22, 10), torch.randint(0, 5, (22,))
