"""A Keras-style front over the lab's trainer: ``Sequential``, ``Dense``, ``compile``, ``fit``.

Code written for Keras runs with only its imports changed::

    from actloss.lab.keras import Sequential, Dense

    model = Sequential([Dense(512, input_shape=(784,), activation='relu'),
                        Dense(256, activation='relu'),
                        Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
    model.fit(X_train, y_train, epochs=10, batch_size=128, validation_split=0.2)

Underneath, ``fit`` is :func:`actloss.lab.train.fit`: the same loop, callbacks and
reproducibility (``seed=0`` unless given). Keras's meanings are kept:

* loss names have Keras's meaning (``categorical_crossentropy`` takes probabilities and
  one-hot targets, ``sparse_categorical_crossentropy`` class indices,
  ``binary_crossentropy`` probabilities), looked up in the loss catalog;
* ``validation_split`` takes the LAST fraction of the samples, before any shuffling;
* ``Dense`` kernels start Glorot-uniform and biases at zero, as in Keras;
* Keras's optimizer classes (``RMSprop()``, ``Adam(learning_rate=1e-3)``,
  ``SGD(momentum=0.9)``) are built without parameters and bound at ``compile``; the
  names ``'rmsprop'``, ``'adam'``, ``'sgd'`` give them with Keras's defaults;
* ``summary()`` prints its table and ``fit``/``evaluate`` print Keras's progress lines on
  stdout (``verbose=0`` for silence): this module is the Keras emulation, so it prints
  where Keras prints;
* ``utils.to_categorical`` and ``datasets.mnist5k.load_data()`` stand in for
  ``keras.utils`` and ``keras.datasets.mnist``.

Numerical stability, as Keras users expect: when the last layer applies ``softmax``
(or ``sigmoid``) and the loss is the matching cross-entropy on probabilities, training
and :meth:`Sequential.evaluate` compute the loss from the pre-activation logits
``z`` instead of from the rounded probabilities:
``-sum(y * log softmax(z)) = -sum(y * (z - logsumexp(z)))`` and
``-[y log sigmoid(z) + (1 - y) log sigmoid(-z)]`` with ``log sigmoid(z) = -softplus(-z)``.
The value is the same cross-entropy, but it stays finite when a probability rounds to 0
or 1. :meth:`Sequential.predict` still returns probabilities.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from actloss._registry import normalise_name
from actloss._validation import Interval, Param, check_param
from actloss.errors import InputError, ParameterError
from actloss.lab import train as _train
from actloss.lab.callbacks import Callback
from actloss.lab.models import make_activation

__all__ = [
    "SGD",
    "Activation",
    "Adagrad",
    "Adam",
    "AdamW",
    "Dense",
    "Dropout",
    "RMSprop",
    "Sequential",
    "datasets",
    "optimizers",
    "to_categorical",
    "utils",
]

_UNITS = Param("units", 1, int, Interval(1, math.inf, low_closed=True))
_PROBABILITY = ("softmax", "sigmoid")


def _activation_name(activation: nn.Module | None) -> str | None:
    if activation is None:
        return None
    spec = getattr(activation, "spec", None)
    name = getattr(spec, "name", None) or type(activation).__name__
    return normalise_name(str(name))


class Dense(nn.Module):
    """A fully connected layer ``activation(x W^T + b)``, Keras-style.

    Args:
        units: output features, >= 1.
        activation: a catalog name (``'relu'``, ``'softmax'``...), a module, a function,
            or ``None`` / ``'linear'`` for none.
        input_shape: ``(in_features,)``; without it the input size is read from the first
            batch (a lazy layer).
        use_bias: add a bias.

    Shape:
        ``(N, in_features) -> (N, units)``.

    Example:
        >>> layer = Dense(3, activation="relu", input_shape=(4,))
        >>> layer(torch.ones(2, 4)).shape
        torch.Size([2, 3])
    """

    def __init__(self, units: int, activation: Any = None, input_shape: Sequence[int] | None = None,
                 use_bias: bool = True) -> None:
        super().__init__()
        self.units = check_param("Dense", _UNITS, units)
        self.input_shape = _check_input_shape(input_shape)
        if self.input_shape is not None:
            self.linear: nn.Module = nn.Linear(self.input_shape[-1], self.units, bias=use_bias)
            self._glorot()
        else:
            self.linear = nn.LazyLinear(self.units, bias=use_bias)
        self._pending_init = self.input_shape is None
        self.activation = make_activation(activation)
        self.activation_name = _activation_name(self.activation)  # canonical: 'softmax'...

    @torch.no_grad()
    def _glorot(self) -> None:
        # Keras's defaults: glorot_uniform kernel, zero bias.
        nn.init.xavier_uniform_(self.linear.weight)
        if self.linear.bias is not None:
            nn.init.zeros_(self.linear.bias)

    def forward(self, x: torch.Tensor, *, apply_activation: bool = True) -> torch.Tensor:
        if self._pending_init:  # a lazy layer: shapes known only now
            self.linear.initialize_parameters(x)
            self._glorot()
            self._pending_init = False
        z = self.linear(x)
        if apply_activation and self.activation is not None:
            return self.activation(z)
        return z

    def extra_repr(self) -> str:
        return f"units={self.units}, activation={self.activation_name or 'linear'!r}"


class Activation(nn.Module):
    """A layer that only applies an activation (Keras's ``Activation('softmax')``)."""

    def __init__(self, activation: Any) -> None:
        super().__init__()
        self.activation = make_activation(activation)
        self.activation_name = _activation_name(self.activation)  # canonical: 'softmax'...

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x if self.activation is None else self.activation(x)


class Dropout(nn.Dropout):
    """Keras's ``Dropout(rate)``: zeroes a fraction ``rate`` of inputs while training."""

    def __init__(self, rate: float) -> None:
        rate = check_param("Dropout", Param("rate", 0.5, float, Interval(0, 1, True, False)), rate)
        super().__init__(p=rate)


def _check_input_shape(shape: Sequence[int] | None) -> tuple[int, ...] | None:
    if shape is None:
        return None
    if isinstance(shape, int):
        shape = (shape,)
    if not isinstance(shape, Sequence) or len(shape) != 1:
        raise ParameterError(f"`input_shape` of Dense must be a 1-tuple such as (784,); "
                             f"got {shape!r}")
    return (check_param("Dense", Param("input_shape", 1, int,
                                       Interval(1, math.inf, low_closed=True)), shape[0]),)


def to_categorical(y: Any, num_classes: int | None = None) -> np.ndarray:
    """One-hot encode class indices (float32), as ``keras.utils.to_categorical``.

    >>> to_categorical([0, 2], 3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    labels = np.asarray(y.cpu() if isinstance(y, torch.Tensor) else y).astype(np.int64).ravel()
    n = int(labels.max()) + 1 if num_classes is None else int(num_classes)
    if labels.size and (labels.min() < 0 or labels.max() >= n):
        raise InputError(f"`y` of to_categorical must hold class indices in [0, {n}); got "
                         f"values from {labels.min()} to {labels.max()}")
    out = np.zeros((labels.size, n), dtype=np.float32)
    out[np.arange(labels.size), labels] = 1.0
    return out


# Keras cross-entropies (catalog names without their ``keras_`` prefix) -> the output
# activation whose logits they can take instead (``from_logits=True``), and the task.
_LOGITS_PAIRS: dict[str, tuple[str, str]] = {
    "categorical_crossentropy": ("softmax", "multiclass"),
    "sparse_categorical_crossentropy": ("softmax", "multiclass"),
    "binary_crossentropy": ("sigmoid", "binary"),
}


def _keras_loss_spec(name: str) -> Any:
    """The catalog entry for a Keras loss name, with Keras's meaning (the registry's one
    resolver, ``peer='keras'``); an unknown name raises with the closest names."""
    from actloss import losses

    return losses.spec(name, peer="keras")


# ------------------------------------------------------------ Keras optimizers


class _KerasOptimizer:
    """A Keras optimizer: built without parameters, bound to the model at ``compile``.

    ``optimizer.bind(params)`` creates the underlying ``torch.optim`` optimizer once
    (``compile`` calls it, or the first ``fit`` for a model whose input size is only
    known then); it is kept in ``optimizer.torch_optimizer``. An instance is also a
    factory ``f(params, lr=None)`` for :func:`actloss.lab.train.fit`.
    """

    _torch: Callable[..., torch.optim.Optimizer]
    _defaults: dict[str, Any] = {}

    def __init__(self, learning_rate: float = 0.001, **kwargs: Any) -> None:
        owner = type(self).__name__
        self.learning_rate = check_param(owner, Param("learning_rate", 0.001, float,
                                                      Interval(0, math.inf, False)),
                                         learning_rate)
        unknown = sorted(set(kwargs) - set(self._defaults))
        if unknown:
            raise ParameterError(f"{owner} has no argument `{unknown[0]}` (its arguments: "
                                 f"learning_rate, {', '.join(self._defaults)})")
        self.config = {**self._defaults, **kwargs}
        self.torch_optimizer: torch.optim.Optimizer | None = None

    def _options(self) -> dict[str, Any]:
        raise NotImplementedError

    def bind(self, params: Any, lr: float | None = None) -> torch.optim.Optimizer:
        """The ``torch.optim`` optimizer over ``params`` (created on the first call)."""
        if self.torch_optimizer is None:
            rate = self.learning_rate if lr is None else lr
            self.torch_optimizer = self._torch(params, lr=rate, **self._options())
        return self.torch_optimizer

    __call__ = bind

    def get_config(self) -> dict[str, Any]:
        return {"name": type(self).__name__.lower(), "learning_rate": self.learning_rate,
                **self.config}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class SGD(_KerasOptimizer):
    """Keras's ``SGD(learning_rate=0.01, momentum=0.0, nesterov=False)`` over ``torch.optim.SGD``.

    >>> SGD(momentum=0.9)
    SGD(learning_rate=0.01, momentum=0.9, nesterov=False)
    """

    _torch = torch.optim.SGD
    _defaults = {"momentum": 0.0, "nesterov": False}

    def __init__(self, learning_rate: float = 0.01, **kwargs: Any) -> None:
        super().__init__(learning_rate, **kwargs)

    def _options(self) -> dict[str, Any]:
        return {"momentum": float(self.config["momentum"]),
                "nesterov": bool(self.config["nesterov"])}


class RMSprop(_KerasOptimizer):
    """Keras's ``RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
    centered=False)`` over ``torch.optim.RMSprop`` (``alpha = rho``).

    One difference: Keras divides by ``sqrt(v + epsilon)``, PyTorch by ``sqrt(v) + epsilon``;
    the two agree once ``v`` is well above ``epsilon``.
    """

    _torch = torch.optim.RMSprop
    _defaults = {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False}

    def _options(self) -> dict[str, Any]:
        c = self.config
        return {"alpha": float(c["rho"]), "momentum": float(c["momentum"]),
                "eps": float(c["epsilon"]), "centered": bool(c["centered"])}


class Adam(_KerasOptimizer):
    """Keras's ``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
    amsgrad=False)`` over ``torch.optim.Adam``.

    One difference: Keras adds ``epsilon`` to ``sqrt(v)`` before the bias correction of
    the step, PyTorch after it; the two agree once ``sqrt(v)`` is well above ``epsilon``.
    """

    _torch = torch.optim.Adam
    _defaults = {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}

    def _options(self) -> dict[str, Any]:
        c = self.config
        return {"betas": (float(c["beta_1"]), float(c["beta_2"])), "eps": float(c["epsilon"]),
                "amsgrad": bool(c["amsgrad"])}


class AdamW(Adam):
    """Keras's ``AdamW(learning_rate=0.001, weight_decay=0.004, ...)`` (``torch.optim.AdamW``)."""

    _torch = torch.optim.AdamW
    _defaults = {**Adam._defaults, "weight_decay": 0.004}

    def _options(self) -> dict[str, Any]:
        return {**super()._options(), "weight_decay": float(self.config["weight_decay"])}


