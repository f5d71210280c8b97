"""Metadata pieces shared by the activation and loss specs."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

from actloss._validation import Interval, Param

__all__ = ["Bilingual", "bilingual", "spec_to_json"]


@dataclass(frozen=True)
class Bilingual:
    """The same list of short statements in English and in Chinese.

    The two tuples are parallel: ``zh[i]`` translates ``en[i]``.
    """

    en: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()

    def get(self, lang: str = "en") -> tuple[str, ...]:
        return self.zh if lang == "zh" else self.en


def _jsonable(value: Any) -> Any:
    if isinstance(value, (Interval, Param)):
        return value.to_json()
    if isinstance(value, Bilingual):
        return {"en": list(value.en), "zh": list(value.zh)}
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if callable(value):
        return None
    return value


def spec_to_json(spec: Any) -> dict[str, Any]:
    """A JSON-ready dict of a frozen spec, without its callables."""
    out: dict[str, Any] = {}
    for f in fields(spec):
        v = getattr(spec, f.name)
        if callable(v) and not isinstance(v, type):
            continue
        out[f.name] = _jsonable(v)
    return out


def bilingual(en: tuple[str, ...], zh: tuple[str, ...]) -> Bilingual:
    """A :class:`Bilingual` whose two tuples must be parallel (checked at import)."""
    if len(en) != len(zh):
        raise RuntimeError(f"pros/cons need as many Chinese as English items: {en!r}")
    return Bilingual(en=en, zh=zh)
