"""One short, readable training loop.

:func:`fit` trains any ``nn.Module`` with a loss (a name from the loss catalog or a
callable ``loss(outputs, targets) -> scalar``) on a :class:`~actloss.lab.data.Dataset`
or on ``(x, y)`` tensors. Every step of the loop is visible in :func:`fit`'s body::

    for epoch:
        permute the training indices (seeded)
        for batch:
            outputs = model(x[idx])          # forward
            loss = loss_fn(outputs, y[idx])  # loss
            loss.backward()                  # backward      -> on_after_backward
            optimizer.step()                 # update        -> on_batch_end
        evaluate metrics on the validation data                -> on_epoch_end

The tensors stay on the device (no DataLoader); per-batch loss and metric statistics
are accumulated on the device and read once per epoch, so the loop does not force a
host synchronisation per batch. The same seed gives an identical :class:`History`.

Targets are adapted to the outputs in one documented place (:func:`match_target`):
integer 0/1 labels of shape ``(N,)`` for an ``(N, 1)`` output become float ``(N, 1)``,
and integer multi-hot labels become float, so binary cross-entropy and friends take the
int64 labels that :func:`~actloss.lab.data.load` returns.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import torch
from torch import nn

from actloss._registry import Registry
from actloss._validation import Interval, Param, check_param
from actloss.errors import InputError, ParameterError
from actloss.lab.callbacks import Callback, TrainState
from actloss.lab.data import Dataset

__all__ = [
    "METRICS",
    "OPTIMIZERS",
    "EarlyStopping",
    "History",
    "Metric",
    "OptimizerInfo",
    "evaluate",
    "fit",
    "get_loss",
    "infer_task",
    "make_optimizer",
    "match_target",
    "output_kind",
]

Task = Literal["binary", "multiclass", "multilabel", "regression"]
LossLike = str | Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


# ---------------------------------------------------------------- optimizers


@dataclass(frozen=True)
class OptimizerInfo:
    """An optimizer by name: its class, default learning rate and fixed options."""

    name: str
    factory: Callable[..., torch.optim.Optimizer]
    lr: float
    options: dict[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()


OPTIMIZERS: Registry[OptimizerInfo] = Registry("optimizer")
for _info in (
    OptimizerInfo("sgd", torch.optim.SGD, 0.01),
    OptimizerInfo("momentum", torch.optim.SGD, 0.01, {"momentum": 0.9}),
    OptimizerInfo("adam", torch.optim.Adam, 1e-3),
    OptimizerInfo("adamw", torch.optim.AdamW, 1e-3),
    OptimizerInfo("rmsprop", torch.optim.RMSprop, 1e-3),
    OptimizerInfo("adagrad", torch.optim.Adagrad, 1e-2),
):
    OPTIMIZERS.add(_info)

_LR = Param("lr", 1e-3, float, Interval(0.0, math.inf), optional=True)


def make_optimizer(optimizer: str | torch.optim.Optimizer | Callable[..., Any],
                   params: Iterable[nn.Parameter],
                   lr: float | None = None) -> torch.optim.Optimizer:
    """An optimizer from a name (``sgd``, ``momentum``, ``adam``, ``adamw``, ``rmsprop``,
    ``adagrad``), an optimizer instance (returned as is), or a factory ``f(params)``.

    ``lr=None`` uses the name's default (0.01 for sgd/momentum/adagrad, 0.001 otherwise).

    >>> opt = make_optimizer("momentum", nn.Linear(2, 1).parameters())
    >>> type(opt).__name__, opt.defaults["momentum"], opt.defaults["lr"]
    ('SGD', 0.9, 0.01)
    """
    lr = check_param("fit", _LR, lr)
    if isinstance(optimizer, torch.optim.Optimizer):
        return optimizer
    if isinstance(optimizer, str):
        info = OPTIMIZERS.spec(optimizer)
        return info.factory(params, lr=info.lr if lr is None else lr, **info.options)
    if callable(optimizer):
        return optimizer(params) if lr is None else optimizer(params, lr=lr)
    raise ParameterError(
        "`optimizer` of fit must be a name, a torch.optim.Optimizer or a factory; "
        f"got {type(optimizer).__name__}"
    )


# ---------------------------------------------------------------- tasks and targets


def infer_task(outputs: torch.Tensor, targets: torch.Tensor) -> Task:
    """Guess the task from an output batch and its targets.

    Integer targets of shape ``(N,)`` with ``C > 1`` outputs: multiclass; one output
    (``(N,)`` or ``(N, 1)``) with 0/1 targets: binary; float targets shaped like a
    ``(N, C)`` output: multiclass when every row is one-hot, multilabel when all are
    0/1, regression otherwise.
    """
    if outputs.dim() >= 2 and outputs.shape[-1] > 1 and targets.dim() == outputs.dim() - 1:
        return "multiclass"
    if not bool(((targets == 0) | (targets == 1)).all()):
        return "regression"
    if outputs.dim() >= 2 and outputs.shape[-1] > 1:
        return "multiclass" if bool((targets.sum(-1) == 1).all()) else "multilabel"
    return "binary"


def match_target(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Adapt targets to the outputs where the intent is unambiguous.

    ``(N,)`` targets for an ``(N, 1)`` output become ``(N, 1)`` (a loss would otherwise
    broadcast them silently to ``(N, N)``), and integer labels shaped like a float output
    (0/1 or multi-hot) become float for BCE-style losses. Class indices for an ``(N, C)``
    output stay int64 for cross-entropy.
    """
    if outputs.dim() == 2 and outputs.shape[1] == 1 and targets.shape == outputs.shape[:1]:
        targets = targets.unsqueeze(1)
    if targets.shape == outputs.shape and outputs.is_floating_point() \
            and not targets.is_floating_point():
        targets = targets.to(outputs.dtype)
    return targets


