"""The experiment framework: claims, configurations, results and verdicts.

An experiment is a function ``run(config) -> Result`` registered with a name, an English
and a Chinese title, the claim from the source material it tests (file, the Chinese
sentence and its English translation), a frozen configuration dataclass with full
defaults and ``quick`` overrides, a rule that turns the measured numbers into a
verdict, and ``figure(result) -> Figure``.

Statistics over seeds: an experiment states, with ``effect=Effect(...)``
(:class:`actloss.lab.stats.Effect`), the one number its claim is about, how to read it from
one run's ``metrics``, the smallest effect that counts and whether the check is
deterministic. :meth:`Experiment.combine` takes the runs of several seeds and returns one
:class:`Result` whose :class:`Verdict` carries the label decided by the effect's rule,
the number of seeds, the mean effect and its 95% interval. An experiment without an
``effect`` runs once: if its own verdict says it rests on several seeds (``Verdict(seeds=n,
effect=..., interval=...)``, from :func:`actloss.lab.stats.decide` over seeds it ran
itself), that verdict stands; otherwise it is reported as deterministic.

Configurations are validated in one place: every field may carry an interval or a set
of choices (:func:`setting`); ``--set key=value`` strings from the command line and
Python values go through the same checks and the one message format.
"""

from __future__ import annotations

import dataclasses
import math
import time
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import torch

from actloss._i18n import Words
from actloss._registry import close_matches
from actloss._validation import Interval, Param, check_param
from actloss.errors import ParameterError, UnknownNameError
from actloss.lab.stats import Effect, Summary, contrast, decide, group_overlapping, mean_interval

__all__ = [
    "VERDICTS",
    "Claim",
    "Effect",
    "Experiment",
    "Result",
    "Table",
    "Verdict",
    "make_config",
    "parse_sets",
    "setting",
]

Status = Literal["supported", "not supported", "inconclusive"]
# the verdicts' words (VERDICTS: their Chinese, by status)
VERDICT_WORDS = Words("lab verdicts", {
    "supported": ("supported", "支持"),
    "not supported": ("not supported", "不支持"),
    "inconclusive": ("inconclusive", "无定论"),
})
VERDICTS: dict[str, str] = {k: VERDICT_WORDS(k, "zh") for k in VERDICT_WORDS.texts}

INT_POS = Interval(1, math.inf, low_closed=True)
INT_NONNEG = Interval(0, math.inf, low_closed=True)


def setting(default: Any, *, interval: Interval | None = None,
            choices: tuple[str, ...] = (), doc: str = "") -> Any:
    """A configuration field with its valid values (read by :func:`make_config`)."""
    return field(default=default,
                 metadata={"interval": interval, "choices": choices, "doc": doc})


@dataclass(frozen=True)
class Claim:
    """A sentence of the source material that an experiment tests."""

    source: str  # file name in the source material
    zh: str  # the sentence, quoted
    en: str  # its English translation

    def to_json(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Verdict:
    """The outcome of a claim, computed from the measured numbers by a stated rule.

    One run's verdict (an experiment's ``judge``) fills the first five fields. The
    verdict over seeds (:meth:`Experiment.combine`) adds how many seeds it rests on, the
    mean ``effect`` and its 95% ``interval`` (None for one seed or a deterministic check),
    and ``deterministic`` for checks whose numbers do not depend on the seed.
    """

    status: Status
    rule: str
    rule_zh: str
    because: str = ""  # the numbers the decision rests on
    because_zh: str = ""
    seeds: int = 1
    effect: float | None = None
    interval: tuple[float, float] | None = None
    deterministic: bool = False
    effect_name: str = ""
    effect_name_zh: str = ""

    @property
    def status_zh(self) -> str:
        return VERDICT_WORDS(self.status, "zh")

    @property
    def label(self) -> Status:
        """The verdict's label (``status``, the name results.json uses)."""
        return self.status

    def to_json(self) -> dict[str, Any]:
        out = {**dataclasses.asdict(self), "status_zh": self.status_zh, "label": self.status}
        out["interval"] = list(self.interval) if self.interval is not None else None
        return _jsonable(out)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Verdict:
        names = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in data.items() if k in names}
        if kw.get("interval") is not None:
            kw["interval"] = tuple(kw["interval"])
        return cls(**kw)