class Adagrad(_KerasOptimizer):
    """Keras's ``Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)``."""

    _torch = torch.optim.Adagrad
    _defaults = {"initial_accumulator_value": 0.1, "epsilon": 1e-7}

    def _options(self) -> dict[str, Any]:
        c = self.config
        return {"initial_accumulator_value": float(c["initial_accumulator_value"]),
                "eps": float(c["epsilon"])}


_KERAS_OPTIMIZERS: dict[str, type[_KerasOptimizer]] = {
    "sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW, "adagrad": Adagrad,
}


def _keras_optimizer(optimizer: Any, learning_rate: float | None) -> Any:
    """A Keras optimizer name becomes its class with Keras's defaults; the rest is kept."""
    if isinstance(optimizer, str) and normalise_name(optimizer) in _KERAS_OPTIMIZERS:
        cls = _KERAS_OPTIMIZERS[normalise_name(optimizer)]
        return cls() if learning_rate is None else cls(learning_rate=learning_rate)
    if isinstance(optimizer, type) and issubclass(optimizer, _KerasOptimizer):
        return optimizer() if learning_rate is None else optimizer(learning_rate=learning_rate)
    return optimizer


# ------------------------------------------------------------ Keras's progress output


def _format_value(value: float) -> str:
    # Keras's Progbar: 4 decimals, scientific notation below 1e-3
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def _format_logs(logs: dict[str, float]) -> str:
    return "".join(f" - {k}: {_format_value(v)}" for k, v in logs.items())


