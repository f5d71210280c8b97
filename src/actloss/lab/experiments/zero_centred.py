"""Zero-centred outputs: sigmoid's positive outputs make weight updates zig-zag.

For a unit fed by the previous layer's outputs ``a``, the gradient of its weights on one
sample is ``dL/dw = delta * a`` (upstream gradient times input). When every component of
``a`` is positive (sigmoid), all components of ``dL/dw`` share the sign of ``delta``:
the weights all rise or all fall together. The experiment measures, in a small network
trained on digits, the fraction of (sample, unit) weight gradients whose components all
share one sign, and the same fraction for the mini-batch gradient; then it runs
gradient descent on a 2-D least-squares problem fed by sigmoid or by tanh outputs and
draws the two paths.
"""

from __future__ import annotations

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
from actloss.lab.experiments._common import BaseConfig, generator, new_figure
from actloss.lab.stats import Effect

__all__ = ["Config", "figure", "judge", "run"]


@dataclass(frozen=True)
class Config(BaseConfig):
    hidden: int = setting(32, interval=INT_POS, doc="width of the first hidden layer")
    steps: int = setting(60, interval=INT_POS, doc="mini-batch steps on digits")
    batch_size: int = setting(64, interval=INT_POS, doc="mini-batch size")
    path_steps: int = setting(3000, interval=INT_POS, doc="most gradient-descent steps in 2-D")


QUICK = {"steps": 20, "path_steps": 1500}

RULE = ("supported if every per-sample weight gradient of a unit fed by sigmoid shares one "
        "sign across its components (fraction >= 0.999), the tanh fraction is below 0.1, "
        "and 2-D gradient descent fed by sigmoid outputs needs at least twice the steps of "
        "the one fed by tanh outputs")
RULE_ZH = ("若由 sigmoid 输出馈入的单元,其逐样本权重梯度的各分量全部同号(比例 >= 0.999),"
           "tanh 的比例低于 0.1,且二维梯度下降在 sigmoid 输入下所需步数至少是 tanh 的两倍,"
           "则判为支持")


def _same_sign(g: torch.Tensor) -> torch.Tensor:
    """Rows of ``g`` whose non-zero components all have one sign."""
    pos = (g > 0).sum(-1)
    neg = (g < 0).sum(-1)
    return ((pos == 0) | (neg == 0)) & ((pos + neg) > 0)


def _network_fractions(act: str, cfg: Config, x: torch.Tensor, y: torch.Tensor) -> dict:
    torch.manual_seed(cfg.seed)
    f = torch.sigmoid if act == "sigmoid" else torch.tanh
    l1 = nn.Linear(x.shape[1], cfg.hidden)
    l2 = nn.Linear(cfg.hidden, 16)
    l3 = nn.Linear(16, 10)
    params = [*l1.parameters(), *l2.parameters(), *l3.parameters()]
    opt = torch.optim.SGD(params, lr=0.1)
    g = generator(cfg.seed)
    per_sample = batch = 0.0
    n_ps = n_b = 0
    for _ in range(cfg.steps):
        idx = torch.randint(0, x.shape[0], (cfg.batch_size,), generator=g).to(x.device)
        a1 = f(l1(x[idx]))  # the inputs of layer 2: positive for sigmoid
        z2 = l2(a1)
        z2.retain_grad()
        loss = nn.functional.cross_entropy(l3(f(z2)), y[idx], reduction="sum")
        opt.zero_grad()
        loss.backward()
        # per-sample gradient of unit j's weights: delta[n, j] * a1[n, :]
        ps = z2.grad[:, :, None] * a1.detach()[:, None, :]
        keep = z2.grad != 0
        per_sample += float(_same_sign(ps)[keep].float().sum())
        n_ps += int(keep.sum())
        batch += float(_same_sign(l2.weight.grad).float().sum())
        n_b += l2.weight.grad.shape[0]
        opt.step()
    return {"per_sample": per_sample / max(n_ps, 1), "mini_batch": batch / max(n_b, 1)}


