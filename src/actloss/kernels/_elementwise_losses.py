"""Fused element-wise losses: the gradient is computed with the loss, block by block.

For ``'mean'`` and ``'sum'`` the forward writes :math:`\\partial L/\\partial x`, already
scaled by the reduction, into one buffer and saves nothing else; the backward multiplies
it by the incoming scalar in place (skipping a factor of 1) and hands the buffer to
autograd, which adopts it as ``.grad`` without a copy. For ``'none'`` it keeps the
per-element derivative and multiplies by the incoming gradient. A second backward through
the same forward raises :class:`~actloss.kernels.GradientConsumedError`.

Semantics follow the catalog (``actloss.losses``): element-wise ``weight`` multiplies the
per-element loss and ``'mean'`` divides by the number of elements (PyTorch's convention
for element-wise weights).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

from actloss._validation import (
    NONNEGATIVE,
    POSITIVE,
    UNIT,
    Interval,
    Param,
    check_params,
    check_same_shape,
    check_tensor,
)
from actloss.errors import InputError
from actloss.kernels import _native, _pool
from actloss.kernels._common import (
    BLOCK_ELEMENTS,
    blocks,
    differentiable_once,
    scale_in_place,
    take_gradient,
    use_fused,
    use_native,
)
from actloss.losses._reduction import check_reduction, reduce

__all__ = [
    "bce_with_logits",
    "binary_focal_with_logits",
    "huber",
    "log_cosh",
    "sigmoid_focal",
    "smooth_l1",
]

Scratch = list[torch.Tensor]
# (x, t, loss out, grad out, scratch) -> None
LossBlock = Callable[[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, Scratch], None]
# the native kernel's (kind, p1, p2): see actloss.kernels._native.loss
NativeSpec = tuple[str, float, float]
_LOG2 = math.log(2.0)


def _run(block: LossBlock, n_scratch: int, x: torch.Tensor, t: torch.Tensor,
         w: torch.Tensor | None, reduction: str, native: NativeSpec | None = None
         ) -> tuple[torch.Tensor, torch.Tensor]:
    """Loss (reduced, or per element for 'none') and d(loss)/dx scaled by the reduction.

    With ``native`` and float32 CPU input, one native pass computes both; otherwise the
    eager ``block`` runs block by block.
    """
    xf, tf = x.contiguous().view(-1), t.to(x.dtype).contiguous().view(-1)
    wf = None if w is None else w.to(x.dtype).expand(x.shape).contiguous().view(-1)
    n = xf.numel()
    if native is not None and n:
        scale = 1.0 / n if reduction == "mean" else 1.0
        out, grad = _native.loss(native[0], xf, tf, wf, reduction == "none", scale,
                                 native[1], native[2])
        if isinstance(out, torch.Tensor):
            return out.view(x.shape), grad.view(x.shape)
        return x.new_tensor(out * scale), grad.view(x.shape)
    grad = _pool.empty_like(xf)
    size = max(1, min(n, BLOCK_ELEMENTS))
    per = _pool.empty_like(xf) if reduction == "none" else None
    lscr = torch.empty(size, dtype=x.dtype, device=x.device)
    s = [torch.empty(size, dtype=x.dtype, device=x.device) for _ in range(n_scratch)]
    scale = 1.0 / n if reduction == "mean" and n else 1.0
    partial = []
    for a, b in blocks(n, size):
        m = b - a
        lb = per[a:b] if per is not None else lscr[:m]
        gb = grad[a:b]
        block(xf[a:b], tf[a:b], lb, gb, [v[:m] for v in s])
        if wf is not None:
            lb.mul_(wf[a:b])
            gb.mul_(wf[a:b])
        if scale != 1.0:
            gb.mul_(scale)
        if per is None:
            partial.append(lb.sum())
    if per is not None:
        loss = per.view(x.shape)
    elif partial:
        loss = torch.stack(partial).sum() * scale
    else:  # empty input: PyTorch's mean of nothing is nan, the sum is 0
        loss = x.new_full((), math.nan if reduction == "mean" else 0.0)
    return loss, grad.view(x.shape)


class _FusedLoss(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, t, w, block, n_scratch, reduction, owner, target_grad, native):  # type: ignore[override]
        loss, grad = _run(block, n_scratch, x, t, w, reduction, native)
        ctx.grad, ctx.reduction, ctx.owner, ctx.target_grad = grad, reduction, owner, target_grad
        return loss

    @staticmethod
    @differentiable_once
    def backward(ctx, g):  # type: ignore[override]
        grad = take_gradient(ctx, "grad", ctx.owner)
        grad = grad.mul_(g) if ctx.reduction == "none" else scale_in_place(grad, g)
        gt = -grad if ctx.target_grad and ctx.needs_input_grad[1] else None
        return grad, gt, None, None, None, None, None, None, None


def _prepare(owner: str, input: object, target: object, reduction: object,
             weight: object) -> tuple[torch.Tensor, torch.Tensor, str, torch.Tensor | None]:
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target)
    check_same_shape(owner, x, t)
    r = check_reduction(owner, reduction)
    if weight is not None:
        w = check_tensor(owner, "weight", weight)
        try:
            torch.broadcast_shapes(w.shape, x.shape)
        except RuntimeError as exc:
            raise InputError(
                f"`weight` of {owner} of shape {tuple(w.shape)} does not broadcast to the "
                f"input of shape {tuple(x.shape)}"
            ) from exc
        if torch.broadcast_shapes(w.shape, x.shape) != x.shape:
            raise InputError(
                f"`weight` of {owner} of shape {tuple(w.shape)} would enlarge the input of "
                f"shape {tuple(x.shape)}"
            )
        return x, t, r, w
    return x, t, r, None


def _fused_ok(owner: str, x: torch.Tensor, t: torch.Tensor, w: torch.Tensor | None,
              target_grad: bool, native: bool = False) -> bool:
    if w is not None and w.requires_grad:
        return False
    if t.requires_grad and not target_grad:
        return False
    if native:
        return True
    others = (t,) if w is None else (t, w)
    return use_fused(x, *others, min_elements=1, kernel=owner)


def _finish(loss: torch.Tensor, reduction: str, w: torch.Tensor | None,
            owner: str) -> torch.Tensor:
    return reduce(loss, reduction, weight=w, owner=owner, mean_by="count")


Native = Callable[[torch.Tensor, torch.Tensor, str, "torch.Tensor | None"], torch.Tensor]


def _apply(owner: str, x: torch.Tensor, t: torch.Tensor, w: torch.Tensor | None,
           reduction: str, block: LossBlock, n_scratch: int, target_grad: bool,
           plain: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
           native: Native | None = None, spec: NativeSpec | None = None) -> torch.Tensor:
    """Run the fused form (native ``spec`` for float32 CPU input, else ``block``) or the
    plain one: PyTorch's op (``native``) or ``plain`` reduced like the catalog."""
    if spec is not None and not (t.is_floating_point() and use_native(
            x, kernel=owner, min_elements=1)):
        spec = None
    if not _fused_ok(owner, x, t, w, target_grad, spec is not None):
        if native is not None:  # PyTorch's op, reduction included: one pass each way
            return native(x, t, reduction, w)
        return _finish(plain(x, t), reduction, w, owner)
    if torch.is_grad_enabled() and (x.requires_grad or (target_grad and t.requires_grad)):
        return _FusedLoss.apply(x, t, w, block, n_scratch, reduction, owner, target_grad,
                                spec)
    with torch.no_grad():
        return _run(block, n_scratch, x, t, w, reduction, spec)[0]


