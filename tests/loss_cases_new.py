"""Declarative cases for the losses taken from the peers (PyTorch, optax, Keras), in the
format of ``tests/loss_cases.py`` (merged by it).

Every ``reference`` is an independent float64 implementation of the *unreduced,
unweighted* loss written from the peer's documented formula (loops and direct formulas,
never actloss); ``torch_fn`` calls PyTorch's own function where PyTorch has one.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from loss_cases import Example, LossCase  # type: ignore[import-not-found]

__all__ = ["CASES"]

F64 = torch.float64


def _randn(gen: torch.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(*shape, generator=gen, dtype=F64) * scale


def _rand(gen: torch.Generator, *shape: int, lo: float = 0.0, hi: float = 1.0) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=F64)


def _signs(gen: torch.Generator, *shape: int) -> torch.Tensor:
    return torch.where(_rand(gen, *shape) > 0.5, 1.0, -1.0).to(F64)


def _away(d: torch.Tensor, points: tuple[float, ...], gap: float = 0.05) -> torch.Tensor:
    for p in points:
        near = (d - p).abs() < gap
        d = torch.where(near, d + 2 * gap * torch.sign(d - p + 1e-12), d)
    return d


def _ex(x: torch.Tensor, t: torch.Tensor | None, params: dict[str, Any] | None,
        w: torch.Tensor | None, dtype: torch.dtype) -> Example:
    tt = None if t is None else (t.to(dtype) if t.is_floating_point() else t)
    return Example(x.to(dtype), tt, dict(params or {}), None if w is None else w.to(dtype))


# ------------------------------------------------------------------ PyTorch's margin family
def _soft_margin_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    x, y = _randn(gen, 4, 3, scale=2.0), _signs(gen, 4, 3)
    return [_ex(x, y, {}, _rand(gen, 4, 3, lo=0.5, hi=2.0), dtype)]


def _ref_soft_margin(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.log(1 + torch.exp(-y * x))  # PyTorch docs, SoftMarginLoss


def _hinge_embedding_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"margin": 2.0}):
        m = p.get("margin", 1.0)
        x = _away(_rand(gen, 4, 3, lo=0.0, hi=3.0), (m,))
        out.append(_ex(x, _signs(gen, 4, 3), p, _rand(gen, 4, 3, lo=0.5, hi=2.0), dtype))
    return out


def _ref_hinge_embedding(x: torch.Tensor, y: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    # PyTorch docs, HingeEmbeddingLoss: x if y = 1, max(0, margin - x) if y = -1
    return torch.where(y > 0, x, (margin - x).clamp_min(0))


def _torch_hinge_embedding(x, y, *, reduction, weight=None, margin=1.0):
    return F.hinge_embedding_loss(x, y, margin=margin, reduction=reduction)


def _margin_ranking_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"margin": 0.5}):
        y = _signs(gen, 6)
        x1 = _randn(gen, 6)
        # keep -y (x1 - x2) + m away from the hinge at 0
        gap = _away(_randn(gen, 6), (0.0,))
        x2 = x1 - (p.get("margin", 0.0) - gap) * y  # so that -y (x1 - x2) + m = gap
        out.append(_ex(torch.stack([x1, x2], -1), y, p, _rand(gen, 6, lo=0.5, hi=2.0), dtype))
    return out


def _ref_margin_ranking(x: torch.Tensor, y: torch.Tensor, margin: float = 0.0) -> torch.Tensor:
    # PyTorch docs, MarginRankingLoss: max(0, -y (x1 - x2) + margin)
    return (-y * (x[..., 0] - x[..., 1]) + margin).clamp_min(0)


def _torch_margin_ranking(x, y, *, reduction, weight=None, margin=0.0):
    return F.margin_ranking_loss(x[..., 0], x[..., 1], y, margin=margin, reduction=reduction)


def _cos64(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    # ATen's cosine_embedding_loss: 1e-12 added to each squared norm
    return (a * b).sum(-1) / torch.sqrt(((a * a).sum(-1) + 1e-12) * ((b * b).sum(-1) + 1e-12))


def _cosine_embedding_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"margin": 0.3}):
        m = p.get("margin", 0.0)
        rows = []
        while len(rows) < 5:  # keep cos - margin away from the hinge at 0
            a, b = _randn(gen, 4), _randn(gen, 4)
            if abs(float(_cos64(a, b)) - m) > 0.05:
                rows.append(torch.stack([a, b]))
        y = torch.tensor([1, -1, -1, 1, -1])
        out.append(_ex(torch.stack(rows), y, p, _rand(gen, 5, lo=0.5, hi=2.0), dtype))
    return out


def _ref_cosine_embedding(x: torch.Tensor, y: torch.Tensor, margin: float = 0.0
                          ) -> torch.Tensor:
    # PyTorch docs, CosineEmbeddingLoss: 1 - cos if y = 1, max(0, cos - margin) if y = -1
    cos = _cos64(x[:, 0], x[:, 1])
    return torch.where(y > 0, 1 - cos, (cos - margin).clamp_min(0))


def _torch_cosine_embedding(x, y, *, reduction, weight=None, margin=0.0):
    return F.cosine_embedding_loss(x[:, 0], x[:, 1], y, margin=margin, reduction=reduction)


def _multilabel_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    n, c = 4, 5
    t = torch.full((n, c), -1, dtype=torch.int64)
    for i, k in enumerate((1, 2, 3, 0)):  # the last row has no target: loss 0
        perm = torch.randperm(c, generator=gen)[:k]
        t[i, :k] = perm
    t[1, 3] = 4  # an index after the first -1 is ignored, as PyTorch does
    while True:  # keep every 1 - (x_j - x_i) away from the hinge at 0
        x = _randn(gen, n, c, scale=1.5)
        diff = x[:, :, None] - x[:, None, :]
        if bool(((1 - diff).abs() > 0.05).all()):
            break
    return [_ex(x, t, {}, _rand(gen, n, lo=0.5, hi=2.0), dtype)]


def _ref_multilabel(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    # PyTorch docs, MultiLabelMarginLoss: sum_{j in targets, i not in targets}
    # max(0, 1 - (x[y[j]] - x[i])) / x.size(0), targets up to the first -1
    out = torch.zeros(x.shape[0], dtype=F64)
    c = x.shape[1]
    for n in range(x.shape[0]):
        targets = []
        for v in t[n].tolist():
            if v < 0:
                break
            targets.append(v)
        for j in targets:
            for i in range(c):
                if i not in targets:
                    out[n] += max(0.0, 1 - (float(x[n, j]) - float(x[n, i])))
    return out / c


def _torch_multilabel(x, t, *, reduction, weight=None):
    return F.multilabel_margin_loss(x, t, reduction=reduction)


# ------------------------------------------------------------------ optax's perceptrons
def _perceptron_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    x, y = _away(_randn(gen, 4, 3, scale=2.0), (0.0,)), _signs(gen, 4, 3)
    return [_ex(x, y, {}, _rand(gen, 4, 3, lo=0.5, hi=2.0), dtype)]


def _multiclass_scores(gen: torch.Generator, n: int, c: int) -> torch.Tensor:
    while True:  # the two largest scores of each row at least 0.05 apart (no tie)
        x = _randn(gen, n, c, scale=2.0)
        top = x.topk(2, dim=-1).values
        if bool(((top[:, 0] - top[:, 1]) > 0.05).all()):
            return x


def _mc_perceptron_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    x = _multiclass_scores(gen, 6, 4)
    t = torch.randint(0, 4, (6,), generator=gen)
    t[0] = int(x[0].argmax())  # one row already right: loss 0
    return [_ex(x, t, {}, _rand(gen, 6, lo=0.5, hi=2.0), dtype)]


def _ref_mc_perceptron(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    # optax multiclass_perceptron_loss: max_k scores_k - scores_label
    return torch.tensor([max(float(v) for v in x[n]) - float(x[n, t[n]])
                         for n in range(x.shape[0])], dtype=F64)


# ------------------------------------------------------------------ optax's sparsemax losses
def _sp64(z: torch.Tensor) -> torch.Tensor:
    # Keras/JAX sparse_plus: 0 for z <= -1, (z + 1)^2 / 4 on (-1, 1), z for z >= 1
    return torch.where(z <= -1, torch.zeros_like(z), torch.where(z >= 1, z, (z + 1) ** 2 / 4))


def _sparsemax_loss_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    x = _away(_randn(gen, 4, 3, scale=2.0), (-1.0, 1.0))
    y = (_rand(gen, 4, 3) > 0.5).to(F64)
    return [_ex(x, y, {}, _rand(gen, 4, 3, lo=0.5, hi=2.0), dtype)]


def _ref_sparsemax_loss(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # optax sparsemax_loss: sparse_plus(where(labels, -logits, logits))
    return _sp64(torch.where(y > 0, -x, x))


def _tau(z: torch.Tensor) -> float:
    """Bisection for sum(max(z - tau, 0)) = 1 (not the sort used by actloss)."""
    lo, hi = float(z.max()) - 1, float(z.max())
    for _ in range(200):
        mid = (lo + hi) / 2
        if float((z - mid).clamp_min(0).sum()) > 1:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _mc_sparsemax_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    rows = []
    while len(rows) < 5:  # every score at least 0.05 from the threshold: no support change
        z = _randn(gen, 4, scale=1.5)
        if bool(((z - _tau(z)).abs() > 0.05).all()):
            rows.append(z)
    t = torch.randint(0, 4, (5,), generator=gen)
    return [_ex(torch.stack(rows), t, {}, _rand(gen, 5, lo=0.5, hi=2.0), dtype)]


def _ref_mc_sparsemax(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    # Martins and Astudillo (2016), eq. 19: -z_k + 1/2 sum_{j in S(z)} (z_j^2 - tau^2) + 1/2
    out = []
    for z, k in zip(x, t.tolist()):
        tau = _tau(z)
        s = z > tau
        out.append(-float(z[k]) + 0.5 * float((z[s] ** 2 - tau**2).sum()) + 0.5)
    return torch.tensor(out, dtype=F64)


# ------------------------------------------------------------------ ranking, Circle, KL
def _ranking_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    x = _randn(gen, 3, 5, scale=1.5)
    y = torch.randint(0, 4, (3, 5), generator=gen).to(F64)  # graded relevance 0..3
    return [_ex(x, y, {}, _rand(gen, 3, lo=0.5, hi=2.0), dtype)]


def _ref_ranking(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # optax ranking_softmax_loss: -sum_i y_i log(exp(s_i) / sum_j exp(s_j))
    return -(y * (s - torch.log(torch.exp(s).sum(-1, keepdim=True)))).sum(-1)


def _circle_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"gamma": 8.0, "margin": 0.25}, {"remove_diagonal": False}):
        x = _randn(gen, 6, 3)
        x = x / x.norm(dim=1, keepdim=True)
        y = torch.tensor([0, 0, 1, 1, 2, 0])
        out.append(_ex(x, y, p, _rand(gen, 6, lo=0.5, hi=2.0), dtype))
    return out


def _ref_circle(x: torch.Tensor, y: torch.Tensor, gamma: float = 80.0, margin: float = 0.4,
                remove_diagonal: bool = True) -> torch.Tensor:
    # keras.losses.circle: d = max(0, 1 - x_i.x_j); positives (same label) weighted
    # (m + d)(m - d), negatives (1 + m - d)(1 - m - d); softplus(lse_P + lse_N)
    import math

    out = []
    n = x.shape[0]
    for i in range(n):
        pos, neg = [], []
        for j in range(n):
            d = max(0.0, 1 - float(x[i] @ x[j]))
            if int(y[i]) == int(y[j]):
                if i != j or not remove_diagonal:
                    pos.append(-gamma * (margin + d) * (margin - d))
            else:
                neg.append(gamma * (1 + margin - d) * (1 - margin - d))
        if not pos or not neg:
            out.append(0.0)
            continue
        lse = (math.log(sum(math.exp(v) for v in pos))
               + math.log(sum(math.exp(v) for v in neg)))
        out.append(math.log1p(math.exp(lse)))
    return torch.tensor(out, dtype=F64)


def _gkl_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    x = _randn(gen, 4, 5)
    y = _rand(gen, 4, 5, lo=0.0, hi=3.0)
    y[0, 2] = 0.0  # 0 log 0 = 0
    return [_ex(x, y, {}, _rand(gen, 4, lo=0.5, hi=2.0), dtype)]


def _ref_gkl(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # I-divergence sum y log(y / q) - y + q with q = exp(x); 0 log 0 = 0
    q = torch.exp(x)
    ylogy = torch.where(y > 0, y * torch.log(torch.where(y > 0, y, 1.0) / q), 0.0)
    return (ylogy - y + q).sum(-1)


# ------------------------------------------------------------------ CTC
def _ctc_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    t_max, n, c = 6, 3, 4
    out = []
    for p in ({}, {"input_lengths": torch.tensor([6, 4, 5]),
                   "target_lengths": torch.tensor([3, 2, 1])},
              {"blank": 3, "target_lengths": torch.tensor([2, 3, 0])},
              {"divide_by_target_length": True, "input_lengths": torch.tensor([6, 5, 6]),
               "target_lengths": torch.tensor([2, 2, 3]), "zero_infinity": True}):
        lo = 1 if p.get("blank", 0) == 0 else 0
        y = torch.randint(lo, lo + c - 1, (n, 3), generator=gen)
        x = torch.log_softmax(_randn(gen, t_max, n, c, scale=1.5), dim=2)
        out.append(_ex(x, y, p, _rand(gen, n, lo=0.5, hi=2.0), dtype))
    return out


def _ref_ctc(x: torch.Tensor, y: torch.Tensor, blank: int = 0, zero_infinity: bool = False,
             divide_by_target_length: bool = False, input_lengths: Any = None,
             target_lengths: Any = None) -> torch.Tensor:
    # Graves et al. (2006): -log of the sum over every frame path that collapses (merge
    # repeats, then drop blanks) to the label sequence; enumerated path by path
    import itertools
    import math

    t_max, n, c = x.shape
    out = []
    for b in range(n):
        t_n = t_max if input_lengths is None else int(input_lengths[b])
        l_n = y.shape[1] if target_lengths is None else int(target_lengths[b])
        labels = tuple(int(v) for v in y[b, :l_n])
        total = 0.0
        for path in itertools.product(range(c), repeat=t_n):
            merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
            if tuple(k for k in merged if k != blank) == labels:
                total += math.exp(sum(float(x[t, b, k]) for t, k in enumerate(path)))
        loss = -math.log(total) if total > 0 else (0.0 if zero_infinity else math.inf)
        out.append(loss / max(l_n, 1) if divide_by_target_length else loss)
    return torch.tensor(out, dtype=F64)


def _torch_ctc(x, y, *, reduction, weight=None, blank=0, zero_infinity=False,
               divide_by_target_length=False, input_lengths=None, target_lengths=None):
    # F.ctc_loss's 'mean' divides by the target lengths first: here that is
    # divide_by_target_length=True; the catalog's plain 'mean' is the mean of 'none'
    t_max, n, _ = x.shape
    il = torch.full((n,), t_max) if input_lengths is None else input_lengths
    tl = torch.full((n,), y.shape[1]) if target_lengths is None else target_lengths
    per = F.ctc_loss(x, y, il, tl, blank=blank, reduction="none", zero_infinity=zero_infinity)
    if divide_by_target_length:
        if reduction == "mean":
            return F.ctc_loss(x, y, il, tl, blank=blank, reduction="mean",
                              zero_infinity=zero_infinity)
        per = per / tl.clamp_min(1).to(per.dtype)
    return {"none": per, "sum": per.sum(), "mean": per.mean()}[reduction]


# ------------------------------------------------------------------ overlap: generalized Dice, MCC
def _gdice_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"ignore_background": True, "smooth": 0.5}, {"from_logits": False}):
        x = _randn(gen, 3, 3, 2, 3, scale=1.5)
        if p.get("from_logits") is False:
            x = torch.softmax(x, dim=1)
        t = torch.randint(0, 3, (3, 2, 3), generator=gen)
        if p.get("smooth") is not None:
            t = F.one_hot(t, 3).movedim(-1, 1).to(F64)  # one-hot targets
        out.append(_ex(x, t, p, _rand(gen, 3, lo=0.5, hi=2.0), dtype))
    return out


def _ref_gdice(x: torch.Tensor, t: torch.Tensor, smooth: float = 1.0, from_logits: bool = True,
               ignore_background: bool = False) -> torch.Tensor:
    # optax multiclass_generalized_dice_loss: w_c = 1/(f_c^2 + 1e-7), normalised to sum C;
    # dice per (sample, class) over the spatial axes; mean over (kept) classes
    n, c = x.shape[:2]
    if not t.is_floating_point():
        t = F.one_hot(t, c).movedim(-1, 1).to(F64)
    probs = torch.softmax(x, dim=1) if from_logits else x
    freq = [float(t[:, k].sum()) for k in range(c)]
    raw = [1 / (f * f + 1e-7) for f in freq]
    w = [c * r / sum(raw) for r in raw]
    out = []
    for i in range(n):
        terms = []
        for k in range(1 if ignore_background else 0, c):
            pk, tk = probs[i, k].flatten(), t[i, k].flatten()
            dice = (2 * float((pk * tk).sum()) + smooth) / (float(pk.sum()) + float(tk.sum())
                                                            + smooth)
            terms.append(w[k] * (1 - dice))
        out.append(sum(terms) / len(terms))
    return torch.tensor(out, dtype=F64)


def _mcc_make(gen: torch.Generator, dtype: torch.dtype) -> list[Example]:
    out = []
    for p in ({}, {"from_logits": True}, {"eps": 0.1}):
        t = (_rand(gen, 3, 2, 4) > 0.5).to(F64)
        x = _randn(gen, 3, 2, 4, scale=2.0) if p.get("from_logits") else _rand(
            gen, 3, 2, 4, lo=0.02, hi=0.98)
        out.append(_ex(x, t, p, _rand(gen, 3, lo=0.5, hi=2.0), dtype))
    return out


def _ref_mcc(x: torch.Tensor, t: torch.Tensor, eps: float = 1e-5,
             from_logits: bool = False) -> torch.Tensor:
    # smp MCCLoss per sample: soft confusion counts + eps, 1 - (TP TN - FP FN) / sqrt(...)
    import math

    out = []
    for xi, ti in zip(x, t):
        pi = (1 / (1 + torch.exp(-xi)) if from_logits else xi).flatten().tolist()
        tt = ti.flatten().tolist()
        tp = sum(a * b for a, b in zip(pi, tt)) + eps
        tn = sum((1 - a) * (1 - b) for a, b in zip(pi, tt)) + eps
        fp = sum(a * (1 - b) for a, b in zip(pi, tt)) + eps
        fn = sum((1 - a) * b for a, b in zip(pi, tt)) + eps
        out.append(1 - (tp * tn - fp * fn) / math.sqrt((tp + fp) * (tp + fn) * (tn + fp)
                                                        * (tn + fn)))
    return torch.tensor(out, dtype=F64)


CASES: dict[str, LossCase] = {
    "multiclass_generalized_dice": LossCase(_gdice_make, _ref_gdice),
    "mcc": LossCase(_mcc_make, _ref_mcc),
    "ctc": LossCase(_ctc_make, _ref_ctc, _torch_ctc),
    "sparsemax_loss": LossCase(_sparsemax_loss_make, _ref_sparsemax_loss),
    "multiclass_sparsemax": LossCase(_mc_sparsemax_make, _ref_mc_sparsemax),
    "ranking_softmax": LossCase(_ranking_make, _ref_ranking),
    # the pair weights are held constant (Keras's stop_gradient): autograd is by design not
    # the derivative of the value, so finite differences cannot check it
    "circle": LossCase(_circle_make, _ref_circle, gradcheck=False),
    "generalized_kl_divergence": LossCase(_gkl_make, _ref_gkl),
    "soft_margin": LossCase(_soft_margin_make, _ref_soft_margin,
                            lambda x, y, *, reduction, weight=None: F.soft_margin_loss(
                                x, y, reduction=reduction)),
    "hinge_embedding": LossCase(_hinge_embedding_make, _ref_hinge_embedding,
                                _torch_hinge_embedding),
    "margin_ranking": LossCase(_margin_ranking_make, _ref_margin_ranking,
                               _torch_margin_ranking),
    "cosine_embedding": LossCase(_cosine_embedding_make, _ref_cosine_embedding,
                                 _torch_cosine_embedding),
    "multilabel_margin": LossCase(_multilabel_make, _ref_multilabel, _torch_multilabel),
    "perceptron": LossCase(_perceptron_make, lambda x, y: (-y * x).clamp_min(0)),
    "multiclass_perceptron": LossCase(_mc_perceptron_make, _ref_mc_perceptron),
}
