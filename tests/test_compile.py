"""torch.compile traces every activation whole (fullgraph=True), at sizes where the
eager call would take the native kernels or the buffer pool: under a compiler those
paths step aside and the graph holds PyTorch's ops, which the compiler fuses itself.

``backend="eager"`` runs Dynamo's tracing (where our Python matters) without Inductor's
C++ compile. The reference is PyTorch's own op, run eagerly on the same input.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

import actloss.activations as A
import actloss.kernels as K
from actloss.kernels import _pool

REFERENCE = {
    "relu": F.relu, "leaky_relu": F.leaky_relu, "gelu": F.gelu, "silu": F.silu,
    "tanh": torch.tanh, "sigmoid": torch.sigmoid, "mish": F.mish, "elu": F.elu,
    "softplus": F.softplus,
}


@pytest.fixture(autouse=True)
def _fresh_dynamo(monkeypatch):
    monkeypatch.setattr(_pool, "POOL_MIN_BYTES", 4096)  # the pool would serve 1 MiB
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


@pytest.mark.parametrize("module", [K, A], ids=["kernels", "catalog"])
@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_fullgraph_trace_matches_pytorch(module, name):
    fn = getattr(module, name)
    x = (torch.randn(1 << 18, generator=torch.Generator().manual_seed(3)) * 4)
    xc = x.clone().requires_grad_()
    xr = x.clone().requires_grad_()
    compiled = torch.compile(fn, fullgraph=True, backend="eager")
    y = compiled(xc)
    y.backward(torch.ones_like(y))
    r = REFERENCE[name](xr)
    r.backward(torch.ones_like(r))
    # the graph holds PyTorch's op: its values, not the native kernels' (within 1 ulp)
    torch.testing.assert_close(y, r, rtol=1.2e-7, atol=0)
    torch.testing.assert_close(xc.grad, xr.grad, rtol=1.2e-7, atol=0)
    assert y.untyped_storage().resizable()  # PyTorch's allocation, not the pool's
