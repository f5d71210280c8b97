"""Fast element-wise losses: the gradient is computed with the loss, in one pass.

For ``'mean'`` and ``'sum'`` the forward writes :math:`\\partial L/\\partial x`, already
scaled by the reduction, into one buffer; the first backward multiplies it by the
incoming scalar in place (skipping a factor of 1) and hands it to autograd, which adopts
it as ``.grad`` without a copy. For ``'none'`` it keeps the per-element derivative.

A backward that builds a graph (``create_graph=True``), or a second backward through the
same forward (``retain_graph=True``) after the buffer was handed over, recomputes the
gradient from the saved inputs with the differentiable reference (the catalog's
formula): it never refuses.

Float32 CPU input runs the native one-pass form (:mod:`actloss.kernels._native`); the
eager block-wise forms (binary focal, log-cosh: the ones that beat PyTorch's
composition) run for float32 and float64. Semantics follow the catalog: element-wise
``weight`` multiplies the per-element loss and ``'mean'`` divides by the number of
elements.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

from actloss.kernels import _native
from actloss.kernels._common import BLOCK_ELEMENTS, blocks, reference_grads, scale_in_place

__all__ = ["REFERENCES", "eager_loss", "native_loss"]

Scratch = list[torch.Tensor]
# (x, t, loss out, grad out, scratch) -> None
LossBlock = Callable[[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, Scratch], None]
_LOG2 = math.log(2.0)
_TINY = 1e-30  # floor of 1 - p_t under a negative power; the factor it meets is then 0


# ------------------------------------------------------------------ references
def _bce(x: torch.Tensor, t: torch.Tensor, pos_weight: float | None = None,
         **_: object) -> torch.Tensor:
    pw = None if pos_weight is None else torch.tensor(pos_weight, dtype=x.dtype)
    return F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="none")


def _focal(x: torch.Tensor, t: torch.Tensor, alpha: float | None = 0.25, gamma: float = 2.0,
           **_: object) -> torch.Tensor:
    # the catalog's form: (1 - p_t)^gamma = exp(gamma log(1 - p_t)), the log from
    # logsigmoid terms combined by a softplus (finite derivatives of every order)
    ls, lm = F.logsigmoid(x), F.logsigmoid(-x)
    bce = -(t * ls + (1 - t) * lm)
    loss = bce
    if gamma:
        tiny = torch.finfo(x.dtype).tiny
        a = torch.log(t.clamp_min(tiny)) + lm
        b = torch.log((1 - t).clamp_min(tiny)) + ls
        log_q = torch.where(a >= b, a + F.softplus(b - a), b + F.softplus(a - b))
        loss = torch.exp(gamma * log_q) * bce
    if alpha is not None:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return loss


def _huber(x: torch.Tensor, t: torch.Tensor, delta: float = 1.0, **_: object) -> torch.Tensor:
    return F.huber_loss(x, t, reduction="none", delta=delta)


def _smooth_l1(x: torch.Tensor, t: torch.Tensor, beta: float = 1.0,
               **_: object) -> torch.Tensor:
    return F.smooth_l1_loss(x, t, reduction="none", beta=beta)


def _log_cosh(x: torch.Tensor, t: torch.Tensor, **_: object) -> torch.Tensor:
    # log cosh d = |d| + log1p(exp(-2|d|)) - log 2
    a = (x - t).abs()
    return a + torch.log1p(torch.exp(-2.0 * a)) - _LOG2


#: per-element reference of each loss, by catalog name (differentiable, PyTorch's ops)
REFERENCES: dict[str, Callable[..., torch.Tensor]] = {
    "bce_with_logits": _bce, "binary_focal": _focal, "huber": _huber,
    "smooth_l1": _smooth_l1, "log_cosh": _log_cosh,
}


def _reduced(per: torch.Tensor, w: torch.Tensor | None, reduction: str) -> torch.Tensor:
    if w is not None:
        per = per * w
    if reduction == "none":
        return per
    return per.sum() / per.numel() if reduction == "mean" else per.sum()


# ---------------------------------------------------------------------- passes
def _run(block: LossBlock | None, n_scratch: int, x: torch.Tensor, t: torch.Tensor,
         w: torch.Tensor | None, reduction: str, native: tuple[str, float, float] | None
         ) -> tuple[torch.Tensor, torch.Tensor]:
    """Loss (reduced, or per element for 'none') and d(loss)/dx scaled by the reduction."""
    xf, tf = x.contiguous().view(-1), t.to(x.dtype).contiguous().view(-1)
    wf = None if w is None else w.to(x.dtype).expand(x.shape).contiguous().view(-1)
    n = xf.numel()
    scale = 1.0 / n if reduction == "mean" and n else 1.0
    if native is not None:
        out, grad = _native.loss(native[0], xf, tf, wf, reduction == "none", scale,
                                 native[1], native[2])
        if isinstance(out, torch.Tensor):
            return out.view(x.shape), grad.view(x.shape)
        return x.new_tensor(out * scale), grad.view(x.shape)
    assert block is not None
    grad = torch.empty_like(xf)
    size = max(1, min(n, BLOCK_ELEMENTS))
    per = torch.empty_like(xf) if reduction == "none" else None
    lscr = torch.empty(size, dtype=x.dtype, device=x.device)
    s = [torch.empty(size, dtype=x.dtype, device=x.device) for _ in range(n_scratch)]
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
        return per.view(x.shape), grad.view(x.shape)
    return torch.stack(partial).sum() * scale, grad.view(x.shape)


class _FusedLoss(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, t, w, name, params, reduction, block, n_scratch, native):  # type: ignore[override]
        loss, grad = _run(block, n_scratch, x, t, w, reduction, native)
        ctx.grad, ctx.reduction, ctx.name, ctx.params = grad, reduction, name, params
        ctx.save_for_backward(x, t, w)
        return loss

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        x, t, w = ctx.saved_tensors
        grad = ctx.grad
        if torch.is_grad_enabled() or grad is None or ctx.needs_input_grad[1]:
            ref = REFERENCES[ctx.name]

            def reference(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
                return _reduced(ref(a, b, **ctx.params), w, ctx.reduction)

            gx, gt = reference_grads(reference, (x, t), g, ctx.needs_input_grad[:2])
            return gx, gt, None, None, None, None, None, None, None
        ctx.grad = None  # handed over: a second backward recomputes
        grad = grad.mul_(g) if ctx.reduction == "none" else scale_in_place(grad, g)
        return grad, None, None, None, None, None, None, None, None


def _apply(name: str, x: torch.Tensor, t: torch.Tensor, w: torch.Tensor | None,
           reduction: str, params: dict[str, object], block: LossBlock | None,
           n_scratch: int, native: tuple[str, float, float] | None) -> torch.Tensor:
    if torch.is_grad_enabled() and (x.requires_grad or t.requires_grad):
        return _FusedLoss.apply(x, t, w, name, params, reduction, block, n_scratch, native)
    with torch.no_grad():
        return _run(block, n_scratch, x, t, w, reduction, native)[0]


def native_loss(name: str, x: torch.Tensor, t: torch.Tensor, *, reduction: str,
                weight: torch.Tensor | None, **params: object) -> torch.Tensor:
    """The native one-pass form of ``name`` (float32 CPU)."""
    if name == "bce_with_logits":
        pw = params.get("pos_weight")
        spec = ("bce_with_logits", math.nan if pw is None else float(pw), 0.0)
    elif name == "binary_focal":
        al = params.get("alpha")
        spec = ("binary_focal", math.nan if al is None else float(al), float(params["gamma"]))
    elif name == "huber":
        spec = ("huber", float(params["delta"]), 1.0)
    elif name == "smooth_l1":
        b = float(params["beta"])
        spec = ("l1", 0.0, 0.0) if b == 0.0 else ("huber", b, b)
    else:
        spec = ("log_cosh", 0.0, 0.0)
    return _apply(name, x, t, weight, reduction, dict(params), None, 0, spec)


def eager_loss(name: str, x: torch.Tensor, t: torch.Tensor, *, reduction: str,
               weight: torch.Tensor | None, **params: object) -> torch.Tensor:
    """The eager block-wise form of ``name`` (binary focal or log-cosh)."""
    if name == "binary_focal":
        block = _focal_block(params.get("alpha"), float(params["gamma"]))  # type: ignore[arg-type]
        return _apply(name, x, t, weight, reduction, dict(params), block, 6, None)
    return _apply(name, x, t, weight, reduction, dict(params), _log_cosh_block, 2, None)


# ---------------------------------------------------------------------- blocks
def _focal_block(al: float | None, ga: float) -> LossBlock:
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

    return block


def _log_cosh_block(x, t, lb, gb, s):
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
