"""Models for the lab: a multi-layer perceptron whose initialisation follows its activation.

``mlp([64, 128, 10], activation="relu")`` builds ``Linear, act, Linear`` as a plain
``nn.Sequential`` (so any tool that walks modules sees ordinary layers). With
``init='auto'`` each Linear layer is initialised for the activation that follows it,
read from the activation catalog's metadata (``actloss.activations.spec(name).init``):

* ``he`` (Kaiming, fan-in):   ``W ~ N(0, gain^2 / fan_in)`` with ``gain = sqrt(2)`` for
  ReLU-like units and ``sqrt(2 / (1 + a^2))`` for a leaky slope ``a``;
* ``xavier`` (Glorot):        ``W ~ N(0, 2 / (fan_in + fan_out))``;
* ``lecun``:                  ``W ~ N(0, 1 / fan_in)`` (SELU's self-normalising regime);
* ``siren``:                  ``W ~ U(-sqrt(6 / fan_in) / w0, sqrt(6 / fan_in) / w0)``, the
  first layer ``U(-1 / fan_in, 1 / fan_in)`` (Sitzmann et al., 2020);
* ``default``:                PyTorch's own ``nn.Linear`` initialisation.

The last layer follows the output activation's entry; with no output activation it is
a linear read-out and gets Xavier.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from typing import Literal

import torch
from torch import nn

from actloss._validation import Interval, Param, check_param
from actloss.errors import ParameterError

__all__ = ["INITS", "Lambda", "init_linear", "init_scheme", "make_activation", "mlp"]

Init = Literal["auto", "he", "xavier", "lecun", "siren", "default"]
INITS = ("auto", "he", "xavier", "lecun", "siren", "default")

ActivationLike = str | nn.Module | type | Callable[[torch.Tensor], torch.Tensor] | None


class Lambda(nn.Module):
    """A plain function ``f(x)`` as a module (so it can sit in ``nn.Sequential``)."""

    def __init__(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x)

    def extra_repr(self) -> str:
        return getattr(self.fn, "__name__", repr(self.fn))


def make_activation(activation: ActivationLike) -> nn.Module | None:
    """A fresh activation module from a catalog name, a module, a module class or a function.

    A module instance is deep-copied, so learnable parameters are never shared between
    layers by accident. ``None`` (and ``'linear'``) mean no activation.
    """
    if activation is None:
        return None
    if isinstance(activation, str):
        if activation.strip().lower() in ("linear", "none"):
            return None
        from actloss import activations

        return activations.get(activation)
    if isinstance(activation, nn.Module):
        return copy.deepcopy(activation)
    if isinstance(activation, type) and issubclass(activation, nn.Module):
        return activation()
    if callable(activation):
        return Lambda(activation)
    raise ParameterError(
        "`activation` of mlp must be a name, an nn.Module, a module class or a function; "
        f"got {type(activation).__name__}"
    )


def _activation_name(module: nn.Module | None) -> str | None:
    if module is None:
        return None
    spec = getattr(module, "spec", None)
    if spec is not None and hasattr(spec, "name"):
        return str(spec.name)
    return type(module).__name__


def init_scheme(module: nn.Module | None) -> str:
    """The initialisation that suits ``module`` (``None``: a linear read-out -> xavier).

    Read from the activation catalog: ``spec(name).init``; a module the catalog does not
    know gets ``default``.
    """
    if module is None:
        return "xavier"
    spec = getattr(module, "spec", None)
    if spec is not None and hasattr(spec, "init"):
        return str(spec.init)
    from actloss import activations

    name = type(module).__name__
    try:
        return str(activations.spec(_TORCH_NAMES.get(name, name)).init)
    except LookupError:
        return "default"


# torch.nn class names -> catalog names (the catalog's lookup ignores case, not CamelCase)
_TORCH_NAMES = {
    "ReLU": "relu", "ReLU6": "relu6", "LeakyReLU": "leaky_relu", "PReLU": "prelu",
    "RReLU": "rrelu", "ELU": "elu", "SELU": "selu", "CELU": "celu", "GELU": "gelu",
    "SiLU": "silu", "Mish": "mish", "Tanh": "tanh", "Sigmoid": "sigmoid",
    "Softmax": "softmax", "LogSoftmax": "log_softmax", "Softplus": "softplus",
    "Hardtanh": "hardtanh", "Hardswish": "hard_swish", "Hardsigmoid": "hard_sigmoid",
    "Softsign": "softsign", "Identity": "identity", "LogSigmoid": "log_sigmoid",
    "Tanhshrink": "tanhshrink", "Softshrink": "softshrink", "Hardshrink": "hardshrink",
}


def _leaky_slope(module: nn.Module | None) -> float:
    if module is None:
        return 0.0
    params = getattr(module, "params", None)
    if isinstance(params, dict) and "negative_slope" in params:
        return float(params["negative_slope"])
    return float(getattr(module, "negative_slope", 0.0))


def _w0(module: nn.Module | None) -> float:
    params = getattr(module, "params", None)
    if isinstance(params, dict):
        for key in ("w0", "omega", "omega_0"):
            if key in params:
                return float(params[key])
    return 30.0


@torch.no_grad()
def init_linear(layer: nn.Linear, scheme: str, *, activation: nn.Module | None = None,
                first: bool = False, bias_init: float = 0.0) -> None:
    """Initialise ``layer`` in place with ``scheme`` (see the module docstring)."""
    scheme = check_param("mlp", Param("init", "auto", str, choices=INITS[1:]), scheme)
    if scheme == "default":
        return
    w = layer.weight
    fan_in = w.shape[1]
    if scheme == "he":
        a = _leaky_slope(activation)
        # std = gain / sqrt(fan_in), gain = sqrt(2 / (1 + a^2)) (a = 0 for ReLU)
        nn.init.kaiming_normal_(w, a=a, mode="fan_in", nonlinearity="leaky_relu")
    elif scheme == "xavier":
        nn.init.xavier_normal_(w)  # std = sqrt(2 / (fan_in + fan_out))
    elif scheme == "lecun":
        nn.init.normal_(w, 0.0, math.sqrt(1.0 / fan_in))
    elif scheme == "siren":
        bound = 1.0 / fan_in if first else math.sqrt(6.0 / fan_in) / _w0(activation)
        nn.init.uniform_(w, -bound, bound)
    if layer.bias is not None:
        nn.init.constant_(layer.bias, bias_init)


def mlp(
    sizes: Sequence[int],
    activation: ActivationLike = "relu",
    output_activation: ActivationLike = None,
    init: Init = "auto",
    bias_init: float = 0.0,
    *,
    seed: int | None = None,
) -> nn.Sequential:
    """A multi-layer perceptron ``Linear -> act -> ... -> Linear [-> output act]``.

    Args:
        sizes: layer widths, input first: ``[n_in, hidden..., n_out]`` (at least two, each
            >= 1).
        activation: hidden activation: a catalog name (``actloss.activations.get``), an
            ``nn.Module`` (copied per layer), a module class, or a function.
        output_activation: applied after the last layer; ``None`` for raw outputs (logits).
        init: ``'auto'`` (from the activation's metadata), ``'he'``, ``'xavier'``,
            ``'lecun'``, ``'siren'`` or ``'default'`` (PyTorch's).
        bias_init: the constant every bias starts at.
        seed: build the weights from this seed without touching the global generator.

    Returns:
        ``nn.Sequential`` of ``Linear`` layers and activation modules.

    Example:
        >>> net = mlp([4, 8, 3], activation=nn.Tanh(), seed=0)
        >>> net
        Sequential(
          (0): Linear(in_features=4, out_features=8, bias=True)
          (1): Tanh()
          (2): Linear(in_features=8, out_features=3, bias=True)
        )
        >>> net(torch.zeros(5, 4)).shape
        torch.Size([5, 3])
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise ParameterError(f"`sizes` of mlp must be a sequence of at least two layer widths; "
                             f"got {sizes!r}")
    width = Param("sizes", 1, int, Interval(1, math.inf, low_closed=True))
    sizes = [check_param("mlp", width, s) for s in sizes]
    init = check_param("mlp", Param("init", "auto", str, choices=INITS), init)
    bias_init = check_param("mlp", Param("bias_init", 0.0, float), bias_init)
    if seed is None:
        return _build(sizes, activation, output_activation, init, bias_init)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _build(sizes, activation, output_activation, init, bias_init)


def _build(sizes: list[int], activation: ActivationLike, output_activation: ActivationLike,
           init: str, bias_init: float) -> nn.Sequential:
    layers: list[nn.Module] = []
    n_layers = len(sizes) - 1
    for i in range(n_layers):
        linear = nn.Linear(sizes[i], sizes[i + 1])
        last = i == n_layers - 1
        act = make_activation(output_activation if last else activation)
        scheme = init_scheme(act) if init == "auto" else init
        init_linear(linear, scheme, activation=act, first=i == 0, bias_init=bias_init)
        layers.append(linear)
        if act is not None:
            layers.append(act)
    return nn.Sequential(*layers)

