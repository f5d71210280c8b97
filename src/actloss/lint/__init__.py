"""The linter: run a model and its loss once on real tensors and report mistakes.

:func:`check` returns :class:`~actloss.findings.Finding` records; :data:`RULES` lists
every rule with its code, severity, message and fix (English and Chinese).
"""

from __future__ import annotations

from actloss.lint._check import check
from actloss.lint._rules import RULES, Rule

__all__ = ["RULES", "Rule", "check"]
