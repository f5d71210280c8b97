"""GAN losses on a 2-D mixture of eight Gaussians on a ring.

Target: eight modes on a circle of radius 2, standard deviation 0.05 each. The same
generator (noise -> 2-D point) and discriminator (2-D point -> score) MLPs are trained
with each loss pair of the catalog:

* minimax: ``gan_minimax_d`` / ``gan_minimax_g`` (the generator minimises
  ``log(1 - D(G(z)))``, which saturates);
* non-saturating: ``gan_minimax_d`` / ``gan_nonsaturating_g`` (the 000 listing:
  ``g_loss = bce(ones, fake_output)``);
* least squares: ``lsgan_d`` / ``lsgan_g``;
* Wasserstein-GP: ``wgan_critic`` + ``gradient_penalty`` / ``wgan_g``, with
  ``critic_steps`` (5) critic updates per generator update, as in the WGAN-GP paper;
* hinge: ``gan_hinge_d`` / ``wgan_g`` (the hinge generator loss is ``-D(G(z))``).

Measured on 2,000 generated points: modes covered (a mode is covered when at least 2%
of the points lie within 0.25 of its centre), the fraction of such high-quality points,
and the sliced Wasserstein-1 distance to fresh target samples (mean over 64 random
directions of the 1-D Wasserstein distance of the projections, computed by sorting).
"""

from __future__ import annotations

import math
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
from actloss.lab.experiments._common import BaseConfig, generator, new_figure
from actloss.lab.stats import Effect

__all__ = ["Config", "figure", "judge", "ring", "run", "sliced_wasserstein"]

LOSSES = ("minimax", "non-saturating", "least squares", "wasserstein-gp", "hinge")


@dataclass(frozen=True)
class Config(BaseConfig):
    losses: tuple[str, ...] = setting(LOSSES, choices=LOSSES, doc="loss pairs to train")
    steps: int = setting(1500, interval=INT_POS, doc="generator steps")
    batch: int = setting(256, interval=INT_POS, doc="samples per step")
    width: int = setting(64, interval=INT_POS, doc="hidden width of both networks")
    lr: float = setting(1e-3, interval=POSITIVE, doc="Adam learning rate")
    critic_steps: int = setting(5, interval=INT_POS,
                                doc="critic steps per generator step for wasserstein-gp")


# Quick mode trains the two losses the claim compares.
QUICK = {"steps": 500, "batch": 128, "width": 32, "losses": ("minimax", "least squares")}

RULE = ("supported if the least-squares GAN (the table's choice for GANs) covers more modes "
        "than the original minimax GAN, or as many with a sliced Wasserstein distance no "
        "larger; not supported if it covers fewer; inconclusive otherwise")
RULE_ZH = ("若最小二乘 GAN(表中对生成对抗任务的首选)覆盖的模式多于原始 minimax GAN,"
           "或模式数相同且切片 Wasserstein 距离不更大,则判为支持;若覆盖的模式更少,"
           "则判为不支持;否则为无定论")

CENTRES = [(2 * math.cos(2 * math.pi * k / 8), 2 * math.sin(2 * math.pi * k / 8))
           for k in range(8)]


def ring(n: int, g: torch.Generator, std: float = 0.05) -> torch.Tensor:
    """``n`` samples of the eight-Gaussian ring."""
    c = torch.tensor(CENTRES)
    idx = torch.randint(0, 8, (n,), generator=g)
    return c[idx] + std * torch.randn(n, 2, generator=g)


def sliced_wasserstein(a: torch.Tensor, b: torch.Tensor, g: torch.Generator,
                       n_dirs: int = 64) -> float:
    """Mean over random unit directions of W1 between the 1-D projections (equal sizes)."""
    d = torch.randn(a.shape[1], n_dirs, generator=g)
    d = d / d.norm(dim=0, keepdim=True)
    pa, _ = torch.sort(a @ d, dim=0)
    pb, _ = torch.sort(b @ d, dim=0)
    return float((pa - pb).abs().mean())  # W1 of equal-size 1-D samples: sorted differences


def _coverage(x: torch.Tensor) -> tuple[int, float]:
    c = torch.tensor(CENTRES)
    dist = torch.cdist(x, c)
    near, which = dist.min(1)
    good = near < 0.25
    counts = torch.bincount(which[good], minlength=8)
    return int((counts >= 0.02 * x.shape[0]).sum()), float(good.float().mean())


def _mlp(n_in: int, n_out: int, width: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                         nn.Linear(width, n_out))


def _train(kind: str, cfg: Config) -> tuple[nn.Module, list[float]]:
    from actloss import losses
    from actloss.losses._gan import gradient_penalty

    g = generator(cfg.seed)
    torch.manual_seed(cfg.seed)
    gen, disc = _mlp(2, 2, cfg.width), _mlp(2, 1, cfg.width)
    opt_g = torch.optim.Adam(gen.parameters(), lr=cfg.lr, betas=(0.5, 0.9))
    opt_d = torch.optim.Adam(disc.parameters(), lr=cfg.lr, betas=(0.5, 0.9))
    d_loss = {"minimax": "gan_minimax_d", "non-saturating": "gan_minimax_d",
              "least squares": "lsgan_d", "wasserstein-gp": "wgan_critic",
              "hinge": "gan_hinge_d"}[kind]
    g_loss = {"minimax": "gan_minimax_g", "non-saturating": "gan_nonsaturating_g",
              "least squares": "lsgan_g", "wasserstein-gp": "wgan_g", "hinge": "wgan_g"}[kind]
    d_fn, g_fn = losses.spec(d_loss).fn, losses.spec(g_loss).fn
    g_losses = []
    # WGAN-GP trains its critic several steps per generator step (Gulrajani et al., 2017)
    d_steps = cfg.critic_steps if kind == "wasserstein-gp" else 1
    for _ in range(cfg.steps):
        for _ in range(d_steps):
            real = ring(cfg.batch, g)
            z = torch.randn(cfg.batch, 2, generator=g)
            fake = gen(z).detach()
            loss_d = d_fn(disc(real), disc(fake))
            if kind == "wasserstein-gp":
                loss_d = loss_d + gradient_penalty(disc, real, fake, generator=g)
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
        z = torch.randn(cfg.batch, 2, generator=g)
        loss_g = g_fn(disc(gen(z)))
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        g_losses.append(float(loss_g.detach()))
    return gen, g_losses


