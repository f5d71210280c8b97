"""Linear collapse: stacked linear layers are one linear map.

Without an activation, ``W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)``, so any depth
of linear layers computes one affine map. The experiment composes the weights of a
random deep linear stack into one matrix and one bias and measures the largest
difference of the two outputs (float64), then trains the stack and the same stack with
ReLU between the layers on XOR and on two moons.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from matplotlib.figure import Figure
from torch import nn

from actloss._validation import POSITIVE, Interval
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
from actloss.lab.experiments._common import BaseConfig, accuracy, new_figure, train_loop
from actloss.lab.stats import Effect

__all__ = ["Config", "figure", "judge", "run"]


@dataclass(frozen=True)
class Config(BaseConfig):
    depth: int = setting(4, interval=INT_POS, doc="number of linear layers")
    width: int = setting(32, interval=INT_POS, doc="hidden width")
    n: int = setting(400, interval=Interval(8, math.inf, low_closed=True),
                     doc="samples per data set (80% used for training)")
    steps: int = setting(600, interval=INT_POS, doc="full-batch Adam steps")
    lr: float = setting(0.02, interval=POSITIVE, doc="learning rate")


QUICK = {"steps": 150, "n": 200, "width": 16}

RULE = ("supported if the composed single map reproduces the stack to within 1e-9 "
        "(float64), the linear stack stays at or below 0.80 accuracy on XOR and at least "
        "0.05 below the ReLU stack on moons, and the ReLU stack reaches 0.95 on XOR")
RULE_ZH = ("若合成的单个线性映射与堆叠网络的输出差不超过 1e-9(float64),"
           "线性堆叠在 XOR 上的准确率不超过 0.80,在 moons 上比 ReLU 堆叠至少低 0.05,"
           "且 ReLU 堆叠在 XOR 上达到 0.95,则判为支持")


def _stack(depth: int, width: int, d_in: int, d_out: int, act: bool) -> nn.Sequential:
    sizes = [d_in] + [width] * (depth - 1) + [d_out]
    layers: list[nn.Module] = []
    for i in range(depth):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if act and i < depth - 1:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def compose(stack: nn.Sequential) -> tuple[torch.Tensor, torch.Tensor]:
    """The single (W, b) of a stack of linear layers: W = W_k...W_1, b folded through."""
    linears = [m for m in stack if isinstance(m, nn.Linear)]
    w = linears[0].weight.detach().clone()
    b = linears[0].bias.detach().clone()
    for layer in linears[1:]:
        # W2 (W x + b) + b2 = (W2 W) x + (W2 b + b2)
        w = layer.weight.detach() @ w
        b = layer.weight.detach() @ b + layer.bias.detach()
    return w, b


def judge(m: dict[str, Any]) -> Verdict:
    """The verdict from the measured numbers (see RULE)."""
    ok = (m["compose_max_abs_diff"] <= 1e-9 and m["linear"]["xor"] <= 0.80
          and m["relu"]["xor"] >= 0.95 and m["relu"]["moons"] - m["linear"]["moons"] >= 0.05)
    because = (f"max |stack - composed| = {m['compose_max_abs_diff']:.2e}; XOR accuracy "
               f"linear {m['linear']['xor']:.3f} vs ReLU {m['relu']['xor']:.3f}; moons "
               f"linear {m['linear']['moons']:.3f} vs ReLU {m['relu']['moons']:.3f}")
    because_zh = (f"堆叠与合成映射的最大差 {m['compose_max_abs_diff']:.2e};XOR 准确率:线性 "
                  f"{m['linear']['xor']:.3f},ReLU {m['relu']['xor']:.3f};moons:线性 "
                  f"{m['linear']['moons']:.3f},ReLU {m['relu']['moons']:.3f}")
    return Verdict("supported" if ok else "not supported", RULE, RULE_ZH, because, because_zh)


def run(cfg: Config) -> Result:
    torch.manual_seed(cfg.seed)
    stack = _stack(cfg.depth, cfg.width, 2, 1, act=False).double()
    x = torch.randn(1000, 2, dtype=torch.float64)
    w, b = compose(stack)
    with torch.no_grad():
        diff = float((stack(x) - (x @ w.T + b)).abs().max())
    from actloss.lab.data import load

    data = {}
    for name in ("xor", "moons"):
        ds = load(name, seed=cfg.seed, n_samples=cfg.n, test_size=0.2)
        data[name] = (ds.x_train, ds.y_train)
    acc: dict[str, dict[str, float]] = {"linear": {}, "relu": {}}
    curves: dict[str, list[float]] = {}
    grids: dict[str, Any] = {}
    for kind in ("linear", "relu"):
        for name, (xd, yd) in data.items():
            torch.manual_seed(cfg.seed)
            model = _stack(cfg.depth, cfg.width, 2, 1, act=kind == "relu")
            curves[f"{kind}/{name}"] = train_loop(
                model, lambda out, t: nn.functional.binary_cross_entropy_with_logits(
                    out.squeeze(-1), t.float()),
                xd, yd, steps=cfg.steps, lr=cfg.lr, seed=cfg.seed)
            with torch.no_grad():
                acc[kind][name] = accuracy(model(xd), yd)
                grids[f"{kind}/{name}"] = _decision_grid(model, xd)
    metrics = {"compose_max_abs_diff": diff, "linear": acc["linear"], "relu": acc["relu"],
               "final_loss": {k: v[-1] for k, v in curves.items()},
               "points": {k: [v[0].tolist(), v[1].tolist()] for k, v in data.items()},
               "grids": grids}
    table = Table("Training accuracy", "训练集准确率", ("data", "linear stack", "ReLU stack"),
                  tuple((name, round(acc["linear"][name], 4), round(acc["relu"][name], 4))
                        for name in data),
                  columns_zh=("数据集", "线性层堆叠", "ReLU 层堆叠"))
    table2 = Table("Composition check (float64)", "合成检验(float64)",
                   ("depth", "max |stack(x) - (Wx + b)|"),
                   ((cfg.depth, f"{diff:.3e}"),),
                   columns_zh=("深度", "最大 |stack(x) - (Wx + b)|"))
    return Result("linear-collapse", vars(cfg), metrics, (table, table2), judge(metrics))


def _decision_grid(model: nn.Module, x: torch.Tensor, n: int = 60) -> dict[str, Any]:
    lo = (x.min(0).values - 0.5).tolist()
    hi = (x.max(0).values + 0.5).tolist()
    gx = torch.linspace(lo[0], hi[0], n)
    gy = torch.linspace(lo[1], hi[1], n)
    mesh = torch.stack(torch.meshgrid(gx, gy, indexing="xy"), -1).reshape(-1, 2)
    p = torch.sigmoid(model(mesh.to(next(model.parameters()).dtype))).reshape(n, n)
    return {"x": gx.tolist(), "y": gy.tolist(), "p": p.tolist()}


def figure(result: Result) -> Figure:
    """Decision regions of the linear and the ReLU stack on XOR and moons."""
    m = result.metrics
    fig, axes = new_figure(4, 1, width=3.2, height=3.0)
    for ax, key in zip(axes, ("linear/xor", "relu/xor", "linear/moons", "relu/moons")):
        kind, name = key.split("/")
        g = m["grids"][key]
        ax.contourf(g["x"], g["y"], g["p"], levels=[0, 0.5, 1], colors=["#cfe0f5", "#f8d4c4"])
        pts, lab = m["points"][name]
        xs = torch.tensor(pts)
        ys = torch.tensor(lab)
        ax.scatter(xs[:, 0], xs[:, 1], c=["#1f5fa8" if v == 0 else "#c0441a" for v in ys],
                   s=6)
        ax.set_title(f"{kind} stack, {name}: acc {m[kind][name]:.2f}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def _xor_gap(m: Mapping[str, Any]) -> float:
    return float(m["relu"]["xor"]) - float(m["linear"]["xor"])


EFFECT = Effect("XOR test accuracy: ReLU stack minus linear stack",
                "XOR 准确率：ReLU 堆叠减线性堆叠", _xor_gap, minimum=0.15)


EXPERIMENT = REGISTRY.add(Experiment(
    name="linear-collapse",
    title="Stacked linear layers collapse to one linear map",
    title_zh="堆叠的线性层坍缩为一个线性映射",
    claims=(
        Claim("003_ee359a0e5008e516.txt",
              "无论你堆叠多少层神经网络,整个网络的最终输出也仍然只是最开始输入的线性组合。",
              "However many layers you stack, the network's output is still only a linear "
              "combination of its input."),
        Claim("000_5b08fef0015a8918.txt",
              "output = w2*(w1*x + b1) + b2 = (w2*w1)*x + (w2*b1 + b2)",
              "Two linear layers equal one: output = (w2 w1) x + (w2 b1 + b2)."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    summary="Compose the weights of a deep linear stack; train it and a ReLU stack on XOR "
            "and moons.",
    summary_zh="合成深层线性堆叠的权重;在 XOR 与 moons 上训练它和带 ReLU 的堆叠。",
))
