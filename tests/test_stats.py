"""The lab's statistics: Student-t quantiles, intervals, verdict rules, grouping."""

from __future__ import annotations

import math

import mpmath
import pytest

from actloss.errors import ParameterError
from actloss.lab.stats import (
    Effect,
    Summary,
    decide,
    group_overlapping,
    mean_interval,
    student_t_cdf,
    student_t_quantile,
)

# Two-sided 95% critical values t_{0.975, df}: NIST/SEMATECH e-Handbook of Statistical
# Methods, section 1.3.6.7.2 "Critical values of the Student's t distribution".
NIST_T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 9: 2.262, 10: 2.228,
             20: 2.086, 30: 2.042, 100: 1.984}


@pytest.mark.parametrize("df", sorted(NIST_T975))
def test_t_quantile_matches_nist_table(df: int) -> None:
    assert student_t_quantile(0.975, df) == pytest.approx(NIST_T975[df], abs=6e-4)


def _mp_t_cdf(t: float, df: float) -> mpmath.mpf:
    # independent float64+ reference: P(T <= t) = 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2 (t > 0)
    x = mpmath.mpf(df) / (df + mpmath.mpf(t) ** 2)
    tail = mpmath.betainc(mpmath.mpf(df) / 2, mpmath.mpf(1) / 2, 0, x, regularized=True) / 2
    return 1 - tail if t > 0 else tail


@pytest.mark.parametrize("df", [1, 2, 3.5, 7, 40, 500])
@pytest.mark.parametrize("t", [-6.0, -1.3, 0.2, 2.0, 9.0])
def test_t_cdf_matches_mpmath(t: float, df: float) -> None:
    assert student_t_cdf(t, df) == pytest.approx(float(_mp_t_cdf(t, df)), rel=1e-11, abs=1e-14)


@pytest.mark.parametrize("df", [1, 2, 4, 29])
@pytest.mark.parametrize("p", [0.9, 0.975, 0.995])
def test_t_quantile_inverts_mpmath_cdf(p: float, df: int) -> None:
    q = student_t_quantile(p, df)
    assert float(_mp_t_cdf(q, df)) == pytest.approx(p, abs=1e-12)
    assert student_t_quantile(1 - p, df) == pytest.approx(-q, rel=1e-12)


def test_t_quantile_tends_to_normal() -> None:
    # large df: the normal 0.975 quantile, 1.959963984540054 (mpmath.sqrt(2)*erfinv(0.95))
    z = float(mpmath.sqrt(2) * mpmath.erfinv(mpmath.mpf("0.95")))
    assert student_t_quantile(0.975, 1e7) == pytest.approx(z, rel=1e-6)


def test_mean_interval_float64_reference() -> None:
    vals = [0.91, 0.93, 0.88, 0.95, 0.90]
    n = len(vals)
    mean = sum(vals) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (n - 1))
    half = 2.776445105 * sd / math.sqrt(n)  # t_{0.975,4}, NIST table 2.776
    s = mean_interval(vals)
    assert s.n == 5 and s.mean == pytest.approx(mean) and s.sd == pytest.approx(sd)
    assert s.interval == pytest.approx((mean - half, mean + half), rel=1e-8)
    assert mean_interval([0.5]).interval is None


@pytest.mark.parametrize(("vals", "match"), [([], "must not be empty"),
                                             ([1.0, math.nan], "must be finite")])
def test_mean_interval_errors(vals: list[float], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        mean_interval(vals)


def test_quantile_errors() -> None:
    with pytest.raises(ParameterError, match=r"`p` of student_t_quantile must be a float in \(0, 1\)"):
        student_t_quantile(1.0, 3)
    with pytest.raises(ParameterError, match="`df` of student_t_quantile"):
        student_t_quantile(0.9, 0)
    with pytest.raises(ParameterError, match="`df` of student_t_cdf"):
        student_t_cdf(0.9, -1)
    with pytest.raises(ParameterError, match="`level` of mean_interval"):
        mean_interval([1.0, 2.0], level=95)


def _e(**kw: object) -> Effect:
    return Effect("gain", "增益", lambda m: m["x"], **kw)  # type: ignore[arg-type]


def test_decide_three_outcomes() -> None:
    e = _e(minimum=0.05)
    assert decide(e, [0.10, 0.11, 0.12])[0] == "supported"
    # interval excludes 0 but the mean is below the stated minimum: not enough effect
    assert decide(e, [0.010, 0.011, 0.012])[0] == "not supported"
    assert decide(e, [0.02, 0.10, -0.03])[0] == "inconclusive"
    # small claimed side: direction -1
    e2 = _e(minimum=-0.05, direction=-1)
    assert decide(e2, [-0.10, -0.11, -0.12])[0] == "supported"
    assert decide(e2, [0.10, 0.11, 0.12])[0] == "not supported"


def test_decide_non_inferiority() -> None:
    e = _e(minimum=-0.02, null=-0.02)  # "within 0.02 of the best"
    assert decide(e, [-0.001, -0.002, -0.0015])[0] == "supported"
    assert decide(e, [-0.05, -0.06, -0.055])[0] == "not supported"
    assert decide(e, [-0.03, 0.0, -0.01])[0] == "inconclusive"


def test_decide_one_seed_is_inconclusive() -> None:
    label, s = decide(_e(minimum=0.05), [0.5])
    assert label == "inconclusive" and s.interval is None


def test_effect_errors_and_rule_text() -> None:
    with pytest.raises(ParameterError, match="`direction` of Effect must be 1 or -1"):
        _e(direction=0)
    with pytest.raises(ParameterError, match="`minimum` of Effect 'gain' must lie"):
        _e(minimum=-0.1)
    en, zh = _e(minimum=0.05).rule()
    assert "0.05" in en and "95%" in en and "0.05" in zh
    assert "deterministic" in _e(deterministic=True).rule()[0]


def test_group_overlapping() -> None:
    s = {"a": Summary(3, 0.90, 0.0, (0.88, 0.92)), "b": Summary(3, 0.87, 0.0, (0.85, 0.89)),
         "c": Summary(3, 0.86, 0.0, (0.84, 0.87)), "d": Summary(1, 0.5, 0.0, None)}
    # b overlaps a; c does not overlap a, so it leads the next group
    assert group_overlapping(s) == [["a", "b"], ["c"], ["d"]]
