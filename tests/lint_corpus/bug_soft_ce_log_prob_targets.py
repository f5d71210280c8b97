"""bug_soft_ce_log_prob_targets: soft-label cross_entropy whose targets are log-probabilities"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_log_probabilities'}


def make():
    torch.manual_seed(352)
    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 5))
    soft = F.log_softmax(torch.randn(24, 5), dim=1)  # smoothed labels kept in log space
    return model, nn.CrossEntropyLoss(), torch.randn(24, 8), soft
