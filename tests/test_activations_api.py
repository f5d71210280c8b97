"""The public API of actloss.activations: lookup, modules, errors (every error path)."""

from __future__ import annotations

import pytest
import torch

from actloss import activations as A
from actloss.errors import InputError, ParameterError, UnknownNameError


@pytest.mark.parametrize("alias,name", [
    ("swish", "silu"), ("SiLU", "silu"), ("hardswish", "hard_swish"),
    ("hard_silu", "hard_swish"), ("linear", "identity"), ("gelu_new", "gelu_tanh"),
    ("gelu_pytorch_tanh", "gelu_tanh"), ("logsigmoid", "log_sigmoid"), ("LeakyReLU", "leaky_relu"),
    ("hard-sigmoid", "hard_sigmoid"), ("logsoftmax", "log_softmax"), ("dy_relu", "dynamic_relu"),
])
def test_aliases_and_case(alias, name):
    assert A.spec(alias).name == name


def test_unknown_name_suggests_close_matches():
    with pytest.raises(UnknownNameError, match=r"unknown activation 'gleu'; did you mean .*'gelu'"):
        A.get("gleu")
    with pytest.raises(UnknownNameError, match="unknown activation 'zzzzzz'; see"):
        A.spec("zzzzzz")


def test_get_returns_modules_that_print_their_hyper_parameters():
    assert repr(A.get("leaky_relu")) == "LeakyRelu(negative_slope=0.01)"
    assert repr(A.get("gelu", approximate="tanh")) == "Gelu(approximate='tanh')"
    assert repr(A.get("relu")) == "Relu()"
    assert isinstance(A.get("rrelu"), A.RReLU)
    assert isinstance(A.get("prelu"), A.PReLU)
    assert isinstance(A.get("learnable_relu"), A.LearnableReLU)
    assert isinstance(A.get("swish_beta"), A.SwishBeta)
    assert isinstance(A.get("dynamic_relu", channels=4), A.DynamicReLU)
    assert isinstance(A.get("maxout", in_features=4, out_features=2), A.Maxout)
    grouping = A.get("maxout", k=3)
    assert isinstance(grouping, A.Activation) and "k=3" in repr(grouping)
    seq = torch.nn.Sequential(torch.nn.Linear(3, 4), A.get("swish"), torch.nn.Linear(4, 1))
    assert seq(torch.randn(2, 3)).shape == (2, 1)


def test_bad_parameters_name_the_parameter_interval_and_value():
    with pytest.raises(ParameterError, match=r"^`negative_slope` of leaky_relu must be a float "
                                             r"in \[0, inf\); got -1.0$"):
        A.leaky_relu(torch.ones(2), negative_slope=-1.0)
    with pytest.raises(ParameterError, match=r"`alpha` of celu must be a float in \(0, inf\); got 0"):
        A.get("celu", alpha=0)
    with pytest.raises(ParameterError, match=r"`approximate` of gelu must be one of 'none', 'tanh'"):
        A.gelu(torch.ones(2), approximate="fast")
    with pytest.raises(ParameterError, match=r"silu has no parameter `bta`.*did you mean 'beta'"):
        A.get("silu", bta=2.0)
    with pytest.raises(ParameterError, match=r"`beta` of softplus must be a float in \(0, inf\)"):
        A.derivative("softplus", torch.ones(2), beta=-2.0)
    with pytest.raises(ParameterError, match=r"`w0` of sine must be a float in \(0, inf\)"):
        A.sine(torch.ones(2), w0=0.0)
    with pytest.raises(ParameterError, match=r"`k` of maxout must be an int in \[1, inf\); got 0"):
        A.maxout(torch.ones(4), k=0)
    with pytest.raises(ParameterError, match=r"`b` of squareplus must be a float in \[0, inf\)"):
        A.squareplus(torch.ones(2), b=-1.0)
    with pytest.raises(ParameterError, match=r"`lambd` of softshrink must be a float"):
        A.softshrink(torch.ones(2), lambd=-0.5)


def test_cross_parameter_constraints():
    with pytest.raises(ParameterError, match=r"`max_val` of hardtanh must be greater than "
                                             r"`min_val` \(1.0\); got 0.5"):
        A.hardtanh(torch.ones(2), min_val=1.0, max_val=0.5)
    with pytest.raises(ParameterError, match=r"`upper` of rrelu must be at least `lower`"):
        A.rrelu(torch.ones(2), lower=0.5, upper=0.1)
    with pytest.raises(ParameterError, match="closed form only for `training` False"):
        A.derivative("rrelu", torch.ones(2), training=True)


def test_module_parameter_errors():
    with pytest.raises(ParameterError, match=r"`channels` of dynamic_relu must be an int in "
                                             r"\[1, inf\); got None"):
        A.get("dynamic_relu")
    with pytest.raises(ParameterError, match="maxout needs both `in_features` and `out_features`"):
        A.get("maxout", in_features=4)
    with pytest.raises(ParameterError, match=r"`num_parameters` of prelu must be an int"):
        A.get("prelu", num_parameters=0)
    with pytest.raises(ParameterError, match=r"`hidden` of SwiGLU must be an int in \[1, inf\)"):
        A.SwiGLU(4, 0)
    with pytest.raises(ParameterError, match="rrelu has no parameter `training`"):
        A.get("rrelu", training=True)
    with pytest.raises(ParameterError, match=r"`in_features` of maxout must be an int in "
                                             r"\[1, inf\); got None"):
        A.Maxout(None, 3)
    with pytest.raises(ParameterError, match=r"`k` of maxout must be an int in \[1, inf\); got 0"):
        A.get("maxout", in_features=2, out_features=2, k=0)


