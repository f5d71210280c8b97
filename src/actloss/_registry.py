"""A case-insensitive name registry shared by the catalogs, and the one name resolver.

Entries are frozen spec dataclasses (see :mod:`actloss.activations._spec` and
:mod:`actloss.losses._spec`). Each has a canonical ``name`` and ``aliases``; lookups
ignore case, treat ``-`` and spaces like ``_`` and read a CamelCase class name
(``CategoricalCrossentropy``) as its snake_case spelling.

The rule for names (``docs/names.md``) is applied here, in :meth:`Registry.canonical`,
with the peers' spellings of :mod:`actloss._peers`:

1. an actloss canonical name means actloss's entry (PyTorch's conventions);
2. with a peer (``peer='keras'``, or a ``'keras:'`` prefix) the peer's spelling means
   the entry with that peer's semantics (``keras_…``, ``optax_…`` or the core entry);
3. a spelling that every peer using it (and actloss's aliases) gives one meaning
   resolves to it; PyTorch and optax spellings for one element-wise function, which
   differ only in optax returning the unreduced values, resolve to PyTorch's entry;
4. any other shared spelling raises :class:`AmbiguousNameError`, naming each peer's
   explicit entry: it never resolves to a silently different function.

An unknown name raises :class:`~actloss.errors.UnknownNameError` listing the closest
names (:func:`close_matches`, the one did-you-mean of the package).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Generic, Protocol, TypeVar

from actloss.errors import UnknownNameError

__all__ = [
    "PEERS",
    "AmbiguousNameError",
    "Registry",
    "close_matches",
    "did_you_mean",
    "normalise_name",
    "snake_case",
]

PEERS = ("keras", "optax", "torch")
_PEER_TITLES = {"keras": "Keras", "optax": "optax", "torch": "PyTorch", "actloss": "actloss"}
_PLURALS = {"loss": "losses", "activation": "activations"}


class _Named(Protocol):
    name: str
    aliases: tuple[str, ...]


S = TypeVar("S", bound=_Named)


class AmbiguousNameError(UnknownNameError):
    """A spelling the peers use with different meanings; ``choices`` maps each peer to
    its explicit entry."""

    def __init__(self, message: str, *, name: str, choices: Mapping[str, str]) -> None:
        super().__init__(message, name=name, suggestions=tuple(dict.fromkeys(choices.values())))
        self.choices = dict(choices)


def normalise_name(name: str) -> str:
    """Lower-case, strip, and map ``-`` and spaces to ``_``."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def snake_case(name: str) -> str:
    """``CategoricalCrossentropy`` -> ``categorical_crossentropy``; ``KLDivergence`` ->
    ``kl_divergence``; ``CTC`` -> ``ctc`` (Keras's class names as function names)."""
    parts = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name.strip())
    return normalise_name(parts)


def close_matches(key: str, candidates: Iterable[str], *, n: int = 3,
                  cutoff: float = 0.6) -> tuple[str, ...]:
    """The closest spellings to ``key`` among ``candidates`` (the package's did-you-mean)."""
    return tuple(difflib.get_close_matches(key, list(candidates), n=n, cutoff=cutoff))


def did_you_mean(close: Iterable[str], fallback: str = "") -> str:
    """``"; did you mean 'a' or 'b'?"`` for ``close``, else ``fallback``."""
    close = tuple(close)
    if close:
        return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    return fallback


