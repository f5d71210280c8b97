"""Fast activations: one native pass per direction, and an eager block-wise mish.

Each implementation takes a tensor the catalog has already validated, plus the
catalog's validated parameters, and returns what the catalog's reference returns within
the implementation's stated error bound (:mod:`actloss.kernels._table`).

* The native forms (float32 CPU, :mod:`actloss.kernels._native`) compute f(x), and f'(x)
  where it is saved, in one vectorised C pass; the backward is one multiplication (or one
  native pass from the saved output, or from the input: always for silu, softplus and
  mish, whose f'(x) costs less to recompute than to store and read back, and for the
  others with ``memory_efficient=True``). ReLU and leaky ReLU save a one-bit mask.
* The eager mish computes the value and the derivative from one exponential, block by
  block while the block is in cache (float32 and float64).

Outputs are PyTorch tensors with the input's strides (a channels-last input gives a
channels-last output), never views: in-place ops after them work as after PyTorch's.
Large ones reuse storages nothing refers to any more (:func:`_pool.output_like`).
Every backward that is asked to build a graph (``create_graph=True``) recomputes the
gradient with PyTorch's differentiable op instead (:func:`reference_grads`), so double
backward always works.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from actloss.kernels import _native
from actloss.kernels._common import BLOCK_ELEMENTS, blocks, reference_grads

__all__ = ["REFERENCES", "eager_mish", "native_act", "native_mask"]

Reference = Callable[..., torch.Tensor]


def _gelu_tanh(x: torch.Tensor, **_: object) -> torch.Tensor:
    return F.gelu(x, approximate="tanh")


#: the differentiable reference of each activation (PyTorch's op), by catalog name
REFERENCES: dict[str, Reference] = {
    "silu": lambda x, **p: F.silu(x),
    "mish": lambda x, **p: F.mish(x),
    "tanh": lambda x, **p: torch.tanh(x),
    "sigmoid": lambda x, **p: torch.sigmoid(x),
    "elu": lambda x, alpha=1.0, **p: F.elu(x, alpha),
    "softplus": lambda x, beta=1.0, threshold=20.0, **p: F.softplus(x, beta, threshold),
    "gelu_tanh": _gelu_tanh,
    "gelu": lambda x, approximate="none", **p: F.gelu(x, approximate=approximate),
    "relu": lambda x, **p: torch.relu(x),
    "leaky_relu": lambda x, negative_slope=0.01, **p: F.leaky_relu(x, negative_slope),
}


def _ref(name: str, params: dict[str, object]) -> Callable[[torch.Tensor], torch.Tensor]:
    fn = REFERENCES[name]
    return lambda x: fn(x, **params)


def _slow_backward(ctx: object, x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """The reference's gradient (with a graph under ``create_graph=True``)."""
    return reference_grads(_ref(ctx.name, ctx.params), (x,), g, (True,))[0]  # type: ignore[attr-defined]


# ------------------------------------------------------------------- native forms
_FROM_OUTPUT = ("tanh", "elu", "sigmoid")  # derivative from the output, as PyTorch's
_RECOMPUTE = ("silu", "softplus", "mish")  # f'(x) recomputed from x: cheaper than saved


class _NativeSaved(torch.autograd.Function):
    """One native pass computes f(x) and f'(x); saves f'(x) (only x when memory-efficient)."""

    @staticmethod
    def forward(ctx, x, name, kind, p1, p2, memory_efficient, params):  # type: ignore[override]
        xd = _native.dense(x)
        y, d = _native.act_forward(kind, xd, p1, p2, with_derivative=not memory_efficient)
        ctx.name, ctx.kind, ctx.p, ctx.params = name, kind, (p1, p2), params
        ctx.recompute = memory_efficient
        if memory_efficient:
            ctx.save_for_backward(x)
        else:
            ctx.save_for_backward(x, d)
        return y

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        saved = ctx.saved_tensors
        x = saved[0]
        if torch.is_grad_enabled():
            dx = _slow_backward(ctx, x, g)
        elif ctx.recompute:
            dx = _native.act_backward(ctx.kind, _native.dense(x), g, *ctx.p)
        else:
            dx = _native.act_mul(saved[1], g)
        return dx, None, None, None, None, None, None


class _NativeFromOutput(torch.autograd.Function):
    """f(x) in one native pass; the backward reads the output (tanh, elu, sigmoid)."""

    @staticmethod
    def forward(ctx, x, name, kind, p1, params):  # type: ignore[override]
        y, _ = _native.act_forward(kind, _native.dense(x), p1)
        ctx.name, ctx.kind, ctx.p1, ctx.params = name, kind, p1, params
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        x, y = ctx.saved_tensors
        if torch.is_grad_enabled():
            dx = _slow_backward(ctx, x, g)
        else:
            dx = _native.act_backward_from_output(ctx.kind, y, g, ctx.p1)
        return dx, None, None, None, None


class _NativeMask(torch.autograd.Function):
    """ReLU / leaky ReLU in one native pass, saving a one-bit mask 1[x > 0]."""

    @staticmethod
    def forward(ctx, x, name, slope, params):  # type: ignore[override]
        xd = _native.dense(x)
        y, mask = _native.relu_forward(xd, slope)
        ctx.name, ctx.slope, ctx.params = name, slope, params
        ctx.stride = xd.stride()
        ctx.save_for_backward(x, mask)
        return y

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        x, mask = ctx.saved_tensors
        if torch.is_grad_enabled():
            dx = _slow_backward(ctx, x, g)
        else:
            dx = _native.relu_backward(mask, g, ctx.slope, ctx.stride)
        return dx, None, None, None


