"""The monitor's thresholds, declared once as :class:`~actloss._validation.Param` records.

:func:`actloss.diagnostics.monitor` validates its keyword arguments against these
declarations, the documentation lists them, and the tests read the defaults from here.
Where each default comes from is explained in the :mod:`actloss.diagnostics` docstring.
"""

from __future__ import annotations

import math

from actloss._validation import OPEN_UNIT, POSITIVE, Interval, Param

__all__ = ["MONITOR_PARAMS", "Thresholds"]

_AT_LEAST_ONE = Interval(1.0, math.inf, low_closed=True)
_AT_LEAST_2 = Interval(2.0, math.inf, low_closed=True)
_HALF_OPEN_UNIT = Interval(0.0, 1.0, low_closed=False, high_closed=True)

MONITOR_PARAMS: tuple[Param, ...] = (
    Param("every", 10, int, _AT_LEAST_ONE,
          doc="collect activation and gradient statistics on one batch in `every`"),
    Param("unit_dim", 1, int, Interval(0.0, math.inf, low_closed=True),
          doc="dimension of an activation output that indexes units (features, channels)"),
    Param("check_finite", True, bool, doc="check every module's output for NaN/Inf"),
    Param("functional", True, bool,
          doc="also watch functional activations (torch.relu, F.gelu, ...) in custom forwards"),
    Param("adversarial", False, bool,
          doc="adversarial training (a GAN): loss curves rise and fall by design, only a "
              "non-finite loss is reported"),
    Param("dead_threshold", 0.5, float, _HALF_OPEN_UNIT,
          doc="a layer is flagged when more than this fraction of its units is dead"),
    Param("saturation_rel", 0.01, float, OPEN_UNIT,
          doc="|f'(x)| below this fraction of sup|f'| counts as saturated"),
    Param("saturation_threshold", 0.5, float, _HALF_OPEN_UNIT,
          doc="a layer is flagged when more than this fraction of its activations saturate"),
    Param("vanishing_ratio", 1e-2, float, POSITIVE,
          doc="first/last layer gradient-norm ratio below which gradients vanish"),
    Param("exploding_ratio", 70.0, float, POSITIVE,
          doc="first/last layer gradient-norm ratio above which gradients explode"),
    Param("update_ratio_high", 0.1, float, POSITIVE,
          doc="median ||dW||/||W|| per step above which the learning rate is too high"),
    Param("update_ratio_peak", 0.5, float, POSITIVE,
          doc="||dW||/||W|| of one sampled step above which the learning rate is too high"),
    Param("update_ratio_low", 1e-5, float, POSITIVE,
          doc="median ||dW||/||W|| per step below which every layer barely moves"),
    Param("slow_decrease", 0.1, float, OPEN_UNIT,
          doc="learning_rate_low needs tiny updates and a loss that fell by less than this"),
    Param("plateau_tol", 0.01, float, OPEN_UNIT,
          doc="relative loss decrease below which the run is on a plateau"),
    Param("divergence_fraction", 0.5, float, _HALF_OPEN_UNIT,
          doc="fraction of the progress lost again that counts as divergence"),
    Param("divergence_rise", 0.1, float, POSITIVE,
          doc="minimal rise above the best loss, relative to it, for divergence"),
    Param("oscillation_rise", 0.1, float, POSITIVE,
          doc="relative rise between loss windows that counts as a swing upwards"),
    Param("oscillation_rate", 0.25, float, _HALF_OPEN_UNIT,
          doc="fraction of window-to-window moves that must be swings upwards"),
    Param("loss_windows", 10, int, _AT_LEAST_2,
          doc="number of windows the step losses are averaged over for the curve checks"),
)


class Thresholds(dict):  # type: ignore[type-arg]
    """The validated keyword arguments of the monitor, readable as attributes."""

    def __getattr__(self, name: str) -> object:
        try:
            return self[name]
        except KeyError as exc:  # pragma: no cover - programming error
            raise AttributeError(name) from exc
