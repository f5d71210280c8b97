"""Loss robustness: parameter error of a linear fit under 0, 5 and 20% outliers.

Data: ``actloss.lab.data.load('outliers')`` (``y = x . w + noise``; a fraction of the
training targets moved by +-5 to 10 target standard deviations; features and targets
left unstandardised so the true ``w`` is known). A linear model is fitted with each loss
by full-batch Adam with a linearly decaying step, and the parameter error
``sqrt(|w_hat - w|^2 + b_hat^2)`` is measured (the true bias is 0).
"""

from __future__ import annotations

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
from actloss.lab.experiments._common import BaseConfig, new_figure
from actloss.lab.stats import Effect

__all__ = ["Config", "figure", "judge", "run"]

LOSSES = ("mse", "mae", "huber", "log_cosh", "adaptive_robust")


@dataclass(frozen=True)
class Config(BaseConfig):
    fractions: tuple[float, ...] = setting((0.0, 0.05, 0.2), interval=Interval(0.0, 0.5, True),
                                           doc="fractions of corrupted training targets")
    losses: tuple[str, ...] = setting(LOSSES, doc="loss catalog names")
    n_samples: int = setting(800, interval=Interval(8, float("inf"), True),
                             doc="samples (75% for training)")
    n_features: int = setting(4, interval=Interval(1, 100, True, True), doc="features")
    steps: int = setting(400, interval=INT_POS, doc="full-batch Adam steps")
    lr: float = setting(0.05, interval=POSITIVE, doc="initial learning rate")
    repeats: int = setting(2, interval=INT_POS, doc="data seeds averaged")


QUICK = {"steps": 150, "repeats": 1, "n_samples": 400}

RULE = ("supported if, at the largest outlier fraction, Huber's parameter error is below half "
        "of MSE's, and without outliers MSE's error is within 1.5x of the best loss's "
        "(MSE is fine on clean Gaussian noise)")
RULE_ZH = ("若在最大离群点比例下 Huber 的参数误差低于 MSE 的一半,且无离群点时 MSE 的误差不超过"
           "最佳损失的 1.5 倍(干净高斯噪声下 MSE 表现良好),则判为支持")


def _fit(loss_name: str, x: torch.Tensor, y: torch.Tensor, cfg: Config, seed: int) -> nn.Linear:
    from actloss import losses

    torch.manual_seed(seed)
    model = nn.Linear(x.shape[1], 1)
    loss_mod = losses.get(loss_name)
    params = list(model.parameters()) + list(loss_mod.parameters())
    opt = torch.optim.Adam(params, lr=cfg.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0 - s / cfg.steps)
    for _ in range(cfg.steps):
        opt.zero_grad(set_to_none=True)
        loss_mod(model(x), y).backward()
        opt.step()
        sched.step()
    return model


def judge(m: dict[str, Any]) -> Verdict:
    err = m["error"]
    fr = m["fractions"]
    hi, lo = str(max(fr)), str(min(fr))
    e_mse_hi, e_hub_hi = err["mse"][hi], err["huber"][hi]
    best_lo = min(err[k][lo] for k in err)
    ok = e_hub_hi < 0.5 * e_mse_hi and err["mse"][lo] <= 1.5 * best_lo
    because = (f"outliers {float(hi):.0%}: error MSE {e_mse_hi:.3f}, Huber {e_hub_hi:.3f}; "
               f"outliers {float(lo):.0%}: MSE {err['mse'][lo]:.3f}, best {best_lo:.3f}")
    because_zh = (f"离群点 {float(hi):.0%}:MSE 误差 {e_mse_hi:.3f},Huber {e_hub_hi:.3f};"
                  f"离群点 {float(lo):.0%}:MSE {err['mse'][lo]:.3f},最佳 {best_lo:.3f}")
    return Verdict("supported" if ok else "not supported", RULE, RULE_ZH, because, because_zh)


