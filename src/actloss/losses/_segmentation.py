"""Losses: segmentation overlap (Dice, Jaccard, Tversky) and bounding-box regression (IoU family).

Overlap losses compare a predicted mask with a target mask per sample: ``input`` and
``target`` have shape ``(N, *)`` and the sums run over every dimension but the first, so
the unreduced loss has shape ``(N,)``. Predictions are probabilities in ``[0, 1]``, or
logits with ``from_logits=True`` (then ``p = sigmoid(input)`` element-wise). With masks of
shape ``(N, C, H, W)`` the classes are pooled into one ratio per sample; for one ratio per
sample and class, pass ``average='macro'`` (the mean of the per-class losses, weighted by
``class_weight``); ``ignore_index`` leaves one class out (a background channel, as optax's
``ignore_background`` and MONAI's ``include_background=False``).

Box losses take boxes as ``(x1, y1, x2, y2)`` corners in the last dimension, shape
``(*, 4)``; the unreduced loss has shape ``(*)``. Their formulas follow torchvision's
``generalized_box_iou_loss``, ``distance_box_iou_loss`` and ``complete_box_iou_loss``
(same ``eps`` placement), which the tests restate independently.
"""

from __future__ import annotations

import math

import torch

from actloss import _fast
from actloss._i18n import bilingual as _bi
from actloss._numeric import up as _up
from actloss._reduction import check_reduction, reduce
from actloss._validation import (
    NONNEGATIVE,
    POSITIVE,
    Interval,
    Param,
    check_params,
    check_same_shape,
    check_tensor,
)
from actloss.errors import InputError, ParameterError
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = [
    "ciou_loss",
    "dice",
    "diou_loss",
    "focal_tversky",
    "giou_loss",
    "iou_loss",
    "jaccard",
    "tversky",
]





def _weigh(g: torch.Tensor, weight: torch.Tensor | None, loss_shape: tuple[int, ...]
           ) -> torch.Tensor:
    """``g`` times ``weight`` broadcast to the unreduced loss, whose shape prefixes ``g``'s."""
    if weight is None:
        return g
    w = torch.broadcast_to(weight.to(g.dtype), loss_shape)
    return g * w.reshape(tuple(loss_shape) + (1,) * (g.dim() - len(loss_shape)))


# ---------------------------------------------------------------------------------------
# overlap losses on masks
# ---------------------------------------------------------------------------------------

_SMOOTH = Param("smooth", 1.0, float, NONNEGATIVE,
                doc="added to numerator and denominator; keeps empty masks finite")
_FROM_LOGITS = Param("from_logits", False, bool,
                     doc="input holds logits; p = sigmoid(input) element-wise")
_ALPHA = Param("alpha", 0.3, float, NONNEGATIVE, doc="weight of false positives")
_BETA = Param("beta", 0.7, float, NONNEGATIVE, doc="weight of false negatives")
_GAMMA = Param("gamma", 0.75, float, POSITIVE, doc="exponent applied to 1 - TI")

# Per-class options, for masks (N, C, *) whose dimension 1 holds the classes.
CLASS_PARAMS = (
    Param("average", "micro", str, choices=("micro", "macro"),
          doc="micro: one ratio over every class of a sample; macro: one ratio per class, "
              "then their (weighted) mean"),
    Param("ignore_index", None, int, Interval(0, math.inf, low_closed=True), optional=True,
          doc="class (index along dimension 1) left out of the loss"),
    Param("class_weight", None, float, NONNEGATIVE, optional=True,
          doc="per-class weights (C,) multiplying each class's loss (macro only)"),
)
DICE_PARAMS = (_SMOOTH, _FROM_LOGITS, *CLASS_PARAMS)
JACCARD_PARAMS = (_SMOOTH, _FROM_LOGITS, *CLASS_PARAMS)
TVERSKY_PARAMS = (_ALPHA, _BETA, _SMOOTH, _FROM_LOGITS, *CLASS_PARAMS)
FOCAL_TVERSKY_PARAMS = (_ALPHA, _BETA, _GAMMA, _SMOOTH, _FROM_LOGITS, *CLASS_PARAMS)


def _class_options(owner: str, input: object, average: str, ignore_index: int | None,
                   class_weight: object) -> tuple[dict, torch.Tensor, torch.Tensor] | None:
    """None for the plain (micro, every class) loss; else the checked options, the kept
    classes and their weights."""
    opts = check_params(owner, CLASS_PARAMS, {"average": average, "ignore_index": ignore_index,
                                              "class_weight": class_weight})
    if opts["average"] == "micro" and opts["ignore_index"] is None and \
            opts["class_weight"] is None:
        return None
    x = check_tensor(owner, "input", input)
    if x.dim() < 2:
        raise InputError(f"`input` of {owner} must have shape (N, C, *) for average='macro', "
                         f"ignore_index or class_weight; got shape {tuple(x.shape)}")
    c = x.shape[1]
    if opts["class_weight"] is not None and opts["average"] != "macro":
        raise ParameterError(f"`class_weight` of {owner} needs average='macro' (one ratio per "
                             f"class); got average={opts['average']!r}")
    keep = torch.ones(c, dtype=torch.bool, device=x.device)
    if opts["ignore_index"] is not None:
        if opts["ignore_index"] >= c:
            raise InputError(f"`ignore_index` of {owner} must be a class index in [0, {c}); "
                             f"got {opts['ignore_index']}")
        keep[opts["ignore_index"]] = False
    w = torch.ones(c, dtype=_up(x).dtype, device=x.device)
    if opts["class_weight"] is not None:
        cw = torch.as_tensor(opts["class_weight"], device=x.device)
        if cw.shape != (c,):
            raise InputError(f"`class_weight` of {owner} must have shape (C,) = ({c},); got "
                             f"shape {tuple(cw.shape)}")
        w = cw.to(w.dtype)
    return opts, keep, w


def _rows(input: torch.Tensor, target: torch.Tensor, keep: torch.Tensor, macro: bool
          ) -> tuple[torch.Tensor, torch.Tensor]:
    """The kept classes as rows: (N K, M) for macro, (N, K M) for micro."""
    n, c = input.shape[:2]
    if target.shape != input.shape:
        raise InputError(f"`input` and `target` must have the same shape; got "
                         f"{tuple(input.shape)} and {tuple(target.shape)}")
    x = input.reshape(n, c, -1)[:, keep]
    t = target.reshape(n, c, -1)[:, keep]
    if macro:
        return x.reshape(-1, x.shape[-1]), t.reshape(-1, t.shape[-1])
    return x.reshape(n, -1), t.reshape(n, -1)


