"""Divergences: hand values, identities between KL, JS and cross-entropy, bad input."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

import actloss.losses as L
from actloss.errors import InputError, ParameterError

F64 = torch.float64


def _dists(seed: int = 0, n: int = 4, k: int = 6) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    p = torch.softmax(torch.randn(n, k, generator=g, dtype=F64), -1)
    q = torch.softmax(torch.randn(n, k, generator=g, dtype=F64), -1)
    return p, q


def test_kl_identities():
    p, q = _dists()
    kl = L.kl_div(torch.log(p), q, reduction="batchmean")
    # KL(q || p) = sum q log(q / p) >= 0, zero for equal distributions
    assert_close(kl, (q * torch.log(q / p)).sum() / 4)
    assert float(kl) > 0
    assert_close(L.kl_div(torch.log(q), q, reduction="sum"), torch.tensor(0.0, dtype=F64))
    # log_target gives the same value
    assert_close(L.kl_div(torch.log(p), torch.log(q), log_target=True, reduction="batchmean"), kl)
    # KL to a one-hot target is cross-entropy (a one-hot has zero entropy)
    x = torch.randn(5, 3, dtype=F64)
    t = torch.tensor([0, 2, 1, 1, 0])
    assert_close(L.kl_div(torch.log_softmax(x, 1), F.one_hot(t, 3).to(F64), reduction="batchmean"),
                 L.cross_entropy(x, t))


def test_js_hand_value_symmetry_and_bound():
    # p = (1, 0), q = (1/2, 1/2): m = (3/4, 1/4);
    # JS = 1/2 [log(4/3)] + 1/2 [1/2 log(2/3) + 1/2 log 2]
    want = 0.5 * math.log(4 / 3) + 0.5 * (0.5 * math.log(2 / 3) + 0.5 * math.log(2))
    p = torch.tensor([1.0, 0.0], dtype=F64)
    q = torch.tensor([0.5, 0.5], dtype=F64)
    assert float(L.jensen_shannon(torch.log(p), q)) == pytest.approx(want, rel=1e-12)
    assert float(L.jensen_shannon(torch.log(q), p)) == pytest.approx(want, rel=1e-12)
    a, b = _dists(1)
    assert_close(L.jensen_shannon(torch.log(a), b, reduction="none"),
                 L.jensen_shannon(torch.log(b), a, reduction="none"))
    # disjoint supports reach the bound log 2 exactly
    disjoint = L.jensen_shannon(torch.log(torch.tensor([1.0, 0.0])), torch.tensor([0.0, 1.0]))
    assert float(disjoint) == pytest.approx(math.log(2), rel=1e-6)
    assert_close(L.jensen_shannon(torch.log(a), a), torch.tensor(0.0, dtype=F64))


def test_js_along_another_dimension():
    a, b = _dists(2)
    assert_close(L.jensen_shannon(torch.log(a.T), b.T, dim=0, reduction="none"),
                 L.jensen_shannon(torch.log(a), b, reduction="none"))


def test_wasserstein_hand_values():
    e = torch.eye(5, dtype=F64)
    # a point mass moved from bin i to bin j costs |i - j| times the bin width
    for i, j in [(0, 4), (1, 2), (3, 0)]:
        assert float(L.wasserstein_1d(e[i], e[j])) == pytest.approx(abs(i - j), rel=1e-12)
        assert float(L.wasserstein_1d(e[i], e[j], bin_width=0.25)) == pytest.approx(
            0.25 * abs(i - j), rel=1e-12)
    # unlike KL, near misses cost less than far ones
    near = L.wasserstein_1d(e[0], e[1])
    far = L.wasserstein_1d(e[0], e[4])
    assert float(near) < float(far)
    # gradient: moving mass to the right of bin 0 lowers the distance to e[4]
    g = L.gradient("wasserstein_1d", torch.full((5,), 0.2, dtype=F64), e[4])
    assert (g[:-1].diff() <= 0).all()


# ---------------------------------------------------------------------------- errors
def test_divergence_errors():
    p, q = _dists(3)
    with pytest.raises(InputError, match=r"`target` of kl_div must hold values in \[0, 1\] "
                                         r"\(probabilities\)"):
        L.kl_div(torch.log(p), q * 3)
    with pytest.raises(InputError, match=r"`target` of kl_div must hold values in \(-inf, 0\] "
                                         r"\(log-probabilities\)"):
        L.kl_div(torch.log(p), q, log_target=True)
    with pytest.raises(InputError, match=r"`target` of kl_div must be a distribution of shape "
                                         r"\(4, 6\); got class indices of shape \(4,\).*one_hot"):
        L.kl_div(torch.log(p), torch.tensor([0, 1, 2, 3]))
    with pytest.raises(ParameterError, match=r"`reduction` of jensen_shannon must be one of "
                                             r"'none', 'mean', 'sum'; got 'batchmean'"):
        L.jensen_shannon(torch.log(p), q, reduction="batchmean")
    with pytest.raises(ParameterError, match=r"`dim` of jensen_shannon must be a dimension of the "
                                             r"input \(it has 2\); got 2"):
        L.jensen_shannon(torch.log(p), q, dim=2)
    with pytest.raises(ParameterError, match=r"`bin_width` of wasserstein_1d must be a float in "
                                             r"\(0, inf\); got 0.0"):
        L.wasserstein_1d(p, q, bin_width=0.0)
    with pytest.raises(InputError, match=r"`input` of wasserstein_1d must hold values in \[0, 1\]"):
        L.wasserstein_1d(torch.log(p), q)
    with pytest.raises(InputError, match=r"must have the same shape; got \(4, 6\) and \(4, 5\)"):
        L.kl_div(torch.log(p), q[:, :5])
    with pytest.raises(InputError, match=r"`input` of kl_div contains 1 NaN value"):
        L.kl_div(torch.tensor([math.nan, 0.0]), torch.tensor([0.5, 0.5]))


@pytest.mark.parametrize(("values", "message"), [
    ([math.inf, -1.0], r"`input` of kl_div contains 1 \+inf value"),
    ([math.inf, -math.inf], r"`input` of kl_div contains 1 \+inf value"),  # sum is NaN
    ([math.nan, -math.inf], r"`input` of kl_div contains 1 NaN value"),
    ([math.nan, math.inf], r"`input` of kl_div contains 1 NaN and 1 \+inf value"),
])
def test_log_space_check_reports_nan_and_plus_inf(values, message):
    with pytest.raises(InputError, match=message):
        L.kl_div(torch.tensor(values), torch.tensor([0.5, 0.5]))


def test_log_space_check_allows_minus_inf_and_survives_overflow():
    # log 0 = -inf is a valid log-probability; the loss of a zero-probability target
    # term is 0 (0 log 0 = 0), so a -inf input there costs nothing: -0.5 log 0.5 - ...
    x = torch.tensor([-math.inf, math.log(0.5), math.log(0.5)])
    t = torch.tensor([0.0, 0.5, 0.5])
    torch.testing.assert_close(L.kl_div(x, t, reduction="sum"), torch.tensor(0.0))
    # finite values whose float32 sum overflows to -inf or +inf are not rejected
    big = torch.full((4,), -3e38)
    assert torch.isfinite(L.kl_div(big, torch.zeros(4), reduction="sum"))
    # a sum that overflows to +inf takes the exact path, which finds nothing wrong
    with pytest.raises(InputError, match=r"must hold values in \[0, 1\]"):
        L.kl_div(torch.full((4,), 3e38), torch.full((4,), 2.0))
