"""The one way for Chinese text to reach users: an English text and its Chinese twin.

Every text shown to users is a :class:`Text`: the English and the Chinese side by side.
One function, :func:`say`, gives a text in a language (``'en'`` or ``'zh'``) and fills
its ``str.format`` fields; both sides of a text have the same fields. A value passed as
``name_zh`` is the Chinese of the field ``name`` (a detail sentence built elsewhere).

- Fixed texts (labels, headings, message templates) are declared in a :class:`Words`
  table, one ``(en, zh)`` pair per key; every table is registered here, so the tests
  see every fixed text of the project (:func:`registered`).
- A text whose numbers are known only where it is made is written inline,
  ``tr(lang, f"...", f"...")``, the English and the Chinese next to each other.
- Metadata that keeps both languages as data (catalog entries' ``summary`` /
  ``summary_zh`` and their :class:`Bilingual` pros and cons, experiment results'
  ``*_zh`` fields, findings' ``message_zh`` / ``fix_zh``) is read through :func:`tr`.

``lang`` is checked once, at the entry point, with :func:`check_lang`.

>>> tr("zh", "loss", "损失")
'损失'
>>> LABELS = Words("demo", {"task": ("task", "任务"), "n": ("{n} rows", "{n} 行")})
>>> LABELS("task", "zh"), LABELS("n", "en", n=3), LABELS("n", "zh", n=3)
('任务', '3 rows', '3 行')
>>> say(Text("loss {detail}", "损失{detail}"), "zh", {"detail": "up", "detail_zh": "上升"})
'损失上升'
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from actloss.errors import ParameterError

__all__ = ["HAN", "LANGS", "Bilingual", "Text", "Words", "bilingual", "check_lang",
           "fields", "has_han", "literal", "registered", "say", "tr", "twinned"]

LANGS: tuple[str, ...] = ("en", "zh")
HAN = re.compile("[\u4e00-\u9fff]")


def has_han(text: str) -> bool:
    """Whether ``text`` holds at least one Chinese character."""
    return bool(HAN.search(text))


def literal(template: str) -> str:
    """The words of a ``str.format`` template, its fields left out."""
    return "".join(lit for lit, *_ in string.Formatter().parse(template))


def twinned(text: Text) -> bool:
    """Whether ``text`` has its Chinese: Han characters in ``zh``, or no words on either
    side (a template that is all fields, such as ``'{detail}'``)."""
    if has_han(text.zh):
        return True
    return bool(text.zh) and not re.search("[A-Za-z]", literal(text.en))


def check_lang(owner: str, lang: object) -> str:
    """``lang`` if it is one of :data:`LANGS`, else a :class:`ParameterError`.

    >>> check_lang("advise", "fr")
    Traceback (most recent call last):
    ...
    actloss.errors.ParameterError: `lang` of advise must be one of 'en', 'zh'; got 'fr'
    """
    if not isinstance(lang, str) or lang not in LANGS:
        raise ParameterError(f"`lang` of {owner} must be one of "
                             f"{', '.join(repr(x) for x in LANGS)}; got {lang!r}")
    return lang


@dataclass(frozen=True)
class Text:
    """A text shown to users: the English ``en`` and its Chinese twin ``zh``."""

    en: str
    zh: str

    def __call__(self, lang: str, /, **values: Any) -> str:
        return say(self, lang, values or None)


def fields(template: str) -> list[tuple[str, str, str]]:
    """The ``str.format`` fields of ``template`` as ``(name, conversion, spec)``, in order.

    >>> fields("{a:.3g} of {b!r}")
    [('a', '', '.3g'), ('b', 'r', '')]
    """
    return [(name, conv or "", spec or "")
            for _, name, spec, conv in string.Formatter().parse(template) if name is not None]


def say(text: Text, lang: str, /, values: Mapping[str, Any] | None = None, *,
        missing: str = "?", lenient: bool = False) -> str:
    """``text`` in ``lang`` (English where its Chinese is empty), its fields filled.

    Without ``values`` the text comes back as written. With them, each field takes
    ``values[name]`` (in Chinese ``values[name + '_zh']`` where given); a field without a
    value shows ``missing``. ``lenient`` also shows ``missing`` for ``None`` and
    non-finite floats, and a value its format spec does not fit as ``str(value)``.
    """
    chosen = text.zh if lang == "zh" and text.zh else text.en
    if values is None:
        return chosen
    out = []
    for literal, name, spec, conv in string.Formatter().parse(chosen):
        out.append(literal)
        if name is None:
            continue
        key = name + "_zh" if lang == "zh" and name + "_zh" in values else name
        if key not in values:
            out.append(missing)
            continue
        value = values[key]
        if lenient and (value is None or (isinstance(value, float) and not math.isfinite(value))):
            out.append(missing)
            continue
        if conv:
            value = {"r": repr, "s": str, "a": ascii}[conv](value)
        try:
            out.append(format(value, spec or ""))
        except (TypeError, ValueError):
            if not lenient:
                raise
            out.append(str(value))
    return "".join(out)


def tr(lang: str, en: str, zh: str) -> str:
    """The text in ``lang``: ``zh`` for Chinese (``en`` where ``zh`` is empty), else ``en``."""
    return say(Text(en, zh), lang)


_REGISTRY: dict[str, Words] = {}


class Words:
    """A table of fixed texts, each an ``(en, zh)`` pair; the Chinese must be there and
    both sides must have the same fields. Every table is registered by its ``owner``."""

    def __init__(self, owner: str, pairs: Mapping[str, tuple[str, str] | Text]) -> None:
        texts: dict[str, Text] = {}
        for key, pair in pairs.items():
            text = pair if isinstance(pair, Text) else Text(*pair)
            if not text.en or not twinned(text):
                raise ParameterError(f"word {key!r} of {owner} must have an English text "
                                     f"and a Chinese twin; got {(text.en, text.zh)!r}")
            if sorted(fields(text.en)) != sorted(fields(text.zh)):
                raise ParameterError(f"word {key!r} of {owner} must have the same fields in "
                                     f"English and Chinese; got {(text.en, text.zh)!r}")
            texts[key] = text
        self.owner = owner
        self.texts = texts
        _REGISTRY[owner] = self

    def __call__(self, key: str, lang: str, /, **values: Any) -> str:
        return say(self.texts[key], lang, values or None)

    def __contains__(self, key: object) -> bool:
        return key in self.texts

    def __getitem__(self, key: str) -> Text:
        return self.texts[key]

    def get(self, key: str, lang: str, default: str) -> str:
        """The word ``key`` in ``lang``, or ``default`` where the table lacks it."""
        text = self.texts.get(key)
        return default if text is None else say(text, lang)

    def table(self, lang: str) -> dict[str, str]:
        """Every word in ``lang``, by key (for templates)."""
        return {k: say(t, lang) for k, t in self.texts.items()}


def registered() -> Iterator[tuple[str, str, Text]]:
    """Every fixed text of the imported modules, as ``(owner, key, text)``."""
    for owner, words in _REGISTRY.items():
        for key, text in words.texts.items():
            yield owner, key, text


@dataclass(frozen=True)
class Bilingual:
    """The same list of short statements in English and in Chinese (catalog metadata).

    The two tuples are parallel: ``zh[i]`` translates ``en[i]``.
    """

    en: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()

    def get(self, lang: str = "en") -> tuple[str, ...]:
        return tuple(say(t, lang) for t in self.texts())

    def texts(self) -> tuple[Text, ...]:
        """The statements as :class:`Text` pairs."""
        return tuple(Text(e, z) for e, z in zip(self.en, self.zh, strict=True))


def bilingual(en: tuple[str, ...], zh: tuple[str, ...]) -> Bilingual:
    """A :class:`Bilingual` whose two tuples must be parallel (checked at import)."""
    if len(en) != len(zh):
        raise RuntimeError(f"pros/cons need as many Chinese as English items: {en!r}")
    return Bilingual(en=en, zh=zh)
