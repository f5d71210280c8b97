"""Linear projection followed by cross-entropy (the output layer of a language model)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from actloss import _fast
from actloss._reduction import check_reduction
from actloss._validation import POSITIVE, Interval, Param, check_param, check_tensor
from actloss.errors import InputError
from actloss.losses._checks import check_all_finite

__all__ = ["LINEAR_CE_PARAMS", "linear_cross_entropy"]

_IGNORE = Param("ignore_index", -100, int, doc="target value that contributes nothing")
_LABEL_SMOOTHING = Param("label_smoothing", 0.0, float, Interval(0.0, 1.0, True, True),
                         doc="mass moved uniformly over the classes")
_SOFTCAP = Param("softcap", None, float, POSITIVE, optional=True,
                 doc="logits become c tanh(z / c)")
LINEAR_CE_PARAMS = (_IGNORE, _LABEL_SMOOTHING, _SOFTCAP)
_INDEX_DTYPES = (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8)


def _check_targets(owner: str, target: object, n: int, c: int, ignore_index: int
                   ) -> torch.Tensor:
    t = check_tensor(owner, "target", target, floating=False)
    if t.dtype not in _INDEX_DTYPES:
        raise InputError(f"`target` of {owner} must hold class indices (an integer tensor); "
                         f"got dtype {t.dtype}")
    if t.shape != (n,):
        raise InputError(f"`target` of {owner} must have shape ({n},) to match the input; "
                         f"got {tuple(t.shape)}")
    valid = t != ignore_index
    if bool((valid & ((t < 0) | (t >= c))).any()):
        raise InputError(f"`target` of {owner} must hold class indices in [0, {c}) or "
                         f"ignore_index={ignore_index}")
    return t.long()


def linear_cross_entropy(hidden: torch.Tensor, weight: torch.Tensor, target: torch.Tensor, *,
                         bias: torch.Tensor | None = None, ignore_index: int = -100,
                         label_smoothing: float = 0.0, softcap: float | None = None,
                         reduction: str = "mean", class_weight: torch.Tensor | None = None,
                         ) -> torch.Tensor:
    r"""Cross-entropy of the logits ``hidden @ weight.T + bias``.

    Equal to ``cross_entropy(F.linear(hidden, weight, bias), target, ...)``; with
    ``softcap`` the logits are first mapped to :math:`c\tanh(z/c)`. Half-precision
    inputs are reduced in float32 and the result is cast back.

    Args:
        hidden: ``(N, H)``. weight: ``(V, H)``. target: class indices ``(N,)``.
        bias: ``(V,)`` or ``None``. ignore_index: default -100.
        label_smoothing: in ``[0, 1]``. softcap: in ``(0, inf)`` or ``None``.
        reduction: ``'none' | 'mean' | 'sum'``.
        class_weight: non-negative ``(V,)`` or ``None``: PyTorch's ``weight=`` of
            ``F.cross_entropy`` (``weight`` here is the projection, so the class weights
            take another name); ``'mean'`` divides by the summed weights of the rows not
            ignored, and with label smoothing the weights enter the sum over classes, as
            in PyTorch.

    Performance:
        The reference path materialises the ``(N, V)`` logits (PyTorch's ops). With the
        opt-in fast paths enabled (see the *Fast paths* page of the documentation) a
        row-blocked form runs instead that never holds them all, at a fraction of the
        memory.

    Example:
        >>> import torch
        >>> h, w = torch.zeros(2, 3), torch.zeros(4, 3)
        >>> linear_cross_entropy(h, w, torch.tensor([0, 1]))
        tensor(1.3863)
        >>> linear_cross_entropy(h, w, torch.tensor([0, 1]),
        ...                      class_weight=torch.tensor([1.0, 3.0, 1.0, 1.0]))
        tensor(1.3863)
    """
    owner = "linear_cross_entropy"
    h = check_tensor(owner, "hidden", hidden)
    wgt = check_tensor(owner, "weight", weight)
    r = check_reduction(owner, reduction)
    ig = check_param(owner, _IGNORE, ignore_index)
    eps = check_param(owner, _LABEL_SMOOTHING, label_smoothing)
    cap = check_param(owner, _SOFTCAP, softcap)
    if h.dim() != 2 or wgt.dim() != 2 or h.shape[1] != wgt.shape[1]:
        raise InputError(f"`hidden` (N, H) and `weight` (V, H) of {owner} must agree on H; "
                         f"got {tuple(h.shape)} and {tuple(wgt.shape)}")
    if h.dtype != wgt.dtype or h.device != wgt.device:
        raise InputError(f"`hidden` and `weight` of {owner} must share dtype and device; got "
                         f"{h.dtype} on {h.device} and {wgt.dtype} on {wgt.device}")
    if bias is not None:
        bias = check_tensor(owner, "bias", bias)
        if bias.shape != (wgt.shape[0],):
            raise InputError(f"`bias` of {owner} must have shape ({wgt.shape[0]},); "
                             f"got {tuple(bias.shape)}")
    t = _check_targets(owner, target, h.shape[0], wgt.shape[0], ig).to(h.device)
    cw = None
    if class_weight is not None:
        cw = check_tensor(owner, "class_weight", class_weight)
        if cw.shape != (wgt.shape[0],):
            raise InputError(f"`class_weight` of {owner} must have shape (V,) = "
                             f"({wgt.shape[0]},); got shape {tuple(cw.shape)}")
        if cw.numel() and bool((cw < 0).any()):
            raise InputError(f"`class_weight` of {owner} must be non-negative")
    # NaN/inf refused as losses.cross_entropy refuses them (one sum each; value_checks)
    check_all_finite(owner, "hidden", h)
    check_all_finite(owner, "weight", wgt)
    if bias is not None:
        check_all_finite(owner, "bias", bias)
    if cw is None:
        fast = _fast.call(owner, h, wgt, t, bias=bias, ignore_index=ig, label_smoothing=eps,
                          softcap=cap, reduction=r)
        if fast is not None:
            return fast
    z = F.linear(h, wgt, bias)
    if h.dtype in (torch.float16, torch.bfloat16):
        z = z.float()
    if cap is not None:
        z = cap * torch.tanh(z / cap)
    out = F.cross_entropy(z, t, weight=None if cw is None else cw.to(z.dtype),
                          ignore_index=ig, label_smoothing=eps, reduction=r)
    return out.to(h.dtype)
