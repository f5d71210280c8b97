"""The direct call of PyTorch's op for plain tensors (``small_plain`` in
``actloss.activations._common``): the same values, gradients and errors as the full path,
at every size while no fast path is enabled.

Every expected value comes from PyTorch's own op called here with the same parameters;
the results must be bit-for-bit equal (``rtol=0, atol=0``), since the same op runs.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from actloss import _fast
from actloss import activations as A
from actloss.activations import _classic, _relu, _smooth
from actloss.activations._common import small_plain
from actloss.errors import InputError, ParameterError

# (entry, keyword arguments, PyTorch's op with the same parameters)
LEAN = [
    ("relu", {}, torch.relu),
    ("relu", {"memory_efficient": True}, torch.relu),
    ("leaky_relu", {}, functools.partial(F.leaky_relu, negative_slope=0.01)),
    ("leaky_relu", {"negative_slope": 0.0}, functools.partial(F.leaky_relu, negative_slope=0.0)),
    ("leaky_relu", {"negative_slope": 0.2, "memory_efficient": True},
     functools.partial(F.leaky_relu, negative_slope=0.2)),
    # slopes above 1 always ran PyTorch's op (the kernel's mask form covers [0, 1])
    ("leaky_relu", {"negative_slope": 3.0}, functools.partial(F.leaky_relu, negative_slope=3.0)),
    ("gelu", {}, F.gelu),
    ("gelu", {"approximate": "tanh"}, functools.partial(F.gelu, approximate="tanh")),
    ("gelu", {"approximate": "none", "memory_efficient": True}, F.gelu),
    ("silu", {}, F.silu),
    ("silu", {"beta": 1.0, "memory_efficient": True}, F.silu),
    ("tanh", {}, torch.tanh),
    ("tanh", {"memory_efficient": True}, torch.tanh),
    ("sigmoid", {}, torch.sigmoid),
    ("sigmoid", {"memory_efficient": True}, torch.sigmoid),
    ("mish", {}, F.mish),
    ("mish", {"memory_efficient": True}, F.mish),
    ("elu", {}, F.elu),
    ("elu", {"alpha": 0.0}, functools.partial(F.elu, alpha=0.0)),
    ("elu", {"alpha": 2.5, "memory_efficient": True}, functools.partial(F.elu, alpha=2.5)),
    ("softplus", {}, F.softplus),
    ("softplus", {"beta": 2.0, "threshold": 5.0},
     functools.partial(F.softplus, beta=2.0, threshold=5.0)),
    ("softplus", {"beta": 0.5, "memory_efficient": True},
     functools.partial(F.softplus, beta=0.5)),
]
# valid arguments that the lean check leaves to the full path (same op, same result)
FULL = [
    ("leaky_relu", {"negative_slope": 1}, functools.partial(F.leaky_relu, negative_slope=1.0)),
    ("leaky_relu", {"negative_slope": np.float64(0.2)},
     functools.partial(F.leaky_relu, negative_slope=0.2)),
    ("elu", {"alpha": 2}, functools.partial(F.elu, alpha=2.0)),
    ("softplus", {"beta": 2, "threshold": 10}, functools.partial(F.softplus, beta=2.0,
                                                                threshold=10.0)),
    ("silu", {"beta": 1}, F.silu),
    ("gelu", {"approximate": np.str_("tanh")}, functools.partial(F.gelu, approximate="tanh")),
]
NINE = ["relu", "leaky_relu", "gelu", "silu", "tanh", "sigmoid", "mish", "elu", "softplus"]
_MODULES = (_relu, _smooth, _classic)


def _inputs() -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(7)
    special = torch.tensor([0.0, -0.0, 1e-30, -1e-30, 30.0, -30.0, 1e30, -1e30,
                            math.inf, -math.inf, math.nan])
    big = torch.randn(_fast.MIN_ELEMENTS + 1, generator=g)  # large: still PyTorch's op
    return [
        torch.cat([torch.randn(4096, generator=g) * 5, special]),
        torch.randn(6, 5, generator=g).t(),  # non-contiguous
        torch.tensor(-0.75),  # 0-d
        torch.empty(0),
        big,
        (torch.randn(300, generator=g) * 4).double(),
        (torch.randn(300, generator=g) * 4).bfloat16(),
        (torch.randn(300, generator=g) * 4).half(),
    ]


INPUTS = _inputs()


def _value_and_grad(f, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    x = x.detach().clone().requires_grad_()
    y = f(x)
    g = torch.linspace(-2.0, 3.0, y.numel(), dtype=y.dtype).reshape(y.shape)
    (gx,) = torch.autograd.grad(y, x, g)
    return y.detach(), gx


def _exact(a: torch.Tensor, b: torch.Tensor) -> None:
    torch.testing.assert_close(a, b, rtol=0, atol=0, equal_nan=True)


@pytest.fixture
def no_full_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the full path fail, so that a passing call proves the direct call ran."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the full path ran")

    for m in _MODULES:
        monkeypatch.setattr(m, "params", refuse)
        monkeypatch.setattr(m, "tensor", refuse)


@pytest.mark.parametrize("name,kw,op", LEAN, ids=[f"{n}-{sorted(k)}" for n, k, _ in LEAN])
def test_small_plain_input_gives_pytorchs_values_and_gradients(no_full_path, name, kw, op):
    fn = getattr(A, name)
    for x in INPUTS:
        y, gx = _value_and_grad(lambda t: fn(t, **kw), x)
        y_ref, g_ref = _value_and_grad(op, x)
        assert y.dtype == x.dtype and y.shape == x.shape
        _exact(y, y_ref)
        _exact(gx, g_ref)


@pytest.mark.parametrize("name,kw,op", LEAN[:3] + FULL,
                         ids=[f"{n}-{sorted(k)}" for n, k, _ in LEAN[:3] + FULL])
def test_other_valid_arguments_take_the_full_path_with_the_same_result(name, kw, op):
    fn = getattr(A, name)
    x = INPUTS[0]
    y, gx = _value_and_grad(lambda t: fn(t, **kw), x)
    y_ref, g_ref = _value_and_grad(op, x)
    _exact(y, y_ref)
    _exact(gx, g_ref)


@pytest.mark.parametrize("name", NINE)
def test_grad_fn_is_pytorchs_own(name):
    x = torch.randn(64, requires_grad=True)
    ref = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}.get(
        name, getattr(F, name))
    assert getattr(A, name)(x).grad_fn.name() == ref(x).grad_fn.name()


@pytest.mark.parametrize("name,kw,op", LEAN[::2], ids=[n for n, _, _ in LEAN[::2]])
def test_parameter_input_takes_the_full_path_and_still_works(name, kw, op):
    x = INPUTS[0].clone()
    p = torch.nn.Parameter(x.clone())
    assert not small_plain(p)
    y = getattr(A, name)(p, **kw)
    y.backward(torch.ones_like(y))
    xr = x.clone().requires_grad_()
    y_ref = op(xr)
    y_ref.backward(torch.ones_like(y_ref))
    _exact(y.detach(), y_ref.detach())
    _exact(p.grad, xr.grad)


def test_module_form_takes_the_direct_call(no_full_path):
    x = INPUTS[0]
    _exact(A.get("softplus", beta=2, threshold=5)(x), F.softplus(x, 2.0, 5.0))
    _exact(A.get("leaky_relu", negative_slope=1)(x), F.leaky_relu(x, 1.0))


def test_small_plain_reads_the_seam_at_call_time(monkeypatch):
    x = torch.zeros(8)
    assert small_plain(x)
    assert not small_plain(x.long())
    assert not small_plain([0.0] * 8)
    assert small_plain(torch.zeros(_fast.MIN_ELEMENTS))  # no fast path enabled: any size
    monkeypatch.setattr(_fast, "route", lambda *a, **k: None)  # a fast path is enabled
    assert small_plain(x)
    assert not small_plain(torch.zeros(_fast.MIN_ELEMENTS))
    monkeypatch.setattr(_fast, "MIN_ELEMENTS", 8)
    assert not small_plain(x)


# ----------------------------------------------------------------------- errors
@pytest.mark.parametrize("name", NINE)
def test_non_tensor_input_is_an_input_error(name):
    fn = getattr(A, name)
    with pytest.raises(InputError, match=rf"^`x` of {name} must be a torch.Tensor; got list$"):
        fn([0.5, 1.0])
    with pytest.raises(InputError, match=rf"^`x` of {name} must be a torch.Tensor; got ndarray$"):
        fn(np.ones(3, dtype=np.float32))


@pytest.mark.parametrize("name", NINE)
@pytest.mark.parametrize("dtype", [torch.int64, torch.bool, torch.complex64])
def test_non_floating_tensor_is_an_input_error(name, dtype):
    x = torch.ones(5, dtype=dtype)
    with pytest.raises(InputError, match=rf"^`x` of {name} must be a floating-point tensor; "
                                         rf"got dtype {dtype}$"):
        getattr(A, name)(x)


class _EqualsAnything:
    """Compares equal to every value: the checks must look at the type, too."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return "EqualsAnything"


