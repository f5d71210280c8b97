"""The activation catalog: functions, closed-form derivatives, modules and metadata.

Every entry is a function ``f(x, *, params)`` with its derivative beside it and an
:class:`ActivationSpec` of verified properties. Look entries up by name (any case,
PyTorch/Keras/JAX aliases)::

    >>> import torch
    >>> from actloss import activations as A
    >>> A.spec("swish").name
    'silu'
    >>> A.get("leaky_relu", negative_slope=0.1)
    LeakyRelu(negative_slope=0.1)
    >>> A.derivative("sigmoid", torch.tensor([0.0]))
    tensor([0.2500])

Entries by kind: element-wise (``derivative``), vector and gated (``vjp``), grouped
(``maxout``) and module-only (``dynamic_relu``). Learnable entries (``prelu``,
``learnable_relu``, ``swish_beta``, ``maxout``, ``dynamic_relu``) return modules whose
parameters train from :func:`get`.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from actloss import _fast
from actloss._meta import spec_to_json
from actloss._validation import check_params, check_same_shape, check_tensor
from actloss.activations._classic import (
    hard_sigmoid,
    hardtanh,
    identity,
    log_sigmoid,
    sigmoid,
    softsign,
    tanh,
)
from actloss.activations._gated import SwiGLU, geglu, glu, reglu, swiglu
from actloss.activations._learnable import (
    DynamicReLU,
    LearnableReLU,
    Maxout,
    PReLU,
    SwishBeta,
    dynamic_relu,
    learnable_relu,
    maxout,
    prelu,
    swish_beta,
)
from actloss.activations._registry import REGISTRY, Activation
from actloss.activations._relu import (
    RReLU,
    celu,
    elu,
    leaky_relu,
    relu,
    relu6,
    rrelu,
    selu,
    squared_relu,
    threshold,
)
from actloss.activations._shrink import hardshrink, softshrink, tanhshrink
from actloss.activations._smooth import (
    gelu,
    gelu_tanh,
    hard_swish,
    mish,
    silu,
    sine,
    snake,
    softplus,
    squareplus,
)
from actloss.activations._sparse import exponential, sparse_plus, sparse_sigmoid
from actloss.activations._spec import ActivationSpec
from actloss.activations._vector import log_softmax, softmax, softmin, sparsemax
from actloss.errors import ActlossError, ParameterError

__all__ = [
    "REGISTRY",
    "Activation",
    "ActivationSpec",
    "DynamicReLU",
    "LearnableReLU",
    "Maxout",
    "NotElementwiseError",
    "PReLU",
    "RReLU",
    "SwiGLU",
    "SwishBeta",
    "catalog_json",
    "celu",
    "derivative",
    "dynamic_relu",
    "elu",
    "exponential",
    "geglu",
    "gelu",
    "gelu_tanh",
    "get",
    "glu",
    "hard_sigmoid",
    "hard_swish",
    "hardshrink",
    "hardtanh",
    "identity",
    "leaky_relu",
    "learnable_relu",
    "log_sigmoid",
    "log_softmax",
    "maxout",
    "mish",
    "names",
    "prelu",
    "reglu",
    "relu",
    "relu6",
    "rrelu",
    "selu",
    "sigmoid",
    "silu",
    "sine",
    "snake",
    "softmax",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "spec",
    "squared_relu",
    "squareplus",
    "swiglu",
    "swish_beta",
    "tanh",
    "tanhshrink",
    "threshold",
    "to_json",
    "vjp",
]


class NotElementwiseError(ActlossError, TypeError):
    """An element-wise operation asked of a vector, gated, grouped or module entry."""


def names() -> list[str]:
    """Canonical names of every activation, sorted.

    >>> "gelu_tanh" in names() and "swish" not in names()
    True
    """
    return REGISTRY.names()


def spec(name: str) -> ActivationSpec:
    """The :class:`ActivationSpec` of ``name`` (any case, or an alias).

    Raises:
        UnknownNameError: with the closest names.

    >>> spec("hardswish").name
    'hard_swish'
    """
    return REGISTRY.spec(name)


def get(name: str, *, fast: bool = False, **params: Any) -> nn.Module:
    """A module for ``name`` with ``params``.

    Parameter-free entries give an :class:`Activation` that calls the function;
    learnable entries give their own module (its parameters train), built from
    ``spec(name).module_params`` (e.g. ``get('maxout', in_features=8, out_features=4)``,
    ``get('dynamic_relu', channels=16)``, ``get('prelu', num_parameters=16)``).

    Raises:
        UnknownNameError: unknown ``name``.
        ParameterError: a parameter unknown to the entry or outside its interval.

    ``fast=True`` binds the module to the opt-in fast implementations now (see the
    *Fast paths* page of the documentation); calls they do not support run the reference.

    >>> get("GELU", approximate="tanh")
    Gelu(approximate='tanh')
    """
    s = spec(name)
    if s.module is None:
        module: nn.Module = Activation(s, **params)
    else:
        module = s.module(**check_params(s.name, s.module_params or s.params, params))
    if fast.__class__ is not bool:
        raise ParameterError(f"`fast` of get({name!r}) must be True or False; got {fast!r}")
    return _fast.bind(module) if fast else module


def _elementwise_only(s: ActivationSpec, what: str) -> None:
    if s.kind != "elementwise" or s.derivative is None:
        raise NotElementwiseError(
            f"{what}() is for element-wise activations; {s.name} is a {s.kind} activation: "
            f"use vjp({s.name!r}, x, grad_out) for its vector-Jacobian product"
        )


def derivative(name: str, x: torch.Tensor, **params: Any) -> torch.Tensor:
    """The closed-form derivative f'(x) of an element-wise activation, same shape as ``x``.

    At a kink the value PyTorch's autograd uses is returned (see ``spec(name).kinks``).

    Raises:
        NotElementwiseError: for vector, gated, grouped and module entries (use :func:`vjp`).

    >>> import torch
    >>> derivative("relu", torch.tensor([-1.0, 0.0, 2.0]))
    tensor([0., 0., 1.])
    """
    s = spec(name)
    _elementwise_only(s, "derivative")
    checked = check_params(s.name, s.params, params)
    x = check_tensor(s.name, "x", x)
    assert s.derivative is not None
    return s.derivative(x, **checked)


def vjp(name: str, x: torch.Tensor, grad_out: torch.Tensor, **params: Any) -> torch.Tensor:
    """The vector-Jacobian product :math:`J_f(x)^\\top g`, in closed form.

    For element-wise entries it is ``grad_out * derivative(name, x)``; vector, gated and
    grouped entries have their own formula. ``grad_out`` has the shape of ``f(x)``.

    >>> import torch
    >>> vjp("softmax", torch.zeros(2), torch.tensor([1.0, 0.0]))
    tensor([ 0.2500, -0.2500])
    """
    s = spec(name)
    x = check_tensor(s.name, "x", x)
    grad_out = check_tensor(s.name, "grad_out", grad_out)
    if s.kind == "module":  # coefficients are tensors (e.g. dynamic_relu's a, b), not Params
        if s.vjp is None:
            raise NotElementwiseError(f"{s.name} has no closed-form vjp; use autograd")
        out = s.fn(x, **params)  # validates the coefficients' shapes
        check_same_shape(s.name, out, grad_out, names=(f"{s.name}(x)", "grad_out"))
        return s.vjp(x, grad_out, **params)
    checked = check_params(s.name, s.params, params)
    out = s.fn(x, **checked)
    check_same_shape(s.name, out, grad_out, names=(f"{s.name}(x)", "grad_out"))
    if s.kind == "elementwise":
        assert s.derivative is not None
        return grad_out * s.derivative(x, **checked)
    assert s.vjp is not None
    return s.vjp(x, grad_out, **checked)


def to_json(name: str) -> dict[str, Any]:
    """The metadata of ``name`` as a JSON-ready dict (no callables)."""
    return spec_to_json(spec(name))


def catalog_json() -> list[dict[str, Any]]:
    """The metadata of every entry, sorted by name, each with the peers' spellings and edge
    conventions (``REGISTRY.peer_metadata``), as ``actloss show --json`` gives them."""
    return [{**spec_to_json(s), **REGISTRY.peer_metadata(s.name)} for s in REGISTRY]
