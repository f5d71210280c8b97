"""Fused, memory-light activations with closed-form derivatives.

Each activation here has PyTorch's semantics (values, the derivative used at a kink)
and two paths chosen by :func:`~actloss.kernels._common.use_fused`:

* small tensors, half precision and accelerators call PyTorch's op directly;
* large float32 CPU tensors run the native library (:mod:`actloss.kernels._native`)
  where it wins (``NATIVE_WINS``): one vectorised C pass computes f(x), and f'(x) where
  it is saved, and one pass forms the gradient; the piecewise-linear ones save a one-byte
  mask, sigmoid, tanh and elu their output, the others f'(x) (the input with
  ``memory_efficient=True``, recomputing f'(x) in the backward pass);
* other large float32/float64 CPU tensors run an ``autograd.Function`` that computes the
  output and the derivative ``f'(x)`` together, block by block while the block is in
  cache, and saves only ``f'(x)`` (a ``bool`` mask for the piecewise-linear ones), so
  the backward is one multiplication. Cheaper closed forms replace PyTorch's
  transcendental chains where they are exact identities (mish from one ``exp``,
  tanh-GELU from one ``sigmoid``).

``memory_efficient=True`` saves only the input (which the graph usually holds anyway)
and recomputes ``f'(x)`` block by block in the backward. Activations whose derivative
is a function of their output (sigmoid, tanh, elu) save the output, as PyTorch does, in
both modes.

The fused functions are differentiable once (the derivative is in closed form and is
not itself differentiated). Called directly, a gradient taken with ``create_graph=True``
raises when a later backward reaches it; called through :func:`strict_call` (as the catalog
does), the ``create_graph=True`` backward itself raises. ``with actloss.kernels.fused(False):``
runs PyTorch's twice-differentiable ops instead.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch._C import _functions as _autograd_functions

from actloss._validation import POSITIVE, Interval, Param, check_param, check_tensor
from actloss.kernels import _native, _pool
from actloss.kernels._common import (
    BLOCK_ELEMENTS,
    GradientConsumedError,
    blocks,
    fused_enabled,
    use_fused,
    use_native,
)

__all__ = ["elu", "gelu", "leaky_relu", "mish", "relu", "sigmoid", "silu", "softplus", "tanh"]

Scratch = list[torch.Tensor]
# forward block: (x, y, d or None, scratch) -> None, writing y and f'(x) into d
BlockFn = Callable[[torch.Tensor, torch.Tensor, "torch.Tensor | None", Scratch], None]
# backward block: (g, d, out, scratch) -> None, writing g f'(x) into out
ApplyFn = Callable[[torch.Tensor, torch.Tensor, torch.Tensor, Scratch], None]

_MEMORY_EFFICIENT = Param("memory_efficient", False, bool,
                          doc="save only the input and recompute f'(x) in the backward")


_TWICE = (b"the fused activation kernels are once_differentiable: no double backward "
          b"(create_graph=True) through them; run the forward inside "
          b"`with actloss.kernels.fused(False):` for PyTorch's twice-differentiable ops")


# the catalog's name of the activation being called through :func:`strict_call`, if any
_STRICT_OWNER: ContextVar[str | None] = ContextVar("actloss_strict_owner", default=None)


def strict_call(owner: str, fn: Callable[..., torch.Tensor], *args: object,
                **kwargs: object) -> torch.Tensor:
    """``fn(*args, **kwargs)`` whose fused form refuses ``create_graph=True`` at once.

    A delayed error can be skipped: ``torch.autograd.grad(penalty, weight)`` prunes the
    nodes that do not lead to ``weight``, so a second derivative through a
    once-differentiable node would silently lose its :math:`f''` term. The catalog
    (``actloss.activations``) calls the kernels through here, so that a backward
    building a graph through a fused activation raises
    :class:`~actloss.kernels.GradientConsumedError` naming ``owner`` instead.
    Under ``torch.compile`` nothing fused runs, so the call is plain.
    """
    if torch.compiler.is_compiling():
        return fn(*args, **kwargs)
    token = _STRICT_OWNER.set(owner)
    try:
        return fn(*args, **kwargs)
    finally:
        _STRICT_OWNER.reset(token)


def _once(backward: Callable[..., tuple]) -> Callable[..., tuple]:
    """``once_differentiable`` that also refuses when the incoming gradient is a constant.

    PyTorch's decorator marks the gradients as non-differentiable only when the incoming
    gradient requires grad; with a constant one (``y.sum()`` right after the activation)
    a double backward would silently drop :math:`f''`. Here every gradient built under
    ``create_graph=True`` carries a node that raises with :data:`_TWICE` when a backward
    reaches it (one restricted to other inputs can still skip it: hence
    :func:`strict_call`, whose calls refuse ``create_graph=True`` at once).
    """

    @functools.wraps(backward)
    def wrapper(ctx: object, *grads: torch.Tensor) -> tuple:
        owner = getattr(ctx, "strict_owner", None)
        if owner is not None and torch.is_grad_enabled():
            raise GradientConsumedError(
                f"the fused {owner} kernel has no double backward (create_graph=True); run "
                "the forward inside `with actloss.kernels.fused(False):` to get PyTorch's "
                "twice-differentiable op"
            )
        with torch.no_grad():
            outputs = backward(ctx, *grads)
        if not torch.is_grad_enabled():
            return outputs

        def fake(v: torch.Tensor | None) -> torch.Tensor | None:
            if v is not None:
                v = v.detach().requires_grad_(True)
            return v

        err = _autograd_functions.DelayedError(_TWICE, len(outputs))
        return err(*[fake(v) for v in outputs])

    return wrapper


def _mul(g: torch.Tensor, d: torch.Tensor, out: torch.Tensor, s: Scratch) -> None:
    torch.mul(g, d, out=out)


@dataclass(frozen=True)
class _Kernel:
    """One activation's block forward, the dtype of its saved derivative and its apply."""

    block: BlockFn
    n_scratch: int = 0
    d_dtype: torch.dtype | None = None  # None: x's dtype
    apply: ApplyFn = _mul


