"""bug_log_softmax_kd_helper: distillation helper with log(softmax(student / T))"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'log_of_softmax'}


def distill(student_logits, teacher_logits, T=3.0):
    p_teacher = F.softmax(teacher_logits / T, dim=1)
    log_p_student = torch.log(F.softmax(student_logits / T, dim=1))
    return -(p_teacher * log_p_student).sum(dim=1).mean() * T ** 2


def make():
    torch.manual_seed(1001)
    student = nn.Sequential(nn.Linear(20, 40), nn.ReLU(), nn.Linear(40, 8))
    return student, distill, torch.randn(24, 20), torch.randn(24, 8) * 2
