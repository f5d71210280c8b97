"""Regression losses: sourced values, invariances, the adaptive robust loss, bad input."""

from __future__ import annotations

import math

import mpmath
import pytest
import torch
from torch.testing import assert_close

import actloss.losses as L
from actloss.errors import InputError, ParameterError
from actloss.losses._regression import log_partition

F64 = torch.float64


def _d(*v: float) -> torch.Tensor:
    return torch.tensor(v, dtype=F64)


def test_hand_values():
    z = torch.zeros(3, dtype=F64)
    x = _d(0.5, -3.0, 2.0)
    # Huber, delta 1: 0.5 * 0.25; 1 * (3 - 0.5); 1 * (2 - 0.5)
    assert_close(L.huber(x, z, reduction="none"), _d(0.125, 2.5, 1.5))
    # pinball, q = 0.25: u = y - x = (-0.5, 3, -2) -> (0.75*0.5, 0.25*3, 0.75*2)
    assert_close(L.quantile(x, z, q=0.25, reduction="none"), _d(0.375, 0.75, 1.5))
    # MAPE: |110 - 100| / 100 = 10 %, |45 - 50| / 50 = 10 %
    assert_close(L.mape(_d(110.0, 45.0), _d(100.0, 50.0)), torch.tensor(10.0, dtype=F64))
    # Poisson NLL with log-rate 0 and y = 2: exp(0) - 2 * 0 = 1
    assert_close(L.poisson_nll(_d(0.0), _d(2.0)), torch.tensor(1.0, dtype=F64))
    # Gaussian NLL, var 4, d = 2: 0.5 * (log 4 + 1)
    assert_close(L.gaussian_nll(_d(2.0), _d(0.0), var=4.0),
                 torch.tensor(0.5 * (math.log(4) + 1), dtype=F64))


def test_huber_with_huge_delta_is_half_mse_and_smooth_l1_is_huber_over_beta():
    g = torch.Generator().manual_seed(1)
    x, y = torch.randn(50, generator=g, dtype=F64), torch.randn(50, generator=g, dtype=F64)
    assert_close(L.huber(x, y, delta=1e6), 0.5 * L.mse(x, y))
    for beta in (0.3, 2.0):
        assert_close(L.smooth_l1(x, y, beta=beta), L.huber(x, y, delta=beta) / beta)
    assert_close(L.smooth_l1(x, y, beta=0.0), L.mae(x, y))
    assert_close(L.quantile(x, y, q=0.5), 0.5 * L.mae(x, y))


def test_log_cosh_limits():
    # small d: log cosh d = d^2/2 - d^4/12 + ...; large d: |d| - log 2 + e^{-2|d|}
    d = _d(1e-4, 1e4, -1e4, 30.0)
    got = L.log_cosh(d, torch.zeros(4, dtype=F64), reduction="none")
    want = _d(0.5e-8 - 1e-16 / 12, 1e4 - math.log(2), 1e4 - math.log(2), 30 - math.log(2))
    assert_close(got, want, rtol=1e-12, atol=1e-20)
    f32 = L.log_cosh(d.float(), torch.zeros(4), reduction="none")
    assert torch.isfinite(f32).all()


@pytest.mark.parametrize("scale", [1.0, 0.3])
def test_adaptive_special_shapes(scale):
    d = torch.linspace(-5, 5, 41, dtype=F64)
    z0 = torch.zeros_like(d)
    u = (d / scale) ** 2

    def rho(alpha: float) -> torch.Tensor:
        return L.adaptive_robust(d, z0, alpha=alpha, scale=scale, reduction="none")

    assert_close(rho(2.0), 0.5 * u)  # L2
    assert_close(rho(1.0), torch.sqrt(u + 1) - 1)  # pseudo-Huber / Charbonnier
    assert_close(rho(0.0), torch.log(0.5 * u + 1))  # Cauchy / Lorentzian
    assert_close(rho(-2.0), 2 * u / (u + 4))  # Geman-McClure
    # Welsch as alpha -> -inf: 1 - exp(-u/2)
    assert_close(rho(-1e7), 1 - torch.exp(-0.5 * u), rtol=1e-5, atol=1e-6)
    # the removable singularities are continuous
    assert_close(rho(2.0 - 1e-10), rho(2.0), rtol=1e-7, atol=1e-9)
    assert_close(rho(1e-9), rho(0.0), rtol=1e-7, atol=1e-9)


