"""Losses: PyTorch's margin family (soft margin, hinge embedding, margin ranking, cosine
embedding, multi-label margin) and optax's perceptrons.

Inputs that PyTorch passes as two tensors are packed into ``input``:

- ``margin_ranking``: ``input`` ``(*, 2)`` = ``(x1, x2)`` in the last dimension, ``target``
  ``(*)`` in ``{-1, 1}`` (1: ``x1`` should rank higher);
- ``cosine_embedding``: ``input`` ``(N, 2, D)`` = pairs ``(x1, x2)``, ``target`` ``(N,)`` in
  ``{-1, 1}`` (1: similar).

``F.margin_ranking_loss(x1, x2, y)`` is ``margin_ranking(torch.stack([x1, x2], -1), y)``
and ``F.cosine_embedding_loss(x1, x2, y)`` is
``cosine_embedding(torch.stack([x1, x2], 1), y)``. ``weight`` multiplies the unreduced loss
and ``'mean'`` divides by the number of its elements.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from actloss._i18n import bilingual as _bi
from actloss._numeric import up as _up
from actloss._reduction import check_reduction, reduce
from actloss._scaled import row_scale
from actloss._validation import REALS, Param, check_params, check_tensor
from actloss.errors import InputError
from actloss.losses._checks import (
    check_all_finite,
    check_pair,
    check_scores_and_indices,
    check_signed_binary,
)
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = [
    "cosine_embedding",
    "hinge_embedding",
    "margin_ranking",
    "multiclass_perceptron",
    "multilabel_margin",
    "perceptron",
    "soft_margin",
]

_T = "torch.nn.functional."


def _finish(owner: str, loss: torch.Tensor, like: torch.Tensor, reduction: str,
            weight: torch.Tensor | None) -> torch.Tensor:
    return reduce(loss, reduction, weight=weight, owner=owner, mean_by="count").to(like.dtype)


def _weighted(g: torch.Tensor, weight: torch.Tensor | None, loss_dims: int) -> torch.Tensor:
    """``g`` times ``weight`` broadcast over the loss's leading ``loss_dims`` dimensions."""
    if weight is None:
        return g
    shape = g.shape[:loss_dims]
    w = torch.broadcast_to(weight.to(g.dtype), shape)
    return g * w.reshape(tuple(shape) + (1,) * (g.dim() - loss_dims))


def _signed(owner: str, input: object, target: object, reduction: str
            ) -> tuple[torch.Tensor, torch.Tensor]:
    check_reduction(owner, reduction)
    x, y = check_pair(owner, input, target)
    check_signed_binary(owner, y)
    return _up(x), _up(y).to(_up(x).dtype)


