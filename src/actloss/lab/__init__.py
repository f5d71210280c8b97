"""The lab: embedded data, models, a transparent trainer, experiments and the report.

* :mod:`actloss.lab.data`: ``load(name)`` -> :class:`Dataset` (embedded, no download);
* :mod:`actloss.lab.models`: ``mlp(sizes, activation, init='auto')``;
* :mod:`actloss.lab.train`: ``fit(model, loss, data, ...)`` -> :class:`History`, the one
  readable training loop, with the callbacks of :mod:`actloss.lab.callbacks`;
* :mod:`actloss.lab.keras`: ``Sequential`` / ``Dense`` with ``compile`` and ``fit``.
"""

from actloss.lab.callbacks import Callback, TrainState
from actloss.lab.data import Dataset, digits784, load
from actloss.lab.models import mlp
from actloss.lab.train import EarlyStopping, History, evaluate, fit

__all__ = [
    "Callback",
    "Dataset",
    "EarlyStopping",
    "History",
    "TrainState",
    "digits784",
    "evaluate",
    "fit",
    "load",
    "mlp",
]
