"""Advice checked by experiment: the advisor's choice against the main alternatives.

The advisor (:func:`actloss.advise`) is run on the training split of data sets it was
not written against: scikit-learn's bundled sets (breast cancer, digits, diabetes) and
generated sets for an imbalanced binary task (2.7 % positives), multi-label targets,
regression with outliers, skewed positive prices, counts and a quantile need. Its
choice (output activation, loss with its parameters, target transform) and the main
alternatives for the task are each trained as the same small MLP over several seeds
(each seed: a new train/test split and a new initialisation). Every data set is scored
on the held-out split by the metric of its task, and each candidate gets a mean and a
95 % t-interval over the seeds.

Rule, stated before the numbers: on a data set the choice *holds* when it is the best
candidate or its mean lies inside the best candidate's 95 % interval; it *fails* when
its interval and the best's interval do not overlap; otherwise the data set is
*unclear*. Verdict: supported when the choice holds on every data set, not supported
when it fails on any, inconclusive otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from actloss._validation import POSITIVE
from actloss.lab.experiments._base import (
    INT_POS,
    REGISTRY,
    Claim,
    Experiment,
    Result,
    Table,
    Verdict,
    cell,
    setting,
)
from actloss.lab.experiments._common import BaseConfig, new_figure
from actloss.lab.stats import mean_interval

__all__ = ["DATASETS", "Candidate", "Config", "figure", "judge", "run", "t_interval"]

CONFIDENCE = 0.95
OUTCOMES = ("holds", "fails", "unclear")  # per data set; CELLS has their Chinese
TEST_SHARE = 0.3  # held-out share of every split


def t_interval(values: Any, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Mean and two-sided Student-t interval of ``values`` (one value per seed), through
    :func:`actloss.lab.stats.mean_interval`.

    One value gives the interval ``(mean, mean)`` widened to nothing (no spread known).

    >>> m, lo, hi = t_interval([1.0, 2.0, 3.0])
    >>> round(m, 3), round(lo, 3), round(hi, 3)
    (2.0, -0.484, 4.484)
    """
    s = mean_interval([float(v) for v in np.asarray(values, dtype=np.float64).ravel()],
                      confidence)
    lo, hi = s.interval if s.interval is not None else (s.mean, s.mean)
    return s.mean, lo, hi


@dataclass(frozen=True)
class Config(BaseConfig):
    seeds: int = setting(5, interval=INT_POS, doc="seeds (train/test split and init)")
    steps: int = setting(100, interval=INT_POS, doc="full-batch Adam steps")
    hidden: int = setting(16, interval=INT_POS, doc="hidden width of the MLP")
    lr: float = setting(0.01, interval=POSITIVE, doc="learning rate")


QUICK = {"seeds": 2, "steps": 50}


# ----------------------------------------------------------------------- candidates
@dataclass(frozen=True)
class Candidate:
    """One way to train: a loss with parameters, the model's output head, a transform.

    ``output`` is the activation inside the model (``identity`` when the loss takes
    logits); ``transform`` is applied to the targets before training and inverted on
    the predictions (``None``, ``'standardize'``, ``'log'`` or ``'log1p'``).
    """

    label: str
    loss: str
    params: dict[str, Any] = field(default_factory=dict)
    output: str = "identity"
    transform: str | None = None

    def key(self) -> tuple[Any, ...]:
        return (self.loss, tuple(sorted((k, repr(v)) for k, v in self.params.items())),
                self.output, self.transform)


def from_advice(advice: Any) -> Candidate:
    """The advisor's recommendation as a candidate (trained exactly as advised)."""
    output = "identity" if advice.output_in_loss else advice.output_activation
    params = {k: v for k, v in advice.loss_params.items()}
    return Candidate("advisor", advice.loss, params, output,
                     getattr(advice, "target_transform", None))


@dataclass(frozen=True)
class DataSet:
    """A data set of the check: how to build it, its metric, and the alternatives."""

    name: str
    task: str  # binary, multiclass, multilabel, regression, count, quantile
    build: Callable[[np.random.Generator], tuple[np.ndarray, np.ndarray]]
    metric: str  # name shown in the table
    higher_is_better: bool
    alternatives: Callable[[np.ndarray, np.ndarray], tuple[Candidate, ...]]
    advise_kwargs: dict[str, Any] = field(default_factory=dict)
    about: str = ""


