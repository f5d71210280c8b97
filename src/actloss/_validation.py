"""Parameter intervals and the one error format used everywhere.

A parameter is declared once, as a :class:`Param` beside the function that uses it;
the function, the registry, the command line, the documentation and the tests all read
the same declaration. Messages follow one format::

    `delta` of huber must be a float in (0, inf); got -1.0
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from actloss.errors import InputError, ParameterError

__all__ = [
    "Interval",
    "Param",
    "check_finite",
    "check_param",
    "check_params",
    "check_same_shape",
    "check_tensor",
    "guard_keywords",
]


@dataclass(frozen=True)
class Interval:
    """A real interval such as ``(0, inf)`` or ``[0, 1]``."""

    low: float = -math.inf
    high: float = math.inf
    low_closed: bool = False
    high_closed: bool = False

    def __contains__(self, value: object) -> bool:
        t = type(value)
        if t is not float and t is not int:  # the common types skip the ABC checks
            if not isinstance(value, numbers.Real) or isinstance(value, bool):
                return False
        v = float(value)  # type: ignore[arg-type]
        if math.isnan(v):
            return False
        lo_ok = v >= self.low if self.low_closed else v > self.low
        hi_ok = v <= self.high if self.high_closed else v < self.high
        return lo_ok and hi_ok

    def __str__(self) -> str:
        def fmt(x: float) -> str:
            if math.isinf(x):
                return "-inf" if x < 0 else "inf"
            return repr(int(x)) if float(x).is_integer() else f"{x:.6g}"

        left = "[" if self.low_closed else "("
        right = "]" if self.high_closed else ")"
        return f"{left}{fmt(self.low)}, {fmt(self.high)}{right}"

    def to_json(self) -> list[Any]:
        return [self.low, self.high, self.low_closed, self.high_closed]


REALS = Interval()
POSITIVE = Interval(0.0, math.inf)
NONNEGATIVE = Interval(0.0, math.inf, low_closed=True)
UNIT = Interval(0.0, 1.0, True, True)
OPEN_UNIT = Interval(0.0, 1.0)


@dataclass(frozen=True)
class Param:
    """One hyper-parameter: its name, default, type and valid values.

    ``kind`` is ``float``, ``int``, ``bool`` or ``str``. Numbers are checked against
    ``interval``; strings against ``choices``. ``learnable`` marks parameters that the
    module form trains. ``optional`` admits ``None``.
    """

    name: str
    default: Any
    kind: type = float
    interval: Interval = REALS
    choices: tuple[str, ...] = ()
    learnable: bool = False
    optional: bool = False
    doc: str = ""

    def describe(self) -> str:
        """The valid values in words, as used by error messages and docs."""
        if self.kind is bool:
            return "a bool"
        if self.kind is str:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        word = "an int" if self.kind is int else "a float"
        return f"{word} in {self.interval}"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "default": self.default,
            "kind": self.kind.__name__,
            "interval": self.interval.to_json() if self.kind in (int, float) else None,
            "choices": list(self.choices),
            "learnable": self.learnable,
            "optional": self.optional,
            "doc": self.doc,
        }


def _fmt_value(value: object) -> str:
    if isinstance(value, torch.Tensor):
        return f"tensor of shape {tuple(value.shape)}"
    return repr(value)


def check_param(owner: str, param: Param, value: Any) -> Any:
    """Validate one value for ``param`` of ``owner``; return it normalised.

    >>> from actloss._validation import Param, POSITIVE, check_param
    >>> check_param("huber", Param("delta", 1.0, float, POSITIVE), 2)
    2.0
    >>> check_param("huber", Param("delta", 1.0, float, POSITIVE), -1.0)
    Traceback (most recent call last):
    ...
    actloss.errors.ParameterError: `delta` of huber must be a float in (0, inf); got -1.0
    """
    if value is None and param.optional:
        return None
    bad = ParameterError(
        f"`{param.name}` of {owner} must be {param.describe()}; got {_fmt_value(value)}"
    )
    if param.kind is bool:
        if not isinstance(value, bool):
            raise bad
        return value
    if param.kind is str:
        if not isinstance(value, str) or value not in param.choices:
            raise bad
        return value
    if isinstance(value, torch.Tensor):
        # Learnable parameters may arrive as tensors; check every value.
        values = value.detach().flatten().tolist()
        if not values or not all(v in param.interval for v in values):
            raise bad
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise bad
    if param.kind is int:
        if not float(value).is_integer():
            raise bad
        value = int(value)
    else:
        value = float(value)
    if value not in param.interval:
        raise bad
    return value


def check_params(owner: str, params: Sequence[Param], given: dict[str, Any]) -> dict[str, Any]:
    """Validate ``given`` against ``params``; fill defaults; reject unknown names."""
    known = {p.name: p for p in params}
    unknown = [k for k in given if k not in known]
    if unknown:
        from actloss._registry import close_matches

        k = unknown[0]
        close = close_matches(k, list(known), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        valid = ", ".join(known) if known else "none"
        raise ParameterError(f"{owner} has no parameter `{k}` (its parameters: {valid}){hint}")
    out: dict[str, Any] = {}
    for p in params:
        out[p.name] = check_param(owner, p, given.get(p.name, p.default))
    return out


def check_tensor(owner: str, arg: str, value: object, *, floating: bool = True) -> torch.Tensor:
    """Require a tensor (floating point unless ``floating=False``)."""
    if not isinstance(value, torch.Tensor):
        raise InputError(f"`{arg}` of {owner} must be a torch.Tensor; got {type(value).__name__}")
    if floating and not value.is_floating_point():
        raise InputError(
            f"`{arg}` of {owner} must be a floating-point tensor; got dtype {value.dtype}"
        )
    return value


def check_same_shape(owner: str, a: torch.Tensor, b: torch.Tensor,
                     names: tuple[str, str] = ("input", "target")) -> None:
    """Refuse silent broadcasting between two tensors."""
    if a.shape != b.shape:
        raise InputError(
            f"`{names[0]}` and `{names[1]}` of {owner} must have the same shape; got "
            f"{tuple(a.shape)} and {tuple(b.shape)} (no silent broadcasting)"
        )


def check_finite(owner: str, arg: str, value: torch.Tensor) -> None:
    """Report NaN (and infinities) instead of letting them flow into a result."""
    if value.is_floating_point() and value.numel() and not bool(torch.isfinite(value).all()):
        n_nan = int(torch.isnan(value).sum())
        n_inf = int(torch.isinf(value).sum())
        what = []
        if n_nan:
            what.append(f"{n_nan} NaN")
        if n_inf:
            what.append(f"{n_inf} infinite")
        raise InputError(f"`{arg}` of {owner} contains {' and '.join(what)} value(s)")


def _unknown_keyword(owner: str, key: str, known: Sequence[str]) -> ParameterError:
    from actloss._registry import close_matches

    close = close_matches(key, known, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    valid = ", ".join(known) if known else "none"
    return ParameterError(f"{owner} has no parameter `{key}` (its parameters: {valid}){hint}")


def _promote_pair(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """``(input, target, ...)`` with two floating tensors of different dtypes promoted to
    their common dtype, as PyTorch's binary ops promote (float32 and float64 -> float64)."""
    a, b = args[0], args[1]
    if (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.dtype != b.dtype
            and a.is_floating_point() and b.is_floating_point()):
        common = torch.promote_types(a.dtype, b.dtype)
        return (a.to(common), b.to(common), *args[2:])
    return args


