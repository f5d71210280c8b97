"""Vanishing gradients: per-layer gradient norms of deep stacks at initialisation.

For each activation and depth, an MLP of equal hidden widths is built with the
initialisation its catalog entry names (``init='auto'``: He for ReLU-like units,
Xavier for sigmoid/tanh, LeCun for SELU), and one batch of digits is back-propagated.
The measured quantity is the ratio of the first layer's weight-gradient norm to the last
layer's, ``||dL/dW_1|| / ||dL/dW_L||``: far below 1 means the gradient vanished on its
way to the input. The deepest stacks are then trained briefly under the diagnostics
monitor, whose findings the report shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from matplotlib.figure import Figure
from torch import nn

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

ACTS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "selu")


@dataclass(frozen=True)
class Config(BaseConfig):
    activations: tuple[str, ...] = setting(ACTS, doc="hidden activations (catalog names)")
    depths: tuple[int, ...] = setting((5, 10, 20, 30), interval=INT_POS,
                                      doc="numbers of hidden layers")
    width: int = setting(64, interval=INT_POS, doc="hidden width")
    batch: int = setting(256, interval=INT_POS, doc="samples in the measured batch")
    monitor_epochs: int = setting(1, interval=INT_POS,
                                  doc="epochs of monitored training at the largest depth")


QUICK = {"depths": (5, 10, 20), "width": 32}

RULE = ("supported if, at the largest depth, sigmoid's first/last gradient ratio is below "
        "1e-3 and the monitor reports vanishing_gradient for it, while ReLU's ratio stays "
        "in [0.1, 10] and the monitor reports no gradient problem for ReLU")
RULE_ZH = ("若在最大深度下 sigmoid 的首层/末层梯度范数比低于 1e-3 且监视器报告 vanishing_gradient,"
           "而 ReLU 的比值保持在 [0.1, 10] 内且监视器未报告梯度问题,则判为支持")

GRADIENT_CODES = ("vanishing_gradient", "exploding_gradient")


def _grad_norms(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    model.zero_grad(set_to_none=True)
    nn.functional.cross_entropy(model(x), y).backward()
    return [float(m.weight.grad.norm()) for m in model if isinstance(m, nn.Linear)]


def judge(m: dict[str, Any]) -> Verdict:
    deepest = str(max(int(d) for d in m["ratio"]["relu"]))
    rs = m["ratio"]["sigmoid"][deepest]
    rr = m["ratio"]["relu"][deepest]
    fs = [f for f in m["findings"]["sigmoid"] if f in GRADIENT_CODES]
    fr = [f for f in m["findings"]["relu"] if f in GRADIENT_CODES]
    ok = rs < 1e-3 and "vanishing_gradient" in fs and 0.1 <= rr <= 10 and not fr
    because = (f"depth {deepest}: first/last gradient ratio sigmoid {rs:.2e}, ReLU {rr:.2f}; "
               f"monitor: sigmoid {fs or 'none'}, ReLU {fr or 'none'}")
    because_zh = (f"深度 {deepest}:首层/末层梯度比 sigmoid {rs:.2e},ReLU {rr:.2f};"
                  f"监视器:sigmoid {fs or '无'},ReLU {fr or '无'}")
    return Verdict("supported" if ok else "not supported", RULE, RULE_ZH, because, because_zh)


def run(cfg: Config) -> Result:
    from actloss.diagnostics import monitor
    from actloss.lab.data import load
    from actloss.lab.models import mlp
    from actloss.lab.train import fit

    if "sigmoid" not in cfg.activations or "relu" not in cfg.activations:
        from actloss.errors import ParameterError

        raise ParameterError("`activations` of experiment vanishing-gradients must include "
                             f"'sigmoid' and 'relu' (the claim compares them); got "
                             f"{cfg.activations!r}")
    ds = load("digits", seed=cfg.seed)
    g = torch.Generator().manual_seed(cfg.seed)
    idx = torch.randperm(ds.x_train.shape[0], generator=g)[: cfg.batch]
    x, y = ds.x_train[idx], ds.y_train[idx]
    ratio: dict[str, dict[str, float]] = {}
    profile: dict[str, list[float]] = {}
    deepest = max(cfg.depths)
    for act in cfg.activations:
        ratio[act] = {}
        for depth in cfg.depths:
            sizes = [ds.n_features] + [cfg.width] * depth + [ds.n_classes]
            model = mlp(sizes, activation=act, init="auto", seed=cfg.seed)
            norms = _grad_norms(model, x, y)
            ratio[act][str(depth)] = norms[0] / norms[-1] if norms[-1] > 0 else math.inf
            if depth == deepest:
                profile[act] = norms
    findings: dict[str, list[str]] = {}
    found: list[dict[str, Any]] = []
    for act in cfg.activations:
        sizes = [ds.n_features] + [cfg.width] * deepest + [ds.n_classes]
        model = mlp(sizes, activation=act, init="auto", seed=cfg.seed)
        mon = monitor(model)
        try:
            fit(model, nn.functional.cross_entropy, (ds.x_train, ds.y_train),
                epochs=cfg.monitor_epochs, batch_size=64, optimizer="adam", lr=1e-3,
                callbacks=[mon], seed=cfg.seed, progress=False, validation=None)
            fl = mon.findings()
        finally:
            mon.close()
        findings[act] = [f.code for f in fl]
        for f in fl:
            found.append({"activation": act, "depth": deepest, **f.to_json()})
    metrics = {"ratio": ratio, "profile": profile, "findings": findings,
               "depths": list(cfg.depths), "activations": list(cfg.activations)}
    t1 = Table("First/last layer gradient-norm ratio at initialisation",
               "初始化时首层/末层梯度范数比",
               ("activation", *(f"depth {d}" for d in cfg.depths)),
               tuple((a, *(f"{ratio[a][str(d)]:.2e}" for d in cfg.depths))
                     for a in cfg.activations),
               columns_zh=("激活函数", *(f"深度 {d}" for d in cfg.depths)))
    t2 = Table(f"Monitor findings after {cfg.monitor_epochs} epoch(s) at depth {deepest}",
               f"深度 {deepest} 训练 {cfg.monitor_epochs} 轮后监视器的发现",
               ("activation", "findings"),
               tuple((a, ", ".join(findings[a]) or "none") for a in cfg.activations),
               columns_zh=("激活函数", "发现"))
    return Result("vanishing-gradients", vars(cfg), metrics, (t1, t2), judge(metrics),
                  findings=tuple(found))


def figure(result: Result) -> Figure:
    """Heat map of log10(first/last ratio) and the per-layer profile at the largest depth."""
    m = result.metrics
    acts, depths = m["activations"], m["depths"]
    fig, axes = new_figure(2, 1, width=5.2, height=3.8)
    ax = axes[0]
    grid = [[math.log10(max(m["ratio"][a][str(d)], 1e-30)) for d in depths] for a in acts]
    im = ax.imshow(grid, cmap="RdBu", vmin=-8, vmax=8, aspect="auto")
    ax.set_xticks(range(len(depths)), [str(d) for d in depths])
    ax.set_yticks(range(len(acts)), acts)
    ax.set_xlabel("hidden layers")
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=7,
                    color="white" if abs(v) > 5 else "black")
    ax.set_title("log10 ||dL/dW_first|| / ||dL/dW_last||", fontsize=9)
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax = axes[1]
    for a in acts:
        norms = m["profile"][a]
        ax.semilogy(range(1, len(norms) + 1), [max(v, 1e-30) for v in norms], label=a)
    ax.set_xlabel("layer (input side first)")
    ax.set_ylabel("||dL/dW||")
    ax.set_title(f"per-layer gradient norm, {max(depths)} hidden layers", fontsize=9)
    ax.legend(fontsize=7, ncol=2)
    return fig


def _orders(m: Mapping[str, Any]) -> float:
    deepest = str(max(int(d) for d in m["ratio"]["relu"]))
    rs = max(float(m["ratio"]["sigmoid"][deepest]), 1e-300)
    rr = max(float(m["ratio"]["relu"][deepest]), 1e-300)
    return math.log10(rr) - math.log10(rs)


EFFECT = Effect("orders of magnitude between ReLU's and sigmoid's first/last gradient ratio "
                "at the largest depth",
                "最大深度下 ReLU 与 sigmoid 首层/末层梯度比相差的数量级", _orders, minimum=3.0)


EXPERIMENT = REGISTRY.add(Experiment(
    name="vanishing-gradients",
    title="Sigmoid stacks lose their gradient; ReLU keeps it",
    title_zh="Sigmoid 深层堆叠的梯度消失,ReLU 则不会",
    claims=(
        Claim("003_ee359a0e5008e516.txt",
              "梯度消失就是指,在传播过程中,梯度信号变得越来越小,当传到网络的浅层(靠近输入的层)时,"
              "梯度已经小到几乎为零。",
              "Vanishing gradients: the gradient signal shrinks as it propagates, and by the "
              "time it reaches the shallow layers (near the input) it is almost zero."),
        Claim("001_27ea7541dd684257.txt",
              "Sigmoid函数和Tanh函数虽然具有平滑的非线性特性,但它们容易出现梯度消失问题,"
              "导致深层神经网络难以训练。而ReLU函数则能有效缓解这个问题",
              "Sigmoid and tanh, though smooth, are prone to vanishing gradients, making deep "
              "networks hard to train; ReLU effectively alleviates the problem."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    needs=("diagnostics",),
    summary="Per-layer gradient norms of 5- to 30-layer stacks for seven activations, each "
            "with its own initialisation, plus the diagnostics monitor's findings.",
    summary_zh="七种激活函数(各用其对应初始化)在 5 到 30 层堆叠中的逐层梯度范数,"
               "以及诊断监视器的发现。",
))
