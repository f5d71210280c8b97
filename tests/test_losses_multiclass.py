"""Multi-class losses: PyTorch parity in every mode, invariances, extremes, bad input."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

import actloss.losses as L
from actloss.errors import InputError, ParameterError

F64 = torch.float64
SOFTMAX_LOSSES = ["cross_entropy", "categorical_focal", "poly1", "generalized_cross_entropy"]


def _data(seed: int = 0, n: int = 8, c: int = 5, spatial: tuple[int, ...] = ()):
    g = torch.Generator().manual_seed(seed)
    x = 2 * torch.randn(n, c, *spatial, generator=g, dtype=F64)
    t = torch.randint(0, c, (n, *spatial), generator=g)
    w = 0.5 + torch.rand(c, generator=g, dtype=F64)
    return x, t, w


def test_known_values():
    # uniform logits over 4 classes: -log(1/4)
    assert_close(L.cross_entropy(torch.zeros(1, 4), torch.tensor([2])), torch.tensor(math.log(4)))
    # label smoothing 0.1 on logits (0, log 3): p = (1/4, 3/4), target 1:
    # -(0.9 + 0.05) log(3/4) - 0.05 log(1/4)
    x = torch.tensor([[0.0, math.log(3.0)]], dtype=F64)
    want = -(0.95 * math.log(0.75) + 0.05 * math.log(0.25))
    assert float(L.cross_entropy(x, torch.tensor([1]), label_smoothing=0.1)) == pytest.approx(
        want, rel=1e-12)
    # poly-1 at p_t = 3/4, epsilon 2: -log(3/4) + 2 (1/4)
    assert float(L.poly1(x, torch.tensor([1]), epsilon=2.0)) == pytest.approx(
        -math.log(0.75) + 0.5, rel=1e-12)
    # GCE at p_t = 3/4, q = 0.5: (1 - sqrt(3/4)) / 0.5
    assert float(L.generalized_cross_entropy(x, torch.tensor([1]), q=0.5)) == pytest.approx(
        (1 - math.sqrt(0.75)) / 0.5, rel=1e-12)
    # focal at p_t = 3/4, gamma 2: -(1/4)^2 log(3/4)
    assert float(L.categorical_focal(x, torch.tensor([1]))) == pytest.approx(
        -(0.25**2) * math.log(0.75), rel=1e-12)


@pytest.mark.parametrize("spatial", [(), (3, 2)])
def test_cross_entropy_parity_in_every_mode(spatial):
    x, t, w = _data(1, spatial=spatial)
    t = t.clone()
    t.view(-1)[::3] = -100  # some ignored targets
    for kw in ({}, {"weight": w}, {"label_smoothing": 0.2}, {"weight": w, "label_smoothing": 0.2},
               {"ignore_index": 2}):
        for red in ("none", "mean", "sum"):
            tt = t if "ignore_index" not in kw else t.clamp_min(0)
            assert_close(L.cross_entropy(x, tt, reduction=red, **kw),
                         F.cross_entropy(x, tt, reduction=red, **kw),
                         msg=lambda m, kw=kw, red=red: f"{kw} {red}: {m}")


def test_cross_entropy_probability_targets_and_unbatched_input():
    x, _, w = _data(2)
    y = torch.softmax(torch.randn(8, 5, dtype=F64), 1)
    for kw in ({}, {"weight": w}, {"label_smoothing": 0.3}):
        for red in ("none", "mean", "sum"):
            assert_close(L.cross_entropy(x, y, reduction=red, **kw),
                         F.cross_entropy(x, y, reduction=red, **kw))
    assert_close(L.cross_entropy(x[0], torch.tensor(3)), F.cross_entropy(x[0], torch.tensor(3)))
    assert L.cross_entropy(x[0], torch.tensor(3), reduction="none").shape == ()


def test_ignore_index_equals_slicing():
    x, t, w = _data(3)
    t = t.clone()
    t[[1, 4]] = -100
    keep = t != -100
    for name in [*SOFTMAX_LOSSES, "nll"]:
        inp = torch.log_softmax(x, 1) if name == "nll" else x
        fn = L.spec(name).fn
        for kw in ({}, {"weight": w}):
            assert_close(fn(inp, t, **kw), fn(inp[keep], t[keep], **kw), msg=name)
            assert_close(fn(inp, t, reduction="sum", **kw), fn(inp[keep], t[keep],
                                                              reduction="sum", **kw))
        g = L.gradient(name, inp, t, weight=w)
        assert_close(g[~keep], torch.zeros_like(g[~keep]))


def test_all_targets_ignored_gives_nan_like_pytorch():
    x = torch.zeros(2, 3)
    t = torch.full((2,), -100)
    assert torch.isnan(F.cross_entropy(x, t)) and torch.isnan(L.cross_entropy(x, t))


def test_invariances():
    x, t, w = _data(4)
    ce = L.cross_entropy(x, t, weight=w, reduction="none")
    # shift invariance: softmax(x + c) = softmax(x)
    assert_close(L.cross_entropy(x + 123.0, t, weight=w, reduction="none"), ce)
    # focal with gamma 0, poly-1 with epsilon 0, GCE with tiny q: cross-entropy
    for red in ("none", "mean"):
        ce_r = L.cross_entropy(x, t, weight=w, reduction=red)
        assert_close(L.categorical_focal(x, t, weight=w, gamma=0.0, reduction=red), ce_r)
        assert_close(L.poly1(x, t, weight=w, epsilon=0.0, reduction=red), ce_r)
        assert_close(L.generalized_cross_entropy(x, t, weight=w, q=1e-7, reduction=red), ce_r,
                     rtol=1e-5, atol=1e-6)
    # GCE at q = 1 is 1 - p_t
    p_t = torch.softmax(x, 1).gather(1, t[:, None]).squeeze(1)
    assert_close(L.generalized_cross_entropy(x, t, q=1.0, reduction="none"), 1 - p_t)
    # NLL of log_softmax is cross-entropy
    assert_close(L.nll(torch.log_softmax(x, 1), t, weight=w), L.cross_entropy(x, t, weight=w))
    # class weights: mean divides by the summed weight of the targets
    assert_close(L.cross_entropy(x, t, weight=w), (ce.sum() / w[t].sum()))


def test_multi_margin_known_value_and_parity():
    # PyTorch's documented example: (0.3 + 0.4 + 0.6) / 4 = 0.325
    x = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
    assert_close(L.multi_margin(x, torch.tensor([3])), torch.tensor(0.325))
    xx, t, w = _data(5)
    for kw in ({}, {"p": 2}, {"margin": 0.3, "weight": w}):
        assert_close(L.multi_margin(xx, t, **kw), F.multi_margin_loss(xx, t, **kw))
    assert_close(L.multi_margin(xx[0], t[0]), F.multi_margin_loss(xx[0], t[0]))


def test_categorical_hinge_keras_values():
    # Keras: max(0, 1 + max((1 - y) x) - sum(y x)); the true class enters the max as 0
    x = torch.tensor([[2.0, 0.5, -1.0], [0.2, 0.4, -3.0], [-1.0, -2.0, -3.0]])
    y = torch.tensor([[1.0, 0, 0], [1.0, 0, 0], [0, 0, 1.0]])
    # rows: 1 + 0.5 - 2 -> 0; 1 + 0.4 - 0.2 = 1.2; 1 + max(-1, -2, 0) + 3 = 4
    assert_close(L.categorical_hinge(x, y, reduction="none"), torch.tensor([0.0, 1.2, 4.0]))


@pytest.mark.parametrize("name", SOFTMAX_LOSSES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_extreme_logits(name, dtype):
    x = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0], [0.0, 0.0, 0.0]], dtype=dtype,
                     requires_grad=True)
    t = torch.tensor([0, 0, 2])
    out = L.spec(name).fn(x, t, reduction="sum")
    out.backward()
    assert torch.isfinite(out) and torch.isfinite(x.grad).all(), (out, x.grad)
    g = L.gradient(name, x.detach(), t)
    assert torch.isfinite(g).all()
    if dtype == torch.float32:
        assert_close(g, x.grad, rtol=1e-5, atol=1e-6)
    if name == "cross_entropy":
        # the second row is a confident mistake costing 2e4; the others ~0 and log 3
        assert float(out.detach()) == pytest.approx(2e4 + math.log(3), rel=1e-2)


def test_focal_with_small_gamma_has_finite_gradient_at_certainty():
    x = torch.tensor([[1e4, 0.0]], requires_grad=True)
    L.categorical_focal(x, torch.tensor([0]), gamma=0.5).backward()
    assert torch.isfinite(x.grad).all()


# ---------------------------------------------------------------------------- errors
def test_target_errors_with_hints():
    x = torch.zeros(3, 4)
    with pytest.raises(InputError, match=r"`target` of cross_entropy holds class index 4 out of "
                                         r"range \[0, 4\) or ignore_index=-100"):
        L.cross_entropy(x, torch.tensor([0, 4, 1]))
    with pytest.raises(InputError, match=r"holds class index -1 out of range"):
        L.cross_entropy(x, torch.tensor([0, -1, 1]))
    with pytest.raises(InputError, match=r"`target` of cross_entropy must hold class indices of an "
                                         r"integer dtype; got dtype torch.float32: pass target.long\(\)"):
        L.cross_entropy(x, torch.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(InputError, match=r"`target` of nll must hold class indices of shape \(3,\);"
                                         r" got a float tensor of the input's shape \(one-hot or "
                                         r"probabilities\?\): pass target.argmax\(dim=1\)"):
        L.nll(x, F.one_hot(torch.tensor([0, 1, 2]), 4).float())
    with pytest.raises(InputError, match=r"`target` of cross_entropy must hold class indices of "
                                         r"shape \(3,\); got shape \(3, 4\) \(one-hot\?\)"):
        L.cross_entropy(x, F.one_hot(torch.tensor([0, 1, 2]), 4))
    with pytest.raises(InputError, match=r"`target` of categorical_hinge must be one-hot or "
                                         r"probabilities of shape \(3, 4\).*one_hot\(target, 4\)"):
        L.categorical_hinge(x, torch.tensor([0, 1, 2]))
    with pytest.raises(InputError, match=r"`target` of cross_entropy must hold values in \[0, 1\] "
                                         r"\(probabilities\)"):
        L.cross_entropy(x, torch.full((3, 4), 2.0))
    with pytest.raises(InputError, match=r"must be class indices of shape \(3,\) or probabilities "
                                         r"of shape \(3, 4\); got shape \(2, 4\)"):
        L.cross_entropy(x, torch.zeros(2, 4))
    with pytest.raises(InputError, match=r"`input` of cross_entropy must have a class dimension"):
        L.cross_entropy(torch.tensor(1.0), torch.tensor(0))
    with pytest.raises(InputError, match=r"`input` of poly1 must be a floating-point tensor"):
        L.poly1(torch.zeros(3, 4, dtype=torch.long), torch.tensor([0, 1, 2]))


def test_weight_and_parameter_errors():
    x, t = torch.zeros(3, 4), torch.tensor([0, 1, 2])
    with pytest.raises(InputError, match=r"`weight` of cross_entropy must be a tensor of class "
                                         r"weights of shape \(4,\); got shape \(3,\)"):
        L.cross_entropy(x, t, weight=torch.ones(3))
    with pytest.raises(ParameterError, match=r"`label_smoothing` of cross_entropy must be a float "
                                             r"in \[0, 1\]; got 1.5"):
        L.cross_entropy(x, t, label_smoothing=1.5)
    with pytest.raises(ParameterError, match=r"`ignore_index` of nll must be an int"):
        L.nll(x, t, ignore_index=0.5)
    with pytest.raises(ParameterError, match=r"`gamma` of categorical_focal must be a float in "
                                             r"\[0, inf\)"):
        L.categorical_focal(x, t, gamma=-0.1)
    with pytest.raises(ParameterError, match=r"`epsilon` of poly1 must be a float in \[-1, inf\)"):
        L.poly1(x, t, epsilon=-2.0)
    with pytest.raises(ParameterError, match=r"`q` of generalized_cross_entropy must be a float in "
                                             r"\(0, 1\]; got 0"):
        L.generalized_cross_entropy(x, t, q=0)
    with pytest.raises(ParameterError, match=r"`p` of multi_margin must be an int in \[1, 2\]; "
                                             r"got 3"):
        L.multi_margin(x, t, p=3)
    with pytest.raises(InputError, match=r"`input` of multi_margin must have shape \(N, C\) or "
                                         r"\(C,\)"):
        L.multi_margin(torch.zeros(3, 4, 2), torch.zeros(3, 2, dtype=torch.long))
    with pytest.raises(InputError, match=r"`input` of cross_entropy contains 1 NaN value"):
        L.cross_entropy(torch.tensor([[0.0, math.nan]]), torch.tensor([0]))


# ---------------------------- the logits' NaN/inf check rides on the probability pass
@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("bad, word", [(float("nan"), "1 NaN"), (float("inf"), "1 infinite"),
                                       (-float("inf"), "1 infinite")])
@pytest.mark.parametrize("shape", [(4, 3), (64, 128)])
def test_ce_nonfinite_logits_reported_once_checked(fast, bad, word, shape):
    import actloss.kernels as K

    g = torch.Generator().manual_seed(shape[1])
    x = torch.randn(*shape, generator=g)
    x[1, 2] = bad
    t = torch.randint(0, shape[1], (shape[0],), generator=g)
    with K.enable(fast), pytest.raises(InputError,
                                       match=f"`input` of cross_entropy contains {word}"):
        L.cross_entropy(x, t)


@pytest.mark.parametrize("fast", [False, True])
def test_ce_nonnegative_logits_still_checked_and_valid(fast):
    import actloss.kernels as K

    # non-negative logits (amin >= 0) that are not distributions: the row-sum branch runs
    # and the value must equal PyTorch's
    g = torch.Generator().manual_seed(7)
    x = torch.rand(32, 100, generator=g, dtype=torch.float64) * 3
    t = torch.randint(0, 100, (32,), generator=g)
    with K.enable(fast):
        got = L.cross_entropy(x, t)
    assert_close(got, F.cross_entropy(x, t), rtol=1e-12, atol=0)
    probs = torch.softmax(x, 1)
    with K.enable(fast), pytest.raises(InputError, match="every row is a probability"):
        L.cross_entropy(probs, t)
