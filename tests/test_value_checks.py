"""The switch that turns the losses' value checks off (actloss.losses.set_value_checks).

References: PyTorch's own ops on the same valid inputs (the values must not depend on the
switch); for bad inputs, the formula's own result (NaN) once the check is off.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

import actloss.losses as L
from actloss.errors import InputError, ParameterError


@pytest.fixture(autouse=True)
def _checks_on():
    L.set_value_checks(True)
    yield
    L.set_value_checks(True)


def test_on_by_default_and_off_inside_the_block():
    nan = torch.tensor([math.nan, 1.0])
    zero = torch.zeros(2)
    with pytest.raises(InputError, match=r"`input` of mse contains 1 NaN value"):
        L.mse(nan, zero)
    with L.value_checks(False):
        assert not L.value_checks_enabled()
        assert torch.isnan(L.mse(nan, zero))  # ((nan - 0)^2 + 1) / 2 is nan
        # +inf log-probabilities and targets outside [0, 1] pass unchecked too
        L.kl_div(torch.tensor([math.inf, -1.0]), torch.tensor([0.5, 0.5]))
        L.binary_cross_entropy_with_logits(torch.zeros(2), torch.tensor([2.0, -1.0]))
    assert L.value_checks_enabled()
    with pytest.raises(InputError, match=r"contains 1 NaN value"):
        L.mse(nan, zero)


def test_the_setting_is_restored_after_an_error():
    with pytest.raises(RuntimeError, match="boom"), L.value_checks(False):
        raise RuntimeError("boom")
    assert L.value_checks_enabled()


def test_shape_type_and_class_index_checks_stay_on():
    with L.value_checks(False):
        with pytest.raises(InputError, match=r"must have the same shape"):
            L.mse(torch.zeros(3), torch.zeros(4))
        with pytest.raises(InputError, match=r"holds class index 5 out of range \[0, 3\)"):
            L.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 5]))
        with pytest.raises(ParameterError, match=r"`delta` of huber must be a float"):
            L.huber(torch.zeros(2), torch.zeros(2), delta=-1.0)


@pytest.mark.parametrize(("ours", "theirs", "make"), [
    (L.mse, F.mse_loss, lambda g: (torch.randn(1000, generator=g),
                                   torch.randn(1000, generator=g))),
    # 'mean' over every element, as ours (PyTorch warns about its own 'mean')
    (L.kl_div, lambda x, t: F.kl_div(x, t, reduction="sum") / x.numel(),
     lambda g: (torch.log_softmax(torch.randn(50, 20, generator=g), 1),
                torch.softmax(torch.randn(50, 20, generator=g), 1))),
    (L.nll, F.nll_loss, lambda g: (torch.log_softmax(torch.randn(50, 20, generator=g), 1),
                                   torch.randint(0, 20, (50,), generator=g))),
    (L.binary_cross_entropy, F.binary_cross_entropy,
     lambda g: (torch.rand(1000, generator=g) * 0.98 + 0.01,
                torch.randint(0, 2, (1000,), generator=g).float())),
])
def test_valid_inputs_give_the_same_values_either_way(ours, theirs, make):
    g = torch.Generator().manual_seed(0)
    x, t = make(g)
    expected = theirs(x.double(), t.double() if t.is_floating_point() else t).float()
    on = ours(x, t)
    with L.value_checks(False):
        off = ours(x, t)
    torch.testing.assert_close(on, expected, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(off, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bad", ["no", 1, None])
def test_bad_switch_values(bad):
    with pytest.raises(ParameterError, match=r"`enabled` of set_value_checks must be a bool"):
        L.set_value_checks(bad)
    assert L.value_checks_enabled()