def _by_class(owner: str, fn, input: torch.Tensor, target: torch.Tensor, reduction: str,
              weight: torch.Tensor | None, options: tuple, core: dict) -> torch.Tensor:
    """The loss on the kept classes: pooled (micro) or per class and averaged (macro,
    optax's convention: each class's loss times its weight, then the plain mean)."""
    opts, keep, w = options
    check_reduction(owner, reduction)
    macro = opts["average"] == "macro"
    x, t = _rows(input, target, keep, macro)
    if not macro:
        return fn(x, t, reduction=reduction, weight=weight, **core)
    per = fn(x, t, reduction="none", **core).to(w.dtype).reshape(input.shape[0], -1)
    loss = (per * w[keep]).mean(1)
    return _finish(owner, loss, input, reduction, weight)


def _by_class_gradient(grad, input: torch.Tensor, target: torch.Tensor,
                       weight: torch.Tensor | None, options: tuple, core: dict
                       ) -> torch.Tensor:
    opts, keep, w = options
    macro = opts["average"] == "macro"
    x, t = _rows(input, target, keep, macro)
    n, c = input.shape[:2]
    g_rows = grad(x, t, **core).to(w.dtype).reshape(n, int(keep.sum()), -1)
    if macro:
        g_rows = g_rows * (w[keep] / keep.sum())[None, :, None]
    g = g_rows.new_zeros((n, c, g_rows.shape[-1]))
    g[:, keep] = g_rows
    return _weigh(g.reshape(input.shape), weight, input.shape[:1]).to(input.dtype)


def _outside(v: torch.Tensor, low: float, high: float) -> bool:
    lo, hi = torch.aminmax(v.detach())
    return bool(lo < low) or bool(hi > high)


def check_masks(owner: str, input: object, target: object, from_logits: bool
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """``input`` and ``target`` of an overlap loss, checked: same shape, at least 2-D
    (one sample per row), target in [0, 1], input in [0, 1] unless ``from_logits``.

    Shared by dice, jaccard, tversky and focal Tversky; each range test is one
    ``aminmax`` pass.
    """
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target)
    check_same_shape(owner, x, t)
    if x.dim() < 2:
        raise InputError(f"`input` of {owner} must have shape (N, *) with at least 2 "
                         f"dimensions (one sample per row); got shape {tuple(x.shape)}")
    if t.numel() and _outside(t, 0.0, 1.0):
        raise InputError(f"`target` of {owner} must hold mask values in [0, 1]")
    if not from_logits and x.numel() and _outside(x, 0.0, 1.0):
        raise InputError(f"`input` of {owner} must hold probabilities in [0, 1] "
                         "(pass from_logits=True for logits)")
    return x, t


def _masks(owner: str, input: object, target: object, from_logits: bool
           ) -> tuple[torch.Tensor, torch.Tensor]:
    """Checked probabilities ``p`` and target ``t``, flattened to ``(N, M)``."""
    x, t = check_masks(owner, input, target, from_logits)
    xu = _up(x).flatten(1)
    p = torch.sigmoid(xu) if from_logits else xu
    return p, _up(t).flatten(1).to(p.dtype)


def _finish(owner: str, per_sample: torch.Tensor, like: torch.Tensor, reduction: str,
            weight: torch.Tensor | None) -> torch.Tensor:
    check_reduction(owner, reduction)
    out = reduce(per_sample, reduction, weight=weight, owner=owner, mean_by="count")
    return out.to(like.dtype)


def _finish_boxes(owner: str, per_box: torch.Tensor, like: torch.Tensor, reduction: str,
                  weight: torch.Tensor | None) -> torch.Tensor:
    """As :func:`_finish`; the mean over zero boxes is 0, as torchvision's box losses define
    it (``loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()``), not NaN."""
    if reduction == "mean" and per_box.numel() == 0:
        check_reduction(owner, reduction)
        return (0.0 * per_box.sum()).to(like.dtype)
    return _finish(owner, per_box, like, reduction, weight)


def _chain_logits(grad_p: torch.Tensor, p: torch.Tensor, from_logits: bool,
                  like: torch.Tensor) -> torch.Tensor:
    # d sigmoid(z)/dz = p (1 - p)
    g = grad_p * p * (1 - p) if from_logits else grad_p
    return g.reshape(like.shape).to(like.dtype)


