"""Input checks shared by the loss families.

Each check costs at most a couple of tensor reductions; none loops over elements in
Python. Messages follow the one format of :mod:`actloss._validation`.

The checks of values (NaN and infinities, probability and other ranges, {-1, 1}
labels) read every element once more; :func:`set_value_checks` turns them off for
trusted inputs in hot loops, like ``torch.distributions``' ``validate_args``. Checks of
types, shapes, parameters and class-index ranges (a pass over the labels only) stay on.
"""

from __future__ import annotations

import math
from contextlib import AbstractContextManager

import torch

from actloss._switch import Switch
from actloss._validation import check_finite, check_same_shape, check_tensor
from actloss.errors import InputError

__all__ = [
    "check_all_finite",
    "check_class_target",
    "check_class_weight",
    "check_pair",
    "check_range",
    "check_scores_and_indices",
    "check_signed_binary",
    "set_value_checks",
    "value_checks",
    "value_checks_enabled",
]

_CHECKS = Switch("set_value_checks", True, "whether the losses check their input values")


def set_value_checks(enabled: bool) -> None:
    """Turn the losses' checks of input values on (the default) or off, process-wide.

    Off, NaN or infinite inputs, probabilities outside [0, 1] and similar values are no
    longer reported: the loss returns whatever its formula gives (often NaN). What is
    saved is one read pass per checked tensor: at 4M float32 elements, ``mse`` goes from
    about 1.3x PyTorch's op to level with it (``docs/benchmarks.md``). Types, shapes,
    parameters and class indices are still checked.

    >>> set_value_checks(False); value_checks_enabled()
    False
    >>> set_value_checks(True); value_checks_enabled()
    True
    """
    _CHECKS.set(enabled)


def value_checks_enabled() -> bool:
    """Whether the losses check their input values (see :func:`set_value_checks`)."""
    return _CHECKS.on