def run(cfg: Config) -> Result:
    from actloss.errors import ParameterError
    from actloss.lab.data import load

    for need in ("mse", "huber"):
        if need not in cfg.losses:
            raise ParameterError(f"`losses` of experiment loss-robustness must include "
                                 f"{need!r} (the claim compares MSE and Huber); got "
                                 f"{cfg.losses!r}")
    error: dict[str, dict[str, float]] = {name: {} for name in cfg.losses}
    test_mse: dict[str, dict[str, float]] = {name: {} for name in cfg.losses}
    for frac in cfg.fractions:
        sums = {name: [0.0, 0.0] for name in cfg.losses}
        for r in range(cfg.repeats):
            ds = load("outliers", seed=cfg.seed + r, standardize=False,
                      n_samples=cfg.n_samples, n_features=cfg.n_features,
                      outlier_fraction=frac)
            w_true = torch.as_tensor(ds.extra["true_weight"], dtype=torch.float32)
            for name in cfg.losses:
                model = _fit(name, ds.x_train, ds.y_train, cfg, cfg.seed + r)
                with torch.no_grad():
                    e = torch.cat([model.weight[0] - w_true, model.bias]).norm()
                    t = ((model(ds.x_test) - ds.y_test) ** 2).mean()
                sums[name][0] += float(e)
                sums[name][1] += float(t)
        for name in cfg.losses:
            error[name][str(frac)] = sums[name][0] / cfg.repeats
            test_mse[name][str(frac)] = sums[name][1] / cfg.repeats
    metrics = {"error": error, "test_mse": test_mse, "fractions": list(cfg.fractions)}
    cols = tuple(f"{f:.0%} outliers" for f in cfg.fractions)
    cols_zh = tuple(f"离群值 {f:.0%}" for f in cfg.fractions)
    t1 = Table("Parameter error |theta_hat - theta| (mean over data seeds)",
               "参数误差 |θ̂ - θ|(多个数据种子的平均)", ("loss", *cols),
               tuple((n, *(round(error[n][str(f)], 4) for f in cfg.fractions))
                     for n in cfg.losses),
               columns_zh=("损失", *cols_zh))
    t2 = Table("Test MSE on clean targets", "干净测试集上的 MSE", ("loss", *cols),
               tuple((n, *(round(test_mse[n][str(f)], 4) for f in cfg.fractions))
                     for n in cfg.losses),
               columns_zh=("损失", *cols_zh))
    return Result("loss-robustness", vars(cfg), metrics, (t1, t2), judge(metrics))


def figure(result: Result) -> Figure:
    """Parameter error against the outlier fraction, one line per loss."""
    m = result.metrics
    fig, axes = new_figure(1, 1, width=5.5, height=3.6)
    ax = axes[0]
    fr = m["fractions"]
    for name, row in m["error"].items():
        ax.plot([100 * f for f in fr], [row[str(f)] for f in fr], "-o", label=name)
    ax.set_yscale("log")
    ax.set_xlabel("outliers in the training targets (%)")
    ax.set_ylabel("parameter error")
    ax.legend(fontsize=8)
    ax.set_title("linear regression with outliers", fontsize=9)
    return fig


def _ratio(m: Mapping[str, Any]) -> float:
    hi = str(max(m["fractions"]))
    return float(m["error"]["mse"][hi]) / max(float(m["error"]["huber"][hi]), 1e-12)


EFFECT = Effect("parameter error at the largest outlier fraction: MSE's over Huber's",
                "最大离群点比例下的参数误差：MSE 与 Huber 之比", _ratio, minimum=2.0, null=1.0)


EXPERIMENT = REGISTRY.add(Experiment(
    name="loss-robustness",
    title="Squared error is pulled by outliers; Huber is not",
    title_zh="平方误差受离群点牵引,Huber 则不会",
    claims=(
        Claim("001_27ea7541dd684257.txt",
              "它对于异常值(outliers)较为敏感,因为平方项会放大异常值的影响。",
              "MSE is sensitive to outliers, because the square amplifies their influence."),
        Claim("000_5b08fef0015a8918.txt",
              "回归 | 离群点多 | Huber Loss | 线性",
              "Regression with many outliers: Huber loss, linear output."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    summary="Linear regression with 0, 5 and 20% outlying targets, fitted with MSE, MAE, "
            "Huber, log-cosh and the adaptive robust loss.",
    summary_zh="在 0%、5%、20% 离群目标下,用 MSE、MAE、Huber、log-cosh "
               "与自适应鲁棒损失拟合线性回归。",
))