def _per_step(seconds: float, steps: int) -> str:
    t = seconds / max(steps, 1)
    if t >= 1 or t == 0:
        return f"{t:.0f}s/step"
    if t >= 1e-3:
        return f"{t * 1e3:.0f}ms/step"
    return f"{t * 1e6:.0f}us/step"


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = int(width * done / max(total, 1))
    if done < total:
        return "[" + "=" * max(filled - 1, 0) + ">" + "." * (width - max(filled, 1)) + "]"
    return "[" + "=" * width + "]"


class _KerasProgress(Callback):
    """Keras's epoch output on stdout (the front's output, as Keras prints it).

    ``verbose=1``: ``Epoch e/E`` then a progress line; on a terminal it is redrawn in
    place after each batch (``\\r``) and finished with a newline; elsewhere it is written
    once per epoch. ``verbose=2``: ``Epoch e/E`` and one plain line
    ``469/469 - 2s - loss: 0.3500 - accuracy: 0.9000 - val_loss: ...`` per epoch.
    """

    def __init__(self, verbose: int, stream: Any = None) -> None:
        self.verbose = verbose
        self.stream = stream if stream is not None else sys.stdout
        isatty = getattr(self.stream, "isatty", None)
        self.live = verbose == 1 and bool(isatty and isatty())
        self._width = 0

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def on_epoch_begin(self, state: Any) -> None:
        self._write(f"Epoch {state.epoch + 1}/{state.epochs}\n")
        self._started = self._last = time.perf_counter()
        self._loss_sum, self._seen = 0.0, 0

    def on_batch_end(self, state: Any) -> None:
        if not self.live:
            return
        n = int(state.inputs.shape[0])
        self._loss_sum += float(state.loss) * n
        self._seen += n
        now, total = time.perf_counter(), state.batches_per_epoch
        if now - self._last < 0.05 and state.batch + 1 < total:
            return  # Keras redraws at most every 0.05 s
        self._last = now
        done = state.batch + 1
        eta = (now - self._started) / done * (total - done)
        digits = len(str(total))
        line = (f"{done:>{digits}}/{total} {_bar(done, total)} - ETA: {eta:.0f}s"
                f" - loss: {_format_value(self._loss_sum / max(self._seen, 1))}")
        self._redraw(line)

    def _redraw(self, line: str) -> None:
        pad = " " * max(self._width - len(line), 0)
        self._width = len(line)
        self._write("\r" + line + pad)

    def on_epoch_end(self, state: Any) -> None:
        seconds = time.perf_counter() - self._started
        steps = state.batch + 1
        total = state.batches_per_epoch
        if self.verbose == 2:
            self._write(f"{steps}/{total} - {seconds:.0f}s{_format_logs(state.logs)}\n")
            return
        line = (f"{steps}/{total} {_bar(steps, total)} - {seconds:.0f}s "
                f"{_per_step(seconds, steps)}{_format_logs(state.logs)}")
        if self.live:
            self._redraw(line)
            self._write("\n")
            self._width = 0
        else:
            self._write(line + "\n")