def value_checks(enabled: bool) -> AbstractContextManager[None]:
    """Context manager: value checks on or off inside the block, restored after it.

    >>> import torch
    >>> from actloss.losses import mse
    >>> with value_checks(False):
    ...     mse(torch.tensor([float("nan")]), torch.tensor([0.0]))
    tensor(nan)
    """
    return _CHECKS.scoped(enabled)


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def check_pair(owner: str, input: object, target: object, *, cast_target: bool = True,
               log_space: bool = False,
               finite_target: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Two tensors of one shape; the input floating point and free of NaN/inf.

    Integer or bool targets are cast to the input's dtype when ``cast_target``; two
    floating dtypes are both promoted to their common dtype (``torch.promote_types``). With
    ``log_space`` (log-probabilities) ``-inf`` is a valid value (log 0) of both tensors.
    ``finite_target=False`` leaves the target's NaN/inf check to the caller, which then
    makes it with its range check (:func:`check_range` with ``finite=True``: one pass
    instead of two).
    """
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target, floating=False)
    if not t.is_floating_point():
        if not cast_target:
            raise InputError(
                f"`target` of {owner} must be a floating-point tensor; got dtype {t.dtype}"
            )
        t = t.to(x.dtype)
    elif t.dtype != x.dtype:
        # mixed float dtypes: both promoted as PyTorch's binary ops promote them
        common = torch.promote_types(x.dtype, t.dtype)
        x, t = x.to(common), t.to(common)
    check_same_shape(owner, x, t)
    if log_space:
        _check_log_space(owner, "input", x)
        _check_log_space(owner, "target", t)
    else:
        check_all_finite(owner, "input", x)
        if finite_target:
            check_all_finite(owner, "target", t)
    return x, t


def check_all_finite(owner: str, arg: str, value: torch.Tensor) -> None:
    """Report NaN and infinities; one sum in the common case.

    A sum is finite only if every term is (NaN and inf propagate), so a finite sum ends
    the check; a non-finite one (also reached by overflow) triggers the exact count.
    """
    if not _CHECKS.on or not value.numel() or not value.is_floating_point():
        return
    acc = torch.float32 if value.element_size() < 4 else value.dtype
    if not bool(torch.isfinite(value.detach().sum(dtype=acc))):
        check_finite(owner, arg, value)


def _check_log_space(owner: str, arg: str, value: torch.Tensor) -> None:
    """NaN and +inf are reported; -inf (log 0) is allowed. One sum in the common case.

    A sum is NaN when a term is NaN (or when +inf meets -inf) and +inf when a term is
    +inf; a sum that is neither has no such term. Only a NaN or +inf sum (also
    reached by overflow) triggers the exact count.
    """
    if not _CHECKS.on or not value.numel() or not value.is_floating_point():
        return
    acc = torch.float32 if value.element_size() < 4 else value.dtype
    s = float(value.detach().sum(dtype=acc))
    if not (math.isnan(s) or s == math.inf):
        return
    if bool((torch.isnan(value) | (value == math.inf)).any()):
        n_nan = int(torch.isnan(value).sum())
        n_inf = int((value == math.inf).sum())
        what = [f"{n} {w}" for n, w in ((n_nan, "NaN"), (n_inf, "+inf")) if n]
        raise InputError(f"`{arg}` of {owner} contains {' and '.join(what)} value(s)")


def check_range(owner: str, arg: str, value: torch.Tensor, low: float, high: float, *,
                low_closed: bool = True, high_closed: bool = True, what: str = "",
                finite: bool = False) -> None:
    """Every value of ``value`` lies in the interval; one reduction (aminmax).

    With ``finite``, NaN and infinities are reported first, as :func:`check_all_finite`
    reports them: ``aminmax`` propagates NaN and an infinity is an extreme, so the same
    reduction shows both and the exact count runs only when one is there.
    """
    if not _CHECKS.on or value.numel() == 0:
        return
    lo, hi = torch.aminmax(value.detach())
    lo_v, hi_v = float(lo), float(hi)
    if finite and value.is_floating_point() and not (math.isfinite(lo_v)
                                                      and math.isfinite(hi_v)):
        check_finite(owner, arg, value)
    ok_lo = lo_v >= low if low_closed else lo_v > low
    ok_hi = hi_v <= high if high_closed else hi_v < high
    if not (ok_lo and ok_hi):
        left = "[" if low_closed else "("
        right = "]" if high_closed else ")"
        interval = f"{left}{_fmt(low)}, {_fmt(high)}{right}"
        interval = interval.replace("inf]", "inf)").replace("[-inf", "(-inf")
        kind = f" ({what})" if what else ""
        raise InputError(
            f"`{arg}` of {owner} must hold values in {interval}{kind}; "
            f"got values in [{_fmt(lo_v)}, {_fmt(hi_v)}]"
        )


def check_signed_binary(owner: str, target: torch.Tensor) -> None:
    """Targets in {-1, 1}; a {0, 1} target gets a hint rather than a silent conversion."""
    if not _CHECKS.on:
        return
    bad = (target != 1) & (target != -1)
    if bool(bad.any()):
        zero_one = bool(((target == 0) | (target == 1)).all())
        hint = (" (these look like {0, 1} labels: pass 2 * target - 1)" if zero_one else "")
        raise InputError(f"`target` of {owner} must hold labels in {{-1, 1}}{hint}")


def check_class_weight(owner: str, weight: object, n_classes: int,
                       dtype: torch.dtype) -> torch.Tensor | None:
    """Class weights: ``None`` or a floating tensor of shape ``(C,)``."""
    if weight is None:
        return None
    w = check_tensor(owner, "weight", weight)
    if w.shape != (n_classes,):
        raise InputError(
            f"`weight` of {owner} must be a tensor of class weights of shape ({n_classes},); "
            f"got shape {tuple(w.shape)}"
        )
    return w.to(dtype)


def check_scores_and_indices(owner: str, input: object, target: object
                             ) -> tuple[torch.Tensor, torch.Tensor]:
    """Validate scores ``(*, C)`` with int class indices ``(*)`` (optax's layout: classes
    last). Returns ``(input, target)``."""
    x = check_tensor(owner, "input", input)
    y = check_tensor(owner, "target", target, floating=False)
    if y.is_floating_point() or x.dim() < 1 or y.shape != x.shape[:-1]:
        raise InputError(f"`target` of {owner} must hold int64 class indices of shape "
                         f"input.shape[:-1] = {tuple(x.shape[:-1])}; got dtype {y.dtype} and "
                         f"shape {tuple(y.shape)}")
    check_all_finite(owner, "input", x)
    c = x.shape[-1]
    if y.numel() and bool(((y < 0) | (y >= c)).any()):
        raise InputError(f"`target` of {owner} must hold class indices in [0, {c}); got "
                         f"values from {int(y.min())} to {int(y.max())}")
    return x, y


def check_class_target(owner: str, input: object, target: object, *,
                       ignore_index: int | None = None, probabilities: bool = True,
                       indices: bool = True,
                       input_finite: bool = False) -> tuple[torch.Tensor, torch.Tensor, str]:
    """Validate a multi-class pair with the classes on dimension 1 (PyTorch's layout).

    ``input`` is ``(N, C, d1, ...)`` or ``(C,)``. The target is either class indices
    (an integer tensor of ``input``'s shape without dimension 1) or probabilities (a
    floating tensor of ``input``'s shape). Returns ``(input, target, kind)`` with
    ``kind`` ``'indices'`` or ``'probabilities'``. ``input_finite``: the caller's own pass
    over the input already showed it free of NaN/inf, so that check is not repeated.
    """
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target, floating=False)
    if x.dim() == 0:
        raise InputError(f"`input` of {owner} must have a class dimension; got a scalar")
    if not input_finite:
        check_all_finite(owner, "input", x)
    n_classes = x.shape[1] if x.dim() > 1 else x.shape[0]
    index_shape = (x.shape[:1] + x.shape[2:]) if x.dim() > 1 else torch.Size([])
    if t.is_floating_point() or t.dtype == torch.bool:
        if t.shape == x.shape and t.dtype != torch.bool:
            if not probabilities:
                raise InputError(
                    f"`target` of {owner} must hold class indices of shape "
                    f"{tuple(index_shape)}; got a float tensor of the input's shape (one-hot "
                    f"or probabilities?): pass target.argmax(dim=1)"
                )
            check_all_finite(owner, "target", t)
            check_range(owner, "target", t, 0.0, 1.0, what="probabilities")
            return x, t.to(x.dtype), "probabilities"
        if t.shape == index_shape:
            raise InputError(
                f"`target` of {owner} must hold class indices of an integer dtype; got dtype "
                f"{t.dtype}: pass target.long()"
            )
        raise InputError(
            f"`target` of {owner} must be class indices of shape {tuple(index_shape)} or "
            f"probabilities of shape {tuple(x.shape)}; got shape {tuple(t.shape)}"
        )
    # integer targets
    if not indices:
        hint = (f": pass torch.nn.functional.one_hot(target, {n_classes}).movedim(-1, 1)"
                f".float()" if t.shape == index_shape else "")
        raise InputError(
            f"`target` of {owner} must be one-hot or probabilities of shape {tuple(x.shape)} "
            f"and a floating dtype; got class indices of dtype {t.dtype} and shape "
            f"{tuple(t.shape)}{hint}"
        )
    if t.shape != index_shape:
        hint = (" (one-hot?): pass target.argmax(dim=1)" if t.shape == x.shape else "")
        raise InputError(
            f"`target` of {owner} must hold class indices of shape {tuple(index_shape)}; got "
            f"shape {tuple(t.shape)}{hint}"
        )
    if t.numel():
        valid = t if ignore_index is None else torch.where(t == ignore_index, 0, t)
        lo, hi = torch.aminmax(valid)
        if int(lo) < 0 or int(hi) >= n_classes:
            bad = int(lo) if int(lo) < 0 else int(hi)
            extra = f" or ignore_index={ignore_index}" if ignore_index is not None else ""
            raise InputError(
                f"`target` of {owner} holds class index {bad} out of range [0, {n_classes})"
                f"{extra}"
            )
    return x, t.long(), "indices"
