"""The loss registry and the generic module wrapper."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from actloss._reduction import check_reduction
from actloss._registry import Registry
from actloss._validation import check_params
from actloss.losses._spec import LossSpec

__all__ = ["REGISTRY", "Loss", "register"]

REGISTRY: Registry[LossSpec] = Registry("loss")


def register(spec: LossSpec) -> LossSpec:
    """Add ``spec`` to the registry and return it."""
    REGISTRY.add(spec)
    return spec


class Loss(nn.Module):
    """A loss as a module: ``forward(input, target)`` calls the functional form."""

    def __init__(self, spec: LossSpec, *, reduction: str = "mean",
                 weight: torch.Tensor | None = None, **params: Any) -> None:
        super().__init__()
        self.spec = spec
        self.reduction = check_reduction(spec.name, reduction, spec.reductions)
        self.params = check_params(spec.name, spec.params, params)
        if weight is not None:
            self.register_buffer("weight", weight)
        else:
            self.weight = None

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.spec.fn(input, target, reduction=self.reduction, weight=self.weight,
                            **self.params)

    def extra_repr(self) -> str:
        items = [f"reduction={self.reduction!r}"]
        items += [f"{k}={v!r}" for k, v in self.params.items()]
        return ", ".join(items)

    def _get_name(self) -> str:
        return "".join(p.capitalize() for p in self.spec.name.split("_")) + "Loss"
