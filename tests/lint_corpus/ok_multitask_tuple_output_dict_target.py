"""ok_multitask_tuple_output_dict_target: multi-task: (class logits, box) output and a dict target"""
import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class MultiTask(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                                      nn.Flatten())
        self.cls_head = nn.Linear(16, 4)
        self.box_head = nn.Sequential(nn.Linear(16, 4), nn.Sigmoid())

    def forward(self, x):
        f = self.backbone(x)
        return self.cls_head(f), self.box_head(f)


def loss_fn(outputs, targets):
    logits, boxes = outputs
    return F.cross_entropy(logits, targets["label"]) + 5.0 * F.smooth_l1_loss(boxes, targets["box"])


def make():
    torch.manual_seed(372)
    targets = {"label": torch.randint(0, 4, (8,)), "box": torch.rand(8, 4)}
    return MultiTask(), loss_fn, torch.randn(8, 3, 12, 12), targets
