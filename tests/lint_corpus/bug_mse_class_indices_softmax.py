"""bug_mse_class_indices_softmax"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'mse_for_classification', 'target_shape_mismatch'}


def make():
    torch.manual_seed(63)
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 4), nn.Softmax(dim=-1))
    return model, lambda o, t: F.mse_loss(o, t.float()), torch.randn(32, 5), torch.randint(0, 4, (32,))
