"""Class imbalance: binary cross-entropy, weighted BCE and focal loss at 1:20.

Data: ``actloss.lab.data.load('imbalanced', ratio=1/21)`` (one positive per twenty
negatives). A small MLP with a sigmoid output (logits into the loss) is trained with
plain BCE, BCE with ``pos_weight = negatives / positives``, and the binary focal loss
``FL = -(1 - p_t)^gamma log p_t`` for several ``gamma`` (``alpha=None``, so gamma's
effect is seen alone; gamma = 0 is BCE). Measured on the held-out split: average
precision (threshold-free), and F1 and recall at the usual 0.5 threshold
(``sklearn.metrics``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from matplotlib.figure import Figure
from torch import nn

from actloss._validation import NONNEGATIVE, POSITIVE
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
from actloss.lab.experiments._common import BaseConfig, new_figure, train_loop
from actloss.lab.stats import Effect

__all__ = ["Config", "figure", "judge", "run"]


@dataclass(frozen=True)
class Config(BaseConfig):
    gammas: tuple[float, ...] = setting((0.0, 1.0, 2.0, 5.0), interval=NONNEGATIVE,
                                        doc="focal-loss gammas")
    n_samples: int = setting(6000, interval=INT_POS, doc="samples (75% for training)")
    hidden: int = setting(32, interval=INT_POS, doc="hidden width")
    steps: int = setting(400, interval=INT_POS, doc="Adam steps (mini-batches of 256)")
    lr: float = setting(0.01, interval=POSITIVE, doc="learning rate")
    repeats: int = setting(3, interval=INT_POS, doc="data seeds averaged")


QUICK = {"n_samples": 2000, "steps": 100, "repeats": 1}

RULE = ("supported if a focal loss with gamma > 0 beats plain BCE by at least 0.01 average "
        "precision, or by 0.05 recall at the 0.5 threshold while losing at most 0.01 average "
        "precision; not supported if every focal loss with gamma > 0 loses more than 0.01 "
        "average precision without gaining recall; inconclusive otherwise (weighted BCE is "
        "shown for comparison)")
RULE_ZH = ("若某个 gamma > 0 的 focal loss 的平均精度比普通 BCE 至少高 0.01,或在 0.5 阈值下召回率"
           "至少高 0.05 且平均精度下降不超过 0.01,则判为支持;若所有 gamma > 0 的 focal loss "
           "平均精度都下降超过 0.01 且召回率没有提高,则判为不支持;否则为无定论"
           "(加权 BCE 仅作对照)")


def judge(m: dict[str, Any]) -> Verdict:
    rows = m["metrics"]
    base = rows["bce"]
    focal = {k: r for k, r in rows.items() if k.startswith("focal") and r["gamma"] > 0}
    better = [k for k, r in focal.items()
              if r["ap"] >= base["ap"] + 0.01
              or (r["recall"] >= base["recall"] + 0.05 and r["ap"] >= base["ap"] - 0.01)]
    worse = [k for k, r in focal.items()
             if r["ap"] < base["ap"] - 0.01 and r["recall"] <= base["recall"]]
    if better:
        status = "supported"
    elif focal and len(worse) == len(focal):
        status = "not supported"
    else:
        status = "inconclusive"
    because = (f"BCE: AP {base['ap']:.3f}, recall {base['recall']:.3f}; "
               + "; ".join(f"{k}: AP {r['ap']:.3f}, recall {r['recall']:.3f}"
                           for k, r in rows.items() if k != "bce"))
    because_zh = (f"BCE:AP {base['ap']:.3f},召回率 {base['recall']:.3f};"
                  + ";".join(f"{k}:AP {r['ap']:.3f},召回率 {r['recall']:.3f}"
                             for k, r in rows.items() if k != "bce"))
    return Verdict(status, RULE, RULE_ZH, because, because_zh)


def run(cfg: Config) -> Result:
    from sklearn.metrics import average_precision_score, f1_score, recall_score

    from actloss import losses
    from actloss.lab.data import load

    variants: dict[str, Any] = {"bce": losses.get("binary_cross_entropy_with_logits")}
    for g in cfg.gammas:
        variants[f"focal γ={g:g}"] = losses.get("binary_focal", alpha=None, gamma=g)
    sums: dict[str, dict[str, float]] = {}
    pos_weights = []
    curves: dict[str, Any] = {}
    for r in range(cfg.repeats):
        ds = load("imbalanced", seed=cfg.seed + r, n_samples=cfg.n_samples, ratio=1 / 21)
        y_tr = ds.y_train.float().unsqueeze(1)
        pw = float((y_tr == 0).sum() / (y_tr == 1).sum())
        pos_weights.append(pw)
        all_variants = dict(variants)
        all_variants["bce pos_weight"] = losses.get("binary_cross_entropy_with_logits",
                                                    pos_weight=pw)
        for name, loss_fn in all_variants.items():
            torch.manual_seed(cfg.seed + r)
            model = nn.Sequential(nn.Linear(ds.n_features, cfg.hidden), nn.ReLU(),
                                  nn.Linear(cfg.hidden, 1))
            train_loop(model, loss_fn, ds.x_train, y_tr, steps=cfg.steps, lr=cfg.lr,
                       batch_size=256, seed=cfg.seed + r)
            with torch.no_grad():
                p = torch.sigmoid(model(ds.x_test)).squeeze(1).numpy()
            y = ds.y_test.numpy()
            pred = (p >= 0.5).astype(int)
            vals = {"gamma": float(name.split("=")[1]) if "=" in name else -1.0,
                    "ap": float(average_precision_score(y, p)),
                    "f1": float(f1_score(y, pred, zero_division=0)),
                    "recall": float(recall_score(y, pred, zero_division=0)),
                    "mean_p_pos": float(p[y == 1].mean()), "mean_p_neg": float(p[y == 0].mean())}
            acc = sums.setdefault(name, dict.fromkeys(vals, 0.0))
            for k, v in vals.items():
                acc[k] += v / cfg.repeats
            if r == 0:
                curves[name] = {"p_pos": p[y == 1].tolist(), "p_neg": p[y == 0].tolist()}
    order = ["bce", "bce pos_weight", *(k for k in sums if k.startswith("focal"))]
    rows = {k: sums[k] for k in order}
    metrics = {"metrics": rows, "pos_weight": sum(pos_weights) / len(pos_weights),
               "probabilities": curves}
    table = Table("Held-out metrics at 1:20 (mean over data seeds)",
                  "1:20 不平衡下的测试集指标(多个数据种子平均)",
                  ("loss", "average precision", "F1 @0.5", "recall @0.5",
                   "mean p (positives)", "mean p (negatives)"),
                  tuple((k, round(v["ap"], 4), round(v["f1"], 4), round(v["recall"], 4),
                         round(v["mean_p_pos"], 4), round(v["mean_p_neg"], 4))
                        for k, v in rows.items()),
                  columns_zh=("损失", "平均精度(AP)", "F1 @0.5", "召回率 @0.5",
                              "正样本平均 p", "负样本平均 p"))
    return Result("imbalance", vars(cfg), metrics, (table,), judge(metrics),
                  notes=(f"pos_weight = negatives / positives = {metrics['pos_weight']:.2f}; "
                         "focal uses alpha=None so only gamma differs from BCE.",),
                  notes_zh=(f"pos_weight = 负样本数 / 正样本数 = {metrics['pos_weight']:.2f}；"
                            "focal 取 alpha=None，因此与 BCE 只差 gamma。",))


def figure(result: Result) -> Figure:
    """Average precision, F1 and recall per loss."""
    rows = result.metrics["metrics"]
    names = list(rows)
    fig, axes = new_figure(1, 1, width=7.0, height=3.6)
    ax = axes[0]
    w = 0.26
    for j, (key, label) in enumerate((("ap", "average precision"), ("f1", "F1 @0.5"),
                                      ("recall", "recall @0.5"))):
        ax.bar([i + (j - 1) * w for i in range(len(names))], [rows[n][key] for n in names], w,
               label=label)
    ax.set_xticks(range(len(names)), names, rotation=20, fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    ax.set_title("1:20 imbalanced binary classification", fontsize=9)
    return fig


def _focal_gain(m: Mapping[str, Any]) -> float:
    rows = m["metrics"]
    focal = {k: r for k, r in rows.items() if k.startswith("focal") and r["gamma"] > 0}
    # gamma = 2, the focal-loss paper's choice (Lin et al., 2017), else the largest gamma
    pick = next((r for r in focal.values() if r["gamma"] == 2.0), None)
    if pick is None:
        pick = max(focal.values(), key=lambda r: r["gamma"])
    return float(pick["ap"]) - float(rows["bce"]["ap"])


EFFECT = Effect("average precision: focal loss (gamma 2, else the largest gamma) minus plain "
                "BCE", "平均精度：focal loss（γ=2，否则最大的 γ）减普通 BCE", _focal_gain,
                minimum=0.01)


EXPERIMENT = REGISTRY.add(Experiment(
    name="imbalance",
    title="Imbalanced classes: focal loss and weighted BCE against plain BCE",
    title_zh="类别不平衡:focal loss、加权 BCE 与普通 BCE",
    claims=(
        Claim("000_5b08fef0015a8918.txt", "二分类 | 不平衡 | Focal Loss | Sigmoid",
              "Binary classification, imbalanced data: focal loss with a sigmoid output."),
        Claim("000_5b08fef0015a8918.txt", "类别不平衡:Focal Loss",
              "Class imbalance: focal loss."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    summary="1:20 binary data; BCE, BCE with pos_weight, focal loss with gamma 0, 1, 2, 5: "
            "average precision, F1 and recall.",
    summary_zh="1:20 的二分类数据;比较 BCE、带 pos_weight 的 BCE、gamma 为 0/1/2/5 的 focal loss:"
               "平均精度、F1 与召回率。",
))
