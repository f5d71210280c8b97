"""The catalog-level ``linear_cross_entropy``: the blocked kernel, plus class weights.

:func:`actloss.kernels.linear_cross_entropy` computes ``cross_entropy(hidden @ weight.T +
bias, target)`` without materialising the logits. This function adds ``class_weight``,
PyTorch's ``weight=`` of ``F.linear_cross_entropy`` / ``F.cross_entropy`` (here
``weight`` is the projection, as in the kernel, so the class weights take another name):

- without label smoothing, the weighted loss of row ``n`` is ``w[y_n]`` times its
  unweighted loss, and ``'mean'`` divides by ``sum_n w[y_n]`` over the rows not ignored
  (PyTorch's convention): the kernel's per-row losses are scaled, still blocked;
- with label smoothing the class weights enter inside the sum over classes
  (``(1 - eps) w_y (lse - z_y) + eps/C sum_j w_j (lse - z_j)``): the logits are
  materialised and ``F.cross_entropy`` computes it.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from actloss._validation import check_tensor
from actloss.errors import InputError

__all__ = ["linear_cross_entropy"]


def linear_cross_entropy(hidden: torch.Tensor, weight: torch.Tensor, target: torch.Tensor, *,
                         bias: torch.Tensor | None = None, ignore_index: int = -100,
                         label_smoothing: float = 0.0, softcap: float | None = None,
                         reduction: str = "mean", class_weight: torch.Tensor | None = None,
                         ) -> torch.Tensor:
    r"""Cross-entropy of ``hidden @ weight.T + bias``, with optional class weights.

    Without ``class_weight`` this is :func:`actloss.kernels.linear_cross_entropy`
    (blocked: the ``(N, V)`` logits are never held at once). ``class_weight`` ``(V,)`` is
    PyTorch's ``weight=`` of ``F.linear_cross_entropy``: see the module docstring for how
    each case is computed.

    Args:
        hidden: ``(N, H)``. weight: the projection ``(V, H)``. target: class indices
            ``(N,)``.
        bias: ``(V,)`` or ``None``. ignore_index: default -100.
        label_smoothing: in ``[0, 1]``. softcap: in ``(0, inf)`` or ``None``.
        reduction: ``'none' | 'mean' | 'sum'``.
        class_weight: non-negative ``(V,)`` or ``None``.

    Example:
        >>> import torch
        >>> h, w = torch.zeros(2, 3), torch.zeros(4, 3)
        >>> linear_cross_entropy(h, w, torch.tensor([0, 1]),
        ...                      class_weight=torch.tensor([1.0, 3.0, 1.0, 1.0]))
        tensor(1.3863)
    """
    from actloss.kernels import linear_cross_entropy as _blocked  # kernels import the catalog

    kw = {"bias": bias, "ignore_index": ignore_index, "label_smoothing": label_smoothing,
          "softcap": softcap}
    if class_weight is None:
        return _blocked(hidden, weight, target, reduction=reduction, **kw)
    owner = "linear_cross_entropy"
    cw = check_tensor(owner, "class_weight", class_weight)
    v = weight.shape[0] if isinstance(weight, torch.Tensor) and weight.dim() == 2 else None
    if v is not None and cw.shape != (v,):
        raise InputError(f"`class_weight` of {owner} must have shape (V,) = ({v},); got "
                         f"shape {tuple(cw.shape)}")
    if cw.numel() and bool((cw < 0).any()):
        raise InputError(f"`class_weight` of {owner} must be non-negative")
    if label_smoothing:
        _blocked(hidden[:0], weight, target[:0], reduction="sum", **kw)  # validates the rest
        z = F.linear(hidden, weight, bias)
        if softcap is not None:
            z = softcap * torch.tanh(z / softcap)
        z = z.float() if z.dtype in (torch.float16, torch.bfloat16) else z
        out = F.cross_entropy(z, target, weight=cw.to(z.dtype), ignore_index=ignore_index,
                              label_smoothing=label_smoothing, reduction=reduction)
        return out.to(hidden.dtype)
    per = _blocked(hidden, weight, target, reduction="none", **kw)  # 0 on ignored rows
    valid = target != ignore_index
    w_row = torch.where(valid, cw.to(per.dtype)[target.clamp(0, cw.shape[0] - 1)],
                        torch.zeros((), dtype=per.dtype, device=per.device))
    if reduction == "none":
        return per * w_row
    total = (per * w_row).sum()
    if reduction == "sum":
        return total
    denom = w_row.sum()
    return total / denom if float(denom) != 0.0 else total * math.nan