def test_charbonnier_is_scaled_adaptive_alpha_one():
    g = torch.Generator().manual_seed(2)
    x, y = torch.randn(20, generator=g, dtype=F64), torch.randn(20, generator=g, dtype=F64)
    c = 0.7  # sqrt(d^2 + c^2) = c (rho_1(d, c) + 1)
    assert_close(L.charbonnier(x, y, eps=c, reduction="none"),
                 c * (L.adaptive_robust(x, y, alpha=1.0, scale=c, reduction="none") + 1))


def test_adaptive_rho_is_monotone_in_alpha():
    # Barron (2019), section 2: rho is monotonic in alpha for fixed d
    d = _d(0.5, 2.0, 10.0)
    vals = torch.stack([L.adaptive_robust(d, torch.zeros(3, dtype=F64), alpha=a,
                                          reduction="none") for a in (-4, -2, 0, 1, 2, 4)])
    assert (vals.diff(dim=0) > 0).all()


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0, 1.5, 2.0])
def test_log_partition_against_mpmath(alpha):
    def rho(t):
        z = t * t
        if alpha == 2:
            return z / 2
        if alpha == 0:
            return mpmath.log(z / 2 + 1)
        b = abs(alpha - 2)
        return b / alpha * ((z / b + 1) ** (mpmath.mpf(alpha) / 2) - 1)

    mpmath.mp.dps = 30
    z = mpmath.quad(lambda t: mpmath.exp(-rho(t)), [-mpmath.inf, -10, 0, 10, mpmath.inf])
    got = float(log_partition(torch.tensor(alpha, dtype=F64)))
    assert got == pytest.approx(float(mpmath.log(z)), rel=1e-6, abs=1e-6)


def test_adaptive_module_is_a_normalised_density():
    loss = L.get("adaptive_robust", learnable=True, alpha_init=1.4, scale_init=0.7,
                 reduction="none")
    assert 0.001 < float(loss.alpha().detach()) < 1.999
    assert float(loss.alpha().detach()) == pytest.approx(1.4)
    assert float(loss.scale().detach()) == pytest.approx(0.7)
    t = torch.linspace(-400, 400, 400001, dtype=F64)
    nll = loss(t, torch.zeros_like(t)).detach()
    # exp(-nll) is the density p(d | alpha, c); it integrates to ~1 (tails beyond 400 tiny)
    mass = torch.trapezoid(torch.exp(-nll), t)
    assert float(mass) == pytest.approx(1.0, abs=2e-3)


def test_adaptive_module_gradients_reach_both_parameters():
    loss = L.get("adaptive_robust", learnable=True, num_dims=3)
    x = torch.randn(8, 3)
    out = loss(x, torch.zeros_like(x))
    out.backward()
    assert loss.alpha_latent.grad is not None and loss.alpha_latent.grad.shape == (3,)
    assert torch.isfinite(loss.scale_latent.grad).all()
    assert "alpha_range" in repr(loss)


@pytest.mark.slow
def test_adaptive_module_learns_robustness_from_the_data():
    # Gaussian residuals favour a large alpha (L2); Cauchy residuals a small one (Cauchy).
    g = torch.Generator().manual_seed(0)
    gauss = torch.randn(1000, generator=g)
    cauchy = torch.tan(math.pi * (torch.rand(1000, generator=g) - 0.5))  # inverse CDF
    alphas = []
    for data in (gauss, cauchy):
        loss = L.get("adaptive_robust", learnable=True)
        opt = torch.optim.Adam(loss.parameters(), lr=0.1)
        for _ in range(80):
            opt.zero_grad()
            loss(data, torch.zeros_like(data)).backward()
            opt.step()
        alphas.append(float(loss.alpha().detach()))
    assert alphas[0] > 1.5 and alphas[1] < 0.5, alphas


# ---------------------------------------------------------------------------- errors
def test_parameter_errors_have_one_format():
    x = torch.zeros(3)
    with pytest.raises(ParameterError,
                       match=r"^`delta` of huber must be a float in \(0, inf\); got -1.0$"):
        L.huber(x, x, delta=-1.0)
    with pytest.raises(ParameterError, match=r"`beta` of smooth_l1 must be a float in \[0, inf\)"):
        L.smooth_l1(x, x, beta=-0.1)
    with pytest.raises(ParameterError, match=r"`q` of quantile must be a float in \(0, 1\); got 1"):
        L.quantile(x, x, q=1)
    with pytest.raises(ParameterError, match=r"`eps` of mape must be a float in \(0, inf\)"):
        L.mape(x, x, eps=0.0)
    with pytest.raises(ParameterError, match=r"`scale` of adaptive_robust must be a float"):
        L.adaptive_robust(x, x, scale=0.0)
    with pytest.raises(ParameterError, match=r"`log_input` of poisson_nll must be a bool"):
        L.poisson_nll(x, x, log_input=1)
    with pytest.raises(ParameterError, match=r"huber has no parameter `delt`.*did you mean 'delta'"):
        L.get("huber", delt=1.0)
    with pytest.raises(ParameterError, match=r"`dim` of cosine_similarity must be a dimension"):
        L.cosine_similarity(torch.ones(2, 3), torch.ones(2, 3), dim=2)


