"""Binary and multi-label losses: cross-entropy, focal, hinge, asymmetric, soft margin.

Losses on logits are computed in log space with ``F.logsigmoid``; the identities relied
upon are ``log sigmoid(x) = -softplus(-x)`` and ``log(1 - sigmoid(x)) = log sigmoid(-x)``.
``weight`` rescales each element's loss; with ``'mean'`` the weighted sum is divided by
the number of elements (PyTorch's convention for ``binary_cross_entropy``).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from actloss import _fast
from actloss._i18n import Bilingual
from actloss._reduction import check_reduction, check_weight, reduce
from actloss._validation import NONNEGATIVE, POSITIVE, UNIT, Interval, Param, check_params
from actloss.errors import InputError
from actloss.losses._checks import check_pair, check_range, check_signed_binary
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = [
    "asymmetric",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_focal",
    "hinge",
    "multilabel_soft_margin",
    "squared_hinge",
]

_S0 = "000_5b08fef0015a8918.txt"
_S1 = "001_27ea7541dd684257.txt"
_S2 = "002_059dc22d1bcf7a62.txt"
_S4 = "004_34a1e65849ef58fd.txt"


def _finish(owner: str, loss: torch.Tensor, reduction: str,
            weight: torch.Tensor | None) -> torch.Tensor:
    return reduce(loss, reduction, weight=weight, owner=owner, mean_by="count")


def _weighted(g: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    return g if weight is None else g * weight


def _binary_pair(owner: str, input: torch.Tensor, target: torch.Tensor,
                 reduction: str) -> tuple[torch.Tensor, torch.Tensor]:
    check_reduction(owner, reduction)
    x, y = check_pair(owner, input, target, finite_target=False)
    check_range(owner, "target", y, 0.0, 1.0, what="probabilities", finite=True)
    return x, y


# ---------------------------------------------------------------------------- BCE
def binary_cross_entropy(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                         weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Binary cross-entropy on probabilities (PyTorch's ``binary_cross_entropy``).

    :math:`\ell = -\big(y\log p + (1 - y)\log(1 - p)\big)`, each log clamped at -100 as
    in PyTorch; :math:`\partial\ell/\partial p = (p - y)/(p(1 - p))` (denominator
    floored at 1e-12). Prefer :func:`binary_cross_entropy_with_logits`, which never
    forms the probability.

    Args:
        input: probabilities in ``[0, 1]``. target: probabilities in ``[0, 1]`` (ints and
            bools are cast). reduction: ``'none' | 'mean' | 'sum'``. weight: element
            weights broadcasting to ``input``.

    References:
        Shannon (1948); Good (1952), log score.

    Example:
        >>> import torch
        >>> from actloss.losses import binary_cross_entropy
        >>> binary_cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([0.0, 1.0]))
        tensor(0.6931)
    """
    x, y = _binary_pair("binary_cross_entropy", input, target, reduction)
    check_range("binary_cross_entropy", "input", x, 0.0, 1.0, what="probabilities")
    # -(y log p + (1 - y) log(1 - p)) with each log clamped at -100 (PyTorch's op)
    try:
        loss = F.binary_cross_entropy(x, y, reduction="none")
    except RuntimeError as exc:  # PyTorch's own range check (NaN) with value checks off
        raise InputError(f"`input` of binary_cross_entropy must hold probabilities in "
                         f"[0, 1] ({exc})") from None
    return _finish("binary_cross_entropy", loss, reduction, weight)


def _bce_grad(input: torch.Tensor, target: torch.Tensor, *,
              weight: torch.Tensor | None = None) -> torch.Tensor:
    return _weighted((input - target) / (input * (1 - input)).clamp_min(1e-12), weight)


# ---------------------------------------------------------------------------- BCE logits
BCE_LOGITS_PARAMS = (
    Param("pos_weight", None, float, POSITIVE, optional=True,
          doc="weight of the positive term; a float or a tensor broadcasting to the input"),
    Param("label_smoothing", 0.0, float, Interval(0.0, 1.0, True, False),
          doc="targets become y (1 - s) + s / 2"),
)


