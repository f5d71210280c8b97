"""The shared core: parameter validation, the registry, the error format."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
import torch

from actloss._registry import Registry, normalise_name
from actloss._validation import (
    NONNEGATIVE,
    POSITIVE,
    UNIT,
    Interval,
    Param,
    check_finite,
    check_param,
    check_params,
    check_same_shape,
    check_tensor,
)
from actloss.errors import InputError, ParameterError, UnknownNameError


@dataclass(frozen=True)
class _Spec:
    name: str
    aliases: tuple[str, ...] = ()


def test_interval_membership_and_text():
    assert 0.5 in UNIT and 1.0 in UNIT and 0.0 in UNIT
    assert 0.0 not in POSITIVE and 0.0 in NONNEGATIVE
    assert math.nan not in Interval()
    assert True not in Interval()  # bools are not numbers here
    assert str(POSITIVE) == "(0, inf)"
    assert str(UNIT) == "[0, 1]"
    assert str(Interval(-1.5, 2.0, True, False)) == "[-1.5, 2)"


def test_check_param_formats_one_message():
    p = Param("delta", 1.0, float, POSITIVE)
    with pytest.raises(ParameterError, match=r"^`delta` of huber must be a float in \(0, inf\); got -1.0$"):
        check_param("huber", p, -1.0)
    with pytest.raises(ParameterError, match="got 'a'"):
        check_param("huber", p, "a")
    with pytest.raises(ParameterError, match="got nan"):
        check_param("huber", p, float("nan"))
    assert check_param("huber", p, 3) == pytest.approx(3.0)


def test_check_param_int_bool_str_optional_tensor():
    k = Param("k", 2, int, Interval(1, math.inf, True))
    assert check_param("maxout", k, 3.0) == 3
    with pytest.raises(ParameterError, match="an int in"):
        check_param("maxout", k, 2.5)
    b = Param("inplace", False, bool)
    with pytest.raises(ParameterError, match="a bool"):
        check_param("relu", b, 1)
    s = Param("approximate", "none", str, choices=("none", "tanh"))
    with pytest.raises(ParameterError, match="one of 'none', 'tanh'; got 'erf'"):
        check_param("gelu", s, "erf")
    o = Param("weight", None, float, POSITIVE, optional=True)
    assert check_param("x", o, None) is None
    t = torch.tensor([0.5, 2.0])
    assert check_param("x", Param("a", 1.0, float, POSITIVE), t) is t
    with pytest.raises(ParameterError, match="tensor of shape"):
        check_param("x", Param("a", 1.0, float, POSITIVE), torch.tensor([-1.0]))


def test_check_params_defaults_and_unknown_names():
    params = (Param("alpha", 1.0, float, POSITIVE), Param("gamma", 2.0, float, NONNEGATIVE))
    assert check_params("focal", params, {"gamma": 0}) == {"alpha": 1.0, "gamma": 0.0}
    with pytest.raises(ParameterError, match=r"focal has no parameter `gama`.*did you mean 'gamma'"):
        check_params("focal", params, {"gama": 1.0})


def test_registry_aliases_case_and_suggestions():
    r: Registry[_Spec] = Registry("activation")
    r.add(_Spec("silu", ("swish",)))
    r.add(_Spec("hard_swish", ("hardswish",)))
    assert r.spec("SWISH").name == "silu"
    assert r.spec("Hard-Swish").name == "hard_swish"
    assert r.names() == ["hard_swish", "silu"]
    assert "HardSwish" in r and "nope" not in r and len(r) == 2
    with pytest.raises(UnknownNameError, match=r"unknown activation 'swissh'; did you mean 'swish'") as e:
        r.spec("swissh")
    assert e.value.suggestions[0] == "swish"
    with pytest.raises(LookupError, match="see actloss.activations.names"):
        r.spec("zzzzzz")
    with pytest.raises(RuntimeError, match="already belongs"):
        r.add(_Spec("other", ("swish",)))
    assert normalise_name(" Leaky-ReLU ") == "leaky_relu"


def test_tensor_checks():
    with pytest.raises(InputError, match="must be a torch.Tensor; got list"):
        check_tensor("mse", "input", [1.0])
    with pytest.raises(InputError, match="floating-point tensor; got dtype torch.int64"):
        check_tensor("mse", "input", torch.tensor([1]))
    with pytest.raises(InputError, match=r"same shape; got \(2,\) and \(2, 1\)"):
        check_same_shape("mse", torch.zeros(2), torch.zeros(2, 1))
    with pytest.raises(InputError, match="1 NaN and 1 infinite"):
        check_finite("mse", "input", torch.tensor([math.nan, math.inf, 0.0]))
    check_finite("mse", "input", torch.tensor([0.0, 1.0]))
