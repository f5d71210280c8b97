"""The activation registry and the generic module wrapper.

Family modules (``_classic.py``, ``_relu.py``, ...) build an :class:`ActivationSpec`
beside each function and call :func:`register`. The public API in
``actloss.activations`` reads only this registry.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import torch
from torch import nn

from actloss._peers import ACTIVATION_NAMES
from actloss._registry import Registry
from actloss._validation import check_params, guard_keywords
from actloss.activations._spec import ActivationSpec

__all__ = ["REGISTRY", "Activation", "register"]

REGISTRY: Registry[ActivationSpec] = Registry("activation", peer_names=ACTIVATION_NAMES)


def register(spec: ActivationSpec) -> ActivationSpec:
    """Add ``spec`` to the registry and return it (its function refuses unknown
    keywords with :class:`~actloss.errors.ParameterError`; see ``guard_keywords``)."""
    if spec.fn is not None:
        spec = dataclasses.replace(spec, fn=guard_keywords(spec.name, spec.fn))
    REGISTRY.add(spec)
    return spec


class Activation(nn.Module):
    """A parameter-free activation as a module: ``forward`` is the functional form.

    Its hyper-parameters show in ``repr`` through :meth:`extra_repr`.
    """

    def __init__(self, spec: ActivationSpec, **params: Any) -> None:
        super().__init__()
        self.spec = spec
        self.params = check_params(spec.name, spec.params, params)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.spec.fn(x, **self.params)

    def extra_repr(self) -> str:
        # memory_efficient shows only when set: it changes what is saved, not the values
        return ", ".join(f"{k}={v!r}" for k, v in self.params.items()
                         if not (k == "memory_efficient" and v is False))

    def _get_name(self) -> str:  # shows as e.g. ``GELU(approximate='none')``
        return "".join(p.capitalize() for p in self.spec.name.split("_"))