def _flat(x: torch.Tensor) -> torch.Tensor:
    return x.contiguous().view(-1)


def _scratch(k: _Kernel, size: int, like: torch.Tensor, extra: int = 0) -> Scratch:
    return [torch.empty(size, dtype=like.dtype, device=like.device)
            for _ in range(k.n_scratch + extra)]


def _forward(k: _Kernel, x: torch.Tensor, want_d: bool
             ) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``f(x)`` and, if asked, ``f'(x)``, block by block."""
    xf = _flat(x)
    n = xf.numel()
    y = _pool.empty_like(xf)
    d = _pool.empty((n,), k.d_dtype or x.dtype, x.device) if want_d else None
    size = max(1, min(n, BLOCK_ELEMENTS))
    s = _scratch(k, size, x)
    for a, b in blocks(n, size):
        m = b - a
        k.block(xf[a:b], y[a:b], None if d is None else d[a:b], [t[:m] for t in s])
    return y.view(x.shape), (None if d is None else d.view(x.shape))


def _backward(k: _Kernel, saved: torch.Tensor, g: torch.Tensor, recompute: bool
              ) -> torch.Tensor:
    """``g * f'(x)``; ``saved`` is ``f'(x)``, or ``x`` when ``recompute``."""
    sf, gf = _flat(saved), _flat(g)
    n = sf.numel()
    gi = _pool.empty((n,), g.dtype, g.device)
    size = max(1, min(n, BLOCK_ELEMENTS))
    s = _scratch(k, size, g, extra=1)
    if recompute:
        ys = torch.empty(size, dtype=saved.dtype, device=saved.device)
        ds = torch.empty(size, dtype=k.d_dtype or saved.dtype, device=saved.device)
    for a, b in blocks(n, size):
        m = b - a
        sb = [t[:m] for t in s]
        if recompute:
            k.block(sf[a:b], ys[:m], ds[:m], sb[1:])
            k.apply(gf[a:b], ds[:m], gi[a:b], sb)
        else:
            k.apply(gf[a:b], sf[a:b], gi[a:b], sb)
    return gi.view(g.shape)


class _Fused(torch.autograd.Function):
    """y = f(x) by blocks; saves f'(x) (or x when memory-efficient); dx = g f'(x)."""

    @staticmethod
    def forward(ctx, x, kernel, memory_efficient):  # type: ignore[override]
        y, d = _forward(kernel, x, want_d=not memory_efficient)
        ctx.kernel, ctx.recompute = kernel, memory_efficient
        ctx.strict_owner = _STRICT_OWNER.get()
        ctx.save_for_backward(x if memory_efficient else d)
        return y

    @staticmethod
    @_once
    def backward(ctx, g):  # type: ignore[override]
        (saved,) = ctx.saved_tensors
        return _backward(ctx.kernel, saved, g, ctx.recompute), None, None


def _apply(x: torch.Tensor, k: _Kernel, memory_efficient: bool) -> torch.Tensor:
    if torch.is_grad_enabled() and x.requires_grad:
        return _Fused.apply(x, k, memory_efficient)
    return _forward(k, x, want_d=False)[0]


def _check(owner: str, x: object, memory_efficient: object) -> tuple[torch.Tensor, bool]:
    x = check_tensor(owner, "x", x)
    return x, check_param(owner, _MEMORY_EFFICIENT, memory_efficient)


class _FromOutput(torch.autograd.Function):
    """y = f(x) by PyTorch's op; saves y; the backward is PyTorch's from-output rule."""

    @staticmethod
    def forward(ctx, x, fwd, bwd):  # type: ignore[override]
        y = fwd(x)
        ctx.bwd, ctx.strict_owner = bwd, _STRICT_OWNER.get()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    @_once
    def backward(ctx, g):  # type: ignore[override]
        (y,) = ctx.saved_tensors
        return ctx.bwd(g, y), None, None


