"""ok_kd_kl_div_log_target: distillation with kl_div(log_target=True): log-prob targets are declared"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def kd(student, teacher, T=2.0):
    return F.kl_div(F.log_softmax(student / T, -1), F.log_softmax(teacher / T, -1),
                    reduction="batchmean", log_target=True)


def make():
    torch.manual_seed(358)
    model = nn.Sequential(nn.Linear(12, 24), nn.ReLU(), nn.Linear(24, 5))
    return model, kd, torch.randn(16, 12), torch.randn(16, 5)
