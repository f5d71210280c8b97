"""The pairing matrix: output activation + loss per task, and the classic mistakes.

The sources' selection table (000, section 8.2) pairs each task with a loss and an output
activation. For four tasks the same network body (two ReLU layers) is trained with the
recommended head and with common mistakes, and the damage is measured on held-out data:

* binary (moons): sigmoid + BCE; mistakes: softmax over one unit + BCE (the output is
  always 1), sigmoid + MSE;
* multi-class (digits): softmax + cross-entropy (logits in); mistakes: double softmax
  (a softmax layer before a loss that applies log-softmax again), sigmoid + MSE on
  one-hot targets;
* multi-label (5 labels): sigmoid + BCE per label; mistake: softmax + BCE (the outputs
  must sum to 1, so at most one label can pass 0.5);
* regression (a linear target with noise, standardised, so targets take both signs):
  linear + MSE;
  mistake: a ReLU head, which cannot output negative values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
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
from actloss.lab.experiments._common import BaseConfig, new_figure, train_loop
from actloss.lab.stats import Effect

__all__ = ["Config", "figure", "judge", "run"]


@dataclass(frozen=True)
class Config(BaseConfig):
    hidden: int = setting(64, interval=INT_POS, doc="hidden width")
    steps: int = setting(600, interval=INT_POS, doc="Adam steps (mini-batches of 128)")
    lr: float = setting(3e-3, interval=POSITIVE, doc="learning rate")


QUICK = {"steps": 150, "hidden": 32}

RULE = ("supported if, on every task, the recommended pairing scores at least as well as "
        "each mistake (within 0.01), and some mistake costs 0.05 or more; not supported if a "
        "mistake beats the recommended pairing by more than 0.01")
RULE_ZH = ("若在每个任务上推荐的搭配都不差于每种错误搭配(容差 0.01),且至少有一种错误搭配造成 "
           "0.05 或更多的损失,则判为支持;若某种错误搭配比推荐搭配高出 0.01 以上,则判为不支持")

Head = tuple[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
             Callable[[torch.Tensor], torch.Tensor]]


def _heads() -> dict[str, list[Head]]:
    """Per task: (name, loss(z, y), prediction(z)); the first head is the recommended one."""
    from actloss import losses

    bce_logits = losses.get("binary_cross_entropy_with_logits")
    # The mistakes are made the way a PyTorch user makes them: torch's probability-space
    # BCE, which clamps log(p) at -100 so a saturated output gives a finite loss.
    bce_probs = F.binary_cross_entropy
    mse = losses.get("mse")
    ce = losses.get("cross_entropy")
    return {
        "binary": [
            ("sigmoid + BCE", bce_logits, lambda z: (z > 0).float()),
            # softmax over a single unit is exp(z)/exp(z) = 1 for every input
            ("softmax + BCE", lambda z, y: bce_probs(F.softmax(z, dim=1), y),
             lambda z: (F.softmax(z, dim=1) > 0.5).float()),
            ("sigmoid + MSE", lambda z, y: mse(torch.sigmoid(z), y), lambda z: (z > 0).float()),
        ],
        "multi-class": [
            ("softmax + cross-entropy", ce, lambda z: z.argmax(1)),
            # PyTorch's op: actloss's cross_entropy refuses rows that are distributions
            ("double softmax", lambda z, y: F.cross_entropy(F.softmax(z, dim=1), y),
             lambda z: z.argmax(1)),
            ("sigmoid + MSE", lambda z, y: mse(torch.sigmoid(z),
                                               F.one_hot(y, z.shape[1]).float()),
             lambda z: z.argmax(1)),
        ],
        "multi-label": [
            ("sigmoid + BCE", bce_logits, lambda z: (z > 0).float()),
            ("softmax + BCE", lambda z, y: bce_probs(F.softmax(z, dim=1), y),
             lambda z: (F.softmax(z, dim=1) > 0.5).float()),
        ],
        "regression": [
            ("linear + MSE", mse, lambda z: z),
            ("ReLU head + MSE", lambda z, y: mse(F.relu(z), y), lambda z: F.relu(z)),
        ],
    }


def _score(task: str, pred: torch.Tensor, y: torch.Tensor) -> float:
    if task == "regression":  # R^2
        return float(1 - ((pred - y) ** 2).sum() / ((y - y.mean()) ** 2).sum())
    if task == "multi-label":  # micro-F1
        tp = float((pred * y).sum())
        fp = float((pred * (1 - y)).sum())
        fn = float(((1 - pred) * y).sum())
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return float((pred.reshape(y.shape) == y).float().mean())


METRIC = {"binary": "accuracy", "multi-class": "accuracy", "multi-label": "micro-F1",
          "regression": "R^2"}


def judge(m: dict[str, Any]) -> Verdict:
    damages = []
    parts = []
    parts_zh = []
    for task, rows in m["scores"].items():
        names = list(rows)
        rec = rows[names[0]]
        damages += [rec - rows[n] for n in names[1:]]
        listed = ", ".join(f"{n} {rows[n]:.3f}" for n in names[1:])
        parts.append(f"{task}: {names[0]} {rec:.3f}, {listed}")
        listed_zh = ", ".join(f"{cell(n, 'zh')} {rows[n]:.3f}" for n in names[1:])
        parts_zh.append(f"{cell(task, 'zh')}:推荐 {cell(names[0], 'zh')} {rec:.3f},"
                        f"错误搭配 {listed_zh}")
    if min(damages) < -0.01:
        status = "not supported"
    elif max(damages) >= 0.05:
        status = "supported"
    else:
        status = "inconclusive"
    return Verdict(status, RULE, RULE_ZH, "; ".join(parts), ";".join(parts_zh))


def run(cfg: Config) -> Result:
    from actloss.lab.data import load

    data = {
        "binary": load("moons", seed=cfg.seed, n_samples=800, noise=0.2),
        "multi-class": load("digits", seed=cfg.seed),
        "multi-label": load("multilabel", seed=cfg.seed, n_samples=1000),
        # y = x . w + noise, standardised: half of the targets are negative
        "regression": load("outliers", seed=cfg.seed, n_samples=800, outlier_fraction=0.0),
    }
    scores: dict[str, dict[str, float]] = {}
    for task, heads in _heads().items():
        ds = data[task]
        y_tr, y_te = ds.y_train, ds.y_test
        if task == "binary":
            y_tr, y_te = y_tr.float().unsqueeze(1), y_te.float().unsqueeze(1)
        elif task == "multi-label":
            y_tr, y_te = y_tr.float(), y_te.float()
        n_out = ds.n_classes if task in ("multi-class", "multi-label") else 1
        scores[task] = {}
        for name, loss_fn, predict in heads:
            torch.manual_seed(cfg.seed)
            model = nn.Sequential(nn.Linear(ds.n_features, cfg.hidden), nn.ReLU(),
                                  nn.Linear(cfg.hidden, cfg.hidden), nn.ReLU(),
                                  nn.Linear(cfg.hidden, n_out))
            train_loop(model, loss_fn, ds.x_train, y_tr, steps=cfg.steps, lr=cfg.lr,
                       batch_size=128, seed=cfg.seed)
            with torch.no_grad():
                scores[task][name] = _score(task, predict(model(ds.x_test)), y_te)
    metrics = {"scores": scores, "metric": METRIC}
    rows = []
    for task, r in scores.items():
        names = list(r)
        for i, n in enumerate(names):
            rows.append((task, METRIC[task], n, "recommended" if i == 0 else "mistake",
                         round(r[n], 4), "-" if i == 0 else round(r[names[0]] - r[n], 4)))
    table = Table("Held-out score of each pairing", "各搭配在测试集上的得分",
                  ("task", "metric", "output activation + loss", "kind", "score", "damage"),
                  tuple(rows),
                  columns_zh=("任务", "指标", "输出激活函数 + 损失", "类型", "得分",
                              "得分下降"))
    return Result("pairing-matrix", vars(cfg), metrics, (table,), judge(metrics))


def figure(result: Result) -> Figure:
    """One panel per task: the recommended pairing and the mistakes."""
    scores = result.metrics["scores"]
    fig, axes = new_figure(len(scores), 1, width=3.2, height=3.4)
    for ax, (task, rows) in zip(axes, scores.items()):
        names = list(rows)
        colors = ["#1d7a3a"] + ["#b3261e"] * (len(names) - 1)
        ax.bar(range(len(names)), [max(rows[n], 0.0) for n in names], color=colors)
        ax.set_xticks(range(len(names)), names, rotation=30, fontsize=7, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_title(f"{task} ({result.metrics['metric'][task]})", fontsize=9)
    return fig


def _margin(m: Mapping[str, Any]) -> float:
    margins = []
    for rows in m["scores"].values():
        names = list(rows)
        margins += [float(rows[names[0]]) - float(rows[n]) for n in names[1:]]
    return min(margins)


EFFECT = Effect("smallest margin of a recommended pairing over a mistake (score points)",
                "推荐搭配相对错误搭配的最小优势（得分）", _margin, minimum=-0.01, null=-0.01)


EXPERIMENT = REGISTRY.add(Experiment(
    name="pairing-matrix",
    title="Output activation and loss must match the task",
    title_zh="输出激活函数与损失函数必须与任务匹配",
    claims=(
        Claim("000_5b08fef0015a8918.txt",
              "二分类 | 平衡 | 二元交叉熵 | Sigmoid;多分类 | 单标签 | 分类交叉熵 | Softmax;"
              "多分类 | 多标签 | 二元交叉熵 | Sigmoid;回归 | 高斯分布 | MSE | 线性",
              "Binary: binary cross-entropy with sigmoid; multi-class single-label: "
              "categorical cross-entropy with softmax; multi-label: binary cross-entropy with "
              "sigmoid; regression: MSE with a linear output."),
        Claim("002_059dc22d1bcf7a62.txt", "多分类: Softmax (输出类别概率分布)。",
              "Multi-class: softmax (outputs a probability distribution over classes)."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    summary="Binary, multi-class, multi-label and regression tasks trained with the "
            "recommended head and with the classic mistakes; the measured damage.",
    summary_zh="二分类、多分类、多标签与回归任务分别用推荐搭配和常见错误搭配训练,测量造成的损失。",
))