# The words that experiments put in table cells and verdict texts, with their Chinese
# (names of functions, numbers and settings such as "lr=0.5" stay as they are).
CELLS = Words("lab cells", {
    "holds": ("holds", "成立"),
    "fails": ("fails", "不成立"),
    "unclear": ("unclear", "不明确"),
    "recommended": ("recommended", "推荐"),
    "mistake": ("mistake", "常见错误"),
    "binary": ("binary", "二分类"),
    "multi-class": ("multi-class", "多分类"),
    "multi-label": ("multi-label", "多标签"),
    "regression": ("regression", "回归"),
    "accuracy": ("accuracy", "准确率"),
    "double softmax": ("double softmax", "两次 softmax"),
    "linear + MSE": ("linear + MSE", "线性 + MSE"),
    "ReLU head + MSE": ("ReLU head + MSE", "ReLU 输出层 + MSE"),
    "softmax + cross-entropy": ("softmax + cross-entropy", "softmax + 交叉熵"),
    "least squares": ("least squares", "最小二乘"),
    "minimax": ("minimax", "极小极大"),
    "linear rule y = [x . v > 0]": ("linear rule y = [x . v > 0]", "线性规则 y = [x · v > 0]"),
    "random (torch.randint, as in the source)": (
        "random (torch.randint, as in the source)", "随机标签（torch.randint，与原文相同）"),
})


def cell(text: str, lang: str) -> str:
    """``text`` in ``lang`` where :data:`CELLS` has it, else unchanged.

    >>> cell("mistake", "zh"), cell("relu", "zh"), cell("mistake", "en")
    ('常见错误', 'relu', 'mistake')
    """
    return CELLS.get(text, lang, text)


def _check_zh(field: str, owner: str, en: Sequence[str], zh: Sequence[str], one: str,
              per: str) -> None:
    """A Chinese twin (``zh``) is empty (fall back to English) or pairs with ``en``."""
    if zh and len(zh) != len(en):
        raise ParameterError(
            f"`{field}` of {owner} must have one {one} per {per} ({len(en)}); got "
            f"{len(zh)}: {tuple(zh)!r}"
        )


@dataclass(frozen=True)
class Table:
    """A table of measured numbers, rendered by the report and the command line.

    ``columns_zh`` holds the Chinese column headers, one per entry of ``columns``
    (empty: the Chinese report falls back to ``columns``).

    >>> t = Table("Loss", "损失", ("epoch", "loss"), ((1, 0.5),), columns_zh=("轮次", "损失"))
    >>> t.to_json()["columns_zh"]
    ['轮次', '损失']
    >>> Table("Loss", "损失", ("epoch", "loss"), (), columns_zh=("轮次",))
    Traceback (most recent call last):
    ...
    actloss.errors.ParameterError: `columns_zh` of table 'Loss' must have one header per ...
    """

    title: str
    title_zh: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    columns_zh: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_zh("columns_zh", f"table {self.title!r}", self.columns, self.columns_zh,
                  "header", "column")

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "title_zh": self.title_zh,
                "columns": list(self.columns), "columns_zh": list(self.columns_zh),
                "rows": [list(r) for r in self.rows]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Table:
        return cls(data["title"], data["title_zh"], tuple(data["columns"]),
                   tuple(tuple(r) for r in data["rows"]), tuple(data.get("columns_zh", ())))


@dataclass(frozen=True)
class Result:
    """What one run of an experiment measured.

    ``metrics`` holds the measured numbers (JSON-ready: numbers, strings, lists and
    dicts of them); ``findings`` the diagnostics monitor's findings as dicts.
    ``notes_zh`` holds the Chinese of ``notes``, one per note (empty: the Chinese
    report shows ``notes``).
    """

    name: str
    config: Mapping[str, Any]
    metrics: Mapping[str, Any]
    tables: tuple[Table, ...]
    verdict: Verdict
    findings: tuple[Mapping[str, Any], ...] = ()
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    notes_zh: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_zh("notes_zh", f"result {self.name!r}", self.notes, self.notes_zh,
                  "Chinese note", "note")

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "config": _jsonable(dict(self.config)),
            "metrics": _jsonable(dict(self.metrics)),
            "tables": [t.to_json() for t in self.tables],
            "verdict": self.verdict.to_json(),
            "findings": [_jsonable(dict(f)) for f in self.findings],
            "notes": list(self.notes),
            "notes_zh": list(self.notes_zh),
            "seconds": self.seconds,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Result:
        """The result back from :meth:`to_json` (a sweep's trial record)."""
        return cls(data["name"], data["config"], data["metrics"],
                   tuple(Table.from_json(t) for t in data["tables"]),
                   Verdict.from_json(data["verdict"]), tuple(data.get("findings", ())),
                   tuple(data.get("notes", ())), float(data.get("seconds", 0.0)),
                   tuple(data.get("notes_zh", ())))


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, torch.Tensor):
        return _jsonable(value.tolist())
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "to_json"):
        return value.to_json()
    return value


