"""Fused softmax losses: cross-entropy, softmax focal, and linear + cross-entropy.

Rows are processed in blocks. Per block the log-sum-exp, the loss and the gradient
:math:`\\partial L/\\partial z = c_i\\,\\mathrm{softmax}(z_i) - (\\ldots)` are computed while
the block is in cache, and the gradient is written straight into the one buffer the
backward hands to autograd: PyTorch's composition instead keeps ``log_softmax`` for the
backward and allocates the gradient there, about three times the logits in all.
With the native library, float32 cross-entropy runs ``actloss_ce_rows`` instead (one
row at a time while it is in L2, the gradient streamed once into the same buffer).

``linear_cross_entropy`` never materialises the ``(N, V)`` logits: each block of rows
is projected, reduced and differentiated in turn; the gradients for ``hidden``,
``weight`` and ``bias`` are accumulated as it goes (for ``'none'`` they are recomputed
in the backward, scaled per row).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from actloss.kernels import _native
from actloss.kernels._common import blocks, reference_grads, scale_in_place

__all__ = ["cross_entropy_native", "cross_entropy_rows", "linear_cross_entropy",
           "softmax_focal_rows"]

#: elements of logits per row block of cross_entropy (4 MiB of float32; the sweep in
#: ``benchmarks/tune.py`` gave 0.76 of PyTorch's time here against 0.86 at 1 MiB)
CE_BLOCK_ELEMENTS = 1 << 20
#: elements of logits per row block of linear_cross_entropy (64 MiB of float32)
LCE_BLOCK_ELEMENTS = 1 << 24
_TINY = 1e-30

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
        ctx.grad, ctx.reduction, ctx.kind = grad, reduction, kind
        ctx.args = (eps, gamma, denom)
        ctx.save_for_backward(x, t, v, wt, w)
        return _reduce_rows(per, reduction, denom)

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        grad = ctx.grad
        if torch.is_grad_enabled() or grad is None:
            x, t, v, wt, w = ctx.saved_tensors
            eps, gamma, denom = ctx.args

            def reference(z: torch.Tensor) -> torch.Tensor:
                return rows_reference(z, t, v, wt, w, ctx.kind, eps, gamma, ctx.reduction,
                                      denom)

            return reference_grads(reference, (x,), g, (True,)) + (None,) * 10
        ctx.grad = None  # handed over: a second backward recomputes
        if ctx.reduction == "none":
            grad.mul_(g.unsqueeze(1))
        else:
            grad = scale_in_place(grad, g)
        return (grad,) + (None,) * 10


class _NativeRows(_FusedRows):
    """Cross-entropy rows by the native kernel (float32 CPU): each row's max, sum and
    gradient while the row is in cache, the gradient streamed once into the buffer
    handed to autograd. The backward is :class:`_FusedRows`'s."""

    @staticmethod
    def forward(ctx, x, t, v, wt, kind, w, eps, w_sum, gamma, reduction, denom):  # type: ignore[override]
        scale = 1.0 / denom if reduction == "mean" and denom > 0 else 1.0
        per, grad = _native.ce_rows(x, t, wt, v, w, eps, w_sum, scale, with_grad=True)
        ctx.grad, ctx.reduction, ctx.kind = grad, reduction, kind
        ctx.args = (eps, gamma, denom)
        ctx.save_for_backward(x, t, v, wt, w)
        return _reduce_rows(per, reduction, denom)


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


def _run_rows(x, t, w, ig, r, kind, eps, gamma, native=False):
    safe, v, wt = _row_terms(t, ig, w, x.dtype)
    denom = float(wt.sum()) if r == "mean" else 1.0
    if r == "mean" and denom == 0.0:
        denom = math.nan  # nothing kept: the mean is 0/0, as PyTorch's
    w_sum = float(x.shape[1]) if w is None else float(w.sum())
    args = (safe, v, wt, kind, w, eps, w_sum, gamma, r, denom)
    if torch.is_grad_enabled() and x.requires_grad:
        return (_NativeRows if native else _FusedRows).apply(x.contiguous(), *args)
    with torch.no_grad():
        if native:
            per, _ = _native.ce_rows(x.contiguous(), safe, wt, v, w, eps, w_sum, 1.0,
                                     with_grad=False)
            return _reduce_rows(per, r, denom)
        return _rows_no_grad(x.contiguous(), *args)


def cross_entropy_rows(x: torch.Tensor, t: torch.Tensor, *, weight: torch.Tensor | None,
                       ignore_index: int, label_smoothing: float,
                       reduction: str) -> torch.Tensor:
    """Cross-entropy of validated ``(N, C)`` logits and class indices, by row blocks.

    Same value as ``torch.nn.functional.cross_entropy`` (class weights, ``ignore_index``,
    label smoothing, ``'mean'`` divided by the summed weight of kept rows); the gradient
    is written in place of PyTorch's saved ``log_softmax``.
    """
    w = None if weight is None else weight.to(x.dtype)
    return _run_rows(x, t.long(), w, ignore_index, reduction, "ce", label_smoothing, 0.0)


