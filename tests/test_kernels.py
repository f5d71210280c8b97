"""The fused kernels equal the plain forms: values and gradients, every option.

Every expected number comes from PyTorch's own op (run in float64 where the kernel runs
in float32), a float64 composition written here, or mpmath. Block sizes are shrunk by
``monkeypatch`` so that small tensors exercise several blocks and a ragged last block.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import torch
import torch.nn.functional as F

import actloss.kernels._activations as A
import actloss.kernels._common as C
import actloss.kernels._elementwise_losses as E
import actloss.kernels._native as N
import actloss.kernels._softmax_losses as S
from actloss import kernels as K
from actloss.errors import InputError, ParameterError
from references import torchvision_focal

CUDA = torch.cuda.is_available()


@pytest.fixture(autouse=True)
def _small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # fused path for every size, and blocks that do not divide the test sizes; the
    # native one-pass forms are tested in test_native.py, the eager fused forms here
    monkeypatch.setattr(N._NATIVE, "on", False)
    monkeypatch.setattr(C, "MIN_FUSED_ELEMENTS", 1)
    for name in list(C.FUSED_WINS):  # exercise every fused form, winning or not
        monkeypatch.setitem(C.FUSED_WINS, name, True)
    monkeypatch.setattr(A, "BLOCK_ELEMENTS", 1000)
    monkeypatch.setattr(E, "BLOCK_ELEMENTS", 1000)
    monkeypatch.setattr(S, "CE_BLOCK_ELEMENTS", 700)
    monkeypatch.setattr(S, "LCE_BLOCK_ELEMENTS", 300)


def _grad(f, x: torch.Tensor, *others: torch.Tensor, g: torch.Tensor | None = None):
    """Value and input gradient(s) of ``f`` with upstream gradient ``g`` (ones)."""
    x = x.detach().clone().requires_grad_()
    leaves = [x] + [o.detach().clone().requires_grad_() for o in others]
    y = f(*leaves)
    (y if g is None else y * g).sum().backward()
    return (y.detach(), *[leaf.grad for leaf in leaves])


# ------------------------------------------------------------------ activations
ACTIVATIONS = [
    # name, fused, PyTorch's op
    ("relu(me)", lambda v: K.relu(v, memory_efficient=True), F.relu),
    ("leaky(me)", lambda v: K.leaky_relu(v, negative_slope=0.2, memory_efficient=True),
     lambda v: F.leaky_relu(v, 0.2)),
    ("gelu", K.gelu, F.gelu),
    ("gelu(me)", lambda v: K.gelu(v, memory_efficient=True), F.gelu),
    ("gelu_tanh", lambda v: K.gelu(v, approximate="tanh"),
     lambda v: F.gelu(v, approximate="tanh")),
    ("silu", K.silu, F.silu),
    ("silu(me)", lambda v: K.silu(v, memory_efficient=True), F.silu),
    ("tanh", K.tanh, torch.tanh),
    ("sigmoid", K.sigmoid, torch.sigmoid),
    ("mish", K.mish, F.mish),
    ("mish(me)", lambda v: K.mish(v, memory_efficient=True), F.mish),
    ("elu", K.elu, F.elu),
    ("elu(alpha)", lambda v: K.elu(v, alpha=0.5), lambda v: F.elu(v, 0.5)),
    ("softplus", K.softplus, F.softplus),
    ("softplus(beta)", lambda v: K.softplus(v, beta=2.0, threshold=5.0),
     lambda v: F.softplus(v, 2.0, 5.0)),
    ("softplus(me)", lambda v: K.softplus(v, memory_efficient=True), F.softplus),
]
IDS = [a[0] for a in ACTIVATIONS]


def _act_input(n: int, dtype: torch.dtype, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, generator=g, dtype=torch.float64) * 6
    # exact kink, tiny values and the elu series cut-off
    x[:6] = torch.tensor([0.0, -0.0, 1e-6, -1e-6, -0.0625, 0.0625], dtype=torch.float64)
    return x.to(dtype)


@pytest.mark.parametrize(("name", "ours", "ref"), ACTIVATIONS, ids=IDS)
def test_activation_float64_matches_pytorch(name, ours, ref) -> None:
    # float64 through the fused path against PyTorch's op in float64; closed forms
    # (exp-based identities, a Taylor series for expm1) agree to ~1e-12 relative
    x = _act_input(5003, torch.float64)
    g = torch.randn(5003, dtype=torch.float64)
    y1, g1 = _grad(ours, x, g=g)
    y2, g2 = _grad(ref, x, g=g)
    torch.testing.assert_close(y1, y2, rtol=1e-9, atol=1e-12)
    torch.testing.assert_close(g1, g2, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("name", "ours", "ref"), ACTIVATIONS, ids=IDS)
def test_activation_float32_matches_float64_reference(name, ours, ref) -> None:
    # float32 fused against PyTorch's op evaluated in float64: a few float32 ulps;
    # tanh through exp has an absolute error up to 2^-22 (documented), and its
    # derivative 1 - y^2 doubles that where |y| is near 1
    x = _act_input(4099, torch.float32, seed=1)
    y1, g1 = _grad(ours, x)
    y2, g2 = _grad(ref, x.double())
    atol = 5e-7 if name == "tanh" else 1e-6
    torch.testing.assert_close(y1.double(), y2, rtol=2e-6, atol=atol)
    torch.testing.assert_close(g1.double(), g2, rtol=2e-6, atol=atol)


@pytest.mark.parametrize(("name", "ours", "ref"), ACTIVATIONS, ids=IDS)
def test_activation_extremes_are_finite(name, ours, ref) -> None:
    x = torch.tensor([-1e4, -100.0, -30.0, 30.0, 100.0, 1e4, 3e38, -3e38])
    y1, g1 = _grad(ours, x)
    y2, g2 = _grad(ref, x.double())
    assert bool(torch.isfinite(y1).all()) and bool(torch.isfinite(g1).all())
    torch.testing.assert_close(y1.double(), y2, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(g1.double(), g2, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("name", "ours", "ref"), ACTIVATIONS, ids=IDS)
def test_activation_shapes_empty_and_no_grad(name, ours, ref) -> None:
    x = torch.randn(3, 7, 11).transpose(0, 2)  # non-contiguous
    y1, g1 = _grad(ours, x)
    y2, g2 = _grad(ref, x)
    assert y1.shape == x.shape
    torch.testing.assert_close(y1, y2, rtol=2e-6, atol=3e-7)
    torch.testing.assert_close(g1, g2, rtol=2e-6, atol=3e-7)
    e = torch.empty(0, 4, requires_grad=True)
    ours(e).sum().backward()
    assert e.grad is not None and e.grad.shape == (0, 4)
    with torch.no_grad():
        torch.testing.assert_close(ours(x), ref(x), rtol=2e-6, atol=3e-7)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize(("name", "ours", "ref"), ACTIVATIONS, ids=IDS)
def test_activation_half_precision_falls_back_to_pytorch(name, ours, ref, dtype) -> None:
    x = torch.randn(257).to(dtype)
    torch.testing.assert_close(ours(x), ref(x), rtol=0, atol=0)


def test_policy_runs_pytorch_where_fused_does_not_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(C.FUSED_WINS, "silu", False)
    monkeypatch.setitem(C.FUSED_WINS, "huber", False)
    x = torch.randn(5000, requires_grad=True)
    assert K.silu(x).grad_fn.name() == "SiluBackward0"
    assert K.mish(x).grad_fn.name() == "_FusedBackward"
    assert K.huber(x, torch.zeros(5000)).grad_fn.name() != "_FusedLossBackward"


def test_small_tensors_call_pytorch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(C, "MIN_FUSED_ELEMENTS", 1 << 17)
    x = torch.randn(4096, requires_grad=True)
    assert K.mish(x).grad_fn.name() == "MishBackward0"
    assert K.use_fused(torch.randn(1 << 17))
    assert not K.use_fused(torch.randn(1 << 17, dtype=torch.float16))


def _saved_bytes(f, x: torch.Tensor) -> int:
    sizes: list[int] = []

    def pack(t: torch.Tensor) -> torch.Tensor:
        sizes.append(t.numel() * t.element_size())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        f(x)
    return sum(sizes)


def test_saved_bytes_never_exceed_pytorch() -> None:
    x = torch.randn(10_000, requires_grad=True)
    for name, ours, ref in ACTIVATIONS:
        assert _saved_bytes(ours, x) <= _saved_bytes(ref, x), name
    # the piecewise-linear ones keep one byte per element in memory-efficient mode
    assert _saved_bytes(lambda v: K.relu(v, memory_efficient=True), x) == 10_000
    assert _saved_bytes(lambda v: K.leaky_relu(v, memory_efficient=True), x) == 10_000


def test_fused_activation_is_differentiable_once() -> None:
    x = torch.randn(50, requires_grad=True)
    (g,) = torch.autograd.grad(K.mish(x).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable|does not require grad"):
        g.sum().backward()


def test_mish_against_mpmath() -> None:
    # mish(x) = x tanh(log(1 + e^x)) and its derivative, 30 digits
    xs = [-20.0, -3.5, -0.25, 0.0, 0.7, 4.0, 19.0, 25.0]
    mpmath.mp.dps = 30
    ref = [float(v * mpmath.tanh(mpmath.log1p(mpmath.exp(v)))) for v in xs]
    dref = [float(mpmath.diff(lambda t: t * mpmath.tanh(mpmath.log1p(mpmath.exp(t))), v))
            for v in xs]
    y, g = _grad(K.mish, torch.tensor(xs, dtype=torch.float64))
    torch.testing.assert_close(y, torch.tensor(ref, dtype=torch.float64), rtol=1e-12,
                               atol=1e-15)
    torch.testing.assert_close(g, torch.tensor(dref, dtype=torch.float64), rtol=1e-10,
                               atol=1e-14)


@pytest.mark.parametrize(("call", "match"), [
    (lambda: K.relu([1.0]), r"`x` of relu must be a torch.Tensor; got list"),
    (lambda: K.gelu(torch.ones(2), approximate="fast"),
     r"`approximate` of gelu must be one of 'none', 'tanh'; got 'fast'"),
    (lambda: K.elu(torch.ones(2), alpha=-1.0), r"`alpha` of elu must be a float in \(0, inf\)"),
    (lambda: K.leaky_relu(torch.ones(2), negative_slope=2.0),
     r"`negative_slope` of leaky_relu must be a float in \[0, 1\]; got 2.0"),
    (lambda: K.softplus(torch.ones(2), beta=0.0), r"`beta` of softplus must be a float"),
    (lambda: K.mish(torch.ones(2), memory_efficient=1),
     r"`memory_efficient` of mish must be a bool; got 1"),
    (lambda: K.silu(torch.ones(2, dtype=torch.long)),
     r"`x` of silu must be a floating-point tensor; got dtype torch.int64"),
])
def test_activation_errors(call, match) -> None:
    with pytest.raises((InputError, ParameterError), match=match):
        call()


# ------------------------------------------------------------------ element-wise losses
REDUCTIONS = ["mean", "sum", "none"]




def _reduce(loss, reduction, weight=None):
    # PyTorch's convention for element-wise weights: the mean counts elements
    if weight is not None:
        loss = loss * weight
    return {"none": loss, "sum": loss.sum(), "mean": loss.mean()}[reduction]


def _pair(n=3001, seed=0, binary=False):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, generator=g, dtype=torch.float64) * 4
    t = ((torch.rand(n, generator=g) < 0.3).double() if binary
         else torch.rand(n, generator=g, dtype=torch.float64))
    return x, t


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("alpha", "gamma"),
                         [(0.25, 2.0), (None, 0.0), (0.5, 1.0), (None, 0.5), (0.75, 2.5)])
def test_binary_focal_matches_torchvision_formula(reduction, weighted, alpha, gamma) -> None:
    x, t = _pair()
    w = torch.rand(x.shape[-1], dtype=torch.float64) if weighted else None
    g = torch.randn(x.shape, dtype=torch.float64) if reduction == "none" else None
    got = _grad(lambda a: K.binary_focal_with_logits(a, t, alpha=alpha, gamma=gamma,
                                                      reduction=reduction, weight=w), x, g=g)
    ref = _grad(lambda a: _reduce(torchvision_focal(a, t, alpha, gamma), reduction, w), x, g=g)
    for a, b in zip(got, ref):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("pos_weight", "smoothing"), [(None, 0.0), (3.0, 0.0), (None, 0.2)])
def test_bce_with_logits_matches_pytorch(reduction, pos_weight, smoothing) -> None:
    x, t = _pair(binary=True)
    w = torch.rand(3001, dtype=torch.float64)
    pw = None if pos_weight is None else torch.tensor(pos_weight, dtype=torch.float64)
    ts = t * (1 - smoothing) + 0.5 * smoothing
    got = _grad(lambda a: K.bce_with_logits(a, t, reduction=reduction, weight=w,
                                             pos_weight=pos_weight, label_smoothing=smoothing), x)
    ref = _grad(lambda a: F.binary_cross_entropy_with_logits(
        a, ts, weight=w, pos_weight=pw, reduction=reduction), x)
    for a, b in zip(got, ref):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("ours", "ref"), [
    (lambda a, b, r, w: K.huber(a, b, reduction=r, weight=w, delta=0.7),
     lambda a, b, r, w: _reduce(F.huber_loss(a, b, reduction="none", delta=0.7), r, w)),
    (lambda a, b, r, w: K.smooth_l1(a, b, reduction=r, weight=w, beta=0.7),
     lambda a, b, r, w: _reduce(F.smooth_l1_loss(a, b, reduction="none", beta=0.7), r, w)),
    (lambda a, b, r, w: K.smooth_l1(a, b, reduction=r, weight=w, beta=0.0),
     lambda a, b, r, w: _reduce(F.l1_loss(a, b, reduction="none"), r, w)),
    # log cosh d = log((e^d + e^-d)/2), fine in float64 for |d| < 700
    (lambda a, b, r, w: K.log_cosh(a, b, reduction=r, weight=w),
     lambda a, b, r, w: _reduce(torch.log(torch.cosh(a - b)), r, w)),
], ids=["huber", "smooth_l1", "smooth_l1(beta=0)", "log_cosh"])
def test_regression_losses_match_reference(reduction, ours, ref) -> None:
    x, t = _pair(seed=3)
    t = t * 8 - 4
    w = torch.rand(3001, dtype=torch.float64)
    g = torch.randn(3001, dtype=torch.float64) if reduction == "none" else None
    got = _grad(lambda a, b: ours(a, b, reduction, w), x, t, g=g)
    exp = _grad(lambda a, b: ref(a, b, reduction, w), x, t, g=g)
    for a, b in zip(got, exp):  # value, d/d input and d/d target
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-13)


def test_elementwise_losses_float32_and_extreme_logits() -> None:
    x = torch.tensor([-1e4, -50.0, -17.0, 0.0, 17.0, 50.0, 1e4] * 3)
    t = torch.tensor([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0] * 3)
    for ours, ref in [
        (lambda a: K.binary_focal_with_logits(a, t, reduction="none"),
         lambda a: torchvision_focal(a, t.double(), 0.25, 2.0)),
        (lambda a: K.bce_with_logits(a, t, reduction="none"),
         lambda a: F.binary_cross_entropy_with_logits(a, t.double(), reduction="none")),
        (lambda a: K.log_cosh(a, t, reduction="none"),
         lambda a: (a - t.double()).abs() + F.softplus(-2 * (a - t.double()).abs())
         - math.log(2)),
    ]:
        y, g = _grad(ours, x)
        y2, g2 = _grad(ref, x.double())
        assert bool(torch.isfinite(y).all()) and bool(torch.isfinite(g).all())
        torch.testing.assert_close(y.double(), y2, rtol=1e-6, atol=1e-6)
        torch.testing.assert_close(g.double(), g2, rtol=1e-6, atol=1e-7)


def test_log_cosh_against_mpmath() -> None:
    ds = [-30.0, -2.0, -1e-3, 0.0, 0.5, 3.0, 40.0]
    mpmath.mp.dps = 30
    ref = [float(mpmath.log(mpmath.cosh(d))) for d in ds]
    y = K.log_cosh(torch.tensor(ds, dtype=torch.float64), torch.zeros(7, dtype=torch.float64),
                   reduction="none")
    torch.testing.assert_close(y, torch.tensor(ref, dtype=torch.float64), rtol=1e-12,
                               atol=1e-15)


def test_elementwise_empty_and_broadcast_weight() -> None:
    e = torch.empty(0, requires_grad=True)
    assert math.isnan(float(K.huber(e, torch.empty(0)).detach()))
    assert float(K.huber(e, torch.empty(0), reduction="sum").detach()) == pytest.approx(0.0, abs=0)
    x, t = _pair(300)
    x, t = x.view(30, 10), t.view(30, 10)
    w = torch.rand(10, dtype=torch.float64)  # broadcasts over rows
    got = _grad(lambda a: K.bce_with_logits(a, t, weight=w), x)
    ref = _grad(lambda a: F.binary_cross_entropy_with_logits(a, t, weight=w), x)
    for a, b in zip(got, ref):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-13)


def test_second_backward_is_refused() -> None:
    x = torch.randn(100, requires_grad=True)
    loss = K.huber(x, torch.zeros(100))
    loss.backward(retain_graph=True)
    with pytest.raises(K.GradientConsumedError, match="differentiated once per forward"):
        loss.backward()


def test_loss_gradient_scaled_by_upstream() -> None:
    x, t = _pair(500)
    got = _grad(lambda a: 2.5 * K.binary_focal_with_logits(a, t), x)
    ref = _grad(lambda a: 2.5 * torchvision_focal(a, t, 0.25, 2.0).mean(), x)
    torch.testing.assert_close(got[1], ref[1], rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize(("call", "err", "match"), [
    (lambda: K.huber(torch.ones(3), torch.ones(4)), InputError,
     r"`input` and `target` of huber must have the same shape; got \(3,\) and \(4,\)"),
    (lambda: K.huber(torch.ones(3), torch.ones(3), delta=-1.0), ParameterError,
     r"`delta` of huber must be a float in \(0, inf\); got -1.0"),
    (lambda: K.smooth_l1(torch.ones(3), torch.ones(3), beta=-1.0), ParameterError,
     r"`beta` of smooth_l1 must be a float in \[0, inf\); got -1.0"),
    (lambda: K.log_cosh(torch.ones(3), torch.ones(3), reduction="avg"), ParameterError,
     r"`reduction` of log_cosh must be one of 'none', 'mean', 'sum'; got 'avg'"),
    (lambda: K.binary_focal_with_logits(torch.ones(3), torch.ones(3), gamma=-1.0),
     ParameterError, r"`gamma` of binary_focal must be a float in \[0, inf\); got -1.0"),
    (lambda: K.binary_focal_with_logits(torch.ones(3), torch.ones(3), alpha=1.5),
     ParameterError, r"`alpha` of binary_focal must be a float in \[0, 1\]; got 1.5"),
    (lambda: K.bce_with_logits(torch.ones(3), torch.ones(3), weight=torch.ones(2)),
     InputError, r"`weight` of bce_with_logits of shape \(2,\) does not broadcast"),
    (lambda: K.bce_with_logits(torch.ones(3), torch.ones(3), weight=torch.ones(2, 3)),
     InputError, r"`weight` of bce_with_logits of shape \(2, 3\) would enlarge the input"),
    (lambda: K.bce_with_logits(torch.ones(3), torch.ones(3), pos_weight=0.0), ParameterError,
     r"`pos_weight` of bce_with_logits must be a float in \(0, inf\); got 0.0"),
    (lambda: K.huber(torch.ones(3), [1.0, 2.0, 3.0]), InputError,
     r"`target` of huber must be a torch.Tensor; got list"),
])
def test_elementwise_loss_errors(call, err, match) -> None:
    with pytest.raises(err, match=match):
        call()


# ------------------------------------------------------------------ dice / tversky
def _region_ref(p, t, a, b, c, d, s, reduction, w):
    p, t = p.flatten(1), t.flatten(1)
    inter = (p * t).sum(1)
    per = 1 - (a * inter + s) / (b * inter + c * p.sum(1) + d * t.sum(1) + s)
    if w is not None:
        per = per * w
    return {"none": per, "sum": per.sum(), "mean": per.mean()}[reduction]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("kind", ["dice", "tversky"])
def test_dice_tversky_match_composition(reduction, from_logits, kind) -> None:
    g = torch.Generator().manual_seed(5)
    x = torch.randn(4, 3, 9, 7, generator=g, dtype=torch.float64)
    if not from_logits:
        x = torch.sigmoid(x)
    t = (torch.rand(4, 3, 9, 7, generator=g) > 0.6).double()
    w = torch.rand(4, dtype=torch.float64)
    up = torch.randn(4, dtype=torch.float64) if reduction == "none" else None
    if kind == "dice":
        ours = lambda a: K.dice(a, t, reduction=reduction, weight=w, smooth=0.5,  # noqa: E731
                                from_logits=from_logits)
        coef = (2.0, 0.0, 1.0, 1.0)
    else:
        ours = lambda a: K.tversky(a, t, reduction=reduction, weight=w, alpha=0.2,  # noqa: E731
                                   beta=0.9, smooth=0.5, from_logits=from_logits)
        coef = (1.0, 1.0 - 0.2 - 0.9, 0.2, 0.9)

    def ref(a):
        p = torch.sigmoid(a) if from_logits else a
        return _region_ref(p, t, *coef, 0.5, reduction, w)

    for a, b in zip(_grad(ours, x, g=up), _grad(ref, x, g=up)):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-13)


def test_dice_known_value_and_errors() -> None:
    p = torch.tensor([[1.0, 1.0, 0.0, 0.0]])
    t = torch.tensor([[1.0, 0.0, 0.0, 0.0]])
    # 1 - 2*1/(2 + 1), by hand
    assert float(K.dice(p, t, smooth=0.0)) == pytest.approx(1 / 3, rel=1e-6)
    with pytest.raises(InputError, match=r"`input` of dice must hold probabilities in \[0, 1\]"):
        K.dice(p * 2, t)
    with pytest.raises(InputError, match=r"`target` of tversky must hold mask values"):
        K.tversky(p, t * 3)
    with pytest.raises(InputError, match=r"`input` of dice must have shape \(N, \*\)"):
        K.dice(torch.ones(3), torch.ones(3))
    with pytest.raises(ParameterError, match=r"`smooth` of dice must be a float in \[0, inf\)"):
        K.dice(p, t, smooth=-1.0)


# ------------------------------------------------------------------ cross-entropy family
def _logits(n=203, c=37, seed=7, scale=3.0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, c, generator=g, dtype=torch.float64) * scale
    t = torch.randint(0, c, (n,), generator=g)
    t[::6] = -100
    w = torch.rand(c, generator=g, dtype=torch.float64) + 0.5
    return x, t, w


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.15])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_matches_pytorch(reduction, smoothing, weighted) -> None:
    x, t, w = _logits()
    w = w if weighted else None
    up = torch.randn(203, dtype=torch.float64) if reduction == "none" else None
    kw = {"weight": w, "label_smoothing": smoothing, "reduction": reduction}
    got = _grad(lambda a: K.cross_entropy(a, t, **kw), x, g=up)
    ref = _grad(lambda a: F.cross_entropy(a, t, **kw), x, g=up)
    for a, b in zip(got, ref):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-13)


def test_cross_entropy_float32_extremes_and_shift_invariance() -> None:
    x, t, _ = _logits(n=64, c=11, scale=1.0)
    x = x.float()
    x[0, 0], x[1, 3], x[2] = 1e4, -1e4, 1e4  # +-1e4 logits
    got = _grad(lambda a: K.cross_entropy(a, t, label_smoothing=0.1), x)
    ref = _grad(lambda a: F.cross_entropy(a, t, label_smoothing=0.1), x.double())
    assert bool(torch.isfinite(got[0])) and bool(torch.isfinite(got[1]).all())
    torch.testing.assert_close(got[0].double(), ref[0], rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(got[1].double(), ref[1], rtol=1e-5, atol=1e-7)
    # CE is invariant to adding a constant per row
    shifted = K.cross_entropy(x.double() + 123.0, t)
    torch.testing.assert_close(shifted, F.cross_entropy(x.double(), t), rtol=1e-12, atol=0)


def test_cross_entropy_all_ignored_and_empty() -> None:
    x = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
    t = torch.full((4,), -100)
    assert math.isnan(float(K.cross_entropy(x, t).detach()))  # 0/0, as PyTorch
    assert math.isnan(float(F.cross_entropy(x, t).detach()))
    e = torch.empty(0, 5, requires_grad=True)
    torch.testing.assert_close(K.cross_entropy(e, torch.empty(0, dtype=torch.long),
                                               reduction="sum").detach(), torch.tensor(0.0))


def test_cross_entropy_other_layouts_fall_back() -> None:
    x = torch.randn(4, 5, 3)
    t = torch.randint(0, 5, (4, 3))
    torch.testing.assert_close(K.cross_entropy(x, t), F.cross_entropy(x, t))
    p = torch.softmax(torch.randn(4, 5), 1)
    z = torch.randn(4, 5)
    torch.testing.assert_close(K.cross_entropy(z, p), F.cross_entropy(z, p))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("gamma", "alpha"), [(0.0, None), (2.0, None), (0.5, 0.25)])
def test_softmax_focal_matches_composition(reduction, gamma, alpha) -> None:
    x, t, w = _logits(seed=9)
    up = torch.randn(203, dtype=torch.float64) if reduction == "none" else None

    def ref(a):
        # -a w_t (1 - p_t)^gamma log p_t, mean over the kept weight
        valid = t != -100
        safe = torch.where(valid, t, 0)
        lpt = F.log_softmax(a, 1).gather(1, safe[:, None])[:, 0]
        wt = w[safe] * valid * (1.0 if alpha is None else alpha)
        per = -wt * (1 - lpt.exp()) ** gamma * lpt
        return {"none": per, "sum": per.sum(), "mean": per.sum() / wt.sum()}[reduction]

    got = _grad(lambda a: K.softmax_focal(a, t, gamma=gamma, alpha=alpha, weight=w,
                                          reduction=reduction), x, g=up)
    for a, b in zip(got, _grad(ref, x, g=up)):
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-13)


def test_softmax_focal_gamma_zero_is_cross_entropy() -> None:
    x, t, w = _logits(seed=11)
    torch.testing.assert_close(K.softmax_focal(x, t, gamma=0.0, weight=w),
                               F.cross_entropy(x, t, weight=w), rtol=1e-12, atol=0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("bias", "softcap", "smoothing"),
                         [(False, None, 0.0), (True, None, 0.1), (True, 3.0, 0.0)])
def test_linear_cross_entropy_matches_linear_then_ce(reduction, bias, softcap,
                                                     smoothing) -> None:
    g = torch.Generator().manual_seed(13)
    h = torch.randn(53, 16, generator=g, dtype=torch.float64)
    w = torch.randn(29, 16, generator=g, dtype=torch.float64)
    b = torch.randn(29, generator=g, dtype=torch.float64)
    t = torch.randint(0, 29, (53,), generator=g)
    t[::5] = -100
    up = torch.randn(53, dtype=torch.float64) if reduction == "none" else None
    kw = {"reduction": reduction, "label_smoothing": smoothing}

    def ref(hh, ww, bb):
        z = F.linear(hh, ww, bb if bias else None)
        if softcap is not None:
            z = softcap * torch.tanh(z / softcap)
        return F.cross_entropy(z, t, **kw)

    def ours(hh, ww, bb):
        return K.linear_cross_entropy(hh, ww, t, bias=bb if bias else None, softcap=softcap,
                                      **kw)

    got = _grad(ours, h, w, b, g=up)
    exp = _grad(ref, h, w, b, g=up)
    for i, (a, c) in enumerate(zip(got, exp)):
        if i == 3 and not bias:
            assert a is None and c is None
            continue
        torch.testing.assert_close(a, c, rtol=1e-10, atol=1e-12)


def test_linear_cross_entropy_sub_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # matmul blocks of 25 rows, softmax sub-blocks of 4 rows (a ragged last one)
    monkeypatch.setattr(S, "LCE_BLOCK_ELEMENTS", 29 * 25)
    monkeypatch.setattr(S, "CE_BLOCK_ELEMENTS", 29 * 4 + 3)
    g = torch.Generator().manual_seed(19)
    h = torch.randn(61, 8, generator=g, dtype=torch.float64)
    w = torch.randn(29, 8, generator=g, dtype=torch.float64)
    t = torch.randint(0, 29, (61,), generator=g)

    def ref(hh, ww):
        return F.cross_entropy(2.0 * torch.tanh(F.linear(hh, ww) / 2.0), t,
                               label_smoothing=0.2)

    got = _grad(lambda hh, ww: K.linear_cross_entropy(hh, ww, t, softcap=2.0,
                                                      label_smoothing=0.2), h, w)
    for a, b in zip(got, _grad(ref, h, w)):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_bce_per_class_pos_weight_runs_pytorch() -> None:
    x = torch.randn(20, 3, dtype=torch.float64)
    t = (torch.rand(20, 3) < 0.5).double()
    pw = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    torch.testing.assert_close(K.bce_with_logits(x, t, pos_weight=pw),
                               F.binary_cross_entropy_with_logits(x, t, pos_weight=pw))


def test_native_fallbacks_match(monkeypatch: pytest.MonkeyPatch) -> None:
    # with the fused forms switched off, PyTorch's ops run with the same semantics
    for name in ("bce_with_logits", "huber", "smooth_l1"):
        monkeypatch.setitem(C.FUSED_WINS, name, False)
    x, t = _pair(400)
    w = torch.rand(400, dtype=torch.float64)
    for red in REDUCTIONS:
        torch.testing.assert_close(
            K.bce_with_logits(x, t, weight=w, pos_weight=2.0, reduction=red),
            F.binary_cross_entropy_with_logits(x, t, weight=w, reduction=red,
                                               pos_weight=torch.tensor(2.0).double()))
        torch.testing.assert_close(K.huber(x, t, weight=w, reduction=red),
                                   _reduce(F.huber_loss(x, t, reduction="none"), red, w))
        torch.testing.assert_close(K.smooth_l1(x, t, reduction=red, beta=0.5),
                                   F.smooth_l1_loss(x, t, reduction=red, beta=0.5))


def test_linear_cross_entropy_half_precision_and_no_grad() -> None:
    g = torch.Generator().manual_seed(17)
    h = torch.randn(40, 8, generator=g).to(torch.bfloat16)
    w = torch.randn(30, 8, generator=g).to(torch.bfloat16)
    t = torch.randint(0, 30, (40,), generator=g)
    got = K.linear_cross_entropy(h, w, t)
    ref = F.cross_entropy(F.linear(h.float(), w.float()), t)
    assert got.dtype == torch.bfloat16
    torch.testing.assert_close(got.float(), ref, rtol=2e-2, atol=2e-2)
    with torch.no_grad():
        torch.testing.assert_close(K.linear_cross_entropy(h.float(), w.float(), t), ref,
                                   rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("call", "err", "match"), [
    (lambda: K.cross_entropy(torch.randn(3, 4), torch.tensor([0, 4, 1])), InputError,
     r"`target` of cross_entropy must hold class indices in \[0, 4\) or ignore_index=-100"),
    (lambda: K.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1])), InputError,
     r"`target` of cross_entropy must have shape \(3,\)"),
    (lambda: K.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2]),
                             weight=torch.ones(3)), InputError,
     r"`weight` of cross_entropy must have shape \(4,\), one per class; got \(3,\)"),
    (lambda: K.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2]), label_smoothing=2.0),
     ParameterError, r"`label_smoothing` of cross_entropy must be a float in \[0, 1\]"),
    (lambda: K.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2]), reduction="avg"),
     ParameterError, r"`reduction` of cross_entropy must be one of"),
    (lambda: K.softmax_focal(torch.randn(3, 4), torch.tensor([0, 1, 2]), gamma=-2.0),
     ParameterError, r"`gamma` of softmax_focal must be a float in \[0, inf\); got -2.0"),
    (lambda: K.softmax_focal(torch.randn(3), torch.tensor([0, 1, 2])), InputError,
     r"`input` of softmax_focal must have shape \(N, C\); got \(3,\)"),
    (lambda: K.linear_cross_entropy(torch.randn(3, 4), torch.randn(5, 6),
                                    torch.tensor([0, 1, 2])), InputError,
     r"`hidden` \(N, H\) and `weight` \(V, H\) of linear_cross_entropy must agree on H"),
    (lambda: K.linear_cross_entropy(torch.randn(3, 4), torch.randn(5, 4),
                                    torch.tensor([0, 1, 2]), bias=torch.ones(4)), InputError,
     r"`bias` of linear_cross_entropy must have shape \(5,\); got \(4,\)"),
    (lambda: K.linear_cross_entropy(torch.randn(3, 4), torch.randn(5, 4),
                                    torch.tensor([0, 1, 2]), softcap=0.0), ParameterError,
     r"`softcap` of linear_cross_entropy must be a float in \(0, inf\); got 0.0"),
    (lambda: K.linear_cross_entropy(torch.randn(3, 4), torch.randn(5, 4).double(),
                                    torch.tensor([0, 1, 2])), InputError,
     r"`hidden` and `weight` of linear_cross_entropy must share dtype and device"),
    (lambda: K.linear_cross_entropy(torch.randn(3, 4), torch.randn(5, 4),
                                    torch.tensor([0.0, 1.0, 2.0])), InputError,
     r"`target` of linear_cross_entropy must hold class indices \(an integer tensor\)"),
])
def test_softmax_loss_errors(call, err, match) -> None:
    with pytest.raises(err, match=match):
        call()


def test_cross_entropy_second_backward_is_refused() -> None:
    x = torch.randn(6, 5, requires_grad=True)
    loss = K.cross_entropy(x, torch.tensor([0, 1, 2, 3, 4, 0]))
    loss.backward(retain_graph=True)
    with pytest.raises(K.GradientConsumedError, match="cross_entropy"):
        loss.backward()


# ------------------------------------------------------------------ accelerators
@pytest.mark.skipif(not CUDA, reason="needs a CUDA device")
def test_kernels_on_cuda_match_pytorch() -> None:
    x = torch.randn(10_000, device="cuda") * 4
    for name, ours, ref in ACTIVATIONS:
        y1, g1 = _grad(ours, x)
        y2, g2 = _grad(ref, x)
        torch.testing.assert_close(y1, y2, rtol=1e-5, atol=1e-6, msg=name)
        torch.testing.assert_close(g1, g2, rtol=1e-5, atol=1e-6, msg=name)
    z = torch.randn(300, 50, device="cuda")
    t = torch.randint(0, 50, (300,), device="cuda")
    for a, b in zip(_grad(lambda v: K.cross_entropy(v, t, label_smoothing=0.1), z),
                    _grad(lambda v: F.cross_entropy(v, t, label_smoothing=0.1), z)):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    h = torch.randn(300, 16, device="cuda")
    w = torch.randn(50, 16, device="cuda")
    for a, b in zip(_grad(lambda u, v: K.linear_cross_entropy(u, v, t), h, w),
                    _grad(lambda u, v: F.cross_entropy(u @ v.t(), t), h, w)):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