# ------------------------------------------------------------------- native forms
class _NativeSaved(torch.autograd.Function):
    """One native pass computes f(x) and f'(x); saves f'(x) (x when memory-efficient)."""

    @staticmethod
    def forward(ctx, x, kind, p1, p2, memory_efficient):  # type: ignore[override]
        y, d = _native.act_forward(kind, x, p1, p2, with_derivative=not memory_efficient)
        ctx.kind, ctx.p, ctx.recompute = kind, (p1, p2), memory_efficient
        ctx.strict_owner = _STRICT_OWNER.get()
        ctx.save_for_backward(x if memory_efficient else d)
        return y

    @staticmethod
    @_once
    def backward(ctx, g):  # type: ignore[override]
        (s,) = ctx.saved_tensors
        if ctx.recompute:
            dx = _native.act_backward(ctx.kind, s, g, *ctx.p)
        elif not _keep_graph():
            # f'(x) is our own buffer and autograd frees it after this node: the
            # gradient takes its place (no fresh allocation, which on the CPU costs
            # page faults comparable to the multiplication itself)
            dx = s.mul_(g)
        else:
            dx = torch.mul(g, s)
        return dx, None, None, None, None


class _NativeFromOutput(torch.autograd.Function):
    """f(x) in one native pass; saves the output; the backward is the from-output rule."""

    @staticmethod
    def forward(ctx, x, kind, p1):  # type: ignore[override]
        y, _ = _native.act_forward(kind, x, p1)
        ctx.kind, ctx.p1, ctx.strict_owner = kind, p1, _STRICT_OWNER.get()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    @_once
    def backward(ctx, g):  # type: ignore[override]
        (y,) = ctx.saved_tensors
        return _native.act_backward_from_output(ctx.kind, y, g, ctx.p1), None, None


class _NativeMask(torch.autograd.Function):
    """ReLU / leaky ReLU in one native pass, saving a one-byte mask 1[x > 0]."""

    @staticmethod
    def forward(ctx, x, slope):  # type: ignore[override]
        y, mask = _native.relu_forward(x, slope)
        ctx.slope, ctx.strict_owner = slope, _STRICT_OWNER.get()
        ctx.save_for_backward(mask)
        return y

    @staticmethod
    @_once
    def backward(ctx, g):  # type: ignore[override]
        (mask,) = ctx.saved_tensors
        return _native.relu_backward(mask, g, ctx.slope), None


def _keep_graph() -> bool:
    """Whether the running backward keeps the graph (``retain_graph=True``); True when
    this PyTorch cannot tell, which keeps saved tensors untouched."""
    probe = getattr(torch._C._autograd, "_get_current_graph_task_keep_graph", None)
    if probe is None:
        return True
    try:
        return bool(probe())
    except RuntimeError:
        return True


def _wants_grad(x: torch.Tensor) -> bool:
    return torch.is_grad_enabled() and x.requires_grad


def _native_saved(x: torch.Tensor, kind: str, p1: float = 0.0, p2: float = 0.0,
                  memory_efficient: bool = False) -> torch.Tensor:
    if _wants_grad(x):
        return _NativeSaved.apply(x, kind, p1, p2, memory_efficient)
    return _native.act_forward(kind, x, p1, p2)[0]


def _native_from_output(x: torch.Tensor, kind: str, p1: float = 0.0) -> torch.Tensor:
    if _wants_grad(x):
        return _NativeFromOutput.apply(x, kind, p1)
    return _native.act_forward(kind, x, p1)[0]


def _native_mask(x: torch.Tensor, slope: float) -> torch.Tensor:
    if _wants_grad(x):
        return _NativeMask.apply(x, slope)
    return _native.act_forward("leaky_relu" if slope else "relu", x, slope)[0]


# ------------------------------------------------------------ PyTorch's op, pooled
@dataclass(frozen=True)
class _Op:
    """PyTorch's forward and backward kernels of one activation, with ``out=`` forms.

    ``forward(x, out)`` writes f(x) into ``out``; ``backward(g, saved, out)`` writes
    ``g f'(x)`` into ``out``, or with ``out=None`` returns PyTorch's differentiable
    backward op (for ``create_graph=True``). ``saves_output``: the backward reads the
    output (as PyTorch's relu, sigmoid and tanh do), else the input.
    """

    forward: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    backward: Callable[[torch.Tensor, torch.Tensor, torch.Tensor | None], torch.Tensor]
    saves_output: bool


