"""Losses: the sparsemax losses of Martins and Astudillo (2016), as optax defines them.

``sparsemax_loss`` is optax's binary sparsemax loss, element-wise on logits and ``{0, 1}``
labels: ``sparse_plus(-x)`` for a positive label and ``sparse_plus(x)`` for a negative
one, zero exactly when ``sparse_sigmoid(x)`` equals the label. ``multiclass_sparsemax``
is the Fenchel-Young loss of sparsemax: zero exactly when ``sparsemax(z)`` is the one-hot
target, with gradient ``sparsemax(z) - e_y``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from actloss._i18n import bilingual as _bi
from actloss._numeric import up as _up
from actloss._reduction import check_reduction, reduce
from actloss.activations import sparsemax
from actloss.errors import InputError
from actloss.losses._checks import check_pair, check_scores_and_indices
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = ["multiclass_sparsemax", "sparsemax_loss"]


def _finish(owner: str, loss: torch.Tensor, like: torch.Tensor, reduction: str,
            weight: torch.Tensor | None) -> torch.Tensor:
    return reduce(loss, reduction, weight=weight, owner=owner, mean_by="count").to(like.dtype)


# ---------------------------------------------------------------------------- binary
def _sparse_plus(z: torch.Tensor) -> torch.Tensor:
    # 0 below -1, (z + 1)^2 / 4 on (-1, 1), z from 1 on
    return torch.where(z >= 1, z, (z.clamp(-1.0, 1.0) + 1).square() * 0.25)


def _binary_args(input: object, target: object, reduction: str
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    check_reduction("sparsemax_loss", reduction)
    x, y = check_pair("sparsemax_loss", input, target)
    if y.numel() and bool(((y != 0) & (y != 1)).any()):
        raise InputError("`target` of sparsemax_loss must hold labels 0 or 1")
    return _up(x), _up(y).to(_up(x).dtype)


def sparsemax_loss(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                   weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Binary sparsemax loss, optax's ``sparsemax_loss``.

    .. math::
        \ell = \operatorname{sparse\_plus}(s),\ s = \begin{cases} -x & y = 1 \\ x & y = 0
        \end{cases},\quad
        \partial\ell/\partial x = \pm\operatorname{clip}\big(\tfrac{s + 1}{2}, 0, 1\big)

    with ``sparse_plus(s)`` = 0 for ``s <= -1``, ``(s + 1)^2/4`` on ``(-1, 1)``, ``s`` from 1.

    Args:
        input: logits. target: labels in ``{0, 1}``, same shape.
        reduction: ``'none' | 'mean' | 'sum'``. weight: multiplies the unreduced loss.

    Example:
        >>> import torch
        >>> sparsemax_loss(torch.tensor([-2.0, 0.0, 2.0]), torch.tensor([0.0, 1.0, 0.0]),
        ...                reduction="none")
        tensor([0.0000, 0.2500, 2.0000])

    References:
        Martins and Astudillo (2016), From Softmax to Sparsemax; optax ``sparsemax_loss``.
    """
    x, y = _binary_args(input, target, reduction)
    s = torch.where(y > 0, -x, x)
    return _finish("sparsemax_loss", _sparse_plus(s), input, reduction, weight)


def _sparsemax_loss_grad(input: torch.Tensor, target: torch.Tensor, *,
                         weight: torch.Tensor | None = None) -> torch.Tensor:
    x, y = _binary_args(input, target, "none")
    sign = torch.where(y > 0, -torch.ones_like(x), torch.ones_like(x))
    g = sign * ((sign * x).clamp(-1.0, 1.0) + 1) * 0.5
    return (g if weight is None else g * weight).to(input.dtype)


# ---------------------------------------------------------------------------- multi-class
def sparsemax_simplex(z: torch.Tensor) -> torch.Tensor:
    """Sparsemax along the last dimension (the catalog's activation
    :func:`actloss.activations.sparsemax`, Martins and Astudillo 2016, Algorithm 1)."""
    return sparsemax(z, dim=-1)


