"""A PyTorch Lightning ``Callback`` that watches the module being fitted.

Lightning runs the forward and backward inside ``optimizer.step(closure)``, so the
adapter drives the watch from Lightning's own hooks (``hooks=False``): gradients in
``on_before_optimizer_step``, the update and the loss in ``on_train_batch_end``.

Example::

    from actloss.integrations.lightning import WatchCallback
    cb = WatchCallback(report_every=50)
    lightning.Trainer(callbacks=[cb]).fit(module, loader)
    cb.findings()
"""

from __future__ import annotations

from typing import Any

import lightning as L
import torch

from actloss.integrations._held import HeldWatch

__all__ = ["WatchCallback"]


class WatchCallback(HeldWatch, L.Callback):
    """Lint the first batch and monitor training; ``**settings`` as for ``watch``."""

    def __init__(self, **settings: Any) -> None:
        HeldWatch.__init__(self, **settings)
        L.Callback.__init__(self)

    def on_fit_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self._start(pl_module)

    def on_before_optimizer_step(self, trainer: L.Trainer, pl_module: L.LightningModule,
                                 optimizer: torch.optim.Optimizer) -> None:
        if self.watch is not None:
            self.watch.after_backward()

    def on_train_batch_end(self, trainer: L.Trainer, pl_module: L.LightningModule,
                           outputs: Any, batch: Any, batch_idx: int) -> None:
        if self.watch is None:
            return
        loss = outputs.get("loss") if isinstance(outputs, dict) else outputs
        self.watch.step_end(loss if isinstance(loss, torch.Tensor) else None)

    def on_fit_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self._finish()
