"""Recall and false positives of the linter on its corpus and on a held-out set.

``tests/lint_corpus`` is the corpus the rules were developed on;
``tests/lint_corpus/heldout`` holds programs written after the rules were fixed and
never used to tune them, so its figures estimate how the linter does on code it has
not seen. Each program defines ``make()`` returning ``(model, loss, example_input,
example_target)``, a module-level ``EXPECTED`` set of rule codes (empty for a correct
program) and optionally ``CHECK_KWARGS`` (extra arguments of ``check``, e.g. ``lr``).

Run: ``python -m benchmarks.lint`` (or ``python benchmarks/lint.py``). Prints, for each
set, one row per rule (programs expecting it, found, recall, false positives) and the
totals: recall over expected findings, programs caught (every expected finding
reported), and false alarms (correct programs with any finding).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "lint_corpus"
HELDOUT = CORPUS / "heldout"


@dataclass
class ProgramResult:
    name: str
    expected: set[str]
    found: set[str]
    seconds: float
    error: str = ""

    @property
    def missed(self) -> set[str]:
        return self.expected - self.found

    @property
    def extra(self) -> set[str]:
        return self.found - self.expected


@dataclass
class CorpusResult:
    programs: list[ProgramResult] = field(default_factory=list)

    @property
    def buggy(self) -> list[ProgramResult]:
        return [p for p in self.programs if p.expected]

    @property
    def correct(self) -> list[ProgramResult]:
        return [p for p in self.programs if not p.expected]

    def recall(self) -> float:
        want = sum(len(p.expected) for p in self.programs)
        hit = sum(len(p.expected & p.found) for p in self.programs)
        return hit / want if want else 1.0

    def false_positive_rate(self) -> float:
        """Share of reported findings whose code the program does not expect."""
        total = sum(len(p.found) for p in self.programs)
        extra = sum(len(p.extra) for p in self.programs)
        return extra / total if total else 0.0

    def caught_rate(self) -> float:
        """Share of buggy programs with every expected finding reported."""
        bad = self.buggy
        return sum(1 for p in bad if not p.missed) / len(bad) if bad else 1.0

    def flagged_buggy_rate(self) -> float:
        """Share of buggy programs with at least one finding (right or not)."""
        bad = self.buggy
        return sum(1 for p in bad if p.found) / len(bad) if bad else 1.0

    def flagged_correct_rate(self) -> float:
        """Share of correct programs with at least one finding."""
        ok = self.correct
        return sum(1 for p in ok if p.found) / len(ok) if ok else 0.0

    def per_rule(self) -> dict[str, dict[str, int]]:
        rows: dict[str, Counter[str]] = {}
        for p in self.programs:
            for code in p.expected | p.found:
                c = rows.setdefault(code, Counter())
                c["expected"] += code in p.expected
                c["found"] += code in p.expected and code in p.found
                c["false_positives"] += code in p.found and code not in p.expected
        return {k: dict(v) for k, v in sorted(rows.items())}


def load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"lint_corpus_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_program(path: Path) -> ProgramResult:
    import torch

    from actloss.lint import check

    module = load(path)
    expected = set(module.EXPECTED)
    t0 = time.perf_counter()
    with torch.random.fork_rng(devices=[]):
        model, loss, x, y = module.make()
        try:
            findings = check(model, loss, x, y, **getattr(module, "CHECK_KWARGS", {}))
        except Exception as exc:  # a crash of the linter counts as nothing found
            return ProgramResult(path.stem, expected, set(), time.perf_counter() - t0,
                                 f"{type(exc).__name__}: {exc}")
    return ProgramResult(path.stem, expected, {f.code for f in findings},
                         time.perf_counter() - t0)


def evaluate(corpus: Path = CORPUS) -> CorpusResult:
    """Run the linter on every program of the corpus."""
    result = CorpusResult()
    for path in sorted(corpus.glob("*.py")):
        if path.name.startswith("_"):
            continue
        result.programs.append(run_program(path))
    return result


def render(result: CorpusResult, title: str = "corpus") -> str:
    lines = [f"== {title}",
             f"{'rule':<28} {'expected':>8} {'found':>6} {'recall':>7} {'false+':>7}"]
    for code, c in result.per_rule().items():
        exp = c.get("expected", 0)
        rec = f"{c.get('found', 0) / exp:.0%}" if exp else "-"
        lines.append(f"{code:<28} {exp:>8} {c.get('found', 0):>6} {rec:>7} "
                     f"{c.get('false_positives', 0):>7}")
    lines.append("")
    lines.append(f"programs: {len(result.buggy)} buggy, {len(result.correct)} correct")
    lines.append(f"recall (expected findings reported): {result.recall():.1%}")
    lines.append(f"buggy programs caught (every expected finding): {result.caught_rate():.1%}")
    lines.append(f"buggy programs with any finding: {result.flagged_buggy_rate():.1%}")
    lines.append(f"false positives (share of findings not expected): "
                 f"{result.false_positive_rate():.1%}")
    lines.append(f"false alarms (correct programs with any finding): "
                 f"{result.flagged_correct_rate():.1%}")
    secs = [p.seconds for p in result.programs] or [0.0]
    lines.append(f"time per program: mean {sum(secs) / len(secs) * 1e3:.0f} ms, "
                 f"max {max(secs) * 1e3:.0f} ms")
    for p in result.programs:
        if p.missed or p.extra or p.error:
            lines.append(f"  {p.name}: missed {sorted(p.missed)} extra {sorted(p.extra)} "
                         f"{p.error}")
    return "\n".join(lines)


def to_json(result: CorpusResult) -> dict[str, Any]:
    return {
        "recall": result.recall(),
        "caught_rate": result.caught_rate(),
        "flagged_buggy_rate": result.flagged_buggy_rate(),
        "buggy": len(result.buggy),
        "correct": len(result.correct),
        "false_positive_rate": result.false_positive_rate(),
        "flagged_correct_rate": result.flagged_correct_rate(),
        "per_rule": result.per_rule(),
        "programs": [{"name": p.name, "expected": sorted(p.expected), "found": sorted(p.found),
                      "seconds": p.seconds, "error": p.error} for p in result.programs],
    }


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    ap = argparse.ArgumentParser(prog="python -m benchmarks.lint", description=__doc__)
    ap.add_argument("--out", default=None, help="directory for lint.json and lint.md")
    ap.add_argument("--set", choices=("corpus", "heldout", "both"), default="both",
                    help="which program set to score (default: both)")
    args = ap.parse_args(argv)
    sets = {"corpus": CORPUS, "heldout": HELDOUT}
    chosen = list(sets) if args.set == "both" else [args.set]
    results = {name: evaluate(sets[name]) for name in chosen}
    text = "\n\n".join(render(r, f"{name} ({sets[name].relative_to(CORPUS.parent.parent)})")
                       for name, r in results.items())
    sys.stdout.write(text + "\n")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        data = {name: to_json(r) for name, r in results.items()}
        (out / "lint.json").write_text(json.dumps(data, indent=2))
        (out / "lint.md").write_text("```\n" + text + "\n```\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
