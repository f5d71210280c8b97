"""The one seam between the catalog and its optional fast implementations.

The catalog (``actloss.activations``, ``actloss.losses``) is validation plus the
reference mathematics; it never imports the fast implementations. They live in
``actloss.kernels``, which installs a router here while its fast paths are enabled
(``actloss.kernels.enable()``). A catalog function checks :data:`route` once, after its
arguments are validated: ``None`` (the default) means the reference runs, so the default
path costs one attribute read.

``bind(module)`` is the catalog's ``get(name, fast=True)``: it imports the fast package
at that call (never at import time) and lets it wrap the module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

__all__ = ["MIN_ELEMENTS", "Router", "bind", "call", "route"]

#: A router: ``(name, *tensors, **validated parameters)`` to the fast result, or ``None``
#: when no fast implementation supports the call (the reference then runs).
Router = Callable[..., "torch.Tensor | None"]

#: the router installed by the fast package while it is enabled, else ``None``
route: Router | None = None
#: the fewest elements any fast implementation takes; smaller calls skip the router
MIN_ELEMENTS: int = 1 << 17

_FAST_PACKAGE = "actloss.kernels"


def bind(module: nn.Module) -> nn.Module:
    """``module`` bound to the fast implementations at construction.

    Imports the fast package now (a catalog ``get(name, fast=True)`` is the only caller)
    and returns its wrapper of ``module``: same parameters, same results within the
    fast paths' stated bounds, the reference wherever no fast form supports a call.
    """
    package: Any = importlib.import_module(_FAST_PACKAGE)
    return package.bind_module(module)


def call(name: str, *args: Any, **params: Any) -> torch.Tensor | None:
    """The fast result for a validated catalog call, or ``None`` (run the reference)."""
    r = route
    return None if r is None else r(name, *args, **params)