def test_tensor_inputs_are_validated():
    with pytest.raises(InputError, match=r"^`x` of relu must be a torch.Tensor; got list$"):
        A.relu([1.0, 2.0])
    with pytest.raises(InputError, match=r"`x` of gelu must be a floating-point tensor; got "
                                         r"dtype torch.int64"):
        A.gelu(torch.tensor([1, 2]))
    with pytest.raises(InputError, match=r"`x` of sigmoid must be a torch.Tensor"):
        A.derivative("sigmoid", 0.5)
    with pytest.raises(InputError, match=r"`grad_out` of softmax must be a torch.Tensor"):
        A.vjp("softmax", torch.ones(3), None)


def test_shape_errors():
    with pytest.raises(InputError, match=r"`dim` of softmax must be an int in \[-2, 1\] for a "
                                         r"2-d `x`; got 2"):
        A.softmax(torch.ones(2, 3), dim=2)
    with pytest.raises(InputError, match="`x` of glu must have an even size along dim -1; got 3"):
        A.glu(torch.ones(2, 3))
    with pytest.raises(InputError, match="`x` of swiglu must have at least 1 dimension"):
        A.swiglu(torch.tensor(1.0))
    with pytest.raises(InputError, match="divisible by k=3; got 4"):
        A.maxout(torch.ones(2, 4), k=3)
    with pytest.raises(InputError, match="`x` of maxout must have at least 1 dimension"):
        A.maxout(torch.tensor(1.0))
    with pytest.raises(InputError, match=r"`x` of dynamic_relu must have shape \(N, 4, \*\); "
                                         r"got \(2, 3\)"):
        A.get("dynamic_relu", channels=4)(torch.ones(2, 3))
    with pytest.raises(InputError, match=r"`x` of dynamic_relu must have shape \(N, C, \*\)"):
        A.dynamic_relu(torch.ones(3), a=torch.ones(1, 1, 2), b=torch.ones(1, 1, 2))
    with pytest.raises(InputError, match=r"`a` of dynamic_relu must have shape \(N, C, K\) = "
                                         r"\(2, 3, K\); got \(2, 3\)"):
        A.dynamic_relu(torch.ones(2, 3), a=torch.ones(2, 3), b=torch.ones(2, 3, 2))
    with pytest.raises(InputError, match=r"`weight` of prelu must hold 1 value or one per "
                                         r"channel \(3\); got 2"):
        A.prelu(torch.ones(2, 3), weight=torch.ones(2))
    with pytest.raises(InputError, match=r"`softmax\(x\)` and `grad_out` of softmax must have "
                                         r"the same shape"):
        A.vjp("softmax", torch.ones(2, 3), torch.ones(3, 2))
    with pytest.raises(InputError, match=r"`a` of dynamic_relu must have shape \(N, C, K\)"):
        A.vjp("dynamic_relu", torch.ones(2, 3), torch.ones(2, 3), a=torch.ones(2), b=torch.ones(2))
    a = b = torch.ones(2, 3, 2)
    with pytest.raises(InputError, match=r"`dynamic_relu\(x\)` and `grad_out` of dynamic_relu "
                                         r"must have the same shape"):
        A.vjp("dynamic_relu", torch.ones(2, 3), torch.ones(3), a=a, b=b)


def test_derivative_refuses_non_elementwise_entries_and_points_to_vjp():
    for name in ("softmax", "glu", "maxout", "dynamic_relu"):
        with pytest.raises(A.NotElementwiseError,
                           match=rf"derivative\(\) is for element-wise activations; {name} is "
                                 rf"a \w+ activation: use vjp\('{name}', x, grad_out\)"):
            A.derivative(name, torch.ones(2, 4))
    with pytest.raises(TypeError):  # also a TypeError, as a Python user expects
        A.derivative("softmax", torch.ones(3))


def test_functional_prelu_with_tensor_weight_matches_pytorch():
    x = torch.randn(2, 3, 4)
    w = torch.tensor([0.1, 0.2, 0.3])
    torch.testing.assert_close(A.prelu(x, weight=w), torch.nn.functional.prelu(x, w))
    torch.testing.assert_close(
        A.derivative("prelu", torch.tensor([-1.0, 0.0, 2.0]), weight=0.3),
        torch.tensor([0.3, 0.3, 1.0]))


def test_rrelu_module_samples_in_training_and_is_deterministic_in_eval():
    m = A.get("rrelu")
    x = -torch.ones(1000)
    torch.manual_seed(0)
    slopes = -m.train()(x)
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3 and slopes.std() > 0.01
    torch.testing.assert_close(m.eval()(x), torch.full((1000,), -(1 / 8 + 1 / 3) / 2))


def test_names_and_json():
    names = A.names()
    assert names == sorted(names) and "silu" in names and "swish" not in names
    j = A.to_json("swish")
    assert j["name"] == "silu" and "fn" not in j and j["d0"] == pytest.approx(0.5)
    assert j["params"][0]["name"] == "beta"