def _multiclass_args(input: object, target: object, reduction: str
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    owner = "multiclass_sparsemax"
    check_reduction(owner, reduction)
    x, y = check_scores_and_indices(owner, input, target)
    return _up(x), y


def multiclass_sparsemax(input: torch.Tensor, target: torch.Tensor, *,
                         reduction: str = "mean", weight: torch.Tensor | None = None
                         ) -> torch.Tensor:
    r"""Multi-class sparsemax loss, optax's ``multiclass_sparsemax_loss``.

    .. math::
        \ell = \langle p, z \rangle - \tfrac12\lVert p\rVert^2 + \tfrac12 - z_y,\quad
        p = \operatorname{sparsemax}(z),\quad \partial\ell/\partial z = p - e_y

    the Fenchel-Young loss of the Gini entropy (Martins and Astudillo 2016, eq. 19:
    :math:`-z_y + \tfrac12\sum_{j \in S(z)}(z_j^2 - \tau^2) + \tfrac12`).

    Args:
        input: scores ``(*, C)``. target: int64 class indices ``(*)``.

    Example:
        >>> import torch
        >>> multiclass_sparsemax(torch.zeros(1, 2), torch.tensor([0]))  # p = (1/2, 1/2)
        tensor(0.2500)

    References:
        Martins and Astudillo (2016), From Softmax to Sparsemax, ICML; optax
        ``multiclass_sparsemax_loss``.
    """
    z, y = _multiclass_args(input, target, reduction)
    # centred on the target score, as optax: the loss does not change when all scores move
    z = z - z.gather(-1, y.unsqueeze(-1))
    p = sparsemax_simplex(z)
    loss = (p * z).sum(-1) - 0.5 * p.square().sum(-1) + 0.5
    return _finish("multiclass_sparsemax", loss, input, reduction, weight)


def _multiclass_sparsemax_grad(input: torch.Tensor, target: torch.Tensor, *,
                               weight: torch.Tensor | None = None) -> torch.Tensor:
    z, y = _multiclass_args(input, target, "none")
    g = sparsemax_simplex(z) - F.one_hot(y, z.shape[-1]).to(z.dtype)
    if weight is not None:
        g = g * torch.broadcast_to(weight.to(g.dtype), g.shape[:-1]).unsqueeze(-1)
    return g.to(input.dtype)


register(LossSpec(
    name="sparsemax_loss", fn=sparsemax_loss, gradient=_sparsemax_loss_grad,
    aliases=("sparsemax_binary", "binary_sparsemax"), family="binary",
    summary="Binary sparsemax loss: sparse_plus of the wrong-signed logit; 0 once |x| >= 1 "
            "on the right side.",
    summary_zh="二元 sparsemax 损失:对错误方向的 logit 取 sparse_plus;在正确一侧 |x| >= 1 "
               "时为 0。",
    formula=r"\operatorname{sparse\_plus}((1 - 2y)\,x)",
    tasks=("binary_classification", "multi_label_classification"), input_kind="logits",
    target_kind="binary", pairs_with="sparse_sigmoid", convex=True,
    pros=_bi(("Exactly zero loss and gradient for confident correct logits.",),
             ("对自信且正确的 logit,损失与梯度都精确为 0。",)),
    cons=_bi(("Not a proper scoring rule for probabilities of the sigmoid.",),
             ("对 sigmoid 概率而言不是严格适当评分规则。",)),
    other_defaults={"optax": "optax.losses.sparsemax_loss(logits, labels)"},
    year=2016, reference="Martins and Astudillo (2016), From Softmax to Sparsemax; optax "
                         "sparsemax_loss",
))

register(LossSpec(
    name="multiclass_sparsemax", fn=multiclass_sparsemax, gradient=_multiclass_sparsemax_grad,
    aliases=("multiclass_sparsemax_loss", "sparsemax_cross_entropy"), family="multiclass",
    summary="Fenchel-Young loss of sparsemax: 0 exactly when sparsemax(z) is the one-hot "
            "target.",
    summary_zh="sparsemax 的 Fenchel-Young 损失:当且仅当 sparsemax(z) 等于独热目标时为 0。",
    formula=r"\langle p, z\rangle - \tfrac12\lVert p\rVert^2 + \tfrac12 - z_y,\ "
            r"p = \operatorname{sparsemax}(z)",
    tasks=("multiclass_classification",), input_kind="logits", target_kind="class_indices",
    pairs_with="sparsemax", convex=True,
    pros=_bi(("Sparse probabilities and exact zero loss on separated examples.",
              "Gradient sparsemax(z) - e_y, as softmax(z) - e_y for cross-entropy."),
             ("概率稀疏,已分开的样本损失精确为 0。",
              "梯度为 sparsemax(z) - e_y,与交叉熵的 softmax(z) - e_y 对应。")),
    cons=_bi(("A sort over the classes per sample.",), ("每个样本需对类别排序。",)),
    other_defaults={"optax": "optax.losses.multiclass_sparsemax_loss(scores, labels)"},
    year=2016, reference="Martins and Astudillo (2016), From Softmax to Sparsemax, eq. 19; "
                         "optax multiclass_sparsemax_loss",
))