_PROBABILITY_OUTPUTS = {"sigmoid", "softmax", "logistic", "hard_sigmoid"}


def _last_leaf(model: nn.Module) -> nn.Module | None:
    leaves = [m for m in model.modules() if not list(m.children())]
    return leaves[-1] if leaves else None


def output_kind(model: nn.Module, loss: Any = None) -> Literal["logits", "probabilities"]:
    """Whether the model's outputs are logits or probabilities.

    Read from the loss's catalog entry (``input_kind``, unless the loss was built with
    ``from_logits=True``) when it has one, else from the model's last module (a sigmoid
    or softmax means probabilities). Accuracy thresholds binary outputs at 0.5 for
    probabilities and at 0 for logits.
    """
    params = getattr(loss, "params", None)
    if isinstance(params, dict) and params.get("from_logits"):
        return "logits"  # a probability loss told to take logits (Keras's from_logits=True)
    spec = getattr(loss, "spec", None)
    kind = getattr(spec, "input_kind", None)
    if kind in ("probabilities", "logits"):
        return kind
    last = _last_leaf(model)
    if last is None:
        return "logits"
    name = getattr(getattr(last, "spec", None), "name", type(last).__name__).lower()
    return "probabilities" if name in _PROBABILITY_OUTPUTS else "logits"


# ---------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Metric:
    """A metric as sums accumulated on the device (``stats``) and a final ``compute``.

    ``stats(outputs, targets, task, threshold)`` returns a 1-D tensor of sums over a
    batch; ``compute(total)`` turns the epoch's summed stats into a float.
    """

    name: str
    stats: Callable[[torch.Tensor, torch.Tensor, str, float], torch.Tensor]
    compute: Callable[[list[float]], float]
    aliases: tuple[str, ...] = ()


def _accuracy_stats(out: torch.Tensor, y: torch.Tensor, task: str, thr: float) -> torch.Tensor:
    if out.dim() >= 2 and out.shape[-1] > 1 and y.dim() == out.dim() - 1:
        pred = out.argmax(-1)  # class indices (also 2-logit binary models)
        correct = (pred == y).sum()
        count = pred.numel()
    elif task == "multiclass":  # one-hot (or soft) targets
        pred = out.argmax(-1)
        correct = (pred == y.argmax(-1)).sum()
        count = pred.numel()
    else:  # binary, multilabel: every output thresholded (Keras's binary accuracy)
        pred = out > thr
        correct = (pred == (y.reshape(out.shape) > 0.5)).sum()
        count = out.numel()
    return torch.stack([correct.to(out.dtype), out.new_tensor(float(count))])


