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

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

__all__ = ["FUNCTIONAL_NAMES", "TORCH_TO_CATALOG", "ActivationProbe", "functional_probe",
           "probe_for"]

# How PyTorch names the attributes of its activation modules, and the catalog parameter
# names each may go to (the first one the catalog entry declares). A torch attribute
# that the entry does not declare (and that differs from the catalog default) sends the
# module to the autograd fallback instead. Which catalog entry a module is comes from the
# catalog itself (``spec.torch_equivalent``), see :func:`torch_to_catalog`.
_TORCH_ATTRS: dict[str, dict[str, tuple[str, ...]]] = {
    "leaky_relu": {"negative_slope": ("negative_slope", "alpha", "slope")},
    "elu": {"alpha": ("alpha",)},
    "celu": {"alpha": ("alpha",)},
    "gelu": {"approximate": ("approximate",)},
    "softplus": {"beta": ("beta",), "threshold": ("threshold",)},
    "hardtanh": {"min_val": ("min_val", "low"), "max_val": ("max_val", "high")},
    "prelu": {"weight": ("weight", "alpha", "a", "negative_slope")},
}


def _snake(name: str) -> str:
    """``LeakyReLU`` -> ``leaky_relu``, ``ReLU6`` -> ``relu6``, ``SiLU`` -> ``silu``."""
    return {"LeakyReLU": "leaky_relu", "LogSigmoid": "logsigmoid"}.get(name, name.lower())


def _catalog_twins() -> dict[str, str]:
    """PyTorch function name -> catalog name, read from the catalog's ``torch_equivalent``.

    Where two entries share a twin (``gelu`` and ``gelu_tanh``), the entry whose name is
    the function's own (ignoring underscores) wins.
    """
    try:
        import actloss.activations  # noqa: F401  (fills the registry)
        from actloss.activations._registry import REGISTRY
    except ImportError:  # pragma: no cover - the catalog is part of the package
        return {}
    out: dict[str, str] = {}
    for spec in REGISTRY:
        twin = getattr(spec, "torch_equivalent", None)
        if not twin or getattr(spec, "kind", "elementwise") != "elementwise":
            continue
        fn = twin.rsplit(".", 1)[-1]
        if fn not in out or spec.name.replace("_", "") == fn.replace("_", ""):
            out[fn] = spec.name
    return out


def torch_to_catalog() -> dict[type[nn.Module], tuple[str, dict[str, tuple[str, ...]]]]:
    """``torch.nn`` activation class -> (catalog name, {torch attribute: catalog names})."""
    twins = _catalog_twins()
    out: dict[type[nn.Module], tuple[str, dict[str, tuple[str, ...]]]] = {}
    for cls_name in nn.modules.activation.__all__:
        cls = getattr(nn, cls_name, None)
        fn = _snake(cls_name)
        if not (isinstance(cls, type) and fn in twins):
            continue
        attrs = _TORCH_ATTRS.get(fn, {})
        try:
            extra = {n for n, p in inspect.signature(cls).parameters.items()
                     if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
            # inplace changes no value; min_value/max_value are Hardtanh's old spellings
            extra -= {"inplace", "device", "dtype", "min_value", "max_value"}
        except (TypeError, ValueError):  # pragma: no cover - every torch class has one
            continue
        if fn == "prelu":
            extra = set()  # num_parameters and init set the learnable weight, read as such
        if extra <= set(attrs):  # a module whose every setting the catalog can take
            out[cls] = (twins[fn], attrs)
    return out


TORCH_TO_CATALOG = torch_to_catalog()


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


# functional forms -> catalog names: every spelling of each catalog twin
F = torch.nn.functional


def _functional_names() -> dict[Any, str]:
    out: dict[Any, str] = {}
    for fn, name in _catalog_twins().items():
        for owner in (F, torch, torch.Tensor):
            f = getattr(owner, fn, None)
            if f is not None and fn not in ("softmax", "log_softmax", "softmin", "glu",
                                            "threshold", "prelu", "rrelu", "hardshrink",
                                            "softshrink"):
                out[f] = name
    return out


FUNCTIONAL_NAMES: dict[Any, str] = _functional_names()
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
