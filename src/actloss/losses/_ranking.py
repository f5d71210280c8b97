"""Losses: listwise ranking (optax's ``ranking_softmax_loss``) and Keras 3's Circle loss.

- ``ranking_softmax``: ``input`` ``(*, L)`` scores of the ``L`` items of each list,
  ``target`` ``(*, L)`` their relevance (>= 0); one loss per list.
- ``circle``: ``input`` ``(N, D)`` embeddings (unit vectors, as Keras expects: its loss
  measures ``1 - x_i . x_j``), ``target`` ``(N,)`` integer labels; samples with equal
  labels are positive pairs, the others negative; one loss per sample.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from actloss._i18n import bilingual as _bi
from actloss._numeric import up as _up
from actloss._reduction import check_reduction, reduce
from actloss._validation import NONNEGATIVE, POSITIVE, Param, check_params, check_tensor
from actloss.errors import InputError
from actloss.losses._checks import check_all_finite, check_pair
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = ["circle", "ranking_softmax"]


def _finish(owner: str, loss: torch.Tensor, like: torch.Tensor, reduction: str,
            weight: torch.Tensor | None) -> torch.Tensor:
    return reduce(loss, reduction, weight=weight, owner=owner, mean_by="count").to(like.dtype)


# ---------------------------------------------------------------------------- ranking softmax
def _ranking_args(input: object, target: object, reduction: str
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    owner = "ranking_softmax"
    check_reduction(owner, reduction)
    x, y = check_pair(owner, input, target)
    if x.dim() < 1:
        raise InputError(f"`input` of {owner} must have shape (*, L) (L items per list); "
                         f"got shape {tuple(x.shape)}")
    if y.numel() and bool((y < 0).any()):
        raise InputError(f"`target` of {owner} must hold relevance labels >= 0")
    return _up(x), _up(y).to(_up(x).dtype)


def ranking_softmax(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                    weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Listwise softmax ranking loss, optax's ``ranking_softmax_loss``.

    .. math::
        \ell(s, y) = -\sum_i y_i \log\frac{e^{s_i}}{\sum_j e^{s_j}},\quad
        \partial\ell/\partial s_i = \Big(\sum_j y_j\Big)\operatorname{softmax}(s)_i - y_i

    The relevance labels are not normalised (optax's definition); ``log softmax`` is
    ``s - logsumexp(s)``.

    Args:
        input: scores ``(*, L)``. target: relevance ``(*, L)``, >= 0.
        weight: per-list weights, broadcast to ``(*)``.

    Shape:
        output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> ranking_softmax(torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0, 0.0]]))  # log 2
        tensor(0.6931)

    References:
        Cao et al. (2007), Learning to rank: from pairwise approach to listwise approach
        (ListNet); optax ``ranking_softmax_loss``.
    """
    s, y = _ranking_args(input, target, reduction)
    loss = -(y * torch.log_softmax(s, dim=-1)).sum(-1)
    return _finish("ranking_softmax", loss, input, reduction, weight)


def _ranking_softmax_grad(input: torch.Tensor, target: torch.Tensor, *,
                          weight: torch.Tensor | None = None) -> torch.Tensor:
    s, y = _ranking_args(input, target, "none")
    g = y.sum(-1, keepdim=True) * torch.softmax(s, dim=-1) - y
    if weight is not None:
        g = g * torch.broadcast_to(weight.to(g.dtype), g.shape[:-1]).unsqueeze(-1)
    return g.to(input.dtype)


# ---------------------------------------------------------------------------- circle
CIRCLE_PARAMS = (
    Param("gamma", 80.0, float, POSITIVE, doc="scale of the similarities (Keras's 80)"),
    Param("margin", 0.4, float, NONNEGATIVE, doc="relaxation margin (Keras's 0.4)"),
    Param("remove_diagonal", True, bool, doc="leave each sample out of its own positives"),
)


