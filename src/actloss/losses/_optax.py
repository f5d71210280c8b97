"""Losses with optax's spellings and meaning, and the Crammer-Singer multi-class hinge.

Each ``optax_<name>`` entry keeps optax's semantics: the per-sample (or per-element)
values are returned **unreduced** by default (``reduction='none'``; ``'mean'`` and
``'sum'`` are available as everywhere in actloss), classes sit on ``axis`` (default the
last), and ``where`` masks entries as in optax. The argument order is optax's:
``(predictions or logits, targets or labels)``. Every entry is a thin adapter: the
element-wise values come from the core families where one exists (``huber``,
``log_cosh``, ``hinge``, ``kl_div``, ``multiclass_hinge``), and the one reduction helper
weighs and reduces.

``multiclass_hinge`` is the Crammer-Singer multi-class hinge of optax's
``multiclass_hinge_loss``, in PyTorch's layout (classes on dimension 1).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from actloss._i18n import bilingual as _bi
from actloss._numeric import up as _up
from actloss._reduction import check_reduction, reduce
from actloss._scaled import norm as _safe_norm
from actloss._scaled import unit as _safe_unit
from actloss._validation import NONNEGATIVE, POSITIVE, REALS, Param, check_params, check_tensor
from actloss.errors import InputError
from actloss.losses._checks import check_all_finite, check_class_target, check_pair
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = [
    "multiclass_hinge",
    "optax_binary_dice_loss",
    "optax_convex_kl_divergence",
    "optax_cosine_distance",
    "optax_cosine_similarity",
    "optax_dice_loss",
    "optax_hinge_loss",
    "optax_huber_loss",
    "optax_kl_divergence",
    "optax_kl_divergence_with_log_targets",
    "optax_l2_loss",
    "optax_log_cosh",
    "optax_multiclass_hinge_loss",
    "optax_poly_loss_cross_entropy",
    "optax_safe_softmax_cross_entropy",
    "optax_sigmoid_binary_cross_entropy",
    "optax_sigmoid_focal_loss",
    "optax_softmax_cross_entropy",
    "optax_softmax_cross_entropy_with_integer_labels",
    "optax_squared_error",
    "optax_triplet_margin_loss",
]

_AXIS = Param("axis", -1, int, REALS, doc="the class (or feature) axis, as optax's `axis`")


def _finish(owner: str, per: torch.Tensor, reduction: str, weight: torch.Tensor | None,
            like: torch.Tensor) -> torch.Tensor:
    if weight is not None:
        weight = check_tensor(owner, "weight", weight)
    out = reduce(per, reduction, weight=weight, owner=owner, mean_by="count")
    return out.to(like.dtype)


def _where(owner: str, where: object, x: torch.Tensor, axis: int) -> torch.Tensor | None:
    """optax's ``where``: ``x``'s shape, or ``x``'s shape without ``axis``."""
    if where is None:
        return None
    w = check_tensor(owner, "where", where, floating=False)
    if w.dtype != torch.bool:
        raise InputError(f"`where` of {owner} must be a bool tensor; got dtype {w.dtype}")
    if w.dim() != x.dim():
        w = w.unsqueeze(axis)
    try:
        return torch.broadcast_to(w, x.shape)
    except RuntimeError as exc:
        raise InputError(f"`where` of {owner} of shape {tuple(where.shape)} does not fit the "
                         f"input of shape {tuple(x.shape)}") from exc


def _axis(owner: str, x: torch.Tensor, axis: int) -> int:
    if x.dim() == 0:
        raise InputError(f"`input` of {owner} must have at least one dimension; got a scalar")
    if not -x.dim() <= axis < x.dim():
        raise InputError(f"`axis` {axis} of {owner} is out of range for an input of "
                         f"{x.dim()} dimension(s)")
    return axis % x.dim()


def refuse_probabilities_as_logits(owner: str, x: torch.Tensor, axis: int = -1) -> None:
    """Logits that are unmistakably probabilities: with at least 3 classes, every value in
    [0, 1] and every row summing to 1 (to 1e-4) - the output of a softmax. The classic
    crossing (a softmax applied twice) raises instead of training silently on a flat loss.
    Skipped when the value checks are off."""
    from actloss.losses._checks import value_checks_enabled

    if not value_checks_enabled() or x.dim() == 0 or x.shape[axis] < 3 or not x.numel():
        return
    xd = x.detach()
    lo, hi = torch.aminmax(xd)
    if float(lo) < 0 or float(hi) > 1:
        return
    if bool(((xd.sum(axis, dtype=torch.float32) - 1).abs() <= 1e-4).all()):
        raise InputError(
            f"`input` of {owner} must hold logits, but every row is a probability "
            "distribution (values in [0, 1] summing to 1): a softmax was applied already. "
            "Pass the scores before the softmax, or the probabilities to an entry that takes "
            "them (from_logits=False for the keras_ entries)")


def _log_softmax(x: torch.Tensor, axis: int, mask: torch.Tensor | None) -> torch.Tensor:
    if mask is None:
        return torch.log_softmax(x, dim=axis)
    xm = x.masked_fill(~mask, -math.inf)
    return xm - torch.logsumexp(xm, dim=axis, keepdim=True)


# ---------------------------------------------------------------------------------------
# multiclass_hinge: Crammer-Singer (core entry, PyTorch layout)
# ---------------------------------------------------------------------------------------

