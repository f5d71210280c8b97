"""Process-wide on/off settings: the native kernels, the value checks.

Each public setting (``set_native_enabled`` / ``native_enabled`` / ``native``, and the
value-check ones) is a thin function over one :class:`Switch`, which holds
the state, validates the new value in the one error format and restores the previous
value at the end of a ``with`` block. Hot paths read :attr:`Switch.on` directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from actloss._validation import Param, check_param

__all__ = ["Switch"]


class Switch:
    """One process-wide boolean setting (not per thread).

    >>> s = Switch("demo", True, "whether the demo runs")
    >>> with s.scoped(False):
    ...     s.on
    False
    >>> s.on
    True
    >>> s.set("yes")
    Traceback (most recent call last):
    ...
    actloss.errors.ParameterError: `enabled` of demo must be a bool; got 'yes'
    """

    def __init__(self, owner: str, default: bool, doc: str) -> None:
        self.owner = owner
        self.on = default
        self._param = Param("enabled", default, bool, doc=doc)

    def set(self, enabled: bool) -> None:
        """Turn the setting on or off; anything but a bool raises ``ParameterError``."""
        self.on = check_param(self.owner, self._param, enabled)

    @contextmanager
    def scoped(self, enabled: bool) -> Iterator[None]:
        """The setting as ``enabled`` inside the block, its previous value after it."""
        previous = self.on
        self.set(enabled)
        try:
            yield
        finally:
            self.on = previous
