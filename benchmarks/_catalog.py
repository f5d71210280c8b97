"""Shared helpers of the catalog-driven benchmarks (activations.py, losses.py)."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

import torch


def resolve(path: str | None) -> Callable[..., Any] | None:
    """The function named by a spec's ``torch_equivalent`` (``None`` for classes/exprs)."""
    if not path or " " in path or not path.startswith("torch."):
        return None
    mod, _, attr = path.rpartition(".")
    try:
        obj = getattr(importlib.import_module(mod), attr)
    except (ImportError, AttributeError):
        return None
    return None if inspect.isclass(obj) else obj


def accepted_kwargs(fn: Callable[..., Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``kwargs`` that ``fn`` takes (all of them if it has no signature)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}
    return {k: v for k, v in kwargs.items() if k in params}


def tensor_kwargs(kwargs: dict[str, Any], like: torch.Tensor) -> dict[str, Any]:
    """Defaults that must be tensors (e.g. PReLU's weight) made so."""
    return {k: (torch.tensor(v, dtype=like.dtype) if k == "weight" and not
                isinstance(v, torch.Tensor) and v is not None else v)
            for k, v in kwargs.items()}