def test_adaptive_module_parameter_errors():
    with pytest.raises(ParameterError, match=r"`alpha_lo` of adaptive_robust must be"):
        L.get("adaptive_robust", learnable=True, alpha_lo=-1.0)
    with pytest.raises(ParameterError, match=r"`alpha_init` of adaptive_robust must be"):
        L.get("adaptive_robust", learnable=True, alpha_init=3.0)
    with pytest.raises(ParameterError, match=r"`scale_init` of adaptive_robust must be"):
        L.get("adaptive_robust", learnable=True, scale_init=0.0)
    with pytest.raises(ParameterError, match=r"`num_dims` of adaptive_robust must be"):
        L.get("adaptive_robust", learnable=True, num_dims=0)
    with pytest.raises(ParameterError, match=r"`weight` of adaptive_robust is not supported"):
        L.get("adaptive_robust", learnable=True, weight=torch.ones(3))
    with pytest.raises(ParameterError, match=r"`reduction` of adaptive_robust must be one of"):
        L.get("adaptive_robust", learnable=True, reduction="avg")


def test_input_errors():
    with pytest.raises(InputError, match=r"`input` and `target` of mse must have the same shape; "
                                         r"got \(3,\) and \(3, 1\) \(no silent broadcasting\)"):
        L.mse(torch.zeros(3), torch.zeros(3, 1))
    with pytest.raises(InputError, match=r"`input` of mae must be a torch.Tensor; got list"):
        L.mae([1.0], torch.zeros(1))
    with pytest.raises(InputError, match=r"`input` of mse must be a floating-point tensor"):
        L.mse(torch.zeros(3, dtype=torch.long), torch.zeros(3))
    with pytest.raises(InputError, match=r"`input` of msle must hold values in \(-1, inf\)"):
        L.msle(torch.tensor([-1.0]), torch.tensor([0.0]))
    with pytest.raises(InputError, match=r"`target` of poisson_nll must hold values in \[0, inf\)"
                                         r" \(counts\); got values in \[-1, 2\]"):
        L.poisson_nll(torch.zeros(2), torch.tensor([-1.0, 2.0]))
    with pytest.raises(InputError, match=r"`input` of poisson_nll must hold values in \[0, inf\)"):
        L.poisson_nll(torch.tensor([-0.5]), torch.tensor([1.0]), log_input=False)
    with pytest.raises(InputError, match=r"`var` of gaussian_nll must hold values in \[0, inf\)"):
        L.gaussian_nll(torch.zeros(2), torch.zeros(2), var=torch.tensor([1.0, -1.0]))
    with pytest.raises(InputError, match=r"`var` of gaussian_nll of shape \(3,\) does not broadcast"):
        L.gaussian_nll(torch.zeros(2), torch.zeros(2), var=torch.ones(3))
    with pytest.raises(InputError, match=r"`weight` of huber of shape \(4,\) does not broadcast"):
        L.huber(torch.zeros(3), torch.zeros(3), weight=torch.ones(4))
    with pytest.raises(InputError, match=r"`input` of huber contains 1 NaN value\(s\)"):
        L.huber(torch.tensor([0.0, math.nan]), torch.zeros(2))
    with pytest.raises(InputError, match=r"`target` of mse contains 1 infinite value\(s\)"):
        L.mse(torch.zeros(2), torch.tensor([0.0, math.inf]))


def test_robust_losses_resist_one_outlier():
    # the claim robust_to_outliers: one outlier moves the minimiser of a robust loss less
    data = torch.cat([torch.zeros(19, dtype=F64), torch.tensor([100.0], dtype=F64)])
    grid = torch.linspace(-1, 10, 1101, dtype=F64)

    def argmin(name: str) -> float:
        vals = torch.stack([L.spec(name).fn(torch.full_like(data, float(c)), data)
                            for c in grid])
        return float(grid[vals.argmin()])

    assert argmin("mse") == pytest.approx(5.0, abs=0.02)  # the mean
    for name in [n for n in L.names() if L.spec(n).family == "regression"
                 and L.spec(n).robust_to_outliers and n not in ("mape",)]:
        assert abs(argmin(name)) < 1.0, name
