"""actloss: activation and loss functions for PyTorch, with their mathematics attached.

Sub-packages:

- :mod:`actloss.activations`: the activation catalog (functions, derivatives, metadata).
- :mod:`actloss.losses`: the loss catalog.
- :mod:`actloss.lab`: data, a transparent trainer, experiments and the HTML report.
- :mod:`actloss.advisor`, :mod:`actloss.lint`, :mod:`actloss.diagnostics`: choose, check
  and watch activations and losses.
"""

from __future__ import annotations

from typing import Any

from actloss.errors import ActlossError, InputError, ParameterError, UnknownNameError

__version__ = "0.1.0"

__all__ = [
    "ActlossError",
    "InputError",
    "ParameterError",
    "UnknownNameError",
    "__version__",
    "advise",
    "check",
    "monitor",
    "watch",
]


def advise(*args: Any, **kwargs: Any) -> Any:
    """Recommend an output activation and a loss; see :func:`actloss.advisor.advise`."""
    from actloss.advisor import advise as _advise

    return _advise(*args, **kwargs)


def check(*args: Any, **kwargs: Any) -> Any:
    """Lint a model and its loss on real tensors; see :func:`actloss.lint.check`."""
    from actloss.lint import check as _check

    return _check(*args, **kwargs)


def monitor(*args: Any, **kwargs: Any) -> Any:
    """Watch training for dead units, saturation and gradient trouble.

    See :func:`actloss.diagnostics.monitor`.
    """
    from actloss.diagnostics import monitor as _monitor

    return _monitor(*args, **kwargs)


def watch(*args: Any, **kwargs: Any) -> Any:
    """Lint the first real batch, then monitor training, in an unmodified loop.

    See :func:`actloss.watch.watch`.
    """
    from actloss.watch import watch as _watch

    return _watch(*args, **kwargs)
