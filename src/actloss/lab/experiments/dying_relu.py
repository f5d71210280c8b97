"""Dying ReLU: the fraction of dead units against learning rate and bias initialisation.

A unit is *dead* when its activation's derivative is zero on every training sample: no
gradient reaches its incoming weights, so it never recovers. An MLP on digits is trained
with plain SGD for each hidden activation, learning rate and initial bias; afterwards
the derivative (the catalog's closed form, ``actloss.activations.derivative``) is
evaluated on the whole training set and the dead units of every hidden layer counted.
The diagnostics monitor watches each run; its ``dead_units`` findings are shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from matplotlib.figure import Figure
from torch import nn

from actloss._validation import POSITIVE, REALS
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

__all__ = ["Config", "figure", "judge", "run"]


@dataclass(frozen=True)
class Config(BaseConfig):
    activations: tuple[str, ...] = setting(("relu", "leaky_relu", "elu", "gelu"),
                                           doc="hidden activations (catalog names)")
    lrs: tuple[float, ...] = setting((0.01, 0.1, 1.0), interval=POSITIVE,
                                     doc="SGD learning rates")
    biases: tuple[float, ...] = setting((0.0, -1.0, -3.0), interval=REALS,
                                        doc="initial value of every hidden bias")
    width: int = setting(64, interval=INT_POS, doc="hidden width")
    layers: int = setting(3, interval=INT_POS, doc="hidden layers")
    epochs: int = setting(3, interval=INT_POS, doc="training epochs")


QUICK = {"lrs": (0.01, 0.5), "biases": (0.0, -3.0), "epochs": 2}

RULE = ("supported if some learning rate or bias setting leaves at least 20% of ReLU's "
        "units dead, while leaky ReLU and ELU have no dead units (at most 1%) in every setting")
RULE_ZH = ("若存在某个学习率或偏置设置使 ReLU 至少 20% 的单元死亡,而 Leaky ReLU 与 ELU "
           "在所有设置下都没有死亡单元(至多 1%),则判为支持")


def _dead_fraction(model: nn.Sequential, act: str, x: torch.Tensor) -> float:
    from actloss import activations

    dead = total = 0
    h = x
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, nn.Linear):
                z = layer(h)
            else:
                # dead: f'(z) = 0 for every sample
                d = activations.derivative(act, z)
                dead += int((d == 0).all(0).sum())
                total += z.shape[1]
                h = layer(z)
                continue
            h = z
    return dead / total if total else 0.0


def judge(m: dict[str, Any]) -> Verdict:
    dead = m["dead"]
    relu_max = max(dead["relu"].values())
    worst_key = max(dead["relu"], key=lambda k: dead["relu"][k])
    others = {a: max(dead[a].values()) for a in ("leaky_relu", "elu") if a in dead}
    ok = relu_max >= 0.2 and all(v <= 0.01 for v in others.values()) and len(others) == 2
    because = (f"largest dead fraction: ReLU {relu_max:.2f} ({worst_key}); "
               + ", ".join(f"{a} {v:.2f}" for a, v in others.items()))
    because_zh = (f"最大死亡比例:ReLU {relu_max:.2f}({worst_key});"
                  + ",".join(f"{a} {v:.2f}" for a, v in others.items()))
    return Verdict("supported" if ok else "not supported", RULE, RULE_ZH, because, because_zh)


def run(cfg: Config) -> Result:
    from actloss.diagnostics import monitor
    from actloss.errors import ParameterError
    from actloss.lab.data import load
    from actloss.lab.models import mlp
    from actloss.lab.train import fit

    for need in ("relu", "leaky_relu", "elu"):
        if need not in cfg.activations:
            raise ParameterError(f"`activations` of experiment dying-relu must include "
                                 f"{need!r} (the claim compares them); got {cfg.activations!r}")
    ds = load("digits", seed=cfg.seed)
    dead: dict[str, dict[str, float]] = {}
    acc: dict[str, dict[str, float]] = {}
    found: list[dict[str, Any]] = []
    for act in cfg.activations:
        dead[act], acc[act] = {}, {}
        for lr in cfg.lrs:
            for bias in cfg.biases:
                key = f"lr={lr:g}, bias={bias:g}"
                sizes = [ds.n_features] + [cfg.width] * cfg.layers + [ds.n_classes]
                model = mlp(sizes, activation=act, init="auto", bias_init=bias, seed=cfg.seed)
                with torch.no_grad():
                    model[-1].bias.zero_()  # only the hidden biases start shifted
                mon = monitor(model)
                try:
                    fit(model, nn.functional.cross_entropy, (ds.x_train, ds.y_train),
                        epochs=cfg.epochs, batch_size=64, optimizer="sgd", lr=lr,
                        callbacks=[mon], seed=cfg.seed, progress=False, validation=None)
                    findings = [f for f in mon.findings() if f.code == "dead_units"]
                finally:
                    mon.close()
                dead[act][key] = _dead_fraction(model, act, ds.x_train)
                with torch.no_grad():
                    acc[act][key] = float(
                        (model(ds.x_test).argmax(1) == ds.y_test).float().mean())
                for f in findings:
                    found.append({"activation": act, "setting": key, **f.to_json()})
    keys = list(dead[cfg.activations[0]])
    metrics = {"dead": dead, "test_accuracy": acc, "settings": keys}
    t1 = Table("Fraction of hidden units dead after training (f'(z) = 0 on every sample)",
               "训练后死亡的隐藏单元比例(在所有样本上 f'(z) = 0)",
               ("setting", *cfg.activations),
               tuple((k, *(round(dead[a][k], 3) for a in cfg.activations)) for k in keys),
               columns_zh=("设置", *cfg.activations))
    t2 = Table("Test accuracy", "测试准确率", ("setting", *cfg.activations),
               tuple((k, *(round(acc[a][k], 3) for a in cfg.activations)) for k in keys),
               columns_zh=("设置", *cfg.activations))
    return Result("dying-relu", vars(cfg), metrics, (t1, t2), judge(metrics),
                  findings=tuple(found))


def figure(result: Result) -> Figure:
    """Dead-unit fraction per setting and activation."""
    m = result.metrics
    keys = m["settings"]
    acts = list(m["dead"])
    fig, axes = new_figure(1, 1, width=max(6.0, 0.9 * len(keys)), height=3.6)
    ax = axes[0]
    w = 0.8 / len(acts)
    for j, a in enumerate(acts):
        ax.bar([i + (j - (len(acts) - 1) / 2) * w for i in range(len(keys))],
               [m["dead"][a][k] for k in keys], w, label=a)
    ax.set_xticks(range(len(keys)), keys, rotation=25, fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("dead fraction")
    ax.legend(fontsize=8)
    ax.set_title("dead hidden units after SGD training on digits", fontsize=9)
    return fig


def _rescue(m: Mapping[str, Any]) -> float:
    dead, acc = m["dead"], m["test_accuracy"]
    worst = max(dead["relu"], key=lambda k: dead["relu"][k])
    return min(float(acc[a][worst]) for a in ("leaky_relu", "elu")) - float(acc["relu"][worst])


EFFECT = Effect("test accuracy at ReLU's worst setting: the worse of Leaky ReLU and ELU "
                "minus ReLU",
                "ReLU 最差设置下的测试准确率：Leaky ReLU 与 ELU 中较差者减 ReLU", _rescue,
                minimum=0.05)


EXPERIMENT = REGISTRY.add(Experiment(
    name="dying-relu",
    title="Dying ReLU: high learning rates and negative biases kill units",
    title_zh="ReLU 神经元死亡:过高的学习率与负偏置会让单元死亡",
    claims=(
        Claim("002_059dc22d1bcf7a62.txt",
              "如果一个神经元的加权和输入在训练过程中大部分时间都小于0(例如,学习率过高或负的偏置过大),"
              "那么它的梯度在反向传播时始终为0,导致该神经元的权重无法再更新,永远“死亡”",
              "If a unit's weighted input stays below 0 most of the time during training "
              "(for example with too high a learning rate or too negative a bias), its gradient "
              "is always 0, its weights can no longer be updated, and it 'dies' for good."),
        Claim("003_ee359a0e5008e516.txt",
              "如果发现 ReLU 导致了大量的“神经元死亡”,"
              "可以尝试使用 Leaky ReLU 、 PReLU 或 ELU 作为替代。",
              "If ReLU leaves many dead units, try Leaky ReLU, PReLU or ELU instead."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    needs=("diagnostics",),
    summary="Dead-unit fraction after SGD on digits for ReLU, Leaky ReLU, ELU and GELU across "
            "learning rates and initial biases, with the monitor's findings.",
    summary_zh="在 digits 上用 SGD 训练后,比较 ReLU、Leaky ReLU、ELU 与 GELU "
               "在不同学习率与初始偏置下的死亡单元比例,并给出监视器的发现。",
))
