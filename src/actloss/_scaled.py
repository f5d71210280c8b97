"""Overflow-safe norms, unit vectors and cosines for the embedding losses.

The plain forms square the entries before summing, so a float32 vector of entries near
``1e19`` already overflows (``(1e19)^2 > 3.4e38``) and a norm, a cosine or a distance
turns into ``inf`` or ``NaN`` although the true result is representable. Here every
vector is divided by a per-row scale ``s`` first, ``||x|| = s ||x / s||``, with ``s`` the
power of two just below the row's largest magnitude. Dividing by a power of two is exact
(no rounding), so for ordinary inputs the values are those of the plain formula bit for
bit, and ``s`` is held constant under differentiation, so the gradients are the plain
formula's as well.

Rows of zeros, and rows holding ``inf`` or ``NaN``, use ``s = 1``: the plain formula and
its ``inf``/``NaN`` come through unchanged.
"""

from __future__ import annotations

import torch

__all__ = ["norm", "row_scale", "unit"]


def row_scale(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Per-row power-of-two scale along ``dim`` (kept, size 1), detached from autograd.

    ``s = 2^(e - 1)`` where ``max|x| = m 2^e``, ``m`` in ``[0.5, 1)``; so ``|x / s| < 2``.
    """
    with torch.no_grad():
        top = x.abs().amax(dim=dim, keepdim=True) if x.numel() else \
            torch.zeros_like(x.sum(dim=dim, keepdim=True))
        _, e = torch.frexp(top)
        s = torch.pow(torch.tensor(2.0, dtype=x.dtype, device=x.device), (e - 1).to(x.dtype))
        keep = (top > 0) & torch.isfinite(top)
        return torch.where(keep, s, torch.ones_like(s))


def norm(x: torch.Tensor, dim: int = -1, keepdim: bool = False, p: float = 2.0
         ) -> torch.Tensor:
    """``||x||_p`` along ``dim`` as ``s ||x / s||_p`` (``inf`` only where the norm is)."""
    s = row_scale(x, dim)
    r = torch.linalg.vector_norm(x / s, ord=p, dim=dim, keepdim=True)
    out = s * r
    return out if keepdim else out.squeeze(dim)


def unit(x: torch.Tensor, dim: int = -1, eps: float = 1e-12
         ) -> tuple[torch.Tensor, torch.Tensor]:
    """``(x / max(||x||, eps), max(||x||, eps))`` along ``dim``, the norm kept (size 1).

    The unit vector is ``(x/s) / max(||x/s||, eps/s)``: it never overflows, even where
    the norm itself exceeds the dtype's range (then the returned norm is ``inf``).
    """
    s = row_scale(x, dim)
    t = x / s
    r = torch.linalg.vector_norm(t, dim=dim, keepdim=True)
    return t / torch.maximum(r, eps / s), (s * r).clamp_min(eps)
