"""Fused softmax losses: cross-entropy, softmax focal, and linear + cross-entropy.

Rows are processed in blocks. Per block the log-sum-exp, the loss and the gradient
:math:`\\partial L/\\partial z = c_i\\,\\mathrm{softmax}(z_i) - (\\ldots)` are computed while
the block is in cache, and the gradient is written straight into the one buffer the
backward hands to autograd: PyTorch's composition instead keeps ``log_softmax`` for the
backward and allocates the gradient there, about three times the logits in all.

``linear_cross_entropy`` never materialises the ``(N, V)`` logits: each block of rows
is projected, reduced and differentiated in turn; the gradients for ``hidden``,
``weight`` and ``bias`` are accumulated as it goes (for ``'none'`` they are recomputed
in the backward, scaled per row).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from actloss._validation import (
    NONNEGATIVE,
    POSITIVE,
    Interval,
    Param,
    check_param,
    check_params,
    check_tensor,
)
from actloss.errors import InputError
from actloss.kernels._common import (
    blocks,
    differentiable_once,
    scale_in_place,
    take_gradient,
    use_fused,
)
from actloss.losses._checks import check_all_finite
from actloss.losses._reduction import check_reduction

__all__ = ["cross_entropy", "linear_cross_entropy", "softmax_focal"]

#: elements of logits per row block of cross_entropy (4 MiB of float32; the sweep in
#: ``benchmarks/tune.py`` gave 0.76 of PyTorch's time here against 0.86 at 1 MiB)
CE_BLOCK_ELEMENTS = 1 << 20
#: elements of logits per row block of linear_cross_entropy (64 MiB of float32)
LCE_BLOCK_ELEMENTS = 1 << 24
_TINY = 1e-30

_LABEL_SMOOTHING = Param("label_smoothing", 0.0, float, Interval(0.0, 1.0, True, True),
                         doc="mass moved uniformly over the classes")
_IGNORE = Param("ignore_index", -100, int, doc="target value that contributes nothing")
_SOFTCAP = Param("softcap", None, float, POSITIVE, optional=True,
                 doc="logits become c tanh(z / c)")
_GAMMA = Param("gamma", 2.0, float, NONNEGATIVE, doc="focusing exponent; 0 gives CE")
_ALPHA = Param("alpha", None, float, NONNEGATIVE, optional=True, doc="scalar loss weight")


def _check_targets(owner: str, target: object, n: int, c: int, ignore_index: int
                   ) -> torch.Tensor:
    t = check_tensor(owner, "target", target, floating=False)
    if t.dtype not in (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8):
        raise InputError(f"`target` of {owner} must hold class indices (an integer tensor); "
                         f"got dtype {t.dtype}")
    if t.shape != (n,):
        raise InputError(f"`target` of {owner} must have shape ({n},) to match the input; "
                         f"got {tuple(t.shape)}")
    valid = t != ignore_index
    if bool((valid & ((t < 0) | (t >= c))).any()):
        raise InputError(f"`target` of {owner} must hold class indices in [0, {c}) or "
                         f"ignore_index={ignore_index}")
    return t.long()


def _check_class_weight(owner: str, weight: object, c: int, like: torch.Tensor
                        ) -> torch.Tensor | None:
    if weight is None:
        return None
    w = check_tensor(owner, "weight", weight)
    if w.shape != (c,):
        raise InputError(f"`weight` of {owner} must have shape ({c},), one per class; "
                         f"got {tuple(w.shape)}")
    return w.to(device=like.device, dtype=like.dtype)


def _row_terms(t: torch.Tensor, ignore_index: int, w: torch.Tensor | None, dtype: torch.dtype
               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Safe targets (ignored -> 0), validity (0/1) and per-row class weight (0 if ignored)."""
    valid = t != ignore_index
    safe = torch.where(valid, t, torch.zeros_like(t))
    v = valid.to(dtype)
    wt = v if w is None else w[safe] * v
    return safe, v, wt


