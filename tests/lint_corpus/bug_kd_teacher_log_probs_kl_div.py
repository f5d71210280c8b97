"""bug_kd_teacher_log_probs_kl_div: distillation: kl_div target is the teacher's log_softmax without log_target"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = {'target_log_probabilities'}


class Student(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.net(x)


def kd_loss(student_logits, teacher_logits, T=4.0):
    return F.kl_div(F.log_softmax(student_logits / T, dim=1),
                    F.log_softmax(teacher_logits / T, dim=1),
                    reduction="batchmean") * T * T


def make():
    torch.manual_seed(351)
    return Student(), kd_loss, torch.randn(16, 32), torch.randn(16, 10) * 3
