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
* ``Dense`` kernels start Glorot-uniform and biases at zero, as in Keras.

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
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from actloss._registry import normalise_name
from actloss._validation import Interval, Param, check_param
from actloss.errors import InputError, ParameterError, UnknownNameError
from actloss.lab import train as _train
from actloss.lab.callbacks import Callback
from actloss.lab.models import make_activation

__all__ = ["Activation", "Dense", "Dropout", "Sequential", "to_categorical"]

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
    """The catalog entry for a Keras loss name: ``keras_<name>`` first (Keras's meaning),
    else ``name`` itself; an unknown name raises with the closest names."""
    from actloss import losses

    key = normalise_name(name)
    if not key.startswith("keras_"):
        try:
            return losses.spec(f"keras_{key}")
        except UnknownNameError:
            pass
    return losses.spec(name)


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

    def compile(self, optimizer: Any = "adam", loss: Any = None,
                metrics: Sequence[str] | None = None, *, learning_rate: float | None = None,
                ) -> None:
        """Choose the optimizer (name, instance or factory), the loss and the metrics.

        See the module docstring for how a final softmax/sigmoid with the matching
        cross-entropy is trained from logits.
        """
        if loss is None:
            raise ParameterError("`loss` of compile must be a loss name or a callable; got None")
        metrics = [normalise_name(m) for m in (metrics or ())]
        for m in metrics:
            _train.METRICS.spec(m)  # unknown metric: error now, with close matches
        loss_fn, logits_form, task = self._resolve_loss(loss)
        self._compiled = {"optimizer": optimizer, "loss": loss_fn, "logits_loss": logits_form,
                          "metrics": metrics, "task": task, "lr": learning_rate,
                          "optimizer_obj": None}

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

        ``watch`` (``True`` or a dict of settings) lints the first batch and monitors
        training (:func:`actloss.watch`; ``History.watch.findings()``).
        ``validation_split`` holds out the LAST fraction of ``x``/``y`` (before shuffling);
        ``validation_data`` takes precedence over it. ``verbose=0`` hides the progress bar,
        ``'auto'`` shows it only on a terminal.
        """
        c = self._require_compiled("fit")
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
        if c["optimizer_obj"] is None:
            c["optimizer_obj"] = _train.make_optimizer(c["optimizer"], self.parameters(), c["lr"])
        progress = None if verbose == "auto" else bool(verbose)
        history = _train.fit(module, loss_fn, (x, y), epochs=epochs, batch_size=batch_size,
                             optimizer=c["optimizer_obj"], metrics=c["metrics"],
                             validation=validation, callbacks=tuple(callbacks or ()), seed=seed,
                             progress=progress, shuffle=shuffle, task=c["task"], watch=watch)
        history.model = self
        return history

    def evaluate(self, x: Any, y: Any, batch_size: int = 32, verbose: Any = 0,
                 ) -> float | list[float]:
        """The loss (and metrics) on ``(x, y)``: a float, or ``[loss, *metrics]``."""
        c = self._require_compiled("evaluate")
        x, y = _train._as_tensor("x", x), _train._as_tensor("y", y)
        module, loss_fn = self._training_pair()
        logs = _train.evaluate(module, loss_fn, x, y, metrics=c["metrics"], task=c["task"],
                               batch_size=max(int(batch_size), 1))
        values = [logs["loss"], *(logs[m] for m in
                                  (_train.METRICS.spec(m).name for m in c["metrics"]))]
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

    def summary(self) -> str:
        """A text table of layers, output shapes and parameter counts (returned, not printed).

        Example:
            >>> m = Sequential([Dense(4, input_shape=(3,), activation="relu"), Dense(2)])
            >>> print(m.summary())
            Model: "sequential"
            Layer (type)            Output Shape        Param #
            ===================================================
            dense (Dense)           (None, 4)                16
            dense_1 (Dense)         (None, 2)                10
            ===================================================
            Total params: 26
            Trainable params: 26
            Non-trainable params: 0
        """
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
            rows.append(f"{name + ' (' + kind + ')':<24}{shape:<16}{n:>11,}")
        rule = "=" * 51
        lines = [f'Model: "{self.model_name}"', f"{'Layer (type)':<24}{'Output Shape':<16}"
                 f"{'Param #':>11}", rule, *rows, rule, f"Total params: {total:,}",
                 f"Trainable params: {trainable:,}",
                 f"Non-trainable params: {total - trainable:,}"]
        return "\n".join(lines)