def judge(m: dict[str, Any]) -> Verdict:
    r = m["results"]
    mm, ls = r["minimax"], r["least squares"]
    if ls["modes"] > mm["modes"] or (ls["modes"] == mm["modes"] and ls["swd"] <= mm["swd"]):
        status = "supported"
    elif ls["modes"] < mm["modes"]:
        status = "not supported"
    else:
        status = "inconclusive"
    because = "; ".join(f"{k}: {v['modes']} modes, SWD {v['swd']:.3f}" for k, v in r.items())
    because_zh = ";".join(f"{k}:{v['modes']} 个模式,SWD {v['swd']:.3f}" for k, v in r.items())
    return Verdict(status, RULE, RULE_ZH, because, because_zh)


def run(cfg: Config) -> Result:
    from actloss.errors import ParameterError

    for need in ("minimax", "least squares"):
        if need not in cfg.losses:
            raise ParameterError(f"`losses` of experiment gan-losses must include {need!r} "
                                 f"(the claim compares them); got {cfg.losses!r}")
    g_eval = generator(cfg.seed + 1000)
    target = ring(2000, g_eval)
    base = sliced_wasserstein(ring(2000, g_eval), target, generator(cfg.seed + 7))
    results: dict[str, dict[str, Any]] = {}
    samples: dict[str, list] = {}
    for kind in cfg.losses:
        gen, _ = _train(kind, cfg)
        with torch.no_grad():
            x = gen(torch.randn(2000, 2, generator=generator(cfg.seed + 2000)))
        modes, quality = _coverage(x)
        ok = bool(torch.isfinite(x).all())
        results[kind] = {"modes": modes if ok else 0, "high_quality": quality if ok else 0.0,
                         "swd": sliced_wasserstein(x, target, generator(cfg.seed + 7))
                         if ok else math.inf, "finite": ok}
        samples[kind] = x[:600].tolist() if ok else []
    metrics = {"results": results, "swd_between_target_samples": base, "samples": samples,
               "target": target[:600].tolist()}
    table = Table("Generated distribution against the target", "生成分布与目标分布对比",
                  ("loss", "modes covered (of 8)", "high-quality fraction",
                   "sliced Wasserstein-1"),
                  tuple((k, v["modes"], round(v["high_quality"], 3), round(v["swd"], 4))
                        for k, v in results.items()),
                  columns_zh=("损失", "覆盖的模式数(共 8 个)", "高质量样本比例",
                              "切片 Wasserstein-1 距离"))
    return Result("gan-losses", vars(cfg), metrics, (table,), judge(metrics),
                  notes=(f"sliced Wasserstein-1 between two target samples of the same size: "
                         f"{base:.4f} (the floor set by sampling noise).",),
                  notes_zh=(f"两组同样大小的目标样本之间的切片 Wasserstein-1 距离：{base:.4f}"
                            "（采样噪声决定的下限）。",))


def figure(result: Result) -> Figure:
    """Generated points (colour) over target points (grey), one panel per loss."""
    m = result.metrics
    kinds = list(m["results"])
    fig, axes = new_figure(len(kinds), 1, width=2.7, height=2.8)
    tgt = torch.tensor(m["target"])
    for ax, k in zip(axes, kinds):
        ax.scatter(tgt[:, 0], tgt[:, 1], s=2, color="#bbbbbb")
        if m["samples"][k]:
            x = torch.tensor(m["samples"][k])
            ax.scatter(x[:, 0], x[:, 1], s=2, color="#c0441a")
        r = m["results"][k]
        ax.set_title(f"{k}\n{r['modes']}/8 modes, SWD {r['swd']:.3f}", fontsize=8)
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal")
    return fig


def _swd_gain(m: Mapping[str, Any]) -> float:
    r = m["results"]
    return float(r["minimax"]["swd"]) - float(r["least squares"]["swd"])


EFFECT = Effect("sliced Wasserstein distance to the data: minimax GAN minus least-squares GAN",
                "与数据的切片 Wasserstein 距离：minimax GAN 减最小二乘 GAN", _swd_gain,
                minimum=0.05)


EXPERIMENT = REGISTRY.add(Experiment(
    name="gan-losses",
    title="GAN losses on an eight-mode ring",
    title_zh="八模式环形分布上的 GAN 损失",
    claims=(
        Claim("000_5b08fef0015a8918.txt", "生成对抗 | 最小二乘损失 | Wasserstein距离",
              "Generative adversarial: least-squares loss, with the Wasserstein distance as "
              "the alternative."),
        Claim("000_5b08fef0015a8918.txt",
              "g_loss = bce(tf.ones_like(fake_output), fake_output) # 欺骗判别器",
              "g_loss = bce(ones, fake_output): the generator tries to fool the "
              "discriminator (the non-saturating loss)."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    summary="One small GAN trained with minimax, non-saturating, least-squares, "
            "Wasserstein-GP and hinge losses: modes covered and sliced Wasserstein distance.",
    summary_zh="同一个小 GAN 分别用 minimax、非饱和、最小二乘、Wasserstein-GP 与 hinge 损失训练:"
               "覆盖的模式数与切片 Wasserstein 距离。",
))