@dataclass(frozen=True)
class Experiment:
    """One registered experiment."""

    name: str
    title: str
    title_zh: str
    claims: tuple[Claim, ...]
    config_cls: type
    quick: Mapping[str, Any]
    body: Callable[[Any], Result]
    figure: Callable[[Result], Any]
    summary: str = ""
    summary_zh: str = ""
    needs: tuple[str, ...] = field(default=())  # catalog parts or lab modules used
    effect: Effect | None = None  # the number the claim is about and its rule over seeds

    def config(self, *, quick: bool = False, seed: int | None = None,
               overrides: Mapping[str, Any] | None = None) -> Any:
        """The configuration: full defaults, ``quick`` overrides, then ``overrides``."""
        return make_config(self, quick=quick, seed=seed, overrides=overrides)

    def run(self, config: Any = None) -> Result:
        """Run with ``config`` (default: the full configuration) and time it."""
        if config is None:
            config = self.config()
        if not isinstance(config, self.config_cls):
            raise ParameterError(
                f"config of experiment {self.name} must be a {self.config_cls.__name__}; "
                f"got {type(config).__name__}"
            )
        torch.manual_seed(config.seed)
        threads = torch.get_num_threads()
        # The lab's models are small: one thread is fastest and avoids contention.
        torch.set_num_threads(1)
        start = time.perf_counter()
        try:
            result = self.body(config)
        finally:
            torch.set_num_threads(threads)
        return dataclasses.replace(result, seconds=round(time.perf_counter() - start, 3))

    @property
    def deterministic(self) -> bool:
        """Whether one run decides (the numbers do not depend on the seed)."""
        return self.effect is None or self.effect.deterministic

    def effect_value(self, result: Result) -> float | None:
        """The effect measured by one run (None without an effect or for a ranking
        contrast, which needs every seed)."""
        eff = self.effect
        if eff is None or (eff.ranking is not None and eff.reference is not None):
            return None
        return float(eff.measure(result.metrics))

    def combine(self, results: Sequence[Result]) -> Result:
        """One result from the runs of several seeds, with the verdict over seeds.

        Tables, notes and figure data are the first seed's; ``metrics['seeds']`` holds
        every seed's effect, and the verdict follows the effect's rule
        (:func:`actloss.lab.stats.decide`). Deterministic checks (and experiments without
        a stated effect) keep the first run's own verdict and say so.
        """
        if not results:
            raise ParameterError(f"combine of experiment {self.name} needs at least one result")
        runs = sorted(results, key=lambda r: int(r.config.get("seed", 0)))
        first = runs[0]
        eff = self.effect
        seeds = [int(r.config.get("seed", 0)) for r in runs]
        if eff is None and first.verdict.seeds > 1:
            # the experiment ran its seeds inside one run and stated its own statistics
            return first
        if eff is None or eff.deterministic:
            value = self.effect_value(first)
            rule, rule_zh = eff.rule() if eff is not None else (
                "deterministic: one run decides", "确定性检验：一次运行即可判定")
            v = dataclasses.replace(
                first.verdict, seeds=1, effect=value, interval=None, deterministic=True,
                rule=f"{rule}. {first.verdict.rule}", rule_zh=f"{rule_zh}。{first.verdict.rule_zh}",
                effect_name=eff.name if eff else "", effect_name_zh=eff.name_zh if eff else "")
            return dataclasses.replace(first, verdict=v)
        tables = list(first.tables)
        metrics = dict(first.metrics)
        if eff.ranking is not None:
            rankings = [dict(eff.ranking(r.metrics)) for r in runs]
            if any(set(r) != set(rankings[0]) for r in rankings):
                raise ParameterError(
                    f"combine of experiment {self.name}: every seed's ranking must score the "
                    f"same entries; got {[sorted(r) for r in rankings]!r}")
            if eff.reference is not None:
                values, best = contrast(rankings, eff.reference)
                metrics["best_other"] = best
            else:
                values = [float(eff.measure(r.metrics)) for r in runs]
            summaries = {k: mean_interval([r[k] for r in rankings]) for k in rankings[0]}
            groups = group_overlapping(summaries)
            rows = []
            for gi, group in enumerate(groups, 1):
                for k in group:
                    s = summaries[k]
                    rows.append((k, round(s.mean, 4), _interval_text(s), gi))
            tables.insert(0, Table(
                f"Ranking over {len(runs)} seeds: mean, 95% interval, and groups of entries "
                "whose intervals overlap the group's leader",
                f"{len(runs)} 个随机种子上的排名：均值、95% 区间，以及区间与组首重叠的条目分组",
                ("entry", "mean", "95% interval", "group"), tuple(rows),
                columns_zh=("条目", "均值", "95% 区间", "组")))
            metrics["ranking"] = {k: s.to_json() for k, s in summaries.items()}
            metrics["groups"] = groups
        else:
            values = [float(eff.measure(r.metrics)) for r in runs]
        label, s = decide(eff, values)
        metrics["seeds"] = {"seeds": seeds, "effects": values, "summary": s.to_json()}
        tables.append(Table(f"{eff.name}, per seed", f"{eff.name_zh}（各随机种子）",
                            ("seed", "effect"), tuple((sd, round(x, 6))
                                                      for sd, x in zip(seeds, values)),
                            columns_zh=("随机种子", "效应")))
        iv = _interval_text(s)
        rule, rule_zh = eff.rule()
        because = (f"{eff.name}: mean {s.mean:.4g}, 95% interval {iv} over {s.n} seeds. "
                   f"Seed {seeds[0]}: {first.verdict.because}")
        because_zh = (f"{eff.name_zh}：均值 {s.mean:.4g}，{s.n} 个随机种子上的 95% 区间 {iv}。"
                      f"随机种子 {seeds[0]}：{first.verdict.because_zh or first.verdict.because}")
        v = Verdict(label, rule, rule_zh, because, because_zh, seeds=s.n, effect=s.mean,
                    interval=s.interval, deterministic=False, effect_name=eff.name,
                    effect_name_zh=eff.name_zh)
        return dataclasses.replace(first, metrics=metrics, tables=tuple(tables), verdict=v,
                                   seconds=round(sum(r.seconds for r in runs), 3))

    def settings(self) -> list[dict[str, Any]]:
        """Every setting: name, type, full default, quick value and valid values."""
        hints = typing.get_type_hints(self.config_cls)
        out = []
        for f in dataclasses.fields(self.config_cls):
            p = _param(self.name, f, hints[f.name])
            out.append({"name": f.name, "type": _type_name(hints[f.name]),
                        "default": f.default, "quick": self.quick.get(f.name, f.default),
                        "valid": p.describe(), "doc": f.metadata.get("doc", "")})
        return out

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "title_zh": self.title_zh,
                "summary": self.summary, "summary_zh": self.summary_zh,
                "claims": [c.to_json() for c in self.claims],
                "settings": _jsonable(self.settings())}


