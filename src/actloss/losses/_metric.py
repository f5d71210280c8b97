"""Losses: metric learning (contrastive pairs, triplets, InfoNCE / NT-Xent).

These losses score embeddings, so ``input`` packs the embeddings the loss compares:

- ``contrastive``: ``input`` ``(N, 2, D)`` = pairs ``(x1, x2)``, ``target`` ``(N,)`` =
  pair labels, 1 for a similar pair and 0 for a dissimilar one.
- ``triplet``: ``input`` ``(N, 3, D)`` = ``(anchor, positive, negative)``; ``target`` is
  not used and must be ``None``.
- ``info_nce``: ``input`` ``(N, D)`` queries, ``target`` ``(N, D)`` keys; key ``i`` is the
  positive of query ``i`` and the other keys of the batch are its negatives.
- ``nt_xent``: ``input`` ``(N, D)`` and ``target`` ``(N, D)`` are two views of the same
  ``N`` samples (SimCLR); every other of the ``2N`` embeddings is a negative.

Each returns one loss per sample (pair, triplet, query, view pair): shape ``(N,)``.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from actloss._i18n import bilingual as _bi
from actloss._numeric import up as _up
from actloss._reduction import check_reduction, reduce
from actloss._scaled import norm as _safe_norm
from actloss._scaled import row_scale as _row_scale
from actloss._scaled import unit as _safe_unit
from actloss._validation import (
    NONNEGATIVE,
    POSITIVE,
    Interval,
    Param,
    check_params,
    check_tensor,
)
from actloss.errors import InputError
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = ["contrastive", "info_nce", "nt_xent", "triplet"]





def _weigh(g: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    """``g`` times per-sample ``weight`` (broadcast to ``(N,)``, the loss's shape)."""
    if weight is None:
        return g
    w = torch.broadcast_to(weight.to(g.dtype), g.shape[:1])
    return g * w.reshape(g.shape[:1] + (1,) * (g.dim() - 1))


def _packed(owner: str, input: object, k: int, what: str) -> torch.Tensor:
    x = check_tensor(owner, "input", input)
    if x.dim() != 3 or x.shape[1] != k:
        raise InputError(
            f"`input` of {owner} must have shape (N, {k}, D) holding {what}; "
            f"got shape {tuple(x.shape)}"
        )
    return x


# ---------------------------------------------------------------------------------------
# contrastive (Hadsell, Chopra, LeCun 2006)
# ---------------------------------------------------------------------------------------

CONTRASTIVE_PARAMS = (Param("margin", 1.0, float, POSITIVE,
                            doc="distance beyond which dissimilar pairs cost nothing"),)
_TINY = 1e-12  # squared distances below this count as zero (sqrt has no derivative at 0)


class _HalfSquaredNorm(torch.autograd.Function):
    """``||v||^2 / 2`` over the last dimension as ``(s / 2) (s q)``, ``q = ||v / s||^2``, with
    the gradient ``v`` given directly (autograd through the scaled form would multiply by
    ``s^2`` before dividing by ``s``, and overflow where ``v`` itself does not)."""

    @staticmethod
    def forward(ctx: object, v: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        s = _row_scale(v)
        t = v / s
        ctx.save_for_backward(v)  # type: ignore[attr-defined]
        return (0.5 * s.squeeze(-1)) * (s.squeeze(-1) * (t * t).sum(-1))

    @staticmethod
    def backward(ctx: object, g: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        (v,) = ctx.saved_tensors  # type: ignore[attr-defined]
        return g.unsqueeze(-1) * v  # differentiable again: second derivatives hold


def _pair_distance(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``diff = x1 - x2``, half its squared norm and its norm, free of intermediate overflow.

    With ``s`` the row scale of ``diff`` (a power of two, so ``diff / s`` is exact),
    ``d^2 / 2 = (s / 2) (s q)`` and ``d = s sqrt(q)``, ``q = ||diff / s||^2``: the squares
    never leave the range of the dtype unless the result itself does.
    """
    diff = x[:, 0] - x[:, 1]
    s = _row_scale(diff).squeeze(-1)
    t = diff / s.unsqueeze(-1)
    q = (t * t).sum(-1)
    half_sq = _HalfSquaredNorm.apply(diff)
    # sqrt has no derivative at 0: route q = 0 around it (the floor then holds d anyway)
    # (NaN takes the sqrt path, so it stays NaN)
    live = ~(q <= 0)
    root = torch.where(live, q, torch.ones_like(q)).sqrt()
    d = torch.where(live, s * root, torch.zeros_like(q)).clamp_min(math.sqrt(_TINY))
    return diff, half_sq, d


def _contrastive_args(input: object, target: object, margin: float
                      ) -> tuple[torch.Tensor, torch.Tensor, float]:
    m = check_params("contrastive", CONTRASTIVE_PARAMS, {"margin": margin})["margin"]
    x = _packed("contrastive", input, 2, "pairs (x1, x2)")
    y = check_tensor("contrastive", "target", target, floating=False)
    if y.shape != x.shape[:1]:
        raise InputError(
            f"`target` of contrastive must have shape (N,) = {tuple(x.shape[:1])} (one label "
            f"per pair); got shape {tuple(y.shape)}"
        )
    yf = y.to(_up(x).dtype)
    if y.numel() and bool(((yf != 0) & (yf != 1)).any()):
        raise InputError("`target` of contrastive must hold pair labels 0 (dissimilar) or "
                         "1 (similar)")
    return _up(x), yf, m


def contrastive(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                weight: torch.Tensor | None = None, margin: float = 1.0) -> torch.Tensor:
    r"""Contrastive loss of embedding pairs.

    .. math::
        \ell_n = \tfrac12\, y_n\, d_n^2 + \tfrac12 (1 - y_n) \max(0, m - d_n)^2,\quad
        d_n = \lVert x_{n,1} - x_{n,2} \rVert_2

    Derivative with respect to ``x1``: :math:`y (x_1 - x_2) - (1 - y)\max(0, m - d)
    (x_1 - x_2)/d`, the negative for ``x2``.

    Args:
        input: pairs of embeddings, shape ``(N, 2, D)``.
        target: pair labels, 1 similar, 0 dissimilar, shape ``(N,)`` (any dtype).
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: per-pair weights ``(N,)``.
        margin: ``m`` in ``(0, inf)``, default ``1.0``.

    Shape:
        output ``(N,)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> x = torch.tensor([[[0.0, 0.0], [0.3, 0.4]], [[0.0, 0.0], [0.3, 0.4]]])
        >>> contrastive(x, torch.tensor([1, 0]), reduction="none")  # d = 0.5
        tensor([0.1250, 0.1250])

    References:
        Hadsell, Chopra, LeCun (2006). Dimensionality reduction by learning an invariant
        mapping. CVPR.
    """
    x, y, m = _contrastive_args(input, target, margin)
    check_reduction("contrastive", reduction)
    _, half_sq, d = _pair_distance(x)
    # each pair takes one branch (labels are 0 or 1); selecting rather than multiplying
    # by the label keeps 0 * inf = NaN out when distances overflow
    loss = torch.where(y != 0, half_sq, 0.5 * F.relu(m - d) ** 2)
    out = reduce(loss, reduction, weight=weight, owner="contrastive", mean_by="count")
    return out.to(input.dtype)


def contrastive_gradient(input: torch.Tensor, target: torch.Tensor, *,
                         weight: torch.Tensor | None = None, margin: float = 1.0) -> torch.Tensor:
    """d(sum of per-pair losses)/d(input), in closed form, shape ``(N, 2, D)``."""
    x, y, m = _contrastive_args(input, target, margin)
    diff, _, d = _pair_distance(x)
    push = torch.where(d > math.sqrt(_TINY), F.relu(m - d) / d, torch.zeros_like(d))
    g1 = torch.where(y != 0, torch.ones_like(push), -push).unsqueeze(-1) * diff
    return _weigh(torch.stack([g1, -g1], dim=1), weight).to(input.dtype)


# ---------------------------------------------------------------------------------------
# triplet (Schroff, Kalenichenko, Philbin 2015), PyTorch's triplet_margin_loss
# ---------------------------------------------------------------------------------------

TRIPLET_PARAMS = (
    Param("margin", 1.0, float, NONNEGATIVE, doc="required gap between the two distances"),
    Param("eps", 1e-6, float, NONNEGATIVE, doc="added to differences, as pairwise_distance"),
    Param("swap", False, bool, doc="use min(d(a, n), d(p, n)) as the negative distance"),
    Param("p", 2.0, float, Interval(1.0, math.inf, low_closed=True),
          doc="norm degree of the distance (PyTorch's p)"),
)


def _triplet_args(input: object, target: object, margin: float, eps: float, swap: bool,
                  p: float = 2.0) -> tuple[torch.Tensor, dict]:
    kw = check_params("triplet", TRIPLET_PARAMS, {"margin": margin, "eps": eps, "swap": swap,
                                                  "p": p})
    x = _packed("triplet", input, 3, "(anchor, positive, negative)")
    if target is not None:
        raise InputError(
            "`target` of triplet must be None (anchor, positive and negative are all in "
            f"`input`); got {type(target).__name__}"
        )
    return _up(x), kw


def _triplet_parts(x: torch.Tensor, eps: float, swap: bool, p: float = 2.0):
    a, pos, n = x.unbind(1)
    u, v, w = a - pos + eps, a - n + eps, pos - n + eps  # pairwise_distance adds eps
    d_ap, d_an, d_pn = (_safe_norm(z, p=p) for z in (u, v, w))  # s ||z / s||_p
    use_pn = (d_pn < d_an) if swap else torch.zeros_like(d_an, dtype=torch.bool)
    d_neg = torch.where(use_pn, d_pn, d_an)
    return (u, v, w), (d_ap, d_an, d_pn), use_pn, d_neg


def triplet(input: torch.Tensor, target: None = None, *, reduction: str = "mean",
            weight: torch.Tensor | None = None, margin: float = 1.0, eps: float = 1e-6,
            swap: bool = False, p: float = 2.0) -> torch.Tensor:
    r"""Triplet margin loss with p-norm distances, as ``F.triplet_margin_loss``.

    .. math::
        \ell_n = \max(0,\ d(a_n, p_n) - d(a_n, n_n) + m),\quad
        d(x, y) = \lVert x - y + \epsilon \rVert_p

    Derivative (active triplets): :math:`\partial\ell/\partial a = \nabla d_{ap} -
    \nabla d_{an}`, :math:`\partial\ell/\partial p = -\nabla d_{ap}`,
    :math:`\partial\ell/\partial n = \nabla d_{an}`, with
    :math:`\nabla\lVert u\rVert_p = \operatorname{sign}(u)|u|^{p-1}/\lVert u\rVert_p^{p-1}`
    (``u/d`` for ``p = 2``), :math:`u = a - p + \epsilon`, :math:`v = a - n + \epsilon`.

    Args:
        input: triplets, shape ``(N, 3, D)`` = anchor, positive, negative.
        target: unused; must be ``None``.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: per-triplet weights ``(N,)``.
        margin: ``m`` in ``[0, inf)``, default ``1.0``.
        eps: in ``[0, inf)``, default ``1e-6`` (PyTorch's).
        swap: distance swap of Balntas et al. (2016), default ``False``.
        p: norm degree in ``[1, inf)``, default ``2.0`` (PyTorch's).

    Shape:
        output ``(N,)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> x = torch.tensor([[[0.0, 0.0], [1.0, 0.0], [0.0, 3.0]]])
        >>> triplet(x, eps=0.0)  # max(0, 1 - 3 + 1)
        tensor(0.)
        >>> triplet(x, eps=0.0, margin=2.5)  # 1 - 3 + 2.5
        tensor(0.5000)

    References:
        Schroff, Kalenichenko, Philbin (2015). FaceNet. CVPR.
    """
    x, kw = _triplet_args(input, target, margin, eps, swap, p)
    check_reduction("triplet", reduction)
    _, (d_ap, _, _), _, d_neg = _triplet_parts(x, kw["eps"], kw["swap"], kw["p"])
    loss = F.relu(d_ap - d_neg + kw["margin"])
    out = reduce(loss, reduction, weight=weight, owner="triplet", mean_by="count")
    return out.to(input.dtype)


def _norm_grad(z: torch.Tensor, d: torch.Tensor, p: float) -> torch.Tensor:
    """d ||z||_p / dz = sign(z) (|z| / ||z||_p)^(p-1) (the ratio first: no overflow)."""
    if p == 2.0:
        return z / d.unsqueeze(-1)
    return torch.sign(z) * (z.abs() / d.unsqueeze(-1)) ** (p - 1)


def triplet_gradient(input: torch.Tensor, target: None = None, *,
                     weight: torch.Tensor | None = None, margin: float = 1.0,
                     eps: float = 1e-6, swap: bool = False, p: float = 2.0) -> torch.Tensor:
    """d(sum of per-triplet losses)/d(input), in closed form, shape ``(N, 3, D)``."""
    x, kw = _triplet_args(input, target, margin, eps, swap, p)
    (u, v, w), (d_ap, d_an, d_pn), use_pn, d_neg = _triplet_parts(x, kw["eps"], kw["swap"],
                                                                  kw["p"])
    active = ((d_ap - d_neg + kw["margin"]) > 0).to(x.dtype)[:, None, None]
    gu = _norm_grad(u, d_ap, kw["p"])
    gv = _norm_grad(v, d_an, kw["p"])
    gw = _norm_grad(w, d_pn, kw["p"])
    sw = use_pn.to(x.dtype).unsqueeze(-1)
    ga = gu - (1 - sw) * gv
    gp = -gu - sw * gw
    gn = (1 - sw) * gv + sw * gw
    return _weigh(active * torch.stack([ga, gp, gn], dim=1), weight).to(input.dtype)


# ---------------------------------------------------------------------------------------
# InfoNCE (van den Oord et al. 2018) and NT-Xent (Chen et al. 2020)
# ---------------------------------------------------------------------------------------

_NORMALIZE = Param("normalize", True, bool, doc="L2-normalise embeddings (cosine similarity)")
INFO_NCE_PARAMS = (Param("temperature", 0.1, float, POSITIVE, doc="softmax temperature"),
                   _NORMALIZE)
NT_XENT_PARAMS = (Param("temperature", 0.5, float, POSITIVE, doc="softmax temperature"),
                  _NORMALIZE)


def _two_views(owner: str, input: object, target: object) -> tuple[torch.Tensor, torch.Tensor]:
    q = check_tensor(owner, "input", input)
    k = check_tensor(owner, "target", target)
    if q.dim() != 2 or q.shape != k.shape:
        raise InputError(
            f"`input` and `target` of {owner} must both have shape (N, D); got "
            f"{tuple(q.shape)} and {tuple(k.shape)}"
        )
    return _up(q), _up(k).to(_up(q).dtype)


def _unit(x: torch.Tensor, normalize: bool) -> tuple[torch.Tensor, torch.Tensor]:
    if not normalize:
        return x, torch.ones_like(x[:, :1])
    return _safe_unit(x, dim=1, eps=1e-12)  # as F.normalize, scaled: no overflow


def _through_normalize(g_hat: torch.Tensor, x_hat: torch.Tensor, norm: torch.Tensor,
                       normalize: bool) -> torch.Tensor:
    # d(x/|x|)/dx = (I - x_hat x_hat^T) / |x|
    if not normalize:
        return g_hat
    return (g_hat - (g_hat * x_hat).sum(1, keepdim=True) * x_hat) / norm


def info_nce(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
             weight: torch.Tensor | None = None, temperature: float = 0.1,
             normalize: bool = True) -> torch.Tensor:
    r"""InfoNCE: cross-entropy of each query against the batch of keys.

    .. math::
        \ell_i = -\log\frac{\exp(s_{ii}/\tau)}{\sum_j \exp(s_{ij}/\tau)}
        = \operatorname{logsumexp}_j(s_{ij}/\tau) - s_{ii}/\tau,\quad
        s_{ij} = \hat q_i \cdot \hat k_j

    Computed with ``logsumexp``. Derivative with respect to :math:`\hat q_i`:
    :math:`(\sum_j P_{ij}\hat k_j - \hat k_i)/\tau` with :math:`P` the row softmax, then
    through the normalisation.

    Args:
        input: queries ``(N, D)``.
        target: keys ``(N, D)``; key ``i`` is the positive of query ``i``.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: per-query weights ``(N,)``.
        temperature: ``tau`` in ``(0, inf)``, default ``0.1``.
        normalize: compare unit vectors (cosine similarity), default ``True``.

    Shape:
        output ``(N,)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> q = torch.eye(2)
        >>> info_nce(q, q, temperature=1.0)  # log(e + 1) - 1
        tensor(0.3133)

    References:
        van den Oord, Li, Vinyals (2018). Representation learning with contrastive
        predictive coding. arXiv:1807.03748.
    """
    kw = check_params("info_nce", INFO_NCE_PARAMS,
                      {"temperature": temperature, "normalize": normalize})
    check_reduction("info_nce", reduction)
    q, k = _two_views("info_nce", input, target)
    qh, _ = _unit(q, kw["normalize"])
    kh, _ = _unit(k, kw["normalize"])
    logits = qh @ kh.T / kw["temperature"]
    # -log softmax(l)_ii = logsumexp_j(l_ij) - l_ii
    loss = torch.logsumexp(logits, dim=1) - logits.diagonal()
    out = reduce(loss, reduction, weight=weight, owner="info_nce", mean_by="count")
    return out.to(input.dtype)


def info_nce_gradient(input: torch.Tensor, target: torch.Tensor, *,
                      weight: torch.Tensor | None = None, temperature: float = 0.1,
                      normalize: bool = True) -> torch.Tensor:
    """d(sum of per-query losses)/d(input), in closed form."""
    kw = check_params("info_nce", INFO_NCE_PARAMS,
                      {"temperature": temperature, "normalize": normalize})
    q, k = _two_views("info_nce", input, target)
    qh, qn = _unit(q, kw["normalize"])
    kh, _ = _unit(k, kw["normalize"])
    tau = kw["temperature"]
    prob = torch.softmax(qh @ kh.T / tau, dim=1)
    g_hat = _weigh((prob @ kh - kh) / tau, weight)
    return _through_normalize(g_hat, qh, qn, kw["normalize"]).to(input.dtype)


def _nt_xent_logits(q: torch.Tensor, k: torch.Tensor, tau: float, normalize: bool):
    z = torch.cat([q, k], dim=0)
    zh, zn = _unit(z, normalize)
    n2 = z.shape[0]
    logits = zh @ zh.T / tau
    eye = torch.eye(n2, dtype=torch.bool, device=z.device)
    logits = logits.masked_fill(eye, float("-inf"))  # a view is not its own negative
    half = n2 // 2
    pos = torch.cat([torch.arange(half, n2), torch.arange(0, half)]).to(z.device)
    return logits, pos, zh, zn


def nt_xent(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
            weight: torch.Tensor | None = None, temperature: float = 0.5,
            normalize: bool = True) -> torch.Tensor:
    r"""NT-Xent (SimCLR): normalised temperature-scaled cross-entropy over ``2N`` views.

    With :math:`z = [z^{(1)}; z^{(2)}]` (``2N`` rows) and :math:`s_{kl} = \hat z_k\cdot
    \hat z_l`, each view ``k`` is classified against every other view, its partner
    ``pos(k)`` being the right answer:

    .. math::
        \ell_k = \operatorname{logsumexp}_{l \ne k}(s_{kl}/\tau) - s_{k,\mathrm{pos}(k)}/\tau

    The loss of sample ``n`` is the mean of its two views' terms, so ``reduction='mean'``
    equals SimCLR's mean over the ``2N`` views.

    Args:
        input: first view's embeddings ``(N, D)``.
        target: second view's embeddings ``(N, D)``.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: per-sample weights ``(N,)``.
        temperature: ``tau`` in ``(0, inf)``, default ``0.5``.
        normalize: compare unit vectors (cosine similarity), default ``True``.

    Shape:
        output ``(N,)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> z = torch.eye(2)
        >>> nt_xent(z, z, temperature=1.0)  # log(e + 2) - 1
        tensor(0.5514)

    References:
        Chen, Kornblith, Norouzi, Hinton (2020). A simple framework for contrastive
        learning of visual representations. ICML.
    """
    kw = check_params("nt_xent", NT_XENT_PARAMS,
                      {"temperature": temperature, "normalize": normalize})
    check_reduction("nt_xent", reduction)
    q, k = _two_views("nt_xent", input, target)
    logits, pos, _, _ = _nt_xent_logits(q, k, kw["temperature"], kw["normalize"])
    rows = torch.arange(logits.shape[0], device=logits.device)
    per_view = torch.logsumexp(logits, dim=1) - logits[rows, pos]
    n = q.shape[0]
    loss = 0.5 * (per_view[:n] + per_view[n:])
    out = reduce(loss, reduction, weight=weight, owner="nt_xent", mean_by="count")
    return out.to(input.dtype)


def nt_xent_gradient(input: torch.Tensor, target: torch.Tensor, *,
                     weight: torch.Tensor | None = None, temperature: float = 0.5,
                     normalize: bool = True) -> torch.Tensor:
    """d(sum of per-sample losses)/d(input), in closed form.

    With ``P`` the row softmax over ``l != k`` and ``Y`` the partner indicator, the sum is
    ``(1/2) sum_k ell_k``, so ``dL/ds = (P - Y)/(2 tau)`` and
    ``dL/dz_hat = ((P - Y) + (P - Y)^T) z_hat / (2 tau)``; the first ``N`` rows are the
    input's, taken through the normalisation.
    """
    kw = check_params("nt_xent", NT_XENT_PARAMS,
                      {"temperature": temperature, "normalize": normalize})
    q, k = _two_views("nt_xent", input, target)
    tau = kw["temperature"]
    logits, pos, zh, zn = _nt_xent_logits(q, k, tau, kw["normalize"])
    prob = torch.softmax(logits, dim=1)
    y = torch.zeros_like(prob)
    y[torch.arange(prob.shape[0], device=prob.device), pos] = 1
    m = prob - y
    if weight is not None:  # sample n's weight scales the rows of both of its views
        w = torch.broadcast_to(weight.to(m.dtype), q.shape[:1])
        m = m * torch.cat([w, w]).unsqueeze(1)
    g_hat = (m + m.T) @ zh / (2 * tau)
    n = q.shape[0]
    g = _through_normalize(g_hat, zh, zn, kw["normalize"])[:n]
    return g.to(input.dtype)


# ---------------------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------------------

register(LossSpec(
    name="contrastive", fn=contrastive, aliases=("contrastive_loss", "siamese"),
    family="metric_learning",
    summary="Contrastive loss: pull similar pairs together, push dissimilar ones past a margin.",
    summary_zh="对比损失: 拉近相似样本对, 把不相似样本对推到间隔之外。",
    formula=r"\tfrac12 y d^2 + \tfrac12 (1 - y)\max(0, m - d)^2",
    gradient=contrastive_gradient, params=CONTRASTIVE_PARAMS,
    tasks=("metric_learning", "verification"), input_kind="embeddings",
    target_kind="pair_labels",
    pros=_bi(("Simple; needs only pair labels", "Learns a distance usable for retrieval"),
             ("简单; 只需要样本对标签", "学到可直接用于检索的距离")),
    cons=_bi(("Needs good pair mining; most random pairs are easy",
              "Absolute margin, sensitive to the embedding scale"),
             ("需要好的样本对挖掘; 随机样本对大多过于简单", "间隔是绝对值, 对嵌入尺度敏感")),
    year=2006, reference="Hadsell, Chopra, LeCun (2006). CVPR.",
))
register(LossSpec(
    name="triplet", fn=triplet, aliases=("triplet_margin", "triplet_loss"),
    family="metric_learning",
    summary="Triplet margin loss: anchor closer to the positive than the negative by a margin.",
    summary_zh="三元组间隔损失: 锚点到正样本的距离比到负样本的距离至少小一个间隔。",
    formula=r"\max(0, d(a, p) - d(a, n) + m)",
    gradient=triplet_gradient, params=TRIPLET_PARAMS,
    tasks=("metric_learning", "face_recognition", "retrieval"), input_kind="embeddings",
    target_kind="none", torch_equivalent="torch.nn.functional.triplet_margin_loss",
    pros=_bi(("Relative constraint: only the ordering of distances matters",),
             ("相对约束: 只关心距离的相对顺序",)),
    cons=_bi(("Depends heavily on triplet mining (semi-hard negatives)",
              "Zero loss and zero gradient for easy triplets"),
             ("高度依赖三元组挖掘 (半难负样本)", "简单三元组损失和梯度都为零")),
    other_defaults={"pytorch": "TripletMarginLoss(margin=1.0, p=2, eps=1e-6, swap=False)"},
    year=2015, reference="Schroff, Kalenichenko, Philbin (2015). FaceNet. CVPR.",
))
register(LossSpec(
    name="info_nce", fn=info_nce, aliases=("infonce", "cpc"), family="metric_learning",
    summary="InfoNCE: each query must pick its own key among the batch's keys.",
    summary_zh="InfoNCE: 每个查询要在批内所有键中找出自己的键。",
    formula=r"\operatorname{logsumexp}_j(s_{ij}/\tau) - s_{ii}/\tau",
    gradient=info_nce_gradient, params=INFO_NCE_PARAMS,
    tasks=("self_supervised", "metric_learning", "retrieval"), input_kind="embeddings",
    target_kind="real",
    pros=_bi(("Uses every other sample of the batch as a negative",
              "A lower bound on mutual information"),
             ("把批内其他样本都用作负样本", "是互信息的下界")),
    cons=_bi(("Needs large batches (many negatives)", "Sensitive to the temperature"),
             ("需要大批量 (大量负样本)", "对温度参数敏感")),
    other_defaults={"moco": "temperature=0.07"},
    year=2018, reference="van den Oord, Li, Vinyals (2018). arXiv:1807.03748.",
))
register(LossSpec(
    name="nt_xent", fn=nt_xent, aliases=("simclr", "ntxent"), family="metric_learning",
    summary="NT-Xent (SimCLR): symmetric InfoNCE over two augmented views.",
    summary_zh="NT-Xent (SimCLR): 在两个增强视图上的对称 InfoNCE。",
    formula=r"\operatorname{logsumexp}_{l \ne k}(s_{kl}/\tau) - s_{k,pos(k)}/\tau",
    gradient=nt_xent_gradient, params=NT_XENT_PARAMS,
    tasks=("self_supervised",), input_kind="embeddings", target_kind="real",
    pros=_bi(("2(N - 1) negatives per view from a batch of N",
              "Symmetric in the two views"),
             ("N 个样本的批次中每个视图有 2(N - 1) 个负样本", "对两个视图对称")),
    cons=_bi(("Needs large batches and strong augmentation", "Sensitive to the temperature"),
             ("需要大批量和强数据增强", "对温度参数敏感")),
    other_defaults={"simclr": "temperature=0.5 (0.1 for large batches)"},
    year=2020, reference="Chen, Kornblith, Norouzi, Hinton (2020). SimCLR. ICML.",
))
