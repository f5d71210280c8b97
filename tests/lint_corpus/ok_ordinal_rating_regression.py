"""ok_ordinal_rating_regression: rating regression on float ratings 1..5 with a linear head"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def make():
    torch.manual_seed(344)
    model = nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 1))
    ratings = torch.randint(1, 6, (36, 1)).float()
    return model, nn.MSELoss(), torch.randn(36, 12), ratings