def _path(act: str, cfg: Config) -> dict[str, Any]:
    """Per-sample gradient descent on L(w) = (w . a - y)^2 / 2 with a = act(z), z ~ N(0, 4).

    Each step uses one sample, so the step is ``-lr * (w . a - y) * a``: a multiple of
    ``a``. The step size is normalised, ``lr = 0.5 / mean |a|^2``, so both activations take
    steps of comparable length.
    """
    g = generator(cfg.seed + 1)
    z = 2.0 * torch.randn(256, 2, generator=g, dtype=torch.float64)
    a = torch.sigmoid(z) if act == "sigmoid" else torch.tanh(z)
    w_star = torch.tensor([1.0, -1.0], dtype=torch.float64)
    y = a @ w_star
    h = a.T @ a / a.shape[0]  # the Hessian of the mean loss
    eig = torch.linalg.eigvalsh(h)
    lr = 0.5 / float((a * a).sum(1).mean())
    w = torch.tensor([-1.0, 1.0], dtype=torch.float64)
    path = [w.tolist()]
    same = 0
    steps_to = None
    order = torch.randint(0, a.shape[0], (cfg.path_steps,), generator=g)
    for step in range(1, cfg.path_steps + 1):
        ai = a[order[step - 1]]
        grad = (w @ ai - y[order[step - 1]]) * ai  # dL/dw = upstream gradient * input
        same += int(bool((grad[0] * grad[1]) > 0))
        w = w - lr * grad
        path.append(w.tolist())
        if float((w - w_star).norm()) < 0.05:
            steps_to = step
            break
    return {"path": path, "steps_to_0.05": steps_to if steps_to is not None else cfg.path_steps,
            "converged": steps_to is not None, "condition_number": float(eig[-1] / eig[0]),
            "same_sign_steps": same / max(len(path) - 1, 1), "lr": lr,
            "hessian": h.tolist(), "w_star": w_star.tolist()}


def judge(m: dict[str, Any]) -> Verdict:
    s, t = m["network"]["sigmoid"], m["network"]["tanh"]
    ps, pt = m["path"]["sigmoid"]["steps_to_0.05"], m["path"]["tanh"]["steps_to_0.05"]
    ok = s["per_sample"] >= 0.999 and t["per_sample"] < 0.1 and ps >= 2 * pt
    because = (f"same-sign fraction per sample: sigmoid {s['per_sample']:.3f}, tanh "
               f"{t['per_sample']:.3f}; per mini-batch: sigmoid {s['mini_batch']:.3f}, tanh "
               f"{t['mini_batch']:.3f}; 2-D descent steps: sigmoid {ps}, tanh {pt}")
    because_zh = (f"逐样本同号比例:sigmoid {s['per_sample']:.3f},tanh {t['per_sample']:.3f};"
                  f"小批量:sigmoid {s['mini_batch']:.3f},tanh {t['mini_batch']:.3f};"
                  f"二维梯度下降步数:sigmoid {ps},tanh {pt}")
    return Verdict("supported" if ok else "not supported", RULE, RULE_ZH, because, because_zh)


def run(cfg: Config) -> Result:
    from actloss.lab.data import load

    ds = load("digits", seed=cfg.seed)
    net = {act: _network_fractions(act, cfg, ds.x_train, ds.y_train)
           for act in ("sigmoid", "tanh")}
    path = {act: _path(act, cfg) for act in ("sigmoid", "tanh")}
    metrics = {"network": net, "path": path}
    t1 = Table("Weight gradients of layer 2 whose components all share one sign",
               "第二层权重梯度各分量全部同号的比例",
               ("input activation", "per sample", "per mini-batch"),
               tuple((a, round(net[a]["per_sample"], 4), round(net[a]["mini_batch"], 4))
                     for a in net),
               columns_zh=("输入激活函数", "逐样本", "逐小批量"))
    t2 = Table("Per-sample gradient descent in 2-D", "二维逐样本梯度下降",
               ("input activation", "steps to |w - w*| < 0.05", "condition number",
                "steps moving both weights the same way"),
               tuple((a, path[a]["steps_to_0.05"], round(path[a]["condition_number"], 2),
                      round(path[a]["same_sign_steps"], 3)) for a in path),
               columns_zh=("输入激活函数", "到 |w - w*| < 0.05 的步数", "条件数",
                           "两个权重同向移动的步数比例"))
    return Result("zero-centred", vars(cfg), metrics, (t1, t2), judge(metrics))