def _sigmoid_from_e(x: torch.Tensor, e: torch.Tensor, out: torch.Tensor,
                    tmp: torch.Tensor) -> torch.Tensor:
    """``out = sigma(x)`` from ``e = exp(-|x|)``, with no cancellation and no bool ops.

    sigma(x) = (e + 1[x > 0] (1 - e)) / (1 + e): sigma(-|x|) = e/(1 + e) and
    sigma(|x|) = 1/(1 + e).
    """
    torch.neg(e, out=tmp)
    tmp.add_(1.0)  # 1 - e
    torch.sign(x, out=out)
    out.clamp_min_(0.0).mul_(tmp).add_(e)
    torch.add(e, 1.0, out=tmp)
    return out.div_(tmp)


# ---------------------------------------------------------------------------- bce
_BCE_PARAMS = (
    Param("pos_weight", None, float, POSITIVE, optional=True, doc="weight of positives"),
    Param("label_smoothing", 0.0, float, Interval(0.0, 1.0, True, False),
          doc="targets move to t (1 - s) + s/2"),
)


def _bce_plain(x: torch.Tensor, t: torch.Tensor, pw: float | None) -> torch.Tensor:
    # -[pw t log sigma(x) + (1 - t) log sigma(-x)], log sigma(-x) = log sigma(x) - x
    ls = F.logsigmoid(x)
    return -((1.0 if pw is None else pw) * t * ls + (1 - t) * (ls - x))


