"""The frozen metadata record of one loss function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import torch
from torch import nn

from actloss._i18n import Bilingual
from actloss._validation import Param

__all__ = ["LossSpec"]

InputKind = Literal[
    "logits", "probabilities", "log_probabilities", "real", "positive", "embeddings",
    "boxes", "scores", "distribution", "log_distribution", "losses", "parameters",
]
TargetKind = Literal[
    "class_indices", "one_hot", "soft_labels", "binary", "multi_hot", "signed_binary",
    "masks", "boxes", "real", "positive", "counts", "distribution", "log_distribution",
    "pair_labels", "none",
]


@dataclass(frozen=True)
class LossSpec:
    """Everything actloss knows about one loss.

    ``fn(input, target, *, reduction='mean', weight=None, **params)`` is the
    functional form; ``gradient(input, target, **params)`` returns d(sum of the
    unreduced loss)/d(input) in closed form (``None`` where no closed form is
    offered; the generic suite then skips that check and says so).
    """

    name: str
    fn: Callable[..., torch.Tensor]
    aliases: tuple[str, ...] = ()
    family: str = ""  # regression, binary, multiclass, divergence, segmentation, ...
    summary: str = ""
    summary_zh: str = ""
    formula: str = ""  # LaTeX
    gradient: Callable[..., torch.Tensor] | None = None
    module: Callable[..., nn.Module] | None = None
    params: tuple[Param, ...] = ()
    tasks: tuple[str, ...] = ()
    input_kind: InputKind = "real"
    target_kind: TargetKind = "real"
    pairs_with: str | None = None  # output activation, a name in the activation catalog
    reductions: tuple[str, ...] = ("none", "mean", "sum")
    robust_to_outliers: bool = False
    handles_imbalance: bool = False
    convex: bool = False  # convex in the input
    proper_scoring_rule: bool = False
    keras_name: str | None = None
    torch_equivalent: str | None = None  # e.g. "torch.nn.functional.huber_loss"
    pros: Bilingual = field(default_factory=Bilingual)
    cons: Bilingual = field(default_factory=Bilingual)
    other_defaults: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    reference: str = ""
    in_sources: tuple[str, ...] = ()

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}