def _breast_cancer(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_breast_cancer

    b = load_breast_cancer()
    return b.data, b.target.astype(np.int64)


def _digits(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    b = load_digits()
    return b.data, b.target.astype(np.int64)


def _diabetes(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_diabetes

    b = load_diabetes()
    return b.data, b.target.astype(np.float64)  # integer-valued floats, 25 .. 346


def _imbalanced(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_classification

    x, y = make_classification(n_samples=3000, n_features=20, n_informative=6,
                               n_redundant=2, weights=[0.973], flip_y=0.0, class_sep=0.8,
                               random_state=7)
    return x, y.astype(np.int64)


def _multilabel(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_multilabel_classification

    x, y = make_multilabel_classification(n_samples=1200, n_features=20, n_classes=5,
                                          n_labels=2, random_state=7)
    return x.astype(np.float64), y.astype(np.float64)


def _outliers(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    g = np.random.default_rng(11)
    x = g.normal(size=(800, 8))
    w = g.normal(size=8)
    y = x @ w + g.normal(scale=0.5, size=800)
    return x, y


def _prices(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    g = np.random.default_rng(12)
    x = g.normal(size=(800, 8))
    w = g.normal(size=8)
    w *= 0.5 / np.linalg.norm(w)
    y = np.exp(12.0 + x @ w + g.normal(scale=0.3, size=800))  # median about 1.6e5
    return x, y


def _counts(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    g = np.random.default_rng(13)
    x = g.normal(size=(1000, 8))
    w = g.normal(size=8)
    w *= 0.8 / np.linalg.norm(w)
    y = g.poisson(np.exp(0.8 + x @ w)).astype(np.int64)
    return x, y


def _heteroscedastic(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    g = np.random.default_rng(14)
    x = g.normal(size=(1000, 6))
    w = g.normal(size=6)
    y = x @ w + (0.3 + np.abs(x[:, 0])) * g.normal(size=1000)
    return x, y


def _pos_weight(y: np.ndarray) -> float:
    pos = float(np.mean(y))
    return round((1 - pos) / pos, 4)


def _binary_alts(x: np.ndarray, y: np.ndarray) -> tuple[Candidate, ...]:
    return (Candidate("bce", "binary_cross_entropy_with_logits"),
            Candidate("bce pos_weight", "binary_cross_entropy_with_logits",
                      {"pos_weight": _pos_weight(y)}),
            Candidate("focal a=0.25 g=2", "binary_focal", {"alpha": 0.25, "gamma": 2.0}))


def _multiclass_alts(x: np.ndarray, y: np.ndarray) -> tuple[Candidate, ...]:
    return (Candidate("cross-entropy", "cross_entropy"),
            Candidate("focal g=2", "categorical_focal", {"gamma": 2.0}),
            Candidate("cross-entropy smooth 0.1", "cross_entropy", {"label_smoothing": 0.1}))


def _multilabel_alts(x: np.ndarray, y: np.ndarray) -> tuple[Candidate, ...]:
    pos = y.mean(axis=0)
    return (Candidate("bce", "binary_cross_entropy_with_logits"),
            Candidate("bce pos_weight", "binary_cross_entropy_with_logits",
                      {"pos_weight": [round(float((1 - p) / p), 4) for p in pos]}),
            Candidate("asymmetric", "asymmetric"))


def _robust_sigma(y: np.ndarray) -> float:
    return 1.4826 * float(np.median(np.abs(y - np.median(y))))


def _regression_alts(x: np.ndarray, y: np.ndarray) -> tuple[Candidate, ...]:
    return (Candidate("mse", "mse"),
            Candidate("huber 1.345 sigma", "huber",
                      {"delta": round(1.345 * _robust_sigma(y), 6)}),
            Candidate("l1", "l1"))


def _price_alts(x: np.ndarray, y: np.ndarray) -> tuple[Candidate, ...]:
    return (Candidate("mse standardised", "mse", transform="standardize"),
            Candidate("huber standardised", "huber", {"delta": 1.345},
                      transform="standardize"),
            Candidate("mse on log y", "mse", transform="log"))


def _count_alts(x: np.ndarray, y: np.ndarray) -> tuple[Candidate, ...]:
    return (Candidate("poisson", "poisson_nll", {"log_input": True}),
            Candidate("mse", "mse"),
            Candidate("mse softplus", "mse", output="softplus"))


def _diabetes_alts(x: np.ndarray, y: np.ndarray) -> tuple[Candidate, ...]:
    return (*_regression_alts(x, y), Candidate("poisson", "poisson_nll", {"log_input": True}))


def _quantile_alts(x: np.ndarray, y: np.ndarray) -> tuple[Candidate, ...]:
    return (Candidate("pinball q=0.9", "quantile", {"q": 0.9}),
            Candidate("mse", "mse"),
            Candidate("huber 1.345 sigma", "huber",
                      {"delta": round(1.345 * _robust_sigma(y), 6)}))


DATASETS: tuple[DataSet, ...] = (
    DataSet("breast-cancer", "binary", _breast_cancer, "average precision", True,
            _binary_alts, about="sklearn bundled; 37 % malignant"),
    DataSet("imbalanced-2.7%", "binary", _imbalanced, "average precision", True,
            _binary_alts, about="make_classification, 2.7 % positives"),
    DataSet("digits", "multiclass", _digits, "accuracy", True, _multiclass_alts,
            about="sklearn bundled; 10 classes"),
    DataSet("multilabel-5", "multilabel", _multilabel, "macro average precision", True,
            _multilabel_alts, about="make_multilabel_classification, 5 labels"),
    DataSet("outliers-8%", "regression", _outliers, "RMSE (clean test)", False,
            _regression_alts, about="linear + noise; 8 % of training targets corrupted"),
    DataSet("prices-lognormal", "regression", _prices, "RMSLE", False, _price_alts,
            about="lognormal prices, median about 1.6e5"),
    DataSet("counts-poisson", "count", _counts, "Poisson deviance", False, _count_alts,
            about="Poisson counts (integer dtype), mean about 3"),
    DataSet("quantile-0.9", "quantile", _heteroscedastic, "pinball loss q=0.9", False,
            _quantile_alts, advise_kwargs={"task": "quantile", "quantiles": [0.9]},
            about="heteroscedastic noise; the 0.9 quantile is wanted"),
    DataSet("diabetes", "regression", _diabetes, "RMSE", False, _diabetes_alts,
            about="sklearn bundled; integer-valued float target"),
)


# -------------------------------------------------------------------------- training
def _split(n: int, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    perm = np.random.default_rng(seed).permutation(n)
    n_test = max(1, round(test_size * n))
    return perm[n_test:], perm[:n_test]


def _corrupt(y: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    g = np.random.default_rng(seed + 1000)
    y = y.copy()
    idx = g.choice(y.shape[0], size=round(fraction * y.shape[0]), replace=False)
    y[idx] += g.choice([-1.0, 1.0], size=idx.size) * g.uniform(10, 20, idx.size) * y.std()
    return y


def _forward_transform(kind: str | None, y: np.ndarray,
                       ) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    if kind is None:
        return y, lambda p: p
    if kind == "log":
        return np.log(y), np.exp
    if kind == "log1p":
        return np.log1p(y), np.expm1
    if kind == "standardize":
        m, s = float(y.mean()), float(y.std()) or 1.0
        return (y - m) / s, lambda p: p * s + m
    raise ValueError(kind)  # pragma: no cover - candidates are built here


def _tensor_params(params: dict[str, Any]) -> dict[str, Any]:
    return {k: torch.tensor(v, dtype=torch.float32) if isinstance(v, list) else v
            for k, v in params.items()}


def _start(cand: Candidate, y_fit: np.ndarray) -> float:
    """The output bias that makes the model predict the mean of ``y_fit``."""
    m = float(np.mean(y_fit))
    if cand.loss == "poisson_nll" and cand.params.get("log_input", True):
        return math.log(max(m, 1e-6))
    if cand.output == "softplus":
        return math.log(math.expm1(max(m, 1e-6)))
    if cand.output == "sigmoid":
        p = min(max(m, 1e-6), 1 - 1e-6)
        return math.log(p / (1 - p))
    return m


def _metric(ds: DataSet, y: np.ndarray, pred: np.ndarray) -> float:
    from sklearn import metrics

    if ds.task == "binary":
        return float(metrics.average_precision_score(y, pred))
    if ds.task == "multiclass":
        return float(np.mean(pred == y))
    if ds.task == "multilabel":
        return float(metrics.average_precision_score(y, pred, average="macro"))
    if ds.metric == "RMSLE":
        return float(np.sqrt(np.mean((np.log1p(np.maximum(pred, 0)) - np.log1p(y)) ** 2)))
    if ds.task == "count":
        return float(metrics.mean_poisson_deviance(y, np.maximum(pred, 1e-6)))
    if ds.task == "quantile":
        return float(metrics.mean_pinball_loss(y, pred, alpha=0.9))
    return float(np.sqrt(np.mean((pred - y) ** 2)))


def _train_one(ds: DataSet, cand: Candidate, x_tr: np.ndarray, y_tr: np.ndarray,
               x_te: np.ndarray, y_te: np.ndarray, cfg: Config, seed: int) -> float:
    from actloss import activations, losses

    spec = losses.spec(cand.loss)
    width = 1
    if ds.task == "multiclass":
        width = int(max(y_tr.max(), y_te.max())) + 1
    elif ds.task == "multilabel":
        width = y_tr.shape[1]
    torch.manual_seed(seed)
    layers: list[nn.Module] = [nn.Linear(x_tr.shape[1], cfg.hidden), nn.ReLU(),
                               nn.Linear(cfg.hidden, cfg.hidden), nn.ReLU(),
                               nn.Linear(cfg.hidden, width)]
    model = nn.Sequential(*layers)
    out_act = activations.get(cand.output) if cand.output != "identity" else None
    y_fit, inverse = _forward_transform(cand.transform, y_tr.astype(np.float64))
    xt = torch.as_tensor(x_tr, dtype=torch.float32)
    if ds.task == "multiclass":
        yt = torch.as_tensor(y_tr, dtype=torch.long)
    else:
        yt = torch.as_tensor(y_fit, dtype=torch.float32).reshape(len(y_fit), -1)
    if ds.task in ("regression", "count", "quantile"):
        # every candidate starts at the target's mean on its own scale (a constant
        # predictor), so that no candidate spends its steps just reaching the scale
        with torch.no_grad():
            model[-1].bias.fill_(_start(cand, y_fit))
    loss_fn = losses.get(cand.loss, **_tensor_params(cand.params))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for _ in range(cfg.steps):
        opt.zero_grad(set_to_none=True)
        out = model(xt)
        if out_act is not None:
            out = out_act(out)
        loss = loss_fn(out, yt)
        loss.backward()
        opt.step()
    with torch.no_grad():
        out = model(torch.as_tensor(x_te, dtype=torch.float32))
        if out_act is not None:
            out = out_act(out)
        if ds.task == "multiclass":
            pred = out.argmax(1).numpy()
        elif spec.input_kind == "logits":
            pred = torch.sigmoid(out).numpy()
            pred = pred[:, 0] if ds.task == "binary" else pred
        elif cand.loss == "poisson_nll" and cand.params.get("log_input", True):
            pred = inverse(torch.exp(out.clamp(max=30)).numpy()[:, 0].astype(np.float64))
        else:
            pred = inverse(out.numpy()[:, 0].astype(np.float64))
    if not np.all(np.isfinite(pred)):
        pred = np.nan_to_num(pred, nan=0.0, posinf=1e30, neginf=-1e30)
    return _metric(ds, y_te, pred)


def _advise(ds: DataSet, x_tr: np.ndarray, y_tr: np.ndarray) -> Any:
    from actloss import advise

    kwargs = dict(ds.advise_kwargs)
    return advise(kwargs.pop("task", None), y_tr, x_tr, **kwargs)


def _describe(c: Candidate) -> str:
    inner = ", ".join(f"{k}={v:g}" if isinstance(v, float) else
                      f"{k}=[{', '.join(f'{u:.3g}' for u in v)}]" if isinstance(v, list)
                      else f"{k}={v}" for k, v in c.params.items())
    text = f"{c.loss}({inner})" if inner else c.loss
    if c.output != "identity":
        text += f" + {c.output} output"
    if c.transform:
        text = f"{text} on {c.transform}(y)"
    return text


def _judge_one(ds: DataSet, rows: dict[str, dict[str, Any]], choice: str) -> str:
    sign = 1.0 if ds.higher_is_better else -1.0
    best = max(rows, key=lambda k: sign * rows[k]["mean"])
    b, c = rows[best], rows[choice]
    if best == choice or b["lo"] <= c["mean"] <= b["hi"]:
        return "holds"
    if c["hi"] < b["lo"] or c["lo"] > b["hi"]:
        return "fails"
    return "unclear"


RULE = ("per data set, the advisor's choice holds when it is the best candidate or its "
        "mean lies inside the best candidate's 95% t-interval over seeds, fails when the "
        "two intervals do not overlap, and is unclear otherwise; supported when it holds on "
        "every data set, not supported when it fails on any, inconclusive otherwise")
RULE_ZH = ("每个数据集上,若顾问的选择是最佳候选,或其均值落在最佳候选(按种子计算)的 95% t 区间内,"
           "则为成立;若两者区间不重叠则为不成立;否则为不明确。所有数据集都成立时判为支持,"
           "任一数据集不成立时判为不支持,否则为无定论")


def judge(m: dict[str, Any]) -> Verdict:
    per = {name: d["outcome"] for name, d in m["datasets"].items()}
    if all(v == "holds" for v in per.values()):
        status = "supported"
    elif any(v == "fails" for v in per.values()):
        status = "not supported"
    else:
        status = "inconclusive"
    because = "; ".join(f"{k}: {v}" for k, v in per.items())
    because_zh = ";".join(f"{k}:{cell(v, 'zh')}" for k, v in per.items())
    # the effect: the share of data sets on which the choice holds (1 is the claim)
    share = sum(v == "holds" for v in per.values()) / max(len(per), 1)
    return Verdict(status, RULE, RULE_ZH, because, because_zh, seeds=int(m.get("seeds", 1)),
                   effect=share, interval=None, deterministic=False,
                   effect_name="share of data sets where the advisor's choice holds",
                   effect_name_zh="顾问的选择成立的数据集比例")


def run(cfg: Config) -> Result:
    out: dict[str, Any] = {}
    table_rows = []
    for ds in DATASETS:
        x_all, y_all = ds.build(np.random.default_rng(cfg.seed))
        scores: dict[str, list[float]] = {}
        cands: dict[str, Candidate] = {}
        advice_text = ""
        for s in range(cfg.seeds):
            seed = cfg.seed + s
            tr, te = _split(x_all.shape[0], TEST_SHARE, seed)
            x_tr, x_te, y_tr, y_te = x_all[tr], x_all[te], y_all[tr], y_all[te]
            if ds.name.startswith("outliers"):
                y_tr = _corrupt(y_tr, 0.08, seed)
            mu, sd = x_tr.mean(0), x_tr.std(0)
            sd[sd == 0] = 1.0
            x_tr, x_te = (x_tr - mu) / sd, (x_te - mu) / sd
            advised = from_advice(_advise(ds, x_tr, y_tr))
            alts = ds.alternatives(x_tr, y_tr)
            same = [a for a in alts if a.key() == advised.key()]
            seed_cands = {a.label: a for a in alts}
            if not same:
                seed_cands["advisor"] = advised
            for label, cand in seed_cands.items():
                cands.setdefault(label, cand)
                scores.setdefault(label, []).append(
                    _train_one(ds, cand, x_tr, y_tr, x_te, y_te, cfg, seed))
            choice = same[0].label if same else "advisor"
            if s == 0:
                advice_text = _describe(advised)
                first_choice = choice
        rows = {}
        for label, vals in scores.items():
            m, lo, hi = t_interval(vals)
            rows[label] = {"mean": m, "lo": lo, "hi": hi, "values": vals,
                           "loss": _describe(cands[label])}
        choice = first_choice if first_choice in rows else "advisor"
        outcome = _judge_one(ds, rows, choice)
        out[ds.name] = {"task": ds.task, "metric": ds.metric, "advice": advice_text,
                        "choice": choice, "candidates": rows, "outcome": outcome,
                        "higher_is_better": ds.higher_is_better}
        sign = 1.0 if ds.higher_is_better else -1.0
        for k in sorted(rows, key=lambda k: -sign * rows[k]["mean"]):
            r = rows[k]
            table_rows.append((ds.name, "advisor" if k == choice else k, r["loss"],
                               round(r["mean"], 4), f"[{r['lo']:.4g}, {r['hi']:.4g}]"))
    summary_rows = tuple((name, d["metric"], d["advice"], d["outcome"])
                         for name, d in out.items())
    metrics = {"datasets": out, "seeds": cfg.seeds, "confidence": CONFIDENCE}
    summary = Table("The advisor's choice per data set", "各数据集上顾问的选择",
                    ("data set", "metric", "advisor's choice", "outcome"), summary_rows,
                    columns_zh=("数据集", "指标", "顾问的选择", "结果"))
    table = Table("Every candidate, best first (mean and 95% t-interval over seeds)",
                  "所有候选,最佳在前(按种子的均值与 95% t 区间)",
                  ("data set", "candidate", "loss", "mean", "95% interval"), tuple(table_rows),
                  columns_zh=("数据集", "候选", "损失", "均值", "95% 区间"))
    note = (f"{cfg.seeds} seeds; each seed draws a new train/test split and initialisation; "
            "the advisor sees only the training split.")
    note_zh = (f"{cfg.seeds} 个种子;每个种子重新划分训练/测试集并重新初始化;"
               "顾问只看到训练集。")
    return Result("advice-check", vars(cfg), metrics, (summary, table), judge(metrics),
                  notes=(note,), notes_zh=(note_zh,))


def figure(result: Result) -> Figure:
    """Per data set: each candidate's mean and interval, the advisor's choice in red."""
    data = result.metrics["datasets"]
    fig, axes = new_figure(3, math.ceil(len(data) / 3), width=3.4, height=2.6)
    for ax, (name, d) in zip(axes, data.items()):
        labels = list(d["candidates"])
        for i, k in enumerate(labels):
            r = d["candidates"][k]
            colour = "tab:red" if k == d["choice"] else "tab:blue"
            ax.errorbar([i], [r["mean"]], yerr=[[r["mean"] - r["lo"]], [r["hi"] - r["mean"]]],
                        fmt="o", color=colour, capsize=3)
        ax.set_xticks(range(len(labels)), labels, rotation=30, fontsize=6, ha="right")
        ax.set_title(f"{name} ({d['metric']})", fontsize=7)
    for ax in axes[len(data):]:
        ax.set_visible(False)
    return fig


EXPERIMENT = REGISTRY.add(Experiment(
    name="advice-check",
    title="The advisor's choices checked against the alternatives on unseen data sets",
    title_zh="在未见过的数据集上用实验检验顾问的选择",
    claims=(
        Claim("000_5b08fef0015a8918.txt",
              "8.2 损失函数选择矩阵:问题类型 | 数据特性 | 推荐损失函数 | 激活函数配合",
              "8.2 Loss selection matrix: problem type | data characteristics | "
              "recommended loss | paired activation (the table the advisor encodes)."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    figure=figure,
    summary="The advisor on 9 data sets it was not written against; its choice and the "
            "main alternatives trained over seeds, with 95% intervals.",
    summary_zh="顾问在 9 个未针对其编写的数据集上的建议;其选择与主要备选按多个种子训练,"
               "并给出 95% 区间。",
))
