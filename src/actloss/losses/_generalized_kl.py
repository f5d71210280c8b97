"""Losses: the generalized Kullback-Leibler divergence (I-divergence) of non-negative
measures, optax's ``convex_kl_divergence``, and optax's ``smooth_labels`` helper.

The generalized KL compares measures that need not sum to 1 (counts, intensities, NMF
reconstructions): ``sum_i y_i log(y_i / q_i) - y_i + q_i``, which is the KL divergence
when both sum to 1. As in optax, ``input`` holds ``log q`` (log-predictions) and
``target`` holds ``y``; ``0 log 0 = 0``.
"""

from __future__ import annotations

import torch

from actloss._i18n import bilingual as _bi
from actloss._numeric import up as _up
from actloss._reduction import check_reduction, reduce
from actloss._validation import UNIT, Param, check_param
from actloss.errors import InputError
from actloss.losses._checks import check_pair
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = ["generalized_kl_divergence", "smooth_labels"]


def _args(input: object, target: object, reduction: str) -> tuple[torch.Tensor, torch.Tensor]:
    owner = "generalized_kl_divergence"
    check_reduction(owner, reduction)
    x, y = check_pair(owner, input, target)
    if x.dim() < 1:
        raise InputError(f"`input` of {owner} must have shape (*, K); got shape "
                         f"{tuple(x.shape)}")
    if y.numel() and bool((y < 0).any()):
        raise InputError(f"`target` of {owner} must be a non-negative measure (values >= 0)")
    return _up(x), _up(y).to(_up(x).dtype)


def generalized_kl_divergence(input: torch.Tensor, target: torch.Tensor, *,
                              reduction: str = "mean", weight: torch.Tensor | None = None
                              ) -> torch.Tensor:
    r"""Generalized KL divergence :math:`D(y \,\|\, q)` over the last dimension.

    .. math::
        \ell = \sum_k y_k(\log y_k - x_k) + e^{x_k} - y_k,\quad x = \log q,\quad
        \partial\ell/\partial x_k = e^{x_k} - y_k

    Convex in ``x``; zero exactly when ``q = y``.

    Args:
        input: log-predictions ``(*, K)``. target: non-negative ``(*, K)``.
        weight: per-row weights, broadcast to ``(*)``.

    Shape:
        output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> x = torch.log(torch.tensor([[1.0, 2.0]]))
        >>> generalized_kl_divergence(x, torch.tensor([[1.0, 1.0]]))  # log(1/2) + 2 - 1
        tensor(0.3069)

    References:
        Csiszar (1975); Lee and Seung (2001), Algorithms for non-negative matrix
        factorization; optax ``convex_kl_divergence``.
    """
    x, y = _args(input, target, reduction)
    # y log y with 0 log 0 = 0: xlogy
    loss = (torch.xlogy(y, y) - y * x + torch.exp(x) - y).sum(-1)
    return reduce(loss, reduction, weight=weight, owner="generalized_kl_divergence",
                  mean_by="count").to(input.dtype)


def _generalized_kl_grad(input: torch.Tensor, target: torch.Tensor, *,
                         weight: torch.Tensor | None = None) -> torch.Tensor:
    x, y = _args(input, target, "none")
    g = torch.exp(x) - y
    if weight is not None:
        g = g * torch.broadcast_to(weight.to(g.dtype), g.shape[:-1]).unsqueeze(-1)
    return g.to(input.dtype)


_ALPHA = Param("alpha", 0.1, float, UNIT, doc="share of the mass spread uniformly")


def smooth_labels(labels: torch.Tensor, alpha: float) -> torch.Tensor:
    r"""Label smoothing, optax's ``smooth_labels``: ``(1 - alpha) y + alpha / K``.

    ``K`` is the size of the last dimension (the classes of a one-hot ``labels``).

    Args:
        labels: one-hot or soft labels ``(*, K)``, floating point.
        alpha: in ``[0, 1]``.

    Example:
        >>> import torch
        >>> smooth_labels(torch.tensor([[0.0, 1.0, 0.0, 0.0]]), 0.2)
        tensor([[0.0500, 0.8500, 0.0500, 0.0500]])
    """
    a = check_param("smooth_labels", _ALPHA, alpha)
    if not isinstance(labels, torch.Tensor) or not labels.is_floating_point() or \
            labels.dim() < 1:
        raise InputError("`labels` of smooth_labels must be a floating-point tensor of shape "
                         f"(*, K); got {type(labels).__name__}"
                         + (f" of dtype {labels.dtype}, shape {tuple(labels.shape)}"
                            if isinstance(labels, torch.Tensor) else ""))
    return (1.0 - a) * labels + a / labels.shape[-1]


register(LossSpec(
    name="generalized_kl_divergence", fn=generalized_kl_divergence,
    gradient=_generalized_kl_grad,
    aliases=("generalized_kl", "i_divergence"), family="divergence",
    summary="KL divergence of non-negative measures: sum y log(y/q) - y + q.",
    summary_zh="非负测度的 KL 散度:sum y log(y/q) - y + q。",
    formula=r"\sum_k y_k \log\frac{y_k}{q_k} - y_k + q_k,\ \log q = x",
    tasks=("distribution_matching", "regression"), input_kind="log_distribution",
    target_kind="positive", convex=True,
    pros=_bi(("Works for unnormalised outputs (counts, spectra, NMF).",
              "Convex in the log-predictions, with gradient q - y."),
             ("适用于未归一化的输出(计数、频谱、NMF)。", "对对数预测是凸的,梯度为 q - y。")),
    cons=_bi(("Needs log-predictions as input; a probability input is a silent mistake.",),
             ("输入须为对数预测;误传概率会静默出错。",)),
    other_defaults={"optax": "optax.losses.convex_kl_divergence(log_predictions, targets, "
                             "axis=-1)"},
    year=1975, reference="Csiszar (1975), I-divergence geometry of probability distributions; "
                         "Lee and Seung (2001); optax convex_kl_divergence",
))
