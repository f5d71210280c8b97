"""Findings: what the linter and the training diagnostics report.

One record type for both, so the command line, the report and the tests render and
check them the same way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from actloss._i18n import tr

__all__ = ["Finding", "Severity"]

Severity = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class Finding:
    """One problem found in a model, a loss or a training run.

    ``code`` is a stable identifier (``double_softmax``, ``dead_units``, ...);
    ``where`` is a module path such as ``net.3`` or ``loss``; ``fix`` says what to
    change; ``evidence`` holds the measured values the finding rests on; ``effect``
    holds the measured effect of the remedy, where one was tried.
    """

    code: str
    severity: Severity
    where: str
    message: str
    fix: str = ""
    message_zh: str = ""
    fix_zh: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    effect: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def text(self, lang: str) -> tuple[str, str]:
        """The message and the fix in ``lang`` (English where the Chinese is missing)."""
        return tr(lang, self.message, self.message_zh), tr(lang, self.fix, self.fix_zh)
