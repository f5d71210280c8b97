"""Opt-in fast implementations of the catalog's activations and losses.

The catalog (``actloss.activations``, ``actloss.losses``) is the reference: PyTorch's
op where PyTorch has the function, else the stable closed form; the same result at
every size and on every run, twice differentiable. This package holds every faster
implementation behind one dispatch table (:data:`TABLE`) and one seam, and runs them
only when asked:

* :func:`enable` (a function, and a context manager) turns the fast paths on for the
  catalog's functional calls, process-wide;
* ``activations.get(name, fast=True)`` / ``losses.get(name, fast=True)`` bind one module
  to them at construction;
* :func:`patch` swaps a model's activation modules (``nn.SiLU``, ``nn.Mish``...) for
  fast-bound ones.

A call an implementation does not support (device, dtype, size, parameters: see
:meth:`Impl.supports`) runs the reference. Every fast path keeps the catalog's
semantics within its stated error bound; double backward works (the backward
recomputes with differentiable ops when it builds a graph). Nothing is compiled during
a call: :func:`build` (``actloss kernels --build``, ``make``) builds the native library;
without it the eager fast paths run. The documentation's *Fast paths* page
(``docs/kernels.md``) describes the whole API.
"""

from __future__ import annotations

import warnings
import weakref
from contextvars import ContextVar
from types import TracebackType
from typing import Any

import torch
from torch import nn

from actloss import _fast
from actloss._validation import Param, check_param
from actloss.kernels._native import (
    NativeStatus,
    build,
    native,
    native_enabled,
    set_native_enabled,
    status,
)
from actloss.kernels._pool import (
    PoolStats,
    empty_cache,
    pool_limit,
    pool_stats,
    set_pool_limit,
)
from actloss.kernels._table import TABLE, Impl, implementations, lookup

__all__ = [
    "TABLE",
    "FastModule",
    "Impl",
    "NativeStatus",
    "PoolStats",
    "bind_module",
    "build",
    "empty_cache",
    "enable",
    "enabled",
    "implementations",
    "linear_cross_entropy",
    "lookup",
    "native",
    "native_enabled",
    "patch",
    "pool_limit",
    "pool_stats",
    "set_native_enabled",
    "set_pool_limit",
    "status",
]

_ENABLED = Param("enabled", True, bool, doc="whether the fast paths run")
_on = False
_bound = 0  # live fast-bound modules
_in_bound: ContextVar[bool] = ContextVar("actloss_fast_bound", default=False)
_warned = False


def _router(name: str, *args: Any, **params: Any) -> torch.Tensor | None:
    if not (_on or _in_bound.get()) or torch.compiler.is_compiling():
        return None  # a compiler fuses PyTorch's ops itself and cannot trace ours
    impl = lookup(name, *args, **params)
    return None if impl is None else impl.fn(*args, **params)


def _install() -> None:
    _fast.route = _router if (_on or _bound) else None


def _warn_once() -> None:
    global _warned
    if _warned or not native_enabled():
        return
    from actloss.kernels import _native

    if _native.library() is None:
        _warned = True
        st = status()
        why = f" ({st.reason})" if st.reason else ""
        warnings.warn(
            f"the native library is not built{why}: the eager fast paths run; "
            "`actloss kernels --build` (or `make`) builds it",
            RuntimeWarning, stacklevel=3,
        )


class enable:
    """Turn the fast paths on (or, with ``False``, off) for the catalog's functional calls.

    A plain call sets the state for the whole process; as a context manager the
    previous state comes back at the end of the block. Without a built native library
    it says so once (a ``RuntimeWarning``) and runs the eager fast paths.

    >>> from actloss import activations, kernels
    >>> import torch
    >>> with kernels.enable():
    ...     kernels.enabled()
    True
    >>> kernels.enabled()
    False
    """

    def __init__(self, enabled: bool = True) -> None:
        global _on
        on = check_param("enable", _ENABLED, enabled)
        self._previous = _on
        _on = on
        _install()
        if on:
            _warn_once()

    def __enter__(self) -> enable:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        global _on
        _on = self._previous
        _install()


def enabled() -> bool:
    """Whether :func:`enable` has the fast paths on for functional calls."""
    return _on


def _released() -> None:
    global _bound
    _bound -= 1
    _install()


class FastModule(nn.Module):
    """A catalog module bound to the fast paths: ``forward`` runs them where they
    support the call and the reference elsewhere (whatever :func:`enable` says)."""

    def __init__(self, module: nn.Module) -> None:
        global _bound
        super().__init__()
        self.module = module
        _bound += 1
        _install()
        weakref.finalize(self, _released)
        _warn_once()

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        token = _in_bound.set(True)
        try:
            return self.module(*args, **kwargs)
        finally:
            _in_bound.reset(token)

    def _get_name(self) -> str:
        return "Fast" + self.module._get_name()


def bind_module(module: nn.Module) -> nn.Module:
    """``module`` bound to the fast paths (``get(name, fast=True)`` calls this)."""
    if isinstance(module, FastModule):
        return module
    return FastModule(module)


def _catalog_equivalent(m: nn.Module) -> tuple[str, dict[str, Any]] | None:
    """The catalog name and parameters of a PyTorch activation module, if it has a fast
    path (in-place modules stay as they are: the fast forms write new tensors)."""
    if getattr(m, "inplace", False):
        return None
    if type(m) is nn.SiLU:
        return "silu", {}
    if type(m) is nn.Mish:
        return "mish", {}
    if type(m) is nn.Tanh:
        return "tanh", {}
    if type(m) is nn.ELU:
        return "elu", {"alpha": float(m.alpha)}
    if type(m) is nn.Softplus:
        return "softplus", {"beta": float(m.beta), "threshold": float(m.threshold)}
    if type(m) is nn.GELU:
        return "gelu", {"approximate": m.approximate}
    return None


def patch(model: nn.Module) -> nn.Module:
    """Swap ``model``'s activation modules for fast-bound ones, in place; returns it.

    PyTorch's ``nn.SiLU``, ``nn.Mish``, ``nn.Tanh``, ``nn.ELU``, ``nn.Softplus`` and
    ``nn.GELU`` become the catalog's module with the same parameters, bound to the fast
    paths; the catalog's own activation modules are bound as they are. Other modules,
    and in-place ones, are left alone. Like Liger-Kernel's ``apply_*`` functions, this
    changes the model object, so call it once before training.
    """
    from actloss import activations
    from actloss.activations import Activation

    for parent in list(model.modules()):
        for child_name, child in list(parent.named_children()):
            if isinstance(child, FastModule):
                continue
            if isinstance(child, Activation):
                setattr(parent, child_name, bind_module(child))
                continue
            eq = _catalog_equivalent(child)
            if eq is not None:
                setattr(parent, child_name, activations.get(eq[0], fast=True, **eq[1]))
    return model


def linear_cross_entropy(hidden: torch.Tensor, weight: torch.Tensor, target: torch.Tensor,
                         **kwargs: Any) -> torch.Tensor:
    """The catalog's ``losses.linear_cross_entropy`` with its fast, row-blocked form on:
    the ``(N, V)`` logits are never materialised."""
    global _bound
    from actloss.losses import linear_cross_entropy as reference

    _bound += 1
    _install()
    token = _in_bound.set(True)
    try:
        return reference(hidden, weight, target, **kwargs)
    finally:
        _in_bound.reset(token)
        _released()