def _circle_args(input: object, target: object, reduction: str
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    owner = "circle"
    check_reduction(owner, reduction)
    x = check_tensor(owner, "input", input)
    y = check_tensor(owner, "target", target, floating=False)
    if x.dim() != 2 or y.shape != x.shape[:1] or y.is_floating_point():
        raise InputError(f"`input` of {owner} must have shape (N, D) and `target` hold N "
                         f"integer labels; got {tuple(x.shape)} and {tuple(y.shape)} "
                         f"({y.dtype})")
    check_all_finite(owner, "input", x)
    return _up(x), y


def circle(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
           weight: torch.Tensor | None = None, gamma: float = 80.0, margin: float = 0.4,
           remove_diagonal: bool = True) -> torch.Tensor:
    r"""Circle loss, as Keras 3's ``keras.losses.circle``.

    With cosine distances :math:`d_{ij} = \max(0, 1 - x_i \cdot x_j)`, positives
    :math:`P_i` (same label) and negatives :math:`N_i`:

    .. math::
        \ell_i = \operatorname{softplus}\Big(
        \operatorname{logsumexp}_{j \in P_i} -\gamma\,a^p_{ij}(m - d_{ij}) +
        \operatorname{logsumexp}_{j \in N_i} \gamma\,a^n_{ij}(1 - m - d_{ij})\Big)

    with the weights :math:`a^p = m + d`, :math:`a^n = 1 + m - d` held constant (no
    gradient through them, as Keras's ``stop_gradient``). A sample without positives (or
    without negatives) has loss 0.

    Keras's mean divides by the number of samples with a non-zero loss (its mask); here
    ``'mean'`` divides by all ``N``, as every catalog loss does.

    Args:
        input: embeddings ``(N, D)``, L2-normalised.
        target: integer labels ``(N,)``.
        gamma: scale in ``(0, inf)``, default ``80.0``. margin: ``m`` in ``[0, inf)``,
            default ``0.4``. remove_diagonal: default ``True``.

    Shape:
        output ``(N,)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> x = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
        >>> circle(x, torch.tensor([0, 0, 1]), reduction="none")  # softplus(-12.8 - 12.8)
        tensor([7.6219e-12, 7.6219e-12, 0.0000e+00])

    References:
        Sun et al. (2020), Circle Loss: a unified perspective of pair similarity
        optimization, CVPR; Keras 3 ``keras.losses.Circle``.
    """
    kw = check_params("circle", CIRCLE_PARAMS, {"gamma": gamma, "margin": margin,
                                                "remove_diagonal": remove_diagonal})
    x, y = _circle_args(input, target, reduction)
    p_loss, n_loss, _ = _circle_terms(x, y, kw)
    loss = F.softplus(p_loss + n_loss)
    return _finish("circle", loss, input, reduction, weight)


def _circle_terms(x: torch.Tensor, y: torch.Tensor, kw: dict
                  ) -> tuple[torch.Tensor, torch.Tensor, tuple[torch.Tensor, ...]]:
    m, g = kw["margin"], kw["gamma"]
    raw = 1 - x @ x.T
    dist = raw.clamp_min(0)
    same = y[:, None] == y[None, :]
    pos = same.clone()
    if kw["remove_diagonal"]:
        pos.fill_diagonal_(False)
    neg = ~same
    with torch.no_grad():  # Keras's stop_gradient on the pair weights
        a_pos = (m + dist) * pos
        a_neg = (1 + m - dist) * neg
    ninf = torch.full_like(dist, float("-inf"))
    s_pos = torch.where(pos, -g * a_pos * (m - dist), ninf)
    s_neg = torch.where(neg, g * a_neg * (1 - m - dist), ninf)
    return (torch.logsumexp(s_pos, dim=1), torch.logsumexp(s_neg, dim=1),
            (raw, pos, neg, a_pos, a_neg, s_pos, s_neg))


def _circle_grad(input: torch.Tensor, target: torch.Tensor, *,
                 weight: torch.Tensor | None = None, gamma: float = 80.0, margin: float = 0.4,
                 remove_diagonal: bool = True) -> torch.Tensor:
    """d(sum of per-sample losses)/d(input) with the pair weights held constant.

    ``d l_i / d d_ij = sigmoid(P_i + N_i) (softmax_P(i)_j g a^p_ij - softmax_N(i)_j g a^n_ij)``
    and ``d d_ij / d x_i = -x_j`` where ``1 - x_i . x_j >= 0``: the gradient is
    ``-(C + C^T) X`` with ``C_ij = w_i d l_i / d d_ij``.
    """
    kw = check_params("circle", CIRCLE_PARAMS, {"gamma": gamma, "margin": margin,
                                                "remove_diagonal": remove_diagonal})
    x, y = _circle_args(input, target, "none")
    p_loss, n_loss, (raw, pos, neg, a_pos, a_neg, s_pos, s_neg) = _circle_terms(x, y, kw)
    zero = torch.zeros_like(raw)
    # softmax over each row's positives (negatives); rows without any have no gradient
    sp = torch.where(pos, torch.exp(s_pos - p_loss[:, None]), zero)
    sn = torch.where(neg, torch.exp(s_neg - n_loss[:, None]), zero)
    has = (pos.any(1) & neg.any(1)).to(x.dtype)[:, None]
    outer = torch.sigmoid(p_loss + n_loss)[:, None] * has
    c = outer * kw["gamma"] * (sp * a_pos - sn * a_neg)
    c = torch.where(has > 0, c, zero) * (raw >= 0).to(x.dtype)
    if weight is not None:
        c = c * torch.broadcast_to(weight.to(x.dtype), x.shape[:1])[:, None]
    return (-(c + c.T) @ x).to(input.dtype)


register(LossSpec(
    name="ranking_softmax", fn=ranking_softmax, gradient=_ranking_softmax_grad,
    aliases=("ranking_softmax_loss", "listnet"), family="ranking",
    summary="Listwise ranking: cross-entropy of the relevance labels against softmax(scores).",
    summary_zh="列表式排序:相关度标签对 softmax(得分) 的交叉熵。",
    formula=r"-\sum_i y_i \log\operatorname{softmax}(s)_i", tasks=("ranking",),
    input_kind="scores", target_kind="soft_labels", pairs_with="softmax", convex=True,
    pros=_bi(("Scores a whole list at once; gradient (sum y) softmax(s) - y.",),
             ("一次评估整个列表;梯度为 (sum y) softmax(s) - y。",)),
    cons=_bi(("Labels are not normalised: lists with more relevant items weigh more.",),
             ("标签不归一化:相关项越多的列表权重越大。",)),
    other_defaults={"optax": "ranking_softmax_loss(logits, labels, where=None, weights=None); "
                             "actloss has no `where` (drop masked items instead)"},
    year=2007, reference="Cao et al. (2007), ListNet, ICML; optax ranking_softmax_loss",
))

register(LossSpec(
    name="circle", fn=circle, gradient=_circle_grad, params=CIRCLE_PARAMS,
    aliases=("circle_loss", "Circle"),
    family="metric_learning",
    summary="Circle loss: pair similarities re-weighted by how far each is from its optimum.",
    summary_zh="Circle 损失:按每个相似度离其最优值的距离重新加权。",
    formula=r"\operatorname{softplus}(\operatorname{lse}_{P} -\gamma a^p (m - d) + "
            r"\operatorname{lse}_{N} \gamma a^n (1 - m - d))",
    tasks=("metric_learning",), input_kind="embeddings", target_kind="class_indices",
    keras_name="Circle",
    pros=_bi(("One loss for class-level labels and pairs, with adaptive pair weights.",),
             ("类别标签与成对样本统一于一个损失,且成对权重自适应。",)),
    cons=_bi(("Two hyper-parameters (gamma, margin); needs L2-normalised embeddings.",
              "Its gradient holds the pair weights constant: not the derivative of the value."),
             ("两个超参数(gamma、margin);需要 L2 归一化的嵌入。",
              "梯度把成对权重视为常数:并非损失值的导数。")),
    other_defaults={"keras": "gamma=80.0, margin=0.4, remove_diagonal=True; mean over "
                             "samples with a non-zero loss"},
    year=2020, reference="Sun et al. (2020), Circle Loss, CVPR; Keras 3 keras.losses.Circle",
))
