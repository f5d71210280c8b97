"""Every English text that reaches users has its Chinese twin, through one mechanism.

All bilingual text goes through :mod:`actloss._i18n`. This file enumerates the
project's user-facing English texts and checks each one's Chinese twin:

- the fixed texts: every :class:`~actloss._i18n.Words` table of every module
  (diagnostics and lint messages and fixes, report labels, settings, source titles and
  narrative, table-cell words, verdict words, advisor and command-line labels);
- the catalogs' metadata: every activation's and loss's summary, pros and cons;
- the experiments: titles, summaries, claims;
- the texts made where their numbers are known, read from the source: every
  ``tr(lang, en, zh)`` call, every call with ``name=`` / ``name_zh=`` keyword twins and
  every ``name`` / ``name_zh`` assignment pair (verdict reasons, table headers, notes,
  lint fixes): the Chinese holds Han characters and shows the same numbers (the same
  formatted expressions or ``str.format`` fields) as the English.

A twin is non-empty and holds Han characters; a text with no words besides its fields
(``'{detail}'``) or a name kept as Chinese texts write it (``relu``, ``q``) counts as
its own twin. The fields of a template are the same on both sides.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import actloss
from actloss import _i18n
from actloss._i18n import Text, fields, has_han, literal, registered, say, tr, twinned
from actloss.errors import ParameterError

SRC = Path(actloss.__file__).resolve().parent


def _import_all() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(SRC)], "actloss."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
        names.append(info.name)
    return names


MODULES = _import_all()
WORDS = sorted(registered(), key=lambda r: (r[0], r[1]))


# ------------------------------------------------------------------ the one mechanism


def test_no_other_mechanism_for_chinese_text():
    """No module picks a language by hand: ``lang == "zh"`` choices, Chinese-only
    tables and per-language dicts are gone; the language is chosen in _i18n."""
    banned = [re.compile(p) for p in (
        r"""lang\s*==\s*["']zh["']\s*(?:else|and)""",   # x if lang == "zh" else y
        r"""\bif\s+zh\s+else\b""",                         # zh = lang == "zh"; a if zh else b
        r"""\b[A-Z_]*_ZH\b\s*(?::[^=]+)?=\s*\{""",          # CELL_ZH = {...}, SETTING_ZH: dict
        r"""["']zh["']\s*:\s*\{""",                         # {"en": {...}, "zh": {...}}
        r"""_meta\s+import\s+[Bb]ilingual""",
    )]
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "_i18n.py" or "kernels" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in banned):
                found.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


def test_every_table_of_words_is_registered():
    owners = {o for o, _, _ in WORDS}
    assert {"diagnostics", "lint", "lab report", "lab settings", "lab cells", "lab verdicts",
            "lab narrative", "source titles", "actloss advise", "actloss lab run",
            "actloss show", "actloss show properties"} <= owners
    assert len(WORDS) >= 250


def _failures(check, cases) -> list[str]:
    """The messages of the cases that fail ``check`` (all of them, not just the first)."""
    out = []
    for case in cases:
        try:
            check(*case)
        except AssertionError as exc:
            out.append(str(exc).splitlines()[0])
    return out


def _fixed(owner: str, key: str, text: Text) -> None:
    assert text.en.strip(), f"{owner}:{key}: empty English"
    assert twinned(text), f"{owner}:{key}: no Chinese twin in {text.zh!r}"
    assert sorted(fields(text.en)) == sorted(fields(text.zh)), f"{owner}:{key}: fields differ"


def test_every_fixed_text_has_its_twin_and_the_same_fields():
    assert not _failures(_fixed, WORDS)
    assert _failures(_fixed, [("demo", "k", Text("{n} rows", "{m} 行"))]) == [
        "demo:k: fields differ"]  # the check itself can fail


# ------------------------------------------------------------------ catalog metadata


