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


def _specs(kind: str) -> list[Any]:
    """Every spec of the loss or the activation catalog, through its public API."""
    try:
        if kind == "loss":
            import actloss.losses as catalog

            return catalog.specs()
        import actloss.activations as acts

        return [acts.spec(name) for name in acts.names()]
    except Exception:  # pragma: no cover - a broken catalog must not break the linter
        return []


def _twin_name(torch_equivalent: str | None) -> str | None:
    """``torch.nn.functional.hardsigmoid`` -> ``hardsigmoid``; ``torch.relu`` -> ``relu``."""
    if not torch_equivalent or not torch_equivalent.startswith("torch."):
        return None
    if " " in torch_equivalent:  # an expression such as ``1 - torch...``, not a function
        return None
    return torch_equivalent.rsplit(".", 1)[-1]


def _by_twin(kind: str, op: str) -> Any:
    found = None
    for spec in _specs(kind):
        if _twin_name(spec.torch_equivalent) == op:
            if spec.name == op:
                return spec
            found = found or spec
    return found


def loss_spec(name: str) -> Any:
    """The loss catalog entry whose PyTorch twin is ``torch.nn.functional.<name>``."""
    dotted = f"torch.nn.functional.{name}"
    return next((s for s in _specs("loss") if s.torch_equivalent == dotted), None)


def catalog_loss(name: str) -> Any:
    """The loss catalog entry called ``name`` (``None`` if there is none)."""
    import actloss.losses as catalog
    from actloss.errors import UnknownNameError

    try:
        return catalog.spec(name)
    except UnknownNameError:
        return None


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