class Registry(Generic[S]):
    """Canonical names to specs, with aliases and the peers' spellings.

    ``peer_names`` maps a peer (``'keras'``, ``'optax'``, ``'torch'``) to
    ``{spelling: entry}``; ``twins`` maps an entry to the entry computing the same
    element-wise function with another reduction default (optax's unreduced forms).

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

    def __init__(self, kind: str, *, peer_names: Mapping[str, Mapping[str, str]] | None = None,
                 twins: Mapping[str, str] | None = None) -> None:
        self.kind = kind
        self._specs: dict[str, S] = {}
        self._lookup: dict[str, str] = {}
        self._peer_names = {p: {normalise_name(k): v for k, v in names.items()}
                            for p, names in (peer_names or {}).items()}
        self._twins = dict(twins or {})

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

    # ------------------------------------------------------------------ peers

    def peer_names(self, peer: str) -> dict[str, str]:
        """``{spelling: entry}`` of ``peer`` (only entries registered now)."""
        self._check_peer(peer)
        return {k: v for k, v in self._peer_names.get(peer, {}).items() if v in self._specs}

    def spellings(self, entry: str) -> dict[str, list[str]]:
        """Every peer's spellings of ``entry``: ``{'keras': ['kl_divergence', ...]}``."""
        out: dict[str, list[str]] = {}
        for peer, names in self._peer_names.items():
            hits = sorted(k for k, v in names.items() if v == entry)
            if hits:
                out[peer] = hits
        return out

    def meanings(self, key: str) -> dict[str, str]:
        """What the spelling ``key`` means to each peer and to actloss's aliases."""
        key = normalise_name(key)
        out = {p: names[key] for p, names in self._peer_names.items()
               if key in names and names[key] in self._specs}
        if key in self._lookup:
            out["actloss"] = self._lookup[key]
        return out

    def shared_spellings(self) -> dict[str, dict[str, str]]:
        """Spellings that are not canonical names and have several meanings (rule 4)."""
        keys = {k for names in self._peer_names.values() for k in names} | set(self._lookup)
        out = {}
        for k in sorted(keys):
            if k in self._specs:
                continue
            m = self.meanings(k)
            if len({self._twins.get(v, v) for v in m.values()}) > 1:
                out[k] = m
        return out

    def twin(self, entry: str) -> str | None:
        """The entry with the same element-wise function as ``entry`` (or ``None``)."""
        return self._twins.get(entry)

    def peer_metadata(self, entry: str) -> dict[str, object]:
        """What ``show`` prints about the peers for ``entry``, JSON-ready: the peers'
        spellings, the shared spellings it is one meaning of, the entries the same spelling
        means elsewhere, the twin and the edge conventions (``actloss._peers.CONVENTIONS``).
        """
        from actloss._peers import conventions

        shared = {k: m for k, m in self.shared_spellings().items() if entry in m.values()}
        other = {p: e for p, e in self.meanings(entry).items()
                 if p != "actloss" and e != entry}
        return {"peer_names": self.spellings(entry), "shared_spellings": shared,
                "same_spelling_elsewhere": other, "twin": self.twin(entry),
                "conventions": list(conventions(entry))}

    def _check_peer(self, peer: str) -> None:
        if peer not in PEERS:
            raise UnknownNameError(
                f"unknown peer {peer!r} for {self.kind} names; one of "
                f"{', '.join(repr(p) for p in PEERS)}", name=peer,
                suggestions=close_matches(peer, PEERS))

    # ------------------------------------------------------------------ lookup

    def canonical(self, name: str, *, peer: str | None = None) -> str:
        """The canonical name for ``name`` (an alias, any casing, a peer's spelling).

        ``peer`` (or a ``'peer:'`` prefix in ``name``) reads ``name`` as that peer's
        spelling. See the module docstring for the rule.
        """
        if not isinstance(name, str):
            raise UnknownNameError(
                f"{self.kind} name must be a str; got {type(name).__name__}", name=repr(name)
            )
        raw = name.strip()
        head, sep, tail = raw.partition(":")
        if sep:
            if peer is not None and normalise_name(head) != peer:
                raise UnknownNameError(f"{self.kind} name {name!r} names peer {head!r} but "
                                       f"peer={peer!r} was given", name=name)
            peer, raw = normalise_name(head), tail
        if peer is not None:
            self._check_peer(peer)
        keys = list(dict.fromkeys([normalise_name(raw), snake_case(raw)]))
        if peer is not None:
            names = self._peer_names.get(peer, {})
            for k in keys:
                if names.get(k) in self._specs:
                    return names[k]
                if f"{peer}_{k}" in self._specs:
                    return f"{peer}_{k}"
        for k in keys:
            if k in self._specs:  # rule 1
                return k
        for k in keys:
            m = self.meanings(k)
            if not m:
                continue
            raw_entries = set(m.values())
            if len(raw_entries) == 1:  # rule 3: one meaning
                return raw_entries.pop()
            plain = {self._twins.get(v, v) for v in raw_entries}
            if len(plain) == 1:  # rule 3: twins (PyTorch's and optax's form) -> PyTorch's
                return plain.pop()
            raise self._ambiguous(name, k, m)  # rule 4
        key = keys[0]
        candidates = set(self._lookup) | {k for n in self._peer_names.values() for k in n}
        matches = close_matches(key, candidates, n=8)
        by_entry: dict[str, str] = {}  # one suggestion per entry: its closest spelling
        for mt in matches:
            owner = self._lookup.get(mt) or next(
                (n[mt] for n in self._peer_names.values() if mt in n), mt)
            by_entry.setdefault(owner, mt)
        close = tuple(by_entry.values())[:3]
        plural = _PLURALS.get(self.kind, self.kind + "s")
        hint = did_you_mean(close, f"; see actloss.{plural}.names() or `actloss list {plural}`")
        raise UnknownNameError(f"unknown {self.kind} {name!r}{hint}", name=name,
                               suggestions=close)

    def _ambiguous(self, name: str, key: str, meanings: dict[str, str]) -> AmbiguousNameError:
        choices = {p: meanings[p] for p in (*PEERS, "actloss") if p in meanings}
        listed = "; ".join(f"{_PEER_TITLES[p]}: {e!r}" for p, e in choices.items())
        return AmbiguousNameError(
            f"{self.kind} name {name!r} means different things to different libraries "
            f"({listed}); name the entry, or pass peer='keras' | 'optax' | 'torch' (or a "
            f"'keras:' prefix). Rule: actloss's canonical names keep actloss's meaning, "
            f"and a spelling shared with different meanings is refused (docs/names.md)",
            name=name, choices=choices)

    def spec(self, name: str, *, peer: str | None = None) -> S:
        """The spec registered under ``name`` or one of its spellings."""
        return self._specs[self.canonical(name, peer=peer)]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalise_name(name) in self._lookup

    def __iter__(self) -> Iterator[S]:
        return iter(self._specs[n] for n in self.names())

    def __len__(self) -> int:
        return len(self._specs)