def _verbosity(verbose: Any, owner: str) -> int:
    """Keras's ``verbose``: ``'auto'`` is 1; 0 silent, 1 progress bar, 2 one line (a bool
    counts as 0 or 1, as it does in Keras's comparisons)."""
    if isinstance(verbose, str) and verbose == "auto":
        return 1
    if isinstance(verbose, str) or verbose not in (0, 1, 2):
        raise ParameterError(f"`verbose` of {owner} must be 'auto', 0, 1 or 2; got {verbose!r}")
    return int(verbose)


class _LogitsView(nn.Module):
    """The same layers, with the last layer's softmax/sigmoid left out."""

    def __init__(self, model: Sequential) -> None:
        super().__init__()
        self.layers = model.layers  # shared modules: same parameters

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            if i < last:
                x = layer(x)
            elif isinstance(layer, Dense):
                x = layer(x, apply_activation=False)
            # a final Activation layer is left out
        return x


class Sequential(nn.Module):
    """A stack of layers, with Keras's ``compile`` / ``fit`` / ``evaluate`` / ``predict``.

    Example:
        >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
        <torch._C.Generator object at ...>
        >>> model = Sequential([Dense(8, input_shape=(2,), activation="tanh"),
        ...                     Dense(1, activation="sigmoid")])
        >>> x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 16)
        >>> y = torch.tensor([0.0, 1.0, 1.0, 0.0] * 16).unsqueeze(1)
        >>> model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        >>> history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        >>> sorted(history.history)
        ['accuracy', 'loss']
        >>> model.predict(x[:2]).shape
        torch.Size([2, 1])
    """

    def __init__(self, layers: Sequence[nn.Module] = (), name: str = "sequential") -> None:
        super().__init__()
        self.layers = nn.ModuleList()
        self.model_name = name
        self._compiled: dict[str, Any] | None = None
        self.input_shape: tuple[int, ...] | None = None
        for layer in layers:
            self.add(layer)

    def add(self, layer: nn.Module) -> None:
        """Append ``layer``; the first Dense's ``input_shape`` builds the whole stack."""
        if not isinstance(layer, nn.Module):
            raise InputError(f"`layer` of Sequential.add must be an nn.Module; got "
                             f"{type(layer).__name__}")
        self.layers.append(layer)
        shape = getattr(layer, "input_shape", None)
        if len(self.layers) == 1 and shape is not None:
            self.input_shape = tuple(shape)
        if self.input_shape is not None:
            self.build(self.input_shape)

    @torch.no_grad()
    def build(self, input_shape: Sequence[int]) -> None:
        """Create every lazy layer's weights by passing one zero sample through."""
        self.input_shape = tuple(int(s) for s in input_shape)
        device = next((p.device for p in self.parameters()
                       if not isinstance(p, nn.parameter.UninitializedParameter)), None)
        was = self.training
        self.eval()
        self(torch.zeros(1, *self.input_shape, device=device))
        self.train(was)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

    # ------------------------------------------------------------ compile / fit

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None,
                metrics: Sequence[str] | None = None, *, learning_rate: float | None = None,
                ) -> None:
        """Choose the optimizer, the loss and the metrics.

        ``optimizer`` is a Keras optimizer (``RMSprop()``, ``Adam(learning_rate=...)``,
        ``SGD(momentum=0.9)``: built without parameters and bound to this model here, or
        at the first ``fit`` when the input size is only known then), a Keras name
        (``'rmsprop'``, ``'adam'``, ``'sgd'``, ``'adamw'``, ``'adagrad'``: that class with
        Keras's defaults, as Keras does; the default is ``'rmsprop'``, Keras's), another
        name of :func:`actloss.lab.train.make_optimizer`, a ``torch.optim`` instance or a
        factory ``f(params)``.

        See the module docstring for how a final softmax/sigmoid with the matching
        cross-entropy is trained from logits.
        """
        if loss is None:
            raise ParameterError("`loss` of compile must be a loss name or a callable; got None")
        metrics = [normalise_name(m) for m in (metrics or ())]
        for m in metrics:
            _train.METRICS.spec(m)  # unknown metric: error now, with close matches
        loss_fn, logits_form, task = self._resolve_loss(loss)
        optimizer = _keras_optimizer(optimizer, learning_rate)
        if isinstance(optimizer, _KerasOptimizer):
            optimizer.torch_optimizer = None  # (re)bound to this model below or at fit
            learning_rate = None
        self._compiled = {"optimizer": optimizer, "loss": loss_fn, "logits_loss": logits_form,
                          "metrics": metrics, "task": task, "lr": learning_rate,
                          "optimizer_obj": None}
        if self._is_built():
            self._bind_optimizer()

    def _is_built(self) -> bool:
        return not any(isinstance(p, nn.parameter.UninitializedParameter)
                       for p in self.parameters())

    def _bind_optimizer(self) -> torch.optim.Optimizer:
        c = self._require_compiled("fit")
        if c["optimizer_obj"] is None:
            c["optimizer_obj"] = _train.make_optimizer(c["optimizer"], self.parameters(),
                                                       c["lr"])
        return c["optimizer_obj"]

    def _final_activation(self) -> str | None:
        if not len(self.layers):
            return None
        return getattr(self.layers[-1], "activation_name", None)

    def _resolve_loss(self, loss: Any) -> tuple[Callable[..., torch.Tensor],
                                                Callable[..., torch.Tensor] | None, str | None]:
        """(the loss on outputs, the same loss on logits or None, the task or None)."""
        if not isinstance(loss, str):
            if not callable(loss):
                raise ParameterError(f"`loss` of compile must be a loss name or a callable; "
                                     f"got {type(loss).__name__}")
            return loss, None, None
        from actloss import losses

        spec = _keras_loss_spec(loss)
        loss_fn = losses.get(spec.name)
        plain = spec.name.removeprefix("keras_")
        if plain not in _LOGITS_PAIRS:
            return loss_fn, None, None
        pairs_with, task = _LOGITS_PAIRS[plain]
        last = self.layers[-1] if len(self.layers) else None
        if task == "binary" and getattr(last, "units", 1) > 1:
            task = "multilabel"
        has_flag = any(p.name == "from_logits" for p in spec.params)
        if has_flag and self._final_activation() == pairs_with:
            return loss_fn, losses.get(spec.name, from_logits=True), task
        return loss_fn, None, task

    def _training_pair(self) -> tuple[nn.Module, Callable[..., torch.Tensor]]:
        c = self._require_compiled("fit")
        if c["logits_loss"] is not None and self._final_activation() in _PROBABILITY:
            return _LogitsView(self), c["logits_loss"]
        return self, c["loss"]

    def _require_compiled(self, what: str) -> dict[str, Any]:
        if self._compiled is None:
            raise InputError(f"call compile(optimizer=..., loss=...) before {what}()")
        return self._compiled

    def fit(self, x: Any, y: Any, epochs: int = 1, batch_size: int = 32, verbose: Any = "auto",
            callbacks: Sequence[Callback] | None = None, validation_split: float = 0.0,
            validation_data: tuple[Any, Any] | None = None, shuffle: bool = True, *,
            seed: int = 0, watch: Any = None) -> _train.History:
        """Train; return a History whose ``.history`` holds ``loss``, metrics and ``val_*``.

        ``validation_split`` holds out the LAST fraction of ``x``/``y``, before any
        shuffling, as in Keras (so shuffle data sorted by class first; the embedded loaders
        of :mod:`actloss.lab.data` already return shuffled splits); ``validation_data``
        takes precedence over it.

        ``verbose`` prints as Keras does, on stdout: ``'auto'`` and ``1`` show ``Epoch e/E``
        and a progress line per epoch (redrawn in place on a terminal and finished with a
        newline, written once per epoch elsewhere); ``2`` one plain line per epoch,
        ``469/469 - 2s - loss: 0.3500 - accuracy: 0.9000 - val_loss: ...``; ``0`` nothing.

        ``watch`` (``True`` or a dict of settings) lints the first batch and monitors
        training (:func:`actloss.watch`; ``History.watch.findings()``).
        """
        c = self._require_compiled("fit")
        level = _verbosity(verbose, "fit")
        x, y = _train._as_tensor("x", x), _train._as_tensor("y", y)
        if self.input_shape is None:
            self.build(tuple(x.shape[1:]))
        split = check_param("fit", Param("validation_split", 0.0, float,
                                         Interval(0, 1, True, False)), validation_split)
        validation: Any = None
        if validation_data is not None:
            validation = tuple(validation_data[:2])
        elif split > 0:
            validation = split
        module, loss_fn = self._training_pair()
        optimizer = self._bind_optimizer()
        hooks = [*(callbacks or ())]
        if level:
            hooks.append(_KerasProgress(level))
        history = _train.fit(module, loss_fn, (x, y), epochs=epochs, batch_size=batch_size,
                             optimizer=optimizer, metrics=c["metrics"],
                             validation=validation, callbacks=tuple(hooks), seed=seed,
                             progress=False, shuffle=shuffle, task=c["task"], watch=watch)
        history.model = self
        return history

    def evaluate(self, x: Any, y: Any, batch_size: int = 32, verbose: Any = "auto",
                 ) -> float | list[float]:
        """The loss (and metrics) on ``(x, y)``: a float, or ``[loss, *metrics]``.

        ``verbose`` ``'auto'``/``1``/``2`` prints Keras's one line
        ``40/40 [====...] - 0s 2ms/step - loss: 0.1000 - accuracy: 0.9700`` on stdout.
        """
        c = self._require_compiled("evaluate")
        level = _verbosity(verbose, "evaluate")
        x, y = _train._as_tensor("x", x), _train._as_tensor("y", y)
        module, loss_fn = self._training_pair()
        size = max(int(batch_size), 1)
        started = time.perf_counter()
        logs = _train.evaluate(module, loss_fn, x, y, metrics=c["metrics"], task=c["task"],
                               batch_size=size)
        names = ["loss", *(_train.METRICS.spec(m).name for m in c["metrics"])]
        values = [logs[k] for k in names]
        if level:
            steps, seconds = math.ceil(x.shape[0] / size), time.perf_counter() - started
            head = f"{steps}/{steps} - {seconds:.0f}s" if level == 2 else (
                f"{steps}/{steps} {_bar(steps, steps)} - {seconds:.0f}s "
                f"{_per_step(seconds, steps)}")
            sys.stdout.write(head + _format_logs(dict(zip(names, values))) + "\n")
        return values[0] if len(values) == 1 else values

    @torch.no_grad()
    def predict(self, x: Any, batch_size: int = 32, verbose: Any = 0) -> Any:
        """The model's outputs (probabilities after a softmax/sigmoid), in evaluation mode.

        Returns a numpy array for numpy input and a tensor for tensor input.
        """
        as_numpy = not isinstance(x, torch.Tensor)
        xt = _train._as_tensor("x", x)
        device = _train._device_of(self, xt)
        was = self.training
        self.eval()
        try:
            outs = [self(xt[i:i + max(int(batch_size), 1)].to(device))
                    for i in range(0, xt.shape[0], max(int(batch_size), 1))]
        finally:
            self.train(was)
        out = torch.cat(outs) if outs else xt.new_zeros((0,))
        return out.cpu().numpy() if as_numpy else out

    def summary(self, print_fn: Callable[[str], Any] | None = None) -> None:
        """Print the table of layers, output shapes and parameter counts, as Keras does.

        ``print_fn`` receives each line instead of ``print`` (Keras's argument).

        Example:
            >>> m = Sequential([Dense(4, input_shape=(3,), activation="relu"), Dense(2)])
            >>> m.summary()
            Model: "sequential"
            _________________________________________________________________
             Layer (type)                Output Shape              Param #
            =================================================================
             dense (Dense)               (None, 4)                 16
            <BLANKLINE>
             dense_1 (Dense)             (None, 2)                 10
            <BLANKLINE>
            =================================================================
            Total params: 26
            Trainable params: 26
            Non-trainable params: 0
            _________________________________________________________________
        """
        emit = print if print_fn is None else print_fn
        for line in self._summary_lines():
            emit(line)

    def _summary_lines(self) -> list[str]:
        shapes: list[str] = []
        if self.input_shape is not None:
            with torch.no_grad():
                was = self.training
                self.eval()
                device = _train._device_of(self, torch.zeros(0))
                h = torch.zeros(1, *self.input_shape, device=device)
                for layer in self.layers:
                    h = layer(h)
                    shapes.append("(None, " + ", ".join(str(s) for s in h.shape[1:]) + ")")
                self.train(was)
        else:
            shapes = ["?"] * len(self.layers)
        counts: dict[str, int] = {}
        rows = []
        total = trainable = 0
        for layer, shape in zip(self.layers, shapes):
            kind = type(layer).__name__
            base = normalise_name(kind)
            k = counts.get(base, 0)
            counts[base] = k + 1
            name = base if k == 0 else f"{base}_{k}"
            params = [p for p in layer.parameters()
                      if not isinstance(p, nn.parameter.UninitializedParameter)]
            n = sum(p.numel() for p in params)
            total += n
            trainable += sum(p.numel() for p in params if p.requires_grad)
            # Keras 2's columns: 29, 26 and 10 characters, one blank line after each row
            rows += [f" {name + ' (' + kind + ')':<28}{shape:<26}{n}".rstrip(), ""]
        return [f'Model: "{self.model_name}"', "_" * 65,
                f" {'Layer (type)':<28}{'Output Shape':<26}Param #", "=" * 65, *rows,
                "=" * 65, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
                f"Non-trainable params: {total - trainable:,}", "_" * 65]


