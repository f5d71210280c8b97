"""The catalog's public functions run the fused kernels of ``actloss.kernels``.

Every expected number here comes from PyTorch's own ops or a float64 composition written
in the test (the formulas of the papers and of PyTorch's documentation); the catalog's
fused path is checked against them above the size thresholds, and the policy (which path
runs, the switch, the double-backward refusal, ``memory_efficient``) is checked directly.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

import actloss.activations as A
import actloss.losses as L
from actloss import kernels as K
from actloss.errors import InputError, ParameterError
from actloss.kernels import _activations as KA
from actloss.kernels import _common as KC
from actloss.kernels import _elementwise_losses as KE
from actloss.kernels import _native as KN
from actloss.kernels import _region_losses as KR
from actloss.kernels import _softmax_losses as KS

LOSS_BIG = KC.MIN_FUSED_LOSS_ELEMENTS  # the smallest size that takes the fused loss path
ACT_BIG = KC.MIN_FUSED_ELEMENTS + 1000  # above the activations' threshold, a ragged block


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _value_and_grad(fn, x: torch.Tensor, cot: torch.Tensor | None = None
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """``fn(x)`` and d(sum(fn(x) * cot))/dx (``cot`` random for unreduced outputs)."""
    x = x.detach().clone().requires_grad_(True)
    y = fn(x)
    (g,) = torch.autograd.grad(y if cot is None else (y * cot).sum(), x)
    return y.detach(), g


def _close_grad(g: torch.Tensor, g_ref: torch.Tensor, rtol: float, atol: float) -> None:
    # a gradient's absolute tolerance scales with its largest entry: 'mean' divides every
    # entry by n, and cancelling terms (focal near p_t = 1) leave entries near 0
    torch.testing.assert_close(g.double(), g_ref, rtol=rtol,
                               atol=atol * float(g_ref.abs().max()))


# ------------------------------------------------------------------------ the switch
def test_threshold_constant_is_documented_value() -> None:
    # documented in kernels/_common.py: the fused loss path from 2^16 elements on
    assert KC.MIN_FUSED_LOSS_ELEMENTS == 65536


def test_switch_context_restores_and_setter_validates() -> None:
    assert K.fused_enabled()
    with K.fused(False):
        assert not K.fused_enabled()
        with K.fused(True):
            assert K.fused_enabled()
        assert not K.fused_enabled()
    assert K.fused_enabled()
    K.set_fused_enabled(False)
    try:
        assert not K.use_fused(torch.zeros(1 << 20))
    finally:
        K.set_fused_enabled(True)
    assert K.use_fused(torch.zeros(1 << 20), kernel="mish")
    with pytest.raises(ParameterError, match="`enabled` of fused must be a bool; got 1"):
        K.set_fused_enabled(1)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="`enabled` of fused must be a bool; got 'no'"):
        with K.fused("no"):  # type: ignore[arg-type]
            pass
    assert K.fused_enabled()


# ------------------------------------------------------------------ loss references
def _focal_ref(x, t, alpha, gamma):
    # torchvision's sigmoid_focal_loss: ce (1 - p_t)^gamma, alpha_t = a t + (1 - a)(1 - t)
    x, t = x.double(), t.double()
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p = torch.sigmoid(x)
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * (1 - p_t) ** gamma
    if alpha is not None:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return loss


def _log_cosh_ref(x, y):
    # log cosh d in float64; |d| stays far below the overflow of cosh (710)
    return torch.log(torch.cosh(x.double() - y.double()))


def _reduce_ref(per, reduction, weight=None):
    # element-wise weights; 'mean' divides by the number of elements (PyTorch's BCE rule)
    if weight is not None:
        per = per * weight.double()
    if reduction == "none":
        return per
    return per.sum() / per.numel() if reduction == "mean" else per.sum()


ELEMENTWISE = {
    # name: (catalog call, reference, kernel module, kernel name, target maker)
    "log_cosh": (lambda x, t, **kw: L.log_cosh(x, t, **kw),
                 lambda x, t, **kw: _log_cosh_ref(x, t), KE, "log_cosh"),
    "binary_focal": (lambda x, t, **kw: L.binary_focal(x, t, alpha=0.25, gamma=2.0, **kw),
                     lambda x, t, **kw: _focal_ref(x, t, 0.25, 2.0), KE,
                     "binary_focal_with_logits"),
}


def _elementwise_inputs(name: str, n: int, dtype: torch.dtype):
    g = _gen(1)
    x = (torch.randn(n // 256, 256, generator=g) * 3).to(dtype)
    if name == "binary_focal":
        t = torch.rand(x.shape, generator=g).to(dtype)
        t[::3] = (t[::3] > 0.5).to(dtype)  # hard labels and soft ones
    else:
        t = (torch.randn(x.shape, generator=g) * 3).to(dtype)
    w = torch.rand(x.shape[1], generator=g).to(dtype)  # broadcasts over rows
    return x, t, w


@pytest.mark.parametrize("dtype,rtol,atol", [(torch.float64, 1e-10, 1e-12),
                                             (torch.float32, 2e-5, 1e-6)])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_losses_match_reference(name, reduction, weighted, dtype, rtol, atol):
    ours, ref, _, _ = ELEMENTWISE[name]
    x, t, w = _elementwise_inputs(name, LOSS_BIG, dtype)
    kw = {"reduction": reduction, "weight": w if weighted else None}
    cot = torch.rand(x.shape, generator=_gen(2)).to(dtype) if reduction == "none" else None
    y, g = _value_and_grad(lambda v: ours(v, t, **kw), x, cot)
    y_ref, g_ref = _value_and_grad(
        lambda v: _reduce_ref(ref(v, t), reduction, w if weighted else None), x.double(),
        None if cot is None else cot.double())
    assert y.dtype == dtype
    # 'mean' over 65536 float32 terms: the sum's rounding is bounded by n eps |mean|
    torch.testing.assert_close(y.double(), y_ref, rtol=rtol, atol=atol)
    _close_grad(g, g_ref, rtol, atol)


def test_log_cosh_target_gradient_matches_reference():
    x, t, _ = _elementwise_inputs("log_cosh", LOSS_BIG, torch.float64)
    tt = t.clone().requires_grad_(True)
    xx = x.clone().requires_grad_(True)
    gx, gt = torch.autograd.grad(L.log_cosh(xx, tt, reduction="sum"), (xx, tt))
    # d/dy log cosh(x - y) = -tanh(x - y)
    torch.testing.assert_close(gt, -torch.tanh(x - t), rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(gx, torch.tanh(x - t), rtol=1e-12, atol=1e-14)


# -------------------------------------------------------------- cross-entropy, focal
def _ce_inputs(dtype: torch.dtype, ignore: bool):
    g = _gen(3)
    n, c = LOSS_BIG // 128, 128
    x = (torch.randn(n, c, generator=g) * 4).to(dtype)
    t = torch.randint(0, c, (n,), generator=g)
    if ignore:
        t[::5] = -100
    w = (torch.rand(c, generator=g) + 0.1).to(dtype)
    return x, t, w


@pytest.mark.parametrize("dtype,rtol,atol", [(torch.float64, 1e-10, 1e-12),
                                             (torch.float32, 2e-5, 1e-6)])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighted,ignore,smoothing", [(False, False, 0.0), (True, True, 0.0),
                                                       (False, True, 0.2), (True, False, 0.1),
                                                       (True, True, 0.3)])
def test_cross_entropy_matches_pytorch(reduction, weighted, ignore, smoothing, dtype, rtol,
                                       atol):
    x, t, w = _ce_inputs(dtype, ignore)
    kw = {"weight": w if weighted else None, "label_smoothing": smoothing,
          "reduction": reduction}
    cot = torch.rand(x.shape[0], generator=_gen(4)).to(dtype) if reduction == "none" else None
    y, g = _value_and_grad(lambda v: L.cross_entropy(v, t, **kw), x, cot)
    wd = None if kw["weight"] is None else w.double()
    y_ref, g_ref = _value_and_grad(
        lambda v: F.cross_entropy(v, t, weight=wd, label_smoothing=smoothing,
                                  reduction=reduction), x.double(),
        None if cot is None else cot.double())
    torch.testing.assert_close(y.double(), y_ref, rtol=rtol, atol=atol)
    _close_grad(g, g_ref, rtol, atol)


def _softmax_focal_ref(x, t, w, gamma, reduction):
    # -w_t (1 - p_t)^gamma log p_t (Lin et al.); 'mean' divides by the kept targets' weight
    x = x.double()
    keep = t != -100
    safe = torch.where(keep, t, torch.zeros_like(t))
    logp = torch.log_softmax(x, 1).gather(1, safe[:, None])[:, 0]
    w_t = (torch.ones(x.shape[1], dtype=x.dtype) if w is None else w.double())[safe] * keep
    per = -w_t * (1 - logp.exp()) ** gamma * logp
    if reduction == "none":
        return per
    return per.sum() / w_t.sum() if reduction == "mean" else per.sum()


@pytest.mark.parametrize("dtype,rtol,atol", [(torch.float64, 1e-10, 1e-12),
                                             (torch.float32, 2e-5, 1e-6)])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighted,ignore,gamma", [(False, False, 2.0), (True, True, 2.0),
                                                   (True, False, 0.5), (False, True, 0.0)])
def test_categorical_focal_matches_reference(reduction, weighted, ignore, gamma, dtype, rtol,
                                             atol):
    x, t, w = _ce_inputs(dtype, ignore)
    kw = {"weight": w if weighted else None, "gamma": gamma, "reduction": reduction}
    cot = torch.rand(x.shape[0], generator=_gen(5)).to(dtype) if reduction == "none" else None
    y, g = _value_and_grad(lambda v: L.categorical_focal(v, t, **kw), x, cot)
    y_ref, g_ref = _value_and_grad(
        lambda v: _softmax_focal_ref(v, t, w if weighted else None, gamma, reduction),
        x.double(), None if cot is None else cot.double())
    torch.testing.assert_close(y.double(), y_ref, rtol=rtol, atol=atol)
    _close_grad(g, g_ref, rtol, atol)


# ---------------------------------------------------------------------- dice, tversky
def _region_ref(p, t, a, b, c, d, s):
    # 1 - (a I + s)/(b I + c P + d T + s) per sample: Dice a=2, b=0, c=d=1; Tversky
    # (TP + s)/(TP + al FP + be FN + s) with FP = P - I, FN = T - I
    p, t = p.double().flatten(1), t.double().flatten(1)
    i = (p * t).sum(1)
    return 1 - (a * i + s) / (b * i + c * p.sum(1) + d * t.sum(1) + s)


REGION = {
    "dice": (lambda p, t, **kw: L.dice(p, t, smooth=0.5, **kw),
             lambda p, t: _region_ref(p, t, 2.0, 0.0, 1.0, 1.0, 0.5), KR, "checked_region"),
    "tversky": (lambda p, t, **kw: L.tversky(p, t, alpha=0.4, beta=0.8, smooth=1.0, **kw),
                lambda p, t: _region_ref(p, t, 1.0, 1.0 - 0.4 - 0.8, 0.4, 0.8, 1.0), KR,
                "checked_region"),
}


def _region_inputs(dtype: torch.dtype):
    g = _gen(6)
    p = torch.rand(16, 4, LOSS_BIG // 64, generator=g).to(dtype)
    t = (torch.rand(p.shape, generator=g) > 0.7).to(dtype)
    w = torch.rand(16, generator=g).to(dtype)
    return p, t, w


@pytest.mark.parametrize("dtype,rtol,atol", [(torch.float64, 1e-10, 1e-12),
                                             (torch.float32, 1e-5, 1e-6)])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", sorted(REGION))
def test_region_losses_match_reference(name, reduction, weighted, dtype, rtol, atol):
    ours, ref, _, _ = REGION[name]
    p, t, w = _region_inputs(dtype)
    kw = {"reduction": reduction, "weight": w if weighted else None}
    cot = torch.rand(p.shape[0], generator=_gen(7)).to(dtype) if reduction == "none" else None
    y, g = _value_and_grad(lambda v: ours(v, t, **kw), p, cot)
    y_ref, g_ref = _value_and_grad(
        lambda v: _reduce_ref(ref(v, t), reduction, w if weighted else None), p.double(),
        None if cot is None else cot.double())
    torch.testing.assert_close(y.double(), y_ref, rtol=rtol, atol=atol)
    _close_grad(g, g_ref, rtol, atol)


# ------------------------------------------------------------- which path is taken
def _counting(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def _graph(out: torch.Tensor) -> set[str]:
    """Class names of the autograd nodes behind ``out``."""
    seen, todo = set(), [out.grad_fn]
    while todo:
        node = todo.pop()
        if node is None or type(node).__name__ in seen:
            continue
        seen.add(type(node).__name__)
        todo.extend(n for n, _ in node.next_functions)
    return seen


FUSED_NODES = {"_FusedLossBackward", "_FusedRowsBackward", "_RegionBackward"}


def _loss_calls():
    """(name, catalog call on n elements, kernel module, kernel function)."""
    def ew(name):
        def call(n):
            x, t, _ = _elementwise_inputs(name, n, torch.float32)
            x.requires_grad_(True)
            return ELEMENTWISE[name][0](x, t), x
        return call

    def ce(fn):
        def call(n):
            g = _gen(8)
            x = torch.randn(n // 64, 64, generator=g, requires_grad=True)
            return fn(x, torch.randint(0, 64, (n // 64,), generator=g)), x
        return call

    def region(name):
        def call(n):
            p = torch.rand(8, n // 8, generator=_gen(9), requires_grad=True)
            return REGION[name][0](p, (p.detach() > 0.5).float()), p
        return call

    return [
        ("log_cosh", ew("log_cosh"), KE, "log_cosh"),
        ("binary_focal", ew("binary_focal"), KE, "binary_focal_with_logits"),
        ("cross_entropy", ce(L.cross_entropy), KS, "cross_entropy"),
        ("categorical_focal", ce(L.categorical_focal), KS, "softmax_focal"),
        ("dice", region("dice"), KR, "checked_region"),
        ("tversky", region("tversky"), KR, "checked_region"),
    ]


@pytest.mark.parametrize("name,call,module,kernel", _loss_calls(), ids=lambda v: str(v)[:20])
def test_fused_loss_taken_above_threshold_only(monkeypatch, name, call, module, kernel):
    calls = _counting(monkeypatch, module, kernel)
    out, _ = call(LOSS_BIG)
    assert calls == [kernel]
    assert _graph(out) & FUSED_NODES
    out.backward()
    calls.clear()
    out, _ = call(LOSS_BIG - 256)  # below the threshold (divisible by 64 and 8)
    assert calls == []
    assert not _graph(out) & FUSED_NODES
    with K.fused(False):  # the switch turns fusion off at any size
        out, _ = call(LOSS_BIG)
    assert calls == []
    assert not _graph(out) & FUSED_NODES


def test_losses_keep_pytorch_for_probability_targets_logits_and_half(monkeypatch):
    ce_calls = _counting(monkeypatch, KS, "cross_entropy")
    g = _gen(10)
    x = torch.randn(LOSS_BIG // 64, 64, generator=g)
    probs = torch.softmax(torch.randn(x.shape, generator=g), 1)
    torch.testing.assert_close(L.cross_entropy(x, probs), F.cross_entropy(x, probs),
                               rtol=1e-6, atol=1e-7)
    x3 = x.view(-1, 64, 1)  # (N, C, d1): PyTorch's op
    t = torch.randint(0, 64, (x.shape[0], 1), generator=g)
    torch.testing.assert_close(L.cross_entropy(x3, t), F.cross_entropy(x3, t),
                               rtol=1e-6, atol=1e-7)
    assert ce_calls == []
    dice_calls = _counting(monkeypatch, KR, "checked_region")
    z = torch.randn(8, LOSS_BIG // 8, generator=g)
    L.dice(z, (z > 0).float(), from_logits=True)
    L.dice(torch.sigmoid(z).half(), (z > 0).half())
    assert dice_calls == []


# ---------------------------------------------------------------- double backward
@pytest.mark.parametrize("name,call,module,kernel", _loss_calls(), ids=lambda v: str(v)[:20])
def test_double_backward_of_fused_loss_is_refused_clearly(name, call, module, kernel):
    out, x = call(LOSS_BIG)
    with pytest.raises(K.GradientConsumedError,
                       match=r"has no double backward \(create_graph=True\).*fused\(False\)"):
        torch.autograd.grad(out, x, create_graph=True)
    if name in ("dice", "tversky"):
        return  # their backward recomputes from three sums: a second one is fine
    out, _ = call(LOSS_BIG)
    out.backward(retain_graph=True)
    with pytest.raises(K.GradientConsumedError, match="differentiated once per forward"):
        out.backward()


def test_double_backward_works_with_fusion_off():
    x, t, _ = _elementwise_inputs("log_cosh", LOSS_BIG, torch.float64)
    x.requires_grad_(True)
    with K.fused(False):
        (g,) = torch.autograd.grad(L.log_cosh(x, t, reduction="sum"), x, create_graph=True)
        (h,) = torch.autograd.grad(g.sum(), x)
        # d/dx tanh(x - y) = 1 - tanh^2(x - y)
        torch.testing.assert_close(h, 1 - torch.tanh(x - t).detach() ** 2, rtol=1e-10,
                                   atol=1e-12)
        y = A.mish(torch.randn(ACT_BIG, dtype=torch.float64, requires_grad=True))
        assert "Fused" not in type(y.grad_fn).__name__


@pytest.mark.parametrize("name", ["mish", "relu"])
def test_double_backward_through_fused_activation_is_refused(monkeypatch, name):
    monkeypatch.setitem(KC.FUSED_WINS, "mish", True)
    kw = {"memory_efficient": True} if name == "relu" else {}
    w = torch.randn(64, 64, requires_grad=True)
    x = torch.randn(KC.MIN_FUSED_ELEMENTS // 64 + 8, 64, requires_grad=True)
    out = A.spec(name).fn(x @ w, **kw).sum()
    # a gradient penalty: grad of the gradient with respect to w only. A delayed error
    # node would be pruned here and f'' silently dropped; the catalog refuses at once.
    with pytest.raises(K.GradientConsumedError,
                       match=f"the fused {name} kernel has no double backward.*fused\\(False\\)"):
        torch.autograd.grad(out, x, create_graph=True)
    (g,) = torch.autograd.grad(A.spec(name).fn(x @ w, **kw).sum(), x)  # first order: fine
    assert torch.isfinite(g).all()


def test_gradient_penalty_runs_its_critic_unfused():
    # WGAN-GP differentiates the critic twice; a critic with a catalog mish on more than
    # MIN_FUSED_ELEMENTS activations must give the plain form's penalty and gradients
    g = _gen(17)
    w = torch.randn(64, 64, generator=g, dtype=torch.float64, requires_grad=True)
    real = torch.randn(KC.MIN_FUSED_ELEMENTS // 64 + 8, 64, generator=g, dtype=torch.float64)
    fake = torch.randn(real.shape, generator=g, dtype=torch.float64)

    def run(act):
        pen = L.gradient_penalty(lambda v: act(v @ w).sum(1), real, fake,
                                 generator=torch.Generator().manual_seed(0))
        return pen, torch.autograd.grad(pen, w)[0]

    pen, gw = run(A.mish)
    pen_ref, gw_ref = run(F.mish)  # PyTorch's op, twice differentiable
    torch.testing.assert_close(pen, pen_ref, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(gw, gw_ref, rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ validation kept
def test_errors_read_the_same_on_the_fused_path():
    big = torch.randn(LOSS_BIG // 64, 64)
    with pytest.raises(ParameterError, match="`reduction` of log_cosh must be one of"):
        L.log_cosh(big, big, reduction="avg")
    with pytest.raises(InputError, match="`input` of log_cosh contains 65536 NaN"):
        L.log_cosh(big.clone().fill_(float("nan")), big)
    with pytest.raises(InputError, match="`target` of binary_focal must hold values in \\[0, 1\\]"):
        L.binary_focal(big, big * 5)
    with pytest.raises(InputError, match="`weight` of log_cosh of shape \\(3,\\) does not "
                                         "broadcast"):
        L.log_cosh(big, big, weight=torch.ones(3))
    t = torch.randint(0, 64, (big.shape[0],))
    t[0] = 64
    with pytest.raises(InputError, match="`target` of cross_entropy"):
        L.cross_entropy(big, t)
    with pytest.raises(InputError, match="`weight` of categorical_focal must be a tensor of "
                                         "class weights of shape \\(64,\\)"):
        L.categorical_focal(big, t.clamp_max(63), weight=torch.ones(5))
    with pytest.raises(InputError, match="`input` of dice must hold probabilities in \\[0, 1\\]"):
        L.dice(big, (big > 0).float())
    with pytest.raises(ParameterError, match="`reduction` of tversky must be one of"):
        L.tversky(big.sigmoid(), (big > 0).float(), reduction="avg")


def test_element_wise_weight_that_enlarges_is_refused():
    # a weight may never broadcast the loss to a larger shape, on any path
    x = torch.randn(1, LOSS_BIG // 64, 64)
    t = torch.randn(x.shape)
    w = torch.rand(3, 1, 1)
    with pytest.raises(InputError, match=r"`weight` of log_cosh of shape \(3, 1, 1\) would "
                                         r"enlarge the loss of shape \(1, \d+, 64\)"):
        L.log_cosh(x, t, weight=w, reduction="sum")


# ------------------------------------------------------------------- activations
def _ref_act(name, **kw):
    return {
        "relu": lambda v: F.relu(v),
        "leaky_relu": lambda v: F.leaky_relu(v, kw.get("negative_slope", 0.01)),
        "gelu": lambda v: F.gelu(v, approximate=kw.get("approximate", "none")),
        "gelu_tanh": lambda v: F.gelu(v, approximate="tanh"),
        "silu": lambda v: F.silu(v),
        "mish": lambda v: F.mish(v),
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "elu": lambda v: F.elu(v, kw.get("alpha", 1.0)),
        "softplus": lambda v: F.softplus(v, kw.get("beta", 1.0), kw.get("threshold", 20.0)),
    }[name]


ACTS = [("relu", {}), ("leaky_relu", {"negative_slope": 0.2}), ("gelu", {}),
        ("gelu", {"approximate": "tanh"}), ("gelu_tanh", {}), ("silu", {}), ("mish", {}),
        ("tanh", {}), ("sigmoid", {}), ("elu", {"alpha": 0.7}),
        ("softplus", {"beta": 2.0, "threshold": 15.0})]
NINE = ["relu", "leaky_relu", "gelu", "silu", "tanh", "sigmoid", "elu", "softplus", "mish"]


@pytest.fixture(params=["measured", "all_fused"])
def policy(request, monkeypatch):
    """The measured FUSED_WINS, and every fused form switched on."""
    if request.param == "all_fused":
        for name in list(KC.FUSED_WINS):
            monkeypatch.setitem(KC.FUSED_WINS, name, True)
    return request.param


@pytest.mark.parametrize("name,kw", ACTS, ids=[f"{n}-{k}" for n, k in ACTS])
def test_activations_match_pytorch_above_threshold(policy, name, kw):
    x = torch.randn(ACT_BIG, generator=_gen(11)) * 6
    x[:5] = torch.tensor([0.0, -0.0, 30.0, -30.0, 1e-3])
    cot = torch.rand(ACT_BIG, generator=_gen(12))
    fn = A.spec(name).fn
    for extra in ([{}, {"memory_efficient": True}] if name in NINE else [{}]):
        y, g = _value_and_grad(lambda v, e=extra: fn(v, **kw, **e), x, cot)
        y_ref, g_ref = _value_and_grad(_ref_act(name, **kw), x.double(), cot.double())
        # float32 against PyTorch's float64 op; tanh from one exp has absolute error
        # at most 2^-22 (its kernel's docstring), hence atol 1e-6
        torch.testing.assert_close(y.double(), y_ref, rtol=2e-6, atol=1e-6)
        torch.testing.assert_close(g.double(), g_ref, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("name", ["mish", "gelu_tanh", "relu"])
def test_activation_kernel_path_taken_above_threshold_only(monkeypatch, name):
    # the eager fused path (the native one-pass forms: test_native.py)
    monkeypatch.setattr(KN._NATIVE, "on", False)
    monkeypatch.setitem(KC.FUSED_WINS, "gelu_tanh", True)  # AVX-512 builds turn it off
    calls = _counting(monkeypatch, KA, "_apply")
    kw = {"memory_efficient": True} if name == "relu" else {}
    fn = A.spec(name).fn
    fn(torch.randn(ACT_BIG, requires_grad=True), **kw)
    assert calls == ["_apply"]
    fn(torch.randn(KC.MIN_FUSED_ELEMENTS - 1, requires_grad=True), **kw)
    fn(torch.randn(ACT_BIG, dtype=torch.float16, requires_grad=True), **kw)
    with K.fused(False):
        fn(torch.randn(ACT_BIG, requires_grad=True), **kw)
    assert calls == ["_apply"]


def _saved(fn, x: torch.Tensor) -> tuple[int, int]:
    """(bytes of every saved tensor, bytes of those that are not ``x`` itself)."""
    total, extra = [0], [0]

    def pack(t: torch.Tensor) -> torch.Tensor:
        n = t.numel() * t.element_size()
        total[0] += n
        if t.untyped_storage().data_ptr() != x.untyped_storage().data_ptr():
            extra[0] += n
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(x)
    return total[0], extra[0]


@pytest.mark.parametrize("name", NINE)
def test_memory_efficient_same_values_and_fewer_saved_bytes(monkeypatch, name):
    # the eager fused path (the native one-pass forms: test_native.py)
    monkeypatch.setattr(KN._NATIVE, "on", False)
    for k in list(KC.FUSED_WINS):  # every fused form runs, so each mode is exercised
        monkeypatch.setitem(KC.FUSED_WINS, k, True)
    x = (torch.randn(ACT_BIG, generator=_gen(13)) * 4).requires_grad_(True)
    cot = torch.rand(ACT_BIG, generator=_gen(14))
    fn = A.spec(name).fn
    y0, g0 = _value_and_grad(lambda v: fn(v), x, cot)
    y1, g1 = _value_and_grad(lambda v: fn(v, memory_efficient=True), x, cot)
    # the same closed forms, recomputed: equal to float32 rounding of the recomputation
    torch.testing.assert_close(y1, y0, rtol=0, atol=0)
    torch.testing.assert_close(g1, g0, rtol=1e-6, atol=1e-7)
    total0, extra0 = _saved(lambda v: fn(v), x)
    total1, extra1 = _saved(lambda v: fn(v, memory_efficient=True), x)
    n = ACT_BIG
    if name in ("relu", "leaky_relu"):
        # a one-byte mask instead of a float32 tensor
        assert (total0, total1) == (4 * n, n)
    elif name in ("sigmoid", "tanh", "elu"):
        # f' comes from the output, saved in both modes (PyTorch's bytes)
        assert (total1, extra1) == (total0, extra0) == (4 * n, 4 * n)
    else:
        # f'(x) is saved by default; memory_efficient keeps only the input itself
        assert (extra0, extra1) == (4 * n, 0)


def test_memory_efficient_parameter_is_declared_and_shown():
    for name in NINE:
        assert "memory_efficient" in [p.name for p in A.spec(name).params], name
    assert repr(A.get("relu", memory_efficient=True)) == "Relu(memory_efficient=True)"
    assert repr(A.get("relu")) == "Relu()"
    m = A.get("mish", memory_efficient=True)
    x = torch.randn(ACT_BIG)
    torch.testing.assert_close(m(x), F.mish(x), rtol=2e-6, atol=1e-6)
    with pytest.raises(ParameterError, match="`memory_efficient` of relu must be a bool; got 1"):
        A.get("relu", memory_efficient=1)
    with pytest.raises(ParameterError, match="`memory_efficient` of gelu must be a bool; "
                                             "got 'yes'"):
        A.gelu(torch.zeros(2), memory_efficient="yes")
    # the closed-form derivative does not depend on the flag: relu'(x) = 1[x > 0]
    v = torch.tensor([-1.0, 0.0, 2.0])
    torch.testing.assert_close(A.derivative("relu", v, memory_efficient=True),
                               torch.tensor([0.0, 0.0, 1.0]))


def test_catalog_parameters_the_kernels_do_not_cover_keep_plain_forms():
    x = torch.randn(ACT_BIG, generator=_gen(15))
    # leaky slopes above 1 and elu with alpha = 0 are valid in the catalog
    torch.testing.assert_close(A.leaky_relu(x, negative_slope=2.0, memory_efficient=True),
                               F.leaky_relu(x, 2.0))
    torch.testing.assert_close(A.elu(x, alpha=0.0), F.relu(x))
    # silu with beta != 1: x sigma(beta x)
    torch.testing.assert_close(A.silu(x, beta=0.5, memory_efficient=True),
                               (x.double() * torch.sigmoid(0.5 * x.double())).float(),
                               rtol=2e-6, atol=1e-6)


def test_linear_cross_entropy_is_exported():
    # the catalog's function is the kernel plus class weights (class_weight=None: the kernel)
    assert "linear_cross_entropy" in L.__all__ and hasattr(K, "linear_cross_entropy")
    for name in ("dice", "tversky", "gradient_penalty", "keras_dice", "triplet",
                 "WeightedSum"):
        assert name in L.__all__ and hasattr(L, name)
    g = _gen(16)
    h, w = torch.randn(6, 5, generator=g), torch.randn(7, 5, generator=g)
    t = torch.randint(0, 7, (6,), generator=g)
    torch.testing.assert_close(L.linear_cross_entropy(h, w, t), F.cross_entropy(h @ w.T, t),
                               rtol=1e-6, atol=1e-6)