def bce_with_logits(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                    weight: torch.Tensor | None = None,
                    pos_weight: float | torch.Tensor | None = None,
                    label_smoothing: float = 0.0) -> torch.Tensor:
    r"""Binary cross-entropy on logits, loss and gradient in one pass.

    .. math::
        \ell = (1 - t)\,x + (1 + (w_p - 1)t)\,\mathrm{softplus}(-x),\qquad
        \partial\ell/\partial x = 1 - t - (1 + (w_p - 1)t)\,\sigma(-x)

    (without ``pos_weight``: :math:`\sigma(x) - t`). ``softplus(-x)`` is formed as
    :math:`\max(-x, 0) + \log1p(e^{-|x|})`.

    Args:
        input: logits. target: probabilities in ``[0, 1]``, same shape.
        reduction: ``'none' | 'mean' | 'sum'``. weight: broadcasts to ``input``.
        pos_weight: ``w_p`` in ``(0, inf)``, a tensor of them (broadcast over the last
            dimension; PyTorch's op runs), or ``None``. label_smoothing: in ``[0, 1)``.

    Example:
        >>> import torch
        >>> bce_with_logits(torch.tensor([0.0]), torch.tensor([1.0]))
        tensor(0.6931)
    """
    owner = "bce_with_logits"
    x, t, r, w = _prepare(owner, input, target, reduction, weight)
    kw = check_params(owner, _BCE_PARAMS, {"pos_weight": pos_weight,
                                           "label_smoothing": label_smoothing})
    pw, sm = kw["pos_weight"], kw["label_smoothing"]
    if sm:
        t = t * (1.0 - sm) + 0.5 * sm

    def block(x, t, lb, gb, s):
        e, c = s[0], s[1]
        torch.abs(x, out=e)
        e.neg_().exp_()  # e = exp(-|x|)
        torch.log1p(e, out=lb)
        torch.neg(x, out=c)
        c.clamp_min_(0.0)
        lb.add_(c)  # softplus(-x) = max(-x, 0) + log1p(exp(-|x|))
        _sigmoid_from_e(x, e, gb, c)  # sigma(x)
        if pw is None:
            lb.addcmul_(x, t, value=-1.0).add_(x)  # (1 - t) x + softplus(-x)
            gb.sub_(t)
        else:
            torch.mul(t, pw - 1.0, out=c)
            c.add_(1.0)  # lw = 1 + (pw - 1) t
            lb.mul_(c).addcmul_(x, t, value=-1.0).add_(x)
            gb.sub_(1.0).mul_(c).sub_(t).add_(1.0)  # lw (sigma - 1) + 1 - t

    def native(a: torch.Tensor, b: torch.Tensor, red: str, wt: torch.Tensor | None
               ) -> torch.Tensor:
        pwt = pw if pw is None or isinstance(pw, torch.Tensor) else \
            torch.tensor(pw, dtype=a.dtype, device=a.device)
        return F.binary_cross_entropy_with_logits(a, b, weight=wt, pos_weight=pwt,
                                                  reduction=red)

    if isinstance(pw, torch.Tensor):  # per-class pos_weight: PyTorch's op broadcasts it
        return native(x, t, r, w)
    spec = ("bce_with_logits", math.nan if pw is None else pw, 0.0)
    return _apply(owner, x, t, w, r, block, 2, False, lambda a, b: _bce_plain(a, b, pw),
                  native, spec)


