r"""Multi-class losses on logits (classes on dimension 1, PyTorch's layout).

The softmax-based losses share one construction. With :math:`\log p = \log\operatorname
{softmax}(x)` (``torch.log_softmax``: :math:`\log p_c = x_c - \operatorname{logsumexp}(x)`)
and per-class coefficients :math:`a_c` (the target, times class weights, after label
smoothing), the loss is :math:`\sum_c a_c\,\phi(\log p_c)`, where :math:`\phi` is the
per-class penalty (:math:`-\log p` for cross-entropy). Since
:math:`\partial\log p_c/\partial x_j = \delta_{cj} - p_j`, the gradient is

.. math::
    \frac{\partial\ell}{\partial x_j} = a_j\,\phi'_j - p_j\sum_c a_c\,\phi'_c,

with :math:`\phi'_c = d\phi/d\log p_c`. Targets are class indices (an integer tensor
without dimension 1, entries equal to ``ignore_index`` skipped) or probabilities (a
floating tensor of the input's shape). ``weight`` holds class weights of shape
``(C,)``; with class-index targets ``'mean'`` divides by the summed weight of the
targets, with probability targets by the number of samples (PyTorch's conventions).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from actloss import _fast
from actloss._i18n import Bilingual
from actloss._reduction import check_reduction, reduce
from actloss._validation import NONNEGATIVE, REALS, Interval, Param, check_params
from actloss.errors import InputError
from actloss.losses._checks import (
    check_class_target,
    check_class_weight,
    value_checks_enabled,
)
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = [
    "categorical_focal",
    "categorical_hinge",
    "cross_entropy",
    "generalized_cross_entropy",
    "multi_margin",
    "nll",
    "poly1",
]

_S0 = "000_5b08fef0015a8918.txt"
_S1 = "001_27ea7541dd684257.txt"
_S2 = "002_059dc22d1bcf7a62.txt"
_S3 = "003_ee359a0e5008e516.txt"
_S4 = "004_34a1e65849ef58fd.txt"

IGNORE = Param("ignore_index", -100, int, REALS, doc="target value that is skipped")
SMOOTHING = Param("label_smoothing", 0.0, float, Interval(0.0, 1.0, True, True),
                  doc="mix the target with the uniform distribution")


def _unbatch(x: torch.Tensor, t: torch.Tensor, kind: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Give an unbatched ``(C,)`` input a batch dimension."""
    if x.dim() == 1:
        return x.unsqueeze(0), t.unsqueeze(0)
    return x, t


