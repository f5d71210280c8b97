"""What the linter knows about a function, read from the catalog's specs.

A recorded op (``relu``, ``hardsigmoid``) or a torch loss (``cross_entropy``) is matched
to its catalog entry through the entry's ``torch_equivalent``; the entry then says what
the function outputs (``output_range``) or what it expects (``input_kind``,
``target_kind``). An op or loss the catalog does not hold has no facts.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["activation_spec", "loss_spec", "output_range"]


def _registry(kind: str) -> Any:
    try:
        if kind == "loss":
            import actloss.losses
            from actloss.losses._registry import REGISTRY
        else:
            import actloss.activations  # noqa: F401  (registers the entries)
            from actloss.activations._registry import REGISTRY
    except Exception:  # pragma: no cover - a broken catalog must not break the linter
        return None
    return REGISTRY


def _twin_name(torch_equivalent: str | None) -> str | None:
    """``torch.nn.functional.hardsigmoid`` -> ``hardsigmoid``; ``torch.relu`` -> ``relu``."""
    if not torch_equivalent or not torch_equivalent.startswith("torch."):
        return None
    if " " in torch_equivalent:  # an expression such as ``1 - torch...``, not a function
        return None
    return torch_equivalent.rsplit(".", 1)[-1]


def _by_twin(kind: str, op: str) -> Any:
    reg = _registry(kind)
    if reg is None:
        return None
    found = None
    for spec in reg:
        if _twin_name(spec.torch_equivalent) == op:
            if spec.name == op:
                return spec
            found = found or spec
    return found


def loss_spec(name: str) -> Any:
    """The loss catalog entry whose PyTorch twin is ``torch.nn.functional.<name>``."""
    reg = _registry("loss")
    if reg is None:
        return None
    dotted = f"torch.nn.functional.{name}"
    for spec in reg:
        if spec.torch_equivalent == dotted:
            return spec
    return None


def catalog_loss(name: str) -> Any:
    """The loss catalog entry called ``name`` (``None`` if there is none)."""
    reg = _registry("loss")
    return reg.spec(name) if reg is not None and name in reg else None


def activation_spec(op: str) -> Any:
    """The activation catalog entry whose PyTorch twin is the recorded op ``op``."""
    return _by_twin("activation", op)


def output_range(op: str | None) -> tuple[float, float] | None:
    """``(low, high)`` of the activation behind op ``op``, from its catalog entry."""
    if op is None:
        return None
    spec = activation_spec(op)
    if spec is None:
        return None
    r = spec.output_range
    low, high = float(r.low), float(r.high)
    if math.isinf(low) and math.isinf(high):
        return None  # unbounded both ways: says nothing about the targets
    return (low, high)
