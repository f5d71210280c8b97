"""torch.compile traces every activation whole (fullgraph=True), default or with the
fast paths enabled, at sizes where an eager call would take a fast implementation: under
a compiler the seam steps aside and the graph holds PyTorch's ops, which the compiler
fuses itself.

``backend="eager"`` runs Dynamo's tracing (where our Python matters) without Inductor's
C++ compile. The reference is PyTorch's own op, run eagerly on the same input.
"""

from __future__ import annotations

import contextlib

import pytest
import torch
import torch.nn.functional as F

import actloss.activations as A
import actloss.kernels as K

REFERENCE = {
    "relu": F.relu, "leaky_relu": F.leaky_relu, "gelu": F.gelu, "silu": F.silu,
    "tanh": torch.tanh, "sigmoid": torch.sigmoid, "mish": F.mish, "elu": F.elu,
    "softplus": F.softplus,
}


@pytest.fixture(autouse=True)
def _fresh_dynamo():
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


@pytest.mark.filterwarnings("ignore:the native library is not built")
@pytest.mark.parametrize("fast", [False, True], ids=["default", "enabled"])
@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_fullgraph_trace_matches_pytorch(fast, name):
    fn = getattr(A, name)
    x = (torch.randn(1 << 18, generator=torch.Generator().manual_seed(3)) * 4)
    xc = x.clone().requires_grad_()
    xr = x.clone().requires_grad_()
    with K.enable() if fast else contextlib.nullcontext():
        compiled = torch.compile(fn, fullgraph=True, backend="eager")
        y = compiled(xc)
    y.backward(torch.ones_like(y))
    r = REFERENCE[name](xr)
    r.backward(torch.ones_like(r))
    # the graph holds PyTorch's op: its values, bit for bit
    torch.testing.assert_close(y, r, rtol=0, atol=0)
    torch.testing.assert_close(xc.grad, xr.grad, rtol=0, atol=0)
    assert y.untyped_storage().resizable()