def _error_stats(power: int) -> Callable[..., torch.Tensor]:
    def stats(out: torch.Tensor, y: torch.Tensor, task: str, thr: float) -> torch.Tensor:
        err = (out - y.reshape(out.shape).to(out.dtype)).abs() ** power
        return torch.stack([err.sum(), out.new_tensor(float(err.numel()))])

    return stats


def _r2_stats(out: torch.Tensor, y: torch.Tensor, task: str, thr: float) -> torch.Tensor:
    y = y.reshape(out.shape).to(out.dtype)
    # r2 = 1 - SSE / SST with SST = sum y^2 - (sum y)^2 / n, all accumulable sums
    return torch.stack([((out - y) ** 2).sum(), y.sum(), (y * y).sum(),
                        out.new_tensor(float(y.numel()))])


def _r2(t: list[float]) -> float:
    sse, sy, syy, n = t
    sst = syy - sy * sy / n
    return 1.0 - sse / sst if sst > 0 else float("nan")


METRICS: Registry[Metric] = Registry("metric")
for _m in (
    Metric("accuracy", _accuracy_stats, lambda t: t[0] / t[1], ("acc",)),
    Metric("mse", _error_stats(2), lambda t: t[0] / t[1], ("mean_squared_error",)),
    Metric("mae", _error_stats(1), lambda t: t[0] / t[1], ("mean_absolute_error",)),
    Metric("r2", _r2_stats, _r2, ("r2_score",)),
):
    METRICS.add(_m)


# ---------------------------------------------------------------- losses


def get_loss(loss: LossLike) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """A callable ``loss(outputs, targets)`` from a catalog name or a callable."""
    if isinstance(loss, str):
        from actloss import losses

        return losses.get(loss)
    if callable(loss):
        return loss
    raise ParameterError(
        f"`loss` of fit must be a loss name or a callable; got {type(loss).__name__}"
    )


# ---------------------------------------------------------------- history


@dataclass
class History:
    """What :func:`fit` returns: per-epoch metrics (``history``), Keras-style.

    ``history['loss']`` is the mean training loss of each epoch; ``val_*`` keys hold the
    metrics on the validation data; ``epoch`` lists the 0-based epochs run.
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    epoch: list[int] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    stopped_early: bool = False
    seconds: float = 0.0
    model: nn.Module | None = field(default=None, repr=False)
    watch: Any = field(default=None, repr=False)  # the actloss.watch.Watch of fit(watch=)

    def last(self, key: str) -> float:
        """The last value recorded for ``key``."""
        return self._series(key)[-1]

    def best(self, key: str, mode: Literal["min", "max"] = "min") -> float:
        """The best value recorded for ``key``."""
        series = self._series(key)
        return min(series) if mode == "min" else max(series)

    def to_json(self) -> dict[str, Any]:
        """The history as plain JSON-ready data (the model is left out)."""
        return {"history": {k: list(v) for k, v in self.history.items()},
                "epoch": list(self.epoch), "params": dict(self.params),
                "stopped_early": self.stopped_early, "seconds": self.seconds}

    def _series(self, key: str) -> list[float]:
        if key not in self.history or not self.history[key]:
            known = ", ".join(self.history) or "none"
            raise InputError(f"history has no values for {key!r} (its keys: {known})")
        return self.history[key]


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    With ``restore_best=True`` the model's weights of the best epoch are put back at the
    end of training.
    """

    def __init__(self, monitor: str = "val_loss", *, patience: int = 5, min_delta: float = 0.0,
                 mode: Literal["min", "max"] = "min", restore_best: bool = False) -> None:
        self.monitor = monitor
        self.patience = check_param("EarlyStopping",
                                    Param("patience", 5, int, Interval(0, math.inf, True)),
                                    patience)
        self.min_delta = check_param(
            "EarlyStopping", Param("min_delta", 0.0, float, Interval(0, math.inf, True)),
            min_delta)
        self.mode = check_param("EarlyStopping",
                                Param("mode", "min", str, choices=("min", "max")), mode)
        self.restore_best = restore_best
        self.best = math.inf
        self.wait = 0
        self.best_epoch = -1
        self._best_state: dict[str, torch.Tensor] | None = None

    def on_train_begin(self, state: TrainState) -> None:
        self.best, self.wait, self.best_epoch, self._best_state = math.inf, 0, -1, None

    def on_epoch_end(self, state: TrainState) -> None:
        if self.monitor not in state.logs:
            raise InputError(f"EarlyStopping monitors {self.monitor!r} but the epoch logs hold "
                             f"{', '.join(state.logs)}")
        value = state.logs[self.monitor] * (1.0 if self.mode == "min" else -1.0)
        if value < self.best - self.min_delta:
            self.best, self.wait, self.best_epoch = value, 0, state.epoch
            if self.restore_best:
                self._best_state = {k: v.detach().clone()
                                    for k, v in state.model.state_dict().items()}
        else:
            self.wait += 1
            if self.wait > self.patience:
                state.stop_training = True

    def on_train_end(self, state: TrainState) -> None:
        if self.restore_best and self._best_state is not None:
            state.model.load_state_dict(self._best_state)