def _grad_into(op: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """``backward(g, saved, out, *args)`` from an aten backward op and its ``grad_input``
    overload."""

    def backward(g: torch.Tensor, saved: torch.Tensor, out: torch.Tensor | None,
                 *args: object, **kw: object) -> torch.Tensor:
        if out is None:
            return op.default(g, saved, *args, **kw)
        return op.grad_input(g, saved, *args, **kw, grad_input=out)

    return backward


_aten = torch.ops.aten
_threshold_bwd = _grad_into(_aten.threshold_backward)
_sigmoid_bwd = _grad_into(_aten.sigmoid_backward)
_tanh_bwd = _grad_into(_aten.tanh_backward)
_silu_bwd = _grad_into(_aten.silu_backward)
_leaky_bwd = _grad_into(_aten.leaky_relu_backward)
_gelu_bwd = _grad_into(_aten.gelu_backward)
_softplus_bwd = _grad_into(_aten.softplus_backward)


def _elu_bwd(a: float) -> Callable[..., torch.Tensor]:
    def backward(g: torch.Tensor, x: torch.Tensor, out: torch.Tensor | None) -> torch.Tensor:
        # elu_backward(grad, alpha, scale, input_scale, is_result, self_or_result)
        if out is None:
            return _aten.elu_backward(g, a, 1.0, 1.0, False, x)
        return _aten.elu_backward.grad_input(g, a, 1.0, 1.0, False, x, grad_input=out)

    return backward


def _mish_bwd(g: torch.Tensor, x: torch.Tensor, out: torch.Tensor | None) -> torch.Tensor:
    r = _aten.mish_backward(g, x)  # no out= overload in PyTorch
    return r if out is None else out.copy_(r)


_OPS: dict[str, Callable[..., _Op]] = {
    "relu": lambda: _Op(lambda x, o: torch.clamp_min(x, 0.0, out=o),
                        lambda g, y, o: _threshold_bwd(g, y, o, 0.0), True),
    "leaky_relu": lambda a: _Op(lambda x, o: _aten.leaky_relu.out(x, a, out=o),
                                lambda g, x, o: _leaky_bwd(g, x, o, a, False), False),
    "sigmoid": lambda: _Op(lambda x, o: torch.sigmoid(x, out=o), _sigmoid_bwd, True),
    "tanh": lambda: _Op(lambda x, o: torch.tanh(x, out=o), _tanh_bwd, True),
    "silu": lambda: _Op(lambda x, o: _aten.silu.out(x, out=o), _silu_bwd, False),
    "mish": lambda: _Op(lambda x, o: _aten.mish.out(x, out=o), _mish_bwd, False),
    "gelu": lambda approx: _Op(
        lambda x, o: _aten.gelu.out(x, approximate=approx, out=o),
        lambda g, x, o: _gelu_bwd(g, x, o, approximate=approx), False),
    "elu": lambda a: _Op(lambda x, o: _aten.elu.out(x, a, 1.0, 1.0, out=o),
                         _elu_bwd(a), False),
    "softplus": lambda b, th: _Op(lambda x, o: _aten.softplus.out(x, b, th, out=o),
                                  lambda g, x, o: _softplus_bwd(g, x, o, b, th), False),
}


class _PooledOp(torch.autograd.Function):
    """PyTorch's kernels writing into buffers from :mod:`actloss.kernels._pool`.

    Values, gradients and saved tensors are PyTorch's; only the memory differs: large
    outputs reuse mappings instead of faulting in fresh ones. Twice differentiable: under
    ``create_graph=True`` the backward is PyTorch's differentiable backward op.
    """

    @staticmethod
    def forward(ctx, x, op):  # type: ignore[override]
        y = op.forward(x, _pool.empty_like(x))
        ctx.op = op
        ctx.save_for_backward(y if op.saves_output else x)
        return y

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        (s,) = ctx.saved_tensors
        if torch.is_grad_enabled():
            return ctx.op.backward(g, s, None), None
        return ctx.op.backward(g, s, _pool.empty_like(s)), None


def _torch_op(x: torch.Tensor, plain: Callable[..., torch.Tensor], name: str,
              *params: object) -> torch.Tensor:
    """PyTorch's op ``plain(x, *params)``, writing into pooled memory where the output
    is large enough to gain (:func:`actloss.kernels._pool.pooled`)."""
    if not fused_enabled() or not _pool.pooled(x.numel() * x.element_size(), x.device):
        return plain(x, *params)
    op = _OPS[name](*params)
    if _wants_grad(x):
        return _PooledOp.apply(x, op)
    return op.forward(x, _pool.empty_like(x))


# ------------------------------------------------------------------------------ relu
def _step(x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    """``out = 1[x > 0]`` as 0/1 floats, from ``sign`` (vectorised; bool ops are not)."""
    torch.sign(x, out=out)
    return out.clamp_min_(0.0)


def _mask_kernel(a: float) -> _Kernel:
    """Piecewise-linear ``max(x, 0) + a min(x, 0)`` saving a ``uint8`` mask 1[x > 0]."""

    def block(x, y, d, s):
        if a == 0.0:
            torch.clamp_min(x, 0.0, out=y)
        else:
            # a x <= x exactly when x >= 0 (for 0 <= a <= 1); max/min picks the branch
            torch.mul(x, a, out=y)
            (torch.maximum if a <= 1.0 else torch.minimum)(x, y, out=y)
        if d is not None:
            d.copy_(_step(x, s[0]))  # f'(0) = a: PyTorch's value at the kink

    def apply(g, d, out, s):
        torch.mul(g, d, out=out)  # g 1[x > 0]
        if a != 0.0:
            out.mul_(1.0 - a).add_(g, alpha=a)  # g (a + (1 - a) 1[x > 0])

    return _Kernel(block, 1, torch.uint8, apply)


_RELU = _mask_kernel(0.0)


def relu(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    r"""ReLU, :math:`\max(x, 0)`.

    Derivative :math:`\mathbb{1}[x > 0]` (0 at the kink, as PyTorch). By default this is
    PyTorch's op: its forward and backward are single memory-bound passes and it saves the
    output, which the next layer usually holds anyway. ``memory_efficient=True`` saves a
    one-byte mask instead (a quarter of float32), for graphs where the output is not kept
    (followed by an in-place op, or by a layer that does not save its input); on float32
    CPU tensors one native pass writes the output and the mask.

    Args:
        x: any shape. memory_efficient: save a ``uint8`` mask, default ``False``.

    Returns:
        Tensor of ``x``'s shape and dtype.

    Example:
        >>> import torch
        >>> relu(torch.tensor([-1.0, 0.0, 2.0]), memory_efficient=True)
        tensor([0., 0., 2.])
    """
    x, me = _check("relu", x, memory_efficient)
    if use_native(x, kernel="relu_mask" if me else "relu"):
        return _native_mask(x, 0.0)
    if not me or not use_fused(x):
        return _torch_op(x, F.relu, "relu")
    return _apply(x, _RELU, False)


_SLOPE = Param("negative_slope", 0.01, float, Interval(0.0, 1.0, True, True),
               doc="slope for x < 0")


def leaky_relu(x: torch.Tensor, *, negative_slope: float = 0.01,
               memory_efficient: bool = False) -> torch.Tensor:
    r"""Leaky ReLU, :math:`\max(x, 0) + a\min(x, 0)`.

    Derivative 1 for :math:`x > 0`, else :math:`a` (``a`` at the kink, as PyTorch).
    By default PyTorch's op; ``memory_efficient=True`` saves a one-byte mask instead of
    PyTorch's saved float input.

    Args:
        x: any shape. negative_slope: ``a`` in ``[0, 1]``, default 0.01.
        memory_efficient: save a ``uint8`` mask, default ``False``.

    Example:
        >>> import torch
        >>> leaky_relu(torch.tensor([-2.0, 3.0]), negative_slope=0.5, memory_efficient=True)
        tensor([-1.,  3.])
    """
    x, me = _check("leaky_relu", x, memory_efficient)
    a = check_param("leaky_relu", _SLOPE, negative_slope)
    if use_native(x, kernel="relu_mask" if me else "leaky_relu"):
        return _native_mask(x, a)
    if not me or not use_fused(x):
        return _torch_op(x, F.leaky_relu, "leaky_relu", a)
    return _apply(x, _mask_kernel(a), False)


# --------------------------------------------------------------- sigmoid, tanh, elu
def _blocked_map(x: torch.Tensor, fn: Callable[[torch.Tensor, torch.Tensor, Scratch], None],
                 n_scratch: int = 0) -> torch.Tensor:
    xf = _flat(x)
    y = _pool.empty_like(xf)
    size = max(1, min(xf.numel(), BLOCK_ELEMENTS))
    s = [torch.empty(size, dtype=x.dtype, device=x.device) for _ in range(n_scratch)]
    for a, b in blocks(xf.numel(), size):
        fn(xf[a:b], y[a:b], [t[: b - a] for t in s])
    return y.view(x.shape)


def _sigmoid_block(x: torch.Tensor, y: torch.Tensor, s: Scratch) -> None:
    # sigma(x) = 1 / (1 + exp(-x)); exp(-x) = inf gives 0 exactly
    torch.neg(x, out=y)
    y.exp_().add_(1.0).reciprocal_()


def _from_output(x: torch.Tensor, fwd: Callable[[torch.Tensor], torch.Tensor],
                 bwd: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> torch.Tensor:
    if torch.is_grad_enabled() and x.requires_grad:
        return _FromOutput.apply(x, fwd, bwd)
    return fwd(x)


def sigmoid(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    r"""Logistic sigmoid :math:`\sigma(x) = 1/(1 + e^{-x})`, PyTorch's formula by blocks.

    Float32 CPU tensors run the native one-pass form (:mod:`actloss.kernels._native`)
    where ``NATIVE_WINS['sigmoid']`` (in ``actloss.kernels._common``) says it wins; other
    tensors run PyTorch's op unless ``FUSED_WINS['sigmoid']`` is set (PyTorch's single
    vectorised pass each way beat the eager block-wise form below).

    Four in-cache passes (neg, exp, add, reciprocal) replace PyTorch's sigmoid kernel;
    the derivative :math:`y(1 - y)` comes from the saved output (``sigmoid_backward``),
    as in PyTorch, so the saved bytes are PyTorch's.

    Example:
        >>> import torch
        >>> sigmoid(torch.tensor([0.0]))
        tensor([0.5000])
    """
    x, _ = _check("sigmoid", x, memory_efficient)
    if use_native(x, kernel="sigmoid"):
        return _native_from_output(x, "sigmoid")
    if not use_fused(x, kernel="sigmoid"):
        return _torch_op(x, torch.sigmoid, "sigmoid")
    return _from_output(x, lambda v: _blocked_map(v, _sigmoid_block),
                        torch.ops.aten.sigmoid_backward)


def _tanh_block(x: torch.Tensor, y: torch.Tensor, s: Scratch) -> None:
    # tanh x = 1 - 2 / (1 + exp(2x)); exp(2x) = inf gives 1 exactly
    torch.mul(x, 2.0, out=y)
    y.exp_().add_(1.0).reciprocal_().mul_(-2.0).add_(1.0)


def tanh(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    r"""Hyperbolic tangent from one exponential: :math:`\tanh x = 1 - 2/(1 + e^{2x})`.

    Float32 CPU tensors run the native one-pass form (:mod:`actloss.kernels._native`)
    where ``NATIVE_WINS['tanh']`` (in ``actloss.kernels._common``) says it wins; other
    tensors run PyTorch's op unless ``FUSED_WINS['tanh']`` is set (PyTorch's single
    vectorised pass each way beat the eager block-wise form below).

    Derivative :math:`1 - y^2` from the saved output (PyTorch's ``tanh_backward``), so
    only the output is saved, as in PyTorch. The identity has an absolute error of at
    most :math:`2^{-22}` (float32), which is a large relative error for
    :math:`|x| < 10^{-3}`: use ``torch.tanh`` where that matters.

    Example:
        >>> import torch
        >>> round(tanh(torch.tensor([0.5])).item(), 5)
        0.46212
    """
    x, _ = _check("tanh", x, memory_efficient)
    if use_native(x, kernel="tanh"):
        return _native_from_output(x, "tanh")
    if not use_fused(x, kernel="tanh"):
        return _torch_op(x, torch.tanh, "tanh")
    return _from_output(x, lambda v: _blocked_map(v, _tanh_block),
                        torch.ops.aten.tanh_backward)


_ELU_ALPHA = Param("alpha", 1.0, float, POSITIVE, doc="saturation value -alpha for x -> -inf")
_EXPM1_CUT = 0.0625  # below |z| = 1/16 expm1 comes from its Taylor series


def _elu_block(alpha: float) -> Callable[[torch.Tensor, torch.Tensor, Scratch], None]:
    def block(x: torch.Tensor, y: torch.Tensor, s: Scratch) -> None:
        z, p, h = s[0], s[1], s[2]
        torch.clamp_max(x, 0.0, out=z)  # z = min(x, 0)
        # expm1(z) = z (1 + z/2 (1 + z/3 (1 + z/4 (1 + z/5 (1 + z/6))))) for |z| <= 1/16
        # (error below z^7/5040, under 1e-9 relative); exp(z) - 1 beyond it
        torch.clamp_min(z, -_EXPM1_CUT, out=h)  # the series only where it is used
        torch.mul(h, 1.0 / 6.0, out=p)
        for k in (5.0, 4.0, 3.0, 2.0):
            p.add_(1.0).mul_(h).div_(k)
        p.add_(1.0).mul_(h)
        torch.exp(z, out=y)
        y.sub_(1.0).sub_(p)
        # h = 1[z < -cut] from sign (0/1), then expm1 = p + h (exp - 1 - p)
        torch.add(z, _EXPM1_CUT, out=h)
        h.neg_().sign_().clamp_min_(0.0)
        y.mul_(h).add_(p).mul_(alpha)
        y.add_(torch.clamp_min(x, 0.0, out=z))  # + max(x, 0)

    return block


def elu(x: torch.Tensor, *, alpha: float = 1.0, memory_efficient: bool = False) -> torch.Tensor:
    r"""ELU: :math:`x` for :math:`x > 0`, else :math:`\alpha(e^x - 1)`.

    Float32 CPU tensors run the native one-pass form (:mod:`actloss.kernels._native`)
    where ``NATIVE_WINS['elu']`` (in ``actloss.kernels._common``) says it wins; other
    tensors run PyTorch's op unless ``FUSED_WINS['elu']`` is set (PyTorch's single
    vectorised pass each way beat the eager block-wise form below).

    :math:`e^x - 1` comes from one ``exp`` (its Taylor series near 0, where the
    subtraction would cancel); the derivative comes from the saved output: 1 for
    :math:`x > 0`, else :math:`y + \alpha` (PyTorch's ``elu_backward`` with
    ``is_result=True``). PyTorch's autograd saves the input and evaluates the
    exponential again in the backward.

    Example:
        >>> import torch
        >>> elu(torch.tensor([1.0, 0.0, -1.0]))
        tensor([ 1.0000,  0.0000, -0.6321])
    """
    x, _ = _check("elu", x, memory_efficient)
    a = check_param("elu", _ELU_ALPHA, alpha)
    if use_native(x, kernel="elu"):
        return _native_from_output(x, "elu", a)
    if not use_fused(x, kernel="elu"):
        return _torch_op(x, F.elu, "elu", a)
    blk = _elu_block(a)

    def fwd(v: torch.Tensor) -> torch.Tensor:
        return _blocked_map(v, blk, 3)

    def bwd(g: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.ops.aten.elu_backward(g, a, 1.0, 1.0, True, y)

    return _from_output(x, fwd, bwd)


# --------------------------------------------------------------- silu, mish, gelu
def _silu_block(x, y, d, s):
    _sigmoid_block(x, s[0], s)  # s = sigma(x) = 1 / (1 + exp(-x))
    torch.mul(x, s[0], out=y)  # y = x s
    if d is not None:
        # f' = s (1 + x (1 - s)) = s + y (1 - s)
        torch.mul(y, s[0], out=d)
        d.neg_().add_(y).add_(s[0])


_SILU = _Kernel(_silu_block, 1)


def silu(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    r"""SiLU (swish), :math:`x\,\sigma(x)`.

    Float32 CPU tensors run the native one-pass form (:mod:`actloss.kernels._native`)
    where ``NATIVE_WINS['silu']`` (in ``actloss.kernels._common``) says it wins; other
    tensors run PyTorch's op unless ``FUSED_WINS['silu']`` is set (PyTorch's single
    vectorised pass each way beat the eager block-wise form below).

    Derivative :math:`\sigma(x)(1 + x(1 - \sigma(x))) = \sigma + y(1 - \sigma)`, computed
    with the forward from the same :math:`\sigma` and saved in place of the input.

    Example:
        >>> import torch
        >>> silu(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7311])
    """
    x, me = _check("silu", x, memory_efficient)
    if use_native(x, kernel="silu"):
        return _native_saved(x, "silu", memory_efficient=me)
    if not use_fused(x, kernel="silu"):
        return _torch_op(x, F.silu, "silu")
    return _apply(x, _SILU, me)


_MISH_CLAMP = 20.0  # exp(2 * 20) is finite in float32 and tanh(softplus(20)) rounds to 1


def _mish_block(x, y, d, s):
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
        torch.add(e, 1.0, out=e)  # e + 1; d /= (1 + e) below is d *= sigma / e
        d.div_(e).add_(y)
    y.mul_(x)  # mish = x t


_MISH = _Kernel(_mish_block, 2)


def mish(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    r"""Mish, :math:`x\tanh(\mathrm{softplus}(x))`, from one exponential.

    With :math:`n = e^x(e^x + 2)`, :math:`\tanh(\mathrm{softplus}(x)) = n/(n + 2)` and
    the derivative is :math:`t + x\,\sigma(x)(1 - t^2)` with :math:`1 - t^2 = 4r(1 - r)`,
    :math:`r = 1/(n+2)`. PyTorch evaluates exp, log1p and tanh in the forward and again
    in the backward.

    Example:
        >>> import torch
        >>> mish(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8651])
    """
    x, me = _check("mish", x, memory_efficient)
    if use_native(x, kernel="mish"):
        return _native_saved(x, "mish", memory_efficient=me)
    if not use_fused(x, kernel="mish"):
        return _torch_op(x, F.mish, "mish")
    return _apply(x, _MISH, me)


_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_K = 0.044715


def _gelu_block(x, y, d, s):
    p = s[0]
    # Phi(x) = (1 + erf(x / sqrt 2)) / 2
    torch.mul(x, _INV_SQRT2, out=p)
    p.erf_().add_(1.0).mul_(0.5)
    torch.mul(x, p, out=y)
    if d is not None:
        # f' = Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi)
        torch.mul(x, x, out=d)
        d.mul_(-0.5).exp_().mul_(x).mul_(_INV_SQRT_2PI).add_(p)


_GELU_CLAMP = 100.0  # sigma(2u) is exactly 0 or 1 beyond |x| = 100, in float64 too


def _gelu_tanh_block(x, y, d, s):
    u, q, xc = s[0], s[1], s[2]
    # 0.5 (1 + tanh(u)) = sigma(2u), u = sqrt(2/pi) (x + k x^3); x clamped so that x^3
    # and the derivative stay finite (both are saturated there)
    torch.clamp(x, -_GELU_CLAMP, _GELU_CLAMP, out=xc)
    torch.mul(xc, xc, out=q)  # x^2
    torch.mul(q, _GELU_K, out=u)
    u.add_(1.0).mul_(xc).mul_(2.0 * _SQRT_2_OVER_PI)  # 2u
    u.neg_().exp_().add_(1.0).reciprocal_()  # sg = sigma(2u) = 1 / (1 + exp(-2u))
    torch.mul(x, u, out=y)
    if d is not None:
        # f' = sg + x sg (1 - sg) 2u', 2u' = 2 sqrt(2/pi) (1 + 3k x^2)
        q.mul_(3.0 * _GELU_K).add_(1.0).mul_(2.0 * _SQRT_2_OVER_PI).mul_(xc).mul_(u)
        torch.mul(u, -1.0, out=d)
        d.add_(1.0).mul_(q).add_(u)


_GELU = _Kernel(_gelu_block, 1)


def _plain_gelu(x: torch.Tensor, approximate: str) -> torch.Tensor:
    return F.gelu(x, approximate=approximate)
_GELU_TANH = _Kernel(_gelu_tanh_block, 3)
_APPROXIMATE = Param("approximate", "none", str, choices=("none", "tanh"),
                     doc="'tanh' for the tanh approximation")


def gelu(x: torch.Tensor, *, approximate: str = "none",
         memory_efficient: bool = False) -> torch.Tensor:
    r"""GELU, :math:`x\,\Phi(x)`, or its tanh approximation.

    The tanh form runs fused (it beat PyTorch's tanh-based kernel where measured); the
    exact form runs PyTorch's op unless ``FUSED_WINS['gelu']`` is set.

    Exact form: derivative :math:`\Phi(x) + x\varphi(x)`. Tanh form:
    :math:`0.5(1 + \tanh u) = \sigma(2u)`, :math:`u = \sqrt{2/\pi}(x + 0.044715x^3)`,
    so one sigmoid replaces PyTorch's tanh; derivative
    :math:`\sigma + x\sigma(1-\sigma)\,2u'`.

    Example:
        >>> import torch
        >>> gelu(torch.tensor([1.0]))
        tensor([0.8413])
        >>> gelu(torch.tensor([1.0]), approximate="tanh")
        tensor([0.8412])
    """
    x, me = _check("gelu", x, memory_efficient)
    approx = check_param("gelu", _APPROXIMATE, approximate)
    kind = "gelu_tanh" if approx == "tanh" else "gelu"
    if use_native(x, kernel=kind):
        return _native_saved(x, kind, memory_efficient=me)
    if not use_fused(x, kernel="gelu_tanh" if approx == "tanh" else "gelu"):
        return _torch_op(x, _plain_gelu, "gelu", approx)
    return _apply(x, _GELU_TANH if approx == "tanh" else _GELU, me)


# -------------------------------------------------------------------------- softplus
_BETA = Param("beta", 1.0, float, POSITIVE, doc="sharpness")
_THRESHOLD = Param("threshold", 20.0, float, POSITIVE, doc="linear above beta x > threshold")


def _softplus_kernel(beta: float, threshold: float) -> _Kernel:
    def block(x, y, d, s):
        e, r, h = s[0], s[1], s[2]
        # softplus(x) = (max(bx, 0) + log1p(exp(-|bx|))) / b
        torch.mul(x, beta, out=r)  # bx, capped: above the threshold y = x below
        r.clamp_max_(threshold)
        torch.abs(r, out=e)
        e.neg_().exp_()  # e = exp(-|bx|)
        torch.log1p(e, out=y)
        y.add_(r.clamp_min_(0.0))
        if beta != 1.0:
            y.div_(beta)
        # h = 1[bx > threshold] (0/1 from sign): PyTorch returns x exactly there
        torch.mul(x, beta, out=h)
        h.sub_(threshold).sign_().clamp_min_(0.0)
        torch.sub(x, y, out=r)
        y.addcmul_(h, r)  # y + h (x - y)
        if d is not None:
            # f' = sigma(bx) = e r + 1[x > 0] (r - e r) with r = 1/(1 + e)
            torch.add(e, 1.0, out=r)
            r.reciprocal_()
            e.mul_(r)  # sigma(-|bx|)
            r.sub_(e)  # sigma(|bx|) - sigma(-|bx|)
            torch.sign(x, out=d)
            d.clamp_min_(0.0).mul_(r).add_(e)
            torch.neg(d, out=r)
            r.add_(1.0)
            d.addcmul_(h, r)  # 1 above the threshold

    return _Kernel(block, 3)


def softplus(x: torch.Tensor, *, beta: float = 1.0, threshold: float = 20.0,
             memory_efficient: bool = False) -> torch.Tensor:
    r"""Softplus, :math:`\frac{1}{\beta}\log(1 + e^{\beta x})`, linear above the threshold.

    Float32 CPU tensors run the native one-pass form (:mod:`actloss.kernels._native`)
    where ``NATIVE_WINS['softplus']`` (in ``actloss.kernels._common``) says it wins; other
    tensors run PyTorch's op unless ``FUSED_WINS['softplus']`` is set (PyTorch's single
    vectorised pass each way beat the eager block-wise form below).

    Computed as :math:`(\max(\beta x, 0) + \log1p(e^{-|\beta x|}))/\beta`; the
    derivative :math:`\sigma(\beta x)` comes from the same exponential.

    Example:
        >>> import torch
        >>> softplus(torch.tensor([0.0]))
        tensor([0.6931])
    """
    x, me = _check("softplus", x, memory_efficient)
    b = check_param("softplus", _BETA, beta)
    th = check_param("softplus", _THRESHOLD, threshold)
    if use_native(x, kernel="softplus"):
        return _native_saved(x, "softplus", b, th, me)
    if not use_fused(x, kernel="softplus"):
        return _torch_op(x, F.softplus, "softplus", b, th)
    return _apply(x, _softplus_kernel(b, th), me)
