"""Exceptions raised by actloss.

Every error actloss raises derives from :class:`ActlossError`, and also from the
built-in exception a Python user would expect (``ValueError``, ``LookupError``,
``TypeError``), so ``except ValueError`` keeps working in code written against
PyTorch.
"""

from __future__ import annotations

__all__ = [
    "ActlossError",
    "InputError",
    "ParameterError",
    "UnknownNameError",
]


class ActlossError(Exception):
    """Base class of every actloss error."""


class UnknownNameError(ActlossError, LookupError):
    """A name that is not in a registry; the message lists the closest names."""

    def __init__(self, message: str, *, name: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.suggestions = suggestions

    def __str__(self) -> str:  # LookupError would quote the message like a KeyError
        return str(self.args[0])


class ParameterError(ActlossError, ValueError):
    """A hyper-parameter outside its valid interval or of the wrong type."""


class InputError(ActlossError, ValueError):
    """A tensor argument with the wrong shape, dtype, range or content."""