def _catalog() -> Iterator[tuple[str, Text]]:
    from actloss import activations, losses

    for catalog in (activations, losses):
        for name in catalog.names():
            spec = catalog.spec(name)
            yield f"{name}.summary", Text(spec.summary, spec.summary_zh)
            for part in ("pros", "cons"):
                both = getattr(spec, part)
                assert len(both.en) == len(both.zh), (name, part)
                for i, t in enumerate(both.texts()):
                    yield f"{name}.{part}[{i}]", t


CATALOG = list(_catalog())


def test_catalog_size():
    assert len(CATALOG) >= 600


def _catalog_text(where: str, text: Text) -> None:
    assert text.en.strip() and has_han(text.zh), f"{where}: {text!r}"


def test_every_catalog_text_has_its_twin():
    assert not _failures(_catalog_text, CATALOG)


# ------------------------------------------------------------------ experiments


def _experiments() -> Iterator[tuple[str, Text]]:
    from actloss.lab import experiments as E
    from actloss.lab.report import NARRATIVE, SETTINGS, SOURCES

    for name in E.names():
        exp = E.get(name)
        yield f"{name}.title", Text(exp.title, exp.title_zh)
        yield f"{name}.summary", Text(exp.summary, exp.summary_zh)
        yield f"{name}.narrative", NARRATIVE[name]
        for i, c in enumerate(exp.claims):
            yield f"{name}.source[{i}]", SOURCES[c.source]
        for s in exp.settings():
            yield f"{name}.setting.{s['name']}", SETTINGS[s["name"]]


EXPERIMENTS = list(_experiments())


def test_every_claim_quotes_its_source_and_translates_it():
    """A claim's ``zh`` is the source's own sentence (code, where the source shows code)
    and ``en`` its English."""
    from actloss.lab import experiments as E

    claims = [c for n in E.names() for c in E.get(n).claims]
    assert len(claims) >= 14
    for c in claims:
        assert c.zh.strip() and c.en.strip() and not has_han(c.en), c


def test_every_experiment_text_has_its_twin():
    assert not _failures(_catalog_text, EXPERIMENTS)


