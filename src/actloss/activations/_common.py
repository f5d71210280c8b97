"""Small helpers shared by the activation family modules."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import torch

from actloss import _fast as _seam
from actloss._i18n import bilingual as bi
from actloss._numeric import LOW_PRECISION, down, up
from actloss._validation import Param, check_params, check_tensor

__all__ = ["LOW_PRECISION", "bi", "check_dim", "down", "params", "small_plain", "tensor", "up"]



def tensor(owner: str, x: object) -> torch.Tensor:
    """``x`` checked to be a floating-point tensor (the argument is called ``x``)."""
    return check_tensor(owner, "x", x)


def small_plain(x: Any) -> bool:
    """Whether ``x`` is a plain floating-point ``torch.Tensor`` (not a subclass) that
    goes straight to the reference op: always while no fast path is enabled, else below
    the fewest elements any fast implementation takes.

    Exists for the per-call overhead: the catalog's element-wise activations check this,
    and cheap comparisons on their keyword arguments, before anything else, and then call
    PyTorch's op directly (the argument checks cost about 3 us a call on their own).
    Anything it does not accept (subclasses such as ``nn.Parameter``, other types, ints
    or NumPy scalars for float parameters) takes the full path, which gives the same
    result or the same error.

    >>> import torch
    >>> small_plain(torch.zeros(3)), small_plain(torch.zeros(3, dtype=torch.int64))
    (True, False)
    """
    return (x.__class__ is torch.Tensor and x.is_floating_point()
            and (_seam.route is None or x.numel() < _seam.MIN_ELEMENTS))


def _fast(p: Param, v: Any) -> tuple[bool, Any]:
    """The common valid cases, checked without building an error message."""
    t = type(v)
    if p.kind is float and (t is float or t is int) and v in p.interval:
        return True, float(v)
    if p.kind is int and t is int and v in p.interval:
        return True, v
    if p.kind is bool and t is bool:
        return True, v
    if p.kind is str and t is str and v in p.choices:
        return True, v
    return False, None


_PLAIN = frozenset((float, int, bool, str))
_CHECKED: dict[tuple[Any, ...], Mapping[str, Any]] = {}  # plain arguments already validated


def params(owner: str, declared: tuple[Param, ...], **given: Any) -> Mapping[str, Any]:
    """``given`` checked against ``declared``: see :func:`_params`.

    Calls with plain arguments (numbers, bools, strings: not tensors, which may change)
    are remembered, so the common repeated call costs one dictionary look-up; the
    argument types are part of the key (``True`` is not accepted where ``1.0`` was).
    """
    types = tuple(map(type, given.values()))
    if _PLAIN.issuperset(types):
        key = (owner, id(declared), tuple(given.items()), types)
        hit = _CHECKED.get(key)
        if hit is None:
            if len(_CHECKED) > 4096:
                _CHECKED.clear()
            hit = _CHECKED[key] = MappingProxyType(_params(owner, declared, **given))
        return hit
    return _params(owner, declared, **given)


def _params(owner: str, declared: tuple[Param, ...], **given: Any) -> dict[str, Any]:
    """``given`` checked against ``declared`` (one error format, defaults filled).

    Plain valid values take a fast path; anything else (tensors, ``None``, bad values,
    unknown names) goes through :func:`~actloss._validation.check_params`.
    """
    out: dict[str, Any] = {}
    for p in declared:
        ok, v = _fast(p, given.get(p.name, p.default))
        if not ok:
            return check_params(owner, declared, given)
        out[p.name] = v
    if len(given) > len(out) or any(k not in out for k in given):
        return check_params(owner, declared, given)
    return out





def check_dim(owner: str, x: torch.Tensor, dim: int) -> int:
    """``dim`` checked against ``x.ndim`` (a 0-d tensor counts as 1-d); returns it >= 0."""
    ndim = max(x.ndim, 1)
    if not -ndim <= dim < ndim:
        from actloss.errors import InputError

        raise InputError(
            f"`dim` of {owner} must be an int in [{-ndim}, {ndim - 1}] for a {x.ndim}-d `x`; "
            f"got {dim}"
        )
    return dim % ndim
