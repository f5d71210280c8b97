"""Binary and multi-label losses: sourced values, invariances, extremes, bad input."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

import actloss.losses as L
from actloss.errors import InputError, ParameterError

F64 = torch.float64
LOGIT_LOSSES = ["binary_cross_entropy_with_logits", "binary_focal", "asymmetric",
                "multilabel_soft_margin"]


def _xy(seed: int = 0, n: int = 6, c: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    x = 3 * torch.randn(n, c, generator=g, dtype=F64)
    y = (torch.rand(n, c, generator=g, dtype=F64) > 0.5).to(F64)
    return x, y


def test_bce_known_values():
    # -log 0.5 = log 2 for either label; p = 0.9, y = 1: -log 0.9
    assert_close(L.binary_cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([0.0, 1.0])),
                 torch.tensor(math.log(2)))
    assert_close(L.binary_cross_entropy(torch.tensor([0.9]), torch.tensor([1.0])),
                 torch.tensor(-math.log(0.9)))
    # PyTorch clamps each log at -100: p = 0 with y = 1 costs exactly 100
    assert_close(L.binary_cross_entropy(torch.tensor([0.0]), torch.tensor([1.0])),
                 torch.tensor(100.0))
    # integer and bool targets are cast
    assert_close(L.binary_cross_entropy(torch.tensor([0.9]), torch.tensor([True])),
                 torch.tensor(-math.log(0.9)))


def test_bce_logits_equals_bce_on_sigmoid_and_label_smoothing_is_keras():
    x, y = _xy()
    assert_close(L.binary_cross_entropy_with_logits(x, y),
                 L.binary_cross_entropy(torch.sigmoid(x), y))
    s = 0.2  # Keras: y_smooth = y (1 - s) + s / 2
    assert_close(L.binary_cross_entropy_with_logits(x, y, label_smoothing=s),
                 F.binary_cross_entropy_with_logits(x, y * (1 - s) + s / 2))


def test_pos_weight_tensor_matches_pytorch():
    x, y = _xy(1)
    pw = torch.tensor([1.0, 2.0, 0.5, 4.0], dtype=F64)
    for red in ("none", "mean", "sum"):
        assert_close(L.binary_cross_entropy_with_logits(x, y, pos_weight=pw, reduction=red),
                     F.binary_cross_entropy_with_logits(x, y, pos_weight=pw, reduction=red))
    assert_close(L.gradient("bce_with_logits", x, y, pos_weight=pw),
                 torch.func.grad(lambda z: F.binary_cross_entropy_with_logits(
                     z, y, pos_weight=pw, reduction="sum"))(x))


def test_focal_invariances():
    x, y = _xy(2)
    bce = L.binary_cross_entropy_with_logits(x, y, reduction="none")
    assert_close(L.binary_focal(x, y, gamma=0.0, alpha=None, reduction="none"), bce)
    # gamma 0 with alpha: alpha for positives, 1 - alpha for negatives
    assert_close(L.binary_focal(x, y, gamma=0.0, alpha=0.25, reduction="none"),
                 torch.where(y > 0, 0.25, 0.75).to(F64) * bce)
    # focal never exceeds BCE and drops faster on confident correct predictions
    focal = L.binary_focal(x, y, alpha=None, reduction="none")
    assert (focal <= bce + 1e-15).all()


def test_asl_reduces_to_bce_and_to_symmetric_focal():
    x, y = _xy(3)
    bce = L.binary_cross_entropy_with_logits(x, y, reduction="none")
    asl0 = L.asymmetric(x, y, gamma_pos=0.0, gamma_neg=0.0, clip=0.0, reduction="none")
    assert_close(asl0, bce)
    for g in (1.0, 2.5):
        assert_close(L.asymmetric(x, y, gamma_pos=g, gamma_neg=g, clip=0.0, reduction="none"),
                     L.binary_focal(x, y, gamma=g, alpha=None, reduction="none"))


def test_asl_discards_easy_negatives():
    # sigma(-3) = 0.047 < clip 0.05: the negative costs nothing, nor has a gradient
    x = torch.tensor([-3.0], dtype=F64, requires_grad=True)
    out = L.asymmetric(x, torch.zeros(1, dtype=F64))
    out.backward()
    assert_close(out.detach(), torch.tensor(0.0, dtype=F64), rtol=0, atol=0)
    assert_close(x.grad, torch.zeros(1, dtype=F64), rtol=0, atol=0)


def test_multilabel_soft_margin_is_mean_bce_over_classes():
    x, y = _xy(4)
    assert_close(L.multilabel_soft_margin(x, y, reduction="none"),
                 F.binary_cross_entropy_with_logits(x, y, reduction="none").mean(1))


def test_hinge_values():
    x = torch.tensor([2.0, 0.5, -1.0, 0.3])
    y = torch.tensor([1.0, 1.0, 1.0, -1.0])
    # max(0, 1 - y x): 0, 0.5, 2, 1.3
    assert_close(L.hinge(x, y, reduction="none"), torch.tensor([0.0, 0.5, 2.0, 1.3]))
    assert_close(L.squared_hinge(x, y, reduction="none"), torch.tensor([0.0, 0.25, 4.0, 1.69]))


@pytest.mark.parametrize("name", LOGIT_LOSSES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.float16])
def test_extreme_logits_are_finite(name, dtype):
    x = torch.tensor([[1e4, -1e4, 0.0, 50.0], [-1e4, 1e4, -50.0, 1e4]], dtype=dtype,
                     requires_grad=True)
    y = torch.tensor([[1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0]], dtype=dtype)
    out = L.spec(name).fn(x, y, reduction="sum")
    out.backward()
    assert torch.isfinite(out) and torch.isfinite(x.grad).all(), (out, x.grad)
    g = L.gradient(name, x.detach(), y)
    assert torch.isfinite(g).all()
    if dtype in (torch.float32, torch.float64):
        assert_close(g, x.grad, rtol=1e-5, atol=1e-6)


def test_extreme_logit_values():
    # x = -1e4 with y = 1: BCE = softplus(1e4) = 1e4; x = 1e4 with y = 1: 0
    x = torch.tensor([-1e4, 1e4])
    y = torch.ones(2)
    assert_close(L.binary_cross_entropy_with_logits(x, y, reduction="none"),
                 torch.tensor([1e4, 0.0]))
    # focal (alpha None, gamma 2) at a confident mistake: (1 - p_t)^2 = 1, so 1e4
    assert_close(L.binary_focal(x, y, alpha=None, reduction="none"), torch.tensor([1e4, 0.0]))
    # gradient of BCE: sigma(x) - y -> -1 and 0
    assert_close(L.gradient("binary_cross_entropy_with_logits", x, y), torch.tensor([-1.0, 0.0]))


# ---------------------------------------------------------------------------- errors
def test_probability_range_errors():
    with pytest.raises(InputError, match=r"`input` of binary_cross_entropy must hold values in "
                                         r"\[0, 1\] \(probabilities\); got values in \[-0.1, 0.5\]"):
        L.binary_cross_entropy(torch.tensor([-0.1, 0.5]), torch.tensor([0.0, 1.0]))
    with pytest.raises(InputError, match=r"`target` of binary_cross_entropy_with_logits must hold "
                                         r"values in \[0, 1\]"):
        L.binary_cross_entropy_with_logits(torch.zeros(2), torch.tensor([0.0, 2.0]))
    with pytest.raises(InputError, match=r"`target` of binary_focal must hold values in \[0, 1\]"):
        L.binary_focal(torch.zeros(2), torch.tensor([-1.0, 1.0]))


def test_signed_target_errors():
    with pytest.raises(InputError, match=r"`target` of hinge must hold labels in \{-1, 1\} \(these "
                                         r"look like \{0, 1\} labels: pass 2 \* target - 1\)"):
        L.hinge(torch.zeros(3), torch.tensor([0.0, 1.0, 1.0]))
    with pytest.raises(InputError, match=r"`target` of squared_hinge must hold labels in "
                                         r"\{-1, 1\}$"):
        L.squared_hinge(torch.zeros(2), torch.tensor([0.5, 1.0]))


def test_binary_parameter_and_shape_errors():
    x = torch.zeros(2, 3)
    y = torch.zeros(2, 3)
    with pytest.raises(ParameterError, match=r"`alpha` of binary_focal must be a float in \[0, 1\]"):
        L.binary_focal(x, y, alpha=1.5)
    with pytest.raises(ParameterError, match=r"`gamma` of binary_focal must be a float in \[0, inf\)"):
        L.binary_focal(x, y, gamma=-1.0)
    with pytest.raises(ParameterError, match=r"`label_smoothing` of binary_cross_entropy_with_logits"
                                             r" must be a float in \[0, 1\)"):
        L.binary_cross_entropy_with_logits(x, y, label_smoothing=1.0)
    with pytest.raises(ParameterError, match=r"`pos_weight` of binary_cross_entropy_with_logits "
                                             r"must be a float in \(0, inf\); got -2.0"):
        L.binary_cross_entropy_with_logits(x, y, pos_weight=-2.0)
    with pytest.raises(InputError, match=r"`pos_weight` of binary_cross_entropy_with_logits must "
                                         r"hold values in \[0, inf\)"):
        L.binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor([1.0, -1.0, 1.0]))
    with pytest.raises(InputError, match=r"`pos_weight` of binary_cross_entropy_with_logits of "
                                         r"shape \(2,\) does not broadcast"):
        L.binary_cross_entropy_with_logits(x, y, pos_weight=torch.ones(2))
    with pytest.raises(ParameterError, match=r"`clip` of asymmetric must be a float in \[0, 1\)"):
        L.asymmetric(x, y, clip=1.0)
    with pytest.raises(InputError, match=r"must have the same shape; got \(2, 3\) and \(3,\)"):
        L.binary_cross_entropy_with_logits(x, torch.zeros(3))


def test_multilabel_refuses_class_indices_with_a_hint():
    with pytest.raises(InputError, match=r"`target` of multilabel_soft_margin must be multi-hot "
                                         r"labels of shape \(2, 3\); got class indices.*one_hot"):
        L.multilabel_soft_margin(torch.zeros(2, 3), torch.tensor([0, 2]))
    with pytest.raises(InputError, match=r"`weight` of multilabel_soft_margin of shape \(2,\) "
                                         r"does not broadcast"):
        L.multilabel_soft_margin(torch.zeros(2, 3), torch.zeros(2, 3), weight=torch.ones(2))


# ------------------------------------------------------- the target's one-pass check
@pytest.mark.parametrize("name", ["binary_focal", "binary_cross_entropy_with_logits",
                                  "binary_cross_entropy"])
@pytest.mark.parametrize("bad, word", [(float("nan"), "1 NaN"), (float("inf"), "1 infinite"),
                                       (-float("inf"), "1 infinite")])
@pytest.mark.parametrize("n", [5, 1 << 17])
def test_binary_target_nan_and_inf_reported_by_the_range_pass(name, bad, word, n):
    # the target's NaN/inf check rides on the range check's aminmax: still the exact
    # count of check_all_finite, at a small and a vectorised size
    g = torch.Generator().manual_seed(n)
    x = torch.rand(n, generator=g) * 0.98 + 0.01  # valid for the probability form too
    t = torch.rand(n, generator=g)
    t[n // 2] = bad
    with pytest.raises(InputError, match=f"`target` of {name} contains {word} value"):
        getattr(L, name)(x, t)


def test_binary_target_out_of_range_still_named_after_the_fused_check():
    with pytest.raises(InputError, match=r"must hold values in \[0, 1\]"):
        L.binary_focal(torch.zeros(4), torch.tensor([0.0, 1.0, 1.5, 0.0]))
    with L.value_checks(False):  # off: neither the range nor the finite check runs
        out = L.binary_focal(torch.zeros(2), torch.tensor([float("nan"), 0.0]),
                             reduction="none")
    assert torch.isnan(out[0]) and torch.isfinite(out[1])
