"""bug_mse_four_logits_index_column: MSELoss between 4 logits and the label column"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'mse_for_classification'}


def make():
    torch.manual_seed(1013)
    model = nn.Sequential(nn.Linear(7, 21), nn.Tanh(), nn.Linear(21, 4))
    labels = torch.randint(0, 4, (26,))
    return model, lambda o, y: F.mse_loss(o, y.float().view(-1, 1)), torch.randn(26, 7), labels
