"""bug_soft_ce_log_prob_teacher: cross_entropy with the teacher's log_softmax as soft targets"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_log_probabilities'}


def kd_ce(student_logits, teacher_logits, T=2.0):
    return F.cross_entropy(student_logits / T, F.log_softmax(teacher_logits / T, dim=1))


def make():
    torch.manual_seed(1015)
    student = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 6))
    return student, kd_ce, torch.randn(18, 16), torch.randn(18, 6)
