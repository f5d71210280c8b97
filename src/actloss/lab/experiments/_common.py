"""Small shared pieces of the experiments: seeded data, a short training loop, metrics.

The experiments train small models many times, so the loop here is a plain full-batch
or mini-batch loop that every reader can check in one sitting; experiments that need
callbacks (the diagnostics monitor) use :func:`actloss.lab.train.fit` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from matplotlib.figure import Figure
from torch import nn

from actloss.lab.experiments._base import INT_NONNEG, setting

__all__ = [
    "BaseConfig",
    "accuracy",
    "generator",
    "new_figure",
    "train_loop",
]


@dataclass(frozen=True)
class BaseConfig:
    """Settings every experiment has."""

    seed: int = setting(0, interval=INT_NONNEG, doc="seed of every random draw")


def generator(seed: int) -> torch.Generator:
    """A CPU generator seeded with ``seed`` (data are drawn on the CPU for determinism)."""
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def train_loop(model: nn.Module, loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
               x: torch.Tensor, y: torch.Tensor, *, steps: int, lr: float,
               optimizer: str = "adam", batch_size: int | None = None,
               seed: int = 0) -> list[float]:
    """Train ``model`` for ``steps`` optimiser steps; return the loss of every step.

    ``batch_size=None`` is full-batch; otherwise batches are drawn without replacement
    from a seeded permutation, epoch after epoch.
    """
    opt: torch.optim.Optimizer
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=lr)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    g = generator(seed)
    n = x.shape[0]
    order = torch.randperm(n, generator=g)
    pos = 0
    losses = []
    for _ in range(steps):
        if batch_size is None or batch_size >= n:
            xb, yb = x, y
        else:
            if pos + batch_size > n:
                order, pos = torch.randperm(n, generator=g), 0
            idx = order[pos:pos + batch_size].to(x.device)
            pos += batch_size
            xb, yb = x[idx], y[idx]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    return losses


@torch.no_grad()
def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Classification accuracy: argmax for several columns, ``logit > 0`` for one."""
    if logits.ndim == 1 or logits.shape[-1] == 1:
        pred = (logits.reshape(-1) > 0).long()
    else:
        pred = logits.argmax(-1)
    return float((pred == y.reshape(pred.shape)).float().mean())


def new_figure(ncols: int = 1, nrows: int = 1, *, width: float = 5.0,
               height: float = 3.6) -> tuple[Figure, list]:
    """A figure (no pyplot state) and its axes as a flat list."""
    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, [ax for row in axes for ax in row]