def _ce_block(x: torch.Tensor, out: torch.Tensor, t: torch.Tensor, v: torch.Tensor,
              wt: torch.Tensor, w: torch.Tensor | None, eps: float, w_sum: float,
              row_scale: torch.Tensor | None) -> torch.Tensor:
    """Per-row CE of one block; if ``row_scale`` is given, its gradient into ``out``.

    ``out`` may be ``x`` itself (then ``x`` is consumed). Loss per row:
    :math:`(1-\\varepsilon) w_t(\\mathrm{lse} - z_t) + \\frac{\\varepsilon}{C}\\sum_j
    w_j(\\mathrm{lse} - z_j)`; gradient :math:`p_j((1-\\varepsilon)w_t +
    \\frac{\\varepsilon}{C}W) - (1-\\varepsilon)w_t\\delta_{jt} - \\frac{\\varepsilon}{C}w_j`.
    """
    c = x.shape[1]
    m = x.amax(1, keepdim=True)
    zt = x.gather(1, t.unsqueeze(1)).squeeze(1)
    if eps:
        zs = x.sum(1) if w is None else x @ w
    torch.sub(x, m, out=out)
    out.exp_()
    s = out.sum(1)
    lse = s.log().add_(m.squeeze(1))  # log sum exp z = m + log sum exp(z - m)
    loss = (lse - zt).mul_(wt).mul_(1.0 - eps)
    if eps:
        loss.add_((lse * w_sum - zs).mul_(v), alpha=eps / c)
    if row_scale is not None:
        hot = wt * row_scale * (1.0 - eps)
        coef = hot + (v * row_scale) * (eps / c * w_sum)
        out.mul_((coef / s).unsqueeze(1))
        out.scatter_add_(1, t.unsqueeze(1), hot.neg().unsqueeze(1))
        if eps:
            spread = (v * row_scale) * (eps / c)
            if w is None:
                out.sub_(spread.unsqueeze(1))
            else:
                out.addr_(spread, w, alpha=-1.0)
    return loss


def _focal_block(x: torch.Tensor, out: torch.Tensor, t: torch.Tensor, v: torch.Tensor,
                 wt: torch.Tensor, gamma: float, row_scale: torch.Tensor | None
                 ) -> torch.Tensor:
    """Per-row softmax focal loss of one block; its gradient into ``out`` if asked.

    :math:`\\ell = -w_t(1 - p_t)^\\gamma\\log p_t`; with :math:`c = \\partial\\ell/\\partial
    \\log p_t = -w_t[(1-p_t)^\\gamma - \\gamma p_t(1-p_t)^{\\gamma-1}\\log p_t]` the gradient
    is :math:`c(\\delta_{jt} - p_j)`.
    """
    m = x.amax(1, keepdim=True)
    zt = x.gather(1, t.unsqueeze(1)).squeeze(1)
    torch.sub(x, m, out=out)
    out.exp_()
    s = out.sum(1)
    lpt = zt - m.squeeze(1) - s.log()  # log p_t = z_t - lse
    om = torch.expm1(lpt).neg_()  # 1 - p_t = -expm1(log p_t), exact near p_t = 1
    if gamma == 0.0:
        mod, mod1 = torch.ones_like(om), torch.zeros_like(om)
    else:
        mod1 = om.clamp_min(_TINY).pow_(gamma - 1.0)  # (1 - p_t)^(gamma - 1)
        mod = mod1 * om
    loss = -(wt * mod * lpt)
    if row_scale is not None:
        c = -(wt * row_scale) * (mod - gamma * lpt.exp() * mod1 * lpt)
        c = torch.where(v > 0, c, torch.zeros_like(c))
        out.mul_((-c / s).unsqueeze(1))  # -c p_j
        out.scatter_add_(1, t.unsqueeze(1), c.unsqueeze(1))
    return loss


