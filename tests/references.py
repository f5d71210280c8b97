"""Reference formulas shared by several test modules (float64 compositions of PyTorch ops)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def torchvision_focal(x: torch.Tensor, t: torch.Tensor, alpha: float | None,
                      gamma: float) -> torch.Tensor:
    """``torchvision.ops.sigmoid_focal_loss``, unreduced: the formula as published."""
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * (1 - p_t) ** gamma
    if alpha is not None:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return loss
