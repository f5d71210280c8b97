"""The trainer's callback protocol.

:func:`actloss.lab.train.fit` calls these hooks in this order::

    on_train_begin
      for each epoch: on_epoch_begin
        for each batch: (forward, loss, backward) on_after_backward (step) on_batch_end
      on_epoch_end          # state.logs holds the epoch's metrics
    on_train_end

Every hook receives the same mutable :class:`TrainState`. A callback stops training
by setting ``state.stop_training = True``. The diagnostics monitor
(:mod:`actloss.diagnostics`) is such a callback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

__all__ = ["Callback", "TrainState"]


@dataclass
class TrainState:
    """What the training loop knows at each hook."""

    model: nn.Module
    optimizer: torch.optim.Optimizer | None = None
    loss_fn: Any = None
    epoch: int = 0  # 0-based index of the current epoch
    batch: int = 0  # 0-based index of the batch within the epoch
    step: int = 0  # optimizer steps taken so far
    epochs: int = 0
    batches_per_epoch: int = 0
    inputs: torch.Tensor | None = None  # current batch
    targets: torch.Tensor | None = None
    outputs: torch.Tensor | None = None  # model output of the current batch
    loss: torch.Tensor | None = None  # current batch loss (detached scalar)
    logs: dict[str, float] = field(default_factory=dict)  # epoch metrics, e.g. val_loss
    history: dict[str, list[float]] = field(default_factory=dict)
    stop_training: bool = False


class Callback:
    """Base class: override the hooks you need; each receives the :class:`TrainState`."""

    def on_train_begin(self, state: TrainState) -> None:
        """Before the first epoch."""

    def on_epoch_begin(self, state: TrainState) -> None:
        """Before each epoch."""

    def on_after_backward(self, state: TrainState) -> None:
        """After ``loss.backward()``, before ``optimizer.step()``: gradients are set."""

    def on_batch_end(self, state: TrainState) -> None:
        """After ``optimizer.step()``."""

    def on_epoch_end(self, state: TrainState) -> None:
        """After each epoch; ``state.logs`` holds its metrics."""

    def on_train_end(self, state: TrainState) -> None:
        """After the last epoch (or after a callback stopped training)."""
