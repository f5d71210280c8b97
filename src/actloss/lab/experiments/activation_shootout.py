"""Activation shoot-out: one MLP on digits with every hidden activation of the catalog.

Every element-wise catalog entry whose roles include ``hidden`` is tried in the same
MLP (``actloss.lab.models.mlp`` with ``init='auto'``), with Adam, for several seeds.
Measured: final test accuracy (mean and spread over seeds), the first epoch whose test
accuracy reaches 95%, and the training time per epoch. The real MNIST subset
``mnist5k`` is added in full mode when it can be loaded.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
    setting,
)
from actloss.lab.experiments._common import BaseConfig, new_figure
from actloss.lab.stats import Effect

__all__ = ["Config", "figure", "hidden_activations", "judge", "run"]


@dataclass(frozen=True)
class Config(BaseConfig):
    activations: tuple[str, ...] = setting(
        ("all",), doc="catalog names, or 'all' for every element-wise hidden activation")
    datasets: tuple[str, ...] = setting(("digits", "mnist5k"), doc="data sets (lab names)")
    # 1: the report and `actloss lab sweep` run the whole experiment over seeds and give
    # each activation's mean with a 95% interval; more inner seeds average within a run
    seeds: int = setting(1, interval=INT_POS, doc="inner seeds per activation (digits)")
    width: int = setting(64, interval=INT_POS, doc="hidden width (two hidden layers)")
    epochs: int = setting(15, interval=INT_POS, doc="epochs on digits")
    mnist_epochs: int = setting(6, interval=INT_POS, doc="epochs on mnist5k (one seed)")
    lr: float = setting(5e-3, interval=POSITIVE, doc="Adam learning rate")
    batch_size: int = setting(128, interval=INT_POS, doc="mini-batch size")


# Quick mode: a representative subset (the classic entries and the common modern ones).
QUICK = {"datasets": ("digits",), "seeds": 1, "epochs": 6, "width": 32,
         "activations": ("relu", "leaky_relu", "elu", "selu", "gelu", "silu", "mish",
                         "softplus", "tanh")}

RULE = ("supported if ReLU's mean test accuracy on digits is within 0.02 of the best "
        "activation's")
RULE_ZH = "若 ReLU 在 digits 上的平均测试准确率与最佳激活函数相差不超过 0.02,则判为支持"


def hidden_activations() -> list[str]:
    """Element-wise catalog entries suitable as hidden activations."""
    from actloss import activations

    return [n for n in activations.names()
            if activations.spec(n).kind == "elementwise" and "hidden" in activations.spec(n).role]


def judge(m: dict[str, Any]) -> Verdict:
    rows = m["results"]["digits"]
    best = max(rows, key=lambda a: rows[a]["accuracy"])
    relu = rows["relu"]["accuracy"]
    rank = sorted(rows, key=lambda a: -rows[a]["accuracy"]).index("relu") + 1
    ok = relu >= rows[best]["accuracy"] - 0.02
    because = (f"digits: ReLU {relu:.4f} (rank {rank} of {len(rows)}); best {best} "
               f"{rows[best]['accuracy']:.4f}")
    because_zh = (f"digits:ReLU {relu:.4f}(第 {rank} / {len(rows)} 名);最佳 {best} "
                  f"{rows[best]['accuracy']:.4f}")
    return Verdict("supported" if ok else "not supported", RULE, RULE_ZH, because, because_zh)


def _epochs_to(series: list[float], level: float) -> int | None:
    return next((i + 1 for i, v in enumerate(series) if v >= level), None)


def run(cfg: Config) -> Result:
    from actloss import activations
    from actloss.errors import ParameterError
    from actloss.lab.data import load
    from actloss.lab.models import mlp
    from actloss.lab.train import fit

    names = hidden_activations() if cfg.activations == ("all",) else [
        activations.spec(a).name for a in cfg.activations]
    if "relu" not in names or "digits" not in cfg.datasets:
        raise ParameterError("experiment activation-shootout compares ReLU with the others on "
                             "digits: `activations` must include 'relu' and `datasets` "
                             f"'digits'; got {cfg.activations!r} and {cfg.datasets!r}")
    results: dict[str, dict[str, dict[str, Any]]] = {}
    notes: list[str] = []
    notes_zh: list[str] = []
    for data_name in cfg.datasets:
        try:
            ds = load(data_name, seed=cfg.seed)
        except (ImportError, OSError) as exc:
            notes.append(f"{data_name} skipped: {exc}")
            notes_zh.append(f"已跳过 {data_name}：{exc}")
            continue
        seeds = cfg.seeds if data_name == "digits" else 1
        epochs = cfg.epochs if data_name == "digits" else cfg.mnist_epochs
        rows: dict[str, dict[str, Any]] = {}
        for act in names:
            accs, reach, secs = [], [], []
            for s in range(seeds):
                model = mlp([ds.n_features, cfg.width, cfg.width, ds.n_classes],
                            activation=act, init="auto", seed=cfg.seed + s)
                cpu = time.thread_time()
                h = fit(model, nn.functional.cross_entropy, ds, epochs=epochs,
                        batch_size=cfg.batch_size, optimizer="adam", lr=cfg.lr,
                        metrics=["accuracy"], seed=cfg.seed + s, progress=False)
                # CPU time of this thread: what the training cost, not how long it waited
                # for a loaded machine (the lab runs single-threaded)
                cpu = time.thread_time() - cpu
                series = h.history["val_accuracy"]
                accs.append(series[-1])
                reach.append(_epochs_to(series, 0.95))
                secs.append(cpu / epochs)
            reached = [r for r in reach if r is not None]
            rows[act] = {
                "accuracy": statistics.fmean(accs),
                "accuracy_sd": statistics.pstdev(accs) if len(accs) > 1 else 0.0,
                "epochs_to_95": statistics.fmean(reached) if len(reached) == len(reach)
                else None,
                "seconds_per_epoch": statistics.fmean(secs),
                "finite": all(torch.isfinite(torch.tensor(accs)).tolist()),
            }
        results[data_name] = rows
    metrics = {"results": results}
    tables = []
    for data_name, rows in results.items():
        order = sorted(rows, key=lambda a: -rows[a]["accuracy"])
        n = cfg.seeds if data_name == "digits" else 1
        # one inner seed has no spread to show: the sd column only when there is one
        sd = n > 1
        tables.append(Table(
            f"{data_name}: test accuracy ({n} inner seed(s) of seed {cfg.seed})",
            f"{data_name}:测试准确率（随机种子 {cfg.seed} 内的 {n} 个子种子）",
            ("activation", "accuracy", *(("sd",) if sd else ()), "epochs to 95%",
             "CPU ms per epoch"),
            tuple((a, round(rows[a]["accuracy"], 4),
                   *((round(rows[a]["accuracy_sd"], 4),) if sd else ()),
                   "-" if rows[a]["epochs_to_95"] is None else round(rows[a]["epochs_to_95"], 1),
                   round(1000 * rows[a]["seconds_per_epoch"], 1)) for a in order),
            columns_zh=("激活函数", "准确率", *(("标准差",) if sd else ()), "达到 95% 所需轮数",
                        "每轮 CPU 时间(毫秒)")))
    return Result("activation-shootout", vars(cfg), metrics, tuple(tables), judge(metrics),
                  notes=(*notes, "time per epoch is the CPU time of the training thread "
                                 "(time.thread_time), which waiting on a loaded machine does "
                                 "not inflate; it still depends on the CPU model."),
                  notes_zh=(*notes_zh, "每轮时间是训练线程的 CPU 时间（time.thread_time），"
                                       "不受机器负载下等待的影响，但仍取决于 CPU 型号。"))


def figure(result: Result) -> Figure:
    """Test accuracy per activation, sorted, with ReLU highlighted; over several seeds, the
    digits panel shows each mean with its 95% interval, coloured by overlap group."""
    if "ranking" in result.metrics:
        return _ranking_figure(result.metrics)
    res = result.metrics["results"]
    fig, axes = new_figure(len(res), 1, width=6.5, height=4.2)
    for ax, (data_name, rows) in zip(axes, res.items()):
        order = sorted(rows, key=lambda a: rows[a]["accuracy"])
        vals = [rows[a]["accuracy"] for a in order]
        colors = ["#c0441a" if a == "relu" else "#3f7cbf" for a in order]
        ax.barh(range(len(order)), vals, xerr=[rows[a]["accuracy_sd"] for a in order],
                color=colors)
        ax.set_yticks(range(len(order)), order, fontsize=7)
        lo = max(0.0, min(vals) - 0.05)
        ax.set_xlim(lo, 1.0)
        ax.set_xlabel("test accuracy")
        ax.set_title(f"{data_name}: MLP with each hidden activation", fontsize=9)
    return fig


def _digits(m: Mapping[str, Any]) -> dict[str, float]:
    return {a: float(r["accuracy"]) for a, r in m["results"]["digits"].items()}


def _relu_gap(m: Mapping[str, Any]) -> float:
    scores = _digits(m)
    return scores["relu"] - max(v for a, v in scores.items() if a != "relu")


def _ranking_figure(m: Mapping[str, Any]) -> Figure:
    ranking, groups = m["ranking"], m["groups"]
    order = [a for g in reversed(groups) for a in reversed(g)]
    group_of = {a: i for i, g in enumerate(groups) for a in g}
    palette = ["#3f7cbf", "#8fb3d9", "#b9c6d3", "#d9dee4"]
    fig, axes = new_figure(1, 1, width=6.5, height=max(3.0, 0.22 * len(order) + 1))
    ax = axes[0]
    for i, a in enumerate(order):
        s = ranking[a]
        lo, hi = s["interval"] if s["interval"] else (s["mean"], s["mean"])
        color = "#c0441a" if a == "relu" else palette[min(group_of[a], len(palette) - 1)]
        ax.plot([lo, hi], [i, i], color=color, lw=2)
        ax.plot([s["mean"]], [i], "o", color=color, ms=4)
    ax.set_yticks(range(len(order)), order, fontsize=7)
    ax.set_xlabel("digits test accuracy: mean and 95% interval over seeds")
    ax.set_title("entries in the same colour group are not told apart by the data", fontsize=9)
    return fig


EFFECT = Effect("digits test accuracy: ReLU minus the best other activation (best by mean)",
                "digits 测试准确率：ReLU 减其他激活函数中（按均值）最佳者", _relu_gap,
                minimum=-0.02, null=-0.02, ranking=_digits, reference="relu")


EXPERIMENT = REGISTRY.add(Experiment(
    name="activation-shootout",
    title="Activation shoot-out: is ReLU a good default?",
    title_zh="激活函数对决:ReLU 是否是好的默认选择?",
    claims=(
        Claim("003_ee359a0e5008e516.txt",
              "首选 ReLU:在绝大多数情况下,ReLU 是隐藏层的默认和首选。它简单、高效,并且效果很好。",
              "Prefer ReLU: in most cases ReLU is the default first choice for hidden layers; "
              "it is simple, efficient and works well."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    summary="The same MLP with every element-wise hidden activation of the catalog: accuracy, "
            "epochs to 95% and time per epoch.",
    summary_zh="同一个 MLP 换用目录中每个逐元素隐藏层激活函数:准确率、达到 95% 的轮数与每轮耗时。",
))
