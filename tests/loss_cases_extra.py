"""Declarative cases for the segmentation, detection, GAN, metric-learning, composite and
Keras-convention losses, in the format of ``tests/loss_cases.py`` (merged by it).

Every ``reference`` is an independent float64 implementation of the *unreduced,
unweighted* loss written from the cited formula (loops and direct formulas, never actloss).
Generator losses, ``triplet`` and the weight penalties take no target: ``target`` is
``None`` in their examples.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

from loss_cases import Example, LossCase  # type: ignore[import-not-found]

__all__ = ["CASES"]

F64 = torch.float64
EPS_K = 1e-7  # keras.backend.epsilon()


def _randn(gen: torch.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(*shape, generator=gen, dtype=F64) * scale


def _rand(gen: torch.Generator, *shape: int, lo: float = 0.0, hi: float = 1.0) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=F64)


def _sig(x: torch.Tensor) -> torch.Tensor:
    return 1 / (1 + torch.exp(-x))  # direct; fine in float64 for moderate x


def _ex(x: torch.Tensor, t: torch.Tensor | None, params: dict[str, Any] | None,
        w: torch.Tensor | None, dtype: torch.dtype) -> Example:
    return Example(x.to(dtype), None if t is None else (t.to(dtype) if t.is_floating_point()
                                                         else t),
                   dict(params or {}), None if w is None else w.to(dtype))


# ------------------------------------------------------------------ segmentation (masks)
def _mask_make(params: tuple[dict[str, Any], ...]) -> Callable[..., list[Example]]:
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            t = (_rand(gen, 3, 2, 4, 4) > 0.6).double()
            t[0, 0, 0] = _rand(gen, 4)  # a row of soft labels
            if p.get("from_logits"):
                x = _randn(gen, 3, 2, 4, 4, scale=2.0)
            else:
                x = _rand(gen, 3, 2, 4, 4, lo=0.02, hi=0.98)
            out.append(_ex(x, t, p, _rand(gen, 3, lo=0.5, hi=2.0), dtype))
        return out
    return make


def _probs_of(x: torch.Tensor, from_logits: bool) -> torch.Tensor:
    return _sig(x) if from_logits else x


def _ref_dice(x: torch.Tensor, t: torch.Tensor, smooth: float = 1.0,
              from_logits: bool = False) -> torch.Tensor:
    # Milletari et al. (2016), soft Dice with additive smoothing, one value per sample
    out = []
    for xi, ti in zip(x, t):
        p = _probs_of(xi, from_logits).flatten()
        ti = ti.flatten()
        out.append(1 - (2 * float((p * ti).sum()) + smooth)
                   / (float(p.sum()) + float(ti.sum()) + smooth))
    return torch.tensor(out, dtype=F64)


def _ref_jaccard(x: torch.Tensor, t: torch.Tensor, smooth: float = 1.0,
                 from_logits: bool = False) -> torch.Tensor:
    out = []
    for xi, ti in zip(x, t):
        p = _probs_of(xi, from_logits).flatten()
        ti = ti.flatten()
        inter = float((p * ti).sum())
        union = float(p.sum()) + float(ti.sum()) - inter
        out.append(1 - (inter + smooth) / (union + smooth))
    return torch.tensor(out, dtype=F64)


def _tversky_index(p: torch.Tensor, t: torch.Tensor, alpha: float, beta: float,
                   smooth: float) -> float:
    # Salehi et al. (2017), eq. 3: alpha on false positives, beta on false negatives
    tp = float((p * t).sum())
    fp = float((p * (1 - t)).sum())
    fn = float(((1 - p) * t).sum())
    return (tp + smooth) / (tp + alpha * fp + beta * fn + smooth)


def _ref_tversky(x: torch.Tensor, t: torch.Tensor, alpha: float = 0.3, beta: float = 0.7,
                 smooth: float = 1.0, from_logits: bool = False) -> torch.Tensor:
    return torch.tensor([1 - _tversky_index(_probs_of(xi, from_logits).flatten(),
                                            ti.flatten(), alpha, beta, smooth)
                         for xi, ti in zip(x, t)], dtype=F64)


def _ref_focal_tversky(x: torch.Tensor, t: torch.Tensor, alpha: float = 0.3,
                       beta: float = 0.7, gamma: float = 0.75, smooth: float = 1.0,
                       from_logits: bool = False) -> torch.Tensor:
    # Abraham & Khan (2019): (1 - TI)^(1/g) with their g = 4/3, i.e. exponent gamma = 0.75
    ti = _ref_tversky(x, t, alpha, beta, smooth, from_logits)
    return (ti.clamp_min(0)) ** gamma


# ------------------------------------------------------------------ boxes
def _box_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    def boxes(n: int) -> torch.Tensor:
        xy = _rand(gen, n, 2, lo=0.0, hi=4.0)
        wh = _rand(gen, n, 2, lo=0.5, hi=3.0)
        return torch.cat([xy, xy + wh], dim=1)

    g = boxes(6)
    b = g + _randn(gen, 6, 4, scale=0.4)  # overlapping, perturbed
    b[:, 2:] = torch.maximum(b[:, 2:], b[:, :2] + 0.2)
    b[5] = torch.tensor([8.0, 8.0, 9.5, 10.0], dtype=F64)  # one disjoint pair
    return [_ex(b, g, {}, _rand(gen, 6, lo=0.5, hi=2.0), dtype)]


def _tv_parts(b: torch.Tensor, g: torch.Tensor, eps: float):
    # torchvision.ops._utils._loss_inter_union, restated
    x1, y1, x2, y2 = b.unbind(-1)
    x1g, y1g, x2g, y2g = g.unbind(-1)
    xkis1, ykis1 = torch.max(x1, x1g), torch.max(y1, y1g)
    xkis2, ykis2 = torch.min(x2, x2g), torch.min(y2, y2g)
    intsctk = torch.zeros_like(x1)
    mask = (ykis2 > ykis1) & (xkis2 > xkis1)
    intsctk[mask] = (xkis2[mask] - xkis1[mask]) * (ykis2[mask] - ykis1[mask])
    unionk = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - intsctk
    iou = intsctk / (unionk + eps)
    xc1, yc1 = torch.min(x1, x1g), torch.min(y1, y1g)
    xc2, yc2 = torch.max(x2, x2g), torch.max(y2, y2g)
    return iou, unionk, (xc1, yc1, xc2, yc2)


def _ref_iou(b: torch.Tensor, g: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    return 1 - _tv_parts(b, g, eps)[0]


def _ref_giou(b: torch.Tensor, g: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    # torchvision.ops.generalized_box_iou_loss
    iou, union, (xc1, yc1, xc2, yc2) = _tv_parts(b, g, eps)
    area_c = (xc2 - xc1) * (yc2 - yc1)
    return 1 - (iou - (area_c - union) / (area_c + eps))


def _ref_diou(b: torch.Tensor, g: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    # torchvision.ops.distance_box_iou_loss
    iou, _, (xc1, yc1, xc2, yc2) = _tv_parts(b, g, eps)
    diag = (xc2 - xc1) ** 2 + (yc2 - yc1) ** 2 + eps
    xp, yp = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    xg, yg = (g[:, 0] + g[:, 2]) / 2, (g[:, 1] + g[:, 3]) / 2
    return 1 - iou + ((xp - xg) ** 2 + (yp - yg) ** 2) / diag


def _ref_ciou(b: torch.Tensor, g: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    # torchvision.ops.complete_box_iou_loss
    iou = _tv_parts(b, g, eps)[0]
    w, h = b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]
    wg, hg = g[:, 2] - g[:, 0], g[:, 3] - g[:, 1]
    v = (4 / math.pi**2) * (torch.atan(wg / hg) - torch.atan(w / h)) ** 2
    alpha = v / (1 - iou + v + eps)
    return _ref_diou(b, g, eps) + alpha * v


# ------------------------------------------------------------------ GAN
def _d_make(scale: float = 2.0, away: float | None = None) -> Callable[..., list[Example]]:
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        r, f = _randn(gen, 5, 3, scale=scale), _randn(gen, 5, 3, scale=scale)
        if away is not None:  # keep away from the hinge kinks at +-1
            r = torch.where((r - away).abs() < 0.1, r + 0.3, r)
            f = torch.where((f + away).abs() < 0.1, f + 0.3, f)
        return [_ex(r, f, {}, _rand(gen, 5, 3, lo=0.5, hi=2.0), dtype)]
    return make


def _g_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    return [_ex(_randn(gen, 5, 3, scale=2.0), None, {}, _rand(gen, 5, 3, lo=0.5, hi=2.0), dtype)]


# ------------------------------------------------------------------ metric learning
def _pair_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for margin in (1.0, 3.0):
        x = _randn(gen, 6, 2, 4, scale=0.6)
        y = torch.tensor([1, 0, 1, 0, 0, 1])
        out.append(_ex(x, y, {"margin": margin}, _rand(gen, 6, lo=0.5, hi=2.0), dtype))
    return out


def _ref_contrastive(x: torch.Tensor, y: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    # Hadsell et al. (2006), eq. 4 with label 1 = similar
    out = []
    for (a, b), lab in zip(x, y):
        d = math.sqrt(float(((a - b) ** 2).sum()))
        out.append(0.5 * d * d if int(lab) == 1 else 0.5 * max(0.0, margin - d) ** 2)
    return torch.tensor(out, dtype=F64)


def _triplet_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"margin": 0.5, "swap": True}, {"margin": 2.0, "eps": 0.0}):
        x = _randn(gen, 7, 3, 5)
        a, pos, neg = x.unbind(1)
        # keep the hinge away from 0
        gap = (a - pos).norm(dim=1) - (a - neg).norm(dim=1) + p.get("margin", 1.0)
        neg = torch.where((gap.abs() < 0.1)[:, None], neg * 1.5, neg)
        out.append(_ex(torch.stack([a, pos, neg], 1), None, p, _rand(gen, 7, lo=0.5, hi=2.0),
                       dtype))
    return out


def _ref_triplet(x: torch.Tensor, t: None = None, margin: float = 1.0, eps: float = 1e-6,
                 swap: bool = False) -> torch.Tensor:
    # PyTorch docs, TripletMarginLoss: d(x, y) = ||x - y + eps||_2
    out = []
    for a, p, n in x:
        d_ap = math.sqrt(float(((a - p + eps) ** 2).sum()))
        d_an = math.sqrt(float(((a - n + eps) ** 2).sum()))
        if swap:
            d_an = min(d_an, math.sqrt(float(((p - n + eps) ** 2).sum())))
        out.append(max(0.0, d_ap - d_an + margin))
    return torch.tensor(out, dtype=F64)


def _torch_triplet(x: torch.Tensor, t: None = None, *, reduction: str, weight: Any = None,
                   margin: float = 1.0, eps: float = 1e-6, swap: bool = False) -> torch.Tensor:
    a, p, n = x.unbind(1)
    return F.triplet_margin_loss(a, p, n, margin=margin, eps=eps, swap=swap, reduction=reduction)


def _views_make(params: tuple[dict[str, Any], ...]) -> Callable[..., list[Example]]:
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            q = _randn(gen, 5, 4)
            k = q + _randn(gen, 5, 4, scale=0.7)
            out.append(_ex(q, k, p, _rand(gen, 5, lo=0.5, hi=2.0), dtype))
        return out
    return make


def _unit64(v: torch.Tensor, normalize: bool) -> torch.Tensor:
    return v / math.sqrt(float((v * v).sum())) if normalize else v


def _ref_info_nce(q: torch.Tensor, k: torch.Tensor, temperature: float = 0.1,
                  normalize: bool = True) -> torch.Tensor:
    # van den Oord et al. (2018), eq. 4: -log exp(s_ii/t) / sum_j exp(s_ij/t)
    n = q.shape[0]
    out = []
    for i in range(n):
        qi = _unit64(q[i], normalize)
        s = [float(qi @ _unit64(k[j], normalize)) / temperature for j in range(n)]
        out.append(-(s[i] - math.log(sum(math.exp(v) for v in s))))
    return torch.tensor(out, dtype=F64)


def _ref_nt_xent(z1: torch.Tensor, z2: torch.Tensor, temperature: float = 0.5,
                 normalize: bool = True) -> torch.Tensor:
    # Chen et al. (2020), Algorithm 1: l(i, j) over 2N views; sample n gets (l(2n-1, 2n) +
    # l(2n, 2n-1)) / 2 so that the mean over n is SimCLR's mean over the 2N views
    z = [_unit64(v, normalize) for v in torch.cat([z1, z2])]
    n = z1.shape[0]

    def ell(i: int, j: int) -> float:
        den = sum(math.exp(float(z[i] @ z[m]) / temperature) for m in range(2 * n) if m != i)
        return -(float(z[i] @ z[j]) / temperature - math.log(den))

    return torch.tensor([0.5 * (ell(i, i + n) + ell(i + n, i)) for i in range(n)], dtype=F64)


# ------------------------------------------------------------------ composite
def _uw_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    return [_ex(_rand(gen, 4, lo=0.1, hi=3.0), _randn(gen, 4), {}, _rand(gen, 4, lo=0.5, hi=2),
                dtype)]


def _penalty_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    w = _randn(gen, 4, 3)
    w = torch.where(w.abs() < 0.05, w + 0.2, w)  # away from |w|'s kink
    return [_ex(w, None, {}, _rand(gen, 4, 3, lo=0.5, hi=2), dtype),
            _ex(w, None, {"lambda_": 0.5}, None, dtype)]


# ------------------------------------------------------------------ Keras conventions
def _k_reg(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    t = _randn(gen, 4, 5)
    d = _randn(gen, 4, 5, scale=1.5)
    d = torch.where(d.abs() < 0.05, d + 0.2, d)
    return [_ex(t + d, t, {}, _rand(gen, 4, lo=0.5, hi=2.0), dtype)]


def _k_huber(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"delta": 0.5}):
        ex = _k_reg(gen, F64)[0]
        d = ex.input - ex.target
        delta = p.get("delta", 1.0)
        d = torch.where((d.abs() - delta).abs() < 0.05, d * 1.2, d)
        out.append(_ex(ex.target + d, ex.target, p, ex.weight, dtype))
    return out


def _k_binary(params: tuple[dict[str, Any], ...]) -> Callable[..., list[Example]]:
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            y = (_rand(gen, 4, 3) > 0.5).double()
            y[0] = _rand(gen, 3)
            x = _randn(gen, 4, 3, scale=2.0) if p.get("from_logits") else \
                _rand(gen, 4, 3, lo=0.02, hi=0.98)
            out.append(_ex(x, y, p, _rand(gen, 4, lo=0.5, hi=2.0), dtype))
        return out
    return make


def _k_categorical(params: tuple[dict[str, Any], ...], sparse: bool = False
                   ) -> Callable[..., list[Example]]:
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        out = []
        for p in params:
            idx = torch.randint(0, 4, (5,), generator=gen)
            if p.get("from_logits"):
                x = _randn(gen, 5, 4, scale=2.0)
            else:  # unnormalised positive scores: Keras renormalises them
                x = _rand(gen, 5, 4, lo=0.05, hi=1.0)
            t = idx if sparse else F.one_hot(idx, 4).double()
            out.append(_ex(x, t, p, _rand(gen, 5, lo=0.5, hi=2.0), dtype))
        return out
    return make


def _k_scores(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    idx = torch.randint(0, 4, (5,), generator=gen)
    y = F.one_hot(idx, 4).double()
    x = _randn(gen, 5, 4, scale=1.5)
    # keep the hinge argument 1 + max_neg - pos away from 0
    arg = 1 + ((1 - y) * x).max(-1).values - (y * x).sum(-1)
    x = x + y * torch.where(arg.abs() < 0.1, 0.3, 0.0)[:, None]
    return [_ex(x, y, {}, _rand(gen, 5, lo=0.5, hi=2.0), dtype)]


def _k_signed(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for labels01 in (False, True):
        y = torch.where(_rand(gen, 4, 3) > 0.5, 1.0, -1.0).double()
        m = _randn(gen, 4, 3, scale=1.5)
        m = torch.where((m - 1).abs() < 0.05, m + 0.2, m)
        x = m * y
        t = (y + 1) / 2 if labels01 else y  # Keras converts {0, 1} labels to {-1, 1}
        out.append(_ex(x, t, {}, _rand(gen, 4, lo=0.5, hi=2.0), dtype))
    return out


def _k_counts(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    y = torch.poisson(_rand(gen, 3, 4, lo=0.5, hi=4.0), generator=gen)
    # rates well inside (0, inf): the generic convexity check walks +-1 along random lines
    return [_ex(_rand(gen, 3, 4, lo=4.0, hi=8.0), y, {}, _rand(gen, 3, lo=0.5, hi=2.0), dtype)]


def _k_dist(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    p = torch.softmax(_randn(gen, 4, 5), -1)
    q = torch.softmax(_randn(gen, 4, 5), -1)
    return [_ex(p, q, {}, _rand(gen, 4, lo=0.5, hi=2.0), dtype)]


def _k_masks(params: tuple[dict[str, Any], ...]) -> Callable[..., list[Example]]:
    def make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
        return [_ex(_rand(gen, 3, 6, 6, lo=0.02, hi=0.98), (_rand(gen, 3, 6, 6) > 0.5).double(),
                    p, None, dtype) for p in params]
    return make


def _k_clip(p: torch.Tensor) -> torch.Tensor:
    return p.clamp(EPS_K, 1 - EPS_K)


def _ref_k_bce(x: torch.Tensor, y: torch.Tensor, from_logits: bool = False,
               label_smoothing: float = 0.0) -> torch.Tensor:
    # keras.losses.binary_crossentropy (torch backend): clip, BCE, mean over the last axis
    y = y * (1 - label_smoothing) + 0.5 * label_smoothing
    p = _sig(x) if from_logits else _k_clip(x)
    return (-(y * torch.log(p) + (1 - y) * torch.log(1 - p))).mean(-1)


def _k_probs(x: torch.Tensor, from_logits: bool) -> torch.Tensor:
    if from_logits:
        e = torch.exp(x - x.max(-1, keepdim=True).values)
        return e / e.sum(-1, keepdim=True)
    return _k_clip(x / x.sum(-1, keepdim=True))  # Keras renormalises, then clips


def _ref_k_cce(x: torch.Tensor, y: torch.Tensor, from_logits: bool = False,
               label_smoothing: float = 0.0) -> torch.Tensor:
    y = y * (1 - label_smoothing) + label_smoothing / x.shape[-1]
    return -(y * torch.log(_k_probs(x, from_logits))).sum(-1)


def _ref_k_scce(x: torch.Tensor, y: torch.Tensor, from_logits: bool = False) -> torch.Tensor:
    p = _k_probs(x, from_logits)
    return torch.tensor([-math.log(float(p[n, int(y[n])])) for n in range(x.shape[0])],
                        dtype=F64)


def _ref_k_bfocal(x: torch.Tensor, y: torch.Tensor, apply_class_balancing: bool = False,
                  alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                  label_smoothing: float = 0.0) -> torch.Tensor:
    # keras.losses.binary_focal_crossentropy
    y = y * (1 - label_smoothing) + 0.5 * label_smoothing
    p = _sig(x) if from_logits else x
    pc = _k_clip(p)
    bce = -(y * torch.log(pc) + (1 - y) * torch.log(1 - pc))
    p_t = y * p + (1 - y) * (1 - p)
    out = (1 - p_t) ** gamma * bce
    if apply_class_balancing:
        out = (y * alpha + (1 - y) * (1 - alpha)) * out
    return out.mean(-1)


def _ref_k_cfocal(x: torch.Tensor, y: torch.Tensor, alpha: float = 0.25, gamma: float = 2.0,
                  from_logits: bool = False, label_smoothing: float = 0.0) -> torch.Tensor:
    y = y * (1 - label_smoothing) + label_smoothing / x.shape[-1]
    p = _k_probs(x, from_logits)
    return (alpha * (1 - p) ** gamma * (-y * torch.log(p))).sum(-1)


def _ref_k_kl(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # keras.losses.kl_divergence(y_true=y, y_pred=x)
    yt, yp = y.clamp(EPS_K, 1), x.clamp(EPS_K, 1)
    return (yt * torch.log(yt / yp)).sum(-1)


def _hinge_y(y: torch.Tensor) -> torch.Tensor:
    return 2 * y - 1 if bool(((y == 0) | (y == 1)).all()) else y


def _ref_k_dice(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # keras.losses.dice with axis=None: one value for the whole batch
    return 1 - 2 * (x * y).sum() / (y.sum() + x.sum() + EPS_K)


def _ref_k_tversky(x: torch.Tensor, y: torch.Tensor, alpha: float = 0.5,
                   beta: float = 0.5) -> torch.Tensor:
    # current keras.losses.tversky (and Salehi et al., 2017): alpha weighs the false
    # positives sum((1 - y_true) * y_pred), beta the false negatives sum(y_true * (1 - y_pred))
    y_true, y_pred = y.flatten(), x.flatten()
    inter = (y_true * y_pred).sum()
    fp = ((1 - y_true) * y_pred).sum()
    fn = (y_true * (1 - y_pred)).sum()
    return 1 - inter / (inter + alpha * fp + beta * fn + EPS_K)


def _ref_k_huber(x: torch.Tensor, y: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    e = (x - y).abs()
    return torch.where(e <= delta, 0.5 * e**2, delta * e - 0.5 * delta**2).mean(-1)


CASES: dict[str, LossCase] = {
    # segmentation
    "dice": LossCase(_mask_make(({}, {"smooth": 0.0}, {"from_logits": True})), _ref_dice),
    "jaccard": LossCase(_mask_make(({}, {"smooth": 0.5, "from_logits": True})), _ref_jaccard),
    "tversky": LossCase(_mask_make(({}, {"alpha": 0.5, "beta": 0.5, "smooth": 0.0},
                                    {"alpha": 0.9, "beta": 0.1, "from_logits": True})),
                        _ref_tversky),
    "focal_tversky": LossCase(_mask_make(({}, {"gamma": 2.0, "from_logits": True})),
                              _ref_focal_tversky),
    # detection
    "iou_loss": LossCase(_box_make, _ref_iou),
    "giou_loss": LossCase(_box_make, _ref_giou),
    "diou_loss": LossCase(_box_make, _ref_diou),
    # alpha is held constant in the backward pass (as torchvision): finite differences differ
    "ciou_loss": LossCase(_box_make, _ref_ciou, gradcheck=False),
    # GAN: input = D outputs on real, target = D outputs on fake; generators take no target
    "gan_minimax_d": LossCase(_d_make(), lambda r, f: -torch.log(_sig(r)) - torch.log(1 - _sig(f))),
    "gan_minimax_g": LossCase(_g_make, lambda f, t=None: torch.log(1 - _sig(f))),
    "gan_nonsaturating_g": LossCase(_g_make, lambda f, t=None: -torch.log(_sig(f))),
    "lsgan_d": LossCase(_d_make(), lambda r, f: 0.5 * (r - 1) ** 2 + 0.5 * f**2),
    "lsgan_g": LossCase(_g_make, lambda f, t=None: 0.5 * (f - 1) ** 2),
    "wgan_critic": LossCase(_d_make(), lambda r, f: f - r),
    "wgan_g": LossCase(_g_make, lambda f, t=None: -f),
    "gan_hinge_d": LossCase(_d_make(away=1.0),
                            lambda r, f: (1 - r).clamp_min(0) + (1 + f).clamp_min(0)),
    # metric learning
    "contrastive": LossCase(_pair_make, _ref_contrastive),
    "triplet": LossCase(_triplet_make, _ref_triplet, _torch_triplet),
    "info_nce": LossCase(_views_make(({}, {"temperature": 0.5, "normalize": False})),
                         _ref_info_nce),
    "nt_xent": LossCase(_views_make(({}, {"temperature": 0.2}, {"normalize": False})),
                        _ref_nt_xent),
    # composite
    "uncertainty_weighting": LossCase(_uw_make,
                                      lambda L, s: 0.5 * torch.exp(-s) * L + 0.5 * s),
    "l1_penalty": LossCase(_penalty_make, lambda w, t=None, lambda_=0.01: lambda_ * w.abs()),
    "l2_penalty": LossCase(_penalty_make, lambda w, t=None, lambda_=0.01: lambda_ * w**2),
    # Keras meaning (input = y_pred, target = y_true; per-sample over the last axis)
    "keras_mean_squared_error": LossCase(_k_reg, lambda x, y: ((x - y) ** 2).mean(-1)),
    "keras_mean_absolute_error": LossCase(_k_reg, lambda x, y: (x - y).abs().mean(-1)),
    "keras_log_cosh": LossCase(_k_reg, lambda x, y: torch.log(torch.cosh(x - y)).mean(-1)),
    "keras_huber": LossCase(_k_huber, _ref_k_huber),
    "keras_poisson": LossCase(_k_counts, lambda x, y: (x - y * torch.log(x + EPS_K)).mean(-1)),
    "keras_binary_crossentropy": LossCase(
        _k_binary(({}, {"from_logits": True}, {"label_smoothing": 0.2})), _ref_k_bce),
    "keras_binary_focal_crossentropy": LossCase(
        _k_binary(({}, {"from_logits": True, "gamma": 1.0},
                   {"apply_class_balancing": True, "alpha": 0.7, "label_smoothing": 0.1})),
        _ref_k_bfocal),
    "keras_categorical_crossentropy": LossCase(
        _k_categorical(({}, {"from_logits": True}, {"label_smoothing": 0.1})), _ref_k_cce),
    "keras_sparse_categorical_crossentropy": LossCase(
        _k_categorical(({}, {"from_logits": True}), sparse=True), _ref_k_scce),
    "keras_categorical_focal_crossentropy": LossCase(
        _k_categorical(({}, {"from_logits": True, "gamma": 0.5, "alpha": 1.0})), _ref_k_cfocal),
    "keras_kl_divergence": LossCase(_k_dist, _ref_k_kl),
    "keras_hinge": LossCase(_k_signed, lambda x, y: (1 - _hinge_y(y) * x).clamp_min(0).mean(-1)),
    "keras_squared_hinge": LossCase(
        _k_signed, lambda x, y: ((1 - _hinge_y(y) * x).clamp_min(0) ** 2).mean(-1)),
    "keras_categorical_hinge": LossCase(
        _k_scores,
        lambda x, y: (1 + ((1 - y) * x).max(-1).values - (y * x).sum(-1)).clamp_min(0)),
    "keras_dice": LossCase(_k_masks(({},)), _ref_k_dice, weight_kind=None),
    "keras_tversky": LossCase(_k_masks(({}, {"alpha": 0.7, "beta": 0.3})), _ref_k_tversky,
                              weight_kind=None),
}
