"""The loss registry and the generic module wrapper."""

from __future__ import annotations

import dataclasses
from typing import Any

import torch
from torch import nn

from actloss._peers import LOSS_NAMES, TWINS
from actloss._reduction import check_reduction
from actloss._registry import Registry
from actloss._validation import check_params, guard_keywords
from actloss.losses._spec import LossSpec

__all__ = ["REGISTRY", "Loss", "register"]

REGISTRY: Registry[LossSpec] = Registry("loss", peer_names=LOSS_NAMES, twins=TWINS)


def register(spec: LossSpec) -> LossSpec:
    """Add ``spec`` to the registry and return it. Its function refuses unknown keywords
    with :class:`~actloss.errors.ParameterError` and promotes a floating input and target
    of different dtypes to their common dtype (``actloss._validation.guard_keywords``)."""
    if spec.fn is not None:
        spec = dataclasses.replace(
            spec, fn=guard_keywords(spec.name, spec.fn, promote_pair=True))
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