def figure(result: Result) -> Figure:
    """The two gradient-descent paths over the loss contours, and the fractions."""
    m = result.metrics
    fig, axes = new_figure(3, 1, width=3.6, height=3.3)
    for ax, act in zip(axes, ("sigmoid", "tanh")):
        p = m["path"][act]
        h = torch.tensor(p["hessian"])
        ws = torch.tensor(p["w_star"])
        gx = torch.linspace(-1.6, 1.6, 80)
        gy = torch.linspace(-1.6, 1.6, 80)
        xx, yy = torch.meshgrid(gx, gy, indexing="xy")
        d = torch.stack([xx - ws[0], yy - ws[1]], -1)
        loss = 0.5 * torch.einsum("...i,ij,...j->...", d, h, d)
        ax.contour(gx, gy, loss, levels=15, linewidths=0.6, colors="#999999")
        path = torch.tensor(p["path"])
        shown = path[: min(len(path), 400)]
        ax.plot(shown[:, 0], shown[:, 1], "-o", ms=2, lw=0.8, color="#c0441a")
        ax.plot([ws[0]], [ws[1]], "k*", ms=10)
        ax.set_title(f"inputs from {act}: {p['steps_to_0.05']} steps", fontsize=9)
        ax.set_xlabel("w1")
        ax.set_ylabel("w2")
        ax.set_aspect("equal")
    ax = axes[2]
    acts = list(m["network"])
    xs = range(len(acts))
    ax.bar([i - 0.2 for i in xs], [m["network"][a]["per_sample"] for a in acts], 0.4,
           label="per sample")
    ax.bar([i + 0.2 for i in xs], [m["network"][a]["mini_batch"] for a in acts], 0.4,
           label="per mini-batch")
    ax.set_xticks(list(xs), acts)
    ax.set_ylim(0, 1.05)
    ax.set_title("weight gradients with one sign", fontsize=9)
    ax.legend(fontsize=8)
    return fig


def _steps_ratio(m: Mapping[str, Any]) -> float:
    ps = float(m["path"]["sigmoid"]["steps_to_0.05"])
    pt = float(m["path"]["tanh"]["steps_to_0.05"])
    return ps / max(pt, 1.0)


EFFECT = Effect("2-D descent steps to the optimum: sigmoid's over tanh's",
                "二维梯度下降到达最优点的步数：sigmoid 与 tanh 之比", _steps_ratio,
                minimum=2.0, null=1.0)


EXPERIMENT = REGISTRY.add(Experiment(
    name="zero-centred",
    title="Non-zero-centred sigmoid outputs make updates zig-zag",
    title_zh="Sigmoid 输出非零中心导致更新呈“Z”字形",
    claims=(
        Claim("003_ee359a0e5008e516.txt",
              "由于 x(Sigmoid 的输出)始终为正,导致偏导数的 所有分量的符号(正或负)都完全取决于"
              "上游梯度。这会导致权重在更新时,要么 所有的权重都一起增加,要么所有的权重都一起减小。"
              "这限制了梯度下降的寻优路径,使其只能呈“Z”字形(ZigZag)下降,收敛效率低下。",
              "Because x (sigmoid's output) is always positive, the signs of all components "
              "of the partial derivative depend only on the upstream gradient, so the weights "
              "either all increase or all decrease together; this restricts gradient descent "
              "to a zig-zag path and slows convergence."),
        Claim("003_ee359a0e5008e516.txt",
              "相比之下, Tanh (输出为 -1 到 1,零中心)在这个问题上表现更好。",
              "By contrast, tanh (outputs in -1 to 1, zero-centred) does better here."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    summary="Sign agreement of weight gradients behind sigmoid vs tanh, and 2-D descent "
            "paths.",
    summary_zh="比较 sigmoid 与 tanh 之后权重梯度的同号比例,以及二维梯度下降路径。",
))
