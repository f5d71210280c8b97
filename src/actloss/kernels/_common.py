"""Shared machinery of the fast implementations: blocks, and the differentiable fallback.

Every fast implementation is a ``torch.autograd.Function`` whose backward computes the
gradient in closed form. When that backward is asked to build a graph of its own
(``create_graph=True``: double backward, gradient penalties, Hessian-vector products),
or when its one-shot gradient buffer was already handed over (a second backward with
``retain_graph=True``), it recomputes the gradient from the saved inputs with the
catalog's differentiable reference instead (:func:`reference_grads`). So a fast path
never refuses a derivative the reference would give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import torch

__all__ = ["BLOCK_ELEMENTS", "blocks", "reference_grads", "scale_in_place"]

#: elements per block of the eager block-wise forms (1 MiB of float32)
BLOCK_ELEMENTS = 1 << 18


def blocks(n: int, size: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of consecutive blocks of ``size`` covering ``range(n)``.

    >>> list(blocks(5, 2))
    [(0, 2), (2, 4), (4, 5)]
    """
    for a in range(0, n, size):
        yield a, min(a + size, n)


def reference_grads(reference: Callable[..., torch.Tensor],
                    inputs: Sequence[torch.Tensor | None], grad_output: torch.Tensor,
                    needs: Sequence[bool]) -> tuple[torch.Tensor | None, ...]:
    """Gradients of ``reference(*inputs)`` for the inputs flagged in ``needs``.

    Called from a fast backward, with the tensors it saved (which keep their place in
    the caller's graph). The gradients carry a graph exactly when the running backward
    builds one (``create_graph=True``), so second derivatives are the reference's.
    """
    wanted = [x for x, n in zip(inputs, needs) if n and x is not None]
    create = torch.is_grad_enabled()
    with torch.enable_grad():
        leaves = [x if x.requires_grad else x.detach().requires_grad_(True) for x in wanted]
        it = iter(leaves)
        args = [next(it) if (n and x is not None) else x for x, n in zip(inputs, needs)]
        out = reference(*args)
        grads = torch.autograd.grad(out, leaves, grad_output, create_graph=create,
                                    allow_unused=True)
    it = iter(grads)
    result: list[torch.Tensor | None] = []
    for x, n in zip(inputs, needs):
        if n and x is not None:
            g = next(it)
            result.append(torch.zeros_like(x) if g is None else g)
        else:
            result.append(None)
    return tuple(result)


def scale_in_place(g: torch.Tensor, grad_output: torch.Tensor) -> torch.Tensor:
    """``g * grad_output`` for a scalar ``grad_output``, in place, skipping a unit factor.

    The check for 1 reads the scalar only on the CPU, where that costs nothing; on an
    accelerator the multiplication always runs, so no device synchronisation is forced.
    """
    if grad_output.device.type == "cpu" and grad_output.numel() == 1:
        if float(grad_output) == 1.0:
            return g
    return g.mul_(grad_output.to(g.dtype))