def _cs_parts(owner: str, input: object, target: object, dim: int
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """Scores with classes last and the one-hot target."""
    if dim == 1:
        x, t, _ = check_class_target(owner, input, target, probabilities=False)
        x = _up(x)
        if x.dim() > 1:
            x = x.movedim(1, -1)
    else:  # classes on the last axis (optax's layout)
        x = check_tensor(owner, "input", input)
        t = check_tensor(owner, "target", target, floating=False)
        if x.dim() == 0:
            raise InputError(f"`input` of {owner} must have a class axis; got a scalar")
        check_all_finite(owner, "input", x)
        if t.is_floating_point() or t.dtype == torch.bool:
            raise InputError(f"`target` of {owner} must hold integer class labels; got dtype "
                             f"{t.dtype}")
        if t.shape != x.shape[:-1]:
            raise InputError(f"`target` of {owner} must have shape {tuple(x.shape[:-1])} "
                             f"(classes on the last axis of `input`); got {tuple(t.shape)}")
        if t.numel():
            lo, hi = torch.aminmax(t)
            if int(lo) < 0 or int(hi) >= x.shape[-1]:
                bad = int(lo) if int(lo) < 0 else int(hi)
                raise InputError(f"`target` of {owner} holds class index {bad} out of range "
                                 f"[0, {x.shape[-1]})")
        x = _up(x)
    return x, F.one_hot(t.long(), x.shape[-1]).to(x.dtype)


def _cs_values(x: torch.Tensor, onehot: torch.Tensor) -> torch.Tensor:
    # max_j (s_j + 1 - [j = y]) - s_y; the j = y term keeps it >= 0
    return (x + 1 - onehot).amax(-1) - (x * onehot).sum(-1)


def _cs_grad(x: torch.Tensor, onehot: torch.Tensor) -> torch.Tensor:
    # d/ds of max_j(...) is the one-hot of the arg-max (first one at ties), minus e_y
    arg = (x + 1 - onehot).argmax(-1)
    return F.one_hot(arg, x.shape[-1]).to(x.dtype) - onehot


def multiclass_hinge(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                     weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Crammer-Singer multi-class hinge, optax's ``multiclass_hinge_loss``:

    .. math::
        \ell = \max_j\,(s_j + 1 - [j = y]) - s_y = \max\bigl(0,\ 1 + \max_{j \ne y} s_j
        - s_y\bigr).

    :math:`\partial\ell/\partial s = e_{j^*} - e_y` with :math:`j^*` the arg-max. PyTorch's
    ``multi_margin_loss`` (``multi_margin``) is the Weston-Watkins form instead: a sum over
    the wrong classes, divided by ``C``.

    Args:
        input: scores ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)`` (classes on dimension 1).
        target: integer class indices ``(N,)``, ``(N, d1, ...)`` or a scalar.
        reduction: ``'none' | 'mean' | 'sum'``. weight: per-sample weights.

    References:
        Crammer & Singer (2001), On the Algorithmic Implementation of Multiclass
        Kernel-based Vector Machines.

    Example:
        >>> import torch
        >>> multiclass_hinge(torch.tensor([[3.0, 2.0, -1.0]]), torch.tensor([1]),
        ...                  reduction="none")  # max(3 + 1, 2, -1 + 1) - 2
        tensor([2.])
    """
    check_reduction("multiclass_hinge", reduction)
    x, onehot = _cs_parts("multiclass_hinge", input, target, 1)
    return _finish("multiclass_hinge", _cs_values(x, onehot), reduction, weight, input)


def _multiclass_hinge_grad(input: torch.Tensor, target: torch.Tensor, *,
                           weight: torch.Tensor | None = None) -> torch.Tensor:
    x, onehot = _cs_parts("multiclass_hinge", input, target, 1)
    g = _cs_grad(x, onehot)
    if weight is not None:
        g = g * weight.to(g.dtype).unsqueeze(-1)
    if input.dim() > 1:
        g = g.movedim(-1, 1)
    return g.to(input.dtype)


def optax_multiclass_hinge_loss(input: torch.Tensor, target: torch.Tensor, *,
                                reduction: str = "none",
                                weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""optax ``multiclass_hinge_loss(scores, labels)``: Crammer-Singer, classes on the
    last axis, unreduced. See :func:`multiclass_hinge`.

    Example:
        >>> import torch
        >>> optax_multiclass_hinge_loss(torch.tensor([[3.0, 2.0, -1.0]]), torch.tensor([1]))
        tensor([2.])
    """
    check_reduction("optax_multiclass_hinge_loss", reduction)
    x, onehot = _cs_parts("optax_multiclass_hinge_loss", input, target, -1)
    return _finish("optax_multiclass_hinge_loss", _cs_values(x, onehot), reduction, weight,
                   input)


def _optax_mch_grad(input: torch.Tensor, target: torch.Tensor, *,
                    weight: torch.Tensor | None = None) -> torch.Tensor:
    x, onehot = _cs_parts("optax_multiclass_hinge_loss", input, target, -1)
    g = _cs_grad(x, onehot)
    if weight is not None:
        g = g * weight.to(g.dtype).unsqueeze(-1)
    return g.to(input.dtype)


# ---------------------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------------------

def optax_sigmoid_binary_cross_entropy(input: torch.Tensor, target: torch.Tensor, *,
                                       reduction: str = "none",
                                       weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""optax ``sigmoid_binary_cross_entropy(logits, labels)``, element-wise:
    :math:`-y\log\sigma(z) - (1 - y)\log(1 - \sigma(z))`, from the logits.

    Example:
        >>> import torch
        >>> optax_sigmoid_binary_cross_entropy(torch.tensor([0.0]), torch.tensor([1.0]))
        tensor([0.6931])
    """
    check_reduction("optax_sigmoid_binary_cross_entropy", reduction)
    x, t = check_pair("optax_sigmoid_binary_cross_entropy", input, target)
    x, t = _up(x), _up(t)
    per = t * F.softplus(-x) + (1 - t) * F.softplus(x)
    return _finish("optax_sigmoid_binary_cross_entropy", per, reduction, weight, input)


def _sbce_grad(input: torch.Tensor, target: torch.Tensor, *,
               weight: torch.Tensor | None = None) -> torch.Tensor:
    x, t = check_pair("optax_sigmoid_binary_cross_entropy", input, target)
    g = torch.sigmoid(x) - t
    return g if weight is None else g * weight


def _ce_pair(owner: str, input: object, target: object, axis: int, where: object
             ) -> tuple[torch.Tensor, torch.Tensor, int, torch.Tensor | None]:
    x, t = check_pair(owner, input, target)
    x, t = _up(x), _up(t)
    ax = _axis(owner, x, axis)
    return x, t, ax, _where(owner, where, x, ax)


def optax_softmax_cross_entropy(input: torch.Tensor, target: torch.Tensor, *,
                                reduction: str = "none", weight: torch.Tensor | None = None,
                                axis: int = -1, where: torch.Tensor | None = None
                                ) -> torch.Tensor:
    r"""optax ``softmax_cross_entropy(logits, labels, axis=-1, where=None)``:
    :math:`-\sum_j y_j \log\operatorname{softmax}(z)_j` over ``axis``.

    ``where`` (bool, the logits' shape or that shape without ``axis``) keeps entries: the
    softmax and the sum run over the kept ones only.

    Example:
        >>> import torch
        >>> optax_softmax_cross_entropy(  # optax's docstring: [0.2761 2.9518]
        ...     torch.tensor([[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]]),
        ...     torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
        tensor([0.2761, 2.9518])
    """
    (axis,) = check_params("optax_softmax_cross_entropy", (_AXIS,), {"axis": axis}).values()
    check_reduction("optax_softmax_cross_entropy", reduction)
    x, t, ax, mask = _ce_pair("optax_softmax_cross_entropy", input, target, axis, where)
    refuse_probabilities_as_logits("optax_softmax_cross_entropy", x, ax)
    terms = t * _log_softmax(x, ax, mask)
    if mask is not None:
        terms = torch.where(mask, terms, terms.new_zeros(()))
    return _finish("optax_softmax_cross_entropy", -terms.sum(ax), reduction, weight, input)


def _sce_grad(input: torch.Tensor, target: torch.Tensor, *,
              weight: torch.Tensor | None = None, axis: int = -1) -> torch.Tensor:
    x, t, ax, _ = _ce_pair("optax_softmax_cross_entropy", input, target, axis, None)
    g = torch.softmax(x, ax) * t.sum(ax, keepdim=True) - t
    if weight is not None:
        g = g * weight.to(g.dtype).unsqueeze(ax)
    return g.to(input.dtype)


def optax_safe_softmax_cross_entropy(input: torch.Tensor, target: torch.Tensor, *,
                                     reduction: str = "none",
                                     weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""optax ``safe_softmax_cross_entropy(logits, labels)``: as
    :func:`optax_softmax_cross_entropy` on the last axis, with the terms of zero labels
    taken as 0 (``0 log 0 = 0``) even where a logit is ``-inf``.

    Example:
        >>> import torch
        >>> optax_safe_softmax_cross_entropy(torch.tensor([[0.0, -float("inf"), 0.0]]),
        ...                                  torch.tensor([[0.5, 0.0, 0.5]]))  # log 2
        tensor([0.6931])
    """
    owner = "optax_safe_softmax_cross_entropy"
    check_reduction(owner, reduction)
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target)
    if x.shape != t.shape:
        raise InputError(f"`input` and `target` of {owner} must have the same shape; got "
                         f"{tuple(x.shape)} and {tuple(t.shape)}")
    if x.dim() == 0:
        raise InputError(f"`input` of {owner} must have at least one dimension; got a scalar")
    if bool(torch.isnan(x).any()):
        raise InputError(f"`input` of {owner} contains NaN value(s)")
    x, t = _up(x), _up(t)
    logp = torch.log_softmax(x, -1)
    terms = torch.where(t != 0, t * logp, logp.new_zeros(()))
    return _finish(owner, -terms.sum(-1), reduction, weight, input)


def optax_softmax_cross_entropy_with_integer_labels(
        input: torch.Tensor, target: torch.Tensor, *, reduction: str = "none",
        weight: torch.Tensor | None = None, axis: int = -1,
        where: torch.Tensor | None = None) -> torch.Tensor:
    r"""optax ``softmax_cross_entropy_with_integer_labels(logits, labels, axis=-1,
    where=None)``: :math:`\log\sum_j e^{z_j} - z_y`, classes on ``axis``.

    With ``where``, the log-sum-exp runs over the kept logits and a sample with none kept
    gives 0 (optax).

    Example:
        >>> import torch
        >>> optax_softmax_cross_entropy_with_integer_labels(  # optax's docstring
        ...     torch.tensor([[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]]), torch.tensor([0, 1]))
        tensor([0.2761, 2.9518])
    """
    owner = "optax_softmax_cross_entropy_with_integer_labels"
    (axis,) = check_params(owner, (_AXIS,), {"axis": axis}).values()
    check_reduction(owner, reduction)
    x = check_tensor(owner, "input", input)
    ax = _axis(owner, x, axis)
    xl = x.movedim(ax, -1)
    mask = _where(owner, where, x, ax)
    x_up, onehot = _cs_parts(owner, xl, target, -1)
    refuse_probabilities_as_logits(owner, x_up)
    if mask is None:
        per = torch.logsumexp(x_up, -1) - (x_up * onehot).sum(-1)
    else:
        m = mask.movedim(ax, -1)
        lse = torch.logsumexp(x_up.masked_fill(~m, -math.inf), -1)
        per = torch.where(m.any(-1), lse - (x_up * onehot).sum(-1), lse.new_zeros(()))
    return _finish(owner, per, reduction, weight, input)


def _sce_int_grad(input: torch.Tensor, target: torch.Tensor, *,
                  weight: torch.Tensor | None = None, axis: int = -1) -> torch.Tensor:
    owner = "optax_softmax_cross_entropy_with_integer_labels"
    ax = _axis(owner, input, axis)
    x, onehot = _cs_parts(owner, input.movedim(ax, -1), target, -1)
    g = torch.softmax(x, -1) - onehot
    if weight is not None:
        g = g * weight.to(g.dtype).unsqueeze(-1)
    return g.movedim(-1, ax).to(input.dtype)


_POLY_PARAMS = (Param("epsilon", 2.0, float, REALS, doc="weight of the (1 - p_t) term"), _AXIS)


def optax_poly_loss_cross_entropy(input: torch.Tensor, target: torch.Tensor, *,
                                  reduction: str = "none", weight: torch.Tensor | None = None,
                                  epsilon: float = 2.0, axis: int = -1,
                                  where: torch.Tensor | None = None) -> torch.Tensor:
    r"""optax ``poly_loss_cross_entropy(logits, labels, epsilon=2.0, axis=-1, where=None)``:
    :math:`\mathrm{CE} + \epsilon\sum_j y_j(1 - p_j)`, ``p = softmax(z)`` (Poly-1).

    Example:
        >>> import torch
        >>> optax_poly_loss_cross_entropy(torch.tensor([[0.0, 0.0]]),
        ...                               torch.tensor([[1.0, 0.0]]))  # log 2 + 2 * 0.5
        tensor([1.6931])
    """
    owner = "optax_poly_loss_cross_entropy"
    kw = check_params(owner, _POLY_PARAMS, {"epsilon": epsilon, "axis": axis})
    check_reduction(owner, reduction)
    x, t, ax, mask = _ce_pair(owner, input, target, kw["axis"], where)
    logp = _log_softmax(x, ax, mask)
    ce_terms = t * logp
    pt_terms = t * (1 - torch.exp(logp))
    if mask is not None:
        ce_terms = torch.where(mask, ce_terms, ce_terms.new_zeros(()))
        pt_terms = torch.where(mask, pt_terms, pt_terms.new_zeros(()))
    per = -ce_terms.sum(ax) + kw["epsilon"] * pt_terms.sum(ax)
    return _finish(owner, per, reduction, weight, input)


_FOCAL_PARAMS = (
    Param("alpha", None, float, REALS, optional=True,
          doc="class-1 weight in [0, 1]; None (optax's default) weighs nothing"),
    Param("gamma", 2.0, float, NONNEGATIVE, doc="focusing exponent"),
)


def optax_sigmoid_focal_loss(input: torch.Tensor, target: torch.Tensor, *,
                             reduction: str = "none", weight: torch.Tensor | None = None,
                             alpha: float | None = None, gamma: float = 2.0) -> torch.Tensor:
    r"""optax ``sigmoid_focal_loss(logits, labels, alpha=None, gamma=2.0)``, element-wise:
    :math:`(1 - p_t)^{\gamma}\,\mathrm{BCE}`, times :math:`\alpha y + (1 - \alpha)(1 - y)`
    when ``alpha`` is given. torchvision's (``binary_focal``) defaults to ``alpha=0.25``.

    Example:
        >>> import torch
        >>> optax_sigmoid_focal_loss(torch.tensor([0.0]), torch.tensor([1.0]))  # .25 log 2
        tensor([0.1733])
    """
    owner = "optax_sigmoid_focal_loss"
    kw = check_params(owner, _FOCAL_PARAMS, {"alpha": alpha, "gamma": gamma})
    if kw["alpha"] is not None and not 0.0 <= kw["alpha"] <= 1.0:
        from actloss.errors import ParameterError

        raise ParameterError(f"`alpha` of {owner} must be None or a float in [0, 1]; got "
                             f"{kw['alpha']!r}")
    check_reduction(owner, reduction)
    x, t = check_pair(owner, input, target)
    x, t = _up(x), _up(t)
    bce = t * F.softplus(-x) + (1 - t) * F.softplus(x)
    p = torch.sigmoid(x)
    one_minus_pt = t * (1 - p) + (1 - t) * p
    per = one_minus_pt ** kw["gamma"] * bce
    if kw["alpha"] is not None:
        per = (kw["alpha"] * t + (1 - kw["alpha"]) * (1 - t)) * per
    return _finish(owner, per, reduction, weight, input)


def optax_hinge_loss(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "none",
                     weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""optax ``hinge_loss(predictor_outputs, targets)``: :math:`\max(0, 1 - x y)`,
    element-wise, targets in ``{-1, 1}`` (the core ``hinge``, unreduced).

    Example:
        >>> import torch
        >>> optax_hinge_loss(torch.tensor([0.5, 2.0]), torch.tensor([1.0, -1.0]))
        tensor([0.5000, 3.0000])
    """
    from actloss.losses._binary import hinge

    check_reduction("optax_hinge_loss", reduction)
    return hinge(input, target, reduction=reduction, weight=weight)


def _hinge_loss_grad(input: torch.Tensor, target: torch.Tensor, *,
                     weight: torch.Tensor | None = None) -> torch.Tensor:
    x, y = check_pair("optax_hinge_loss", input, target)
    g = -y * (1 - y * x > 0).to(x.dtype)
    return g if weight is None else g * weight


# ---------------------------------------------------------------------------------------
# divergences
# ---------------------------------------------------------------------------------------

def _kl_terms(owner: str, input: object, target: object, log_target: bool) -> torch.Tensor:
    from actloss.losses._divergence import kl_div

    return kl_div(input, target, reduction="none", log_target=log_target)


def optax_kl_divergence(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "none",
                        weight: torch.Tensor | None = None, axis: int = -1,
                        where: torch.Tensor | None = None) -> torch.Tensor:
    r"""optax ``kl_divergence(log_predictions, targets, axis=-1, where=None)``:
    :math:`\sum_j y_j(\log y_j - x_j)` over ``axis`` (``0 log 0 = 0``), from the core
    ``kl_div`` (input = log-probabilities).

    Example:
        >>> import torch
        >>> optax_kl_divergence(torch.log(torch.tensor([[0.25, 0.75]])),
        ...                     torch.tensor([[0.5, 0.5]]))
        tensor([0.1438])
    """
    owner = "optax_kl_divergence"
    (axis,) = check_params(owner, (_AXIS,), {"axis": axis}).values()
    check_reduction(owner, reduction)
    terms = _up(_kl_terms(owner, input, target, False))
    ax = _axis(owner, terms, axis)
    mask = _where(owner, where, terms, ax)
    if mask is not None:
        terms = torch.where(mask, terms, terms.new_zeros(()))
    return _finish(owner, terms.sum(ax), reduction, weight, input)


def _kl_grad(input: torch.Tensor, target: torch.Tensor, *,
             weight: torch.Tensor | None = None, axis: int = -1) -> torch.Tensor:
    g = -target.to(input.dtype)
    return g if weight is None else g * weight.to(g.dtype).unsqueeze(axis)


def optax_kl_divergence_with_log_targets(input: torch.Tensor, target: torch.Tensor, *,
                                         reduction: str = "none",
                                         weight: torch.Tensor | None = None,
                                         axis: int = -1) -> torch.Tensor:
    r"""optax ``kl_divergence_with_log_targets(log_predictions, log_targets, axis=-1)``:
    :math:`\sum_j e^{t_j}(t_j - x_j)` over ``axis``.

    Example:
        >>> import torch
        >>> optax_kl_divergence_with_log_targets(torch.log(torch.tensor([[0.25, 0.75]])),
        ...                                      torch.log(torch.tensor([[0.5, 0.5]])))
        tensor([0.1438])
    """
    owner = "optax_kl_divergence_with_log_targets"
    (axis,) = check_params(owner, (_AXIS,), {"axis": axis}).values()
    check_reduction(owner, reduction)
    terms = _up(_kl_terms(owner, input, target, True))
    ax = _axis(owner, terms, axis)
    return _finish(owner, terms.sum(ax), reduction, weight, input)


def _kl_log_grad(input: torch.Tensor, target: torch.Tensor, *,
                 weight: torch.Tensor | None = None, axis: int = -1) -> torch.Tensor:
    g = -torch.exp(target.to(input.dtype))
    return g if weight is None else g * weight.to(g.dtype).unsqueeze(axis)


def optax_convex_kl_divergence(input: torch.Tensor, target: torch.Tensor, *,
                               reduction: str = "none", weight: torch.Tensor | None = None,
                               axis: int = -1) -> torch.Tensor:
    r"""optax ``convex_kl_divergence(log_predictions, targets, axis=-1)``:
    :math:`\sum_j [y_j(\log y_j - x_j) + e^{x_j} - y_j]`, the KL extended to unnormalised
    measures (convex in ``x``).

    Example:
        >>> import torch
        >>> optax_convex_kl_divergence(torch.log(torch.tensor([[0.25, 0.75]])),
        ...                            torch.tensor([[0.5, 0.5]]))
        tensor([0.1438])
    """
    owner = "optax_convex_kl_divergence"
    (axis,) = check_params(owner, (_AXIS,), {"axis": axis}).values()
    check_reduction(owner, reduction)
    # log-predictions of an unnormalised measure: positive values are valid here
    x, t = check_pair(owner, input, target, log_space=True)
    x, t = _up(x), _up(t)
    terms = torch.where(t > 0, torch.xlogy(t, t) - t * x, torch.zeros_like(x))
    ax = _axis(owner, terms, axis)
    per = (terms + torch.exp(x) - t).sum(ax)
    return _finish(owner, per, reduction, weight, input)


def _ckl_grad(input: torch.Tensor, target: torch.Tensor, *,
              weight: torch.Tensor | None = None, axis: int = -1) -> torch.Tensor:
    g = torch.exp(input) - target.to(input.dtype)
    return g if weight is None else g * weight.to(g.dtype).unsqueeze(axis)


# ---------------------------------------------------------------------------------------
# regression
# ---------------------------------------------------------------------------------------

def optax_l2_loss(input: torch.Tensor, target: torch.Tensor | None = None, *,
                  reduction: str = "none", weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""optax ``l2_loss(predictions, targets=None)``: :math:`\tfrac12 (p - t)^2`,
    element-wise (``targets=None`` means zeros). PyTorch's ``mse_loss`` has no ``1/2``.

    Example:
        >>> import torch
        >>> optax_l2_loss(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 1.0]))
        tensor([0.5000, 2.0000])
    """
    check_reduction("optax_l2_loss", reduction)
    if target is None:
        target = torch.zeros_like(check_tensor("optax_l2_loss", "input", input))
    x, t = check_pair("optax_l2_loss", input, target)
    d = _up(x) - _up(t)
    return _finish("optax_l2_loss", 0.5 * d * d, reduction, weight, input)


def _l2_grad(input: torch.Tensor, target: torch.Tensor | None = None, *,
             weight: torch.Tensor | None = None) -> torch.Tensor:
    g = input - (0 if target is None else target.to(input.dtype))
    return g if weight is None else g * weight


def optax_squared_error(input: torch.Tensor, target: torch.Tensor | None = None, *,
                        reduction: str = "none",
                        weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""optax ``squared_error(predictions, targets=None)``: :math:`(p - t)^2`,
    element-wise: the core ``mse``, unreduced.

    Example:
        >>> import torch
        >>> optax_squared_error(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 1.0]))
        tensor([1., 4.])
    """
    from actloss.losses._regression import mse

    check_reduction("optax_squared_error", reduction)
    if target is None:
        target = torch.zeros_like(check_tensor("optax_squared_error", "input", input))
    return mse(input, target, reduction=reduction, weight=weight)


def _se_grad(input: torch.Tensor, target: torch.Tensor | None = None, *,
             weight: torch.Tensor | None = None) -> torch.Tensor:
    return 2 * _l2_grad(input, target, weight=weight)


_HUBER_PARAMS = (Param("delta", 1.0, float, POSITIVE, doc="where quadratic turns linear"),)


def optax_huber_loss(input: torch.Tensor, target: torch.Tensor | None = None, *,
                     reduction: str = "none", weight: torch.Tensor | None = None,
                     delta: float = 1.0) -> torch.Tensor:
    r"""optax ``huber_loss(predictions, targets=None, delta=1.0)``: element-wise
    :math:`\tfrac12 e^2` for :math:`|e| \le \delta`, else :math:`\delta(|e| - \delta/2)`:
    the core ``huber``, unreduced.

    Example:
        >>> import torch
        >>> optax_huber_loss(torch.tensor([0.5, 3.0]), torch.tensor([0.0, 0.0]))
        tensor([0.1250, 2.5000])
    """
    from actloss.losses._regression import huber

    check_reduction("optax_huber_loss", reduction)
    if target is None:
        target = torch.zeros_like(check_tensor("optax_huber_loss", "input", input))
    return huber(input, target, reduction=reduction, weight=weight, delta=delta)


def _huber_grad(input: torch.Tensor, target: torch.Tensor, *,
                weight: torch.Tensor | None = None, delta: float = 1.0) -> torch.Tensor:
    e = input - target.to(input.dtype)
    g = torch.where(e.abs() <= delta, e, delta * torch.sign(e))
    return g if weight is None else g * weight


def optax_log_cosh(input: torch.Tensor, target: torch.Tensor | None = None, *,
                   reduction: str = "none", weight: torch.Tensor | None = None
                   ) -> torch.Tensor:
    r"""optax ``log_cosh(predictions, targets=None)``: :math:`\log\cosh(p - t)`,
    element-wise: the core ``log_cosh``, unreduced.

    Example:
        >>> import torch
        >>> optax_log_cosh(torch.tensor([1.0]), torch.tensor([0.0]))
        tensor([0.4338])
    """
    from actloss.losses._regression import log_cosh

    check_reduction("optax_log_cosh", reduction)
    if target is None:
        target = torch.zeros_like(check_tensor("optax_log_cosh", "input", input))
    return log_cosh(input, target, reduction=reduction, weight=weight)


def _log_cosh_grad(input: torch.Tensor, target: torch.Tensor, *,
                   weight: torch.Tensor | None = None) -> torch.Tensor:
    g = torch.tanh(input - target.to(input.dtype))
    return g if weight is None else g * weight


_COS_PARAMS = (Param("epsilon", 0.0, float, NONNEGATIVE, doc="floor of each norm"), _AXIS)


def _cos(owner: str, input: object, target: object, epsilon: float, axis: int
         ) -> tuple[torch.Tensor, int]:
    x, t = check_pair(owner, input, target)
    x, t = _up(x), _up(t)
    ax = _axis(owner, x, axis)
    # x / max(|x|, epsilon) with the norm taken on scaled rows: no square overflows
    xh, _ = _safe_unit(x, dim=ax, eps=epsilon)
    th, _ = _safe_unit(t, dim=ax, eps=epsilon)
    return (xh * th).sum(ax), ax


def optax_cosine_similarity(input: torch.Tensor, target: torch.Tensor, *,
                            reduction: str = "none", weight: torch.Tensor | None = None,
                            epsilon: float = 0.0, axis: int = -1) -> torch.Tensor:
    r"""optax ``cosine_similarity(predictions, targets, epsilon=0.0, axis=-1)``: the cosine
    itself, :math:`\langle p, t\rangle / (\max(\lVert p\rVert, \epsilon)\max(\lVert
    t\rVert, \epsilon))` (a similarity: maximise it, or use
    :func:`optax_cosine_distance`).

    Example:
        >>> import torch
        >>> optax_cosine_similarity(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """
    owner = "optax_cosine_similarity"
    kw = check_params(owner, _COS_PARAMS, {"epsilon": epsilon, "axis": axis})
    check_reduction(owner, reduction)
    cos, _ = _cos(owner, input, target, kw["epsilon"], kw["axis"])
    return _finish(owner, cos, reduction, weight, input)


def optax_cosine_distance(input: torch.Tensor, target: torch.Tensor, *,
                          reduction: str = "none", weight: torch.Tensor | None = None,
                          epsilon: float = 0.0, axis: int = -1) -> torch.Tensor:
    r"""optax ``cosine_distance(predictions, targets, epsilon=0.0, axis=-1)``:
    :math:`1 - \cos`.

    Example:
        >>> import torch
        >>> optax_cosine_distance(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 2.0]]))
        tensor([1.])
    """
    owner = "optax_cosine_distance"
    kw = check_params(owner, _COS_PARAMS, {"epsilon": epsilon, "axis": axis})
    check_reduction(owner, reduction)
    cos, _ = _cos(owner, input, target, kw["epsilon"], kw["axis"])
    return _finish(owner, 1 - cos, reduction, weight, input)


# ---------------------------------------------------------------------------------------
# metric learning
# ---------------------------------------------------------------------------------------

_TRIPLET_PARAMS = (
    Param("norm_degree", 2.0, float, POSITIVE, doc="p of the distance norm"),
    Param("margin", 1.0, float, NONNEGATIVE, doc="margin"),
    Param("eps", 1e-6, float, NONNEGATIVE, doc="added to the differences"),
)


def optax_triplet_margin_loss(input: torch.Tensor, target: None = None, *,
                              reduction: str = "none", weight: torch.Tensor | None = None,
                              norm_degree: float = 2.0, margin: float = 1.0,
                              eps: float = 1e-6) -> torch.Tensor:
    r"""optax ``triplet_margin_loss(anchors, positives, negatives, norm_degree=2,
    margin=1.0, eps=1e-6)``, per triplet and unreduced:
    :math:`\max(0, d(a, p) - d(a, n) + m)`, :math:`d(x, y) = \lVert x - y + \epsilon
    \rVert_{q}` with ``q = norm_degree`` (PyTorch's ``triplet_margin_loss`` with ``p``).

    Args:
        input: triplets stacked as ``(N, 3, D)`` = anchors, positives, negatives (as the
            core ``triplet``). target: unused, ``None``.

    Example:
        >>> import torch
        >>> x = torch.tensor([[[0.0, 0.0], [1.0, 0.0], [0.0, 1.5]]])
        >>> optax_triplet_margin_loss(x, eps=0.0)  # 1 - 1.5 + 1
        tensor([0.5000])
    """
    owner = "optax_triplet_margin_loss"
    kw = check_params(owner, _TRIPLET_PARAMS,
                      {"norm_degree": norm_degree, "margin": margin, "eps": eps})
    check_reduction(owner, reduction)
    if target is not None:
        raise InputError(f"`target` of {owner} must be None: the triplets are stacked in "
                         "`input` as (N, 3, D)")
    x = check_tensor(owner, "input", input)
    if x.dim() != 3 or x.shape[1] != 3:
        raise InputError(f"`input` of {owner} must have shape (N, 3, D); got {tuple(x.shape)}")
    check_all_finite(owner, "input", x)
    x = _up(x)
    q = kw["norm_degree"]
    a, p, n = x[:, 0], x[:, 1], x[:, 2]
    d_ap = _safe_norm(a - p + kw["eps"], p=q)  # (sum |u|^q)^(1/q) as s ||u / s||_q
    d_an = _safe_norm(a - n + kw["eps"], p=q)
    per = (d_ap - d_an + kw["margin"]).clamp_min(0)
    return _finish(owner, per, reduction, weight, input)


# ---------------------------------------------------------------------------------------
# segmentation
# ---------------------------------------------------------------------------------------

_DICE_PARAMS = (
    Param("smooth", 1.0, float, NONNEGATIVE, doc="added to numerator and denominator"),
    Param("alpha", 0.5, float, NONNEGATIVE, doc="weight of the false positives"),
    Param("beta", 0.5, float, NONNEGATIVE, doc="weight of the false negatives"),
    Param("apply_softmax", True, bool, doc="input holds logits (softmax; sigmoid for C = 1)"),
    Param("ignore_background", False, bool, doc="leave class 0 out"),
    Param("class_reduction", "mean", str, choices=("mean", "sum", "none"),
          doc="optax's `reduction`: over the classes"),
)


def _dice_values(owner: str, input: object, target: object, kw: dict,
                 class_weights: torch.Tensor | None = None) -> torch.Tensor:
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target, floating=False)
    if x.dim() == t.dim() - 1:
        x = x.unsqueeze(-1)
    if t.dim() == x.dim() - 1:
        t = t.unsqueeze(-1)
    if x.shape != t.shape or x.dim() < 2:
        raise InputError(f"`input` and `target` of {owner} must have one shape (batch, ..., "
                         f"classes); got {tuple(x.shape)} and {tuple(t.shape)}")
    check_all_finite(owner, "input", x)
    x, t = _up(x), _up(t.to(x.dtype))
    if kw["apply_softmax"]:
        p = torch.sigmoid(x) if x.shape[-1] == 1 else torch.softmax(x, -1)
    else:
        sums = x.sum(-1)
        if not torch.allclose(sums, torch.ones_like(sums), rtol=1e-5):
            raise InputError(f"`input` of {owner} must hold distributions over the last axis "
                             "with apply_softmax=False (each sums to 1)")
        p = x
    axes = tuple(range(1, p.dim() - 1))
    inter = (p * t).sum(axes)
    pred, true = p.sum(axes), t.sum(axes)
    coeff = (inter + kw["smooth"]) / (inter + kw["alpha"] * (pred - inter)
                                      + kw["beta"] * (true - inter) + kw["smooth"])
    per_class = 1 - coeff
    if class_weights is not None:
        per_class = per_class * class_weights
    if kw["ignore_background"] and p.shape[-1] > 1:
        per_class = per_class[..., 1:]
    if kw["class_reduction"] == "mean":
        return per_class.mean(-1)
    if kw["class_reduction"] == "sum":
        return per_class.sum(-1)
    return per_class


def optax_dice_loss(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "none",
                    weight: torch.Tensor | None = None, smooth: float = 1.0,
                    alpha: float = 0.5, beta: float = 0.5, apply_softmax: bool = True,
                    ignore_background: bool = False,
                    class_reduction: str = "mean") -> torch.Tensor:
    r"""optax ``dice_loss(predictions, targets, smooth=1, alpha=0.5, beta=0.5,
    apply_softmax=True, reduction='mean', ignore_background=False)``, per sample:

    .. math::
        1 - \frac{I_c + s}{I_c + \alpha(P_c - I_c) + \beta(T_c - I_c) + s}

    per class ``c`` over the spatial axes (all but the first and the last), then averaged
    over the classes (optax's ``reduction``, here ``class_reduction``). Classes are on the
    last axis; logits go through a softmax (a sigmoid for one channel).

    Example:
        >>> import torch
        >>> optax_dice_loss(torch.tensor([[[9.0], [-9.0]]]), torch.tensor([[[1.0], [0.0]]]),
        ...                 smooth=0.0)
        tensor([0.0001])
    """
    owner = "optax_dice_loss"
    kw = check_params(owner, _DICE_PARAMS, {
        "smooth": smooth, "alpha": alpha, "beta": beta, "apply_softmax": apply_softmax,
        "ignore_background": ignore_background, "class_reduction": class_reduction})
    check_reduction(owner, reduction)
    return _finish(owner, _dice_values(owner, input, target, kw), reduction, weight, input)


def optax_binary_dice_loss(input: torch.Tensor, target: torch.Tensor, *,
                           reduction: str = "none", weight: torch.Tensor | None = None,
                           smooth: float = 1.0, apply_sigmoid: bool = True) -> torch.Tensor:
    r"""optax ``binary_dice_loss(predictions, targets, smooth=1, apply_sigmoid=True)``:
    :func:`optax_dice_loss` with one channel (added when the last axis is not 1).

    Example:
        >>> import torch
        >>> optax_binary_dice_loss(torch.tensor([[9.0, -9.0]]), torch.tensor([[1.0, 0.0]]),
        ...                        smooth=0.0)
        tensor([0.0001])
    """
    owner = "optax_binary_dice_loss"
    kw = check_params(owner, (_DICE_PARAMS[0], Param("apply_sigmoid", True, bool,
                                                     doc="input holds logits")),
                      {"smooth": smooth, "apply_sigmoid": apply_sigmoid})
    check_reduction(owner, reduction)
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target, floating=False)
    if x.dim() == t.dim() and (x.dim() == 0 or x.shape[-1] != 1):
        x, t = x.unsqueeze(-1), t.unsqueeze(-1)
    full = {"smooth": kw["smooth"], "alpha": 0.5, "beta": 0.5,
            "apply_softmax": kw["apply_sigmoid"], "ignore_background": False,
            "class_reduction": "mean"}
    return _finish(owner, _dice_values(owner, x, t, full), reduction, weight, input)


# ---------------------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------------------

_OPTAX_REF = "DeepMind et al. (2020). Optax: composable gradient transformations; optax.losses."
_OPTAX_PROS = _bi(("Numerically matches optax, for porting JAX code",
                   "Unreduced by default, as optax"),
                  ("数值上与 optax 一致, 便于移植 JAX 代码", "默认不归约, 与 optax 一致"))
_OPTAX_CONS = _bi(("optax's conventions (argument order, axis) differ from the core entries",),
                  ("采用 optax 的约定 (参数顺序, axis), 与核心条目不同",))

_ENTRIES: list[tuple] = [
    # name, fn, gradient, params, family, task, input_kind, target_kind, pairs_with,
    # convex, formula
    ("sigmoid_binary_cross_entropy", optax_sigmoid_binary_cross_entropy, _sbce_grad, (),
     "binary_classification", "logits", "binary", "sigmoid", True,
     r"-y\log\sigma(z) - (1 - y)\log(1 - \sigma(z))"),
    ("softmax_cross_entropy", optax_softmax_cross_entropy, _sce_grad, (_AXIS,),
     "multiclass_classification", "logits", "one_hot", "softmax", True,
     r"-\sum_j y_j\log\operatorname{softmax}(z)_j"),
    ("safe_softmax_cross_entropy", optax_safe_softmax_cross_entropy, None, (),
     "multiclass_classification", "logits", "one_hot", "softmax", True,
     r"-\sum_{j: y_j \ne 0} y_j\log\operatorname{softmax}(z)_j"),
    ("softmax_cross_entropy_with_integer_labels",
     optax_softmax_cross_entropy_with_integer_labels, _sce_int_grad, (_AXIS,),
     "multiclass_classification", "logits", "class_indices", "softmax", True,
     r"\log\sum_j e^{z_j} - z_y"),
    ("poly_loss_cross_entropy", optax_poly_loss_cross_entropy, None, _POLY_PARAMS,
     "multiclass_classification", "logits", "one_hot", "softmax", False,
     r"\mathrm{CE} + \epsilon\sum_j y_j(1 - p_j)"),
    ("sigmoid_focal_loss", optax_sigmoid_focal_loss, None, _FOCAL_PARAMS,
     "binary_classification", "logits", "binary", "sigmoid", False,
     r"(1 - p_t)^{\gamma}\,\mathrm{BCE}"),
    ("hinge_loss", optax_hinge_loss, _hinge_loss_grad, (), "binary_classification",
     "scores", "signed_binary", None, True, r"\max(0, 1 - x y)"),
    ("multiclass_hinge_loss", optax_multiclass_hinge_loss, _optax_mch_grad, (),
     "multiclass_classification", "scores", "class_indices", None, True,
     r"\max_j(s_j + 1 - [j = y]) - s_y"),
    ("kl_divergence", optax_kl_divergence, _kl_grad, (_AXIS,), "distribution_matching",
     "log_distribution", "distribution", "log_softmax", True,
     r"\sum_j y_j(\log y_j - x_j)"),
    ("kl_divergence_with_log_targets", optax_kl_divergence_with_log_targets, _kl_log_grad,
     (_AXIS,), "distribution_matching", "log_distribution", "log_distribution", "log_softmax",
     True, r"\sum_j e^{t_j}(t_j - x_j)"),
    ("convex_kl_divergence", optax_convex_kl_divergence, _ckl_grad, (_AXIS,),
     "distribution_matching", "log_distribution", "distribution", "log_softmax", True,
     r"\sum_j y_j(\log y_j - x_j) + e^{x_j} - y_j"),
    ("l2_loss", optax_l2_loss, _l2_grad, (), "regression", "real", "real", "identity", True,
     r"\tfrac12 (p - t)^2"),
    ("squared_error", optax_squared_error, _se_grad, (), "regression", "real", "real",
     "identity", True, r"(p - t)^2"),
    ("huber_loss", optax_huber_loss, _huber_grad, _HUBER_PARAMS, "regression", "real",
     "real", "identity", True, r"\mathrm{huber}_\delta(p - t)"),
    ("log_cosh", optax_log_cosh, _log_cosh_grad, (), "regression", "real", "real",
     "identity", True, r"\log\cosh(p - t)"),
    ("cosine_similarity", optax_cosine_similarity, None, _COS_PARAMS, "representation",
     "embeddings", "real", None, False, r"\cos(p, t)"),
    ("cosine_distance", optax_cosine_distance, None, _COS_PARAMS, "representation",
     "embeddings", "real", None, False, r"1 - \cos(p, t)"),
    ("dice_loss", optax_dice_loss, None, _DICE_PARAMS, "segmentation", "logits", "masks",
     None, False, r"1 - \frac{I + s}{I + \alpha FP + \beta FN + s}"),
    ("binary_dice_loss", optax_binary_dice_loss, None,
     (_DICE_PARAMS[0], Param("apply_sigmoid", True, bool, doc="input holds logits")),
     "segmentation", "logits", "masks", "sigmoid", False,
     r"1 - \frac{2I + s}{P + T + s}"),
    ("triplet_margin_loss", optax_triplet_margin_loss, None, _TRIPLET_PARAMS,
     "metric_learning", "embeddings", "none", None, False,
     r"\max(0, d(a, p) - d(a, n) + m)"),
]

for (_name, _fn, _grad, _params, _task, _ik, _tk, _pairs, _convex,
     _formula) in _ENTRIES:
    register(LossSpec(
        name=f"optax_{_name}", fn=_fn, gradient=_grad, params=_params, family="optax",
        summary=f"optax `{_name}` with optax semantics (unreduced by default).",
        summary_zh=f"optax 的 `{_name}`, 保持 optax 语义 (默认不归约)。",
        formula=_formula, tasks=(_task,), input_kind=_ik, target_kind=_tk,
        pairs_with=_pairs, convex=_convex, robust_to_outliers=_name in ("huber_loss",
                                                                        "log_cosh"),
        handles_imbalance=_name in ("sigmoid_focal_loss", "dice_loss", "binary_dice_loss"),
        pros=_OPTAX_PROS, cons=_OPTAX_CONS,
        other_defaults={"optax": f"optax.losses.{_name}"},
        reference=_OPTAX_REF, year=2020,
    ))

register(LossSpec(
    name="multiclass_hinge", fn=multiclass_hinge, gradient=_multiclass_hinge_grad,
    family="multiclass", aliases=("crammer_singer", "crammer_singer_hinge"),
    summary="Crammer-Singer multi-class hinge: the margin of the true class over the best "
            "wrong class (optax's multiclass_hinge_loss).",
    summary_zh="Crammer-Singer 多类合页损失: 正确类相对最佳错误类的间隔 (optax 的 "
               "multiclass_hinge_loss)。",
    formula=r"\max_j(s_j + 1 - [j = y]) - s_y", tasks=("multiclass_classification",),
    input_kind="scores", target_kind="class_indices", convex=True,
    pros=_bi(("One margin per sample: only the most violating class is pushed",
              "Convex in the scores; closed-form subgradient"),
             ("每个样本只有一个间隔: 只推开最违规的类别", "对得分是凸的; 有闭式次梯度")),
    cons=_bi(("Not a probability model: no calibrated scores",
              "Subgradient only where two classes tie for the maximum"),
             ("不是概率模型: 得分未校准", "两类并列最大时只有次梯度")),
    other_defaults={"optax": "optax.losses.multiclass_hinge_loss(scores, labels)",
                    "torch": "multi_margin_loss is Weston-Watkins, not this"},
    reference="Crammer & Singer (2001). On the Algorithmic Implementation of Multiclass "
              "Kernel-based Vector Machines. JMLR.", year=2001,
))