# ---------------------------------------------------------------- data plumbing


def _as_tensor(name: str, value: Any) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    try:
        import numpy as np

        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - numpy refuses only exotic objects
        raise InputError(f"`{name}` of fit must be a tensor or an array; got "
                         f"{type(value).__name__}") from exc
    if arr.dtype.kind == "f":
        return torch.as_tensor(arr, dtype=torch.float32)
    if arr.dtype.kind in "iub":
        return torch.as_tensor(arr.astype("int64"))
    raise InputError(f"`{name}` of fit must hold numbers; got an array of dtype {arr.dtype}")


def _pair(name: str, xy: Any) -> tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(xy, (tuple, list)) or len(xy) != 2:
        raise InputError(f"`{name}` of fit must be a Dataset or an (x, y) pair; got "
                         f"{type(xy).__name__}")
    x, y = _as_tensor(name + "[0]", xy[0]), _as_tensor(name + "[1]", xy[1])
    if x.shape[0] != y.shape[0]:
        raise InputError(f"`{name}` of fit has {x.shape[0]} inputs but {y.shape[0]} targets")
    if x.shape[0] == 0:
        raise InputError(f"`{name}` of fit is empty")
    return x, y


def _split_data(data: Any, validation: Any) -> tuple[tuple[torch.Tensor, torch.Tensor],
                                                     tuple[torch.Tensor, torch.Tensor] | None,
                                                     str | None]:
    """(train, validation, task) from fit's ``data`` and ``validation`` arguments."""
    task = None
    if isinstance(data, Dataset):
        train = (data.x_train, data.y_train)
        held_out = (data.x_test, data.y_test)
        task = data.task
    else:
        train = _pair("data", data)
        held_out = None
    if isinstance(validation, str) and validation == "auto":
        return train, held_out, task
    if validation is None or validation is False:
        return train, None, task
    if isinstance(validation, (Dataset,)):
        return train, (validation.x_test, validation.y_test), task
    if isinstance(validation, (tuple, list)):
        return train, _pair("validation", validation), task
    frac = check_param("fit", Param("validation", 0.2, float, Interval(0.0, 1.0)), validation)
    # Like Keras's validation_split: the LAST fraction of the samples, before shuffling.
    n = train[0].shape[0]
    n_val = int(n * frac)
    if n_val < 1 or n_val >= n:
        raise InputError(f"`validation` of fit: a fraction {frac} of {n} samples leaves "
                         f"{n_val} for validation and {n - n_val} for training")
    x, y = train
    return (x[: n - n_val], y[: n - n_val]), (x[n - n_val:], y[n - n_val:]), task


