"""Embedding losses in overflow-safe form: norms on power-of-two scaled rows.

Every expected value comes from the plain textbook formula evaluated in float64 (written
here, independently of the library): at ordinary scale, and at 1e19-1e30 in float32,
where the plain float32 formula overflows in its squares although the result (a cosine,
a distance, a loss) is representable. Gradients are checked against the float64
reference's autograd, and with ``gradcheck`` in float64.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
import torch

from actloss import losses as L
from actloss._scaled import norm, row_scale, unit

# ------------------------------------------------------------------- float64 references


def _n(v: torch.Tensor, p: float = 2.0) -> torch.Tensor:
    return (v.abs() ** p).sum(-1) ** (1 / p)


def _u(v: torch.Tensor, eps: float) -> torch.Tensor:
    return v / _n(v).clamp_min(eps).unsqueeze(-1)


def ref_contrastive(x: torch.Tensor, y: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    d = _n(x[:, 0] - x[:, 1])
    return torch.where(y == 1, 0.5 * d**2, 0.5 * torch.relu(margin - d) ** 2)


def ref_triplet(x: torch.Tensor, p: float = 2.0, eps: float = 1e-6, margin: float = 1.0
                ) -> torch.Tensor:
    a, pos, n = x.unbind(1)
    return torch.relu(_n(a - pos + eps, p) - _n(a - n + eps, p) + margin)


def ref_info_nce(q: torch.Tensor, k: torch.Tensor, tau: float = 0.1) -> torch.Tensor:
    s = _u(q, 1e-12) @ _u(k, 1e-12).T / tau
    return torch.logsumexp(s, 1) - s.diagonal()


def ref_nt_xent(q: torch.Tensor, k: torch.Tensor, tau: float = 0.5) -> torch.Tensor:
    z = _u(torch.cat([q, k]), 1e-12)
    n = q.shape[0]
    s = (z @ z.T / tau).masked_fill(torch.eye(2 * n, dtype=torch.bool), -math.inf)
    pos = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    per = torch.logsumexp(s, 1) - s[torch.arange(2 * n), pos]
    return 0.5 * (per[:n] + per[n:])


def ref_cos(x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    return (_u(x, eps) * _u(y, eps)).sum(-1)


def ref_cosine_embedding(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    a, b = x[:, 0], x[:, 1]  # ATen: eps = 1e-12 added to each squared norm
    cos = (a * b).sum(-1) / (((a * a).sum(-1) + 1e-12) * ((b * b).sum(-1) + 1e-12)).sqrt()
    return torch.where(y > 0, 1 - cos, torch.relu(cos))


# ------------------------------------------------------------------------------ cases
# name -> (make(gen, scale, D) -> (tensors, labels or None), call, reference)

def _pairs(gen: torch.Generator, scale: float, d: int) -> tuple[torch.Tensor, ...]:
    x = torch.randn(6, 2, d, generator=gen, dtype=torch.float64) * scale
    return (x,)


def _triplets(gen: torch.Generator, scale: float, d: int) -> tuple[torch.Tensor, ...]:
    return (torch.randn(6, 3, d, generator=gen, dtype=torch.float64) * scale,)


def _views(gen: torch.Generator, scale: float, d: int) -> tuple[torch.Tensor, ...]:
    q = torch.randn(5, d, generator=gen, dtype=torch.float64)
    k = q + 0.5 * torch.randn(5, d, generator=gen, dtype=torch.float64)
    return q * scale, k * scale


Y01 = torch.tensor([1, 0, 1, 0, 1, 0])
YPM = torch.tensor([1, -1, 1, -1, 1, -1])

CASES: dict[str, tuple[Callable[..., Any], Callable[..., torch.Tensor],
                       Callable[..., torch.Tensor]]] = {
    "contrastive": (_pairs, lambda x: L.contrastive(x, Y01, reduction="none"),
                    lambda x: ref_contrastive(x, Y01)),
    "triplet": (_triplets, lambda x: L.triplet(x, reduction="none"), ref_triplet),
    "triplet_p3": (_triplets, lambda x: L.triplet(x, reduction="none", p=3.0),
                   lambda x: ref_triplet(x, p=3.0)),
    "info_nce": (_views, lambda q, k: L.info_nce(q, k, reduction="none"), ref_info_nce),
    "nt_xent": (_views, lambda q, k: L.nt_xent(q, k, reduction="none"), ref_nt_xent),
    "cosine_similarity": (_views, lambda q, k: L.cosine_similarity(q, k, reduction="none"),
                          lambda q, k: 1 - ref_cos(q, k, 1e-8)),
    "cosine_embedding": (_pairs, lambda x: L.cosine_embedding(x, YPM, reduction="none"),
                         lambda x: ref_cosine_embedding(x, YPM)),
    "keras_cosine_similarity": (
        _views, lambda q, k: L.keras_cosine_similarity(q, k, reduction=None),
        lambda q, k: -ref_cos(q, k, 1e-6)),
    "optax_cosine_distance": (_views, lambda q, k: L.optax_cosine_distance(q, k),
                              lambda q, k: 1 - ref_cos(q, k, 0.0)),
    "optax_triplet_margin_loss": (
        _triplets, lambda x: L.optax_triplet_margin_loss(x, norm_degree=3.0),
        lambda x: ref_triplet(x, p=3.0)),
}


def _inputs(name: str, scale: float, seed: int = 0, d: int = 4) -> tuple[torch.Tensor, ...]:
    return CASES[name][0](torch.Generator().manual_seed(seed), scale, d)


def _value_and_grad(f: Callable[..., torch.Tensor], xs: tuple[torch.Tensor, ...]
                    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
    leaves = [v.detach().clone().requires_grad_() for v in xs]
    out = f(*leaves)
    grads = torch.autograd.grad(out.sum(), leaves)
    return out.detach(), [g.detach() for g in grads]


# the plain float32 formula overflows at 1e19 (squares above 3.4e38) in every case
SCALES = (1.0, 1e19, 1e25, 1e30)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", list(CASES))
def test_float32_value_and_gradient_match_float64_reference(name: str, scale: float) -> None:
    _, call, ref = CASES[name]
    x32 = tuple(v.float() for v in _inputs(name, scale))
    got, g_got = _value_and_grad(call, x32)
    want, g_want = _value_and_grad(ref, tuple(v.double() for v in x32))
    assert got.dtype == torch.float32
    # finite wherever the true value is representable in float32 (a similar pair's
    # d^2 / 2 at 1e19 and beyond is not: inf, as the float64 value rounded to float32)
    want32 = want.float().double()
    assert torch.equal(torch.isfinite(got), torch.isfinite(want32)), f"{name}: {got}"
    torch.testing.assert_close(got.double(), want32, rtol=1e-5, atol=1e-5)
    for a, b in zip(g_got, g_want, strict=True):
        scale_g = b.abs().max().item() or 1.0
        assert torch.isfinite(a).all()
        torch.testing.assert_close(a.double(), b, rtol=1e-4, atol=1e-5 * scale_g)


@pytest.mark.parametrize("name", list(CASES))
def test_float64_value_and_gradient_equal_plain_formula(name: str) -> None:
    _, call, ref = CASES[name]
    xs = _inputs(name, 1.0, seed=1)
    got, g_got = _value_and_grad(call, xs)
    want, g_want = _value_and_grad(ref, xs)
    torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-13)
    for a, b in zip(g_got, g_want, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_gradcheck_float64(name: str) -> None:
    _, call, _ = CASES[name]
    xs = tuple(v.requires_grad_() for v in _inputs(name, 1.0, seed=2, d=3))
    assert torch.autograd.gradcheck(call, xs, eps=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["contrastive", "triplet", "info_nce", "nt_xent",
                                  "cosine_embedding"])
@pytest.mark.parametrize("scale", (1.0, 1e30))
def test_closed_form_gradient_matches_reference(name: str, scale: float) -> None:
    spec_grad = L.spec(name).gradient
    _, _, ref = CASES[name]
    x32 = tuple(v.float() for v in _inputs(name, scale))
    _, g_want = _value_and_grad(ref, tuple(v.double() for v in x32))
    if name == "contrastive":
        g = spec_grad(x32[0], Y01)
    elif name == "cosine_embedding":
        g = spec_grad(x32[0], YPM)
    elif name == "triplet":
        g = spec_grad(x32[0], None)
    else:
        g = spec_grad(*x32)
    scale_g = g_want[0].abs().max().item() or 1.0
    torch.testing.assert_close(g.double(), g_want[0], rtol=1e-4, atol=1e-5 * scale_g)


def test_contrastive_positive_pair_representable_despite_overflowing_square() -> None:
    # |diff|^2 = 2 (1.5e19)^2 = 4.5e38 overflows float32; half of it, 2.25e38, does not
    x = torch.tensor([[[1.5e19, 1.5e19], [0.0, 0.0]]])
    got = L.contrastive(x, torch.tensor([1]), reduction="none")
    torch.testing.assert_close(got.double(), torch.tensor([2.25e38], dtype=torch.float64),
                               rtol=1e-6, atol=0)
    # a dissimilar pair that far apart costs nothing: 0, never 0 * inf = NaN
    got0 = L.contrastive(x, torch.tensor([0]), reduction="none")
    torch.testing.assert_close(got0, torch.zeros(1), rtol=0, atol=0)


def test_contrastive_coincident_pair_has_zero_gradient() -> None:
    # d = 0: the positive branch's gradient is diff = 0; the negative branch's is 0 by the
    # floor on d (sqrt has no derivative at 0), never NaN
    x = torch.zeros(2, 2, 3, dtype=torch.float64, requires_grad=True)
    L.contrastive(x, torch.tensor([1, 0]), reduction="sum").backward()
    torch.testing.assert_close(x.grad, torch.zeros_like(x), rtol=0, atol=0)


def test_nan_stays_nan_with_checks_off() -> None:
    x = torch.zeros(1, 2, 3)
    x[0, 0, 0] = math.nan
    with L.value_checks(False):
        got = L.contrastive(x, torch.tensor([0]), reduction="none")
    assert torch.isnan(got).all()


# ------------------------------------------------------------------- the helper itself

def test_row_scale_is_a_power_of_two_that_bounds_the_row() -> None:
    x = torch.tensor([[3.0, -0.1], [1e30, 2.0], [0.0, 0.0], [math.inf, 1.0],
                      [math.nan, 1.0], [1e-40, 0.0]])
    s = row_scale(x)
    exps = torch.log2(s.double())
    torch.testing.assert_close(exps, exps.round(), rtol=0, atol=0)  # powers of two
    ratio = (x[:3].abs().amax(-1, keepdim=True) / s[:3])
    assert ((ratio[:2] >= 1) & (ratio[:2] < 2)).all()
    # zero, inf and NaN rows keep the plain formula: s = 1
    torch.testing.assert_close(s[2:5], torch.ones(3, 1), rtol=0, atol=0)
    assert 0 < s[5, 0] < 1e-39


def test_norm_and_unit_against_float64() -> None:
    gen = torch.Generator().manual_seed(3)
    for scale in (1e-30, 1.0, 1e19, 1e30):
        x = (torch.randn(4, 5, generator=gen, dtype=torch.float64) * scale).float()
        want = _n(x.double())
        torch.testing.assert_close(norm(x).double(), want.float().double(), rtol=1e-6, atol=0)
        torch.testing.assert_close(norm(x, p=3.0).double(),
                                   _n(x.double(), 3.0).float().double(), rtol=1e-6, atol=0)
        xh, nx = unit(x)
        torch.testing.assert_close(xh.double(), _u(x.double(), 1e-12), rtol=1e-6, atol=1e-7)
        torch.testing.assert_close(nx.double().squeeze(-1), want.clamp_min(1e-12),
                                   rtol=1e-6, atol=0)
    # a norm beyond float32's range: the unit vector stays exact, the norm is inf
    big = torch.full((1, 4), 3e38)
    xh, nx = unit(big)
    torch.testing.assert_close(xh, torch.full((1, 4), 0.5), rtol=1e-6, atol=0)
    assert torch.isinf(nx).all()
    # the eps floor: a zero vector maps to zero
    xh0, n0 = unit(torch.zeros(1, 3), eps=1e-12)
    torch.testing.assert_close(xh0, torch.zeros(1, 3), rtol=0, atol=0)
    torch.testing.assert_close(n0, torch.full((1, 1), 1e-12), rtol=1e-6, atol=0)


def test_contrastive_second_derivative() -> None:
    # the half squared norm's hand-written backward stays differentiable
    x = _inputs("contrastive", 1.0, seed=4, d=3)[0].requires_grad_()
    assert torch.autograd.gradgradcheck(
        lambda v: L.contrastive(v, Y01, reduction="none"), (x,), eps=1e-6, atol=1e-6)
