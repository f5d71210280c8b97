"""What every trainer adapter shares: the watch it holds and its findings after close."""

from __future__ import annotations

from typing import Any

from actloss.findings import Finding
from actloss.watch import Watch

__all__ = ["HeldWatch"]


class HeldWatch:
    """Holds the watch a trainer callback drives (``hooks=False``) and what it found."""

    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self.watch: Watch | None = None
        self._found: list[Finding] = []

    def _start(self, model: Any) -> None:
        self.watch = Watch(model, None, None, hooks=False, **self.settings)

    def _finish(self) -> None:
        if self.watch is not None:
            self._found = self.watch.findings()
            self.watch.close()

    def findings(self) -> list[Finding]:
        """What the watch found (after training: everything it reported)."""
        if self.watch is not None and self.watch.attached:
            return self.watch.findings()
        return list(self._found)
