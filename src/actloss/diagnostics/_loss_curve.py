"""Plateau, oscillation and divergence read off a loss history.

The step losses are averaged over ``windows`` consecutive windows of equal length (the
first ``n mod windows`` steps are dropped), which smooths mini-batch noise; the checks
compare the window means ``s_0 .. s_{k-1}``. With ``first = s_0``, ``last = s_{k-1}``
and ``best = min(s)``:

- divergence: a non-finite loss, or ``last - best > divergence_fraction * (first - best)``
  (more than that fraction of the progress is lost again) and
  ``last - best > divergence_rise * |best|`` (a real rise, not noise around a minimum);
- plateau: not divergent and ``first - last < plateau_tol * |first|`` (the loss did not
  come down by ``plateau_tol`` of its starting value);
- oscillation: at least ``oscillation_rate * (k - 1)`` of the moves ``s_i -> s_{i+1}``
  are swings: rises by more than ``oscillation_rise * |s_i|`` followed by a fall
  (``s_{i+2} < s_{i+1}``, a local peak), so a steady climb is not an oscillation.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from typing import Any

from actloss._validation import check_params
from actloss.diagnostics._text import finding
from actloss.diagnostics._thresholds import MONITOR_PARAMS
from actloss.findings import Finding

__all__ = ["LossSummary", "loss_curve_findings", "window_means"]

_CURVE_PARAMS = tuple(
    p for p in MONITOR_PARAMS
    if p.name in {"plateau_tol", "divergence_fraction", "divergence_rise", "oscillation_rise",
                  "oscillation_rate", "loss_windows"}
)


class LossSummary:
    """A loss history kept at a fixed size, whatever the number of steps.

    The finite losses go into at most ``2 * bins`` consecutive bins of equal length
    (``sum``, ``count``); when the bins are full, neighbours are merged and the bin
    length doubles, so the curve keeps its shape at a coarser resolution. The first
    non-finite value and its step are kept apart, and so are the ``recent`` last values.
    """

    def __init__(self, bins: int = 64, recent: int = 32) -> None:
        self.bins = bins
        self.length = 1  # steps per bin
        self.sums: list[float] = []
        self.counts: list[int] = []
        self.steps = 0
        self.first_nonfinite: tuple[int, float] | None = None  # (step, value)
        self.recent: deque[float] = deque(maxlen=recent)

    def add(self, value: float, step: int | None = None) -> None:
        """Add one step's loss."""
        self.steps += 1
        if not math.isfinite(value):
            if self.first_nonfinite is None:
                self.first_nonfinite = (self.steps - 1 if step is None else step, value)
            return
        self.recent.append(value)
        if not self.sums or self.counts[-1] >= self.length:
            self.sums.append(value)
            self.counts.append(1)
        else:
            self.sums[-1] += value
            self.counts[-1] += 1
        if len(self.sums) > 2 * self.bins:
            self.sums = [a + b for a, b in zip(self.sums[::2], self.sums[1::2])] + (
                [self.sums[-1]] if len(self.sums) % 2 else [])
            self.counts = [a + b for a, b in zip(self.counts[::2], self.counts[1::2])] + (
                [self.counts[-1]] if len(self.counts) % 2 else [])
            self.length *= 2

    def means(self) -> list[float]:
        """The bin means, oldest first (one value per step until the bins fill)."""
        return [s / c for s, c in zip(self.sums, self.counts)]

    def size(self) -> int:
        """Numbers held (bounded by ``2 * bins + 1 + recent + 2``)."""
        return len(self.sums) + len(self.counts) + len(self.recent) + 2


def window_means(losses: Sequence[float], windows: int) -> list[float]:
    """Means of ``windows`` equal consecutive windows (the first ``n mod windows`` dropped).

    >>> window_means([5.0, 4.0, 3.0, 2.0, 1.0], 2)
    [3.5, 1.5]
    """
    n = len(losses)
    k = min(windows, n)
    if k == 0:
        return []
    size = n // k
    start = n - k * size
    return [sum(losses[start + i * size: start + (i + 1) * size]) / size for i in range(k)]


def loss_curve_findings(losses: Sequence[float], **thresholds: Any) -> list[Finding]:
    """Findings about a loss history: ``divergence``, ``plateau`` and ``oscillation``.

    Args:
        losses: the loss after each step (or each epoch), oldest first.
        **thresholds: ``plateau_tol`` (0.01), ``divergence_fraction`` (0.5),
            ``divergence_rise`` (0.1), ``oscillation_rise`` (0.1), ``oscillation_rate``
            (0.25), ``loss_windows`` (10); see the module docstring for the rules.

    Returns:
        A list of :class:`~actloss.findings.Finding` (empty for a healthy curve, or one
        with fewer than four finite values, too short to judge).

    Example:
        >>> [f.code for f in loss_curve_findings([2.3, 2.3, 2.3, 2.3, 2.3, 2.3])]
        ['plateau']
        >>> loss_curve_findings([2.0, 1.0, 0.6, 0.4, 0.3, 0.25])
        []
    """
    t = check_params("loss_curve_findings", _CURVE_PARAMS, thresholds)
    values = [float(v) for v in losses]
    bad = next((i for i, v in enumerate(values) if not math.isfinite(v)), None)
    if bad is not None:
        return [finding("divergence", "loss", evidence={"first_nonfinite_step": bad,
                                                         "value": values[bad]},
                        reason="nonfinite")]
    if len(values) < 4:
        return []
    s = window_means(values, t["loss_windows"])
    first, last, best = s[0], s[-1], min(s)
    out: list[Finding] = []
    rise = last - best
    progress = first - best
    ev: dict[str, Any] = {"first": first, "last": last, "best": best, "windows": len(s)}
    if rise > t["divergence_fraction"] * progress and rise > t["divergence_rise"] * abs(best):
        out.append(finding("divergence", "loss", evidence=ev, reason="rise"))
    elif first - last < t["plateau_tol"] * abs(first):
        out.append(finding("plateau", "loss", evidence={**ev, "relative_decrease":
                                                        (first - last) / abs(first)
                                                        if first else 0.0}))
    if len(s) >= 3:
        # a swing: a rise by more than oscillation_rise that the next window undoes
        # in part (a local peak); a steady climb is divergence, not oscillation
        swings = sum(
            1 for a, b, c in zip(s[:-2], s[1:-1], s[2:])
            if b - a > t["oscillation_rise"] * abs(a) and c < b
        )
        if swings >= t["oscillation_rate"] * (len(s) - 1):
            out.append(finding("oscillation", "loss",
                               evidence={**ev, "swings_up": swings, "moves": len(s) - 1}))
    return out