# ------------------------------------------------------------ keras.utils, keras.datasets


class _Mnist5k:
    """``load_data()`` as ``keras.datasets.mnist.load_data()``, on the embedded digits."""

    @staticmethod
    def load_data(seed: int = 0) -> tuple[tuple[np.ndarray, np.ndarray],
                                          tuple[np.ndarray, np.ndarray]]:
        """``((x_train, y_train), (x_test, y_test))``: uint8 images ``(N, 28, 28)`` with
        values 0..255 and uint8 labels, from :func:`actloss.lab.data.load` ``('mnist5k')``:
        3,750 training and 1,250 test digits, stratified and shuffled (seeded by ``seed``).
        """
        from actloss.lab.data import load

        ds = load("mnist5k", seed=seed)

        def images(x: torch.Tensor) -> np.ndarray:
            return np.rint(x.numpy() * 255.0).astype(np.uint8).reshape(-1, 28, 28)

        return ((images(ds.x_train), ds.y_train.numpy().astype(np.uint8)),
                (images(ds.x_test), ds.y_test.numpy().astype(np.uint8)))


class _Namespace:
    def __init__(self, **members: Any) -> None:
        self.__dict__.update(members)

    def __repr__(self) -> str:
        return f"namespace({', '.join(sorted(self.__dict__))})"


#: ``keras.utils``: ``to_categorical``.
utils = _Namespace(to_categorical=to_categorical)
#: ``keras.datasets``: ``mnist5k.load_data()`` (also as ``mnist``), MNIST's interface on
#: the 5,000 embedded digits.
datasets = _Namespace(mnist5k=_Mnist5k, mnist=_Mnist5k)
#: ``keras.optimizers``: the optimizer classes.
optimizers = _Namespace(SGD=SGD, RMSprop=RMSprop, Adam=Adam, AdamW=AdamW, Adagrad=Adagrad)