def _plain_params(params: dict | None) -> dict:
    return {k: v for k, v in (params or {}).items() if k != "memory_efficient"}


def _wants_grad(x: torch.Tensor) -> bool:
    return torch.is_grad_enabled() and x.requires_grad


def native_act(name: str, kind: str, x: torch.Tensor, p1: float = 0.0, p2: float = 0.0,
               memory_efficient: bool = False, params: dict | None = None) -> torch.Tensor:
    """The native form of ``name`` (C kind ``kind``, parameters ``p1``, ``p2``);
    ``params`` are the catalog's, for the reference a graph-building backward runs."""
    params = _plain_params(params)
    if not _wants_grad(x):
        return _native.act_forward(kind, _native.dense(x), p1, p2)[0]
    if kind in _FROM_OUTPUT:
        return _NativeFromOutput.apply(x, name, kind, p1, params)
    return _NativeSaved.apply(x, name, kind, p1, p2, memory_efficient or kind in _RECOMPUTE,
                              params)


def native_mask(name: str, x: torch.Tensor, slope: float,
                params: dict | None = None) -> torch.Tensor:
    """ReLU (``slope = 0``) or leaky ReLU saving a one-bit mask."""
    params = _plain_params(params)
    if not _wants_grad(x):
        kind = "leaky_relu" if slope else "relu"
        return _native.act_forward(kind, _native.dense(x), slope)[0]
    return _NativeMask.apply(x, name, slope, params)


# ------------------------------------------------------------------ eager mish
_MISH_CLAMP = 20.0  # exp(2 * 20) is finite in float32 and tanh(softplus(20)) rounds to 1


def _mish_block(x: torch.Tensor, y: torch.Tensor, d: torch.Tensor | None,
                s: list[torch.Tensor]) -> None:
    e, r = s[0], s[1]
    # e = exp(x); tanh(softplus(x)) = ((1+e)^2 - 1)/((1+e)^2 + 1) = n/(n + 2), n = e(e + 2)
    torch.clamp_max(x, _MISH_CLAMP, out=e)
    e.exp_()
    torch.add(e, 2.0, out=r)
    r.mul_(e).add_(2.0).reciprocal_()  # r = 1/(n + 2)
    torch.add(e, 2.0, out=y)
    y.mul_(e).mul_(r)  # t = n r, no cancellation for x << 0
    if d is not None:
        # f' = t + x sigma(x) (1 - t^2), with 1 - t^2 = 4 r (1 - r), sigma = e/(1 + e);
        # x is clamped like e: beyond the clamp the term is below float32 resolution
        torch.mul(r, -4.0, out=d)
        d.add_(4.0).mul_(r).mul_(torch.clamp_max(x, _MISH_CLAMP)).mul_(e)
        torch.add(e, 1.0, out=e)
        d.div_(e).add_(y)
    y.mul_(x)  # mish = x t
    # x = +inf: t = 1 and the product is inf; x = -inf: the limit is 0 (-0), as PyTorch's
    y.masked_fill_(torch.isneginf(x), -0.0)
    if d is not None:
        d.masked_fill_(torch.isneginf(x), 0.0)


def _mish_pass(x: torch.Tensor, want_d: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``mish(x)`` (a fresh tensor with ``x``'s strides) and, if asked, ``mish'(x)``."""
    xd = _native.dense(x)
    y = torch.empty_like(xd)
    d = _native._saved_like(xd) if want_d else None
    xf = _flat(xd)  # memory order: flat views of the dense storages
    yf = _flat(y)
    df = None if d is None else _flat(d)
    n = xf.numel()
    size = max(1, min(n, BLOCK_ELEMENTS))
    s = [torch.empty(size, dtype=x.dtype) for _ in range(2)]
    for a, b in blocks(n, size):
        m = b - a
        _mish_block(xf[a:b], yf[a:b], None if df is None else df[a:b], [t[:m] for t in s])
    return y, d


def _flat(x: torch.Tensor) -> torch.Tensor:
    """A 1-d view of a dense tensor's elements in memory order."""
    return x.as_strided((x.numel(),), (1,), x.storage_offset())


class _EagerMish(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, memory_efficient):  # type: ignore[override]
        y, d = _mish_pass(x, want_d=not memory_efficient)
        ctx.name, ctx.params, ctx.recompute = "mish", {}, memory_efficient
        ctx.save_for_backward(*((x,) if memory_efficient else (x, d)))
        return y

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        saved = ctx.saved_tensors
        if torch.is_grad_enabled():
            return _slow_backward(ctx, saved[0], g), None
        if ctx.recompute:
            d = _mish_pass(saved[0], want_d=True)[1]
            return torch.mul(g, d), None
        return torch.mul(g, saved[1]), None


def eager_mish(x: torch.Tensor, memory_efficient: bool = False) -> torch.Tensor:
    """Mish from one exponential, block by block (float32/float64 CPU)."""
    if not _wants_grad(x):
        return _mish_pass(x, want_d=False)[0]
    return _EagerMish.apply(x, memory_efficient)
