"""The frozen metadata record of one activation function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import torch
from torch import nn

from actloss._i18n import Bilingual
from actloss._validation import Interval, Param

__all__ = ["ActivationSpec"]

Kind = Literal["elementwise", "vector", "gated", "grouped", "module"]
# elementwise: y_i = f(x_i). vector: y = f(x) along ``dim`` (softmax). gated: x splits in
# two halves along ``dim``. grouped: groups of ``k`` along ``dim`` reduce to one value
# (maxout). module: only a module form (its coefficients come from its own layers).
Role = Literal["hidden", "output", "gate", "normaliser", "implicit"]
Init = Literal["he", "xavier", "lecun", "siren", "default"]


@dataclass(frozen=True)
class ActivationSpec:
    """Everything actloss knows about one activation.

    Properties are claims that the generic test suite checks numerically with the
    default parameters: ``output_range``, ``monotonic``, ``zero_centred``
    (f(0) = 0 and the output takes both signs), ``d0`` (f'(0), with the value used at
    a kink), ``max_abs_derivative`` (sup |f'|, ``inf`` if unbounded) and
    ``saturates``.
    """

    name: str
    fn: Callable[..., torch.Tensor]
    kind: Kind = "elementwise"
    aliases: tuple[str, ...] = ()
    family: str = ""
    summary: str = ""
    summary_zh: str = ""
    formula: str = ""  # LaTeX
    derivative_formula: str = ""  # LaTeX
    # closed-form derivative: derivative(x, **params) for element-wise entries;
    # vjp(x, grad_out, **params) for vector and gated entries.
    derivative: Callable[..., torch.Tensor] | None = None
    vjp: Callable[..., torch.Tensor] | None = None
    module: Callable[..., nn.Module] | None = None
    params: tuple[Param, ...] = ()
    output_range: Interval = Interval()
    bounded: bool = False
    monotonic: bool = True
    smooth: bool = True  # continuous first derivative everywhere
    kinks: tuple[float, ...] = ()  # points where f' jumps
    kink_derivative: str = ""  # which one-sided value is used at a kink, in words
    zero_centred: bool = False
    saturates: Literal["none", "negative", "positive", "both"] = "none"
    d0: float | None = None  # f'(0) as implemented (None: not element-wise)
    max_abs_derivative: float = float("inf")
    learnable: tuple[str, ...] = ()
    role: tuple[Role, ...] = ("hidden",)
    init: Init = "he"  # initialisation the lab's mlp(init='auto') picks
    pros: Bilingual = field(default_factory=Bilingual)
    cons: Bilingual = field(default_factory=Bilingual)
    other_defaults: dict[str, str] = field(default_factory=dict)  # library -> default
    torch_equivalent: str | None = None  # e.g. "torch.nn.functional.gelu"
    year: int | None = None
    reference: str = ""
    in_sources: tuple[str, ...] = ()  # source files that discuss it
    # Constructor parameters of the module form beyond ``params`` (e.g. ``in_features``).
    module_params: tuple[Param, ...] = ()
    # Keyword arguments of ``get(name, ...)`` that build a small working instance; the
    # generic tests and the docs use it. ``channels``/``in_features`` give the input width.
    module_example: dict[str, Any] = field(default_factory=dict)

    def defaults(self) -> dict[str, Any]:
        """Default value of every parameter."""
        return {p.name: p.default for p in self.params}
