"""Declarative test cases for the loss catalog, read by the generic suite.

``CASES`` maps a canonical loss name to a :class:`LossCase`:

- ``make(gen, dtype)`` returns a list of :class:`Example` (input, target, params, an
  optional ``weight``) drawn from the seeded generator ``gen``, away from kinks so that
  finite differences and the closed-form gradient are well defined;
- ``reference(input, target, **params)`` (optional) is an independent float64
  implementation of the *unreduced, unweighted* loss, written here from the formula in
  the cited source, never by calling actloss;
- ``torch_fn(input, target, reduction=..., weight=..., **params)`` (optional) is
  PyTorch's own function with the same meaning, for parity at every reduction;
- ``weight_kind``: ``'element'`` when ``weight`` multiplies the unreduced loss
  element-wise, ``'class'`` for class weights, ``None`` when the loss takes none.

Another module, ``tests/loss_cases_extra.py``, may define its own ``CASES`` with the
same structure; the generic suite merges it when present.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F

__all__ = ["CASES", "Example", "LossCase"]


@dataclass
class Example:
    input: torch.Tensor
    target: torch.Tensor
    params: dict[str, Any] = field(default_factory=dict)
    weight: torch.Tensor | None = None


@dataclass
class LossCase:
    make: Callable[[torch.Generator, torch.dtype], list[Example]]
    reference: Callable[..., torch.Tensor] | None = None
    torch_fn: Callable[..., torch.Tensor] | None = None
    weight_kind: str | None = "element"
    # the loss is piecewise: finite differences may straddle a kink for these params
    gradcheck: bool = True


def _randn(gen: torch.Generator, *shape: int, dtype: torch.dtype = torch.float64,
           scale: float = 1.0) -> torch.Tensor:
    return (torch.randn(*shape, generator=gen, dtype=torch.float64) * scale).to(dtype)


def _rand(gen: torch.Generator, *shape: int, lo: float = 0.0, hi: float = 1.0,
          dtype: torch.dtype = torch.float64) -> torch.Tensor:
    return (lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=torch.float64)).to(dtype)


def _away(d: torch.Tensor, points: tuple[float, ...], gap: float = 0.05) -> torch.Tensor:
    """Push values away from kinks: any value within ``gap`` of a point moves by 2 gap."""
    for p in points:
        near = (d - p).abs() < gap
        d = torch.where(near, d + 2 * gap * torch.sign(d - p + 1e-12), d)
    return d


# ---------------------------------------------------------------- regression helpers
def _reg(points: tuple[float, ...] = (), *, scale: float = 1.5,
         params: tuple[dict[str, Any], ...] = ({},)) -> Callable[..., list[Example]]:
    """input = target + d with d kept away from the kinks ``points`` of the loss."""

    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            t = _randn(gen, 4, 5)
            d = _away(_randn(gen, 4, 5, scale=scale), points)
            w = _rand(gen, 4, 5, lo=0.2, hi=2.0)
            out.append(Example((t + d).to(dtype), t.to(dtype), dict(p), w.to(dtype)))
        return out

    return make


def _pos_pair(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    x = _rand(gen, 3, 4, lo=0.1, hi=5.0)
    y = _rand(gen, 3, 4, lo=0.0, hi=5.0)
    return [Example(x.to(dtype), y.to(dtype), {}, _rand(gen, 3, 4, lo=0.5, hi=2).to(dtype))]


def _mape_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    y = _randn(gen, 3, 4)
    y = torch.where(y.abs() < 0.2, y + 0.5 * torch.sign(y), y)
    d = _away(_randn(gen, 3, 4), (0.0,))
    return [Example((y + d).to(dtype), y.to(dtype), {}, _rand(gen, 3, 4, lo=0.5, hi=2).to(dtype))]


def _poisson_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    y = torch.poisson(_rand(gen, 3, 4, lo=0.5, hi=4.0), generator=gen)
    w = _rand(gen, 3, 4, lo=0.5, hi=2).to(dtype)
    return [
        Example(_randn(gen, 3, 4).to(dtype), y.to(dtype), {}, w),
        Example(_randn(gen, 3, 4).to(dtype), y.to(dtype), {"full": True}, w),
        Example(_rand(gen, 3, 4, lo=0.2, hi=3).to(dtype), y.to(dtype), {"log_input": False}, w),
    ]


def _gauss_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    x, y = _randn(gen, 3, 4), _randn(gen, 3, 4)
    var = _rand(gen, 3, 4, lo=0.3, hi=2.0)
    w = _rand(gen, 3, 4, lo=0.5, hi=2).to(dtype)
    return [Example(x.to(dtype), y.to(dtype), {"var": var.to(dtype)}, w),
            Example(x.to(dtype), y.to(dtype), {"var": 2.0, "full": True}, w)]


def _cos_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    return [Example(_randn(gen, 4, 6).to(dtype), _randn(gen, 4, 6).to(dtype), {},
                    _rand(gen, 4, lo=0.5, hi=2).to(dtype)),
            Example(_randn(gen, 5, 3).to(dtype), _randn(gen, 5, 3).to(dtype), {"dim": 0},
                    _rand(gen, 3, lo=0.5, hi=2).to(dtype))]


# ---------------------------------------------------------------- float64 references
def _ref_huber(x: torch.Tensor, y: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    d = (x - y).abs()  # Huber (1964): quadratic inside delta, linear outside
    return torch.where(d <= delta, 0.5 * d**2, delta * d - 0.5 * delta**2)


def _ref_smooth_l1(x: torch.Tensor, y: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    d = (x - y).abs()
    if beta == 0:
        return d
    return torch.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta)


def _ref_log_cosh(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.log(torch.cosh(x - y))  # direct, fine in float64 for |d| < 700


def _ref_quantile(x: torch.Tensor, y: torch.Tensor, q: float = 0.5) -> torch.Tensor:
    u = y - x  # Koenker & Bassett: rho_q(u) = u (q - 1[u < 0])
    return u * (q - (u < 0).double())


def _ref_poisson(x: torch.Tensor, y: torch.Tensor, log_input: bool = True, full: bool = False,
                 eps: float = 1e-8) -> torch.Tensor:
    out = torch.exp(x) - y * x if log_input else x - y * torch.log(x + eps)
    if full:
        # Stirling term as documented for torch.nn.PoissonNLLLoss, for y > 1
        st = y * torch.log(y.clamp_min(1e-300)) - y + 0.5 * torch.log(2 * math.pi * y)
        out = out + torch.where(y > 1, st, torch.zeros_like(st))
    return out


def _ref_gauss(x: torch.Tensor, y: torch.Tensor, var: Any = 1.0, full: bool = False,
               eps: float = 1e-6) -> torch.Tensor:
    v = var.double().clamp_min(eps) if isinstance(var, torch.Tensor) else max(var, eps)
    v = torch.as_tensor(v, dtype=torch.float64)
    return 0.5 * (torch.log(v) + (x - y) ** 2 / v) + (0.5 * math.log(2 * math.pi) if full else 0)


def _ref_cos(x: torch.Tensor, y: torch.Tensor, dim: int = -1, eps: float = 1e-8) -> torch.Tensor:
    return 1 - (x * y).sum(dim) / (x.norm(dim=dim) * y.norm(dim=dim))


def _ref_barron(x: torch.Tensor, y: torch.Tensor, alpha: float = 1.0,
                scale: float = 1.0) -> torch.Tensor:
    # Barron (2019), eq. 1 with the named special cases of eq. 3-7
    z = ((x - y) / scale) ** 2
    if alpha == 2:
        return 0.5 * z
    if alpha == 0:
        return torch.log(0.5 * z + 1)
    b = abs(alpha - 2)
    return b / alpha * ((z / b + 1) ** (alpha / 2) - 1)


# ---------------------------------------------------------------- binary
def _probs(gen: torch.Generator, *shape: int, lo: float = 0.02, hi: float = 0.98) -> torch.Tensor:
    return _rand(gen, *shape, lo=lo, hi=hi)


def _binary_make(params: tuple[dict[str, Any], ...] = ({},), soft: bool = True,
                 ) -> Callable[..., list[Example]]:
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            x = _randn(gen, 4, 3, scale=2.0)
            y = (_rand(gen, 4, 3) > 0.5).double()
            if soft:
                y[0] = _rand(gen, 3)  # one row of soft labels
            out.append(Example(x.to(dtype), y.to(dtype), dict(p),
                               _rand(gen, 4, 3, lo=0.5, hi=2).to(dtype)))
        return out
    return make


def _bce_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    p = _probs(gen, 4, 3)
    y = (_rand(gen, 4, 3) > 0.5).double()
    y[0] = _rand(gen, 3)
    return [Example(p.to(dtype), y.to(dtype), {}, _rand(gen, 4, 3, lo=0.5, hi=2).to(dtype))]


def _ref_bce(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p))


def _sig(x: torch.Tensor) -> torch.Tensor:
    return 1 / (1 + torch.exp(-x))  # direct sigmoid; fine in float64 for moderate x


def _ref_bce_logits(x: torch.Tensor, y: torch.Tensor, pos_weight: Any = None,
                    label_smoothing: float = 0.0) -> torch.Tensor:
    y = y * (1 - label_smoothing) + 0.5 * label_smoothing
    pw = 1.0 if pos_weight is None else pos_weight
    s = _sig(x)
    return -(pw * y * torch.log(s) + (1 - y) * torch.log(1 - s))


def _ref_focal(x: torch.Tensor, y: torch.Tensor, alpha: float | None = 0.25,
               gamma: float = 2.0) -> torch.Tensor:
    # Lin et al. (2017) as written in torchvision.ops.sigmoid_focal_loss
    p = _sig(x)
    ce = -(y * torch.log(p) + (1 - y) * torch.log(1 - p))
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce * (1 - p_t) ** gamma
    if alpha is not None:
        loss = (alpha * y + (1 - alpha) * (1 - y)) * loss
    return loss


def _signed_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    y = torch.where(_rand(gen, 4, 3) > 0.5, 1.0, -1.0).double()
    m = _away(_randn(gen, 4, 3, scale=1.5), (1.0,))  # margin y x away from the hinge at 1
    return [Example((m * y).to(dtype), y.to(dtype), {}, _rand(gen, 4, 3, lo=0.5, hi=2).to(dtype))]


def _ref_asl(x: torch.Tensor, y: torch.Tensor, gamma_pos: float = 0.0, gamma_neg: float = 4.0,
             clip: float = 0.05) -> torch.Tensor:
    # Ridnik et al. (2021), eq. 1 and the probability margin of eq. 3
    p = _sig(x)
    p_m = (p - clip).clamp_min(0)
    pos = (1 - p) ** gamma_pos * torch.log(p)
    neg = p_m**gamma_neg * torch.log(1 - p_m)
    return -(y * pos + (1 - y) * neg)


def _asl_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"clip": 0.0, "gamma_neg": 2.0, "gamma_pos": 1.0}, {"gamma_neg": 0.0}):
        x = _randn(gen, 4, 3, scale=2.0)
        if p.get("clip", 0.05) > 0:  # keep sigmoid(x) away from the clip kink
            x = _away(x, (math.log(0.05 / 0.95),), 0.2)
        y = (_rand(gen, 4, 3) > 0.5).double()
        out.append(Example(x.to(dtype), y.to(dtype), p, _rand(gen, 4, 3, lo=0.5, hi=2).to(dtype)))
    return out


def _msm_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    x = _randn(gen, 4, 5, scale=2.0)
    y = (_rand(gen, 4, 5) > 0.5).double()
    return [Example(x.to(dtype), y.to(dtype), {}, _rand(gen, 5, lo=0.5, hi=2).to(dtype))]


def _ref_msm(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    s = _sig(x)
    return -(y * torch.log(s) + (1 - y) * torch.log(1 - s)).mean(-1)


# ---------------------------------------------------------------- multi-class
def _class_make(params: tuple[dict[str, Any], ...] = ({},), probs: bool = True,
                spatial: bool = True) -> Callable[..., list[Example]]:
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            x = _randn(gen, 5, 4, scale=2.0)
            t = torch.randint(0, 4, (5,), generator=gen)
            w = _rand(gen, 4, lo=0.5, hi=2.0).to(dtype)
            out.append(Example(x.to(dtype), t, dict(p), w))
            if spatial:
                xs = _randn(gen, 2, 3, 2, 2)
                ts = torch.randint(0, 3, (2, 2, 2), generator=gen)
                out.append(Example(xs.to(dtype), ts, dict(p), None))
            if probs:
                y = torch.softmax(_randn(gen, 5, 4), 1)
                out.append(Example(x.to(dtype), y.to(dtype), dict(p), w))
        return out
    return make


def _logp64(x: torch.Tensor) -> torch.Tensor:
    return x - torch.log(torch.exp(x).sum(1, keepdim=True))  # direct log-softmax


def _soft(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    if t.is_floating_point():
        return t.double()
    return F.one_hot(t, x.shape[1]).movedim(-1, 1).double()


def _ref_class(phi: Callable[[torch.Tensor], torch.Tensor]) -> Callable[..., torch.Tensor]:
    def ref(x: torch.Tensor, t: torch.Tensor, **params: Any) -> torch.Tensor:
        lp = _logp64(x)
        return (_soft(x, t) * phi(lp, **params)).sum(1)
    return ref


def _ce_phi(lp: torch.Tensor, ignore_index: int = -100, label_smoothing: float = 0.0,
            ) -> torch.Tensor:
    return -lp


def _ref_ce(x: torch.Tensor, t: torch.Tensor, ignore_index: int = -100,
            label_smoothing: float = 0.0) -> torch.Tensor:
    y = _soft(x, t)
    y = y * (1 - label_smoothing) + label_smoothing / x.shape[1]
    return -(y * _logp64(x)).sum(1)


def _focal_phi(lp: torch.Tensor, gamma: float = 2.0, ignore_index: int = -100) -> torch.Tensor:
    p = torch.exp(lp)  # Lin et al. (2017): -(1 - p)^gamma log p
    return -((1 - p) ** gamma) * lp


def _poly_phi(lp: torch.Tensor, epsilon: float = 1.0, ignore_index: int = -100) -> torch.Tensor:
    return -lp + epsilon * (1 - torch.exp(lp))  # Leng et al. (2022), eq. 3


def _gce_phi(lp: torch.Tensor, q: float = 0.7, ignore_index: int = -100) -> torch.Tensor:
    return (1 - torch.exp(lp) ** q) / q  # Zhang & Sabuncu (2018), eq. 6


def _nll_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    ex = _class_make(probs=False)(gen, dtype)
    return [Example(torch.log_softmax(e.input, 1), e.target, e.params, e.weight) for e in ex]


def _ref_nll(x: torch.Tensor, t: torch.Tensor, ignore_index: int = -100) -> torch.Tensor:
    return -(_soft(x, t) * x).sum(1)


def _mm_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"p": 2, "margin": 0.5}):
        x = _randn(gen, 6, 4, scale=1.5)
        t = torch.randint(0, 4, (6,), generator=gen)
        # keep margin - x_t + x_j away from 0
        xt = x.gather(1, t[:, None])
        h = _away(p.get("margin", 1.0) - xt + x, (0.0,), 0.05)
        x = h + xt - p.get("margin", 1.0)
        x = x.scatter(1, t[:, None], xt)
        out.append(Example(x.to(dtype), t, p, _rand(gen, 4, lo=0.5, hi=2).to(dtype)))
    return out


def _ref_mm(x: torch.Tensor, t: torch.Tensor, p: int = 1, margin: float = 1.0) -> torch.Tensor:
    # PyTorch docs, MultiMarginLoss: sum_{i != y} max(0, margin - x[y] + x[i])^p / C
    out = torch.zeros(x.shape[0], dtype=torch.float64)
    for n in range(x.shape[0]):
        for i in range(x.shape[1]):
            if i != int(t[n]):
                out[n] += max(0.0, margin - float(x[n, t[n]]) + float(x[n, i])) ** p
    return out / x.shape[1]


def _ch_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    x = _randn(gen, 6, 4, scale=1.5)
    t = torch.randint(0, 4, (6,), generator=gen)
    y = F.one_hot(t, 4).double()
    return [Example(x.to(dtype), y.to(dtype), {}, _rand(gen, 6, lo=0.5, hi=2).to(dtype))]


def _ref_ch(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # Keras categorical_hinge: max(0, 1 + max((1 - y) x) - sum(y x))
    pos = (y * x).sum(-1)
    neg = ((1 - y) * x).max(-1).values
    return (1 + neg - pos).clamp_min(0)


# ---------------------------------------------------------------- divergences
def _dist_make(log_input: bool) -> Callable[..., list[Example]]:
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        p = torch.softmax(_randn(gen, 4, 5), -1)
        q = torch.softmax(_randn(gen, 4, 5), -1)
        q[0, 1] = 0.0  # a zero-probability bin (0 log 0 = 0)
        q[0] = q[0] / q[0].sum()
        x = torch.log(p) if log_input else p
        return [Example(x.to(dtype), q.to(dtype), {}, _rand(gen, 4, lo=0.5, hi=2).to(dtype))]
    return make


def _kl_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    ex = _dist_make(True)(gen, dtype)[0]
    w = _rand(gen, 4, 5, lo=0.5, hi=2).to(dtype)
    lq = torch.log_softmax(_randn(gen, 4, 5), -1).to(dtype)
    return [Example(ex.input, ex.target, {}, w), Example(ex.input, lq, {"log_target": True}, w)]


def _ref_kl(x: torch.Tensor, y: torch.Tensor, log_target: bool = False) -> torch.Tensor:
    if log_target:
        return torch.exp(y) * (y - x)
    return torch.where(y > 0, y * (torch.log(y.clamp_min(1e-300)) - x), torch.zeros_like(y))


def _ref_js(x: torch.Tensor, y: torch.Tensor, dim: int = -1) -> torch.Tensor:
    p = torch.exp(x)  # Lin (1991): JS = H(m) - (H(p) + H(q)) / 2
    m = 0.5 * (p + y)

    def h(d: torch.Tensor) -> torch.Tensor:
        return -torch.where(d > 0, d * torch.log(d.clamp_min(1e-300)), torch.zeros_like(d)).sum(dim)

    return h(m) - 0.5 * (h(p) + h(y))


def _ref_w1(x: torch.Tensor, y: torch.Tensor, dim: int = -1, bin_width: float = 1.0,
            ) -> torch.Tensor:
    # scipy.stats.wasserstein_distance on the bin positions 0, 1, ..., K-1 (times width)
    from scipy.stats import wasserstein_distance

    flat_x = x.movedim(dim, -1).reshape(-1, x.shape[dim])
    flat_y = y.movedim(dim, -1).reshape(-1, y.shape[dim])
    pos = [bin_width * k for k in range(x.shape[dim])]
    vals = [wasserstein_distance(pos, pos, a.tolist(), b.tolist())
            for a, b in zip(flat_x, flat_y)]
    shape = list(x.movedim(dim, -1).shape[:-1])
    return torch.tensor(vals, dtype=torch.float64).reshape(shape)


def _w1_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for params in ({}, {"bin_width": 0.5}):
        p = torch.softmax(_randn(gen, 4, 6), -1)
        q = torch.softmax(_randn(gen, 4, 6), -1)
        out.append(Example(p.to(dtype), q.to(dtype), params,
                           _rand(gen, 4, lo=0.5, hi=2).to(dtype)))
    return out


# ---------------------------------------------------------------- torch parity wrappers
def _t(name: str) -> Callable[..., torch.Tensor]:
    return getattr(F, name)


def _torch_gauss(x: torch.Tensor, y: torch.Tensor, *, reduction: str, weight: Any = None,
                 var: Any = 1.0, full: bool = False, eps: float = 1e-6) -> torch.Tensor:
    v = var if isinstance(var, torch.Tensor) else torch.full_like(x, var)
    return F.gaussian_nll_loss(x, y, v, full=full, eps=eps, reduction=reduction)


def _torch_cos(x: torch.Tensor, y: torch.Tensor, *, reduction: str, weight: Any = None,
               dim: int = -1, eps: float = 1e-8) -> torch.Tensor:
    per = 1 - F.cosine_similarity(x, y, dim=dim, eps=eps)
    return {"none": per, "mean": per.mean(), "sum": per.sum()}[reduction]


def _torch_bce_logits(x: torch.Tensor, y: torch.Tensor, *, reduction: str, weight: Any = None,
                      pos_weight: Any = None, label_smoothing: float = 0.0) -> torch.Tensor:
    y = y * (1 - label_smoothing) + 0.5 * label_smoothing
    pw = pos_weight if pos_weight is None or isinstance(pos_weight, torch.Tensor) else \
        torch.tensor(pos_weight, dtype=x.dtype)
    return F.binary_cross_entropy_with_logits(x, y, weight=weight, pos_weight=pw,
                                              reduction=reduction)


_torch_bce_logits.takes_weight = True  # type: ignore[attr-defined]


def _torch_focal(x: torch.Tensor, y: torch.Tensor, *, reduction: str, weight: Any = None,
                 alpha: float | None = 0.25, gamma: float = 2.0) -> torch.Tensor:
    try:
        from torchvision.ops import sigmoid_focal_loss
    except ImportError:  # torchvision is optional; the float64 reference still runs
        import pytest

        pytest.skip("torchvision not installed")
    return sigmoid_focal_loss(x, y, alpha=-1 if alpha is None else alpha, gamma=gamma,
                              reduction=reduction)


def _torch_poisson(x: torch.Tensor, y: torch.Tensor, *, reduction: str, weight: Any = None,
                   log_input: bool = True, full: bool = False, eps: float = 1e-8) -> torch.Tensor:
    return F.poisson_nll_loss(x, y, log_input=log_input, full=full, eps=eps, reduction=reduction)


def _torch_huber(x: torch.Tensor, y: torch.Tensor, *, reduction: str, weight: Any = None,
                 delta: float = 1.0) -> torch.Tensor:
    return F.huber_loss(x, y, reduction=reduction, delta=delta)


def _torch_smooth_l1(x: torch.Tensor, y: torch.Tensor, *, reduction: str, weight: Any = None,
                     beta: float = 1.0) -> torch.Tensor:
    return F.smooth_l1_loss(x, y, reduction=reduction, beta=beta)


def _plain(name: str) -> Callable[..., torch.Tensor]:
    fn = getattr(F, name)

    def call(x: torch.Tensor, y: torch.Tensor, *, reduction: str, weight: Any = None,
             **params: Any) -> torch.Tensor:
        return fn(x, y, reduction=reduction, **params)

    return call


def _weighted(name: str) -> Callable[..., torch.Tensor]:
    fn = getattr(F, name)

    def call(x: torch.Tensor, y: torch.Tensor, *, reduction: str, weight: Any = None,
             **params: Any) -> torch.Tensor:
        return fn(x, y, weight=weight, reduction=reduction, **params)

    call.takes_weight = True  # type: ignore[attr-defined]
    return call


def _torch_kl(x: torch.Tensor, y: torch.Tensor, *, reduction: str, weight: Any = None,
              log_target: bool = False) -> torch.Tensor:
    import warnings

    with warnings.catch_warnings():  # PyTorch warns that its 'mean' is not 'batchmean'
        warnings.simplefilter("ignore", UserWarning)
        return F.kl_div(x, y, reduction=reduction, log_target=log_target)


CASES: dict[str, LossCase] = {
    # regression
    "mse": LossCase(_reg(), lambda x, y: (x - y) ** 2, _plain("mse_loss")),
    "mae": LossCase(_reg((0.0,)), lambda x, y: (x - y).abs(), _plain("l1_loss")),
    "huber": LossCase(_reg((-1.0, 1.0, -0.5, 0.5), params=({}, {"delta": 0.5})), _ref_huber,
                      _torch_huber),
    "smooth_l1": LossCase(_reg((-1.0, 1.0, -2.0, 2.0, 0.0), params=({}, {"beta": 2.0},
                                                                     {"beta": 0.0})),
                          _ref_smooth_l1, _torch_smooth_l1),
    "log_cosh": LossCase(_reg(scale=3.0), _ref_log_cosh),
    "quantile": LossCase(_reg((0.0,), params=({}, {"q": 0.9}, {"q": 0.1})), _ref_quantile),
    "msle": LossCase(_pos_pair, lambda x, y: (torch.log(1 + x) - torch.log(1 + y)) ** 2),
    "mape": LossCase(_mape_make, lambda x, y, eps=1e-7: 100 * (x - y).abs() / y.abs()),
    "poisson_nll": LossCase(_poisson_make, _ref_poisson, _torch_poisson),
    "gaussian_nll": LossCase(_gauss_make, _ref_gauss, _torch_gauss),
    "cosine_similarity": LossCase(_cos_make, _ref_cos, _torch_cos),
    "charbonnier": LossCase(_reg(params=({}, {"eps": 0.5})),
                            lambda x, y, eps=1e-3: torch.sqrt((x - y) ** 2 + eps**2)),
    "adaptive_robust": LossCase(
        _reg(params=({}, {"alpha": 2.0}, {"alpha": 0.0}, {"alpha": -2.0, "scale": 0.5},
                     {"alpha": 1.5, "scale": 2.0}, {"alpha": -7.0}, {"alpha": 5.0})),
        _ref_barron),
    # binary
    "binary_cross_entropy": LossCase(_bce_make, _ref_bce, _weighted("binary_cross_entropy")),
    "binary_cross_entropy_with_logits": LossCase(
        _binary_make(({}, {"pos_weight": 3.0}, {"label_smoothing": 0.2})), _ref_bce_logits,
        _torch_bce_logits),
    "binary_focal": LossCase(
        _binary_make(({}, {"gamma": 0.5, "alpha": None}, {"gamma": 0.0, "alpha": 0.7})),
        _ref_focal, _torch_focal),
    "hinge": LossCase(_signed_make, lambda x, y: (1 - y * x).clamp_min(0)),
    "squared_hinge": LossCase(_signed_make, lambda x, y: (1 - y * x).clamp_min(0) ** 2),
    "asymmetric": LossCase(_asl_make, _ref_asl),
    "multilabel_soft_margin": LossCase(_msm_make, _ref_msm,
                                       _weighted("multilabel_soft_margin_loss"),
                                       weight_kind="class"),
    # multi-class
    "cross_entropy": LossCase(
        _class_make(({}, {"label_smoothing": 0.1})), _ref_ce, _weighted("cross_entropy"),
        weight_kind="class"),
    "nll": LossCase(_nll_make, _ref_nll, _weighted("nll_loss"), weight_kind="class"),
    "categorical_focal": LossCase(_class_make(({}, {"gamma": 0.5})), _ref_class(_focal_phi),
                                  weight_kind="class"),
    "poly1": LossCase(_class_make(({}, {"epsilon": -0.5})), _ref_class(_poly_phi),
                      weight_kind="class"),
    "generalized_cross_entropy": LossCase(_class_make(({}, {"q": 0.3})), _ref_class(_gce_phi),
                                          weight_kind="class"),
    "multi_margin": LossCase(_mm_make, _ref_mm, _weighted("multi_margin_loss"),
                             weight_kind="class"),
    "categorical_hinge": LossCase(_ch_make, _ref_ch),
    # divergences
    "kl_div": LossCase(_kl_make, _ref_kl, _torch_kl),
    "jensen_shannon": LossCase(_dist_make(True), _ref_js),
    "wasserstein_1d": LossCase(_w1_make, _ref_w1),
}

try:  # cases for the segmentation, detection, GAN, metric-learning and composite losses
    from loss_cases_extra import CASES as _EXTRA  # type: ignore[import-not-found]
except ModuleNotFoundError as exc:  # pragma: no cover - the module may not exist yet
    if exc.name != "loss_cases_extra":
        raise
    _EXTRA = {}
CASES.update({k: v for k, v in _EXTRA.items() if k not in CASES})
from loss_cases_peers import CASES as _PEERS  # noqa: E402 - the peers' entries

CASES.update({k: v for k, v in _PEERS.items() if k not in CASES})
from loss_cases_new import CASES as _NEW  # noqa: E402 - functions taken from the peers

CASES.update({k: v for k, v in _NEW.items() if k not in CASES})
