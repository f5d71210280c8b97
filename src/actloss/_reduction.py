"""The one place where per-element losses are weighted, masked and reduced."""

from __future__ import annotations

import torch

from actloss.errors import InputError, ParameterError

__all__ = ["REDUCTIONS", "check_reduction", "reduce"]

REDUCTIONS = ("none", "mean", "sum", "batchmean")


def check_reduction(owner: str, reduction: object,
                    allowed: tuple[str, ...] = ("none", "mean", "sum")) -> str:
    """Validate ``reduction`` against what ``owner`` supports."""
    if not isinstance(reduction, str) or reduction not in allowed:
        raise ParameterError(
            f"`reduction` of {owner} must be one of {', '.join(repr(a) for a in allowed)}; "
            f"got {reduction!r}"
        )
    return reduction


def reduce(
    loss: torch.Tensor,
    reduction: str = "mean",
    *,
    weight: torch.Tensor | None = None,
    mask: torch.Tensor | None = None,
    owner: str = "loss",
    mean_by: str = "weight",
) -> torch.Tensor:
    """Weight, mask and reduce a tensor of per-element (or per-sample) losses.

    ``weight`` multiplies element-wise (it must broadcast to ``loss``); ``mask``
    (bool) drops elements. ``'mean'`` divides by the number of kept elements when
    there is no weight, and by the sum of kept weights when there is one (PyTorch's
    convention for class-weighted NLL). ``'batchmean'`` divides the sum by
    ``loss.shape[0]``. With ``mean_by='count'``, ``'mean'`` divides by the number of
    kept elements even when there is a weight (PyTorch's convention for element-wise
    weights, as in ``binary_cross_entropy``; Keras's ``sample_weight``).

    >>> import torch
    >>> reduce(torch.tensor([1.0, 2.0, 3.0]), "mean")
    tensor(2.)
    >>> reduce(torch.tensor([1.0, 2.0, 3.0]), "sum", mask=torch.tensor([True, False, True]))
    tensor(4.)
    """
    if weight is not None:
        try:
            torch.broadcast_shapes(weight.shape, loss.shape)
        except RuntimeError as exc:
            raise InputError(
                f"`weight` of {owner} of shape {tuple(weight.shape)} does not broadcast to "
                f"the loss of shape {tuple(loss.shape)}"
            ) from exc
        loss = loss * weight
    if mask is not None:
        loss = torch.where(mask, loss, loss.new_zeros(()))
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "batchmean":
        n = loss.shape[0] if loss.dim() else 1
        return loss.sum() / max(n, 1)
    if reduction == "mean":
        if weight is None and mask is None:
            return loss.mean()
        if weight is not None and mean_by == "count":
            if mask is None:
                return loss.sum() / max(loss.numel(), 1)
            return loss.sum() / mask.sum().clamp_min(1).to(loss.dtype)
        if weight is not None:
            w = torch.broadcast_to(weight, loss.shape).to(loss.dtype)
            if mask is not None:
                w = torch.where(mask, w, w.new_zeros(()))
            return loss.sum() / w.sum()
        assert mask is not None
        return loss.sum() / mask.sum().clamp_min(1).to(loss.dtype)
    raise ParameterError(
        f"`reduction` of {owner} must be one of 'none', 'mean', 'sum'; got {reduction!r}"
    )
