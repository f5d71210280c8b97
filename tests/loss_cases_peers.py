"""Generic-suite cases for the peers' entries: optax_…, the added keras_… and
multiclass_hinge. References are float64 formulas written from the peers' definitions
(optax.losses source and docstrings, keras.losses), never by calling actloss."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from loss_cases import Example, LossCase

F64 = torch.float64
EPS_K = 1e-7  # keras.backend.epsilon()


def _randn(gen: torch.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(*shape, generator=gen, dtype=F64) * scale


def _rand(gen: torch.Generator, *shape: int, lo: float = 0.0, hi: float = 1.0) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=F64)


def _ex(x: torch.Tensor, t: torch.Tensor | None, p: dict[str, Any] | None,
        w: torch.Tensor | None, dtype: torch.dtype) -> Example:
    t2 = None if t is None else (t.to(dtype) if t.is_floating_point() else t)
    return Example(x.to(dtype), t2, dict(p or {}), None if w is None else w.to(dtype))


# ----------------------------------------------------------------------------- makers
def _elementwise(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    t = _randn(gen, 4, 5)
    d = _randn(gen, 4, 5, scale=1.5)
    d = torch.where(d.abs() < 0.05, d + 0.2, d)
    return [_ex(t + d, t, {}, _rand(gen, 4, 5, lo=0.5, hi=2.0), dtype)]


def _huber_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"delta": 0.5}):
        ex = _elementwise(gen, F64)[0]
        d = ex.input - ex.target
        delta = p.get("delta", 1.0)
        x = torch.where((d.abs() - delta).abs() < 0.05, ex.input + 0.2, ex.input)
        out.append(_ex(x, ex.target, p, ex.weight, dtype))
    return out


def _logits_binary(params: tuple[dict[str, Any], ...]):
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            y = (_rand(gen, 4, 3) > 0.5).double()
            y[0] = _rand(gen, 3)  # soft labels too
            out.append(_ex(_randn(gen, 4, 3, scale=2.0), y, p,
                           _rand(gen, 4, 3, lo=0.5, hi=2.0), dtype))
        return out
    return make


def _signed(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    y = torch.where(_rand(gen, 4, 3) > 0.5, 1.0, -1.0).double()
    m = _randn(gen, 4, 3, scale=1.5)
    m = torch.where((m - 1).abs() < 0.05, m + 0.2, m)
    return [_ex(m * y, y, {}, _rand(gen, 4, 3, lo=0.5, hi=2.0), dtype)]


def _soft(params: tuple[dict[str, Any], ...]):
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            x = _randn(gen, 5, 4, scale=2.0)
            t = torch.softmax(_randn(gen, 5, 4), -1)
            t[0] = F.one_hot(torch.tensor(2), 4).double()
            if p.get("axis") == 0:
                x, t = x.T.contiguous(), t.T.contiguous()
            out.append(_ex(x, t, p, _rand(gen, 5, lo=0.5, hi=2.0), dtype))
        return out
    return make


def _int_labels(params: tuple[dict[str, Any], ...], classes_first: bool = False):
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            idx = torch.randint(0, 4, (5,), generator=gen)
            x = _randn(gen, 5, 4, scale=1.5)
            # keep the Crammer-Singer arg-max unique (away from ties)
            top2 = (x + 1 - F.one_hot(idx, 4).double()).topk(2, -1).values
            x = x + F.one_hot(idx, 4).double() * torch.where(
                (top2[:, 0] - top2[:, 1]).abs() < 0.1, 0.3, 0.0)[:, None]
            if p.get("axis") == 0:
                x = x.T.contiguous()
            out.append(_ex(x, idx, p, _rand(gen, 5, lo=0.5, hi=2.0), dtype))
        return out
    return make


def _log_dist(log_target: bool):
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        lp = torch.log_softmax(_randn(gen, 4, 5), -1)
        q = torch.softmax(_randn(gen, 4, 5), -1)
        return [_ex(lp, torch.log(q) if log_target else q, {},
                    _rand(gen, 4, lo=0.5, hi=2.0), dtype)]
    return make


def _vectors(params: tuple[dict[str, Any], ...]):
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            x, t = _randn(gen, 4, 5), _randn(gen, 4, 5)
            if p.get("axis") == 0:
                x, t = x.T.contiguous(), t.T.contiguous()
            n = x.shape[1 if p.get("axis") == 0 else 0]
            out.append(_ex(x, t, p, _rand(gen, n, lo=0.5, hi=2.0), dtype))
        return out
    return make


def _triplets(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"margin": 0.5, "norm_degree": 1.0}, {"eps": 0.0, "margin": 2.0}):
        x = _randn(gen, 7, 3, 5)
        a, pos, neg = x.unbind(1)
        q = p.get("norm_degree", 2.0)
        gap = ((a - pos).abs() ** q).sum(1) ** (1 / q) - ((a - neg).abs() ** q).sum(1) ** (
            1 / q) + p.get("margin", 1.0)
        neg = torch.where((gap.abs() < 0.1)[:, None], neg * 1.5, neg)
        out.append(_ex(torch.stack([a, pos, neg], 1), None, p, _rand(gen, 7, lo=0.5, hi=2.0),
                       dtype))
    return out


def _seg(params: tuple[dict[str, Any], ...], channels: int = 3):
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            x = _randn(gen, 2, 4, 4, channels)
            idx = torch.randint(0, channels, (2, 4, 4), generator=gen)
            t = F.one_hot(idx, channels).double() if channels > 1 else \
                (_rand(gen, 2, 4, 4, 1) > 0.5).double()
            out.append(_ex(x, t, p, _rand(gen, 2, lo=0.5, hi=2.0), dtype))
        return out
    return make


def _ref_dice(x: torch.Tensor, t: torch.Tensor, smooth: float = 1.0, alpha: float = 0.5,
              beta: float = 0.5, apply_softmax: bool = True, ignore_background: bool = False,
              class_reduction: str = "mean") -> torch.Tensor:
    # optax.losses.dice_loss, written from its docstring formula
    if apply_softmax:
        p = 1 / (1 + torch.exp(-x)) if x.shape[-1] == 1 else torch.exp(x) / torch.exp(
            x).sum(-1, keepdim=True)
    else:
        p = x
    axes = tuple(range(1, x.dim() - 1))
    inter, ps, ts = (p * t).sum(axes), p.sum(axes), t.sum(axes)
    d = 1 - (inter + smooth) / (inter + alpha * (ps - inter) + beta * (ts - inter) + smooth)
    if ignore_background and d.shape[-1] > 1:
        d = d[..., 1:]
    return {"mean": d.mean(-1), "sum": d.sum(-1), "none": d}[class_reduction]


def _ref_binary_dice(x: torch.Tensor, t: torch.Tensor, smooth: float = 1.0,
                     apply_sigmoid: bool = True) -> torch.Tensor:
    return _ref_dice(x, t, smooth=smooth, apply_softmax=apply_sigmoid)


def _k_reg(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    t = _rand(gen, 4, 5, lo=0.2, hi=3.0)
    x = _rand(gen, 4, 5, lo=0.2, hi=3.0)
    x = torch.where((x - t).abs() < 0.05, x + 0.2, x)
    return [_ex(x, t, {}, _rand(gen, 4, lo=0.5, hi=2.0), dtype)]


# ------------------------------------------------------------------------- references
def _lsm(x: torch.Tensor, axis: int) -> torch.Tensor:
    return x - torch.log(torch.exp(x).sum(axis, keepdim=True))


def _ref_sbce(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    p = 1 / (1 + torch.exp(-x))
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p))


def _ref_sce(x: torch.Tensor, y: torch.Tensor, axis: int = -1) -> torch.Tensor:
    return -(y * _lsm(x, axis)).sum(axis)


def _ref_safe_sce(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return -torch.where(y != 0, y * _lsm(x, -1), 0.0).sum(-1)


def _ref_sce_int(x: torch.Tensor, y: torch.Tensor, axis: int = -1) -> torch.Tensor:
    xl = x.movedim(axis, -1)
    return torch.log(torch.exp(xl).sum(-1)) - xl.gather(-1, y[:, None])[:, 0]


def _ref_poly(x: torch.Tensor, y: torch.Tensor, epsilon: float = 2.0,
              axis: int = -1) -> torch.Tensor:
    p = torch.exp(_lsm(x, axis))
    return _ref_sce(x, y, axis) + epsilon * (y * (1 - p)).sum(axis)


def _ref_focal(x: torch.Tensor, y: torch.Tensor, alpha: float | None = None,
               gamma: float = 2.0) -> torch.Tensor:
    p = 1 / (1 + torch.exp(-x))
    p_t = p * y + (1 - p) * (1 - y)
    out = (1 - p_t) ** gamma * _ref_sbce(x, y)
    return out if alpha is None else (alpha * y + (1 - alpha) * (1 - y)) * out


def _ref_cs(x: torch.Tensor, y: torch.Tensor, axis: int = -1) -> torch.Tensor:
    # Crammer-Singer, written as max(0, 1 + max_{j != y} s_j - s_y)
    s = x.movedim(axis, -1)
    true = s.gather(-1, y[:, None])[:, 0]
    other = s.masked_fill(F.one_hot(y, s.shape[-1]).bool(), -float("inf")).amax(-1)
    return (1 + other - true).clamp_min(0)


def _ref_kl(lp: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    return torch.where(t > 0, t * (torch.log(t) - lp), 0.0).sum(-1)


def _ref_kl_log(lp: torch.Tensor, lt: torch.Tensor) -> torch.Tensor:
    return (torch.exp(lt) * (lt - lp)).sum(-1)


def _ref_ckl(lp: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    return _ref_kl(lp, t) + (torch.exp(lp) - t).sum(-1)


def _ref_huber(x: torch.Tensor, t: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    e = (x - t).abs()
    return torch.where(e <= delta, 0.5 * e * e, delta * (e - 0.5 * delta))


def _ref_cos(x: torch.Tensor, t: torch.Tensor, epsilon: float = 0.0,
             axis: int = -1) -> torch.Tensor:
    nx = x.norm(dim=axis, keepdim=True).clamp_min(epsilon)
    nt = t.norm(dim=axis, keepdim=True).clamp_min(epsilon)
    return (x / nx * t / nt).sum(axis)


def _ref_triplet(x: torch.Tensor, t: None = None, norm_degree: float = 2.0,
                 margin: float = 1.0, eps: float = 1e-6) -> torch.Tensor:
    a, p, n = x.unbind(1)
    q = norm_degree
    dp = ((a - p + eps).abs() ** q).sum(-1) ** (1 / q)
    dn = ((a - n + eps).abs() ** q).sum(-1) ** (1 / q)
    return (dp - dn + margin).clamp_min(0)


def _ref_k_msle(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    # keras.losses.mean_squared_logarithmic_error: log(max(., eps) + 1)
    d = torch.log(x.clamp_min(EPS_K) + 1) - torch.log(t.clamp_min(EPS_K) + 1)
    return (d * d).mean(-1)


def _ref_k_mape(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    return (100 * (t - x).abs() / t.abs().clamp_min(EPS_K)).mean(-1)


def _ref_k_cos(x: torch.Tensor, t: torch.Tensor, axis: int = -1) -> torch.Tensor:
    # keras.losses.cosine_similarity: -sum(l2_normalize(y_true) * l2_normalize(y_pred))
    def nrm(v: torch.Tensor) -> torch.Tensor:
        return v / torch.sqrt((v * v).sum(axis, keepdim=True).clamp_min(1e-12))
    return -(nrm(t) * nrm(x)).sum(axis)


CASES: dict[str, LossCase] = {
    "optax_sigmoid_binary_cross_entropy": LossCase(_logits_binary(({},)), _ref_sbce),
    "optax_softmax_cross_entropy": LossCase(_soft(({}, {"axis": 0})), _ref_sce),
    "optax_safe_softmax_cross_entropy": LossCase(_soft(({},)), _ref_safe_sce),
    "optax_softmax_cross_entropy_with_integer_labels": LossCase(
        _int_labels(({}, {"axis": 0})), _ref_sce_int),
    "optax_poly_loss_cross_entropy": LossCase(_soft(({}, {"epsilon": -0.5, "axis": 0})),
                                              _ref_poly),
    "optax_sigmoid_focal_loss": LossCase(
        _logits_binary(({}, {"alpha": 0.25, "gamma": 1.0})), _ref_focal),
    "optax_hinge_loss": LossCase(_signed, lambda x, y: (1 - x * y).clamp_min(0)),
    "optax_multiclass_hinge_loss": LossCase(_int_labels(({},)), _ref_cs),
    "multiclass_hinge": LossCase(_int_labels(({},)), _ref_cs),
    "optax_kl_divergence": LossCase(_log_dist(False), _ref_kl),
    "optax_kl_divergence_with_log_targets": LossCase(_log_dist(True), _ref_kl_log),
    "optax_convex_kl_divergence": LossCase(_log_dist(False), _ref_ckl),
    "optax_l2_loss": LossCase(_elementwise, lambda x, t: 0.5 * (x - t) ** 2),
    "optax_squared_error": LossCase(_elementwise, lambda x, t: (x - t) ** 2),
    "optax_huber_loss": LossCase(_huber_make, _ref_huber),
    "optax_log_cosh": LossCase(_elementwise, lambda x, t: torch.log(torch.cosh(x - t))),
    "optax_cosine_similarity": LossCase(_vectors(({}, {"epsilon": 1e-3, "axis": 0})),
                                        _ref_cos),
    "optax_cosine_distance": LossCase(
        _vectors(({},)), lambda x, t, epsilon=0.0, axis=-1: 1 - _ref_cos(x, t, epsilon, axis)),
    "optax_triplet_margin_loss": LossCase(_triplets, _ref_triplet),
    "optax_dice_loss": LossCase(
        _seg(({}, {"alpha": 0.3, "beta": 0.7, "ignore_background": True, "smooth": 0.5},
              {"class_reduction": "sum"})), _ref_dice),
    "optax_binary_dice_loss": LossCase(_seg(({}, {"smooth": 0.1}), channels=1),
                                       _ref_binary_dice),
    "keras_mean_squared_logarithmic_error": LossCase(_k_reg, _ref_k_msle),
    "keras_mean_absolute_percentage_error": LossCase(_k_reg, _ref_k_mape),
    "keras_cosine_similarity": LossCase(_vectors(({}, {"axis": 0})), _ref_k_cos),
}
