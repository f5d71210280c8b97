"""The lab's experiments: each tests one claim of the source material.

>>> from actloss.lab import experiments
>>> "linear-collapse" in experiments.names()
True
>>> experiments.get("linear_collapse").title
'Stacked linear layers collapse to one linear map'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from actloss.lab.experiments import (  # noqa: F401  (each module registers itself)
    activation_shootout,
    advice_check,
    backprop_by_hand,
    dying_relu,
    gan_losses,
    imbalance,
    linear_collapse,
    loss_robustness,
    pairing_matrix,
    quantile,
    source_examples,
    transformer_block,
    vanishing_gradients,
    zero_centred,
)
from actloss.lab.experiments._base import (
    REGISTRY,
    VERDICTS,
    Claim,
    Experiment,
    Result,
    Table,
    Verdict,
    make_config,
    parse_sets,
)

__all__ = [
    "VERDICTS",
    "Claim",
    "Experiment",
    "Result",
    "Table",
    "Verdict",
    "get",
    "make_config",
    "names",
    "parse_sets",
    "run",
]


ORDER = (
    "linear-collapse", "vanishing-gradients", "dying-relu", "zero-centred",
    "activation-shootout", "pairing-matrix", "loss-robustness", "imbalance", "quantile",
    "source-examples", "advice-check", "gan-losses", "transformer-block", "backprop-by-hand",
)


def names() -> list[str]:
    """Names of the registered experiments, in report order."""
    rank = {n: i for i, n in enumerate(ORDER)}
    return sorted(REGISTRY.names(), key=lambda n: (rank.get(n, len(rank)), n))


def get(name: str) -> Experiment:
    """The experiment registered under ``name`` (``_`` and ``-`` are the same)."""
    return REGISTRY.get(name)


def run(name: str, *, quick: bool = False, seed: int | None = None,
        overrides: Mapping[str, Any] | None = None) -> Result:
    """Run the experiment ``name`` with validated settings and return its result."""
    exp = REGISTRY.get(name)
    return exp.run(exp.config(quick=quick, seed=seed, overrides=overrides))