def dice(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
         weight: torch.Tensor | None = None, smooth: float = 1.0,
         from_logits: bool = False,
        average: str = "micro", ignore_index: int | None = None,
        class_weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Soft Dice loss per sample.

    .. math::
        \ell_n = 1 - \frac{2\sum_i p_i t_i + s}{\sum_i p_i + \sum_i t_i + s}

    Derivative: :math:`\partial\ell/\partial p_j = -\frac{2 t_j (S + s) - (2I + s)}{(S + s)^2}`
    with :math:`I = \sum p t`, :math:`S = \sum p + \sum t`.

    Properties: bounded in ``[0, 1]``; insensitive to the share of background pixels;
    not convex.

    Args:
        input: probabilities in ``[0, 1]`` (logits with ``from_logits=True``).
        target: masks in ``[0, 1]``, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the batch.
        weight: per-sample weights, shape ``(N,)``.
        smooth: ``s`` in ``[0, inf)``, default ``1.0``.
        from_logits: apply a sigmoid to ``input`` first, default ``False``.
        average: ``'micro'`` (default: every class of a sample pooled into one ratio) or
            ``'macro'`` (masks ``(N, C, *)``: one ratio per class, then the mean of the
            class losses, each times its ``class_weight``, as optax's ``dice_loss``).
        ignore_index: a class (index along dimension 1) left out; default ``None``.
        class_weight: per-class weights ``(C,)``, ``'macro'`` only; default ``None``.

    Shape:
        ``input``, ``target``: ``(N, *)``; output ``(N,)`` with ``reduction='none'``.

    Performance:
        The reference path runs by default: the same result at every size and on
        every run, twice differentiable. With the opt-in fast paths enabled (see
        the *Fast paths* page of the documentation) a fast implementation may run
        instead, within its stated error bound.

    Example:
        >>> import torch
        >>> p = torch.tensor([[1.0, 1.0, 0.0, 0.0]])
        >>> t = torch.tensor([[1.0, 0.0, 0.0, 0.0]])
        >>> dice(p, t, smooth=0.0)  # 1 - 2*1/(2+1)
        tensor(0.3333)

    References:
        Milletari, Navab, Ahmadi (2016). V-Net. 3DV.
    """
    options = _class_options("dice", input, average, ignore_index, class_weight)
    if options is not None:
        return _by_class("dice", dice, input, target, reduction, weight, options,
                         {"smooth": smooth, "from_logits": from_logits})
    kw = check_params("dice", DICE_PARAMS, {"smooth": smooth, "from_logits": from_logits})
    p, t = _masks("dice", input, target, kw["from_logits"])
    s = kw["smooth"]
    if _fast.route is not None and not kw["from_logits"]:
        check_reduction("dice", reduction)
        fast = _fast.call("dice", p, t, smooth=s, reduction=reduction, weight=weight)
        if fast is not None:
            return fast.to(input.dtype)
    inter = (p * t).sum(1)
    total = p.sum(1) + t.sum(1)
    loss = 1 - (2 * inter + s) / (total + s)
    return _finish("dice", loss, input, reduction, weight)


def dice_gradient(input: torch.Tensor, target: torch.Tensor, *,
                  weight: torch.Tensor | None = None, smooth: float = 1.0,
                  from_logits: bool = False,
        average: str = "micro", ignore_index: int | None = None,
        class_weight: torch.Tensor | None = None) -> torch.Tensor:
    """d(sum of per-sample Dice losses)/d(input), in closed form."""
    options = _class_options("dice", input, average, ignore_index, class_weight)
    if options is not None:
        return _by_class_gradient(dice_gradient, input, target, weight, options,
                                  {"smooth": smooth, "from_logits": from_logits})
    kw = check_params("dice", DICE_PARAMS, {"smooth": smooth, "from_logits": from_logits})
    p, t = _masks("dice", input, target, kw["from_logits"])
    s = kw["smooth"]
    inter = (p * t).sum(1, keepdim=True)
    den = p.sum(1, keepdim=True) + t.sum(1, keepdim=True) + s
    g = -(2 * t * den - (2 * inter + s)) / den**2
    return _weigh(_chain_logits(g, p, kw["from_logits"], input), weight, input.shape[:1])


def jaccard(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
            weight: torch.Tensor | None = None, smooth: float = 1.0,
            from_logits: bool = False,
        average: str = "micro", ignore_index: int | None = None,
        class_weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Soft Jaccard (IoU) loss per sample.

    .. math::
        \ell_n = 1 - \frac{I + s}{U + s},\quad I = \sum_i p_i t_i,\quad
        U = \sum_i p_i + \sum_i t_i - I

    Derivative: :math:`\partial\ell/\partial p_j = -\frac{t_j (U + s) - (I + s)(1 - t_j)}
    {(U + s)^2}`.

    Properties: bounded in ``[0, 1]``; equals ``d / (2 - d)`` of the Dice loss ``d`` when
    ``smooth = 0``.

    Args:
        input: probabilities in ``[0, 1]`` (logits with ``from_logits=True``).
        target: masks in ``[0, 1]``, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the batch.
        weight: per-sample weights, shape ``(N,)``.
        smooth: ``s`` in ``[0, inf)``, default ``1.0``.
        from_logits: apply a sigmoid to ``input`` first, default ``False``.
        average: ``'micro'`` (default: every class of a sample pooled into one ratio) or
            ``'macro'`` (masks ``(N, C, *)``: one ratio per class, then the mean of the
            class losses, each times its ``class_weight``, as optax's ``dice_loss``).
        ignore_index: a class (index along dimension 1) left out; default ``None``.
        class_weight: per-class weights ``(C,)``, ``'macro'`` only; default ``None``.

    Shape:
        ``input``, ``target``: ``(N, *)``; output ``(N,)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> p = torch.tensor([[1.0, 1.0, 0.0, 0.0]])
        >>> t = torch.tensor([[1.0, 0.0, 0.0, 0.0]])
        >>> jaccard(p, t, smooth=0.0)  # 1 - 1/2
        tensor(0.5000)

    References:
        Rahman, Wang (2016). Optimizing intersection-over-union in deep neural networks
        for image segmentation. ISVC.
    """
    options = _class_options("jaccard", input, average, ignore_index, class_weight)
    if options is not None:
        return _by_class("jaccard", jaccard, input, target, reduction, weight, options,
                         {"smooth": smooth, "from_logits": from_logits})
    kw = check_params("jaccard", JACCARD_PARAMS, {"smooth": smooth, "from_logits": from_logits})
    p, t = _masks("jaccard", input, target, kw["from_logits"])
    s = kw["smooth"]
    inter = (p * t).sum(1)
    union = p.sum(1) + t.sum(1) - inter
    loss = 1 - (inter + s) / (union + s)
    return _finish("jaccard", loss, input, reduction, weight)


def jaccard_gradient(input: torch.Tensor, target: torch.Tensor, *,
                     weight: torch.Tensor | None = None, smooth: float = 1.0,
                     from_logits: bool = False,
        average: str = "micro", ignore_index: int | None = None,
        class_weight: torch.Tensor | None = None) -> torch.Tensor:
    """d(sum of per-sample Jaccard losses)/d(input), in closed form."""
    options = _class_options("jaccard", input, average, ignore_index, class_weight)
    if options is not None:
        return _by_class_gradient(jaccard_gradient, input, target, weight, options,
                                  {"smooth": smooth, "from_logits": from_logits})
    kw = check_params("jaccard", JACCARD_PARAMS, {"smooth": smooth, "from_logits": from_logits})
    p, t = _masks("jaccard", input, target, kw["from_logits"])
    s = kw["smooth"]
    inter = (p * t).sum(1, keepdim=True)
    union = p.sum(1, keepdim=True) + t.sum(1, keepdim=True) - inter
    g = -(t * (union + s) - (inter + s) * (1 - t)) / (union + s) ** 2
    return _weigh(_chain_logits(g, p, kw["from_logits"], input), weight, input.shape[:1])


def _tversky_parts(p: torch.Tensor, t: torch.Tensor, alpha: float, beta: float, s: float
                   ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Tversky index, its numerator and denominator, per sample (keepdim)."""
    tp = (p * t).sum(1, keepdim=True)
    fp = (p * (1 - t)).sum(1, keepdim=True)
    fn = ((1 - p) * t).sum(1, keepdim=True)
    num = tp + s
    den = tp + alpha * fp + beta * fn + s
    return num / den, num, den


def _tversky_index_grad(p: torch.Tensor, t: torch.Tensor, alpha: float, beta: float,
                        s: float) -> tuple[torch.Tensor, torch.Tensor]:
    ti, num, den = _tversky_parts(p, t, alpha, beta, s)
    # dTP/dp = t, dFP/dp = 1 - t, dFN/dp = -t
    d_den = t + alpha * (1 - t) - beta * t
    return ti, (t * den - num * d_den) / den**2


def tversky(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
            weight: torch.Tensor | None = None, alpha: float = 0.3, beta: float = 0.7,
            smooth: float = 1.0, from_logits: bool = False,
        average: str = "micro", ignore_index: int | None = None,
        class_weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Tversky loss per sample: Dice with separate weights on false positives and negatives.

    .. math::
        \ell_n = 1 - \frac{TP + s}{TP + \alpha FP + \beta FN + s},\quad
        TP = \sum p t,\ FP = \sum p (1 - t),\ FN = \sum (1 - p) t

    With ``alpha = beta = 0.5`` it is the Dice loss; with ``alpha = beta = 1`` the
    Jaccard loss. ``beta > alpha`` penalises missed foreground more (small lesions).

    Args:
        input: probabilities in ``[0, 1]`` (logits with ``from_logits=True``).
        target: masks in ``[0, 1]``, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the batch.
        weight: per-sample weights, shape ``(N,)``.
        alpha: weight of false positives in ``[0, inf)``, default ``0.3``.
        beta: weight of false negatives in ``[0, inf)``, default ``0.7``.
        smooth: ``s`` in ``[0, inf)``, default ``1.0``.
        from_logits: apply a sigmoid to ``input`` first, default ``False``.
        average: ``'micro'`` (default: every class of a sample pooled into one ratio) or
            ``'macro'`` (masks ``(N, C, *)``: one ratio per class, then the mean of the
            class losses, each times its ``class_weight``, as optax's ``dice_loss``).
        ignore_index: a class (index along dimension 1) left out; default ``None``.
        class_weight: per-class weights ``(C,)``, ``'macro'`` only; default ``None``.

    Shape:
        ``input``, ``target``: ``(N, *)``; output ``(N,)`` with ``reduction='none'``.

    Performance:
        The reference path runs by default: the same result at every size and on
        every run, twice differentiable. With the opt-in fast paths enabled (see
        the *Fast paths* page of the documentation) a fast implementation may run
        instead, within its stated error bound.

    Example:
        >>> import torch
        >>> p = torch.tensor([[1.0, 1.0, 0.0, 0.0]])
        >>> t = torch.tensor([[1.0, 0.0, 0.0, 0.0]])
        >>> tversky(p, t, alpha=0.5, beta=0.5, smooth=0.0)  # = Dice
        tensor(0.3333)

    References:
        Salehi, Erdogmus, Gholipour (2017). Tversky loss function for image segmentation
        using 3D fully convolutional deep networks. MLMI.
    """
    options = _class_options("tversky", input, average, ignore_index, class_weight)
    if options is not None:
        return _by_class("tversky", tversky, input, target, reduction, weight, options,
                         {"alpha": alpha, "beta": beta, "smooth": smooth,
                          "from_logits": from_logits})
    kw = check_params("tversky", TVERSKY_PARAMS, {"alpha": alpha, "beta": beta,
                                                   "smooth": smooth, "from_logits": from_logits})
    p, t = _masks("tversky", input, target, kw["from_logits"])
    if _fast.route is not None and not kw["from_logits"]:
        check_reduction("tversky", reduction)
        fast = _fast.call("tversky", p, t, alpha=kw["alpha"], beta=kw["beta"],
                          smooth=kw["smooth"], reduction=reduction, weight=weight)
        if fast is not None:
            return fast.to(input.dtype)
    ti, _, _ = _tversky_parts(p, t, kw["alpha"], kw["beta"], kw["smooth"])
    return _finish("tversky", 1 - ti.squeeze(1), input, reduction, weight)


def tversky_gradient(input: torch.Tensor, target: torch.Tensor, *,
                     weight: torch.Tensor | None = None, alpha: float = 0.3,
                     beta: float = 0.7, smooth: float = 1.0,
                     from_logits: bool = False,
        average: str = "micro", ignore_index: int | None = None,
        class_weight: torch.Tensor | None = None) -> torch.Tensor:
    """d(sum of per-sample Tversky losses)/d(input), in closed form."""
    options = _class_options("tversky", input, average, ignore_index, class_weight)
    if options is not None:
        return _by_class_gradient(tversky_gradient, input, target, weight, options,
                                  {"alpha": alpha, "beta": beta, "smooth": smooth,
                                   "from_logits": from_logits})
    kw = check_params("tversky", TVERSKY_PARAMS, {"alpha": alpha, "beta": beta,
                                                   "smooth": smooth, "from_logits": from_logits})
    p, t = _masks("tversky", input, target, kw["from_logits"])
    _, d_ti = _tversky_index_grad(p, t, kw["alpha"], kw["beta"], kw["smooth"])
    return _weigh(_chain_logits(-d_ti, p, kw["from_logits"], input), weight, input.shape[:1])


def focal_tversky(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                  weight: torch.Tensor | None = None, alpha: float = 0.3, beta: float = 0.7,
                  gamma: float = 0.75, smooth: float = 1.0,
                  from_logits: bool = False,
        average: str = "micro", ignore_index: int | None = None,
        class_weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Focal Tversky loss per sample: :math:`\ell_n = (1 - TI_n)^{\gamma}`.

    ``TI`` is the Tversky index of :func:`tversky`. The paper writes the exponent as
    ``1/gamma`` with ``gamma = 4/3``; here ``gamma`` is the exponent itself, default
    ``0.75 = 1/(4/3)``. ``gamma < 1`` raises the loss (and the gradient) of samples that
    are already well segmented less than of poor ones. ``1 - TI`` is clamped at the
    machine epsilon of the dtype so that the gradient stays finite at a perfect match
    when ``gamma < 1``.

    Derivative: :math:`\partial\ell/\partial p = -\gamma (1 - TI)^{\gamma - 1}\,
    \partial TI/\partial p`.

    Args:
        input: probabilities in ``[0, 1]`` (logits with ``from_logits=True``).
        target: masks in ``[0, 1]``, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the batch.
        weight: per-sample weights, shape ``(N,)``.
        alpha: weight of false positives in ``[0, inf)``, default ``0.3``.
        beta: weight of false negatives in ``[0, inf)``, default ``0.7``.
        gamma: exponent in ``(0, inf)``, default ``0.75``; ``1`` gives :func:`tversky`.
        smooth: ``s`` in ``[0, inf)``, default ``1.0``.
        from_logits: apply a sigmoid to ``input`` first, default ``False``.
        average: ``'micro'`` (default: every class of a sample pooled into one ratio) or
            ``'macro'`` (masks ``(N, C, *)``: one ratio per class, then the mean of the
            class losses, each times its ``class_weight``, as optax's ``dice_loss``).
        ignore_index: a class (index along dimension 1) left out; default ``None``.
        class_weight: per-class weights ``(C,)``, ``'macro'`` only; default ``None``.

    Shape:
        ``input``, ``target``: ``(N, *)``; output ``(N,)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> p = torch.tensor([[1.0, 1.0, 0.0, 0.0]])
        >>> t = torch.tensor([[1.0, 0.0, 0.0, 0.0]])
        >>> focal_tversky(p, t, alpha=0.5, beta=0.5, gamma=2.0, smooth=0.0)  # (1/3)**2
        tensor(0.1111)

    References:
        Abraham, Khan (2019). A novel focal Tversky loss function with improved attention
        U-Net for lesion segmentation. ISBI.
    """
    options = _class_options("focal_tversky", input, average, ignore_index, class_weight)
    if options is not None:
        return _by_class("focal_tversky", focal_tversky, input, target, reduction, weight, options,
                         {"alpha": alpha, "beta": beta, "gamma": gamma, "smooth": smooth,
                          "from_logits": from_logits})
    kw = check_params("focal_tversky", FOCAL_TVERSKY_PARAMS,
                      {"alpha": alpha, "beta": beta, "gamma": gamma, "smooth": smooth,
                       "from_logits": from_logits})
    p, t = _masks("focal_tversky", input, target, kw["from_logits"])
    ti, _, _ = _tversky_parts(p, t, kw["alpha"], kw["beta"], kw["smooth"])
    gap = (1 - ti.squeeze(1)).clamp_min(torch.finfo(p.dtype).eps)
    return _finish("focal_tversky", gap ** kw["gamma"], input, reduction, weight)


def focal_tversky_gradient(input: torch.Tensor, target: torch.Tensor, *,
                           weight: torch.Tensor | None = None, alpha: float = 0.3,
                           beta: float = 0.7, gamma: float = 0.75, smooth: float = 1.0,
                           from_logits: bool = False,
        average: str = "micro", ignore_index: int | None = None,
        class_weight: torch.Tensor | None = None) -> torch.Tensor:
    """d(sum of per-sample focal Tversky losses)/d(input), in closed form."""
    options = _class_options("focal_tversky", input, average, ignore_index, class_weight)
    if options is not None:
        return _by_class_gradient(focal_tversky_gradient, input, target, weight, options,
                                  {"alpha": alpha, "beta": beta, "gamma": gamma,
                                   "smooth": smooth, "from_logits": from_logits})
    kw = check_params("focal_tversky", FOCAL_TVERSKY_PARAMS,
                      {"alpha": alpha, "beta": beta, "gamma": gamma, "smooth": smooth,
                       "from_logits": from_logits})
    p, t = _masks("focal_tversky", input, target, kw["from_logits"])
    ti, d_ti = _tversky_index_grad(p, t, kw["alpha"], kw["beta"], kw["smooth"])
    eps = torch.finfo(p.dtype).eps
    raw = 1 - ti
    gap = raw.clamp_min(eps)
    # the clamp is flat below eps: no gradient flows there
    g = torch.where(raw > eps, -kw["gamma"] * gap ** (kw["gamma"] - 1) * d_ti,
                    torch.zeros_like(d_ti))
    return _weigh(_chain_logits(g, p, kw["from_logits"], input), weight, input.shape[:1])


# ---------------------------------------------------------------------------------------
# bounding-box losses (xyxy)
# ---------------------------------------------------------------------------------------

_EPS = Param("eps", 1e-7, float, POSITIVE, doc="guards the divisions (torchvision's value)")
BOX_PARAMS = (_EPS,)


def _boxes(owner: str, input: object, target: object) -> tuple[torch.Tensor, torch.Tensor]:
    b = check_tensor(owner, "input", input)
    g = check_tensor(owner, "target", target)
    if b.shape != g.shape:
        raise InputError(
            f"`input` and `target` of {owner} must have the same shape; got "
            f"{tuple(b.shape)} and {tuple(g.shape)} (no silent broadcasting)"
        )
    if b.dim() == 0 or b.shape[-1] != 4:
        raise InputError(
            f"`input` of {owner} must hold (x1, y1, x2, y2) boxes in its last dimension, "
            f"shape (*, 4); got shape {tuple(b.shape)}"
        )
    if g.numel() and bool(((g[..., 2] < g[..., 0]) | (g[..., 3] < g[..., 1])).any()):
        raise InputError(f"`target` boxes of {owner} must satisfy x2 >= x1 and y2 >= y1")
    return _up(b), _up(g).to(_up(b).dtype)


def _iou_parts(b: torch.Tensor, g: torch.Tensor, eps: float
               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """IoU, union, and the enclosing box's corners (for GIoU and DIoU)."""
    x1, y1, x2, y2 = b.unbind(-1)
    x1g, y1g, x2g, y2g = g.unbind(-1)
    iw = (torch.minimum(x2, x2g) - torch.maximum(x1, x1g)).clamp_min(0)
    ih = (torch.minimum(y2, y2g) - torch.maximum(y1, y1g)).clamp_min(0)
    inter = iw * ih
    union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - inter
    iou = inter / (union + eps)
    cw = torch.maximum(x2, x2g) - torch.minimum(x1, x1g)
    ch = torch.maximum(y2, y2g) - torch.minimum(y1, y1g)
    return iou, union, cw, ch


def _box_params(owner: str, eps: float) -> float:
    return check_params(owner, BOX_PARAMS, {"eps": eps})["eps"]


def iou_loss(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
             weight: torch.Tensor | None = None, eps: float = 1e-7) -> torch.Tensor:
    r"""IoU loss of boxes: :math:`\ell = 1 - |B \cap G| / (|B \cup G| + \epsilon)`.

    Zero gradient when the boxes do not overlap (the reason for GIoU, DIoU, CIoU).

    Args:
        input: predicted boxes ``(x1, y1, x2, y2)``.
        target: target boxes, same shape, with ``x2 >= x1`` and ``y2 >= y1``.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: per-box weights, broadcast to ``(*)``.
        eps: guard in ``(0, inf)``, default ``1e-7``.

    Shape:
        ``(*, 4)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> b = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
        >>> g = torch.tensor([[1.0, 0.0, 3.0, 2.0]])
        >>> iou_loss(b, g)  # 1 - 2/6
        tensor(0.6667)

    References:
        Yu, Jiang, Wang, Cao, Huang (2016). UnitBox: an advanced object detection network.
        ACM MM.
    """
    e = _box_params("iou_loss", eps)
    b, g = _boxes("iou_loss", input, target)
    iou, _, _, _ = _iou_parts(b, g, e)
    return _finish_boxes("iou_loss", 1 - iou, input, reduction, weight)


def giou_loss(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
              weight: torch.Tensor | None = None, eps: float = 1e-7) -> torch.Tensor:
    r"""Generalized IoU loss: :math:`\ell = 1 - IoU + (|C| - |B \cup G|) / (|C| + \epsilon)`.

    ``C`` is the smallest box enclosing both; the extra term keeps a gradient when the
    boxes are disjoint. Range ``[0, 2)``.

    Args:
        input: predicted boxes ``(x1, y1, x2, y2)``.
        target: target boxes, same shape.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: per-box weights, broadcast to ``(*)``.
        eps: guard in ``(0, inf)``, default ``1e-7``.

    Shape:
        ``(*, 4)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> b = torch.tensor([[0.0, 0.0, 1.0, 1.0]])
        >>> g = torch.tensor([[2.0, 0.0, 3.0, 1.0]])
        >>> giou_loss(b, g)  # 1 - 0 + (3 - 2)/3
        tensor(1.3333)

    References:
        Rezatofighi et al. (2019). Generalized intersection over union. CVPR.
    """
    e = _box_params("giou_loss", eps)
    b, g = _boxes("giou_loss", input, target)
    iou, union, cw, ch = _iou_parts(b, g, e)
    area_c = cw * ch
    loss = 1 - iou + (area_c - union) / (area_c + e)
    return _finish_boxes("giou_loss", loss, input, reduction, weight)


def _diou(b: torch.Tensor, g: torch.Tensor, e: float) -> tuple[torch.Tensor, torch.Tensor]:
    iou, _, cw, ch = _iou_parts(b, g, e)
    diag = cw**2 + ch**2 + e
    dx = (b[..., 0] + b[..., 2] - g[..., 0] - g[..., 2]) / 2
    dy = (b[..., 1] + b[..., 3] - g[..., 1] - g[..., 3]) / 2
    return 1 - iou + (dx**2 + dy**2) / diag, iou


def diou_loss(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
              weight: torch.Tensor | None = None, eps: float = 1e-7) -> torch.Tensor:
    r"""Distance IoU loss: :math:`\ell = 1 - IoU + \rho^2(b, g) / (c^2 + \epsilon)`.

    ``rho`` is the distance between the box centres and ``c`` the diagonal of the
    enclosing box: the loss pulls centres together even without overlap.

    Args:
        input: predicted boxes ``(x1, y1, x2, y2)``.
        target: target boxes, same shape.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: per-box weights, broadcast to ``(*)``.
        eps: guard in ``(0, inf)``, default ``1e-7``.

    Shape:
        ``(*, 4)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> b = torch.tensor([[0.0, 0.0, 1.0, 1.0]])
        >>> g = torch.tensor([[2.0, 0.0, 3.0, 1.0]])
        >>> diou_loss(b, g)  # 1 - 0 + 2**2 / (3**2 + 1**2)
        tensor(1.4000)

    References:
        Zheng et al. (2020). Distance-IoU loss. AAAI.
    """
    e = _box_params("diou_loss", eps)
    b, g = _boxes("diou_loss", input, target)
    loss, _ = _diou(b, g, e)
    return _finish_boxes("diou_loss", loss, input, reduction, weight)


def _tie(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """d max(a, b)/da as autograd has it: 1 where a > b, 1/2 at a tie, 0 elsewhere."""
    return (a > b).to(a.dtype) + 0.5 * (a == b).to(a.dtype)


def _box_gradient(kind: str, input: torch.Tensor, target: torch.Tensor,
                  weight: torch.Tensor | None, eps: float) -> torch.Tensor:
    """Closed-form d(sum of per-box losses)/d(input) of the IoU, GIoU and DIoU losses.

    With ``p = (x1, y1, x2, y2)``: box area ``A = w h`` (``dA/dp = (-h, -w, h, w)``),
    intersection ``I = iw ih`` with ``iw = max(0, min(x2, x2g) - max(x1, x1g))``, union
    ``U = A + A_g - I``; ``d IoU = (dI (U + eps) - I dU)/(U + eps)^2``. GIoU adds
    ``(C - U)/(C + eps)`` over the enclosing box ``C = cw ch``; DIoU adds
    ``rho^2 / (cw^2 + ch^2 + eps)``. Ties of min/max take 1/2, as autograd does.
    """
    owner = f"{kind}_loss"
    e = _box_params(owner, eps)
    b, g = _boxes(owner, input, target)
    x1, y1, x2, y2 = b.unbind(-1)
    x1g, y1g, x2g, y2g = g.unbind(-1)
    w, h, wg, hg = x2 - x1, y2 - y1, x2g - x1g, y2g - y1g
    iw_raw = torch.minimum(x2, x2g) - torch.maximum(x1, x1g)
    ih_raw = torch.minimum(y2, y2g) - torch.maximum(y1, y1g)
    iw, ih = iw_raw.clamp_min(0), ih_raw.clamp_min(0)
    mw, mh = (iw_raw >= 0).to(b.dtype), (ih_raw >= 0).to(b.dtype)
    d_iw = (-mw * _tie(x1, x1g), mw * _tie(x2g, x2))  # d iw/dx1, d iw/dx2
    d_ih = (-mh * _tie(y1, y1g), mh * _tie(y2g, y2))
    inter = iw * ih
    d_inter = torch.stack([d_iw[0] * ih, d_ih[0] * iw, d_iw[1] * ih, d_ih[1] * iw], -1)
    union = w * h + wg * hg - inter
    d_union = torch.stack([-h, -w, h, w], -1) - d_inter
    den = (union + e).unsqueeze(-1)
    grad = -(d_inter * den - inter.unsqueeze(-1) * d_union) / den**2  # -(d IoU)
    if kind in ("giou", "diou"):
        cw = torch.maximum(x2, x2g) - torch.minimum(x1, x1g)
        ch = torch.maximum(y2, y2g) - torch.minimum(y1, y1g)
        d_cw = (-_tie(x1g, x1), _tie(x2, x2g))  # d cw/dx1, d cw/dx2
        d_ch = (-_tie(y1g, y1), _tie(y2, y2g))
    if kind == "giou":
        area_c = cw * ch
        d_c = torch.stack([d_cw[0] * ch, d_ch[0] * cw, d_cw[1] * ch, d_ch[1] * cw], -1)
        c_e = (area_c + e).unsqueeze(-1)
        gap = (area_c - union).unsqueeze(-1)
        grad = grad + ((d_c - d_union) * c_e - gap * d_c) / c_e**2
    if kind == "diou":
        diag = (cw**2 + ch**2 + e).unsqueeze(-1)
        dx = (x1 + x2 - x1g - x2g) / 2
        dy = (y1 + y2 - y1g - y2g) / 2
        rho2 = (dx**2 + dy**2).unsqueeze(-1)
        d_rho2 = torch.stack([dx, dy, dx, dy], -1)  # d(dx^2)/dx1 = 2 dx * 1/2
        d_diag = torch.stack([2 * cw * d_cw[0], 2 * ch * d_ch[0], 2 * cw * d_cw[1],
                              2 * ch * d_ch[1]], -1)
        grad = grad + (d_rho2 * diag - rho2 * d_diag) / diag**2
    return _weigh(grad, weight, tuple(input.shape[:-1])).to(input.dtype)


def iou_loss_gradient(input: torch.Tensor, target: torch.Tensor, *,
                      weight: torch.Tensor | None = None, eps: float = 1e-7) -> torch.Tensor:
    """d(sum of per-box IoU losses)/d(input), in closed form (see :func:`_box_gradient`)."""
    return _box_gradient("iou", input, target, weight, eps)


def giou_loss_gradient(input: torch.Tensor, target: torch.Tensor, *,
                       weight: torch.Tensor | None = None, eps: float = 1e-7) -> torch.Tensor:
    """d(sum of per-box GIoU losses)/d(input), in closed form."""
    return _box_gradient("giou", input, target, weight, eps)


def diou_loss_gradient(input: torch.Tensor, target: torch.Tensor, *,
                       weight: torch.Tensor | None = None, eps: float = 1e-7) -> torch.Tensor:
    """d(sum of per-box DIoU losses)/d(input), in closed form."""
    return _box_gradient("diou", input, target, weight, eps)


def ciou_loss(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
              weight: torch.Tensor | None = None, eps: float = 1e-7) -> torch.Tensor:
    r"""Complete IoU loss: DIoU plus an aspect-ratio term :math:`\alpha v`.

    .. math::
        v = \frac{4}{\pi^2}\Big(\arctan\frac{w_g}{h_g} - \arctan\frac{w}{h}\Big)^2,\quad
        \alpha = \frac{v}{1 - IoU + v + \epsilon}

    As in torchvision, ``alpha`` is treated as a constant (no gradient flows through it),
    and ``arctan(w/h)`` is computed as ``atan2(w, h)`` (equal for ``h > 0``, finite for
    ``h = 0``).

    Args:
        input: predicted boxes ``(x1, y1, x2, y2)``.
        target: target boxes, same shape.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: per-box weights, broadcast to ``(*)``.
        eps: guard in ``(0, inf)``, default ``1e-7``.

    Shape:
        ``(*, 4)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> b = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
        >>> ciou_loss(b, b.clone())  # identical boxes
        tensor(0.)

    References:
        Zheng et al. (2020). Distance-IoU loss. AAAI.
    """
    e = _box_params("ciou_loss", eps)
    b, g = _boxes("ciou_loss", input, target)
    d, iou = _diou(b, g, e)
    w, h = b[..., 2] - b[..., 0], b[..., 3] - b[..., 1]
    wg, hg = g[..., 2] - g[..., 0], g[..., 3] - g[..., 1]
    v = (4 / math.pi**2) * (torch.atan2(wg, hg) - torch.atan2(w, h)) ** 2
    with torch.no_grad():
        alpha = v / (1 - iou + v + e)
    return _finish_boxes("ciou_loss", d + alpha * v, input, reduction, weight)


# ---------------------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------------------

_OVERLAP_PROS = _bi(
    ("Insensitive to class imbalance between foreground and background pixels",
     "Optimises the overlap measure that segmentation is scored by"),
    ("对前景与背景像素的类别不平衡不敏感", "直接优化分割评估所用的重叠度指标"),
)
_OVERLAP_CONS = _bi(
    ("Noisy gradients for tiny or empty masks; often combined with cross-entropy",
     "Not convex; a per-sample ratio, so not decomposable over pixels"),
    ("对很小或空的掩码梯度噪声大, 常与交叉熵联合使用", "非凸; 按样本求比值, 不能按像素分解"),
)
_BOX_CONS = _bi(
    ("Needs well-formed xyxy target boxes",),
    ("需要格式正确的 xyxy 目标框",),
)

register(LossSpec(
    name="dice", fn=dice, aliases=("dice_loss", "soft_dice"), family="segmentation",
    summary="Soft Dice loss: 1 - 2|P∩T|/(|P|+|T|) per sample.",
    summary_zh="软 Dice 损失: 每个样本 1 - 2|P∩T|/(|P|+|T|)。",
    formula=r"1 - \frac{2\sum p t + s}{\sum p + \sum t + s}",
    gradient=dice_gradient, params=DICE_PARAMS, tasks=("segmentation",),
    input_kind="probabilities", target_kind="masks", pairs_with="sigmoid",
    handles_imbalance=True, keras_name="Dice",
    pros=_OVERLAP_PROS, cons=_OVERLAP_CONS,
    other_defaults={"keras": "keras.losses.dice: no smooth term, eps=1e-7 in the denominator, "
                             "one value over the whole batch",
                    "monai": "DiceLoss(smooth_nr=1e-5, smooth_dr=1e-5)"},
    year=2016, reference="Milletari, Navab, Ahmadi (2016). V-Net. 3DV.",
))
register(LossSpec(
    name="jaccard", fn=jaccard, aliases=("jaccard_loss", "soft_iou", "soft_jaccard"),
    family="segmentation",
    summary="Soft Jaccard (IoU) loss: 1 - |P∩T|/|P∪T| per sample.",
    summary_zh="软 Jaccard (交并比) 损失: 每个样本 1 - |P∩T|/|P∪T|。",
    formula=r"1 - \frac{\sum p t + s}{\sum p + \sum t - \sum p t + s}",
    gradient=jaccard_gradient, params=JACCARD_PARAMS, tasks=("segmentation",),
    input_kind="probabilities", target_kind="masks", pairs_with="sigmoid",
    handles_imbalance=True, pros=_OVERLAP_PROS, cons=_OVERLAP_CONS,
    year=2016, reference="Rahman, Wang (2016). Optimizing intersection-over-union. ISVC.",
))
register(LossSpec(
    name="tversky", fn=tversky, aliases=("tversky_loss",), family="segmentation",
    summary="Tversky loss: Dice with separate weights on false positives and negatives.",
    summary_zh="Tversky 损失: 对假阳性与假阴性分别加权的 Dice。",
    formula=r"1 - \frac{TP + s}{TP + \alpha FP + \beta FN + s}",
    gradient=tversky_gradient, params=TVERSKY_PARAMS, tasks=("segmentation",),
    input_kind="probabilities", target_kind="masks", pairs_with="sigmoid",
    handles_imbalance=True, keras_name="Tversky",
    pros=_bi(("Trades precision for recall through alpha and beta",
              "Good for small structures when beta > alpha"),
             ("通过 alpha 和 beta 在精确率与召回率之间权衡", "beta > alpha 时适合小目标")),
    cons=_bi(("Two more hyper-parameters to tune", "Same noisy gradients as Dice on tiny masks"),
             ("多两个需要调节的超参数", "小掩码上与 Dice 一样梯度噪声大")),
    other_defaults={"keras": "keras.losses.tversky(alpha=0.5, beta=0.5), whole batch"},
    year=2017, reference="Salehi, Erdogmus, Gholipour (2017). Tversky loss. MLMI.",
))
register(LossSpec(
    name="focal_tversky", fn=focal_tversky, aliases=("focal_tversky_loss",),
    family="segmentation",
    summary="Focal Tversky loss: (1 - Tversky index)^gamma per sample.",
    summary_zh="Focal Tversky 损失: 每个样本 (1 - Tversky 指数)^gamma。",
    formula=r"\Big(1 - \frac{TP + s}{TP + \alpha FP + \beta FN + s}\Big)^{\gamma}",
    gradient=focal_tversky_gradient, params=FOCAL_TVERSKY_PARAMS, tasks=("segmentation",),
    input_kind="probabilities", target_kind="masks", pairs_with="sigmoid",
    handles_imbalance=True,
    pros=_bi(("Focuses training on poorly segmented samples",
              "Keeps Tversky's precision/recall trade-off"),
             ("训练集中于分割得差的样本", "保留 Tversky 的精确率/召回率权衡")),
    cons=_bi(("Three hyper-parameters", "Steep gradient near a perfect match when gamma < 1"),
             ("三个超参数", "gamma < 1 时在接近完美匹配处梯度很陡")),
    year=2019, reference="Abraham, Khan (2019). Focal Tversky loss. ISBI.",
))
register(LossSpec(
    name="iou_loss", fn=iou_loss, aliases=("box_iou_loss",), family="detection",
    summary="IoU loss of xyxy boxes: 1 - IoU.",
    summary_zh="xyxy 边界框的 IoU 损失: 1 - IoU。",
    formula=r"1 - \frac{|B \cap G|}{|B \cup G| + \epsilon}",
    gradient=iou_loss_gradient,
    params=BOX_PARAMS, tasks=("detection",), input_kind="boxes", target_kind="boxes",
    pros=_bi(("Scale-invariant; optimises the metric detection is scored by",),
             ("尺度不变; 直接优化检测的评估指标",)),
    cons=_bi(("Zero gradient when boxes do not overlap", *_BOX_CONS.en),
             ("两框不相交时梯度为零", *_BOX_CONS.zh)),
    year=2016, reference="Yu et al. (2016). UnitBox. ACM MM.",
    in_sources=("000_5b08fef0015a8918.txt",),
))
register(LossSpec(
    name="giou_loss", fn=giou_loss, aliases=("generalized_iou_loss",), family="detection",
    summary="Generalized IoU loss: IoU loss plus the empty share of the enclosing box.",
    summary_zh="广义 IoU 损失: IoU 损失加上外接框中空白部分的占比。",
    formula=r"1 - IoU + \frac{|C| - |B \cup G|}{|C| + \epsilon}",
    gradient=giou_loss_gradient,
    params=BOX_PARAMS, tasks=("detection",), input_kind="boxes", target_kind="boxes",
    torch_equivalent="torchvision.ops.generalized_box_iou_loss",
    pros=_bi(("Gradient even for disjoint boxes", "Scale-invariant"),
             ("两框不相交时仍有梯度", "尺度不变")),
    cons=_bi(("Slow convergence when one box contains the other", *_BOX_CONS.en),
             ("一个框包含另一个框时收敛慢", *_BOX_CONS.zh)),
    year=2019, reference="Rezatofighi et al. (2019). Generalized IoU. CVPR.",
))
register(LossSpec(
    name="diou_loss", fn=diou_loss, aliases=("distance_iou_loss",), family="detection",
    summary="Distance IoU loss: IoU loss plus normalised distance of the centres.",
    summary_zh="距离 IoU 损失: IoU 损失加上归一化的中心点距离。",
    formula=r"1 - IoU + \frac{\rho^2(b, g)}{c^2 + \epsilon}",
    gradient=diou_loss_gradient,
    params=BOX_PARAMS, tasks=("detection",), input_kind="boxes", target_kind="boxes",
    torch_equivalent="torchvision.ops.distance_box_iou_loss",
    pros=_bi(("Converges faster than GIoU; pulls centres together directly",),
             ("比 GIoU 收敛更快; 直接拉近中心点",)),
    cons=_bi(("Ignores aspect ratio", *_BOX_CONS.en), ("不考虑长宽比", *_BOX_CONS.zh)),
    year=2020, reference="Zheng et al. (2020). Distance-IoU loss. AAAI.",
))
register(LossSpec(
    name="ciou_loss", fn=ciou_loss, aliases=("complete_iou_loss",), family="detection",
    summary="Complete IoU loss: DIoU plus an aspect-ratio consistency term.",
    summary_zh="完整 IoU 损失: DIoU 加上长宽比一致性项。",
    formula=r"1 - IoU + \frac{\rho^2}{c^2 + \epsilon} + \alpha v",
    params=BOX_PARAMS, tasks=("detection",), input_kind="boxes", target_kind="boxes",
    torch_equivalent="torchvision.ops.complete_box_iou_loss",
    pros=_bi(("Accounts for overlap, centre distance and aspect ratio",),
             ("同时考虑重叠、中心距离和长宽比",)),
    cons=_bi(("The trade-off weight alpha is held constant in the backward pass",
              *_BOX_CONS.en),
             ("反向传播中权衡系数 alpha 视为常数", *_BOX_CONS.zh)),
    year=2020, reference="Zheng et al. (2020). Distance-IoU loss. AAAI.",
))