def _interval_text(s: Summary) -> str:
    return "-" if s.interval is None else f"[{s.interval[0]:.4g}, {s.interval[1]:.4g}]"


def _type_name(tp: Any) -> str:
    if typing.get_origin(tp) is tuple:
        (inner, *_rest) = typing.get_args(tp)
        return f"list of {inner.__name__}"
    return tp.__name__


def _param(owner: str, f: dataclasses.Field, tp: Any) -> Param:
    base = typing.get_args(tp)[0] if typing.get_origin(tp) is tuple else tp
    interval = f.metadata.get("interval") or Interval()
    choices = tuple(f.metadata.get("choices") or ())
    if base is str and not choices:
        # a free string: any non-empty string is valid
        return Param(f.name, f.default, str, choices=())
    return Param(f.name, f.default, base, interval, choices)


def _convert_scalar(owner: str, p: Param, raw: Any) -> Any:
    """Convert one command-line string to ``p.kind``; pass other values through."""
    if not isinstance(raw, str) or p.kind is str:
        return raw
    text = raw.strip()
    try:
        if p.kind is bool:
            low = text.lower()
            if low in ("true", "1", "yes", "on"):
                return True
            if low in ("false", "0", "no", "off"):
                return False
            raise ValueError(text)
        if p.kind is int:
            return int(text)
        return float(text)
    except ValueError:
        raise ParameterError(
            f"`{p.name}` of {owner} must be {p.describe()}; got {raw!r}"
        ) from None