def cross_entropy_native(x: torch.Tensor, t: torch.Tensor, *, weight: torch.Tensor | None,
                         ignore_index: int, label_smoothing: float,
                         reduction: str) -> torch.Tensor:
    """:func:`cross_entropy_rows` by the native kernel (float32 CPU, library loaded)."""
    w = None if weight is None else weight.to(x.dtype).contiguous()
    return _run_rows(x, t.long(), w, ignore_index, reduction, "ce", label_smoothing, 0.0,
                     native=True)


def softmax_focal_rows(x: torch.Tensor, t: torch.Tensor, *, gamma: float,
                       weight: torch.Tensor | None, ignore_index: int,
                       reduction: str) -> torch.Tensor:
    r"""Softmax focal loss of validated ``(N, C)`` logits and class indices, by row blocks.

    :math:`\ell_i = -w_{t_i}(1 - p_{t_i})^\gamma\log p_{t_i}`, ``'mean'`` divided by
    the summed class weight of kept rows, as the catalog's ``categorical_focal``.
    """
    w = None if weight is None else weight.to(x.dtype)
    return _run_rows(x, t.long(), w, ignore_index, reduction, "focal", 0.0, gamma)


def rows_reference(z: torch.Tensor, t: torch.Tensor, v: torch.Tensor, wt: torch.Tensor,
                   w: torch.Tensor | None, kind: str, eps: float, gamma: float, r: str,
                   denom: float) -> torch.Tensor:
    """The differentiable composition of the row losses (``t``, ``v``, ``wt`` from
    :func:`_row_terms`): what a graph-building backward differentiates."""
    logp = F.log_softmax(z, 1)
    lpt = logp.gather(1, t.unsqueeze(1)).squeeze(1)
    if kind == "ce":
        per = -(1.0 - eps) * wt * lpt
        if eps:
            wc = logp if w is None else logp * w
            per = per - eps * v * wc.sum(1) / z.shape[1]
    else:
        per = -(wt * (-torch.expm1(lpt)).pow(gamma) * lpt)
    return _reduce_rows(per, r, denom)


# -------------------------------------------------------------- linear + cross-entropy
class _LinearCE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, h, wgt, bias, t, v, wt, eps, softcap, reduction, denom, block_rows):  # type: ignore[override]
        need = ctx.needs_input_grad
        want = reduction != "none" and (need[0] or need[1] or need[2])
        scale = 1.0 / denom if reduction == "mean" and denom > 0 else 1.0
        per, grads = _lce_pass(h, wgt, bias, t, v, wt, eps, softcap, block_rows,
                               scale if want else None, need[:3])
        ctx.reduction = reduction
        ctx.args = (eps, softcap, block_rows, denom)
        ctx.grads = grads if want else None
        ctx.save_for_backward(h, wgt, bias, t, v, wt)
        return _reduce_rows(per, reduction, denom)

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        h, wgt, bias, t, v, wt = ctx.saved_tensors
        eps, softcap, block_rows, denom = ctx.args
        need = ctx.needs_input_grad[:3]
        if torch.is_grad_enabled():
            # a graph-building backward: the reference composition, differentiated
            def reference(a, b, c):
                z = F.linear(a, b, c)
                if z.dtype in (torch.float16, torch.bfloat16):
                    z = z.float()
                if softcap is not None:
                    z = softcap * torch.tanh(z / softcap)
                return rows_reference(z, t, v, wt, None, "ce", eps, 0.0, ctx.reduction, denom)

            gh, gw, gb = reference_grads(reference, (h, wgt, bias), g, need)
        elif ctx.reduction == "none" or ctx.grads is None:
            scale = g.to(h.dtype) if ctx.reduction == "none" else \
                (1.0 / denom if ctx.reduction == "mean" and denom > 0 else 1.0) * float(g)
            _, (gh, gw, gb) = _lce_pass(h, wgt, bias, t, v, wt, eps, softcap, block_rows,
                                        scale, need)
        else:
            grads, ctx.grads = ctx.grads, None  # handed over: a second backward recomputes
            gh, gw, gb = (None if x is None else scale_in_place(x, g) for x in grads)
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


def linear_cross_entropy(h: torch.Tensor, wgt: torch.Tensor, t: torch.Tensor, *,
                         bias: torch.Tensor | None, ignore_index: int, label_smoothing: float,
                         softcap: float | None, reduction: str) -> torch.Tensor:
    """Cross-entropy of ``h @ wgt.T + bias`` (validated) without materialising the logits.

    Rows are taken in blocks of about 16M logits; each block is projected, reduced and
    differentiated, and the gradients of ``h``, ``wgt`` and ``bias`` accumulate as it
    goes, so the peak is one block plus the gradients instead of several ``(N, V)``
    tensors. With ``reduction='none'`` the backward recomputes the blocks, scaled per
    row. Half-precision inputs are reduced in float32.
    """
    cdt = torch.float32 if h.dtype in (torch.float16, torch.bfloat16) else h.dtype
    safe, v, wt = _row_terms(t, ignore_index, None, cdt)
    r = reduction
    denom = float(wt.sum()) if r == "mean" else 1.0
    if r == "mean" and denom == 0.0:
        denom = math.nan
    rows = max(1, LCE_BLOCK_ELEMENTS // max(wgt.shape[0], 1))
    args = (safe, v, wt, label_smoothing, softcap, r, denom, rows)
    out = _LinearCE.apply(h.contiguous(), wgt.contiguous(),
                          None if bias is None else bias.contiguous(), *args)
    return out.to(h.dtype)
