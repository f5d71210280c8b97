"""Back-propagation by hand: the chain rule with the catalog's closed-form derivatives.

A two-layer network ``y = W2 f(W1 x + b1) + b2`` with the loss ``L = mean((y - t)^2)``
is differentiated by hand (float64)::

    dL/dy  = 2 (y - t) / N
    dL/dW2 = (dL/dy)^T a1,            dL/db2 = sum_n dL/dy
    dL/da1 = (dL/dy) W2
    dL/dz1 = dL/da1 * f'(z1)          # f' from actloss.activations.derivative
    dL/dW1 = (dL/dz1)^T x,            dL/db1 = sum_n dL/dz1

and compared with autograd; then one gradient-descent step
``W_new = W_old - lr * dL/dW`` is compared with ``torch.optim.SGD`` and checked to lower
the loss.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from matplotlib.figure import Figure

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
from actloss.lab.experiments._common import BaseConfig, generator, new_figure
from actloss.lab.stats import Effect

__all__ = ["Config", "figure", "judge", "manual_gradients", "run"]


@dataclass(frozen=True)
class Config(BaseConfig):
    activations: tuple[str, ...] = setting(
        ("all",), doc="catalog names, or 'all' for every element-wise entry with a derivative")
    n: int = setting(64, interval=INT_POS, doc="samples")
    hidden: int = setting(8, interval=INT_POS, doc="hidden width")
    lr: float = setting(1e-3, interval=POSITIVE, doc="learning rate of the update step")


QUICK: dict[str, Any] = {}

# Relative tolerance: float64 throughout, but PyTorch's backward of a few activations
# (hardsigmoid's 1/6, leaky_relu's and rrelu's slopes) uses float32 constants, which
# limits the agreement to about 2^-24 = 6e-8 of the gradient's size.
TOL = 1e-6
RULE = (f"supported if, for every activation, the hand-derived gradients match autograd to "
        f"within {TOL:g} of the largest gradient (float64), the update W - lr * dL/dW matches "
        f"torch.optim.SGD to within {TOL:g} of the largest weight, and the step lowers the "
        f"loss")
RULE_ZH = (f"若对每个激活函数,手推梯度与自动微分之差不超过最大梯度的 {TOL:g}(float64),"
           f"更新 W - lr·dL/dW 与 torch.optim.SGD 之差不超过最大权重的 {TOL:g},"
           f"且这一步降低了损失,则判为支持")


def manual_gradients(name: str, x: torch.Tensor, t: torch.Tensor,
                     params: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """dL/d(W1, b1, W2, b2) of ``L = mean((W2 f(W1 x + b1) + b2 - t)^2)`` by the chain rule."""
    from actloss import activations

    f = activations.spec(name).fn
    z1 = x @ params["W1"].T + params["b1"]
    a1 = f(z1)
    y = a1 @ params["W2"].T + params["b2"]
    dy = 2.0 * (y - t) / y.numel()  # d mean((y - t)^2) / dy
    da1 = dy @ params["W2"]
    dz1 = da1 * activations.derivative(name, z1)  # chain rule through f
    return {"W1": dz1.T @ x, "b1": dz1.sum(0), "W2": dy.T @ a1, "b2": dy.sum(0)}


def _names(cfg: Config) -> list[str]:
    from actloss import activations

    if cfg.activations == ("all",):
        # exponential is an output activation: as a hidden one, e^z of the N(0, 3)
        # pre-activations makes one step at lr 1e-3 overshoot, which says nothing about
        # the gradients compared here
        return [n for n in activations.names()
                if activations.spec(n).kind == "elementwise"
                and activations.spec(n).derivative is not None and n != "exponential"]
    return [activations.spec(n).name for n in cfg.activations]


def _loss(name: str, x: torch.Tensor, t: torch.Tensor, p: dict[str, torch.Tensor]) -> torch.Tensor:
    from actloss import activations

    y = activations.spec(name).fn(x @ p["W1"].T + p["b1"]) @ p["W2"].T + p["b2"]
    return ((y - t) ** 2).mean()


def judge(m: dict[str, Any]) -> Verdict:
    rows = m["per_activation"]
    worst_grad = max(r["grad_rel_diff"] for r in rows.values())
    worst_upd = max(r["update_rel_diff"] for r in rows.values())
    not_lower = [n for n, r in rows.items() if not r["loss_after"] < r["loss_before"]]
    ok = worst_grad <= TOL and worst_upd <= TOL and not not_lower and bool(rows)
    worst = max(rows, key=lambda n: rows[n]["grad_rel_diff"]) if rows else "-"
    because = (f"{len(rows)} activations; largest relative gradient difference "
               f"{worst_grad:.2e} ({worst}); largest relative update difference "
               f"{worst_upd:.2e}; loss not lowered for: {', '.join(not_lower) or 'none'}")
    because_zh = (f"{len(rows)} 个激活函数;最大相对梯度差 {worst_grad:.2e}({worst});"
                  f"最大相对更新差 {worst_upd:.2e};损失未下降的:{', '.join(not_lower) or '无'}")
    return Verdict("supported" if ok else "not supported", RULE, RULE_ZH, because, because_zh)


def run(cfg: Config) -> Result:
    g = generator(cfg.seed)
    dt = torch.float64
    x = torch.randn(cfg.n, 3, generator=g, dtype=dt)
    t = torch.sin(x.sum(1, keepdim=True))
    init = {"W1": torch.randn(cfg.hidden, 3, generator=g, dtype=dt),
            "b1": 0.1 * torch.randn(cfg.hidden, generator=g, dtype=dt),
            "W2": torch.randn(1, cfg.hidden, generator=g, dtype=dt) / math.sqrt(cfg.hidden),
            "b2": torch.zeros(1, dtype=dt)}
    rows: dict[str, dict[str, float]] = {}
    for name in _names(cfg):
        hand = manual_gradients(name, x, t, init)
        p = {k: v.clone().requires_grad_(True) for k, v in init.items()}
        loss = _loss(name, x, t, p)
        loss.backward()
        grad_diff = max(float((hand[k] - p[k].grad).abs().max()) for k in p)
        grad_size = max(float(p[k].grad.abs().max()) for k in p)
        # W_new = W_old - lr * dL/dW, by hand and by torch.optim.SGD
        new = {k: init[k] - cfg.lr * hand[k] for k in init}
        torch.optim.SGD(list(p.values()), lr=cfg.lr).step()
        upd_diff = max(float((new[k] - p[k].detach()).abs().max()) for k in p)
        w_size = max(float(v.abs().max()) for v in new.values())
        with torch.no_grad():
            after = float(_loss(name, x, t, new))
        rows[name] = {"grad_max_abs_diff": grad_diff, "grad_rel_diff": grad_diff / grad_size,
                      "update_max_abs_diff": upd_diff, "update_rel_diff": upd_diff / w_size,
                      "loss_before": float(loss.detach()), "loss_after": after}
    metrics = {"per_activation": rows}
    table = Table("Hand-derived gradients against autograd (float64)",
                  "手推梯度与自动微分对比(float64)",
                  ("activation", "max |grad diff|", "relative", "max |update diff|",
                   "loss before", "loss after one step"),
                  tuple((n, f"{r['grad_max_abs_diff']:.2e}", f"{r['grad_rel_diff']:.2e}",
                         f"{r['update_max_abs_diff']:.2e}",
                         round(r["loss_before"], 6), round(r["loss_after"], 6))
                        for n, r in rows.items()),
                  columns_zh=("激活函数", "最大 |梯度差|", "相对误差", "最大 |更新差|",
                              "更新前损失", "一步更新后损失"))
    return Result("backprop-by-hand", vars(cfg), metrics, (table,), judge(metrics))


def figure(result: Result) -> Figure:
    """log10 of the largest relative gradient difference per activation."""
    rows = result.metrics["per_activation"]
    names = list(rows)
    fig, axes = new_figure(1, 1, width=max(6.0, 0.28 * len(names)), height=3.4)
    ax = axes[0]
    vals = [math.log10(max(rows[n]["grad_rel_diff"], 1e-18)) for n in names]
    ax.bar(range(len(names)), vals, color="#3f7cbf")
    ax.axhline(math.log10(TOL), color="#b3261e", lw=1, ls="--", label=f"tolerance {TOL:g}")
    ax.set_xticks(range(len(names)), names, rotation=70, fontsize=7)
    ax.set_ylabel("log10 max |hand - autograd| / max |grad|")
    ax.set_ylim(-18, 0)
    ax.legend(fontsize=8)
    ax.set_title("chain rule with catalog derivatives vs autograd", fontsize=9)
    return fig


def _worst(m: Mapping[str, Any]) -> float:
    rows = m["per_activation"]
    return max(max(r["grad_rel_diff"], r["update_rel_diff"]) for r in rows.values())


EFFECT = Effect("largest relative difference between hand-derived and autograd gradients",
                "手推梯度与自动求导梯度的最大相对差", _worst, minimum=TOL, null=TOL,
                direction=-1, deterministic=True)


EXPERIMENT = REGISTRY.add(Experiment(
    name="backprop-by-hand",
    title="Back-propagation by the chain rule, checked against autograd",
    title_zh="用链式法则手算反向传播,并与自动微分核对",
    claims=(
        Claim("003_ee359a0e5008e516.txt",
              "算法使用微积分中的 链式法则 ,将“错误梯度” 从后一层反向传播到前一层。",
              "The algorithm uses the chain rule to propagate the error gradient from each "
              "layer back to the one before it."),
        Claim("003_ee359a0e5008e516.txt",
              "W_new = W_old - learning_rate · ∂L/∂W(减去梯度,是因为梯度指向 L 增加最快的方向,"
              "所以我们要朝相反方向去最小化 L)",
              "W_new = W_old - learning_rate * dL/dW (subtract the gradient, because it points "
              "where L increases fastest; moving the other way minimises L)."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    summary="A two-layer network's gradients by hand, using each catalog entry's closed-form "
            "derivative, against autograd; one gradient-descent step against torch.optim.SGD.",
    summary_zh="用目录中每个激活函数的闭式导数手算两层网络的梯度,与自动微分对比;"
               "并将一步梯度下降与 torch.optim.SGD 对比。",
))