def _pos_weight(owner: str, pos_weight: object, x: torch.Tensor) -> torch.Tensor | float | None:
    if isinstance(pos_weight, torch.Tensor):
        if not pos_weight.is_floating_point():
            raise InputError(f"`pos_weight` of {owner} must be a floating-point tensor; "
                             f"got dtype {pos_weight.dtype}")
        try:
            torch.broadcast_shapes(pos_weight.shape, x.shape)
        except RuntimeError as exc:
            raise InputError(
                f"`pos_weight` of {owner} of shape {tuple(pos_weight.shape)} does not "
                f"broadcast to the input of shape {tuple(x.shape)}"
            ) from exc
        check_range(owner, "pos_weight", pos_weight, 0.0, math.inf)
        return pos_weight.to(x.dtype)
    return check_params(owner, BCE_LOGITS_PARAMS[:1], {"pos_weight": pos_weight})["pos_weight"]


def binary_cross_entropy_with_logits(
    input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
    weight: torch.Tensor | None = None, pos_weight: float | torch.Tensor | None = None,
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    r"""Binary cross-entropy on logits, with positive weighting and label smoothing.

    .. math::
        \ell = -\big(w_+\,y\log\sigma(x) + (1 - y)\log\sigma(-x)\big),\qquad
        \partial\ell/\partial x = \sigma(x)\,(w_+ y + 1 - y) - w_+ y,

    with :math:`\log\sigma(x) = -\operatorname{softplus}(-x)`, exact for logits of any
    size. ``label_smoothing`` ``s`` replaces ``y`` by ``y(1 - s) + s/2`` (Keras's
    convention). Equals PyTorch's ``binary_cross_entropy_with_logits`` when ``s = 0``.

    Args:
        input: logits. target: probabilities in ``[0, 1]`` of the same shape.
        reduction, weight: as for :func:`binary_cross_entropy`.
        pos_weight: ``None``, a positive float, or a tensor broadcasting to the input
            (one weight per class, on the last dimension). label_smoothing: in ``[0, 1)``.

    References:
        Shannon (1948); Good (1952), log score.

    Example:
        >>> import torch
        >>> from actloss.losses import binary_cross_entropy_with_logits as bce
        >>> bce(torch.tensor([0.0, 1e4, -1e4]), torch.tensor([1.0, 1.0, 1.0]), reduction="none")
        tensor([6.9315e-01, 0.0000e+00, 1.0000e+04])
    """
    owner = "binary_cross_entropy_with_logits"
    (s,) = check_params(owner, BCE_LOGITS_PARAMS[1:], {"label_smoothing": label_smoothing}
                        ).values()
    x, y = _binary_pair(owner, input, target, reduction)
    pw = _pos_weight(owner, pos_weight, x)
    y = _smooth(y, s)
    if _fast.route is not None and not isinstance(pw, torch.Tensor):
        fast = _fast.call("bce_with_logits", x, y, reduction=reduction, weight=weight,
                          pos_weight=pw)
        if fast is not None:
            return fast
    if pw is not None and not isinstance(pw, torch.Tensor):
        pw = torch.tensor(pw, dtype=x.dtype, device=x.device)
    # -(w+ y log sigma(x) + (1 - y) log sigma(-x)), log sigma(x) = -softplus(-x): PyTorch's
    # fused op, exact for logits of any size
    loss = F.binary_cross_entropy_with_logits(x, y, pos_weight=pw, reduction="none")
    return _finish(owner, loss, reduction, weight)


def _smooth(y: torch.Tensor, s: float) -> torch.Tensor:
    return y if s == 0.0 else y * (1.0 - s) + 0.5 * s


def _bce_logits_grad(input: torch.Tensor, target: torch.Tensor, *,
                     pos_weight: float | torch.Tensor | None = None, label_smoothing: float = 0.0,
                     weight: torch.Tensor | None = None) -> torch.Tensor:
    y = _smooth(target, label_smoothing)
    pw = 1.0 if pos_weight is None else pos_weight
    return _weighted(torch.sigmoid(input) * (pw * y + 1 - y) - pw * y, weight)


# ---------------------------------------------------------------------------- focal
FOCAL_PARAMS = (
    Param("alpha", 0.25, float, UNIT, optional=True,
          doc="weight of the positive class (1 - alpha for negatives); None disables"),
    Param("gamma", 2.0, float, NONNEGATIVE, doc="focusing exponent; 0 gives BCE"),
)


def _log_one_minus_pt(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # 1 - p_t = y sigma(-x) + (1 - y) sigma(x), in logs: logaddexp of the two terms. The
    # label weights are floored at the smallest normal number instead of log 0 = -inf,
    # which keeps first and second derivatives finite (an absolute change below 1e-38)
    tiny = torch.finfo(x.dtype).tiny
    a = torch.log(y.clamp_min(tiny)) + F.logsigmoid(-x)
    b = torch.log((1 - y).clamp_min(tiny)) + F.logsigmoid(x)
    # log(e^a + e^b) = hi + softplus(lo - hi): torch.logaddexp's second derivative is NaN
    # once e^(a - b) overflows (|a - b| > 709 in float64, 88 in float32); softplus of a
    # non-positive argument has finite derivatives of every order
    return torch.where(a >= b, a + F.softplus(b - a), b + F.softplus(a - b))


def binary_focal(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                 weight: torch.Tensor | None = None, alpha: float | None = 0.25,
                 gamma: float = 2.0) -> torch.Tensor:
    r"""Binary (sigmoid) focal loss on logits (torchvision's ``sigmoid_focal_loss``).

    .. math::
        \ell = \alpha_t\,(1 - p_t)^\gamma\,\mathrm{BCE}(x, y),\quad
        1 - p_t = y\,\sigma(-x) + (1 - y)\,\sigma(x),\quad
        \alpha_t = \alpha y + (1 - \alpha)(1 - y).

    The modulating factor is :math:`\exp(\gamma\log(1 - p_t))` with the log formed from
    ``logsigmoid`` terms, so logits of any size stay finite. Derivative:
    :math:`\alpha_t\big[\gamma(1-p_t)^{\gamma-1}\sigma(x)\sigma(-x)(1 - 2y)\,\mathrm{BCE}
    + (1-p_t)^\gamma(\sigma(x) - y)\big]`. ``gamma = 0`` and ``alpha = None`` give BCE.

    Args:
        input: logits. target: probabilities in ``[0, 1]`` of the same shape.
        reduction, weight: as for :func:`binary_cross_entropy`.
        alpha: in ``[0, 1]`` or ``None`` (default 0.25). gamma: in ``[0, inf)`` (default 2).

    Performance:
        The reference path runs by default: the same result at every size and on
        every run, twice differentiable. With the opt-in fast paths enabled (see
        the *Fast paths* page of the documentation) a fast implementation may run
        instead, within its stated error bound.

    References:
        Lin et al. (2017), Focal Loss for Dense Object Detection.

    Example:
        >>> import torch
        >>> from actloss.losses import binary_focal
        >>> binary_focal(torch.tensor([0.0]), torch.tensor([1.0]), alpha=None, gamma=1.0)
        tensor(0.3466)
    """
    p = check_params("binary_focal", FOCAL_PARAMS, {"alpha": alpha, "gamma": gamma})
    x, y = _binary_pair("binary_focal", input, target, reduction)
    if _fast.route is not None:
        fast = _fast.call("binary_focal", x, y, alpha=p["alpha"], gamma=p["gamma"],
                          reduction=reduction, weight=weight)
        if fast is not None:
            return fast
    bce = -(y * F.logsigmoid(x) + (1 - y) * F.logsigmoid(-x))
    loss = bce if p["gamma"] == 0.0 else torch.exp(p["gamma"] * _log_one_minus_pt(x, y)) * bce
    if p["alpha"] is not None:
        loss = (p["alpha"] * y + (1 - p["alpha"]) * (1 - y)) * loss
    return _finish("binary_focal", loss, reduction, weight)


def _binary_focal_grad(input: torch.Tensor, target: torch.Tensor, *,
                       alpha: float | None = 0.25, gamma: float = 2.0,
                       weight: torch.Tensor | None = None) -> torch.Tensor:
    x, y = input, target
    bce = -(y * F.logsigmoid(x) + (1 - y) * F.logsigmoid(-x))
    l1m = _log_one_minus_pt(x, y)
    g = torch.exp(gamma * l1m) * (torch.sigmoid(x) - y)
    if gamma != 0.0:
        # gamma (1-p_t)^{gamma-1} sigma(x) sigma(-x), all in logs
        dm = gamma * torch.exp((gamma - 1) * l1m + F.logsigmoid(x) + F.logsigmoid(-x))
        g = g + dm * (1 - 2 * y) * bce
    if alpha is not None:
        g = (alpha * y + (1 - alpha) * (1 - y)) * g
    return _weighted(g, weight)


# ---------------------------------------------------------------------------- hinge
def _signed_pair(owner: str, input: torch.Tensor, target: torch.Tensor,
                 reduction: str) -> tuple[torch.Tensor, torch.Tensor]:
    check_reduction(owner, reduction)
    x, y = check_pair(owner, input, target)
    check_signed_binary(owner, y)
    return x, y


def hinge(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
          weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Hinge loss of a margin classifier (SVM): :math:`\ell = \max(0, 1 - y\,x)`.

    :math:`\partial\ell/\partial x = -y` where :math:`y x < 1`, else 0. Targets must be
    in ``{-1, 1}``; ``{0, 1}`` labels are refused with the conversion ``2 * target - 1``
    in the message (a silent conversion would misread a batch of all-ones labels).

    Args:
        input: real scores. target: labels in ``{-1, 1}`` of the same shape.
        reduction, weight: as for :func:`binary_cross_entropy`.

    References:
        Cortes & Vapnik (1995), Support-Vector Networks.

    Example:
        >>> import torch
        >>> from actloss.losses import hinge
        >>> hinge(torch.tensor([2.0, 0.5, -1.0]), torch.tensor([1.0, 1.0, 1.0]),
        ...       reduction="none")
        tensor([0.0000, 0.5000, 2.0000])
    """
    x, y = _signed_pair("hinge", input, target, reduction)
    return _finish("hinge", torch.relu(1 - y * x), reduction, weight)


def _hinge_grad(input: torch.Tensor, target: torch.Tensor, *,
                weight: torch.Tensor | None = None) -> torch.Tensor:
    return _weighted(torch.where(target * input < 1, -target, torch.zeros_like(input)), weight)


def squared_hinge(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                  weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Squared hinge loss: :math:`\ell = \max(0, 1 - y\,x)^2`.

    :math:`\partial\ell/\partial x = -2y\max(0, 1 - yx)`. Smooth; targets in ``{-1, 1}``
    as for :func:`hinge`.

    References:
        Cortes & Vapnik (1995); L2-SVM.

    Example:
        >>> import torch
        >>> from actloss.losses import squared_hinge
        >>> squared_hinge(torch.tensor([0.5, -1.0]), torch.tensor([1.0, 1.0]), reduction="sum")
        tensor(4.2500)
    """
    x, y = _signed_pair("squared_hinge", input, target, reduction)
    return _finish("squared_hinge", torch.relu(1 - y * x).square(), reduction, weight)


def _squared_hinge_grad(input: torch.Tensor, target: torch.Tensor, *,
                        weight: torch.Tensor | None = None) -> torch.Tensor:
    return _weighted(-2 * target * torch.relu(1 - target * input), weight)


# ---------------------------------------------------------------------------- ASL
ASL_PARAMS = (
    Param("gamma_pos", 0.0, float, NONNEGATIVE, doc="focusing exponent of positives"),
    Param("gamma_neg", 4.0, float, NONNEGATIVE, doc="focusing exponent of negatives"),
    Param("clip", 0.05, float, Interval(0.0, 1.0, True, False),
          doc="probability margin m: negatives use max(p - m, 0)"),
)


def asymmetric(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
               weight: torch.Tensor | None = None, gamma_pos: float = 0.0,
               gamma_neg: float = 4.0, clip: float = 0.05) -> torch.Tensor:
    r"""Asymmetric loss (ASL) for multi-label classification, on logits.

    .. math::
        \ell = -y\,(1 - p)^{\gamma_+}\log p - (1 - y)\,p_m^{\gamma_-}\log(1 - p_m),\quad
        p = \sigma(x),\ p_m = \max(p - m, 0).

    Easy negatives are down-weighted (``gamma_neg``) and the very easy ones
    (:math:`p < m`) discarded. :math:`\log p = \log\sigma(x)`,
    :math:`(1-p)^{\gamma_+} = e^{\gamma_+\log\sigma(-x)}` and
    :math:`1 - p_m = \min(\sigma(-x) + m, 1)`. With all three parameters 0 it is BCE.

    Args:
        input: logits. target: multi-hot labels in ``[0, 1]`` of the same shape.
        reduction, weight: as for :func:`binary_cross_entropy`.
        gamma_pos: default 0. gamma_neg: default 4. clip: ``m`` in ``[0, 1)``, default 0.05.

    References:
        Ridnik et al. (2021), Asymmetric Loss for Multi-Label Classification.

    Example:
        >>> import torch
        >>> from actloss.losses import asymmetric
        >>> asymmetric(torch.tensor([-3.0, 0.0]), torch.tensor([0.0, 0.0]), reduction="none")
        tensor([0.0000, 0.0245])
    """
    p = check_params("asymmetric", ASL_PARAMS,
                     {"gamma_pos": gamma_pos, "gamma_neg": gamma_neg, "clip": clip})
    x, y = _binary_pair("asymmetric", input, target, reduction)
    g_pos, g_neg, m = p["gamma_pos"], p["gamma_neg"], p["clip"]
    # positives: (1 - p)^g log p with log p = logsigmoid(x), log(1 - p) = logsigmoid(-x)
    pos = F.logsigmoid(x)
    if g_pos != 0.0:
        pos = torch.exp(g_pos * F.logsigmoid(-x)) * pos
    # negatives: p_m^g log(1 - p_m), 1 - p_m = min(sigma(-x) + m, 1)
    if m == 0.0:
        neg = F.logsigmoid(-x)
        if g_neg != 0.0:
            neg = torch.exp(g_neg * F.logsigmoid(x)) * neg
    else:
        p_m = (torch.sigmoid(x) - m).clamp_min(0.0)
        neg = torch.log((torch.sigmoid(-x) + m).clamp_max(1.0))
        if g_neg != 0.0:
            neg = p_m.pow(g_neg) * neg
    loss = -(y * pos) - (1 - y) * neg
    return _finish("asymmetric", loss, reduction, weight)


def _asymmetric_grad(input: torch.Tensor, target: torch.Tensor, *, gamma_pos: float = 0.0,
                     gamma_neg: float = 4.0, clip: float = 0.05,
                     weight: torch.Tensor | None = None) -> torch.Tensor:
    x, y = input, target
    ls_p, ls_n = F.logsigmoid(x), F.logsigmoid(-x)
    p, q = torch.exp(ls_p), torch.exp(ls_n)  # sigma(x), 1 - sigma(x)
    # d/dx [-(1-p)^g log p] = (1-p)^g (g p log p - (1 - p))
    g_pos = torch.exp(gamma_pos * ls_n) * (gamma_pos * p * ls_p - q)
    # d/dx [-p_m^g log(1-p_m)] = p q [p_m^g / (1 - p_m) - g p_m^{g-1} log(1 - p_m)], p > m
    if clip == 0.0:
        # with p_m = p: p_m^g q / (1 - p_m) = p^g p ... written in logs
        g_neg = torch.exp(gamma_neg * ls_p) * p
        if gamma_neg != 0.0:
            g_neg = g_neg - gamma_neg * torch.exp(gamma_neg * ls_p) * q * ls_n
    else:
        p_m = (p - clip).clamp_min(0.0)
        one_m = (q + clip).clamp_max(1.0)
        active = p > clip
        safe = torch.where(active, p_m, torch.ones_like(p_m))
        inner = safe.pow(gamma_neg) / one_m
        if gamma_neg != 0.0:
            inner = inner - gamma_neg * safe.pow(gamma_neg - 1) * torch.log(one_m)
        g_neg = torch.where(active, p * q * inner, torch.zeros_like(p))
    return _weighted(y * g_pos + (1 - y) * g_neg, weight)


# ---------------------------------------------------------------------------- soft margin
def multilabel_soft_margin(input: torch.Tensor, target: torch.Tensor, *,
                           reduction: str = "mean",
                           weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Multi-label soft margin loss (PyTorch's ``multilabel_soft_margin_loss``).

    :math:`\ell_n = -\frac1C\sum_c w_c\big(y_c\log\sigma(x_c) + (1 - y_c)\log\sigma(-x_c)
    \big)`, one value per sample; :math:`\partial\ell_n/\partial x_c =
    w_c(\sigma(x_c) - y_c)/C`. The mean of BCE-with-logits over the classes.

    Args:
        input: logits of shape ``(N, C)``. target: multi-hot labels of the same shape.
        reduction: over samples. weight: class weights of shape ``(C,)``.

    Shape:
        ``(N, C)``; ``reduction='none'`` gives ``(N,)``.

    References:
        PyTorch MultiLabelSoftMarginLoss.

    Example:
        >>> import torch
        >>> from actloss.losses import multilabel_soft_margin
        >>> multilabel_soft_margin(torch.zeros(1, 3), torch.tensor([[1.0, 0.0, 1.0]]))
        tensor(0.6931)
    """
    owner = "multilabel_soft_margin"
    check_reduction(owner, reduction)
    if isinstance(target, torch.Tensor) and isinstance(input, torch.Tensor) and (
            not target.is_floating_point() and target.dim() == input.dim() - 1):
        raise InputError(
            f"`target` of {owner} must be multi-hot labels of shape {tuple(input.shape)}; got "
            f"class indices of shape {tuple(target.shape)}: pass "
            f"torch.nn.functional.one_hot(target, {input.shape[-1]}).float()"
        )
    x, y = _binary_pair(owner, input, target, "none")
    if x.dim() == 0:
        raise InputError(f"`input` of {owner} must have a class dimension; got a scalar")
    # -(y log sigma(x) + (1-y) log sigma(-x)) per element, mean over classes
    per = -(y * F.logsigmoid(x) + (1 - y) * F.logsigmoid(-x))
    if weight is not None:
        per = per * check_weight(owner, weight, per)
    return reduce(per.mean(dim=-1), reduction, owner=owner)


def _msm_grad(input: torch.Tensor, target: torch.Tensor, *,
              weight: torch.Tensor | None = None) -> torch.Tensor:
    g = (torch.sigmoid(input) - target) / input.shape[-1]
    return _weighted(g, weight)


# ---------------------------------------------------------------------------- registry
_B = "binary"
_T = "torch.nn.functional."

register(LossSpec(
    name="binary_cross_entropy", fn=binary_cross_entropy, gradient=_bce_grad,
    aliases=("bce",), family=_B,
    summary="Cross-entropy of a Bernoulli prediction given as a probability.",
    summary_zh="以概率给出的伯努利预测的交叉熵。",
    formula=r"\ell = -\left(y\log p + (1-y)\log(1-p)\right)",
    tasks=("binary_classification", "multi_label_classification"), input_kind="probabilities",
    target_kind="binary", pairs_with="sigmoid", convex=True, proper_scoring_rule=True,
    keras_name="BinaryCrossentropy", torch_equivalent=_T + "binary_cross_entropy",
    pros=Bilingual(("Proper scoring rule: calibrated probabilities.",
                    "Strong gradient for confident mistakes."),
                   ("严格适当评分规则:概率得到校准。", "对自信的错误给出强梯度。")),
    cons=Bilingual(("On probabilities it loses precision near 0 and 1; use the logits form.",),
                   ("在概率上计算时接近 0 和 1 会损失精度;请用 logits 形式。",)),
    other_defaults={"keras": "from_logits=False"},
    year=1948, reference="Shannon (1948); Good (1952), log score",
    in_sources=(_S0, _S1, _S4),
))

register(LossSpec(
    name="binary_cross_entropy_with_logits", fn=binary_cross_entropy_with_logits,
    gradient=_bce_logits_grad, params=BCE_LOGITS_PARAMS,
    aliases=("bce_with_logits", "bce_logits", "sigmoid_cross_entropy"), family=_B,
    summary="Binary cross-entropy computed from logits in log space.",
    summary_zh="在对数空间中由 logits 计算的二元交叉熵。",
    formula=r"\ell = -\left(w_+ y\log\sigma(x) + (1-y)\log\sigma(-x)\right)",
    tasks=("binary_classification", "multi_label_classification"), input_kind="logits",
    target_kind="binary", pairs_with="sigmoid", handles_imbalance=True, convex=True,
    proper_scoring_rule=True, keras_name="BinaryCrossentropy",
    torch_equivalent=_T + "binary_cross_entropy_with_logits",
    pros=Bilingual(("Exact for logits of any size.", "pos_weight rebalances rare positives."),
                   ("任意大小的 logits 都精确。", "pos_weight 可为稀少的正类重新加权。")),
    cons=Bilingual(("Dominated by easy examples under heavy imbalance (see focal).",),
                   ("严重不平衡时被简单样本主导(见 focal)。",)),
    other_defaults={"keras": "from_logits=True; label_smoothing=0"},
    year=1948, reference="Shannon (1948); Good (1952), log score", in_sources=(_S0, _S1),
))

register(LossSpec(
    name="binary_focal", fn=binary_focal, gradient=_binary_focal_grad, params=FOCAL_PARAMS,
    aliases=("sigmoid_focal", "focal"), family=_B,
    summary="BCE scaled by (1 - p_t)^gamma: focuses training on hard examples.",
    summary_zh="以 (1 - p_t)^gamma 缩放的 BCE:让训练聚焦于难样本。",
    formula=r"\ell = -\alpha_t (1-p_t)^\gamma \log p_t",
    tasks=("binary_classification", "imbalanced_classification", "detection"),
    input_kind="logits", target_kind="binary", pairs_with="sigmoid", handles_imbalance=True,
    keras_name="BinaryFocalCrossentropy", torch_equivalent="torchvision.ops.sigmoid_focal_loss",
    pros=Bilingual(("Down-weights the flood of easy negatives.", "gamma=0 recovers BCE."),
                   ("降低大量简单负样本的权重。", "gamma=0 时即为 BCE。")),
    cons=Bilingual(("Not a proper scoring rule: probabilities are under-confident.",
                    "Two more hyper-parameters."),
                   ("不是严格适当评分规则:概率偏保守。", "多了两个超参数。")),
    other_defaults={"keras": "alpha=0.25, gamma=2.0, apply_class_balancing=False"},
    year=2017, reference="Lin et al. (2017), Focal Loss for Dense Object Detection",
    in_sources=(_S0,),
))

register(LossSpec(
    name="hinge", fn=hinge, gradient=_hinge_grad, family=_B,
    summary="Margin loss of support vector machines; targets in {-1, 1}.",
    summary_zh="支持向量机的间隔损失;目标取 {-1, 1}。",
    formula=r"\ell = \max(0, 1 - y x)", tasks=("binary_classification",),
    input_kind="real", target_kind="signed_binary", pairs_with="identity", convex=True,
    keras_name="Hinge",
    pros=Bilingual(("Zero loss beyond the margin: sparse, margin-maximising.",),
                   ("超过间隔后损失为零:稀疏且最大化间隔。",)),
    cons=Bilingual(("No probabilities.", "Not differentiable at the margin."),
                   ("不输出概率。", "在间隔处不可导。")),
    other_defaults={"keras": "converts {0, 1} labels to {-1, 1}"},
    year=1995, reference="Cortes & Vapnik (1995), Support-Vector Networks", in_sources=(_S0,),
))

register(LossSpec(
    name="squared_hinge", fn=squared_hinge, gradient=_squared_hinge_grad, family=_B,
    summary="Squared margin loss; smooth, targets in {-1, 1}.",
    summary_zh="平方间隔损失;光滑,目标取 {-1, 1}。",
    formula=r"\ell = \max(0, 1 - y x)^2", tasks=("binary_classification",), input_kind="real",
    target_kind="signed_binary", pairs_with="identity", convex=True, keras_name="SquaredHinge",
    pros=Bilingual(("Differentiable everywhere.",), ("处处可导。",)),
    cons=Bilingual(("More sensitive to outliers than hinge.",), ("比 hinge 对离群点更敏感。",)),
    other_defaults={"keras": "converts {0, 1} labels to {-1, 1}"},
    year=1995, reference="Cortes & Vapnik (1995); L2-SVM",
))

register(LossSpec(
    name="asymmetric", fn=asymmetric, gradient=_asymmetric_grad, params=ASL_PARAMS,
    aliases=("asl", "asymmetric_loss"), family=_B,
    summary="Multi-label loss focusing negatives harder and discarding very easy ones.",
    summary_zh="多标签损失:更强地聚焦负样本并丢弃极简单的负样本。",
    formula=r"\ell = -y(1-p)^{\gamma_+}\log p - (1-y)p_m^{\gamma_-}\log(1-p_m)",
    tasks=("multi_label_classification", "imbalanced_classification"), input_kind="logits",
    target_kind="multi_hot", pairs_with="sigmoid", handles_imbalance=True,
    pros=Bilingual(("Handles the positive-negative imbalance of multi-label data.",
                    "The margin also rejects mislabelled negatives."),
                   ("处理多标签数据中正负样本的不平衡。", "概率间隔还能剔除错标的负样本。")),
    cons=Bilingual(("Three hyper-parameters.", "Not convex."), ("三个超参数。", "非凸。")),
    year=2021, reference="Ridnik et al. (2021), Asymmetric Loss for Multi-Label Classification",
))

register(LossSpec(
    name="multilabel_soft_margin", fn=multilabel_soft_margin, gradient=_msm_grad,
    aliases=("multilabel_soft_margin_loss",), family=_B,
    summary="Per-sample mean over classes of binary cross-entropy on logits.",
    summary_zh="每个样本在各类别上二元交叉熵(logits)的平均。",
    formula=r"\ell_n = -\tfrac1C\sum_c y_c\log\sigma(x_c) + (1-y_c)\log\sigma(-x_c)",
    tasks=("multi_label_classification",), input_kind="logits", target_kind="multi_hot",
    pairs_with="sigmoid", convex=True, proper_scoring_rule=True,
    torch_equivalent=_T + "multilabel_soft_margin_loss",
    pros=Bilingual(("Independent sigmoid per label.",), ("每个标签独立的 sigmoid。",)),
    cons=Bilingual(("Ignores label correlations; weak under imbalance.",),
                   ("忽略标签间相关性;不平衡时效果弱。",)),
    reference="PyTorch MultiLabelSoftMarginLoss", in_sources=(_S0,),
))