# ------------------------------------------------------------------ texts made in place


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level text constants (``_G_NOTE = "..."``): words, wherever they are shown."""
    out = {}
    for stmt in tree.body:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)):
            out[stmt.targets[0].id] = stmt.value.value
    return out


def _pieces(node: ast.AST, consts: dict[str, str]) -> tuple[str, list[str]] | None:
    """Words and formatted expressions of a str, f-string, concatenation or comprehension
    of them; None for anything else (a value read from data)."""
    if isinstance(node, ast.Constant) and (isinstance(node.value, str) or node.value is None):
        return node.value or "", []
    if isinstance(node, ast.JoinedStr):
        text, exprs = "", []
        for v in node.values:
            if isinstance(v, ast.Constant):
                text += str(v.value)
            elif isinstance(v, ast.FormattedValue):
                if isinstance(v.value, ast.Name) and v.value.id in consts:
                    text += consts[v.value.id]
                    continue
                inner = _pieces(v.value, consts) if isinstance(
                    v.value, (ast.GeneratorExp, ast.ListComp)) else None
                if inner is not None:
                    text, exprs = text + inner[0], exprs + inner[1]
                else:
                    exprs.append(_norm(v.value))
        return text, exprs
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pieces(node.left, consts), _pieces(node.right, consts)
        if left is None or right is None:
            return None
        return left[0] + right[0], left[1] + right[1]
    if isinstance(node, ast.IfExp):
        a, b = _pieces(node.body, consts), _pieces(node.orelse, consts)
        if a is None or b is None:
            return None
        return a[0] + b[0], a[1] + b[1]
    if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
        inner = _pieces(node.elt, consts)
        if inner is None:
            return None
        return inner[0], inner[1] + [_norm(g) for g in node.generators]
    if isinstance(node, ast.Call) and len(node.args) == 1 and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == "join")
            or (isinstance(node.func, ast.Name) and node.func.id in ("tuple", "list"))):
        # sep.join(parts) / tuple(...): the parts' texts, or the parts as one value
        inner = _pieces(node.args[0], consts)
        return inner if inner is not None else ("", [_norm(node.args[0])])
    return None


def _norm(node: ast.AST) -> str:
    """An expression as both languages show it: ``x_zh`` and ``x`` are the same value in
    its two languages, and so are ``cell(x, 'zh')``, ``_to_zh(x)`` and ``x``; a fallback word
    (``x or 'none'``) is a word, not a value."""
    if isinstance(node, ast.BoolOp):
        values = [_norm(v) for v in node.values
                  if not (isinstance(v, ast.Constant) and isinstance(v.value, str))]
        return " or ".join(dict.fromkeys(values))
    text = ast.unparse(node)
    text = re.sub(r"\bcell\((.*?), '(?:zh|en)'\)", r"\1", text)
    text = re.sub(r"^_to_zh\((.*)\)$", r"\1", text)  # a line and its Chinese wording
    text = re.sub(r"_(?:zh|ZH)\b", "", text)
    text = re.sub(r"\bzh_", "", text)
    text = text.replace("'zh'", "'en'").replace('"zh"', "'en'").replace('"en"', "'en'")
    return text


def _tuple(node: ast.AST) -> list[ast.AST] | None:
    if isinstance(node, ast.Tuple):
        return list(node.elts)
    return None


# positional twins: Table(title, title_zh, ...), Verdict(status, rule, rule_zh, because,
# because_zh)
_POSITIONAL = {"Table": ((0, 1),), "Verdict": ((1, 2), (3, 4))}


def _pairs() -> Iterator[tuple[str, ast.AST, ast.AST, dict[str, str]]]:
    """``(where, en, zh, constants)`` for every text pair written in the source."""
    for path in sorted(SRC.rglob("*.py")):
        rel = str(path.relative_to(SRC))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts = _constants(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id == "tr" and len(node.args) == 3:
                    yield f"{rel}:{node.lineno} tr", node.args[1], node.args[2], consts
                name = func.id if isinstance(func, ast.Name) else ""
                for i, j in _POSITIONAL.get(name, ()):
                    if len(node.args) > j:
                        yield f"{rel}:{node.lineno} {name}[{i}]", node.args[i], node.args[j], consts
                kw = {k.arg: k.value for k in node.keywords if k.arg}
                for name, zh in kw.items():
                    if name.endswith("_zh") and name[:-3] in kw:
                        yield f"{rel}:{node.lineno} {name[:-3]}=", kw[name[:-3]], zh, consts
            if isinstance(node, (ast.FunctionDef, ast.Module)):
                assigned: dict[str, ast.AST] = {}
                for stmt in ast.walk(node) if isinstance(node, ast.FunctionDef) else node.body:
                    if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                            and isinstance(stmt.targets[0], ast.Name)):
                        assigned[stmt.targets[0].id] = stmt.value
                if "en" in assigned and "zh" in assigned:
                    yield (f"{rel}:{assigned['zh'].lineno} en =", assigned["en"],
                           assigned["zh"], consts)
                for name, zh in assigned.items():
                    base = name[:-3] if name.endswith("_zh") else (
                        name[:-3] if name.endswith("_ZH") else None)
                    if base is not None and base in assigned:
                        yield f"{rel}:{zh.lineno} {base} =", assigned[base], zh, consts


def _expand(where: str, en: ast.AST, zh: ast.AST, consts: dict[str, str]
            ) -> Iterator[tuple[str, ast.AST, ast.AST, dict[str, str]]]:
    """Tuples of texts pair element by element (``columns`` / ``columns_zh``)."""
    a, b = _tuple(en), _tuple(zh)
    if a is not None and b is not None and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if isinstance(x, ast.Starred) and isinstance(y, ast.Starred):
                yield f"{where}[{i}]", x.value, y.value, consts
            else:
                yield f"{where}[{i}]", x, y, consts
        return
    yield where, en, zh, consts


PAIRS = [p for w, en, zh, c in _pairs() for p in _expand(w, en, zh, c)]
LITERAL = [(w, _pieces(en, c), _pieces(zh, c)) for w, en, zh, c in PAIRS
           if _pieces(en, c) is not None and _pieces(zh, c) is not None]
READS = [(w, _norm(en), _norm(zh), ast.unparse(en), ast.unparse(zh)) for w, en, zh, c in PAIRS
         if _pieces(en, c) is None or _pieces(zh, c) is None]


def test_pairs_found():
    assert len(LITERAL) >= 250 and len(READS) >= 30


def _made_in_place(where: str, en: tuple[str, list[str]], zh: tuple[str, list[str]]) -> None:
    (en_words, en_exprs), (zh_words, zh_exprs) = en, zh
    if not (en_words.strip() or en_exprs):  # no text on either side (detail="")
        assert not (zh_words.strip() or zh_exprs), f"{where}: Chinese without English"
        return
    if re.search("[A-Za-z]{2}", literal(en_words)) and en_words.strip() != zh_words.strip():
        assert has_han(zh_words), f"{where}: no Chinese in {zh_words!r}"
    assert sorted(set(en_exprs)) == sorted(set(zh_exprs)), (
        f"{where}: English shows {sorted(set(en_exprs))}, Chinese {sorted(set(zh_exprs))}")
    assert sorted(fields(en_words)) == sorted(fields(zh_words)), f"{where}: fields differ"


def test_every_text_made_in_place_has_its_twin_with_the_same_numbers():
    assert not _failures(_made_in_place, LITERAL)
    # the check itself can fail: a number shown in English only, a text left in English
    assert _failures(_made_in_place, [
        ("a", ("loss ", ["x"]), ("损失", [])), ("b", ("loss", []), ("loss!", []))]) == [
        "a: English shows ['x'], Chinese []", "b: no Chinese in 'loss!'"]


def _read(where: str, en: str, zh: str, raw_en: str, raw_zh: str) -> None:
    assert en == zh or {raw_en, raw_zh} == {"en", "zh"}, f"{where}: {raw_en} / {raw_zh}"


def test_every_text_read_from_data_reads_its_own_twin():
    """``tr(lang, t.title, t.title_zh)``: the Chinese read is the twin of the English."""
    assert not _failures(_read, READS)
    assert _failures(_read, [("w", "t.title", "t.summary", "t.title", "t.summary_zh")])


def test_count_of_checked_texts():
    total = len(WORDS) + len(CATALOG) + len(EXPERIMENTS) + len(LITERAL) + len(READS)
    assert total >= 1300, total


# ------------------------------------------------------------------ the lookup


def test_say_fills_fields_in_each_language():
    t = Text("loss {detail}: {ratio:.2f}", "损失{detail}:{ratio:.2f}")
    values = {"detail": "rose", "detail_zh": "上升", "ratio": 2 / 3}
    assert say(t, "en", values) == "loss rose: 0.67"
    assert say(t, "zh", values) == "损失上升:0.67"
    assert say(t, "en") == t.en  # no values: the text as written
    assert say(t, "en", {"detail": "x"}) == "loss x: ?"
    assert say(t, "zh", {"detail": "x", "ratio": None}, missing="n/a", lenient=True) == \
        "损失x:n/a"
    assert tr("zh", "a", "") == "a" and tr("zh", "a", "甲") == "甲"
    with pytest.raises(ValueError, match="Unknown format code"):
        say(t, "en", {"detail": "x", "ratio": "y"})


def test_a_table_without_twin_or_with_other_fields_is_refused():
    with pytest.raises(ParameterError, match=r"word 'x' of demo must have an English text "
                                             r"and a Chinese twin; got \('x \{n\}', 'x'\)"):
        _i18n.Words("demo", {"x": ("x {n}", "x")})
    with pytest.raises(ParameterError, match=r"word 'x' of demo must have the same fields in "
                                             r"English and Chinese"):
        _i18n.Words("demo", {"x": ("{n} rows", "{m} 行")})