# ---------------------------------------------------------------------------- soft margin
def soft_margin(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Soft margin loss, PyTorch's ``soft_margin_loss``: the logistic loss on ``{-1, 1}``.

    .. math::
        \ell = \log(1 + e^{-y x}) = \operatorname{softplus}(-y x),\quad
        \partial\ell/\partial x = -y\,\sigma(-y x)

    Args:
        input: real scores. target: labels in ``{-1, 1}``, same shape.
        reduction: ``'none' | 'mean' | 'sum'``. weight: multiplies the unreduced loss.

    Example:
        >>> import torch
        >>> soft_margin(torch.tensor([0.0, 2.0]), torch.tensor([1.0, -1.0]), reduction="none")
        tensor([0.6931, 2.1269])

    References:
        PyTorch ``torch.nn.SoftMarginLoss``; the logistic loss of Cox (1958).
    """
    x, y = _signed("soft_margin", input, target, reduction)
    return _finish("soft_margin", F.softplus(-y * x), input, reduction, weight)


def _soft_margin_grad(input: torch.Tensor, target: torch.Tensor, *,
                      weight: torch.Tensor | None = None) -> torch.Tensor:
    x, y = _up(input), _up(target).to(_up(input).dtype)
    g = -y * torch.sigmoid(-y * x)
    return (g if weight is None else g * weight).to(input.dtype)


# ---------------------------------------------------------------------- hinge embedding
_MARGIN = Param("margin", 1.0, float, REALS, doc="distance beyond which dissimilar pairs cost 0")
HINGE_EMBEDDING_PARAMS = (_MARGIN,)


def hinge_embedding(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                    weight: torch.Tensor | None = None, margin: float = 1.0) -> torch.Tensor:
    r"""Hinge embedding loss, PyTorch's ``hinge_embedding_loss``; ``input`` is a distance.

    .. math::
        \ell = \begin{cases} x & y = 1 \\ \max(0, m - x) & y = -1 \end{cases},\quad
        \partial\ell/\partial x = \begin{cases} 1 & y = 1 \\ -[m - x > 0] & y = -1
        \end{cases}

    Args:
        input: distances (any real), target: ``{-1, 1}``, same shape.
        margin: ``m``, default ``1.0`` (PyTorch's).

    Example:
        >>> import torch
        >>> hinge_embedding(torch.tensor([0.3, 0.3]), torch.tensor([1.0, -1.0]),
        ...                 reduction="none")
        tensor([0.3000, 0.7000])

    References:
        PyTorch ``torch.nn.HingeEmbeddingLoss``; Hadsell, Chopra, LeCun (2006).
    """
    m = check_params("hinge_embedding", HINGE_EMBEDDING_PARAMS, {"margin": margin})["margin"]
    x, y = _signed("hinge_embedding", input, target, reduction)
    loss = torch.where(y > 0, x, F.relu(m - x))
    return _finish("hinge_embedding", loss, input, reduction, weight)


def _hinge_embedding_grad(input: torch.Tensor, target: torch.Tensor, *,
                          weight: torch.Tensor | None = None, margin: float = 1.0
                          ) -> torch.Tensor:
    x, y = _up(input), _up(target).to(_up(input).dtype)
    g = torch.where(y > 0, torch.ones_like(x), -((margin - x) > 0).to(x.dtype))
    return (g if weight is None else g * weight).to(input.dtype)


# ------------------------------------------------------------------------ margin ranking
MARGIN_RANKING_PARAMS = (Param("margin", 0.0, float, REALS, doc="required score gap"),)


def _ranking_args(input: object, target: object, reduction: str
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    owner = "margin_ranking"
    check_reduction(owner, reduction)
    x = check_tensor(owner, "input", input)
    y = check_tensor(owner, "target", target, floating=False)
    if x.dim() == 0 or x.shape[-1] != 2 or y.shape != x.shape[:-1]:
        raise InputError(
            f"`input` of {owner} must have shape (*, 2) holding (x1, x2) and `target` its "
            f"shape without the last dimension; got {tuple(x.shape)} and {tuple(y.shape)}"
        )
    check_all_finite(owner, "input", x)
    yf = y.to(x.dtype)
    check_signed_binary(owner, yf)
    return _up(x), _up(yf).to(_up(x).dtype)


def margin_ranking(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                   weight: torch.Tensor | None = None, margin: float = 0.0) -> torch.Tensor:
    r"""Margin ranking loss, PyTorch's ``margin_ranking_loss`` on packed pairs.

    .. math::
        \ell = \max(0, -y (x_1 - x_2) + m),\quad
        \partial\ell/\partial x_1 = -y\,[\ell > 0],\ \partial\ell/\partial x_2 = y\,[\ell > 0]

    Args:
        input: ``(*, 2)``: ``(x1, x2)`` in the last dimension.
        target: ``(*)`` in ``{-1, 1}``: 1 when ``x1`` should rank higher.
        margin: ``m``, default ``0.0`` (PyTorch's).

    Shape:
        output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> margin_ranking(torch.tensor([[0.2, 0.5]]), torch.tensor([1.0]), margin=0.1)
        tensor(0.4000)

    References:
        PyTorch ``torch.nn.MarginRankingLoss``; Herbrich, Graepel, Obermayer (1999).
    """
    m = check_params("margin_ranking", MARGIN_RANKING_PARAMS, {"margin": margin})["margin"]
    x, y = _ranking_args(input, target, reduction)
    loss = F.relu(-y * (x[..., 0] - x[..., 1]) + m)
    return _finish("margin_ranking", loss, input, reduction, weight)


def _margin_ranking_grad(input: torch.Tensor, target: torch.Tensor, *,
                         weight: torch.Tensor | None = None, margin: float = 0.0
                         ) -> torch.Tensor:
    x, y = _ranking_args(input, target, "none")
    active = ((-y * (x[..., 0] - x[..., 1]) + margin) > 0).to(x.dtype)
    g = torch.stack([-y * active, y * active], -1)
    return _weighted(g, weight, x.dim() - 1).to(input.dtype)


# ---------------------------------------------------------------------- cosine embedding
COSINE_EMBEDDING_PARAMS = (Param("margin", 0.0, float, REALS,
                                 doc="cosine below which dissimilar pairs cost 0"),)
_EPS = 1e-12  # added to each squared norm, as ATen's cosine_embedding_loss


def _cosine_args(input: object, target: object, reduction: str
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    owner = "cosine_embedding"
    check_reduction(owner, reduction)
    x = check_tensor(owner, "input", input)
    y = check_tensor(owner, "target", target, floating=False)
    if x.dim() != 3 or x.shape[1] != 2 or y.shape != x.shape[:1]:
        raise InputError(
            f"`input` of {owner} must have shape (N, 2, D) holding pairs (x1, x2) and "
            f"`target` shape (N,); got {tuple(x.shape)} and {tuple(y.shape)}"
        )
    check_all_finite(owner, "input", x)
    yf = y.to(x.dtype)
    check_signed_binary(owner, yf)
    return _up(x), _up(yf).to(_up(x).dtype)


def _cosine(x: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """ATen's cosine on rows scaled by powers of two ``s >= 1`` (exact), so no square
    overflows: ``a/s_a``, ``b/s_b``, the cosine, ``m = (|a|^2 + eps)/s_a^2`` (and ``b``'s),
    ``den = sqrt(m1 m2)`` and the two scales."""
    a, b = x[:, 0], x[:, 1]
    sa, sb = (row_scale(v).clamp_min(1.0).squeeze(-1) for v in (a, b))
    ua, ub = a / sa[:, None], b / sb[:, None]
    m1 = (ua * ua).sum(-1) + _EPS / (sa * sa)
    m2 = (ub * ub).sum(-1) + _EPS / (sb * sb)
    den = (m1 * m2).sqrt()
    return ua, ub, (ua * ub).sum(-1) / den, m1, m2, den, sa, sb


def cosine_embedding(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                     weight: torch.Tensor | None = None, margin: float = 0.0) -> torch.Tensor:
    r"""Cosine embedding loss, PyTorch's ``cosine_embedding_loss`` on packed pairs.

    .. math::
        \ell = \begin{cases} 1 - \cos(x_1, x_2) & y = 1 \\ \max(0, \cos(x_1, x_2) - m) &
        y = -1 \end{cases},\quad
        \cos = \frac{x_1 \cdot x_2}{\sqrt{(\lVert x_1\rVert^2 + \epsilon)
        (\lVert x_2\rVert^2 + \epsilon)}}

    with ``epsilon = 1e-12`` as in ATen. Derivative of the cosine:
    :math:`\partial\cos/\partial x_1 = x_2/d - \cos\,x_1/(\lVert x_1\rVert^2 + \epsilon)`.

    Args:
        input: ``(N, 2, D)`` pairs. target: ``(N,)`` in ``{-1, 1}``.
        margin: ``m``, default ``0.0`` (PyTorch's).

    Shape:
        output ``(N,)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> x = torch.tensor([[[1.0, 0.0], [1.0, 1.0]]])
        >>> cosine_embedding(x, torch.tensor([1]))  # 1 - 1/sqrt(2)
        tensor(0.2929)

    References:
        PyTorch ``torch.nn.CosineEmbeddingLoss``.
    """
    m = check_params("cosine_embedding", COSINE_EMBEDDING_PARAMS, {"margin": margin})["margin"]
    x, y = _cosine_args(input, target, reduction)
    cos = _cosine(x)[2]
    loss = torch.where(y > 0, 1 - cos, F.relu(cos - m))
    return _finish("cosine_embedding", loss, input, reduction, weight)


def _cosine_embedding_grad(input: torch.Tensor, target: torch.Tensor, *,
                           weight: torch.Tensor | None = None, margin: float = 0.0
                           ) -> torch.Tensor:
    x, y = _cosine_args(input, target, "none")
    ua, ub, cos, m1, m2, den, sa, sb = _cosine(x)
    # b/D - cos a/M1 with D = den sa sb, M1 = m1 sa^2, a = ua sa, b = ub sb
    d_a = (ub / den[:, None] - cos[:, None] * ua / m1[:, None]) / sa[:, None]
    d_b = (ua / den[:, None] - cos[:, None] * ub / m2[:, None]) / sb[:, None]
    coef = torch.where(y > 0, -torch.ones_like(cos), ((cos - margin) > 0).to(cos.dtype))
    g = coef[:, None, None] * torch.stack([d_a, d_b], 1)
    return _weighted(g, weight, 1).to(input.dtype)


# ---------------------------------------------------------------------- multilabel margin
def _multilabel_args(input: object, target: object, reduction: str
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    owner = "multilabel_margin"
    check_reduction(owner, reduction)
    x = check_tensor(owner, "input", input)
    y = check_tensor(owner, "target", target, floating=False)
    if y.is_floating_point() or y.dtype == torch.bool:
        raise InputError(f"`target` of {owner} must hold int64 class indices padded with -1; "
                         f"got dtype {y.dtype}")
    if x.dim() not in (1, 2) or y.shape != x.shape:
        raise InputError(f"`input` and `target` of {owner} must both have shape (N, C) or "
                         f"(C,); got {tuple(x.shape)} and {tuple(y.shape)}")
    check_all_finite(owner, "input", x)
    c = x.shape[-1]
    if y.numel() and bool(((y < -1) | (y >= c)).any()):
        raise InputError(f"`target` of {owner} must hold class indices in [0, {c}) or the "
                         f"padding -1; got values from {int(y.min())} to {int(y.max())}")
    return _up(x), y


def _label_mask(y: torch.Tensor, c: int) -> torch.Tensor:
    """(N, C) bool: class j is a target (the indices before the first -1), as PyTorch."""
    y2 = y.reshape(-1, c)
    valid = torch.cumprod((y2 >= 0).to(torch.int64), dim=1).bool()
    mask = torch.zeros(y2.shape, dtype=torch.bool, device=y.device)
    rows = torch.arange(y2.shape[0], device=y.device)[:, None].expand_as(y2)
    mask[rows[valid], y2[valid]] = True
    return mask


def _multilabel_hinges(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, C, C) hinge terms max(0, 1 - (x[j] - x[i])) for j a target, i not; and the mask."""
    c = x.shape[-1]
    x2 = x.reshape(-1, c)
    is_t = _label_mask(y, c)
    pair = is_t[:, :, None] & ~is_t[:, None, :]  # [n, j, i]
    h = F.relu(1 - (x2[:, :, None] - x2[:, None, :]))
    return torch.where(pair, h, torch.zeros_like(h)), pair


def multilabel_margin(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                      weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Multi-label margin loss, PyTorch's ``multilabel_margin_loss``.

    .. math::
        \ell_n = \frac{1}{C}\sum_{j \in Y_n}\sum_{i \notin Y_n} \max(0, 1 - (x_{n,j} - x_{n,i}))

    ``Y_n`` holds the class indices of ``target[n]`` before its first ``-1``. Each active
    pair adds ``-1/C`` to :math:`\partial\ell/\partial x_j` and ``1/C`` to
    :math:`\partial\ell/\partial x_i`.

    Args:
        input: scores ``(N, C)`` or ``(C,)``.
        target: int64 class indices, same shape, padded with ``-1``.
        weight: per-sample weights ``(N,)``.

    Shape:
        output ``(N,)`` (``()`` for ``(C,)`` input) with ``reduction='none'``.

    Example:
        >>> import torch
        >>> x = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> multilabel_margin(x, torch.tensor([[3, 0, -1, 1]]))  # PyTorch's docs: 0.85
        tensor(0.8500)

    References:
        PyTorch ``torch.nn.MultiLabelMarginLoss``; Crammer and Singer (2003).
    """
    x, y = _multilabel_args(input, target, reduction)
    h, _ = _multilabel_hinges(x, y)
    loss = (h.sum((1, 2)) / x.shape[-1]).reshape(x.shape[:-1])
    return _finish("multilabel_margin", loss, input, reduction, weight)


def _multilabel_margin_grad(input: torch.Tensor, target: torch.Tensor, *,
                            weight: torch.Tensor | None = None) -> torch.Tensor:
    x, y = _multilabel_args(input, target, "none")
    h, pair = _multilabel_hinges(x, y)
    active = (pair & (h > 0)).to(x.dtype)  # [n, j, i]
    g = (active.sum(1) - active.sum(2)) / x.shape[-1]
    return _weighted(g.reshape(x.shape), weight, x.dim() - 1).to(input.dtype)


# ---------------------------------------------------------------------------- perceptrons
def perceptron(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
               weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Binary perceptron loss, optax's ``perceptron_loss``: :math:`\max(0, -y\,x)`.

    :math:`\partial\ell/\partial x = -y` where :math:`y x < 0`, else 0. Targets in
    ``{-1, 1}``.

    Example:
        >>> import torch
        >>> perceptron(torch.tensor([2.0, -0.5]), torch.tensor([1.0, 1.0]), reduction="none")
        tensor([0.0000, 0.5000])

    References:
        Rosenblatt (1958); optax ``optax.losses.perceptron_loss``.
    """
    x, y = _signed("perceptron", input, target, reduction)
    return _finish("perceptron", F.relu(-y * x), input, reduction, weight)


def _perceptron_grad(input: torch.Tensor, target: torch.Tensor, *,
                     weight: torch.Tensor | None = None) -> torch.Tensor:
    g = torch.where(target * input < 0, -target.to(input.dtype), torch.zeros_like(input))
    return g if weight is None else g * weight


def _multiclass_args(owner: str, input: object, target: object, reduction: str
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    check_reduction(owner, reduction)
    x, y = check_scores_and_indices(owner, input, target)
    return _up(x), y


def multiclass_perceptron(input: torch.Tensor, target: torch.Tensor, *,
                          reduction: str = "mean", weight: torch.Tensor | None = None
                          ) -> torch.Tensor:
    r"""Multi-class perceptron loss, optax's ``multiclass_perceptron_loss``.

    .. math::
        \ell = \max_k x_k - x_y,\quad \partial\ell/\partial x = e_{\arg\max x} - e_y

    Ties of the maximum share its gradient equally (as autograd's ``amax``).

    Args:
        input: scores ``(*, C)``. target: int64 class indices ``(*)``.

    Example:
        >>> import torch
        >>> multiclass_perceptron(torch.tensor([[1.0, 3.0, 2.0]]), torch.tensor([2]))
        tensor(1.)

    References:
        Collins (2002); optax ``optax.losses.multiclass_perceptron_loss``.
    """
    x, y = _multiclass_args("multiclass_perceptron", input, target, reduction)
    loss = x.amax(-1) - x.gather(-1, y.unsqueeze(-1)).squeeze(-1)
    return _finish("multiclass_perceptron", loss, input, reduction, weight)


def _multiclass_perceptron_grad(input: torch.Tensor, target: torch.Tensor, *,
                                weight: torch.Tensor | None = None) -> torch.Tensor:
    x, y = _multiclass_args("multiclass_perceptron", input, target, "none")
    top = (x == x.amax(-1, keepdim=True)).to(x.dtype)
    g = top / top.sum(-1, keepdim=True) - F.one_hot(y, x.shape[-1]).to(x.dtype)
    return _weighted(g, weight, x.dim() - 1).to(input.dtype)


# ---------------------------------------------------------------------------- registration
_PAIR_CONS = _bi(("Inputs packed in one tensor (PyTorch passes two).",),
                 ("输入打包在一个张量中(PyTorch 传两个张量)。",))

register(LossSpec(
    name="soft_margin", fn=soft_margin, gradient=_soft_margin_grad,
    aliases=("soft_margin_loss", "SoftMarginLoss"), family="binary",
    summary="Logistic loss of a {-1, 1} label: log(1 + exp(-y x)).",
    summary_zh="{-1, 1} 标签的逻辑斯蒂损失:log(1 + exp(-y x))。",
    formula=r"\log(1 + e^{-y x})", tasks=("binary_classification",), input_kind="logits",
    target_kind="signed_binary", pairs_with="sigmoid", convex=True, proper_scoring_rule=False,
    torch_equivalent=_T + "soft_margin_loss",
    pros=_bi(("Smooth, convex surrogate of the 0-1 loss; the same as BCE with logits on "
              "{-1, 1} labels.",),
             ("光滑凸的 0-1 损失替代;在 {-1, 1} 标签上与 logits 形式的 BCE 相同。",)),
    cons=_bi(("Needs {-1, 1} labels.",), ("需要 {-1, 1} 标签。",)),
    other_defaults={"pytorch": "reduction='mean' over all elements"},
    year=1958, reference="Cox (1958), The regression analysis of binary sequences; PyTorch "
                         "SoftMarginLoss",
))

register(LossSpec(
    name="hinge_embedding", fn=hinge_embedding, gradient=_hinge_embedding_grad,
    params=HINGE_EMBEDDING_PARAMS, aliases=("hinge_embedding_loss", "HingeEmbeddingLoss"),
    family="metric_learning",
    summary="On distances: x for similar pairs, max(0, margin - x) for dissimilar ones.",
    summary_zh="作用于距离:相似对为 x,不相似对为 max(0, margin - x)。",
    formula=r"\begin{cases} x & y = 1 \\ \max(0, m - x) & y = -1 \end{cases}",
    tasks=("metric_learning",), input_kind="real", target_kind="signed_binary", convex=True,
    torch_equivalent=_T + "hinge_embedding_loss",
    pros=_bi(("Works on any precomputed distance (L1, L2, learned).",),
             ("可用于任何预先算好的距离(L1、L2、学习得到的)。",)),
    cons=_bi(("Similar pairs are pulled with a constant force, however close.",),
             ("相似对无论多近都以恒定的力被拉近。",)),
    other_defaults={"pytorch": "margin=1.0"},
    year=2006, reference="Hadsell, Chopra, LeCun (2006); PyTorch HingeEmbeddingLoss",
))

register(LossSpec(
    name="margin_ranking", fn=margin_ranking, gradient=_margin_ranking_grad,
    params=MARGIN_RANKING_PARAMS, aliases=("margin_ranking_loss", "MarginRankingLoss"),
    family="ranking",
    summary="Pairwise ranking hinge: max(0, -y (x1 - x2) + margin).",
    summary_zh="成对排序铰链损失:max(0, -y (x1 - x2) + margin)。",
    formula=r"\max(0, -y (x_1 - x_2) + m)", tasks=("ranking",), input_kind="scores",
    target_kind="signed_binary", convex=True, torch_equivalent=_T + "margin_ranking_loss",
    pros=_bi(("Learns an order from pairwise preferences only.",),
             ("只需成对偏好即可学习排序。",)),
    cons=_PAIR_CONS, other_defaults={"pytorch": "margin=0.0"},
    year=1999, reference="Herbrich, Graepel, Obermayer (1999), Support vector learning for "
                         "ordinal regression; PyTorch MarginRankingLoss",
))

register(LossSpec(
    name="cosine_embedding", fn=cosine_embedding, gradient=_cosine_embedding_grad,
    params=COSINE_EMBEDDING_PARAMS, aliases=("cosine_embedding_loss", "CosineEmbeddingLoss"),
    family="metric_learning",
    summary="1 - cos for similar pairs, max(0, cos - margin) for dissimilar ones.",
    summary_zh="相似对为 1 - cos,不相似对为 max(0, cos - margin)。",
    formula=r"\begin{cases} 1 - \cos(x_1, x_2) & y = 1 \\ \max(0, \cos(x_1, x_2) - m) & "
            r"y = -1 \end{cases}",
    tasks=("metric_learning",), input_kind="embeddings", target_kind="signed_binary",
    torch_equivalent=_T + "cosine_embedding_loss",
    pros=_bi(("Scale-invariant: only directions are compared.",),
             ("尺度不变:只比较方向。",)),
    cons=_bi(*((_PAIR_CONS.en[0], "Not convex."), (_PAIR_CONS.zh[0], "非凸。"))),
    other_defaults={"pytorch": "margin=0.0; eps 1e-12 added to each squared norm"},
    year=2005, reference="Chopra, Hadsell, LeCun (2005); PyTorch CosineEmbeddingLoss",
))

register(LossSpec(
    name="multilabel_margin", fn=multilabel_margin, gradient=_multilabel_margin_grad,
    aliases=("multilabel_margin_loss", "MultiLabelMarginLoss"), family="multilabel",
    summary="Every target class must outscore every other class by 1 (sum of hinges / C).",
    summary_zh="每个目标类的得分须比每个非目标类高 1(铰链之和 / C)。",
    formula=r"\frac1C\sum_{j \in Y}\sum_{i \notin Y}\max(0, 1 - (x_j - x_i))",
    tasks=("multi_label_classification",), input_kind="scores", target_kind="class_indices",
    convex=True, torch_equivalent=_T + "multilabel_margin_loss",
    pros=_bi(("Ranks all target labels above all others.",),
             ("把所有目标标签排在其他标签之前。",)),
    cons=_bi(("Targets as -1-padded index lists, an unusual format.",
              "C^2 pairs per sample."),
             ("目标是以 -1 填充的索引列表,格式不常见。", "每个样本有 C^2 个类别对。")),
    other_defaults={"pytorch": "targets padded with -1; 'mean' over samples"},
    year=2003, reference="Crammer and Singer (2003), A family of additive online algorithms "
                         "for category ranking; PyTorch MultiLabelMarginLoss",
))

register(LossSpec(
    name="perceptron", fn=perceptron, gradient=_perceptron_grad,
    aliases=("perceptron_loss",), family="binary",
    summary="Rosenblatt's perceptron criterion: max(0, -y x).",
    summary_zh="Rosenblatt 感知机准则:max(0, -y x)。",
    formula=r"\max(0, -y x)", tasks=("binary_classification",), input_kind="scores",
    target_kind="signed_binary", convex=True,
    pros=_bi(("Updates only on mistakes; the classic online learner.",),
             ("只在分错时更新;经典的在线学习算法。",)),
    cons=_bi(("No margin: any separating scores give 0, including tiny ones.",),
             ("没有间隔:任何能分开的得分(哪怕极小)损失都为 0。",)),
    other_defaults={"optax": "optax.losses.perceptron_loss(predictor_outputs, targets)"},
    year=1958, reference="Rosenblatt (1958), The perceptron; optax perceptron_loss",
))

register(LossSpec(
    name="multiclass_perceptron", fn=multiclass_perceptron, gradient=_multiclass_perceptron_grad,
    aliases=("multiclass_perceptron_loss",), family="multiclass",
    summary="Multi-class perceptron: max_k x_k - x_y.",
    summary_zh="多类感知机:max_k x_k - x_y。",
    formula=r"\max_k x_k - x_y", tasks=("multiclass_classification",), input_kind="scores",
    target_kind="class_indices", convex=True,
    pros=_bi(("Zero exactly when the target class scores highest.",),
             ("当且仅当目标类得分最高时为 0。",)),
    cons=_bi(("No margin and a gradient on two classes only.",),
             ("没有间隔,梯度只作用于两个类别。",)),
    other_defaults={"optax": "optax.losses.multiclass_perceptron_loss(scores, labels)"},
    year=2002, reference="Collins (2002), Discriminative training methods for hidden Markov "
                         "models; optax multiclass_perceptron_loss",
))
