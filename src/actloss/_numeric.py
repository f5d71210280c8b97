"""Dtype helpers shared by the catalogs: half precision is computed in float32."""

from __future__ import annotations

import torch

__all__ = ["LOW_PRECISION", "down", "up"]

LOW_PRECISION = (torch.float16, torch.bfloat16)


def up(x: torch.Tensor) -> torch.Tensor:
    """float16/bfloat16 promoted to float32 (sums and exponentials overflow float16)."""
    return x.float() if x.dtype in LOW_PRECISION else x


def down(y: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """``y`` cast back to the dtype of ``like``."""
    return y if y.dtype == like.dtype else y.to(like.dtype)
