"""Numerical stability of the core losses: huge residuals, extreme and shifted logits."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.testing import assert_close

import actloss.losses as L

ROBUST = [("huber", {}), ("smooth_l1", {}), ("log_cosh", {}), ("charbonnier", {}),
          ("mae", {}), ("quantile", {"q": 0.3}), ("adaptive_robust", {"alpha": 1.0}),
          ("adaptive_robust", {"alpha": 0.0}), ("adaptive_robust", {"alpha": -2.0}),
          ("adaptive_robust", {"alpha": 0.5})]


@pytest.mark.parametrize(("name", "params"), ROBUST)
def test_robust_losses_finite_at_float32_extremes(name, params):
    d = torch.tensor([1e30, -1e30, 1e12, 0.0, 1.0], requires_grad=True)
    out = L.spec(name).fn(d, torch.zeros(5), reduction="none", **params)
    out.sum().backward()
    assert torch.isfinite(out).all() and torch.isfinite(d.grad).all(), (out, d.grad)
    g = L.gradient(name, d.detach(), torch.zeros(5), **params)
    assert torch.isfinite(g).all()
    # compare with float64, where nothing overflows
    d64 = d.detach().double().requires_grad_(True)
    out64 = L.spec(name).fn(d64, torch.zeros(5, dtype=torch.float64), reduction="none", **params)
    out64.sum().backward()
    assert_close(out.detach().double(), out64.detach(), rtol=1e-5, atol=1e-6)
    assert_close(g.double(), d64.grad, rtol=1e-4, atol=1e-30)


def test_adaptive_large_residual_asymptotics():
    # alpha = 0: log(1 + u^2/2) ~ 2 log u - log 2; alpha = 1: sqrt(u^2 + 1) - 1 ~ u
    u = torch.tensor([1e20, 1e30])
    z = torch.zeros(2)
    assert_close(L.adaptive_robust(u, z, alpha=0.0, reduction="none"),
                 2 * torch.log(u) - math.log(2))
    # exp of an argument near 46 carries ~46 float32 ulps of relative error
    assert_close(L.adaptive_robust(u, z, alpha=1.0, reduction="none"), u, rtol=2e-5, atol=0)


@pytest.mark.parametrize("name", ["cross_entropy", "categorical_focal", "poly1",
                                  "generalized_cross_entropy"])
def test_large_logit_shift_float64(name):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(6, 4, generator=g, dtype=torch.float64)
    t = torch.randint(0, 4, (6,), generator=g)
    fn = L.spec(name).fn
    assert_close(fn(x + 1e6, t, reduction="none"), fn(x, t, reduction="none"), rtol=1e-9,
                 atol=1e-9)


@pytest.mark.parametrize("name", ["binary_cross_entropy_with_logits", "binary_focal",
                                  "asymmetric", "hinge", "squared_hinge"])
def test_binary_low_precision_matches_float32(name):
    g = torch.Generator().manual_seed(1)
    x = 4 * torch.randn(64, generator=g)
    y = (torch.rand(64, generator=g) > 0.5).float()
    if "hinge" in name:
        y = 2 * y - 1
    want = L.spec(name).fn(x, y, reduction="none")
    for dtype, tol in ((torch.bfloat16, 3e-2), (torch.float16, 5e-3)):
        got = L.spec(name).fn(x.to(dtype), y.to(dtype), reduction="none")
        assert got.dtype == dtype
        assert_close(got.float(), want, rtol=tol, atol=tol)


# ---------------------------------------------------------------------------- properties
_floats = st.floats(-30, 30, allow_nan=False, width=64)
_rows = st.lists(_floats, min_size=2, max_size=6)


@settings(max_examples=40, deadline=None)
@given(_rows, st.floats(-1e4, 1e4, allow_nan=False), st.integers(0, 5))
def test_cross_entropy_shift_invariance_property(row, shift, t):
    x = torch.tensor([row], dtype=torch.float64)
    target = torch.tensor([t % len(row)])
    assert_close(L.cross_entropy(x + shift, target), L.cross_entropy(x, target),
                 rtol=1e-9, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(_rows, _rows)
def test_divergence_bounds_property(a, b):
    n = min(len(a), len(b))
    lp = torch.log_softmax(torch.tensor(a[:n], dtype=torch.float64), 0)
    q = torch.softmax(torch.tensor(b[:n], dtype=torch.float64), 0)
    assert float(L.kl_div(lp, q, reduction="sum")) >= -1e-12  # Gibbs' inequality
    js = float(L.jensen_shannon(lp, q))
    assert -1e-12 <= js <= math.log(2) + 1e-12
    assert js == pytest.approx(float(L.jensen_shannon(torch.log(q), torch.exp(lp))), abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(0.01, 100))
def test_huber_between_its_two_bounds_property(d, delta):
    v = float(L.huber(torch.tensor([d], dtype=torch.float64), torch.zeros(1, dtype=torch.float64),
                      delta=delta))
    # Huber <= d^2 / 2 and Huber <= delta |d|; equal to the first inside the threshold
    assert v <= 0.5 * d * d * (1 + 1e-12) + 1e-300
    assert v <= delta * abs(d) * (1 + 1e-12) + 1e-300
    if abs(d) <= delta:
        assert v == pytest.approx(0.5 * d * d, rel=1e-12, abs=1e-300)