# -------------------------------------------------------------------------- focal
_FOCAL_PARAMS = (
    Param("alpha", 0.25, float, UNIT, optional=True,
          doc="weight of the positive class (1 - alpha for negatives); None disables"),
    Param("gamma", 2.0, float, NONNEGATIVE, doc="focusing exponent; 0 gives BCE"),
)
_TINY = 1e-30  # floor of 1 - p_t under a negative power; the factor it meets is then 0


def _focal_plain(x: torch.Tensor, t: torch.Tensor, alpha: float | None,
                 gamma: float) -> torch.Tensor:
    # torchvision's sigmoid_focal_loss, with 1 - p_t = t sigma(-x) + (1 - t) sigma(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    q = t * torch.sigmoid(-x) + (1 - t) * torch.sigmoid(x)
    loss = ce * q**gamma
    if alpha is not None:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return loss


def binary_focal_with_logits(input: torch.Tensor, target: torch.Tensor, *,
                             alpha: float | None = 0.25, gamma: float = 2.0,
                             reduction: str = "mean",
                             weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Binary (sigmoid) focal loss on logits, loss and gradient in one blocked pass.

    .. math::
        \ell = \alpha_t\,q^\gamma\,\mathrm{BCE}(x, t),\quad
        q = 1 - p_t = t\,\sigma(-x) + (1 - t)\,\sigma(x),\quad
        \alpha_t = \alpha t + (1 - \alpha)(1 - t)

    .. math::
        \partial\ell/\partial x = \alpha_t\big[(\sigma(x) - t)\,q^\gamma
        + \gamma\,q^{\gamma - 1}(1 - 2t)\,\sigma(x)\sigma(-x)\,\mathrm{BCE}\big]

    :math:`\sigma(\pm x)` come from one :math:`e^{-|x|}` (no cancellation), and BCE is
    :math:`\max(x, 0) - xt + \log1p(e^{-|x|})`. The eager composition (torchvision's
    formula) saves eight tensors; this saves one.

    Args:
        input: logits. target: probabilities in ``[0, 1]``, same shape.
        alpha: in ``[0, 1]`` or ``None`` (default 0.25). gamma: in ``[0, inf)`` (default 2).
        reduction: ``'none' | 'mean' | 'sum'``. weight: broadcasts to ``input``.

    Example:
        >>> import torch
        >>> binary_focal_with_logits(torch.tensor([0.0]), torch.tensor([1.0]),
        ...                          alpha=None, gamma=1.0)
        tensor(0.3466)
    """
    owner = "binary_focal"
    x, t, r, w = _prepare(owner, input, target, reduction, weight)
    kw = check_params(owner, _FOCAL_PARAMS, {"alpha": alpha, "gamma": gamma})
    al, ga = kw["alpha"], kw["gamma"]

    def block(x, t, lb, gb, s):
        e, rr, p, pm, q, u = s[0], s[1], s[2], s[3], s[4], s[5]
        torch.abs(x, out=e)
        e.neg_().exp_()  # e = exp(-|x|)
        # sigma(|x|) = r = 1/(1 + e), sigma(-|x|) = e r; with h = 1[x > 0] (from sign):
        # sigma(x) = e r + h (r - e r), sigma(-x) = r - h (r - e r); no cancellation
        torch.add(e, 1.0, out=rr)
        rr.reciprocal_()
        torch.mul(e, rr, out=u)  # e r
        torch.sub(rr, u, out=q)  # r - e r
        torch.sign(x, out=pm)
        pm.clamp_min_(0.0)  # h
        torch.addcmul(u, pm, q, out=p)  # sigma(x)
        torch.addcmul(rr, pm, q, value=-1.0, out=pm)  # sigma(-x)
        u.mul_(rr)  # sigma(x) sigma(-x) = e r^2
        # BCE = max(x, 0) - x t + log1p(exp(-|x|))
        torch.log1p(e, out=lb)
        torch.clamp_min(x, 0.0, out=e)
        lb.add_(e).addcmul_(x, t, value=-1.0)
        torch.sub(p, t, out=gb)  # sigma(x) - t
        if ga != 0.0:
            torch.sub(pm, p, out=q)
            q.mul_(t).add_(p)  # q = 1 - p_t = p + t (sigma(-x) - p)
            # u <- gamma q^(gamma-1) (1 - 2t) sigma sigma' BCE
            torch.mul(t, -2.0, out=rr)
            rr.add_(1.0)
            u.mul_(rr).mul_(lb).mul_(ga)
            if ga == 1.0:
                gb.mul_(q).add_(u)
                lb.mul_(q)
            elif ga == 2.0:
                u.mul_(q)
                gb.mul_(q).mul_(q).add_(u)
                lb.mul_(q).mul_(q)
            else:
                torch.clamp_min(q, _TINY, out=rr)
                rr.pow_(ga - 1.0)  # q^(gamma - 1); q^gamma = q^(gamma - 1) q
                u.mul_(rr)
                rr.mul_(q)
                gb.mul_(rr).add_(u)
                lb.mul_(rr)
        if al is not None:
            # alpha_t = (1 - alpha) + (2 alpha - 1) t
            torch.mul(t, 2.0 * al - 1.0, out=e)
            e.add_(1.0 - al)
            lb.mul_(e)
            gb.mul_(e)

    spec = ("binary_focal", math.nan if al is None else al, ga)
    return _apply(owner, x, t, w, r, block, 6, False,
                  lambda a, b: _focal_plain(a, b, al, ga), spec=spec)


#: torchvision's name for the same loss
sigmoid_focal = binary_focal_with_logits


# ------------------------------------------------------------------ huber, smooth l1
_DELTA = (Param("delta", 1.0, float, POSITIVE, doc="where the loss turns linear"),)
_SMOOTH_BETA = (Param("beta", 1.0, float, NONNEGATIVE,
                      doc="width of the quadratic zone; 0 gives L1"),)


def _huber_block(delta: float, div: float) -> LossBlock:
    def block(x, t, lb, gb, s):
        d = s[0]
        torch.sub(x, t, out=d)
        # c = clamp(d, -delta, delta) is the derivative; the loss is c (d - c/2):
        # d^2/2 inside, delta (|d| - delta/2) outside
        torch.clamp(d, -delta, delta, out=gb)
        torch.add(d, gb, alpha=-0.5, out=lb)
        lb.mul_(gb)
        if div != 1.0:
            lb.div_(div)
            gb.div_(div)

    return block


def huber(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
          weight: torch.Tensor | None = None, delta: float = 1.0) -> torch.Tensor:
    r"""Huber loss with its derivative :math:`\mathrm{clamp}(x - y, -\delta, \delta)`.

    .. math::
        \ell = c\,(d - c/2),\quad d = x - y,\quad c = \mathrm{clamp}(d, -\delta, \delta)

    which is :math:`d^2/2` for :math:`|d| \le \delta` and
    :math:`\delta(|d| - \delta/2)` outside (PyTorch's ``huber_loss``).

    Example:
        >>> import torch
        >>> huber(torch.tensor([0.5, 3.0]), torch.zeros(2), reduction="none")
        tensor([0.1250, 2.5000])
    """
    owner = "huber"
    x, t, r, w = _prepare(owner, input, target, reduction, weight)
    dl = check_params(owner, _DELTA, {"delta": delta})["delta"]
    def native(a: torch.Tensor, b: torch.Tensor, red: str, wt: torch.Tensor | None
               ) -> torch.Tensor:
        if wt is None:
            return F.huber_loss(a, b, reduction=red, delta=dl)
        return _finish(F.huber_loss(a, b, reduction="none", delta=dl), red, wt, owner)

    return _apply(owner, x, t, w, r, _huber_block(dl, 1.0), 1, True,
                  lambda a, b: F.huber_loss(a, b, reduction="none", delta=dl), native,
                  ("huber", dl, 1.0))


def smooth_l1(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
              weight: torch.Tensor | None = None, beta: float = 1.0) -> torch.Tensor:
    r"""Smooth L1: Huber with :math:`\delta = \beta`, divided by :math:`\beta`.

    :math:`d^2/(2\beta)` for :math:`|d| < \beta`, else :math:`|d| - \beta/2`; derivative
    :math:`\mathrm{clamp}(d/\beta, -1, 1)`; ``beta = 0`` is L1 with derivative
    :math:`\mathrm{sign}(d)` (PyTorch's ``smooth_l1_loss``).

    Example:
        >>> import torch
        >>> smooth_l1(torch.tensor([0.5, 3.0]), torch.zeros(2), reduction="none")
        tensor([0.1250, 2.5000])
    """
    owner = "smooth_l1"
    x, t, r, w = _prepare(owner, input, target, reduction, weight)
    b = check_params(owner, _SMOOTH_BETA, {"beta": beta})["beta"]

    def l1_block(x, t, lb, gb, s):
        torch.sub(x, t, out=lb)
        torch.sign(lb, out=gb)
        lb.abs_()

    def native(a: torch.Tensor, c: torch.Tensor, red: str, wt: torch.Tensor | None
               ) -> torch.Tensor:
        if wt is None:
            return F.smooth_l1_loss(a, c, reduction=red, beta=b)
        return _finish(F.smooth_l1_loss(a, c, reduction="none", beta=b), red, wt, owner)

    block = l1_block if b == 0.0 else _huber_block(b, b)
    spec = ("l1", 0.0, 0.0) if b == 0.0 else ("huber", b, b)
    return _apply(owner, x, t, w, r, block, 1, True,
                  lambda a, c: F.smooth_l1_loss(a, c, reduction="none", beta=b), native, spec)


# ------------------------------------------------------------------------- log-cosh
def _log_cosh_plain(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    # log cosh d = |d| + log1p(exp(-2|d|)) - log 2
    a = (x - t).abs()
    return a + torch.log1p(torch.exp(-2.0 * a)) - _LOG2


def log_cosh(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
             weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Log-cosh loss, :math:`\log\cosh(x - y)`, with derivative :math:`\tanh(x - y)`.

    With :math:`a = |d|` and :math:`m = \mathrm{expm1}(-2a)`:
    :math:`\log\cosh d = a + \log1p(m + 1) - \log 2` and
    :math:`\tanh d = \mathrm{sign}(d)\,(-m)/(2 + m)`, both from one ``expm1``.

    Example:
        >>> import torch
        >>> log_cosh(torch.tensor([1.0]), torch.tensor([0.0]))
        tensor(0.4338)
    """
    owner = "log_cosh"
    x, t, r, w = _prepare(owner, input, target, reduction, weight)

    def block(x, t, lb, gb, s):
        d, m = s[0], s[1]
        torch.sub(x, t, out=d)
        torch.abs(d, out=lb)
        torch.mul(lb, -2.0, out=m)
        m.expm1_()  # m = exp(-2|d|) - 1
        torch.add(m, 2.0, out=gb)
        torch.div(m, gb, out=gb)
        gb.neg_()  # tanh|d| = -m / (2 + m)
        torch.copysign(gb, d, out=gb)
        m.add_(1.0).log1p_()
        lb.add_(m).sub_(_LOG2)

    return _apply(owner, x, t, w, r, block, 2, True, _log_cosh_plain,
                  spec=("log_cosh", 0.0, 0.0))
