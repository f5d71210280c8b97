"""Second derivatives of the default path, at moderate and large inputs.

The catalog promises that its default path (PyTorch's op where PyTorch has the function)
is twice differentiable wherever the mathematics is. This checks it for every activation
of the registry that has a PyTorch twin, and for the losses with one whose Hessian is
cheap to write down, at x in {-100, -20, 0, 20, 100} (and +-1000 in float64):

* ``torch.autograd.gradgradcheck`` in float64 (finite differences of the gradient);
* a Hessian-vector product through ``create_graph=True`` in float32 and float64, against
  the second derivative computed with mpmath (30 digits) from the published formula, or
  a closed-form Hessian written here in float64.

A point is left out in a dtype only where the function, its derivative or its second
derivative is not representable there (``exp(100)`` in float32), and, for functions
whose second derivative jumps at 0, the value at 0 (the one-sided values are both
right; only finiteness is asserted). PyTorch's own mish double backward is NaN once
``exp(x)`` overflows; that case is pinned by a strict xfail below.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath
import pytest
import torch
import torch.nn.functional as F

from actloss import activations as A
from actloss import losses as L

XS = [-100.0, -20.0, 0.0, 20.0, 100.0]
XS64 = [-1000.0, *XS, 1000.0]
# a non-constant vector for the Hessian-vector products
V = [0.5, -1.5, 2.0, 1.0, -0.75, 1.25, -2.0]

mpmath.mp.dps = 30
mp = mpmath


def _mp_sig(t):
    return 1 / (1 + mp.exp(-t))


def _mp_softplus(t):  # log(1 + e^t) without overflow at large t
    return t + mp.log1p(mp.exp(-t)) if t > 0 else mp.log1p(mp.exp(t))


SELU_ALPHA = mp.mpf("1.6732632423543772848170429916717")  # Klambauer et al. 2017, eq. 14
SELU_SCALE = mp.mpf("1.0507009873554804934193349852946")
RRELU_SLOPE = (mp.mpf(1) / 8 + mp.mpf(1) / 3) / 2  # eval mode: the mean of lower, upper

# published formulas, default parameters; None: piecewise linear (f'' = 0 off the kinks)
MP_FORMULAS: dict[str, Callable | None] = {
    "celu": lambda t: t if t > 0 else mp.expm1(t),  # alpha = 1
    "elu": lambda t: t if t > 0 else mp.expm1(t),
    "selu": lambda t: SELU_SCALE * (t if t > 0 else SELU_ALPHA * mp.expm1(t)),
    "exponential": mp.exp,
    "gelu": lambda t: t * mp.ncdf(t),
    "gelu_tanh": lambda t: t / 2 * (1 + mp.tanh(mp.sqrt(2 / mp.pi)
                                                 * (t + mp.mpf("0.044715") * t**3))),
    "hard_swish": lambda t: t * min(max(t + 3, 0), 6) / 6,
    "log_sigmoid": lambda t: -_mp_softplus(-t),
    "mish": lambda t: t * mp.tanh(_mp_softplus(t)),
    "sigmoid": _mp_sig,
    "silu": lambda t: t * _mp_sig(t),
    "swish_beta": lambda t: t * _mp_sig(t),
    # PyTorch's softplus is x above threshold = 20 (x > 20, documented), where the
    # mathematical f'' is below e^-20; the points here are 20 itself and beyond 1e-40
    "softplus": _mp_softplus,
    "softsign": lambda t: t / (1 + abs(t)),
    "tanh": mp.tanh,
    "tanhshrink": lambda t: t - mp.tanh(t),
    "hard_sigmoid": None, "hardshrink": None, "hardtanh": None, "identity": None,
    "leaky_relu": None, "prelu": None, "relu": None, "relu6": None, "rrelu": None,
    "softshrink": None, "threshold": None,
}
# f'' does not exist at 0 (it jumps there): only finiteness is asserted at 0
JUMP_AT_0 = {"celu", "elu", "selu", "softsign", "leaky_relu", "prelu", "relu", "rrelu",
             "threshold"}
VECTOR = ["glu", "log_softmax", "softmax", "softmin"]


def _pytorch_twins() -> list[str]:
    return sorted(n for n in A.names() if A.spec(n).torch_equivalent is not None
                  and A.spec(n).kind == "elementwise")


def test_every_elementwise_pytorch_twin_has_a_formula_here():
    # a new entry with a PyTorch twin must be added to this file's table
    assert sorted(MP_FORMULAS) == _pytorch_twins()
    assert sorted(n for n in A.names() if A.spec(n).torch_equivalent is not None
                  and A.spec(n).kind != "elementwise") == VECTOR


def _reference(name: str, t: float) -> tuple[float, float, float]:
    """(f, f', f'') at ``t`` from mpmath, as floats (inf when beyond float64)."""
    f = MP_FORMULAS[name]
    if f is None:
        return 0.0, 1.0, 0.0  # only f'' is compared; the values are of order |t|
    x = mp.mpf(t)
    return tuple(float(v) for v in (f(x), mp.diff(f, x, 1), mp.diff(f, x, 2)))


def _hvp(fn: Callable, x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """H v of sum(fn(x)) through a create_graph backward (zero if f' is constant)."""
    x = x.clone().requires_grad_()
    (g,) = torch.autograd.grad(fn(x).sum(), x, create_graph=True)
    if not g.requires_grad:
        return torch.zeros_like(x)
    (h,) = torch.autograd.grad((g * v).sum(), x, allow_unused=True)
    return torch.zeros_like(x) if h is None else h


def _check_elementwise(name: str, dtype: torch.dtype, xs: list[float]) -> None:
    fn = A.spec(name).fn
    big = torch.finfo(dtype).max
    x = torch.tensor(xs, dtype=dtype)
    v = torch.tensor(V[:len(xs)], dtype=dtype)
    h = _hvp(fn, x, v).double()
    rtol, atol = (1e-5, 1e-6) if dtype == torch.float32 else (1e-9, 1e-12)
    if name == "softplus":
        # at x = threshold = 20 PyTorch's value and gradient take the smooth form (x > 20
        # switches) and its second derivative the linear one (x < 20 keeps): 0 instead
        # of sigma(20) sigma(-20) = 2.06e-9
        atol = max(atol, 2.1e-9)
    bad = []
    for i, t in enumerate(xs):
        f, d1, d2 = _reference(name, t)
        if max(abs(f), abs(d1), abs(d2)) > big:
            continue  # not representable in this dtype: overflow is the right answer
        got = float(h[i])
        if not math.isfinite(got):
            bad.append(f"x={t:g}: {got}")
        elif not (t == 0.0 and name in JUMP_AT_0):
            want = V[i] * d2
            if abs(got - want) > atol * abs(V[i]) + rtol * abs(want):
                bad.append(f"x={t:g}: {got!r}, expected {want!r}")
    assert not bad, f"{name} {dtype}: " + "; ".join(bad)


# mish: PyTorch's double backward differentiates log1p(exp(x)); once exp(x) overflows
# (x > 88.7 in float32, 709.8 in float64) that is inf / inf = NaN (pinned below)
MISH_OVERFLOW = {torch.float32: 88.7, torch.float64: 709.8}


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name", sorted(MP_FORMULAS))
def test_second_derivative_of_the_default_path(name: str, dtype: torch.dtype) -> None:
    xs = XS if dtype == torch.float32 else XS64
    if name == "mish":
        xs = [t for t in xs if t < MISH_OVERFLOW[dtype]]
    _check_elementwise(name, dtype, xs)


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "PyTorch's mish double backward (F.mish, which the default path runs bit for bit) "
    "differentiates log1p(exp(x)) and gives NaN where exp(x) overflows: x = 100 in "
    "float32, x = 1000 in float64, where mish'' is 0 to within 1e-41"))