def _check_value(owner: str, p: Param, tp: Any, raw: Any) -> Any:
    is_tuple = typing.get_origin(tp) is tuple
    if is_tuple:
        items: Sequence[Any]
        if isinstance(raw, str):
            items = [s for s in (t.strip() for t in raw.split(",")) if s]
        elif isinstance(raw, (list, tuple)):
            items = list(raw)
        else:
            raise ParameterError(
                f"`{p.name}` of {owner} must be a comma-separated list of "
                f"{p.describe().replace('a ', '', 1)}; got {raw!r}"
            )
        if not items:
            raise ParameterError(f"`{p.name}` of {owner} must not be empty; got {raw!r}")
        return tuple(_check_value(owner, p, p.kind, item) for item in items)
    value = _convert_scalar(owner, p, raw)
    if p.kind is str and not p.choices:
        if not isinstance(value, str) or not value.strip():
            raise ParameterError(f"`{p.name}` of {owner} must be a non-empty str; got {raw!r}")
        return value
    return check_param(owner, p, value)


def make_config(experiment: Experiment, *, quick: bool = False, seed: int | None = None,
                overrides: Mapping[str, Any] | None = None) -> Any:
    """Build and validate the configuration of ``experiment``.

    Values in ``overrides`` may be strings (from ``--set key=value``; lists are
    comma-separated) or Python values. Unknown keys raise
    :class:`~actloss.errors.ParameterError` naming the closest settings.
    """
    owner = f"experiment {experiment.name}"
    cls = experiment.config_cls
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    given: dict[str, Any] = dict(experiment.quick) if quick else {}
    for key, value in (overrides or {}).items():
        if key not in fields:
            close = close_matches(key, list(fields), n=3, cutoff=0.5)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ParameterError(
                f"{owner} has no setting `{key}` (its settings: {', '.join(fields)}){hint}"
            )
        given[key] = value
    if seed is not None:
        given["seed"] = seed
    values = {}
    for name, f in fields.items():
        p = _param(owner, f, hints[name])
        values[name] = _check_value(owner, p, hints[name], given.get(name, f.default))
    return cls(**values)


def parse_sets(items: Sequence[str]) -> dict[str, str]:
    """Parse ``key=value`` strings (the ``--set`` option) into a dict.

    >>> parse_sets(["epochs=3", "activations=relu,gelu"])
    {'epochs': '3', 'activations': 'relu,gelu'}
    >>> parse_sets(["epochs"])
    Traceback (most recent call last):
    ...
    actloss.errors.ParameterError: `--set` must be key=value; got 'epochs'
    """
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"`--set` must be key=value; got {item!r}")
        out[key.strip()] = value.strip()
    return out


class ExperimentRegistry:
    """Experiments by name (case-insensitive; ``_`` and ``-`` are the same)."""

    def __init__(self) -> None:
        self._items: dict[str, Experiment] = {}

    def add(self, exp: Experiment) -> Experiment:
        if exp.name in self._items:
            raise RuntimeError(f"experiment {exp.name!r} is registered twice")
        self._items[exp.name] = exp
        return exp

    def names(self) -> list[str]:
        return list(self._items)

    def get(self, name: str) -> Experiment:
        if not isinstance(name, str):
            raise UnknownNameError(f"experiment name must be a str; got {type(name).__name__}",
                                   name=repr(name))
        key = name.strip().lower().replace("_", "-").replace(" ", "-")
        if key in self._items:
            return self._items[key]
        close = tuple(close_matches(key, list(self._items), n=3, cutoff=0.5))
        hint = ("; did you mean " + " or ".join(repr(c) for c in close) + "?") if close else (
            "; see `actloss lab list`")
        raise UnknownNameError(f"unknown experiment {name!r}{hint}", name=name,
                               suggestions=close)

    def __iter__(self) -> typing.Iterator[Experiment]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)


REGISTRY = ExperimentRegistry()
