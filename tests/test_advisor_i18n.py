"""Every English text of the advisor and its command line has its Chinese twin.

Two checks: in the source, every ``tr(lang, en, zh)`` call of the advisor package and
of ``actloss advise`` pairs an English text with a Chinese one that shows the same
numbers (the same formatted expressions); at run time, the advice in both languages has
the same reasons and notes, the Chinese ones in Chinese.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import actloss.advisor as advisor_pkg
from actloss import advise
from actloss._i18n import Words, check_lang, has_han, tr
from actloss.advisor.text import LABELS
from actloss.errors import ParameterError

SRC = Path(advisor_pkg.__file__).resolve().parent
FILES = [*sorted(SRC.glob("*.py")), SRC.parent / "_cli" / "advise.py"]


def _pieces(node: ast.AST) -> tuple[str, list[str]] | None:
    """Literal text and formatted expressions of a str, f-string or concatenation."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, []
    if isinstance(node, ast.JoinedStr):
        text, exprs = "", []
        for v in node.values:
            if isinstance(v, ast.Constant):
                text += str(v.value)
            elif isinstance(v, ast.FormattedValue):
                exprs.append(ast.unparse(v.value))
        return text, exprs
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pieces(node.left), _pieces(node.right)
        if left is None or right is None:
            return None
        return left[0] + right[0], left[1] + right[1]
    if isinstance(node, ast.IfExp):  # "a" if cond else "b": both branches
        a, b = _pieces(node.body), _pieces(node.orelse)
        if a is None or b is None:
            return None
        return a[0] + b[0], a[1] + b[1]
    if isinstance(node, ast.Call):  # "".join(...) and the like: the arguments' expressions
        return "", [ast.unparse(node)]
    return None


def _tr_calls() -> list[tuple[str, int, ast.Call]]:
    out = []
    for path in FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "tr"):
                out.append((path.name, node.lineno, node))
    return out


CALLS = _tr_calls()


def test_the_advisor_uses_tr_everywhere():
    assert len(CALLS) >= 40  # every reason and note of the planners
    for path in FILES[:-1]:  # the package (the command line also renders `check`)
        text = path.read_text(encoding="utf-8")
        assert "_t(lang" not in text and 'lang == "zh"' not in text, path.name


@pytest.mark.parametrize(("where", "line", "call"), CALLS,
                         ids=[f"{w}:{n}" for w, n, _ in CALLS])
def test_every_english_text_has_a_chinese_twin_with_the_same_numbers(where, line, call):
    assert len(call.args) == 3
    en, zh = _pieces(call.args[1]), _pieces(call.args[2])
    assert en is not None and zh is not None, f"{where}:{line}: not a plain text"
    assert en[0].strip() and not has_han(en[0]), f"{where}:{line}: English text {en[0]!r}"
    assert has_han(zh[0]), f"{where}:{line}: no Chinese in {zh[0]!r}"
    assert sorted(set(en[1])) == sorted(set(zh[1])), (
        f"{where}:{line}: English shows {sorted(set(en[1]))}, Chinese {sorted(set(zh[1]))}")


def _scenarios():
    rng = np.random.default_rng(0)
    yield "binary", {"task": "binary", "imbalance": 0.05}
    yield "binary data", {"y": ["a"] * 30 + ["b"] * 5}
    yield "balanced", {"y": [0, 1] * 20}
    yield "multiclass", {"y": rng.integers(0, 4, 200)}
    yield "imbalanced multiclass", {"y": np.r_[np.zeros(100), np.ones(10), np.full(3, 2)]}
    yield "multilabel", {"y": (rng.random((50, 3)) < 0.3).astype(float)}
    yield "outliers", {"y": np.r_[rng.normal(size=200), [40.0, -50.0, 60.0, 45.0]],
                       "x": np.c_[rng.normal(size=204)]}
    yield "skewed", {"y": np.exp(12 + 0.6 * rng.normal(size=300))}
    yield "bounded", {"y": rng.random(100)}
    yield "diabetes-like", {"y": np.round(rng.gamma(4.0, 40.0, 300))}
    yield "counts", {"y": rng.poisson(3.0, 300)}
    yield "quantile", {"task": "quantile", "y": rng.normal(size=100)}
    for task in ("detection", "segmentation", "gan", "metric_learning", "rnn"):
        yield task, {"task": task}
    yield "scaled x", {"y": [0, 1] * 10, "x": np.c_[np.arange(20.0), np.ones(20)]}


@pytest.mark.parametrize(("name", "kwargs"), list(_scenarios()),
                         ids=[n for n, _ in _scenarios()])
def test_advice_reads_the_same_in_both_languages(name, kwargs):
    en, zh = advise(**kwargs, lang="en"), advise(**kwargs, lang="zh")
    assert (en.loss, en.loss_params, en.output_activation) == \
        (zh.loss, zh.loss_params, zh.output_activation)
    assert len(en.reasons) == len(zh.reasons) and len(en.notes) == len(zh.notes)
    for a, b in zip(en.reasons, zh.reasons, strict=True):
        assert not has_han(a.text), a.text
        assert has_han(b.text), b.text
        assert a.source == b.source
    for a, b in zip(en.notes, zh.notes, strict=True):
        assert not has_han(a) and has_han(b), (a, b)


def test_words_and_lang():
    assert LABELS("reasons", "zh") == "理由" and LABELS("reasons", "en") == "Reasons"
    assert tr("en", "a", "甲") == "a"
    with pytest.raises(ParameterError, match=r"word 'x' of demo must have an English text "
                                             r"and a Chinese twin; got \('x', 'x'\)"):
        Words("demo", {"x": ("x", "x")})
    with pytest.raises(ParameterError, match=r"`lang` of advise must be one of 'en', 'zh'; "
                                             r"got 'fr'"):
        check_lang("advise", "fr")
    with pytest.raises(ParameterError, match=r"`lang` of advise must be one of 'en', 'zh'"):
        advise("binary", lang="fr")
