"""Shared machinery of the fused kernels: when to use them, blocks, reductions.

Every kernel in :mod:`actloss.kernels` has two paths. The *fused* path is a
``torch.autograd.Function`` that walks the data in cache-sized blocks, writes into
preallocated buffers with ``out=`` and computes the derivative in closed form next to the
forward. The *plain* path is the composition of PyTorch operations (or PyTorch's own op)
with the same semantics. :func:`use_fused` decides, from the device, the dtype and the
size, which one runs; it is the only place where that policy lives.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import torch

from actloss._switch import Switch
from actloss.errors import ActlossError
from actloss.kernels import _native

__all__ = [
    "BLOCK_ELEMENTS",
    "FUSED_WINS",
    "MIN_FUSED_ELEMENTS",
    "MIN_FUSED_LOSS_ELEMENTS",
    "NATIVE_WINS",
    "GradientConsumedError",
    "below_fused_size",
    "blocks",
    "differentiable_once",
    "fused",
    "fused_enabled",
    "scale_in_place",
    "set_fused_enabled",
    "take_gradient",
    "use_fused",
    "use_fused_loss",
    "use_native",
]

#: elements per block of the element-wise kernels (1 MiB of float32; larger blocks cost
#: fewer Python-level calls, which the sweep in ``benchmarks/tune.py`` favoured).
BLOCK_ELEMENTS = 1 << 18
#: below this many elements the per-call overhead of blocks outweighs their gain and
#: PyTorch's own op runs (a 4K-element call then costs what PyTorch's costs).
MIN_FUSED_ELEMENTS = 1 << 17
#: the catalog's losses (``actloss.losses``) call a fused loss kernel only from this many
#: input elements on: below it the saving is small, and the plain form keeps what a fused
#: loss gives up (a second backward through the same graph, double backward).
MIN_FUSED_LOSS_ELEMENTS = 1 << 16
_FUSED_DTYPES = (torch.float32, torch.float64)
_FUSED = Switch("fused", True, "whether the fused paths may run")

#: Whether the fused path beats PyTorch's op for large float32 CPU tensors, as measured
#: by ``python -m benchmarks.tune`` (forward + backward, 16M elements). Where PyTorch's
#: own kernel is one vectorised pass each way (gelu, silu, sigmoid, tanh, elu,
#: softplus, the losses with a native op), several block-wise eager passes cannot beat
#: it and PyTorch's op runs; the fused forms stay available (and tested) behind this
#: switch for machines where they win.
#: tanh-GELU's fused form lost on an AVX-512 build (1.5x PyTorch's time, its tanh kernel
#: is twice as wide) and, on a quiet AVX2 machine, too (1.05-1.07x, with 1.5x the peak
#: memory; an earlier 0.6-0.8x there was measured under load): off everywhere.
FUSED_WINS: dict[str, bool] = {
    "mish": True, "gelu_tanh": False,
    "gelu": False, "silu": False, "sigmoid": False, "tanh": False, "elu": False,
    "softplus": False,
    "binary_focal": True, "log_cosh": True, "cross_entropy": True, "softmax_focal": True,
    "dice": True, "tversky": True,
    "bce_with_logits": False, "huber": False, "smooth_l1": False,
}


#: Whether the native one-pass form (``actloss.kernels._native``, float32 on the CPU)
#: beats PyTorch's op, forward + backward at 16M elements on the machines measured
#: (``python -m benchmarks``; ratios in ``docs/benchmarks.md``). Exact GELU lost
#: (its relatively accurate ``erfc`` costs two exponentials and a division per element,
#: PyTorch's polynomial ``erf`` one), so it stays on PyTorch's op.
NATIVE_WINS: dict[str, bool] = {
    # ReLU and leaky ReLU are memory-bound single passes in PyTorch too; the native form
    # (output + one-byte mask) did not beat them, so it runs for memory_efficient=True
    "relu": False, "leaky_relu": False, "relu_mask": True,
    # sigmoid: PyTorch's kernel is as fast as one native pass (1.10-1.15x in the suite)
    "sigmoid": False, "tanh": True, "elu": True,
    "silu": True, "mish": True, "softplus": True, "gelu_tanh": True, "gelu": False,
    "binary_focal": True, "bce_with_logits": True, "huber": True, "smooth_l1": True,
    "log_cosh": True,
}


class GradientConsumedError(ActlossError, RuntimeError):
    """A fused loss was differentiated twice: its gradient buffer was handed over.

    Raised by a second backward through the same forward (``retain_graph=True``) and by
    a backward that builds a graph of its own (``create_graph=True``, double backward).
    Run such code with the fused paths off: ``with actloss.kernels.fused(False): ...``.
    """


def set_fused_enabled(enabled: bool) -> None:
    """Turn every fused path on (the default) or off, for the whole process.

    Off, every kernel (and so every catalog function) runs PyTorch's op or the plain
    composition, which supports double backward.

    >>> set_fused_enabled(False); fused_enabled()
    False
    >>> set_fused_enabled(True); fused_enabled()
    True
    """
    _FUSED.set(enabled)


def fused_enabled() -> bool:
    """Whether the fused paths may run (see :func:`set_fused_enabled`)."""
    return _FUSED.on


def fused(enabled: bool) -> AbstractContextManager[None]:
    """Context manager: fused paths on or off inside the block, restored after it.

    The setting is process-wide (not per thread), like :func:`set_fused_enabled`.

    >>> import torch
    >>> with fused(False):
    ...     fused_enabled()
    False
    """
    return _FUSED.scoped(enabled)


def use_fused(*tensors: torch.Tensor, min_elements: int | None = None,
              devices: tuple[str, ...] = ("cpu",), kernel: str | None = None) -> bool:
    """Whether the fused path is the faster one for these tensors.

    It is taken for float32/float64 tensors on one of ``devices`` with at least
    ``min_elements`` (default :data:`MIN_FUSED_ELEMENTS`) elements in the first
    tensor; everything else (CUDA and other accelerators, half precision, small tensors)
    runs the plain PyTorch path, which is already one fused device kernel there. With
    ``kernel``, :data:`FUSED_WINS` must also say that the fused form wins. Nothing is
    fused while :func:`fused_enabled` is false, nor while ``torch.compile`` traces the
    call (the compiled graph gets PyTorch's ops).
    """
    if not _FUSED.on or (kernel is not None and not FUSED_WINS.get(kernel, True)):
        return False
    if torch.compiler.is_compiling():
        return False  # a compiler fuses PyTorch's ops itself and cannot trace ours
    x = tensors[0]
    if min_elements is None:
        min_elements = MIN_FUSED_ELEMENTS
    if x.device.type not in devices or x.numel() < min_elements:
        return False
    return all(t.dtype in _FUSED_DTYPES and t.device == x.device for t in tensors)


def use_native(*tensors: torch.Tensor, kernel: str, min_elements: int | None = None) -> bool:
    """Whether ``kernel``'s native one-pass form runs for these tensors.

    Float32 CPU tensors, at least ``min_elements`` (default :data:`MIN_FUSED_ELEMENTS`)
    elements in the first, the native form winning per :data:`NATIVE_WINS`, the fused
    paths enabled, and the library built (while it is being built, or where it cannot
    be, the eager paths run: see :mod:`actloss.kernels._native`).
    """
    if not _FUSED.on or not NATIVE_WINS.get(kernel, False) or torch.compiler.is_compiling():
        return False
    x = tensors[0]
    if x.numel() < (MIN_FUSED_ELEMENTS if min_elements is None else min_elements):
        return False
    for t in tensors:
        if t.dtype is not torch.float32 or t.device.type != "cpu":
            return False
    return _native.library() is not None


def below_fused_size(x: torch.Tensor) -> bool:
    """Whether ``x`` is too small for any fused activation (PyTorch's op runs anyway).

    The catalog checks this first and calls PyTorch's op itself, skipping a second
    round of argument checks on small tensors.
    """
    return x.numel() < MIN_FUSED_ELEMENTS


def use_fused_loss(x: torch.Tensor, kernel: str, weight: object = None) -> bool:
    """Whether a catalog loss hands ``x`` to its fused kernel.

    Float32/float64 CPU input of at least :data:`MIN_FUSED_LOSS_ELEMENTS` elements, the
    fused form winning per :data:`FUSED_WINS` (or, for float32, the native form per
    :data:`NATIVE_WINS`), and the fused paths enabled. An
    element-wise ``weight`` must be a constant floating tensor that broadcasts to ``x``
    without enlarging it; any other weight leaves the loss to its plain form (which also
    reports a bad weight).
    """
    if not (use_native(x, kernel=kernel, min_elements=MIN_FUSED_LOSS_ELEMENTS)
            or use_fused(x, min_elements=MIN_FUSED_LOSS_ELEMENTS, kernel=kernel)):
        return False
    if weight is None:
        return True
    if not isinstance(weight, torch.Tensor) or weight.requires_grad \
            or not weight.is_floating_point() or weight.device != x.device:
        return False
    try:
        return torch.broadcast_shapes(weight.shape, x.shape) == x.shape
    except RuntimeError:
        return False


def blocks(n: int, size: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of consecutive blocks of ``size`` covering ``range(n)``.

    >>> list(blocks(5, 2))
    [(0, 2), (2, 4), (4, 5)]
    """
    for a in range(0, n, size):
        yield a, min(a + size, n)


def take_gradient(ctx: object, name: str, owner: str) -> torch.Tensor:
    """Hand the gradient buffer kept on ``ctx`` over to autograd exactly once.

    Dropping our own reference lets autograd adopt the buffer as ``.grad`` without a
    copy; a second backward through the same graph (``retain_graph=True``) is refused
    with a clear message rather than answered with a consumed buffer.
    """
    g = getattr(ctx, name, None)
    if g is None:
        raise GradientConsumedError(
            f"the fused {owner} kernel can be differentiated once per forward; "
            "for a second backward (retain_graph=True or double backward) call the plain "
            "form (inside `with actloss.kernels.fused(False):`) or run the forward again"
        )
    setattr(ctx, name, None)
    return g


def differentiable_once(backward: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a fused loss's ``backward``: no graph of the backward itself.

    Like ``torch.autograd.function.once_differentiable``, but a backward asked to build a
    graph (``create_graph=True``: double backward, gradient penalties, ``gradgradcheck``)
    is refused at once with :class:`GradientConsumedError` naming the kernel (``ctx.owner``)
    and the way out, instead of a generic error at the second backward.
    """

    @functools.wraps(backward)
    def wrapper(ctx: Any, *grads: Any) -> Any:
        if torch.is_grad_enabled():
            raise GradientConsumedError(
                f"the fused {ctx.owner} kernel has no double backward (create_graph=True); "
                "run the forward inside `with actloss.kernels.fused(False):` to get the "
                "plain, twice-differentiable form"
            )
        return backward(ctx, *grads)

    return wrapper


def scale_in_place(g: torch.Tensor, grad_output: torch.Tensor) -> torch.Tensor:
    """``g * grad_output`` for a scalar ``grad_output``, in place, skipping a unit factor.

    The check for 1 reads the scalar only on the CPU, where that costs nothing; on an
    accelerator the multiplication always runs, so no device synchronisation is forced.
    """
    if grad_output.device.type == "cpu" and grad_output.numel() == 1:
        if float(grad_output) == 1.0:
            return g
    return g.mul_(grad_output.to(g.dtype))
