"""Metadata pieces shared by the activation and loss specs."""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Any

from actloss._i18n import Bilingual
from actloss._validation import Interval, Param

__all__ = ["spec_to_json"]


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

