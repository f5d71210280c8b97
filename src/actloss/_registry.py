"""A case-insensitive name registry shared by the activation and loss catalogs.

Entries are frozen spec dataclasses (see :mod:`actloss.activations._spec` and
:mod:`actloss.losses._spec`). Each has a canonical ``name`` and ``aliases``; lookups
ignore case and treat ``-`` like ``_``. An unknown name raises
:class:`~actloss.errors.UnknownNameError` listing the closest names.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar

from actloss.errors import UnknownNameError

__all__ = ["Registry", "normalise_name"]


class _Named(Protocol):
    name: str
    aliases: tuple[str, ...]


S = TypeVar("S", bound=_Named)


def normalise_name(name: str) -> str:
    """Lower-case, strip, and map ``-`` and spaces to ``_``."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


class Registry(Generic[S]):
    """Canonical names to specs, with aliases.

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Spec:
    ...     name: str
    ...     aliases: tuple[str, ...] = ()
    >>> r = Registry("activation")
    >>> r.add(Spec("silu", ("swish",)))
    >>> r.spec("Swish").name
    'silu'
    >>> r.spec("sulu")
    Traceback (most recent call last):
    ...
    actloss.errors.UnknownNameError: unknown activation 'sulu'; did you mean 'silu'?
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._specs: dict[str, S] = {}
        self._lookup: dict[str, str] = {}

    def add(self, spec: S) -> None:
        """Register ``spec``; a clash of names or aliases is a programming error."""
        keys = [spec.name, *spec.aliases]
        for key in keys:
            k = normalise_name(key)
            owner = self._lookup.get(k)
            if owner is not None and owner != spec.name:
                raise RuntimeError(f"{self.kind} name {key!r} already belongs to {owner!r}")
        self._specs[spec.name] = spec
        for key in keys:
            self._lookup[normalise_name(key)] = spec.name

    def names(self) -> list[str]:
        """Canonical names, sorted."""
        return sorted(self._specs)

    def all_names(self) -> list[str]:
        """Canonical names and aliases, sorted (normalised)."""
        return sorted(self._lookup)

    def canonical(self, name: str) -> str:
        """The canonical name for ``name`` (an alias or any casing)."""
        if not isinstance(name, str):
            raise UnknownNameError(
                f"{self.kind} name must be a str; got {type(name).__name__}", name=repr(name)
            )
        key = normalise_name(name)
        try:
            return self._lookup[key]
        except KeyError:
            pass
        matches = difflib.get_close_matches(key, list(self._lookup), n=6, cutoff=0.6)
        by_entry: dict[str, str] = {}  # one suggestion per entry: its closest spelling
        for m in matches:
            by_entry.setdefault(self._lookup[m], m)
        close = tuple(by_entry.values())[:3]
        if close:
            hint = "; did you mean " + " or ".join(repr(c) for c in close) + "?"
        else:
            hint = f"; see actloss.{self.kind}s.names() or `actloss list {self.kind}s`"
        raise UnknownNameError(f"unknown {self.kind} {name!r}{hint}", name=name,
                               suggestions=close)

    def spec(self, name: str) -> S:
        """The spec registered under ``name`` or one of its aliases."""
        return self._specs[self.canonical(name)]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalise_name(name) in self._lookup

    def __iter__(self) -> Iterator[S]:
        return iter(self._specs[n] for n in self.names())

    def __len__(self) -> int:
        return len(self._specs)