def guard_keywords(owner: str, fn: Callable[..., Any], *,
                   promote_pair: bool = False) -> Callable[..., Any]:
    """``fn`` with unknown keyword arguments refused as :class:`ParameterError`.

    With ``promote_pair`` (the losses), a floating ``input`` and ``target`` of different
    dtypes are both promoted to their common dtype before ``fn`` runs: one rule for
    mixed precision in every loss, PyTorch's type promotion.

    The check is one membership test per keyword given (no cost beyond that on the
    common path), and the message lists the function's keywords with the closest
    spellings, as :func:`check_params` does. Functions that take ``**kwargs`` are
    returned unchanged. The function's module attribute of the same name, when it is
    ``fn``, is rebound to the guarded function, so that ``module.name(...)`` and the
    registry's ``spec.fn(...)`` behave alike.

    >>> def f(x, *, alpha=1.0):
    ...     return x * alpha
    >>> g = guard_keywords("f", f)
    >>> g(2.0, alhpa=3.0)
    Traceback (most recent call last):
    ...
    actloss.errors.ParameterError: f has no parameter `alhpa` (its parameters: alpha); \
did you mean 'alpha'?
    """
    if getattr(fn, "__actloss_guarded__", False):
        return fn
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins without a signature
        return fn
    kinds = [p.kind for p in sig.parameters.values()]
    if inspect.Parameter.VAR_KEYWORD in kinds:
        return fn
    allowed = frozenset(
        name for name, p in sig.parameters.items()
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    )
    shown = tuple(name for name, p in sig.parameters.items()
                  if p.kind is inspect.Parameter.KEYWORD_ONLY)

    if promote_pair:
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            for key in kwargs:
                if key not in allowed:
                    raise _unknown_keyword(owner, key, shown)
            if len(args) >= 2:
                args = _promote_pair(args)
            return fn(*args, **kwargs)
    else:
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            for key in kwargs:
                if key not in allowed:
                    raise _unknown_keyword(owner, key, shown)
            return fn(*args, **kwargs)

    guarded.__actloss_guarded__ = True  # type: ignore[attr-defined]
    module = sys.modules.get(getattr(fn, "__module__", "") or "")
    if module is not None and getattr(module, fn.__name__, None) is fn:
        setattr(module, fn.__name__, guarded)
    return guarded
