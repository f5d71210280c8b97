"""One way for Chinese text to reach users: an English text and its Chinese twin.

Text shown to users is written as a pair, ``tr(lang, en, zh)``: the English and the
Chinese side by side at the place where the text is made, so that a reader (and the
tests) can check that every English text has its twin and that both show the same
numbers. Fixed words (labels, headings) live in a :class:`Words` table, one pair per
key. ``lang`` is checked once with :func:`check_lang`.

>>> tr("zh", "loss", "损失")
'损失'
>>> LABELS = Words("demo", {"task": ("task", "任务")})
>>> LABELS("task", "zh"), LABELS("task", "en")
('任务', 'task')
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from actloss.errors import ParameterError

__all__ = ["HAN", "LANGS", "Words", "check_lang", "has_han", "tr"]

LANGS: tuple[str, ...] = ("en", "zh")
HAN = re.compile("[\u4e00-\u9fff]")


def has_han(text: str) -> bool:
    """Whether ``text`` holds at least one Chinese character."""
    return bool(HAN.search(text))


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


def tr(lang: str, en: str, zh: str) -> str:
    """The text in ``lang``: ``zh`` for Chinese, else ``en``."""
    return zh if lang == "zh" else en


class Words:
    """A table of fixed words, each an ``(en, zh)`` pair; the Chinese must be there."""

    def __init__(self, owner: str, pairs: Mapping[str, tuple[str, str]]) -> None:
        for key, (en, zh) in pairs.items():
            if not en or not has_han(zh):
                raise ParameterError(f"word {key!r} of {owner} must have an English text "
                                     f"and a Chinese twin; got {(en, zh)!r}")
        self.owner = owner
        self.pairs = dict(pairs)

    def __call__(self, key: str, lang: str) -> str:
        en, zh = self.pairs[key]
        return tr(lang, en, zh)
