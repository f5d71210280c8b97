"""Fast Dice and Tversky losses: three per-sample sums, a closed-form gradient.

Both are :math:`1 - (aI + s)/(bI + cP + dT + s)` with :math:`I = \\sum p t`,
:math:`P = \\sum p`, :math:`T = \\sum t` per sample (Dice: ``a=2, b=0, c=d=1``;
Tversky: ``a=1, b=1-alpha-beta, c=alpha, d=beta``). The gradient is affine in the
target, :math:`\\partial\\ell/\\partial p_k = A + B t_k` with
:math:`A = cN/D^2`, :math:`B = (bN - aD)/D^2` (:math:`N, D` the numerator and the
denominator), so nothing but six numbers per sample is kept; the plain composition
materialises ``p*t``, ``p*(1-t)`` and ``(1-p)*t`` and saves them. A graph-building
backward differentiates that composition instead (double backward works).
"""

from __future__ import annotations

import torch

from actloss._reduction import reduce
from actloss.kernels._common import reference_grads

__all__ = ["region"]


def _plain(p: torch.Tensor, t: torch.Tensor, coef: tuple[float, ...], s: float) -> torch.Tensor:
    a, b, c, d = coef
    inter = (p * t).sum(1)
    return 1.0 - (a * inter + s) / (b * inter + c * p.sum(1) + d * t.sum(1) + s)


def _sums(p: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, ...]:
    # I = sum p t per sample (vecdot: measured 40x faster than per-row dot or bmm here)
    return torch.linalg.vecdot(p, t, dim=1), p.sum(1), t.sum(1)


class _Region(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, t, coef, s, from_logits, owner):  # type: ignore[override]
        a, b, c, d = coef
        p = torch.sigmoid(x) if from_logits else x
        inter, ps, ts = _sums(p, t)
        num = inter * a + s
        den = inter * b + ps * c + ts * d + s
        ctx.save_for_backward(x, t, num, den)
        ctx.coef, ctx.s, ctx.from_logits = coef, s, from_logits
        return 1.0 - num / den

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        x, t, num, den = ctx.saved_tensors
        if torch.is_grad_enabled():
            def reference(v: torch.Tensor) -> torch.Tensor:
                return _plain(torch.sigmoid(v) if ctx.from_logits else v, t, ctx.coef, ctx.s)

            return reference_grads(reference, (x,), g, (True,)) + (None,) * 5
        a, b, c, _ = ctx.coef
        d2 = den * den
        big_a = (num * c / d2 * g).unsqueeze(1)
        big_b = ((num * b - den * a) / d2 * g).unsqueeze(1)
        grad = torch.addcmul(big_a, big_b, t)  # A + B t
        if ctx.from_logits:
            p = torch.sigmoid(x)
            grad.mul_(p).mul_(p.neg_().add_(1.0))  # d sigma/dz = p (1 - p)
        return grad, None, None, None, None, None


def region(name: str, p: torch.Tensor, t: torch.Tensor, *, reduction: str,
           weight: torch.Tensor | None, smooth: float, alpha: float = 0.5,
           beta: float = 0.5) -> torch.Tensor:
    """Dice (``name='dice'``) or Tversky of validated ``(N, M)`` probabilities and masks."""
    if name == "dice":
        coef = (2.0, 0.0, 1.0, 1.0)
    else:
        # TP + al FP + be FN = (1 - al - be) I + al P + be T, with FP = P - I, FN = T - I
        coef = (1.0, 1.0 - alpha - beta, alpha, beta)
    tt = t.to(p.dtype)
    if torch.is_grad_enabled() and p.requires_grad:
        per = _Region.apply(p.contiguous(), tt.contiguous(), coef, smooth, False, name)
    else:
        with torch.no_grad():
            per = _Region.forward(_NoCtx(), p.contiguous(), tt.contiguous(), coef, smooth,
                                  False, name)
    return reduce(per, reduction, weight=weight, owner=name, mean_by="count")


class _NoCtx:
    """A stand-in for autograd's context when no graph is recorded."""

    def save_for_backward(self, *tensors: torch.Tensor) -> None:
        pass
