"""Losses: multi-class overlap (optax's generalized Dice) and the MCC loss.

- ``multiclass_generalized_dice``: ``input`` logits (or probabilities) ``(N, C, *)``,
  ``target`` one-hot ``(N, C, *)`` or class indices ``(N, *)``. Channels come first, as
  in PyTorch; optax's ``multiclass_generalized_dice_loss`` takes channels last (pass
  ``x.movedim(-1, 1)``).
- ``mcc``: ``input`` probabilities (or logits) ``(N, *)``, ``target`` binary masks of the
  same shape; one value per sample.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from actloss._i18n import bilingual as _bi
from actloss._numeric import up as _up
from actloss._reduction import check_reduction, reduce
from actloss._validation import NONNEGATIVE, POSITIVE, Param, check_params, check_tensor
from actloss.errors import InputError
from actloss.losses._checks import check_all_finite, check_range
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = ["mcc", "multiclass_generalized_dice"]

_FREQ_EPS = 1e-7  # optax's guard in 1 / (f_c^2 + eps)


def _finish(owner: str, loss: torch.Tensor, like: torch.Tensor, reduction: str,
            weight: torch.Tensor | None) -> torch.Tensor:
    return reduce(loss, reduction, weight=weight, owner=owner, mean_by="count").to(like.dtype)


def _weighted_rows(g: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    if weight is None:
        return g
    w = torch.broadcast_to(weight.to(g.dtype), g.shape[:1])
    return g * w.reshape((-1,) + (1,) * (g.dim() - 1))


# ---------------------------------------------------------------------------- generalized Dice
GDICE_PARAMS = (
    Param("smooth", 1.0, float, NONNEGATIVE, doc="added to numerator and denominator"),
    Param("from_logits", True, bool, doc="input holds logits: softmax over C first (optax's "
                                         "apply_softmax)"),
    Param("ignore_background", False, bool, doc="leave class 0 out of the mean"),
)


def _gdice_args(input: object, target: object, from_logits: bool
                ) -> tuple[torch.Tensor, torch.Tensor]:
    owner = "multiclass_generalized_dice"
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target, floating=False)
    if x.dim() < 2:
        raise InputError(f"`input` of {owner} must have shape (N, C, *); got shape "
                         f"{tuple(x.shape)}")
    check_all_finite(owner, "input", x)
    c = x.shape[1]
    if not t.is_floating_point():
        if t.shape != x.shape[:1] + x.shape[2:]:
            raise InputError(f"`target` of {owner} must be one-hot {tuple(x.shape)} or class "
                             f"indices {tuple(x.shape[:1] + x.shape[2:])}; got shape "
                             f"{tuple(t.shape)}")
        if t.numel() and bool(((t < 0) | (t >= c)).any()):
            raise InputError(f"`target` of {owner} must hold class indices in [0, {c})")
        t = F.one_hot(t, c).movedim(-1, 1)
    elif t.shape != x.shape:
        raise InputError(f"`target` of {owner} must be one-hot {tuple(x.shape)} or class "
                         f"indices {tuple(x.shape[:1] + x.shape[2:])}; got shape "
                         f"{tuple(t.shape)}")
    xu = _up(x).flatten(2)
    if not from_logits:
        check_range(owner, "input", x, 0.0, 1.0, what="probabilities")
    p = torch.softmax(xu, dim=1) if from_logits else xu
    return p, _up(t).to(p.dtype).flatten(2)


def _class_weights(t: torch.Tensor) -> torch.Tensor:
    # optax: w_c = 1 / (f_c^2 + 1e-7), f_c the class's target mass over the whole batch,
    # normalised to sum to C
    freq = t.sum((0, 2))
    w = 1.0 / (freq**2 + _FREQ_EPS)
    return w / w.sum() * w.shape[0]


def multiclass_generalized_dice(input: torch.Tensor, target: torch.Tensor, *,
                                reduction: str = "mean", weight: torch.Tensor | None = None,
                                smooth: float = 1.0, from_logits: bool = True,
                                ignore_background: bool = False) -> torch.Tensor:
    r"""Generalized Dice loss with inverse squared class frequencies, as optax's
    ``multiclass_generalized_dice_loss``.

    .. math::
        \ell_n = \frac{1}{|K|}\sum_{c \in K} w_c\Big(1 - \frac{2 I_{nc} + s}
        {P_{nc} + T_{nc} + s}\Big),\quad
        w_c = C\,\frac{1/(f_c^2 + 10^{-7})}{\sum_k 1/(f_k^2 + 10^{-7})}

    with :math:`I, P, T` the sums of ``p t``, ``p`` and ``t`` over the spatial positions,
    :math:`f_c` the target mass of class ``c`` over the whole batch (so the weights are
    held by the batch, as optax's), and :math:`K` every class (class 0 left out with
    ``ignore_background``). The batch mean of :math:`\ell_n` is optax's value.
    Derivative: :math:`\partial\ell_n/\partial p_{nci} = -\frac{w_c}{|K|}
    \frac{2 t_{nci} D - (2 I_{nc} + s)}{D^2}`, :math:`D = P + T + s`, then through the
    softmax.

    Args:
        input: logits ``(N, C, *)`` (probabilities with ``from_logits=False``).
        target: one-hot ``(N, C, *)`` or int class indices ``(N, *)``.
        smooth: ``s`` in ``[0, inf)``, default 1.0 (optax's). from_logits: default ``True``.
        ignore_background: default ``False``.

    Shape:
        output ``(N,)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> p = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])  # N=1, C=2, 2 pixels, exact
        >>> multiclass_generalized_dice(p, torch.tensor([[0, 1]]), from_logits=False)
        tensor(0.)

    References:
        Sudre et al. (2017), Generalised Dice overlap as a deep learning loss function for
        highly unbalanced segmentations; optax ``multiclass_generalized_dice_loss``.
    """
    owner = "multiclass_generalized_dice"
    kw = check_params(owner, GDICE_PARAMS, {"smooth": smooth, "from_logits": from_logits,
                                            "ignore_background": ignore_background})
    check_reduction(owner, reduction)
    p, t = _gdice_args(input, target, kw["from_logits"])
    s = kw["smooth"]
    w = _class_weights(t)
    dice = (2 * (p * t).sum(2) + s) / (p.sum(2) + t.sum(2) + s)  # (N, C)
    per = w * (1 - dice)
    if kw["ignore_background"] and per.shape[1] > 1:
        per = per[:, 1:]
    return _finish(owner, per.mean(1), input, reduction, weight)


def _gdice_grad(input: torch.Tensor, target: torch.Tensor, *,
                weight: torch.Tensor | None = None, smooth: float = 1.0,
                from_logits: bool = True, ignore_background: bool = False) -> torch.Tensor:
    p, t = _gdice_args(input, target, from_logits)
    s, c = smooth, p.shape[1]
    w = _class_weights(t)
    keep = torch.ones(c, dtype=p.dtype, device=p.device)
    if ignore_background and c > 1:
        keep[0] = 0.0
    inter = (p * t).sum(2, keepdim=True)
    den = p.sum(2, keepdim=True) + t.sum(2, keepdim=True) + s
    coef = (w * keep / keep.sum())[None, :, None]
    g = -coef * (2 * t * den - (2 * inter + s)) / den**2
    if from_logits:  # softmax over C: g_z = p (g - sum_c p g)
        g = p * (g - (p * g).sum(1, keepdim=True))
    return _weighted_rows(g.reshape(input.shape), weight).to(input.dtype)


# ---------------------------------------------------------------------------- MCC
MCC_PARAMS = (
    Param("eps", 1e-5, float, POSITIVE, doc="added to each confusion count (smp's 1e-5)"),
    Param("from_logits", False, bool, doc="input holds logits: p = sigmoid(input)"),
)


def _mcc_args(input: object, target: object, from_logits: bool
              ) -> tuple[torch.Tensor, torch.Tensor]:
    owner = "mcc"
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target, floating=False)
    if x.dim() < 1 or t.shape != x.shape:
        raise InputError(f"`input` and `target` of {owner} must have the same shape (N, *); "
                         f"got {tuple(x.shape)} and {tuple(t.shape)}")
    check_all_finite(owner, "input", x)
    t = t.to(x.dtype)
    check_range(owner, "target", t, 0.0, 1.0, what="masks")
    if not from_logits:
        check_range(owner, "input", x, 0.0, 1.0, what="probabilities")
    flat = (x.shape[0], math.prod(x.shape[1:]))  # (N, -1), also for an empty batch
    xu = _up(x).reshape(flat)
    p = torch.sigmoid(xu) if from_logits else xu
    return p, _up(t).to(p.dtype).reshape(flat)


def _mcc_parts(p: torch.Tensor, t: torch.Tensor, eps: float) -> tuple[torch.Tensor, ...]:
    tp = (p * t).sum(1) + eps
    tn = ((1 - p) * (1 - t)).sum(1) + eps
    fp = (p * (1 - t)).sum(1) + eps
    fn = ((1 - p) * t).sum(1) + eps
    num = tp * tn - fp * fn
    den = torch.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return tp, tn, fp, fn, num, den


def mcc(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
        weight: torch.Tensor | None = None, eps: float = 1e-5,
        from_logits: bool = False) -> torch.Tensor:
    r"""Matthews correlation coefficient loss on soft masks, as segmentation_models_pytorch's
    ``MCCLoss``: :math:`1 - \mathrm{MCC}` per sample.

    .. math::
        \mathrm{MCC} = \frac{TP\,TN - FP\,FN}{\sqrt{(TP + FP)(TP + FN)(TN + FP)(TN + FN)}}

    with soft counts :math:`TP = \sum p t + \epsilon`, :math:`TN = \sum (1-p)(1-t) +
    \epsilon`, :math:`FP = \sum p (1-t) + \epsilon`, :math:`FN = \sum (1-p) t + \epsilon`.
    As ``TP + FN`` and ``TN + FP`` do not depend on ``p``, the derivative is
    :math:`\partial\mathrm{MCC}/\partial p_i = (\nu' d - \nu d')/d^2` with
    :math:`\nu' = t\,TN - (1-t)\,TP - (1-t)\,FN + t\,FP` and
    :math:`d' = \tfrac d2 (1/(TP + FP) - 1/(TN + FN))`.

    smp sums the confusion counts over the whole batch (one MCC); here each sample has its
    own, as the other overlap losses; ``mcc(x.reshape(1, -1), t.reshape(1, -1))`` is
    smp's value.

    Args:
        input: probabilities ``(N, *)`` (logits with ``from_logits=True``).
        target: binary masks, same shape.
        eps: in ``(0, inf)``, default ``1e-5``.

    Shape:
        output ``(N,)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> t = torch.tensor([[1.0, 0.0, 1.0, 0.0]])
        >>> mcc(t, t, eps=1e-12)  # perfect: MCC = 1
        tensor(0.)
        >>> mcc(1 - t, t, eps=1e-12)  # inverted: MCC = -1
        tensor(2.)

    References:
        Matthews (1975); Abhishek and Hamarneh (2021), Matthews correlation coefficient
        loss for deep convolutional networks, ISBI; segmentation_models_pytorch MCCLoss.
    """
    kw = check_params("mcc", MCC_PARAMS, {"eps": eps, "from_logits": from_logits})
    check_reduction("mcc", reduction)
    p, t = _mcc_args(input, target, kw["from_logits"])
    *_, num, den = _mcc_parts(p, t, kw["eps"])
    return _finish("mcc", 1 - num / den, input, reduction, weight)


def _mcc_grad(input: torch.Tensor, target: torch.Tensor, *, weight: torch.Tensor | None = None,
              eps: float = 1e-5, from_logits: bool = False) -> torch.Tensor:
    p, t = _mcc_args(input, target, from_logits)
    tp, tn, fp, fn, num, den = (v[:, None] for v in _mcc_parts(p, t, eps))
    d_num = t * tn - (1 - t) * tp - (1 - t) * fn + t * fp
    d_den = den / 2 * (1 / (tp + fp) - 1 / (tn + fn))
    g = -(d_num * den - num * d_den) / den**2
    if from_logits:
        g = g * p * (1 - p)
    return _weighted_rows(g.reshape(input.shape), weight).to(input.dtype)


register(LossSpec(
    name="multiclass_generalized_dice", fn=multiclass_generalized_dice, gradient=_gdice_grad,
    params=GDICE_PARAMS, aliases=("multiclass_generalized_dice_loss", "generalized_dice"),
    family="segmentation",
    summary="Generalized Dice: per-class Dice losses weighted by inverse squared class "
            "frequencies.",
    summary_zh="广义 Dice:按类别频率平方的倒数为各类 Dice 损失加权。",
    formula=r"\frac{1}{|K|}\sum_{c} w_c \Big(1 - \frac{2 I_c + s}{P_c + T_c + s}\Big),\ "
            r"w_c \propto 1/f_c^2",
    tasks=("segmentation", "imbalanced_classification"), input_kind="logits",
    target_kind="one_hot", pairs_with="softmax", handles_imbalance=True,
    pros=_bi(("Rare classes weigh as much as frequent ones.",),
             ("稀有类别与常见类别权重相当。",)),
    cons=_bi(("Weights depend on the batch: a class absent from it gets a weight near "
              "1e7 before normalisation.",),
             ("权重依赖于批次:批内缺失的类别在归一化前权重接近 1e7。",)),
    other_defaults={"optax": "multiclass_generalized_dice_loss(predictions, targets, smooth=1.0, "
                             "apply_softmax=True, ignore_background=False); channels last"},
    year=2017, reference="Sudre et al. (2017), Generalised Dice overlap, DLMIA; optax "
                         "multiclass_generalized_dice_loss",
))

register(LossSpec(
    name="mcc", fn=mcc, gradient=_mcc_grad, params=MCC_PARAMS,
    aliases=("mcc_loss", "matthews", "matthews_correlation"), family="segmentation",
    summary="1 - Matthews correlation of soft masks: uses all four confusion counts.",
    summary_zh="1 - 软掩码的 Matthews 相关系数:同时使用混淆矩阵的四个计数。",
    formula=r"1 - \frac{TP\,TN - FP\,FN}{\sqrt{(TP+FP)(TP+FN)(TN+FP)(TN+FN)}}",
    tasks=("segmentation", "binary_classification"), input_kind="probabilities",
    target_kind="masks", pairs_with="sigmoid", handles_imbalance=True,
    pros=_bi(("Counts true negatives too, unlike Dice and Jaccard.",),
             ("与 Dice、Jaccard 不同,也计入真负例。",)),
    cons=_bi(("Undefined for an all-background or all-foreground target without eps.",),
             ("目标全为背景或全为前景时,没有 eps 便无定义。",)),
    other_defaults={"smp": "MCCLoss(eps=1e-5): one MCC over the whole batch"},
    year=2021, reference="Abhishek and Hamarneh (2021), Matthews correlation coefficient "
                         "loss, ISBI; segmentation_models_pytorch MCCLoss",
))