@torch.no_grad()
def evaluate(model: nn.Module, loss: LossLike, x: torch.Tensor, y: torch.Tensor, *,
             metrics: Sequence[str] = (), task: str | None = None, batch_size: int = 4096,
             ) -> dict[str, float]:
    """Mean loss and metrics of ``model`` on ``(x, y)`` (evaluation mode, no gradients).

    The loss is averaged per sample over batches (each batch's mean loss weighted by
    its size), which equals the full-data mean for mean-reduced losses.
    """
    loss_fn = get_loss(loss)
    metric_list = [METRICS.spec(m) for m in metrics]
    device = _device_of(model, x)
    x, y = x.to(device), y.to(device)
    was_training = model.training
    model.eval()
    try:
        totals = _evaluate_sums(model, loss_fn, x, y, metric_list, task, batch_size)
    finally:
        model.train(was_training)
    return _finish(totals, metric_list, prefix="")


def _evaluate_sums(model: nn.Module, loss_fn: Callable[..., torch.Tensor], x: torch.Tensor,
                   y: torch.Tensor, metric_list: list[Metric], task: str | None,
                   batch_size: int) -> dict[str, torch.Tensor]:
    totals: dict[str, torch.Tensor] = {}
    thr = 0.5 if output_kind(model, loss_fn) == "probabilities" else 0.0
    for start in range(0, x.shape[0], batch_size):
        xb, yb = x[start:start + batch_size], y[start:start + batch_size]
        out = model(xb)
        yb = match_target(out, yb)
        _accumulate(totals, "loss", torch.stack([loss_fn(out, yb).detach() * xb.shape[0],
                                                 out.new_tensor(float(xb.shape[0]))]))
        t = task or infer_task(out, yb)
        for m in metric_list:  # statistics in float32 at least (exact counts under bf16)
            _accumulate(totals, m.name, m.stats(out.detach().float(), yb, t, thr))
    return totals


def _accumulate(totals: dict[str, torch.Tensor], key: str, value: torch.Tensor) -> None:
    value = value.detach().float() if value.dtype != torch.float64 else value.detach()
    totals[key] = totals[key] + value if key in totals else value


def _finish(totals: dict[str, torch.Tensor], metric_list: list[Metric],
            prefix: str) -> dict[str, float]:
    # One host read per epoch for all sums together.
    keys = sorted(totals, key=lambda k: k != "loss")  # loss first, then metrics in order
    values = torch.cat([totals[k] for k in keys]).tolist() if keys else []
    out: dict[str, float] = {}
    pos = 0
    compute = {m.name: m.compute for m in metric_list}
    for k in keys:
        n = totals[k].numel()
        chunk = values[pos:pos + n]
        pos += n
        out[prefix + k] = chunk[0] / chunk[1] if k == "loss" else float(compute[k](chunk))
    return out


def _device_of(model: nn.Module, x: torch.Tensor) -> torch.device:
    for p in model.parameters():
        if not isinstance(p, nn.parameter.UninitializedParameter):
            return p.device
    return x.device


def _materialise_lazy(model: nn.Module, x: torch.Tensor) -> None:
    """Run one sample through a model with lazy layers so their shapes are known."""
    if any(isinstance(p, nn.parameter.UninitializedParameter) for p in model.parameters()):
        with torch.no_grad():
            model(x[:1])


def _want_progress(progress: bool | None) -> bool:
    if progress is not None:
        return bool(progress)
    return sys.stderr.isatty() and not os.environ.get("CI")


# ---------------------------------------------------------------- the loop


_EPOCHS = Param("epochs", 10, int, Interval(1, math.inf, True))
_BATCH = Param("batch_size", 32, int, Interval(1, math.inf, True))
_SEED = Param("seed", 0, int, Interval(0, math.inf, True))