# (entry, bad keyword arguments, the message of actloss's full path)
BAD = [
    ("gelu", {"approximate": _EqualsAnything()},
     r"`approximate` of gelu must be one of 'none', 'tanh'; got EqualsAnything"),
    ("silu", {"beta": True}, r"`beta` of silu must be a float in \[0, inf\); got True"),
    ("elu", {"alpha": True}, r"`alpha` of elu must be a float in \[0, inf\); got True"),
    ("softplus", {"beta": True}, r"`beta` of softplus must be a float in \(0, inf\); got True"),
    ("softplus", {"threshold": False},
     r"`threshold` of softplus must be a float in \(0, inf\); got False"),
    ("relu", {"memory_efficient": 1}, r"`memory_efficient` of relu must be a bool; got 1"),
    ("tanh", {"memory_efficient": None}, r"`memory_efficient` of tanh must be a bool; got None"),
    ("sigmoid", {"memory_efficient": "yes"},
     r"`memory_efficient` of sigmoid must be a bool; got 'yes'"),
    ("mish", {"memory_efficient": np.bool_(True)},
     r"`memory_efficient` of mish must be a bool; got "),
    ("leaky_relu", {"negative_slope": -1.0},
     r"`negative_slope` of leaky_relu must be a float in \[0, inf\); got -1.0"),
    ("leaky_relu", {"negative_slope": math.nan},
     r"`negative_slope` of leaky_relu must be a float in \[0, inf\); got nan"),
    ("leaky_relu", {"negative_slope": math.inf},
     r"`negative_slope` of leaky_relu must be a float in \[0, inf\); got inf"),
    ("leaky_relu", {"negative_slope": True},
     r"`negative_slope` of leaky_relu must be a float in \[0, inf\); got True"),
    ("leaky_relu", {"negative_slope": 0.1, "memory_efficient": 0},
     r"`memory_efficient` of leaky_relu must be a bool; got 0"),
    ("gelu", {"approximate": "fast"},
     r"`approximate` of gelu must be one of 'none', 'tanh'; got 'fast'"),
    ("gelu", {"approximate": None}, r"`approximate` of gelu must be one of 'none', 'tanh'; got None"),
    ("gelu", {"approximate": np.str_("tanh!")}, r"`approximate` of gelu must be one of"),
    ("silu", {"beta": -1.0}, r"`beta` of silu must be a float in \[0, inf\); got -1.0"),
    ("silu", {"beta": math.nan}, r"`beta` of silu must be a float in \[0, inf\); got nan"),
    ("silu", {"memory_efficient": 1.0}, r"`memory_efficient` of silu must be a bool; got 1.0"),
    ("elu", {"alpha": -0.5}, r"`alpha` of elu must be a float in \[0, inf\); got -0.5"),
    ("elu", {"alpha": math.inf}, r"`alpha` of elu must be a float in \[0, inf\); got inf"),
    ("elu", {"alpha": "1"}, r"`alpha` of elu must be a float in \[0, inf\); got '1'"),
    ("softplus", {"beta": 0.0}, r"`beta` of softplus must be a float in \(0, inf\); got 0.0"),
    ("softplus", {"threshold": -1.0},
     r"`threshold` of softplus must be a float in \(0, inf\); got -1.0"),
    ("softplus", {"threshold": math.inf},
     r"`threshold` of softplus must be a float in \(0, inf\); got inf"),
    ("softplus", {"beta": 1.0, "threshold": 20.0, "memory_efficient": None},
     r"`memory_efficient` of softplus must be a bool; got None"),
]


@pytest.mark.parametrize("name,kw,msg", BAD, ids=[f"{n}-{sorted(k)}" for n, k, _ in BAD])
def test_bad_parameter_on_a_small_tensor_is_a_parameter_error(name, kw, msg):
    fn = getattr(A, name)
    with pytest.raises(ParameterError, match="^" + msg):
        fn(torch.ones(4), **kw)
    # the parameter is checked before the tensor, as on the full path
    with pytest.raises(ParameterError, match="^" + msg):
        fn(torch.ones(4, dtype=torch.int64), **kw)


@pytest.mark.parametrize("name", NINE)
def test_unknown_keyword_is_refused(name):
    # the function and the module form both name the entry's parameters
    with pytest.raises(ParameterError, match=rf"^{name} has no parameter `slope`"):
        getattr(A, name)(torch.ones(4), slope=0.1)
    with pytest.raises(ParameterError, match=rf"^{name} has no parameter `slope`"):
        A.get(name, slope=0.1)
