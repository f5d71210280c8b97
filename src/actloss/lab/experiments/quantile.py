"""Quantile regression: pinball loss at q = 0.1, 0.5, 0.9 and the coverage it achieves.

Data: ``y = x + sin(2x) + (0.2 + 0.4|x|) * eps`` with ``x ~ U(-2, 2)`` and
``eps ~ N(0, 1)``: the noise grows with ``|x|``, so a fixed-width band cannot cover it.
One MLP with a linear head of three outputs is trained on the sum of the catalog's
quantile (pinball) losses ``max(q (y - f), (q - 1)(y - f))``, one per output. Measured
on fresh test data: the fraction of targets below each predicted quantile (should be
``q``) and the coverage of the interval [q0.1, q0.9] (should be 0.8).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from matplotlib.figure import Figure
from torch import nn

from actloss._validation import OPEN_UNIT, POSITIVE
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
from actloss.lab.experiments._common import BaseConfig, generator, new_figure, train_loop
from actloss.lab.stats import Effect

__all__ = ["Config", "figure", "judge", "run"]


@dataclass(frozen=True)
class Config(BaseConfig):
    quantiles: tuple[float, ...] = setting((0.1, 0.5, 0.9), interval=OPEN_UNIT,
                                           doc="quantile levels, ascending")
    n_train: int = setting(4000, interval=INT_POS, doc="training samples")
    n_test: int = setting(4000, interval=INT_POS, doc="test samples")
    steps: int = setting(1500, interval=INT_POS, doc="Adam steps (mini-batches of 256)")
    lr: float = setting(0.005, interval=POSITIVE, doc="learning rate")


QUICK = {"n_train": 2000, "steps": 400}

TOL = 0.05
RULE = (f"supported if, for every q, the fraction of test targets below the predicted "
        f"q-quantile is within {TOL} of q, and the outer interval's coverage is within {TOL} "
        f"of its nominal level")
RULE_ZH = (f"若对每个 q,测试目标低于预测 q 分位数的比例与 q 相差不超过 {TOL},"
           f"且最外层区间的覆盖率与名义水平相差不超过 {TOL},则判为支持")


def _data(n: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    x = 4.0 * torch.rand(n, 1, generator=g) - 2.0
    noise = (0.2 + 0.4 * x.abs()) * torch.randn(n, 1, generator=g)
    return x, x + torch.sin(2 * x) + noise


def judge(m: dict[str, Any]) -> Verdict:
    below = m["below"]
    qs = [float(q) for q in below]
    errs = [abs(below[str(q)] - q) for q in qs]
    nominal = max(qs) - min(qs)
    cov = m["coverage"]
    ok = all(e <= TOL for e in errs) and abs(cov - nominal) <= TOL
    because = ("fraction below: " + ", ".join(f"q={q:g}: {below[str(q)]:.3f}" for q in qs)
               + f"; coverage of [{min(qs):g}, {max(qs):g}]: {cov:.3f} (nominal {nominal:.2f})")
    because_zh = ("低于预测分位数的比例:" + ",".join(f"q={q:g}:{below[str(q)]:.3f}" for q in qs)
                  + f";区间 [{min(qs):g}, {max(qs):g}] 覆盖率:{cov:.3f}(名义 {nominal:.2f})")
    return Verdict("supported" if ok else "not supported", RULE, RULE_ZH, because, because_zh)


def run(cfg: Config) -> Result:
    from actloss import losses
    from actloss.errors import ParameterError

    qs = list(cfg.quantiles)
    if len(qs) < 2 or qs != sorted(set(qs)):
        raise ParameterError("`quantiles` of experiment quantile must hold at least two "
                             f"distinct levels in ascending order; got {cfg.quantiles!r}")
    g = generator(cfg.seed)
    x, y = _data(cfg.n_train, g)
    xt, yt = _data(cfg.n_test, g)
    pinball = [losses.get("quantile", q=q) for q in qs]

    def loss_fn(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        # one pinball loss per output column, summed
        return sum(lf(out[:, i:i + 1], target) for i, lf in enumerate(pinball))

    torch.manual_seed(cfg.seed)
    model = nn.Sequential(nn.Linear(1, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                          nn.Linear(64, len(qs)))
    train_loop(model, loss_fn, x, y, steps=cfg.steps, lr=cfg.lr, batch_size=256, seed=cfg.seed)
    with torch.no_grad():
        pred = model(xt)
    below = {str(q): float((yt[:, 0] <= pred[:, i]).float().mean()) for i, q in enumerate(qs)}
    coverage = float(((yt[:, 0] >= pred[:, 0]) & (yt[:, 0] <= pred[:, -1])).float().mean())
    crossing = float((pred[:, 1:] < pred[:, :-1]).any(1).float().mean())
    grid = torch.linspace(-2, 2, 101).unsqueeze(1)
    with torch.no_grad():
        curve = model(grid)
    k = min(600, cfg.n_test)
    metrics = {"below": below, "coverage": coverage, "crossing_fraction": crossing,
               "curve": {"x": grid[:, 0].tolist(), "q": curve.T.tolist()},
               "sample": {"x": xt[:k, 0].tolist(), "y": yt[:k, 0].tolist()}}
    table = Table("Fraction of test targets below each predicted quantile",
                  "测试目标低于各预测分位数的比例",
                  ("q", "fraction below", "error"),
                  tuple((q, round(below[str(q)], 4), round(below[str(q)] - q, 4)) for q in qs),
                  columns_zh=("q", "低于预测分位数的比例", "误差"))
    table2 = Table("Interval coverage", "区间覆盖率",
                   ("interval", "nominal", "measured", "crossed quantiles"),
                   ((f"[q{qs[0]:g}, q{qs[-1]:g}]", round(qs[-1] - qs[0], 4), round(coverage, 4),
                     round(crossing, 4)),),
                   columns_zh=("区间", "名义覆盖率", "实测覆盖率", "分位数交叉比例"))
    return Result("quantile", vars(cfg), metrics, (table, table2), judge(metrics))


def figure(result: Result) -> Figure:
    """Test data and the predicted quantile curves."""
    m = result.metrics
    fig, axes = new_figure(1, 1, width=6.0, height=3.8)
    ax = axes[0]
    ax.scatter(m["sample"]["x"], m["sample"]["y"], s=3, alpha=0.4, color="#777777")
    for q, curve in zip(m["below"], m["curve"]["q"]):
        ax.plot(m["curve"]["x"], curve, lw=1.8, label=f"q = {q} (below: {m['below'][q]:.2f})")
    ax.set_title(f"quantile regression; interval coverage {m['coverage']:.3f}", fontsize=9)
    ax.legend(fontsize=8)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return fig


def _calibration_error(m: Mapping[str, Any]) -> float:
    below = m["below"]
    qs = [float(q) for q in below]
    errs = [abs(float(below[q]) - float(q)) for q in below]
    return max([*errs, abs(float(m["coverage"]) - (max(qs) - min(qs)))])


EFFECT = Effect("largest calibration error (fraction below each quantile, outer coverage)",
                "最大校准误差（各分位数以下的比例、最外层区间覆盖率）", _calibration_error,
                minimum=TOL, null=TOL, direction=-1)


EXPERIMENT = REGISTRY.add(Experiment(
    name="quantile",
    title="Quantile loss gives calibrated prediction intervals",
    title_zh="分位数损失给出校准的预测区间",
    claims=(
        Claim("000_5b08fef0015a8918.txt", "回归 | 分位数预测 | Quantile Loss | 线性",
              "Regression, quantile prediction: quantile loss with a linear output."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    summary="Heteroscedastic 1-D regression; one network predicts q = 0.1, 0.5, 0.9 with the "
            "pinball loss; measured coverage on fresh data.",
    summary_zh="异方差的一维回归;一个网络用分位数(pinball)损失预测 q = 0.1、0.5、0.9;"
               "在新数据上测量覆盖率。",
))