def fit(
    model: nn.Module,
    loss: LossLike,
    data: Dataset | tuple[Any, Any],
    *,
    epochs: int = 10,
    batch_size: int = 32,
    optimizer: str | torch.optim.Optimizer | Callable[..., Any] = "adam",
    lr: float | None = None,
    metrics: Sequence[str] = (),
    validation: Any = "auto",
    callbacks: Sequence[Callback] = (),
    seed: int = 0,
    device: torch.device | str | None = None,
    progress: bool | None = None,
    shuffle: bool = True,
    task: str | None = None,
    watch: Any = None,
) -> History:
    """Train ``model`` on ``data`` with ``loss``; return the per-epoch :class:`History`.

    Args:
        model: any ``nn.Module`` (lazy layers are materialised on the first sample).
        loss: a loss-catalog name (``actloss.losses.get``) or ``loss(outputs, targets)``.
        data: a :class:`~actloss.lab.data.Dataset` or an ``(x, y)`` pair (tensors or
            arrays).
        epochs: passes over the training data, >= 1.
        batch_size: samples per optimizer step, >= 1 (the last batch may be smaller).
        optimizer: ``sgd``, ``momentum``, ``adam``, ``adamw``, ``rmsprop``, ``adagrad``,
            an optimizer instance, or a factory ``f(params, lr=...)``.
        lr: learning rate; ``None`` uses the optimizer's default.
        metrics: names from ``METRICS``: ``accuracy``, ``mse``, ``mae``, ``r2``.
        validation: ``"auto"`` (a Dataset's test split; none for tensors), ``None``, a
            fraction in (0, 1) taken from the END of the training data (as Keras's
            ``validation_split``), or an ``(x, y)`` pair.
        callbacks: :class:`~actloss.lab.callbacks.Callback` objects, called in order.
        watch: ``True``, a dict of settings or an :class:`actloss.watch.Watch`: lint the
            first batch and monitor training (``History.watch.findings()``).
        seed: seeds the batch order and any randomness in the model (dropout) inside the
            call without touching the caller's global generator; same seed, same history.
        device: where to train; ``None`` keeps the model's device.
        progress: a rich progress bar; ``None``: only on a terminal and not under ``CI``.
        shuffle: permute the training samples every epoch.
        task: ``binary``, ``multiclass``, ``multilabel`` or ``regression`` for the
            metrics; ``None`` takes the Dataset's or infers it from the first batch.

    Returns:
        A :class:`History`: ``history['loss']``, metric names, and ``val_`` keys.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> x = torch.linspace(-1, 1, 64).unsqueeze(1)
        >>> h = fit(nn.Linear(1, 1), torch.nn.functional.mse_loss, (x, 3 * x), epochs=3,
        ...         batch_size=16, optimizer="sgd", lr=0.5, progress=False)
        >>> len(h.history["loss"]), h.history["loss"][-1] < h.history["loss"][0]
        (3, True)
    """
    epochs = check_param("fit", _EPOCHS, epochs)
    batch_size = check_param("fit", _BATCH, batch_size)
    seed = check_param("fit", _SEED, seed)
    if not isinstance(model, nn.Module):
        raise InputError(f"`model` of fit must be a torch.nn.Module; got {type(model).__name__}")
    loss_fn = get_loss(loss)
    metric_list = [METRICS.spec(m) for m in metrics]
    (x, y), val, data_task = _split_data(data, validation)
    task = task or data_task
    if task is not None:
        task = check_param("fit", Param("task", "binary", str, choices=(
            "binary", "multiclass", "multilabel", "regression")), task)

    # Everything lives on one device for the whole run.
    device = torch.device(device) if device is not None else _device_of(model, x)
    model.to(device)
    x, y = x.to(device), y.to(device)
    if val is not None:
        val = (val[0].to(device), val[1].to(device))
    _materialise_lazy(model, x)
    opt = make_optimizer(optimizer, model.parameters(), lr)

    n = x.shape[0]
    n_batches = math.ceil(n / batch_size)
    generator = torch.Generator().manual_seed(seed)  # the batch order, on the host
    state = TrainState(model=model, optimizer=opt, loss_fn=loss_fn, epochs=epochs,
                       batches_per_epoch=n_batches)
    history = History(params={"epochs": epochs, "batch_size": batch_size, "seed": seed,
                              "optimizer": type(opt).__name__, "lr": opt.defaults.get("lr"),
                              "samples": n}, model=model)
    state.history = history.history
    if watch is not None and watch is not False:
        from actloss.watch import Watch

        history.watch = watch if isinstance(watch, Watch) else Watch(
            model, loss_fn, opt, hooks=False, **({} if watch is True else dict(watch)))
        callbacks = (*callbacks, history.watch)
    threshold = 0.5 if output_kind(model, loss_fn) == "probabilities" else 0.0
    bar = _Progress(epochs) if _want_progress(progress) else None
    started = time.perf_counter()
    devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)  # dropout and other in-model randomness
        for cb in callbacks:
            cb.on_train_begin(state)
        for epoch in range(epochs):
            state.epoch, state.logs = epoch, {}
            for cb in callbacks:
                cb.on_epoch_begin(state)
            model.train()
            order = (torch.randperm(n, generator=generator) if shuffle
                     else torch.arange(n)).to(device)
            totals: dict[str, torch.Tensor] = {}
            loss_sum = torch.zeros((), device=device)  # running sum of batch loss * size
            for b in range(n_batches):
                state.batch = b
                idx = order[b * batch_size:(b + 1) * batch_size]
                inputs, targets = x[idx], y[idx]
                outputs = model(inputs)                     # 1. forward
                targets = match_target(outputs, targets)
                loss_value = loss_fn(outputs, targets)      # 2. loss
                opt.zero_grad(set_to_none=True)
                loss_value.backward()                       # 3. backward: gradients
                state.inputs, state.targets, state.outputs = inputs, targets, outputs
                state.loss = loss_value.detach()
                for cb in callbacks:
                    cb.on_after_backward(state)
                opt.step()                                  # 4. update the parameters
                state.step += 1
                # Running sums stay on the device: no host sync inside the epoch.
                loss_sum.add_(state.loss, alpha=inputs.shape[0])
                if metric_list and task is None:
                    task = infer_task(outputs, targets)  # once, from the first batch
                for m in metric_list:  # float32 at least: counts stay exact under bf16
                    _accumulate(totals, m.name, m.stats(outputs.detach().float(), targets, task,
                                                        threshold))
                for cb in callbacks:
                    cb.on_batch_end(state)
                if state.stop_training:
                    break
            seen = min(n, (state.batch + 1) * batch_size)
            totals["loss"] = torch.stack([loss_sum, loss_sum.new_tensor(float(seen))])
            logs = _finish(totals, metric_list, prefix="")
            if val is not None:                             # 5. validation metrics
                model.eval()
                with torch.no_grad():
                    sums = _evaluate_sums(model, loss_fn, val[0], val[1], metric_list, task,
                                          4096)
                logs.update(_finish(sums, metric_list, prefix="val_"))
            state.logs = logs
            for key, value in logs.items():
                history.history.setdefault(key, []).append(value)
            history.epoch.append(epoch)
            for cb in callbacks:
                cb.on_epoch_end(state)
            if bar is not None:
                bar.update(epoch, logs)
            if state.stop_training:
                history.stopped_early = epoch < epochs - 1 or state.batch < n_batches - 1
                break
        for cb in callbacks:
            cb.on_train_end(state)
    if bar is not None:
        bar.close()
    history.seconds = time.perf_counter() - started
    state.inputs = state.targets = state.outputs = None
    return history


class _Progress:
    """A rich progress bar over epochs on stderr (only where :func:`fit` asks for one)."""

    def __init__(self, epochs: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._progress = Progress(TextColumn("epoch"), MofNCompleteColumn(), BarColumn(),
                                  TextColumn("{task.description}"),
                                  console=Console(stderr=True), transient=True)
        self._task = self._progress.add_task("", total=epochs)
        self._progress.start()

    def update(self, epoch: int, logs: dict[str, float]) -> None:
        text = "  ".join(f"{k} {v:.4g}" for k, v in logs.items())
        self._progress.update(self._task, completed=epoch + 1, description=text)

    def close(self) -> None:
        self._progress.stop()
