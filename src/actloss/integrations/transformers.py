"""A Hugging Face ``TrainerCallback`` that watches the model being trained.

The model's own ``loss`` output is read by the watch's forward hook; gradients are read
in ``on_pre_optimizer_step`` and the update in ``on_optimizer_step`` (``hooks=False``).

Example::

    from actloss.integrations.transformers import WatchCallback
    cb = WatchCallback(report_every=50)
    Trainer(model=model, args=args, train_dataset=ds, callbacks=[cb]).train()
    cb.findings()
"""

from __future__ import annotations

from typing import Any

import transformers

from actloss.integrations._held import HeldWatch

__all__ = ["WatchCallback"]


class WatchCallback(HeldWatch, transformers.TrainerCallback):
    """Lint the first batch and monitor training; ``**settings`` as for ``watch``."""

    def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None,
                       **kwargs: Any) -> None:
        if model is not None:
            self._start(model)

    def on_pre_optimizer_step(self, args: Any, state: Any, control: Any,
                              **kwargs: Any) -> None:
        if self.watch is not None:
            self.watch.after_backward()

    def on_optimizer_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.watch is not None:
            self.watch.step_end()

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._finish()
