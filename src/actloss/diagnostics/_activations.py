"""Which modules are activations, and their closed-form derivative from the catalog.

A monitored activation is described by an :class:`ActivationProbe`: the catalog name,
a callable returning f'(x) element-wise, and sup|f'| (the scale that "saturated" is
measured against). The derivative comes from the catalog's closed form
(``ActivationSpec.derivative``) wherever the module maps onto a catalog entry; a
module the catalog cannot describe falls back to autograd through the module itself
(exact for element-wise modules) and gets no saturation statistic, since its sup|f'| is
unknown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

__all__ = ["FUNCTIONAL_NAMES", "TORCH_TO_CATALOG", "ActivationProbe", "functional_probe",
           "probe_for"]

# torch.nn activation class -> (catalog name, {torch attribute: catalog parameter names}).
# A torch attribute is handed to the catalog under the first candidate name the catalog
# entry declares; one that the entry does not declare (and that differs from the
# catalog default) sends the module to the autograd fallback instead.
TORCH_TO_CATALOG: dict[type[nn.Module], tuple[str, dict[str, tuple[str, ...]]]] = {
    nn.ReLU: ("relu", {}),
    nn.Sigmoid: ("sigmoid", {}),
    nn.Tanh: ("tanh", {}),
    nn.LeakyReLU: ("leaky_relu", {"negative_slope": ("negative_slope", "alpha", "slope")}),
    nn.ELU: ("elu", {"alpha": ("alpha",)}),
    nn.CELU: ("celu", {"alpha": ("alpha",)}),
    nn.SELU: ("selu", {}),
    nn.GELU: ("gelu", {"approximate": ("approximate",)}),
    nn.SiLU: ("silu", {}),
    nn.Mish: ("mish", {}),
    nn.Softplus: ("softplus", {"beta": ("beta",), "threshold": ("threshold",)}),
    nn.ReLU6: ("relu6", {}),
    nn.Hardtanh: ("hardtanh", {"min_val": ("min_val", "low"), "max_val": ("max_val", "high")}),
    nn.Hardsigmoid: ("hard_sigmoid", {}),
    nn.Hardswish: ("hard_swish", {}),
    nn.Softsign: ("softsign", {}),
    nn.Tanhshrink: ("tanhshrink", {}),
    nn.LogSigmoid: ("log_sigmoid", {}),
    nn.PReLU: ("prelu", {"weight": ("weight", "alpha", "a", "negative_slope")}),
}


@dataclass
class ActivationProbe:
    """How the monitor reads one activation module.

    ``derivative(x)`` returns f'(x) element-wise for the module's input ``x``;
    ``max_abs_derivative`` is sup|f'| from the catalog (``inf`` or ``nan`` when unknown,
    which disables the saturation statistic); ``source`` says where the derivative
    comes from (``"catalog"`` or ``"autograd"``).
    """

    name: str
    derivative: Callable[[torch.Tensor], torch.Tensor]
    max_abs_derivative: float
    source: str
    nonnegative: bool = False  # f' >= 0 everywhere (a monotonic entry): no abs needed
    soft_saturation: bool = True  # f' decays smoothly towards 0 somewhere

    @property
    def has_saturation(self) -> bool:
        """Whether a saturation fraction is measured (see the package docstring)."""
        m = self.max_abs_derivative
        return self.soft_saturation and math.isfinite(m) and m > 0


def _catalog_spec(name: str) -> Any:
    try:
        import actloss.activations as catalog  # noqa: F401  (fills the registry)
        from actloss.activations._registry import REGISTRY
    except ImportError:
        return None
    if name not in REGISTRY:
        return None
    return REGISTRY.spec(name)


def _autograd_probe(module: nn.Module, name: str, max_abs: float = math.nan,
                    spec: Any = None) -> ActivationProbe:
    def derivative(x: torch.Tensor) -> torch.Tensor:
        # f'(x) of an element-wise module: d/dx sum(f(x)) = f'(x) element by element.
        with torch.enable_grad():
            xg = x.detach().requires_grad_(True)
            y = module.forward(xg)  # .forward: the monitor's own hooks must not fire
            (g,) = torch.autograd.grad(y.sum(), xg)
        return g

    soft = _soft(spec) if spec is not None else True
    return ActivationProbe(name, derivative, max_abs, "autograd", soft_saturation=soft)


def _catalog_probe(spec: Any, params: dict[str, Any]) -> ActivationProbe | None:
    if getattr(spec, "kind", "elementwise") != "elementwise" or spec.derivative is None:
        return None
    fn = spec.derivative

    def derivative(x: torch.Tensor) -> torch.Tensor:
        return fn(x, **params)

    nonneg = bool(spec.monotonic) and _increasing(spec) and not spec.learnable
    return ActivationProbe(spec.name, derivative, float(spec.max_abs_derivative), "catalog",
                           nonnegative=nonneg, soft_saturation=_soft(spec))


def _increasing(spec: Any) -> bool:
    # monotonic entries of the catalog are non-decreasing unless f'(0) < 0
    return spec.d0 is None or spec.d0 >= 0


def _soft(spec: Any) -> bool:
    # Piecewise-linear entries (relu, relu6, hardtanh, ...) have f' in a finite set: their
    # flat parts give f' = 0 exactly and are counted as dead, not as saturated.
    return getattr(spec, "saturates", "both") != "none" and bool(getattr(spec, "smooth", True))


def _is_elementwise_activation_class(module: nn.Module) -> bool:
    return type(module).__module__.startswith("torch.nn.modules.activation")


def probe_for(module: nn.Module) -> ActivationProbe | None:
    """The probe of ``module`` if it is an element-wise activation, else ``None``."""
    try:
        from actloss.activations._registry import Activation
    except ImportError:  # pragma: no cover - the registry module is part of the core
        Activation = ()  # type: ignore[assignment]

    spec = getattr(module, "spec", None)
    if isinstance(module, Activation) or (spec is not None and hasattr(spec, "max_abs_derivative")):
        params = dict(getattr(module, "params", {}) or {})
        # learnable parameters live on the module, not in ``params``
        for pname in getattr(spec, "learnable", ()):
            if hasattr(module, pname):
                params[pname] = getattr(module, pname)
        probe = _catalog_probe(spec, params)
        if probe is None and getattr(spec, "kind", "elementwise") == "elementwise":
            return _autograd_probe(module, spec.name, float(spec.max_abs_derivative), spec)
        return probe

    entry = TORCH_TO_CATALOG.get(type(module))
    if entry is None:
        return None
    name, mapping = entry
    spec = _catalog_spec(name)
    if spec is None:
        return _autograd_probe(module, name)
    declared = {p.name: p for p in spec.params}
    params: dict[str, Any] = {}
    for attr, candidates in mapping.items():
        value = getattr(module, attr, None)
        target = next((c for c in candidates if c in declared), None)
        if target is None:
            return _autograd_probe(module, spec.name, float(spec.max_abs_derivative), spec)
        params[target] = value
    probe = _catalog_probe(spec, params)
    if probe is None:
        return _autograd_probe(module, spec.name, float(spec.max_abs_derivative), spec)
    return probe


# functional forms -> catalog names, and the keyword arguments they pass on
F = torch.nn.functional
FUNCTIONAL_NAMES: dict[Any, str] = {
    F.relu: "relu", torch.relu: "relu", F.relu6: "relu6", F.sigmoid: "sigmoid",
    torch.sigmoid: "sigmoid", F.tanh: "tanh", torch.tanh: "tanh", F.leaky_relu: "leaky_relu",
    F.elu: "elu", F.selu: "selu", torch.selu: "selu", F.celu: "celu", F.gelu: "gelu",
    F.silu: "silu", F.mish: "mish", F.softplus: "softplus", F.softsign: "softsign",
    F.hardtanh: "hardtanh", F.hardsigmoid: "hard_sigmoid", F.hardswish: "hard_swish",
    F.logsigmoid: "log_sigmoid", F.tanhshrink: "tanhshrink",
    torch.Tensor.relu: "relu", torch.Tensor.sigmoid: "sigmoid", torch.Tensor.tanh: "tanh",
}
_FUNCTIONAL_KWARGS = {"leaky_relu": ("negative_slope",), "elu": ("alpha",),
                      "celu": ("alpha",), "gelu": ("approximate",),
                      "softplus": ("beta", "threshold"), "hardtanh": ("min_val", "max_val")}
_FUNCTIONAL_CACHE: dict[tuple[str, tuple[Any, ...]], ActivationProbe | None] = {}


def functional_probe(name: str, kwargs: dict[str, Any]) -> ActivationProbe | None:
    """The catalog probe of a functional activation called with ``kwargs``."""
    params = {k: kwargs[k] for k in _FUNCTIONAL_KWARGS.get(name, ()) if k in kwargs}
    key = (name, tuple(sorted(params.items())))
    if key not in _FUNCTIONAL_CACHE:
        spec = _catalog_spec(name)
        declared = {p.name for p in spec.params} if spec is not None else set()
        ok = spec is not None and set(params) <= declared
        _FUNCTIONAL_CACHE[key] = _catalog_probe(spec, params) if ok else None
    return _FUNCTIONAL_CACHE[key]
