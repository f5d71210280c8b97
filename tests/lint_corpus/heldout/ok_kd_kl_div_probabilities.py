"""ok_kd_kl_div_probabilities: knowledge distillation: kl_div(log_softmax, softmax) plus CE"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


def kd_loss(student_logits, target, T=4.0, alpha=0.7):
    teacher_logits, labels = target
    soft = F.kl_div(F.log_softmax(student_logits / T, dim=1), F.softmax(teacher_logits / T, dim=1),
                    reduction="batchmean") * T * T
    return alpha * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)


def make():
    torch.manual_seed(1104)
    student = nn.Sequential(nn.Linear(20, 40), nn.ReLU(), nn.Linear(40, 10))
    return student, kd_loss, torch.randn(16, 20), (torch.randn(16, 10), torch.randint(0, 10, (16,)))