@pytest.mark.parametrize(("dtype", "x"), [(torch.float32, 100.0), (torch.float64, 1000.0)],
                         ids=["float32-100", "float64-1000"])
def test_mish_second_derivative_where_exp_overflows(dtype: torch.dtype, x: float) -> None:
    _check_elementwise("mish", dtype, [x])


# away from every kink (softplus switches to x at 20, where f' jumps by 2e-9)
GGC_POINTS = [-100.0, -20.0, -3.1, -0.7, 0.4, 2.3, 20.5, 100.0]


@pytest.mark.parametrize("name", sorted(MP_FORMULAS))
def test_gradgradcheck_of_the_default_path_at_large_inputs(name: str) -> None:
    x = torch.tensor(GGC_POINTS, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradgradcheck(A.spec(name).fn, (x,))


ROWS = [[-100.0, -20.0, 0.0, 20.0], [100.0, 3.0, -1.0, 0.5]]


@pytest.mark.parametrize("name", VECTOR)
def test_vector_activations_double_backward_at_large_inputs(name: str) -> None:
    fn = A.spec(name).fn
    x = torch.tensor(ROWS, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradgradcheck(fn, (x,))
    x = x.detach()
    width = fn(x).shape[-1]  # glu halves the last dimension
    w = torch.tensor([[0.5, -1.0, 2.0, 1.5], [-0.25, 1.0, 0.75, -2.0]],
                     dtype=torch.float64)[:, :width]
    v = torch.tensor([[1.0, 2.0, -1.0, 0.5], [0.25, -1.5, 1.0, 2.0]], dtype=torch.float64)

    def loss(z: torch.Tensor) -> torch.Tensor:
        return fn(z) * w.to(z.dtype)

    if name == "log_softmax":
        # sum(w log_softmax(x)) has H v = -(sum w) (p v - p (p . v)) per row
        p = torch.softmax(x, -1)
        ref = -w.sum(-1, keepdim=True) * (p * v - p * (p * v).sum(-1, keepdim=True))
        torch.testing.assert_close(_hvp(loss, x, v), ref, rtol=1e-12, atol=1e-12)
    else:  # the float64 product is the reference of the float32 one
        ref = _hvp(loss, x, v)
    h = _hvp(loss, x.float(), v.float())
    assert torch.isfinite(h).all(), h
    torch.testing.assert_close(h.double(), ref, rtol=1e-5, atol=1e-5)


# --------------------------------------------------------------------------- losses
def _sig64(x: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(x.double())


T01 = [1.0, 0.0, 0.3, 1.0, 0.0]
PM1 = [1.0, -1.0, 1.0, 1.0, -1.0]


def _focal_torchvision(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # torchvision.ops.sigmoid_focal_loss (alpha 0.25, gamma 2), its published formula
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    p_t = p * y + (1 - p) * (1 - y)
    return ((0.25 * y + 0.75 * (1 - y)) * ce * (1 - p_t) ** 2).sum()


def _focal_reference(x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    # the float64 formula's Hessian at moderate logits; at |x| >= 20 the focal terms
    # vanish to below 1e-8 (sigma(-20) ** 2), so H v there is the same to 1e-8
    xr = x.double().clamp(-30.0, 30.0).requires_grad_()
    (g,) = torch.autograd.grad(_focal_torchvision(xr, torch.tensor(T01, dtype=torch.float64)),
                               xr, create_graph=True)
    (h,) = torch.autograd.grad((g * v.double()).sum(), xr)
    return h


# name: (loss of x in the dtype, H v in float64 written here)
LOSSES: dict[str, tuple[Callable, Callable]] = {
    "binary_cross_entropy_with_logits": (
        lambda x: L.binary_cross_entropy_with_logits(x, torch.tensor(T01, dtype=x.dtype),
                                                     reduction="sum"),
        lambda x, v: _sig64(x) * _sig64(-x) * v.double()),
    "binary_cross_entropy_with_logits (pos_weight 2)": (
        lambda x: L.binary_cross_entropy_with_logits(
            x, torch.tensor(T01, dtype=x.dtype), pos_weight=torch.full((5,), 2.0, dtype=x.dtype),
            reduction="sum"),
        # d2/dx2 of -(2 t log s + (1 - t) log(1 - s)) = (2 t + 1 - t) s (1 - s)
        lambda x, v: (1.0 + torch.tensor(T01, dtype=torch.float64)) * _sig64(x) * _sig64(-x)
        * v.double()),
    "binary_focal": (
        lambda x: L.binary_focal(x, torch.tensor(T01, dtype=x.dtype), reduction="sum"),
        _focal_reference),
    "soft_margin": (  # log(1 + exp(-y x)), y = +-1: y^2 s(yx) s(-yx)
        lambda x: L.soft_margin(x, torch.tensor(PM1, dtype=x.dtype), reduction="sum"),
        lambda x, v: _sig64(x) * _sig64(-x) * v.double()),
    "multilabel_soft_margin": (  # the mean over the 5 classes of the BCE terms
        lambda x: L.multilabel_soft_margin(x[None], torch.tensor([T01], dtype=x.dtype).round(),
                                           reduction="sum"),
        lambda x, v: _sig64(x) * _sig64(-x) * v.double() / 5),
    "cross_entropy": (  # one row, class 2: H = diag(p) - p p^T
        lambda x: L.cross_entropy(x[None], torch.tensor([2]), reduction="sum"),
        lambda x, v: (lambda p: p * v.double() - p * (p * v.double()).sum())(
            torch.softmax(x.double(), 0))),
    "cross_entropy (label smoothing 0.1)": (  # the smoothed target does not change H
        lambda x: L.cross_entropy(x[None], torch.tensor([2]), label_smoothing=0.1,
                                  reduction="sum"),
        lambda x, v: (lambda p: p * v.double() - p * (p * v.double()).sum())(
            torch.softmax(x.double(), 0))),
    "huber": (  # delta 1: 1 inside |x| < 1, 0 outside
        lambda x: L.huber(x, torch.zeros_like(x), reduction="sum"),
        lambda x, v: (x.double().abs() < 1).double() * v.double()),
    "smooth_l1": (  # beta 1: 1 / beta inside |x| < beta
        lambda x: L.smooth_l1(x, torch.zeros_like(x), reduction="sum"),
        lambda x, v: (x.double().abs() < 1).double() * v.double()),
    "mse": (lambda x: L.mse(x, torch.zeros_like(x), reduction="sum"),
            lambda x, v: 2.0 * v.double()),
    "poisson_nll": (  # log input: exp(x) - t x, H = exp(x) (x / 4 keeps it finite)
        lambda x: L.poisson_nll(x / 4, torch.full_like(x, 2.0), reduction="sum"),
        lambda x, v: torch.exp(x.double() / 4) / 16 * v.double()),
}


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_second_derivative_at_large_logits(name: str, dtype: torch.dtype) -> None:
    loss, hessian = LOSSES[name]
    x = torch.tensor(XS, dtype=dtype)
    v = torch.tensor(V[:5], dtype=dtype)
    h = _hvp(loss, x, v)
    ref = hessian(x, v)
    assert torch.isfinite(h).all(), f"{name}: {h}"
    tol = 1e-5 if dtype == torch.float32 else 1e-9
    torch.testing.assert_close(h.double(), ref, rtol=tol, atol=tol)
    xg = torch.tensor([-100.0, -20.0, -0.7, 20.0, 100.0], dtype=torch.float64,
                      requires_grad=True)
    if name in ("huber", "smooth_l1", "mse"):
        xg = torch.tensor([-100.0, -20.0, -0.7, 0.4, 20.0], dtype=torch.float64,
                          requires_grad=True)  # off the kinks at +-1
    assert torch.autograd.gradgradcheck(loss, (xg,))