def _coefficients(x: torch.Tensor, t: torch.Tensor, kind: str, w: torch.Tensor | None,
                  ignore_index: int, smoothing: float,
                  ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
    """Per-class coefficients ``a`` (input's shape), the kept mask and the mean's divisor.

    Class indices: ``a = (1 - s) w_t onehot(t) + (s / C) w``, zero on ignored samples;
    the divisor is ``sum(w_t)`` over kept samples. Probabilities: ``a = w * ((1 - s) y +
    s / C)`` and no divisor (the mean is over samples).
    """
    n_classes = x.shape[1]
    shape = [1, n_classes] + [1] * (x.dim() - 2)
    wv = None if w is None else w.view(shape)
    if kind == "probabilities":
        y = t if smoothing == 0.0 else (1.0 - smoothing) * t + smoothing / n_classes
        return (y if wv is None else y * wv), None, None
    keep = t != ignore_index
    safe_t = torch.where(keep, t, torch.zeros_like(t))
    onehot = torch.zeros_like(x).scatter_(1, safe_t.unsqueeze(1), 1.0)
    w_t = torch.ones_like(x[:, 0]) if w is None else w[safe_t]
    w_t = w_t * keep.to(x.dtype)
    a = (1.0 - smoothing) * onehot * w_t.unsqueeze(1)
    if smoothing != 0.0:
        uniform = torch.full_like(x, smoothing / n_classes)
        a = a + (uniform if wv is None else uniform * wv) * keep.unsqueeze(1).to(x.dtype)
    return a, keep, w_t


def _reduce_class(owner: str, per: torch.Tensor, reduction: str, keep: torch.Tensor | None,
                  divisor: torch.Tensor | None, batched: bool) -> torch.Tensor:
    if not batched:
        per = per.squeeze(0)
    if reduction == "mean" and divisor is not None:
        # PyTorch: sum over kept samples divided by the summed weight of their targets
        return reduce(per, "sum", owner=owner) / divisor.sum()
    return reduce(per, reduction, owner=owner)


def _class_loss(owner: str, input: torch.Tensor, target: torch.Tensor, reduction: str,
                weight: torch.Tensor | None, phi: Callable[[torch.Tensor], torch.Tensor], *,
                ignore_index: int = -100, smoothing: float = 0.0, log_input: bool = False,
                probabilities: bool = True) -> torch.Tensor:
    check_reduction(owner, reduction)
    x, t, kind = check_class_target(owner, input, target, ignore_index=ignore_index,
                                    probabilities=probabilities)
    batched = x.dim() > 1
    x, t = _unbatch(x, t, kind)
    w = check_class_weight(owner, weight, x.shape[1], x.dtype)
    # log p = x - logsumexp(x) (log_softmax), never log(softmax(x))
    logp = x if log_input else torch.log_softmax(x, dim=1)
    if kind == "indices" and smoothing == 0.0:
        # one-hot coefficients: only the target's term, gathered (no (N, C) temporaries)
        keep = t != ignore_index
        safe_t = torch.where(keep, t, torch.zeros_like(t))
        w_t = keep.to(x.dtype) if w is None else w[safe_t] * keep.to(x.dtype)
        per = w_t * phi(logp.gather(1, safe_t.unsqueeze(1)).squeeze(1))
        return _reduce_class(owner, per, reduction, keep, w_t, batched)
    a, keep, w_t = _coefficients(x, t, kind, w, ignore_index, smoothing)
    per = (a * phi(logp)).sum(dim=1)
    return _reduce_class(owner, per, reduction, keep, w_t, batched)


def _fused_rows(owner: str, kernel: str, input: object, target: object, reduction: str,
                weight: object, ignore_index: int, *, input_finite: bool = False
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None] | None:
    """The checked ``(x, t, w)`` of a 2-D call with class indices while the fast paths are
    enabled (they may take it), else ``None``.

    The checks are :func:`_class_loss`'s, in its order, so errors read the same either way.
    ``input_finite``: an earlier pass over the input showed it free of NaN/inf.
    """
    if _fast.route is None or not isinstance(input, torch.Tensor) or input.dim() != 2:
        return None
    check_reduction(owner, reduction)
    x, t, kind = check_class_target(owner, input, target, ignore_index=ignore_index,
                                    input_finite=input_finite)
    if kind != "indices":
        return None
    w = check_class_weight(owner, weight, x.shape[1], x.dtype)
    if w is not None and w.requires_grad:
        return None
    return x, t, w


def _class_grad(input: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None,
                dphi: Callable[[torch.Tensor], torch.Tensor], *, ignore_index: int = -100,
                smoothing: float = 0.0, log_input: bool = False) -> torch.Tensor:
    kind = "probabilities" if target.is_floating_point() else "indices"
    batched = input.dim() > 1
    x, t = _unbatch(input, target, kind)
    a, _, _ = _coefficients(x, t, kind, weight, ignore_index, smoothing)
    logp = x if log_input else torch.log_softmax(x, dim=1)
    ad = a * dphi(logp)
    g = ad if log_input else ad - torch.exp(logp) * ad.sum(dim=1, keepdim=True)
    return g if batched else g.squeeze(0)


# ---------------------------------------------------------------------------- cross-entropy
CE_PARAMS = (IGNORE, SMOOTHING)


def _neg(logp: torch.Tensor) -> torch.Tensor:
    return -logp


def _minus_one(logp: torch.Tensor) -> torch.Tensor:
    return torch.full_like(logp, -1.0)


def refuse_probabilities(owner: str, input: object) -> bool:
    """Refuse logits that are unmistakably probabilities (a softmax applied already).

    Only a batched input ``(N, C, ...)`` with ``C >= 2`` whose every value is
    non-negative and whose every row (over dimension 1) sums to 1, to ``1e-6`` or to the
    rounding of a float sum over ``C`` classes in the input's dtype if that is larger.
    Real logits pass unless every row happens to be a distribution. Skipped when the
    value checks are off.

    Returns whether the pass showed every value finite (``aminmax`` propagates NaN and
    an infinity is an extreme), so that the caller's NaN/inf check of the same input can
    be skipped; ``False`` when it did not look or saw a non-finite value.
    """
    if (not value_checks_enabled() or not isinstance(input, torch.Tensor)
            or not input.is_floating_point() or input.dim() < 2 or input.shape[1] < 2
            or not input.numel()):
        return False
    x = input.detach()
    lo, hi = (float(v) for v in torch.aminmax(x))
    finite = math.isfinite(lo) and math.isfinite(hi)
    if lo < 0 or not finite:  # the usual case for logits: one pass, and done
        return finite
    n_classes = x.shape[1]
    tol = max(1e-6, 4 * n_classes * torch.finfo(x.dtype).eps)
    if bool(((x.sum(1, dtype=torch.float64) - 1).abs() <= tol).all()):
        raise InputError(
            f"`input` of {owner} must hold logits, but every row is a probability "
            "distribution (non-negative, summing to 1 over dimension 1): a softmax was "
            "applied already. Pass the logits (the scores before the softmax), or pass "
            "log-probabilities to `nll` (input.log()), or use keras_categorical_crossentropy "
            "/ keras_sparse_categorical_crossentropy, which take probabilities (classes "
            "last). losses.value_checks(False) turns this check off")
    return True


def cross_entropy(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                  weight: torch.Tensor | None = None, ignore_index: int = -100,
                  label_smoothing: float = 0.0) -> torch.Tensor:
    r"""Softmax cross-entropy on logits; matches ``torch.nn.functional.cross_entropy``.

    .. math::
        \ell = -\sum_c a_c \log p_c,\quad \log p = x - \operatorname{logsumexp}(x),\qquad
        \partial\ell/\partial x_j = p_j\textstyle\sum_c a_c - a_j,

    with :math:`a = w_t\,\mathrm{onehot}(t)` for class indices (or :math:`w \odot y` for
    probabilities), mixed with :math:`w/C` by ``label_smoothing``. Convex, a proper
    scoring rule, shift-invariant in the logits.

    Args:
        input: logits ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``.
        target: class indices ``(N)``/``(N, d1, ...)``/``()`` (integer) or probabilities
            of the input's shape.
        reduction: ``'none' | 'mean' | 'sum'``. weight: class weights ``(C,)``.
        ignore_index: index target skipped (default -100).
        label_smoothing: in ``[0, 1]`` (default 0).

    Raises:
        InputError: a batched input whose every row is a probability distribution
            (non-negative, summing to 1): a softmax applied already. Pass the logits,
            or log-probabilities to :func:`nll`; ``value_checks(False)`` skips the check.

    Performance:
        The reference path runs by default: the same result at every size and on
        every run, twice differentiable. With the opt-in fast paths enabled (see
        the *Fast paths* page of the documentation) a fast implementation may run
        instead, within its stated error bound.

    References:
        Shannon (1948); Bridle (1990), softmax.

    Example:
        >>> import torch
        >>> from actloss.losses import cross_entropy
        >>> cross_entropy(torch.zeros(1, 4), torch.tensor([2]))  # log 4
        tensor(1.3863)
    """
    p = check_params("cross_entropy", CE_PARAMS,
                     {"ignore_index": ignore_index, "label_smoothing": label_smoothing})
    finite = refuse_probabilities("cross_entropy", input)
    checked = _fused_rows("cross_entropy", "cross_entropy", input, target, reduction, weight,
                          p["ignore_index"], input_finite=finite)
    if checked is not None:
        x, t, w = checked
        y = _fast.call("cross_entropy", x, t, weight=w, ignore_index=p["ignore_index"],
                       label_smoothing=p["label_smoothing"], reduction=reduction)
        if y is not None:
            return y
    return _class_loss("cross_entropy", input, target, reduction, weight, _neg,
                       ignore_index=p["ignore_index"], smoothing=p["label_smoothing"])


def _ce_grad(input: torch.Tensor, target: torch.Tensor, *, ignore_index: int = -100,
             label_smoothing: float = 0.0, weight: torch.Tensor | None = None) -> torch.Tensor:
    return _class_grad(input, target, weight, _minus_one, ignore_index=ignore_index,
                       smoothing=label_smoothing)


# ---------------------------------------------------------------------------- nll
NLL_PARAMS = (IGNORE,)


def nll(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
        weight: torch.Tensor | None = None, ignore_index: int = -100) -> torch.Tensor:
    r"""Negative log-likelihood of log-probabilities (``torch.nn.functional.nll_loss``).

    :math:`\ell = -w_t\,x_t`, :math:`\partial\ell/\partial x_j = -w_t\,\delta_{jt}`.
    Pair it with ``log_softmax``; together they are :func:`cross_entropy`.

    Args:
        input: log-probabilities ``(N, C, ...)`` or ``(C,)``. target: class indices only.
        reduction, weight, ignore_index: as for :func:`cross_entropy`.

    References:
        Fisher (1922), maximum likelihood.

    Example:
        >>> import torch
        >>> from actloss.losses import nll
        >>> nll(torch.log(torch.tensor([[0.25, 0.75]])), torch.tensor([1]))
        tensor(0.2877)
    """
    (ignore,) = check_params("nll", NLL_PARAMS, {"ignore_index": ignore_index}).values()
    return _class_loss("nll", input, target, reduction, weight, _neg, ignore_index=ignore,
                       log_input=True, probabilities=False)


def _nll_grad(input: torch.Tensor, target: torch.Tensor, *, ignore_index: int = -100,
              weight: torch.Tensor | None = None) -> torch.Tensor:
    return _class_grad(input, target, weight, _minus_one, ignore_index=ignore_index,
                       log_input=True)


# ---------------------------------------------------------------------------- focal
CAT_FOCAL_PARAMS = (Param("gamma", 2.0, float, NONNEGATIVE, doc="focusing exponent"), IGNORE)


def _one_minus_p(logp: torch.Tensor) -> torch.Tensor:
    # 1 - p = -expm1(log p), accurate when p is near 1; floored at the smallest normal
    # number so that (1 - p)^(gamma - 1) stays finite for gamma < 1
    return (-torch.expm1(logp)).clamp_min(torch.finfo(logp.dtype).tiny)


def _focal_phi(gamma: float) -> Callable[[torch.Tensor], torch.Tensor]:
    def phi(logp: torch.Tensor) -> torch.Tensor:
        return -_one_minus_p(logp).pow(gamma) * logp
    return phi


def _focal_dphi(gamma: float) -> Callable[[torch.Tensor], torch.Tensor]:
    def dphi(logp: torch.Tensor) -> torch.Tensor:
        # d/dlogp [-(1-p)^g log p] = g (1-p)^{g-1} p log p - (1-p)^g
        om = _one_minus_p(logp)
        out = -om.pow(gamma)
        if gamma != 0.0:
            out = out + gamma * om.pow(gamma - 1) * torch.exp(logp) * logp
        return out
    return dphi


def categorical_focal(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                      weight: torch.Tensor | None = None, gamma: float = 2.0,
                      ignore_index: int = -100) -> torch.Tensor:
    r"""Softmax focal loss on logits: cross-entropy scaled by :math:`(1 - p_t)^\gamma`.

    .. math::
        \ell = -\sum_c a_c (1 - p_c)^\gamma \log p_c,\qquad
        \phi'_c = \gamma(1 - p_c)^{\gamma - 1} p_c\log p_c - (1 - p_c)^\gamma,

    with :math:`1 - p = -\operatorname{expm1}(\log p)`. Class weights play the role of
    the focal ``alpha``. ``gamma = 0`` is :func:`cross_entropy` (same weights, same
    ``'mean'``).

    Args:
        input, target, reduction, weight, ignore_index: as for :func:`cross_entropy`.
        gamma: in ``[0, inf)`` (default 2).

    Performance:
        The reference path runs by default: the same result at every size and on
        every run, twice differentiable. With the opt-in fast paths enabled (see
        the *Fast paths* page of the documentation) a fast implementation may run
        instead, within its stated error bound.

    References:
        Lin et al. (2017), Focal Loss for Dense Object Detection.

    Example:
        >>> import torch
        >>> from actloss.losses import categorical_focal
        >>> categorical_focal(torch.zeros(1, 2), torch.tensor([0]), gamma=1.0)
        tensor(0.3466)
    """
    p = check_params("categorical_focal", CAT_FOCAL_PARAMS,
                     {"gamma": gamma, "ignore_index": ignore_index})
    checked = _fused_rows("categorical_focal", "softmax_focal", input, target, reduction,
                          weight, p["ignore_index"])
    if checked is not None:
        x, t, w = checked
        y = _fast.call("softmax_focal", x, t, gamma=p["gamma"], weight=w,
                       ignore_index=p["ignore_index"], reduction=reduction)
        if y is not None:
            return y
    return _class_loss("categorical_focal", input, target, reduction, weight,
                       _focal_phi(p["gamma"]), ignore_index=p["ignore_index"])


def _cat_focal_grad(input: torch.Tensor, target: torch.Tensor, *, gamma: float = 2.0,
                    ignore_index: int = -100, weight: torch.Tensor | None = None,
                    ) -> torch.Tensor:
    return _class_grad(input, target, weight, _focal_dphi(gamma), ignore_index=ignore_index)


# ---------------------------------------------------------------------------- poly-1
POLY1_PARAMS = (Param("epsilon", 1.0, float, Interval(-1.0, math.inf, True),
                      doc="weight of the first polynomial term (1 - p_t)"), IGNORE)


def poly1(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
          weight: torch.Tensor | None = None, epsilon: float = 1.0,
          ignore_index: int = -100) -> torch.Tensor:
    r"""Poly-1 loss: cross-entropy plus :math:`\epsilon(1 - p_t)`.

    .. math::
        \ell = \sum_c a_c\big(-\log p_c + \epsilon(1 - p_c)\big),\qquad
        \phi'_c = -1 - \epsilon p_c.

    ``epsilon = 0`` is :func:`cross_entropy`; ``epsilon = -1`` removes the first
    polynomial term. The paper's best values lie in ``[-1, 2]``.

    Args:
        input, target, reduction, weight, ignore_index: as for :func:`cross_entropy`.
        epsilon: in ``[-1, inf)`` (default 1).

    References:
        Leng et al. (2022), PolyLoss: A Polynomial Expansion Perspective.

    Example:
        >>> import torch
        >>> from actloss.losses import poly1
        >>> poly1(torch.zeros(1, 2), torch.tensor([0]), epsilon=1.0)  # log 2 + 0.5
        tensor(1.1931)
    """
    p = check_params("poly1", POLY1_PARAMS, {"epsilon": epsilon, "ignore_index": ignore_index})
    eps = p["epsilon"]

    def phi(logp: torch.Tensor) -> torch.Tensor:
        return -logp - eps * torch.expm1(logp)  # 1 - p = -expm1(log p)

    return _class_loss("poly1", input, target, reduction, weight, phi,
                       ignore_index=p["ignore_index"])


def _poly1_grad(input: torch.Tensor, target: torch.Tensor, *, epsilon: float = 1.0,
                ignore_index: int = -100, weight: torch.Tensor | None = None) -> torch.Tensor:
    def dphi(logp: torch.Tensor) -> torch.Tensor:
        return -1.0 - epsilon * torch.exp(logp)

    return _class_grad(input, target, weight, dphi, ignore_index=ignore_index)


# ---------------------------------------------------------------------------- GCE
GCE_PARAMS = (Param("q", 0.7, float, Interval(0.0, 1.0, False, True),
                    doc="0 -> cross-entropy, 1 -> mean absolute error"), IGNORE)


def generalized_cross_entropy(input: torch.Tensor, target: torch.Tensor, *,
                              reduction: str = "mean", weight: torch.Tensor | None = None,
                              q: float = 0.7, ignore_index: int = -100) -> torch.Tensor:
    r"""Generalized cross-entropy (the :math:`L_q` loss), robust to label noise.

    .. math::
        \ell = \sum_c a_c\,\frac{1 - p_c^q}{q},\quad p^q = e^{q\log p},\qquad
        \phi'_c = -p_c^q.

    Tends to cross-entropy as :math:`q \to 0`; ``q = 1`` gives :math:`1 - p_t`, the
    noise-tolerant mean absolute error of the probability vector (halved).

    Args:
        input, target, reduction, weight, ignore_index: as for :func:`cross_entropy`.
        q: in ``(0, 1]`` (default 0.7).

    References:
        Zhang & Sabuncu (2018), Generalized Cross Entropy Loss.

    Example:
        >>> import torch
        >>> from actloss.losses import generalized_cross_entropy
        >>> generalized_cross_entropy(torch.zeros(1, 4), torch.tensor([0]), q=0.5)
        tensor(1.)
    """
    p = check_params("generalized_cross_entropy", GCE_PARAMS,
                     {"q": q, "ignore_index": ignore_index})
    qq = p["q"]

    def phi(logp: torch.Tensor) -> torch.Tensor:
        return -torch.expm1(qq * logp) / qq  # (1 - p^q)/q with p^q = exp(q log p)

    return _class_loss("generalized_cross_entropy", input, target, reduction, weight, phi,
                       ignore_index=p["ignore_index"])


def _gce_grad(input: torch.Tensor, target: torch.Tensor, *, q: float = 0.7,
              ignore_index: int = -100, weight: torch.Tensor | None = None) -> torch.Tensor:
    def dphi(logp: torch.Tensor) -> torch.Tensor:
        return -torch.exp(q * logp)

    return _class_grad(input, target, weight, dphi, ignore_index=ignore_index)


# ---------------------------------------------------------------------------- multi_margin
MULTI_MARGIN_PARAMS = (
    Param("p", 1, int, Interval(1, 2, True, True), doc="exponent: 1 or 2"),
    Param("margin", 1.0, float, NONNEGATIVE, doc="required score gap"),
)


def multi_margin(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                 weight: torch.Tensor | None = None, p: int = 1,
                 margin: float = 1.0) -> torch.Tensor:
    r"""Multi-class hinge loss (Weston-Watkins; ``torch.nn.functional.multi_margin_loss``).

    .. math::
        \ell = \frac{w_t}{C}\sum_{j\ne t}\max(0, m - x_t + x_j)^p,\qquad
        \frac{\partial\ell}{\partial x_j} = \frac{w_t}{C}\,p\,h_j^{p-1}\ (j \ne t),\quad
        \frac{\partial\ell}{\partial x_t} = -\sum_{j\ne t}\frac{\partial\ell}{\partial x_j},

    where :math:`h_j = \max(0, m - x_t + x_j)`. ``'mean'`` averages over samples.

    Args:
        input: scores ``(N, C)`` or ``(C,)``. target: class indices ``(N,)`` or ``()``.
        reduction: ``'none' | 'mean' | 'sum'``. weight: class weights ``(C,)``.
        p: 1 or 2 (default 1). margin: in ``[0, inf)`` (default 1).

    References:
        Weston & Watkins (1999), Support Vector Machines for Multi-Class.

    Example:
        >>> import torch
        >>> from actloss.losses import multi_margin
        >>> multi_margin(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([3]))
        tensor(0.3250)
    """
    prm = check_params("multi_margin", MULTI_MARGIN_PARAMS, {"p": p, "margin": margin})
    check_reduction("multi_margin", reduction)
    x, t, _ = check_class_target("multi_margin", input, target, probabilities=False)
    if x.dim() > 2:
        from actloss.errors import InputError

        raise InputError(f"`input` of multi_margin must have shape (N, C) or (C,); "
                         f"got {tuple(x.shape)}")
    batched = x.dim() > 1
    x, t = _unbatch(x, t, "indices")
    w = check_class_weight("multi_margin", weight, x.shape[1], x.dtype)
    h = _margins(x, t, prm["margin"])
    per = h.pow(prm["p"]).sum(dim=1) / x.shape[1]
    if w is not None:
        per = per * w[t]
    if not batched:
        per = per.squeeze(0)
    return reduce(per, reduction, owner="multi_margin")


def _margins(x: torch.Tensor, t: torch.Tensor, margin: float) -> torch.Tensor:
    x_t = x.gather(1, t.unsqueeze(1))
    h = (margin - x_t + x).clamp_min(0.0)
    return h.scatter(1, t.unsqueeze(1), 0.0)  # the j = t term is excluded


def _multi_margin_grad(input: torch.Tensor, target: torch.Tensor, *, p: int = 1,
                       margin: float = 1.0, weight: torch.Tensor | None = None,
                       ) -> torch.Tensor:
    batched = input.dim() > 1
    x, t = _unbatch(input, target, "indices")
    h = _margins(x, t, margin)
    active = (h > 0).to(x.dtype)
    g = active if p == 1 else 2 * h
    g = g / x.shape[1]
    g = g.scatter(1, t.unsqueeze(1), 0.0)
    g = g.scatter(1, t.unsqueeze(1), -g.sum(dim=1, keepdim=True))
    if weight is not None:
        g = g * weight[t].unsqueeze(1)
    return g if batched else g.squeeze(0)


# ---------------------------------------------------------------------------- categorical hinge
def categorical_hinge(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                      weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Crammer-Singer style multi-class hinge in Keras's form (``categorical_hinge``).

    .. math::
        \ell = \max\Big(0,\ 1 + \max_j\big((1 - y_j)\,x_j\big) - \sum_j y_j x_j\Big),

    on one-hot (or soft) targets ``y``; :math:`\partial\ell/\partial x = (1 - y_k)e_k - y`
    where the hinge is active, ``k`` the arg-max. As in Keras the true class enters
    the maximum as a 0, so a loss below 1 needs a positive score gap.

    Args:
        input: scores ``(N, C)``. target: one-hot of the same shape (class indices are
            refused with the ``one_hot`` conversion in the message).
        reduction: over samples. weight: per-sample weights broadcasting to ``(N,)``.

    References:
        Crammer & Singer (2001); Keras CategoricalHinge.

    Example:
        >>> import torch
        >>> from actloss.losses import categorical_hinge
        >>> categorical_hinge(torch.tensor([[2.0, 0.5, -1.0]]), torch.tensor([[1.0, 0.0, 0.0]]))
        tensor(0.)
    """
    check_reduction("categorical_hinge", reduction)
    x, y, _ = check_class_target("categorical_hinge", input, target, indices=False)
    batched = x.dim() > 1
    x, y = _unbatch(x, y, "probabilities")
    pos = (y * x).sum(dim=1)
    neg = ((1 - y) * x).amax(dim=1)
    per = (1 + neg - pos).clamp_min(0.0)
    if not batched:
        per = per.squeeze(0)
    return reduce(per, reduction, weight=weight, owner="categorical_hinge", mean_by="count")


def _categorical_hinge_grad(input: torch.Tensor, target: torch.Tensor, *,
                            weight: torch.Tensor | None = None) -> torch.Tensor:
    batched = input.dim() > 1
    x, y = _unbatch(input, target, "probabilities")
    masked = (1 - y) * x
    k = masked.argmax(dim=1, keepdim=True)
    active = ((1 + masked.gather(1, k).squeeze(1) - (y * x).sum(dim=1)) > 0).to(x.dtype)
    g = torch.zeros_like(x).scatter(1, k, (1 - y).gather(1, k)) - y
    g = g * active.unsqueeze(1)
    if not batched:
        g = g.squeeze(0)
    if weight is not None:
        g = g * (weight.unsqueeze(-1) if weight.dim() else weight)
    return g


# ---------------------------------------------------------------------------- registry
_M = "multiclass"
_T = "torch.nn.functional."

register(LossSpec(
    name="cross_entropy", fn=cross_entropy, gradient=_ce_grad, params=CE_PARAMS,
    aliases=("ce", "softmax_cross_entropy", "categorical_cross_entropy"), family=_M,
    summary="Softmax cross-entropy on logits, with class weights and label smoothing.",
    summary_zh="基于 logits 的 softmax 交叉熵,支持类别权重与标签平滑。",
    formula=r"\ell = -\sum_c y_c \log\operatorname{softmax}(x)_c",
    tasks=("multiclass_classification", "language_modeling", "segmentation"),
    input_kind="logits", target_kind="class_indices", pairs_with="softmax",
    handles_imbalance=True, convex=True, proper_scoring_rule=True,
    keras_name="CategoricalCrossentropy", torch_equivalent=_T + "cross_entropy",
    pros=Bilingual(("Proper scoring rule; the gradient is simply p - y.",
                    "Exact from logits via logsumexp."),
                   ("严格适当评分规则;梯度就是 p - y。", "通过 logsumexp 由 logits 精确计算。")),
    cons=Bilingual(("Over-confident on noisy labels (see label smoothing, GCE).",),
                   ("在噪声标签上过度自信(见标签平滑、GCE)。",)),
    other_defaults={"keras": "from_logits=False, classes on the last axis",
                    "torch": "ignore_index=-100, label_smoothing=0.0"},
    year=1948, reference="Shannon (1948); Bridle (1990), softmax",
    in_sources=(_S0, _S1, _S2, _S3, _S4),
))

register(LossSpec(
    name="nll", fn=nll, gradient=_nll_grad, params=NLL_PARAMS, aliases=("nll_loss",),
    family=_M, summary="Negative log-likelihood of the target class's log-probability.",
    summary_zh="目标类别对数概率的负对数似然。",
    formula=r"\ell = -w_t\,x_t", tasks=("multiclass_classification",),
    input_kind="log_probabilities", target_kind="class_indices", pairs_with="log_softmax",
    handles_imbalance=True, convex=True, proper_scoring_rule=True,
    torch_equivalent=_T + "nll_loss",
    pros=Bilingual(("Linear in its input; any log-probability model can use it.",),
                   ("对输入是线性的;任何对数概率模型都可使用。",)),
    cons=Bilingual(("Needs log-probabilities: forgetting log_softmax trains nonsense.",),
                   ("需要对数概率:忘了 log_softmax 会训练出错误结果。",)),
    year=1922, reference="Fisher (1922), maximum likelihood",
))

register(LossSpec(
    name="categorical_focal", fn=categorical_focal, gradient=_cat_focal_grad,
    params=CAT_FOCAL_PARAMS, aliases=("softmax_focal", "focal_multiclass"), family=_M,
    summary="Softmax cross-entropy scaled by (1 - p_t)^gamma.",
    summary_zh="以 (1 - p_t)^gamma 缩放的 softmax 交叉熵。",
    formula=r"\ell = -\sum_c y_c (1-p_c)^\gamma \log p_c",
    tasks=("multiclass_classification", "imbalanced_classification", "detection"),
    input_kind="logits", target_kind="class_indices", pairs_with="softmax",
    handles_imbalance=True, keras_name="CategoricalFocalCrossentropy",
    pros=Bilingual(("Focuses on hard, misclassified examples.", "gamma=0 recovers CE."),
                   ("聚焦于难分、被误分的样本。", "gamma=0 时即为交叉熵。")),
    cons=Bilingual(("Under-confident probabilities; not a proper scoring rule.",),
                   ("概率偏保守;不是严格适当评分规则。",)),
    other_defaults={"keras": "alpha=0.25, gamma=2.0, from_logits=False"},
    year=2017, reference="Lin et al. (2017), Focal Loss for Dense Object Detection",
    in_sources=(_S0,),
))

register(LossSpec(
    name="poly1", fn=poly1, gradient=_poly1_grad, params=POLY1_PARAMS,
    aliases=("poly_1", "poly_loss"), family=_M,
    summary="Cross-entropy plus epsilon (1 - p_t): the first polynomial correction.",
    summary_zh="交叉熵加上 epsilon (1 - p_t):第一项多项式修正。",
    formula=r"\ell = -\log p_t + \epsilon(1 - p_t)",
    tasks=("multiclass_classification",), input_kind="logits", target_kind="class_indices",
    pairs_with="softmax",
    pros=Bilingual(("One extra hyper-parameter; often a free accuracy gain.",),
                   ("只多一个超参数;常能免费提升精度。",)),
    cons=Bilingual(("epsilon needs tuning per task.",), ("epsilon 需要按任务调节。",)),
    year=2022, reference="Leng et al. (2022), PolyLoss: A Polynomial Expansion Perspective",
))

register(LossSpec(
    name="generalized_cross_entropy", fn=generalized_cross_entropy, gradient=_gce_grad,
    params=GCE_PARAMS, aliases=("gce", "lq_loss"), family=_M,
    summary="(1 - p_t^q)/q: between cross-entropy (q -> 0) and MAE (q = 1); robust to noise.",
    summary_zh="(1 - p_t^q)/q:介于交叉熵(q -> 0)与 MAE(q = 1)之间;对噪声标签稳健。",
    formula=r"\ell = \frac{1 - p_t^q}{q}",
    tasks=("multiclass_classification", "noisy_labels"), input_kind="logits",
    target_kind="class_indices", pairs_with="softmax", robust_to_outliers=True,
    pros=Bilingual(("Tolerates label noise, yet trains faster than MAE.",),
                   ("能容忍标签噪声,又比 MAE 训练得快。",)),
    cons=Bilingual(("Slower than CE on clean data; not a proper scoring rule.",),
                   ("在干净数据上比交叉熵慢;不是严格适当评分规则。",)),
    year=2018, reference="Zhang & Sabuncu (2018), Generalized Cross Entropy Loss",
))

register(LossSpec(
    name="multi_margin", fn=multi_margin, gradient=_multi_margin_grad,
    params=MULTI_MARGIN_PARAMS, aliases=("multi_margin_loss", "weston_watkins"), family=_M,
    summary="Multi-class hinge: every wrong class must trail the true one by a margin.",
    summary_zh="多分类 hinge:每个错误类别的得分都须比正确类别低一个间隔。",
    formula=r"\ell = \frac{1}{C}\sum_{j\ne t}\max(0, m - x_t + x_j)^p",
    tasks=("multiclass_classification",), input_kind="real", target_kind="class_indices",
    pairs_with="identity", convex=True, torch_equivalent=_T + "multi_margin_loss",
    pros=Bilingual(("Margin-based: zero loss once classes are separated.",),
                   ("基于间隔:类别分开后损失为零。",)),
    cons=Bilingual(("No probabilities.",), ("不输出概率。",)),
    year=1999, reference="Weston & Watkins (1999), Support Vector Machines for Multi-Class",
    in_sources=(_S0,),
))

register(LossSpec(
    name="categorical_hinge", fn=categorical_hinge, gradient=_categorical_hinge_grad,
    family=_M, summary="Keras's multi-class hinge on one-hot targets.",
    summary_zh="Keras 中基于 one-hot 目标的多分类 hinge。",
    formula=r"\ell = \max(0, 1 + \max_j (1-y_j)x_j - \sum_j y_j x_j)",
    tasks=("multiclass_classification",), input_kind="real", target_kind="one_hot",
    pairs_with="identity", convex=True, keras_name="CategoricalHinge",
    pros=Bilingual(("Only the strongest wrong class matters.",),
                   ("只有得分最高的错误类别起作用。",)),
    cons=Bilingual(("No probabilities; sparse gradient.",), ("不输出概率;梯度稀疏。",)),
    year=2001, reference="Crammer & Singer (2001); Keras CategoricalHinge", in_sources=(_S0,),
))
