"""Seeds, intervals and verdict rules of the lab.

Every experiment measures one number per seed: the *effect* its claim is about (for
example "ReLU's accuracy minus the best activation's"). This module turns those numbers
into a mean, a 95% Student-t interval and a verdict, by a rule stated before the numbers
are seen (:class:`Effect` holds the rule; :func:`decide` applies it):

- **supported**: the interval lies wholly on the claimed side of ``null`` (the value at
  which the claim fails) and the mean reaches ``minimum`` (the smallest effect the claim
  needs);
- **not supported**: the interval lies wholly short of ``minimum`` (the claimed effect
  is excluded);
- **inconclusive**: otherwise.

Deterministic checks (the composition of linear maps, hand-derived gradients) give the
same number for every seed: they run once and say so (``deterministic=True``, no
interval).

The t quantile is computed here (no SciPy): the Student-t CDF through the regularized
incomplete beta function (a Lentz continued fraction), inverted by bisection.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from actloss.errors import ParameterError

__all__ = [
    "Effect",
    "Summary",
    "contrast",
    "decide",
    "group_overlapping",
    "mean_interval",
    "student_t_cdf",
    "student_t_quantile",
]

Label = Literal["supported", "not supported", "inconclusive"]


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz method)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    front = math.exp(log_front)
    # the continued fraction converges fast for x < (a + 1) / (a + b + 2);
    # otherwise use the symmetry I_x(a, b) = 1 - I_{1-x}(b, a)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def student_t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom.

    Uses P(|T| > t) = I_{df / (df + t^2)}(df / 2, 1 / 2).

    >>> round(student_t_cdf(0.0, 3), 12)
    0.5
    """
    if not df > 0:
        raise ParameterError(f"`df` of student_t_cdf must be a float in (0, inf); got {df!r}")
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def student_t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom.

    >>> round(student_t_quantile(0.975, 4), 4)  # textbook table: 2.776
    2.7764
    """
    if not 0.0 < p < 1.0:
        raise ParameterError(f"`p` of student_t_quantile must be a float in (0, 1); got {p!r}")
    if not df > 0:
        raise ParameterError(
            f"`df` of student_t_quantile must be a float in (0, inf); got {df!r}")
    if p < 0.5:
        return -student_t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while student_t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):  # bisection to float precision
        mid = 0.5 * (lo + hi)
        if student_t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-14 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


@dataclass(frozen=True)
class Summary:
    """Mean and 95% interval of per-seed values (``interval`` is None for one value)."""

    n: int
    mean: float
    sd: float
    interval: tuple[float, float] | None

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "mean": self.mean, "sd": self.sd,
                "interval": list(self.interval) if self.interval else None}


def mean_interval(values: Sequence[float], level: float = 0.95) -> Summary:
    """Mean and the Student-t interval ``mean +- t_{(1+level)/2, n-1} * sd / sqrt(n)``.

    >>> s = mean_interval([1.0, 2.0, 3.0])
    >>> s.mean, [round(v, 4) for v in s.interval]  # 2 +- 4.3027 * 1 / sqrt(3)
    (2.0, [-0.4841, 4.4841])
    """
    vals = [float(v) for v in values]
    if not vals:
        raise ParameterError("`values` of mean_interval must not be empty; got []")
    if any(not math.isfinite(v) for v in vals):
        raise ParameterError(f"`values` of mean_interval must be finite; got {vals!r}")
    if not 0.0 < level < 1.0:
        raise ParameterError(f"`level` of mean_interval must be a float in (0, 1); got {level!r}")
    n = len(vals)
    mean = math.fsum(vals) / n
    if n == 1:
        return Summary(1, mean, 0.0, None)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in vals) / (n - 1))
    half = student_t_quantile(0.5 + level / 2.0, n - 1) * sd / math.sqrt(n)
    return Summary(n, mean, sd, (mean - half, mean + half))


@dataclass(frozen=True)
class Effect:
    """The number a claim is about, and the rule that decides it, stated before running.

    Args:
        name, name_zh: what the number is, in English and Chinese.
        measure: the number from one seed's ``Result.metrics``.
        minimum: the smallest effect the claim needs (in the claim's direction).
        null: the value at which the claim fails (default 0; a non-inferiority claim
            such as "within 0.02 of the best" puts ``null = minimum = -0.02``).
        direction: ``+1`` if the claim says the effect is large, ``-1`` if small.
        deterministic: the same number for every seed; run once, no interval.
        ranking: optional per-seed scores of several entries (the activation shoot-out),
            shown with intervals and grouped where the intervals overlap.
        reference: with ``ranking``: the effect of a seed is then the reference entry's
            score minus the score of the best other entry (best by mean over all seeds),
            a paired difference; ``measure`` is not used.
    """

    name: str
    name_zh: str
    measure: Callable[[Mapping[str, Any]], float]
    minimum: float = 0.0
    null: float = 0.0
    direction: int = 1
    deterministic: bool = False
    ranking: Callable[[Mapping[str, Any]], Mapping[str, float]] | None = None
    reference: str | None = None

    def __post_init__(self) -> None:
        if self.direction not in (1, -1):
            raise ParameterError(f"`direction` of Effect must be 1 or -1; got {self.direction!r}")
        if self.direction * (self.minimum - self.null) < 0:
            raise ParameterError(
                f"`minimum` of Effect {self.name!r} must lie on the claimed side of `null` "
                f"({self.null!r}); got {self.minimum!r}")

    def rule(self) -> tuple[str, str]:
        """The decision rule in English and Chinese."""
        if self.deterministic:
            return ("deterministic: one run decides (the same numbers for every seed)",
                    "确定性检验：一次运行即可判定（每个随机种子结果相同）")
        side, side_zh = (">", "大于") if self.direction > 0 else ("<", "小于")
        anti, anti_zh = ("<", "小于") if self.direction > 0 else (">", "大于")
        en = (f"effect = {self.name}. Supported if the 95% t-interval over seeds lies wholly "
              f"{side} {self.null:g} and the mean is {side}= {self.minimum:g}; not supported if "
              f"the interval lies wholly {anti} {self.minimum:g}; inconclusive otherwise")
        zh = (f"效应 = {self.name_zh}。若各随机种子上的 95% t 区间整体{side_zh} {self.null:g}，"
              f"且均值{side_zh}或等于 {self.minimum:g}，则判为支持；若区间整体{anti_zh} "
              f"{self.minimum:g}，则判为不支持；否则为无定论")
        return en, zh


def decide(effect: Effect, values: Sequence[float]) -> tuple[Label, Summary]:
    """Apply ``effect``'s rule to the per-seed ``values``.

    One value (or a deterministic effect) has no interval: the decision then falls to the
    caller (deterministic checks keep their own pass/fail rule); here it is
    ``'inconclusive'`` for a single random value.
    """
    s = mean_interval(values)
    if effect.deterministic or s.interval is None:
        return "inconclusive", s
    d = effect.direction
    lo, hi = sorted((d * s.interval[0], d * s.interval[1]))
    mean, null, minimum = d * s.mean, d * effect.null, d * effect.minimum
    if lo > null and mean >= minimum:
        return "supported", s
    if hi < minimum:
        return "not supported", s
    return "inconclusive", s


def contrast(rankings: Sequence[Mapping[str, float]], reference: str) -> tuple[list[float], str]:
    """Per-seed ``reference - best``, where best is the other entry with the best mean.

    >>> contrast([{"relu": 0.90, "gelu": 0.92, "tanh": 0.5},
    ...           {"relu": 0.91, "gelu": 0.92, "tanh": 0.6}], "relu")
    ([-0.020000000000000018, -0.010000000000000009], 'gelu')
    """
    if not rankings or any(reference not in r for r in rankings):
        raise ParameterError(f"`reference` {reference!r} must be scored in every seed's ranking")
    others = [k for k in rankings[0] if k != reference]
    if not others:
        raise ParameterError("a ranking needs an entry besides the reference; got only "
                             f"{reference!r}")
    best = max(others, key=lambda k: math.fsum(r[k] for r in rankings))
    return [float(r[reference]) - float(r[best]) for r in rankings], best


def group_overlapping(summaries: Mapping[str, Summary]) -> list[list[str]]:
    """Entries in groups, best mean first; an entry joins the group of the best remaining
    entry when their intervals overlap (entries without an interval overlap nothing but
    themselves). Entries within a group are not told apart by the data.

    >>> g = group_overlapping({"a": Summary(3, 0.9, 0.01, (0.88, 0.92)),
    ...                        "b": Summary(3, 0.89, 0.01, (0.87, 0.91)),
    ...                        "c": Summary(3, 0.5, 0.01, (0.48, 0.52))})
    >>> g
    [['a', 'b'], ['c']]
    """
    left = sorted(summaries, key=lambda k: -summaries[k].mean)
    groups: list[list[str]] = []
    while left:
        lead = summaries[left[0]]
        group = [left[0]]
        if lead.interval is not None:
            for k in left[1:]:
                iv = summaries[k].interval
                if iv is not None and iv[1] >= lead.interval[0] and iv[0] <= lead.interval[1]:
                    group.append(k)
        groups.append(group)
        left = [k for k in left if k not in group]
    return groups
