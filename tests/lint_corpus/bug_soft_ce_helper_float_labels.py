"""bug_soft_ce_helper_float_labels: label-smoothing CE helper fed float class ids instead of rows"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'soft_target_index'}


class LabelSmoothingCE(nn.Module):
    def forward(self, logits, target):
        logp = logits.log_softmax(dim=-1)
        return (-(target * logp).sum(-1)).mean()


def make():
    torch.manual_seed(354)
    model = nn.Sequential(nn.Linear(10, 20), nn.Tanh(), nn.Linear(20, 4))
    y = torch.randint(0, 4, (18,)).float().unsqueeze(1)
    return model, LabelSmoothingCE(), torch.randn(18, 10), y