class _FusedRows(torch.autograd.Function):
    """Row-blocked softmax loss; the gradient buffer is handed to autograd."""

    @staticmethod
    def forward(ctx, x, t, v, wt, kind, w, eps, w_sum, gamma, reduction, denom):  # type: ignore[override]
        n, c = x.shape
        grad = torch.empty_like(x)
        rows = max(1, CE_BLOCK_ELEMENTS // max(c, 1))
        scale = 1.0 / denom if reduction == "mean" and denom > 0 else 1.0
        per = torch.empty(n, dtype=x.dtype, device=x.device)
        for a, b in blocks(n, rows):
            rs = torch.full((b - a,), scale, dtype=x.dtype, device=x.device)
            if kind == "ce":
                per[a:b] = _ce_block(x[a:b], grad[a:b], t[a:b], v[a:b], wt[a:b], w, eps,
                                     w_sum, rs)
            else:
                per[a:b] = _focal_block(x[a:b], grad[a:b], t[a:b], v[a:b], wt[a:b], gamma, rs)
        ctx.grad, ctx.reduction = grad, reduction
        ctx.owner = "cross_entropy" if kind == "ce" else "softmax_focal"
        return _reduce_rows(per, reduction, denom)

    @staticmethod
    @differentiable_once
    def backward(ctx, g):  # type: ignore[override]
        grad = take_gradient(ctx, "grad", ctx.owner)
        if ctx.reduction == "none":
            grad.mul_(g.unsqueeze(1))
        else:
            grad = scale_in_place(grad, g)
        return (grad,) + (None,) * 10


def _reduce_rows(per: torch.Tensor, reduction: str, denom: float) -> torch.Tensor:
    if reduction == "none":
        return per
    total = per.sum()
    return total / denom if reduction == "mean" else total


def _rows_no_grad(x, t, v, wt, kind, w, eps, w_sum, gamma, reduction, denom):
    n, c = x.shape
    rows = max(1, CE_BLOCK_ELEMENTS // max(c, 1))
    per = torch.empty(n, dtype=x.dtype, device=x.device)
    buf = torch.empty(min(rows, n), c, dtype=x.dtype, device=x.device)
    for a, b in blocks(n, rows):
        out = buf[: b - a]
        if kind == "ce":
            per[a:b] = _ce_block(x[a:b], out, t[a:b], v[a:b], wt[a:b], w, eps, w_sum, None)
        else:
            per[a:b] = _focal_block(x[a:b], out, t[a:b], v[a:b], wt[a:b], gamma, None)
    return _reduce_rows(per, reduction, denom)


def _prepare_rows(owner: str, input: object, target: object, weight: object,
                  ignore_index: object, reduction: object
                  ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None, int, str]:
    x = check_tensor(owner, "input", input)
    r = check_reduction(owner, reduction)
    ig = check_param(owner, _IGNORE, ignore_index)
    if x.dim() != 2:
        raise InputError(f"`input` of {owner} must have shape (N, C); got {tuple(x.shape)}")
    t = _check_targets(owner, target, x.shape[0], x.shape[1], ig)
    w = _check_class_weight(owner, weight, x.shape[1], x)
    return x, t, w, ig, r


def _run_rows(x, t, w, ig, r, kind, eps, gamma):
    safe, v, wt = _row_terms(t, ig, w, x.dtype)
    denom = float(wt.sum()) if r == "mean" else 1.0
    if r == "mean" and denom == 0.0:
        denom = math.nan  # nothing kept: the mean is 0/0, as PyTorch's
    w_sum = float(x.shape[1]) if w is None else float(w.sum())
    args = (safe, v, wt, kind, w, eps, w_sum, gamma, r, denom)
    if torch.is_grad_enabled() and x.requires_grad:
        return _FusedRows.apply(x.contiguous(), *args)
    with torch.no_grad():
        return _rows_no_grad(x.contiguous(), *args)


def cross_entropy(input: torch.Tensor, target: torch.Tensor, *,
                  weight: torch.Tensor | None = None, ignore_index: int = -100,
                  label_smoothing: float = 0.0, reduction: str = "mean") -> torch.Tensor:
    r"""Cross-entropy from logits with class indices, fused by row blocks.

    Same value as ``torch.nn.functional.cross_entropy`` (class weights, ``ignore_index``,
    label smoothing, ``'mean'`` divided by the summed weight of kept rows). The fused path
    (2-D float32/float64 CPU input) writes the gradient in place of PyTorch's saved
    ``log_softmax``; other inputs (more dimensions, probability targets, half precision,
    accelerators) call PyTorch's op.

    Args:
        input: logits ``(N, C)``. target: class indices ``(N,)``.
        weight: per-class weights ``(C,)``. ignore_index: default -100.
        label_smoothing: in ``[0, 1]``. reduction: ``'none' | 'mean' | 'sum'``.

    Example:
        >>> import torch
        >>> cross_entropy(torch.zeros(2, 4), torch.tensor([0, 3]))
        tensor(1.3863)
    """
    owner = "cross_entropy"
    eps = check_param(owner, _LABEL_SMOOTHING, label_smoothing)
    x0 = check_tensor(owner, "input", input)
    if x0.dim() != 2 or not isinstance(target, torch.Tensor) or target.is_floating_point() \
            or not use_fused(x0, min_elements=1, kernel=owner) \
            or (weight is not None and isinstance(weight, torch.Tensor) and weight.requires_grad):
        check_reduction(owner, reduction)
        check_param(owner, _IGNORE, ignore_index)
        return F.cross_entropy(x0, target, weight=weight, ignore_index=ignore_index,
                               label_smoothing=eps, reduction=reduction)
    x, t, w, ig, r = _prepare_rows(owner, x0, target, weight, ignore_index, reduction)
    return _run_rows(x, t, w, ig, r, "ce", eps, 0.0)


def softmax_focal(input: torch.Tensor, target: torch.Tensor, *, gamma: float = 2.0,
                  alpha: float | None = None, weight: torch.Tensor | None = None,
                  ignore_index: int = -100, reduction: str = "mean") -> torch.Tensor:
    r"""Categorical (softmax) focal loss from logits, fused by row blocks.

    .. math::
        \ell_i = -a\,w_{t_i}(1 - p_{t_i})^\gamma\log p_{t_i},\quad
        \partial\ell_i/\partial z_{ij} = c_i(\delta_{jt_i} - p_{ij})

    with :math:`c_i = -a w_t[(1-p_t)^\gamma - \gamma p_t(1-p_t)^{\gamma-1}\log p_t]` and
    :math:`1 - p_t = -\mathrm{expm1}(\log p_t)`. ``'mean'`` divides by the summed class
    weight of kept rows (as cross-entropy); ``gamma = 0`` gives cross-entropy.

    Args:
        input: logits ``(N, C)``. target: class indices ``(N,)``.
        gamma: in ``[0, inf)``, default 2. alpha: scalar factor ``a`` or ``None`` (1).
        weight: per-class weights ``(C,)``. ignore_index: default -100.
        reduction: ``'none' | 'mean' | 'sum'``.

    Example:
        >>> import torch
        >>> softmax_focal(torch.zeros(1, 2), torch.tensor([0]), gamma=1.0)
        tensor(0.3466)
    """
    owner = "softmax_focal"
    kw = check_params(owner, (_GAMMA, _ALPHA), {"gamma": gamma, "alpha": alpha})
    x, t, w, ig, r = _prepare_rows(owner, input, target, weight, ignore_index, reduction)
    a = kw["alpha"]
    if a is not None:
        w = (torch.ones(x.shape[1], dtype=x.dtype, device=x.device) if w is None else w) * a
    if not use_fused(x, min_elements=1, kernel=owner) or (w is not None and w.requires_grad):
        return _softmax_focal_plain(x, t, w, ig, r, kw["gamma"])
    return _run_rows(x, t, w, ig, r, "focal", 0.0, kw["gamma"])


def _softmax_focal_plain(x, t, w, ig, r, gamma):
    safe, _, wt = _row_terms(t, ig, w, x.dtype)
    lpt = F.log_softmax(x, 1).gather(1, safe.unsqueeze(1)).squeeze(1)
    om = -torch.expm1(lpt)  # 1 - p_t
    per = -(wt * om.pow(gamma) * lpt)
    if r == "none":
        return per
    return per.sum() / wt.sum() if r == "mean" else per.sum()


# -------------------------------------------------------------- linear + cross-entropy
class _LinearCE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, h, wgt, bias, t, v, wt, eps, softcap, reduction, denom, block_rows):  # type: ignore[override]
        need = ctx.needs_input_grad
        want = reduction != "none" and (need[0] or need[1] or need[2])
        scale = 1.0 / denom if reduction == "mean" and denom > 0 else 1.0
        per, grads = _lce_pass(h, wgt, bias, t, v, wt, eps, softcap, block_rows,
                               scale if want else None, need[:3])
        ctx.reduction, ctx.owner = reduction, "linear_cross_entropy"
        ctx.args = (eps, softcap, block_rows)
        if want:
            ctx.grads = grads
        else:
            ctx.save_for_backward(h, wgt, bias, t, v, wt)
        return _reduce_rows(per, reduction, denom)

    @staticmethod
    @differentiable_once
    def backward(ctx, g):  # type: ignore[override]
        if ctx.reduction == "none":
            h, wgt, bias, t, v, wt = ctx.saved_tensors
            eps, softcap, block_rows = ctx.args
            _, grads = _lce_pass(h, wgt, bias, t, v, wt, eps, softcap, block_rows,
                                 g.to(h.dtype), ctx.needs_input_grad[:3])
        else:
            grads = take_gradient(ctx, "grads", "linear_cross_entropy")
            grads = tuple(None if x is None else scale_in_place(x, g) for x in grads)
        gh, gw, gb = grads
        return gh, gw, gb, None, None, None, None, None, None, None, None


def _lce_pass(h, wgt, bias, t, v, wt, eps, softcap, block_rows, row_scale, need):
    """One pass over row blocks: per-row losses and, if ``row_scale``, the gradients."""
    n = h.shape[0]
    vocab = wgt.shape[0]
    cdt = torch.float32 if h.dtype in (torch.float16, torch.bfloat16) else h.dtype
    per = torch.empty(n, dtype=cdt, device=h.device)
    grads = (None, None, None)
    if row_scale is not None:
        gh = torch.empty_like(h) if need[0] else None
        gw = torch.zeros(wgt.shape, dtype=cdt, device=wgt.device) if need[1] else None
        gbias = torch.zeros(vocab, dtype=cdt, device=h.device) if need[2] else None
    rows = min(block_rows, max(n, 1))
    zbuf = torch.empty(rows, vocab, dtype=h.dtype, device=h.device)
    wsum = float(vocab)
    for a, b in blocks(n, rows):
        hb = h[a:b]
        z = zbuf[: b - a]
        if bias is None:
            torch.mm(hb, wgt.t(), out=z)
        else:
            torch.addmm(bias, hb, wgt.t(), out=z)
        zc = z if z.dtype == cdt else z.to(cdt)
        if row_scale is None:
            rs = None
        elif isinstance(row_scale, float):
            rs = torch.full((b - a,), row_scale, dtype=cdt, device=h.device)
        else:
            rs = row_scale[a:b].to(cdt)
        # the softmax part runs on sub-blocks that stay in cache (the matmul block does not)
        sub = max(1, CE_BLOCK_ELEMENTS // max(vocab, 1))
        for c0, c1 in blocks(b - a, sub):
            zs = zc[c0:c1]
            th = None
            if softcap is not None:
                # z <- c tanh(z / c); dz'/dz = 1 - tanh^2
                th = torch.tanh(zs / softcap)
                torch.mul(th, softcap, out=zs)
            lo, hi = a + c0, a + c1
            per[lo:hi] = _ce_block(zs, zs, t[lo:hi], v[lo:hi], wt[lo:hi], None, eps, wsum,
                                   None if rs is None else rs[c0:c1])
            if rs is not None and th is not None:
                zs.mul_(th.mul_(th).neg_().add_(1.0))
        if rs is None:
            continue
        gz = zc if zc.dtype == h.dtype else zc.to(h.dtype)
        if gh is not None:
            torch.mm(gz, wgt, out=gh[a:b])
        if gw is not None:
            gw.addmm_(gz.t().to(cdt), hb.to(cdt))
        if gbias is not None:
            gbias.add_(zc.sum(0))
    if row_scale is not None:
        grads = (gh,
                 None if gw is None else gw.to(wgt.dtype),
                 None if gbias is None else gbias.to(bias.dtype))
    return per, grads


def linear_cross_entropy(hidden: torch.Tensor, weight: torch.Tensor, target: torch.Tensor, *,
                         bias: torch.Tensor | None = None, ignore_index: int = -100,
                         label_smoothing: float = 0.0, softcap: float | None = None,
                         reduction: str = "mean") -> torch.Tensor:
    r"""Cross-entropy of ``hidden @ weight.T + bias`` without materialising the logits.

    Equal to ``cross_entropy(F.linear(hidden, weight, bias), target, ...)`` (with
    ``softcap`` the logits are first mapped to :math:`c\tanh(z/c)`). Rows are taken in
    blocks of about 16M logits; each block is projected, reduced and differentiated, and
    the gradients of ``hidden``, ``weight`` and ``bias`` accumulate as it goes, so the peak
    is one block plus the gradients instead of several ``(N, V)`` tensors. With
    ``reduction='none'`` the backward recomputes the blocks, scaled per row. Runs on every
    device; half-precision inputs are reduced in float32.

    Args:
        hidden: ``(N, H)``. weight: ``(V, H)``. target: class indices ``(N,)``.
        bias: ``(V,)`` or ``None``. ignore_index: default -100.
        label_smoothing: in ``[0, 1]``. softcap: in ``(0, inf)`` or ``None``.
        reduction: ``'none' | 'mean' | 'sum'``.

    Example:
        >>> import torch
        >>> h, w = torch.zeros(2, 3), torch.zeros(4, 3)
        >>> linear_cross_entropy(h, w, torch.tensor([0, 1]))
        tensor(1.3863)
    """
    owner = "linear_cross_entropy"
    h = check_tensor(owner, "hidden", hidden)
    wgt = check_tensor(owner, "weight", weight)
    r = check_reduction(owner, reduction)
    ig = check_param(owner, _IGNORE, ignore_index)
    eps = check_param(owner, _LABEL_SMOOTHING, label_smoothing)
    cap = check_param(owner, _SOFTCAP, softcap)
    if h.dim() != 2 or wgt.dim() != 2 or h.shape[1] != wgt.shape[1]:
        raise InputError(f"`hidden` (N, H) and `weight` (V, H) of {owner} must agree on H; "
                         f"got {tuple(h.shape)} and {tuple(wgt.shape)}")
    if h.dtype != wgt.dtype or h.device != wgt.device:
        raise InputError(f"`hidden` and `weight` of {owner} must share dtype and device; got "
                         f"{h.dtype} on {h.device} and {wgt.dtype} on {wgt.device}")
    if bias is not None:
        bias = check_tensor(owner, "bias", bias)
        if bias.shape != (wgt.shape[0],):
            raise InputError(f"`bias` of {owner} must have shape ({wgt.shape[0]},); "
                             f"got {tuple(bias.shape)}")
    t = _check_targets(owner, target, h.shape[0], wgt.shape[0], ig)
    # NaN/inf refused as losses.cross_entropy refuses them (one sum each; value_checks)
    check_all_finite(owner, "hidden", h)
    check_all_finite(owner, "weight", wgt)
    if bias is not None:
        check_all_finite(owner, "bias", bias)
    cdt = torch.float32 if h.dtype in (torch.float16, torch.bfloat16) else h.dtype
    safe, v, wt = _row_terms(t.to(h.device), ig, None, cdt)
    denom = float(wt.sum()) if r == "mean" else 1.0
    if r == "mean" and denom == 0.0:
        denom = math.nan
    rows = max(1, LCE_BLOCK_ELEMENTS // max(wgt.shape[0], 1))
    args = (safe, v, wt, eps, cap, r, denom, rows)
    out = _LinearCE.apply(h.contiguous(), wgt.contiguous(),
                          None if bias is None else bias.contiguous(), *args)
    return out.to(h.dtype)
