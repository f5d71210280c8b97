"""The one place where per-element losses are weighted, masked and reduced."""

from __future__ import annotations

import torch

from actloss.errors import InputError, ParameterError

__all__ = ["REDUCTIONS", "check_reduction", "check_weight", "reduce"]

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


def check_weight(owner: str, weight: object, loss: torch.Tensor, *,
                 what: str = "`weight`") -> torch.Tensor:
    """A weight that broadcasts to ``loss`` without enlarging it.

    Python numbers and (nested) lists become tensors of the loss's dtype, as
    ``torch.as_tensor`` reads them; any other non-tensor is refused. A weight whose
    broadcast with the loss gives a *larger* shape than the loss (``w[:, None]`` against a
    per-sample loss, an extra leading dimension) is refused: it would silently turn a
    loss of N values into one of N x N.
    """
    if not isinstance(weight, torch.Tensor):
        if isinstance(weight, bool) or not isinstance(weight, (int, float, list, tuple)):
            raise InputError(
                f"{what} of {owner} must be a tensor, a number or a list of numbers; got "
                f"{type(weight).__name__}"
            )
        try:
            weight = torch.as_tensor(weight, dtype=loss.dtype, device=loss.device)
        except (TypeError, ValueError, RuntimeError) as exc:
            raise InputError(
                f"{what} of {owner} must be a tensor, a number or a list of numbers; "
                f"could not read it as one ({exc})"
            ) from None
    elif weight.is_complex():
        raise InputError(f"{what} of {owner} must be real; got dtype {weight.dtype}")
    try:
        shape = torch.broadcast_shapes(weight.shape, loss.shape)
    except RuntimeError:
        raise InputError(
            f"{what} of {owner} of shape {tuple(weight.shape)} does not broadcast to "
            f"the loss of shape {tuple(loss.shape)}"
        ) from None
    if shape != loss.shape:
        raise InputError(
            f"{what} of {owner} of shape {tuple(weight.shape)} would enlarge the loss of "
            f"shape {tuple(loss.shape)} to {tuple(shape)}; pass a weight that broadcasts to "
            f"{tuple(loss.shape)}"
        )
    if not weight.is_floating_point():
        weight = weight.to(loss.dtype)
    return weight


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

    ``weight`` multiplies element-wise (it must broadcast to ``loss`` without
    enlarging it, see :func:`check_weight`); ``mask``
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
        weight = check_weight(owner, weight, loss)
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
