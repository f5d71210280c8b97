"""The generic, registry-driven suite: every activation entry, no per-entry test code.

Expected values come from float64 NumPy references written here from the published
formulas (independently of the implementation), from PyTorch's own ops, or from
autograd. Each claim in an entry's metadata is checked numerically with its defaults.
"""

from __future__ import annotations

import importlib
import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.special import erf

from actloss import activations as A
from actloss._validation import check_param

NAMES = A.names()
ELEMENTWISE = [n for n in NAMES if A.spec(n).kind == "elementwise"]
SHAPED = [n for n in NAMES if A.spec(n).kind in ("vector", "gated", "grouped")]
LEARNABLE = [n for n in NAMES if A.spec(n).learnable]

# --------------------------------------------------------------------------- references
# Float64 NumPy formulas from the papers / PyTorch docs, default parameters.
SELU_ALPHA_PAPER = 1.6732632423543772848170429916717  # Klambauer et al. 2017, eq. 14
SELU_LAMBDA_PAPER = 1.0507009873554804934193349852946


def _sig(x):
    return 0.5 * (1 + np.tanh(x / 2))  # sigma(x) = (1 + tanh(x/2)) / 2, no overflow


def _gelu(x):
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def _softplus(x):
    return np.logaddexp(0.0, x)


REF_ELEMENTWISE = {
    "identity": lambda x: x,
    "sigmoid": _sig,
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "tanh": np.tanh,
    "hardtanh": lambda x: np.clip(x, -1, 1),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "log_sigmoid": lambda x: -np.logaddexp(0.0, -x),
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),
    "rrelu": lambda x: np.where(x >= 0, x, x * (1 / 8 + 1 / 3) / 2),
    "prelu": lambda x: np.where(x > 0, x, 0.25 * x),
    "learnable_relu": lambda x: np.maximum(x, 0),
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "selu": lambda x: SELU_LAMBDA_PAPER * np.where(
        x > 0, x, SELU_ALPHA_PAPER * np.expm1(np.minimum(x, 0))),
    "celu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "threshold": lambda x: np.where(x > 0, x, 0.0),
    "squared_relu": lambda x: np.maximum(x, 0) ** 2,
    "gelu": _gelu,
    "gelu_tanh": _gelu_tanh,
    "silu": lambda x: x * _sig(x),
    "swish_beta": lambda x: x * _sig(x),
    "hard_swish": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "softplus": _softplus,
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
    "snake": lambda x: x + np.sin(x) ** 2,
    "sine": lambda x: np.sin(30 * x),
    "tanhshrink": lambda x: x - np.tanh(x),
    "softshrink": lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0),
    "hardshrink": lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
    # Keras 3 keras.activations (sparse_plus, sparse_sigmoid, exponential), as documented
    "sparse_plus": lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
    "sparse_sigmoid": lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, 1.0, (x + 1) / 2)),
    "exponential": np.exp,
}


def _softmax_np(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sparsemax_np(x):
    """Bisection on tau for sum(max(x - tau, 0)) = 1 (not the sort-based algorithm)."""
    out = np.empty_like(x)
    for idx in np.ndindex(x.shape[:-1]):
        z = x[idx]
        lo, hi = z.max() - 1, z.max()
        for _ in range(200):
            mid = (lo + hi) / 2
            if np.maximum(z - mid, 0).sum() > 1:
                lo = mid
            else:
                hi = mid
        out[idx] = np.maximum(z - (lo + hi) / 2, 0)
    return out


def _halves(x):
    n = x.shape[-1] // 2
    return x[..., :n], x[..., n:]


REF_SHAPED = {
    "softmax": _softmax_np,
    "log_softmax": lambda x: x - x.max(-1, keepdims=True) - np.log(
        np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True)),
    "softmin": lambda x: _softmax_np(-x),
    "sparsemax": _sparsemax_np,
    "glu": lambda x: _halves(x)[0] * _sig(_halves(x)[1]),
    "swiglu": lambda x: _halves(x)[0] * _sig(_halves(x)[0]) * _halves(x)[1],
    "geglu": lambda x: _gelu(_halves(x)[0]) * _halves(x)[1],
    "reglu": lambda x: np.maximum(_halves(x)[0], 0) * _halves(x)[1],
    "maxout": lambda x: x.reshape(*x.shape[:-1], -1, 2).max(-1),
}

# PyTorch's own function with its defaults, where PyTorch has one.
TORCH = {
    "identity": torch.nn.Identity(),
    "sigmoid": torch.sigmoid,
    "hard_sigmoid": F.hardsigmoid,
    "tanh": torch.tanh,
    "hardtanh": F.hardtanh,
    "softsign": F.softsign,
    "log_sigmoid": F.logsigmoid,
    "relu": F.relu,
    "relu6": F.relu6,
    "leaky_relu": F.leaky_relu,
    "rrelu": lambda x: F.rrelu(x, training=False),
    "prelu": lambda x: F.prelu(x, torch.tensor([0.25], dtype=x.dtype)),
    "elu": F.elu,
    "selu": F.selu,
    "celu": F.celu,
    "threshold": lambda x: F.threshold(x, 0.0, 0.0),
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
    "swish_beta": F.silu,
    "hard_swish": F.hardswish,
    "mish": F.mish,
    "softplus": F.softplus,
    "tanhshrink": F.tanhshrink,
    "softshrink": F.softshrink,
    "hardshrink": F.hardshrink,
    "softmax": lambda x: F.softmax(x, dim=-1),
    "log_softmax": lambda x: F.log_softmax(x, dim=-1),
    "softmin": lambda x: F.softmin(x, dim=-1),
    "glu": F.glu,
    "exponential": torch.exp,
}
TORCH_MODULES = {
    "relu": torch.nn.ReLU(), "gelu": torch.nn.GELU(), "silu": torch.nn.SiLU(),
    "leaky_relu": torch.nn.LeakyReLU(), "elu": torch.nn.ELU(), "softplus": torch.nn.Softplus(),
    "hardtanh": torch.nn.Hardtanh(), "mish": torch.nn.Mish(), "selu": torch.nn.SELU(),
    "celu": torch.nn.CELU(), "hard_swish": torch.nn.Hardswish(),
    "hard_sigmoid": torch.nn.Hardsigmoid(), "softshrink": torch.nn.Softshrink(),
    "hardshrink": torch.nn.Hardshrink(), "log_sigmoid": torch.nn.LogSigmoid(),
    "softmax": torch.nn.Softmax(dim=-1), "glu": torch.nn.GLU(), "relu6": torch.nn.ReLU6(),
    "tanh": torch.nn.Tanh(), "sigmoid": torch.nn.Sigmoid(), "softsign": torch.nn.Softsign(),
}


def f64(values) -> torch.Tensor:
    return torch.as_tensor(np.asarray(values, dtype=np.float64))


def away_from_kinks(name: str, xs: np.ndarray, margin: float = 0.02) -> np.ndarray:
    kinks = np.asarray(A.spec(name).kinks, dtype=np.float64)
    if kinks.size == 0:
        return xs
    keep = np.min(np.abs(xs[:, None] - kinks[None, :]), axis=1) > margin
    return xs[keep]


def shaped_input(name: str, rows: int = 3, width: int = 6, dtype=torch.float64, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (2 * torch.randn(rows, width, generator=g)).to(dtype)


GRID = np.linspace(-7.0, 7.0, 1401)  # step 0.01: holds every kink of the catalog
WIDE = np.concatenate([np.linspace(-50.0, 50.0, 100_001), [-1e4, -100.0, 100.0, 1e4]])


def f_np(name: str, xs: np.ndarray) -> np.ndarray:
    return A.spec(name).fn(f64(xs)).numpy()


def fprime_np(name: str, xs: np.ndarray) -> np.ndarray:
    return A.derivative(name, f64(xs)).numpy()


# ------------------------------------------------------------------------ completeness
def test_catalog_holds_the_required_entries():
    required = {
        "identity", "sigmoid", "hard_sigmoid", "tanh", "hardtanh", "relu", "relu6",
        "leaky_relu", "prelu", "rrelu", "elu", "selu", "celu", "gelu", "gelu_tanh", "silu",
        "swish_beta", "hard_swish", "mish", "softplus", "softsign", "log_sigmoid",
        "squareplus", "squared_relu", "tanhshrink", "softshrink", "hardshrink", "threshold",
        "snake", "sine", "softmax", "log_softmax", "softmin", "sparsemax", "glu", "swiglu",
        "geglu", "reglu", "maxout", "learnable_relu", "dynamic_relu",
    }
    assert required <= set(NAMES)


def test_every_entry_has_an_independent_reference():
    for name in NAMES:
        kind = A.spec(name).kind
        if kind == "elementwise":
            assert name in REF_ELEMENTWISE, name
        elif kind != "module":
            assert name in REF_SHAPED, name


@pytest.mark.parametrize("name", NAMES)
def test_metadata_is_complete(name):
    s = A.spec(name)
    assert s.formula and s.derivative_formula and s.summary and s.summary_zh
    assert s.reference and isinstance(s.year, int) and 1900 < s.year <= 2026
    for both in (s.pros, s.cons):
        assert both.en and len(both.en) == len(both.zh)
        assert all(any("\u4e00" <= c <= "\u9fff" for c in z) for z in both.zh)
    assert {"pytorch", "keras", "jax"} <= set(s.other_defaults)
    assert s.role and s.init in ("he", "xavier", "lecun", "siren", "default")
    assert set(s.in_sources) <= {"000", "001", "002", "003", "004"}
    for p in (*s.params, *s.module_params):
        if p.default is not None:
            check_param(name, p, p.default)  # every default is valid
    if s.kind == "elementwise":
        assert s.derivative is not None and s.d0 is not None
    elif s.kind == "module":
        assert s.module is not None
    else:
        assert s.vjp is not None and s.d0 is None
    if s.torch_equivalent:
        mod, _, attr = s.torch_equivalent.rpartition(".")
        assert hasattr(importlib.import_module(mod), attr)
    assert s.bounded == (math.isfinite(s.output_range.low) and math.isfinite(s.output_range.high))
    assert not (s.smooth and s.kinks)
    json.dumps(A.to_json(name))


def test_catalog_json_is_serialisable():
    data = A.catalog_json()
    assert [d["name"] for d in data] == NAMES
    json.loads(json.dumps(data, ensure_ascii=False))


# ------------------------------------------------------------------------------ values
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_values_match_float64_reference(name):
    torch.testing.assert_close(A.spec(name).fn(f64(GRID)), f64(REF_ELEMENTWISE[name](GRID)),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", SHAPED)
def test_shaped_values_match_float64_reference(name):
    x = shaped_input(name)
    torch.testing.assert_close(A.spec(name).fn(x), f64(REF_SHAPED[name](x.numpy())),
                               rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name", sorted(TORCH))
def test_parity_with_pytorch_defaults(name):
    g = torch.Generator().manual_seed(1)
    x = torch.cat([torch.randn(64, generator=g) * 5, torch.tensor([-1e4, -30.0, 30.0, 1e4])])
    x = x.reshape(4, 17)[:, :16].contiguous()
    torch.testing.assert_close(A.spec(name).fn(x), TORCH[name](x))
    module = A.get(name).eval()  # eval: rrelu's module samples slopes in training mode
    torch.testing.assert_close(module(x), TORCH[name](x))
    if name in TORCH_MODULES:
        torch.testing.assert_close(module(x), TORCH_MODULES[name](x))


# ---------------------------------------------------------------------------- gradients
GC_POINTS = np.array([-2.3, -1.1, -0.4, -0.07, 0.13, 0.61, 1.7, 2.9])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_gradcheck_and_gradgradcheck(name):
    xs = away_from_kinks(name, GC_POINTS, margin=0.05)
    x = f64(xs).requires_grad_(True)
    fn = A.spec(name).fn
    assert torch.autograd.gradcheck(fn, (x,))
    assert torch.autograd.gradgradcheck(fn, (x,))


@pytest.mark.parametrize("name", SHAPED)
def test_gradcheck_shaped(name):
    x = shaped_input(name, rows=2, width=4).requires_grad_(True)
    fn = A.spec(name).fn
    assert torch.autograd.gradcheck(fn, (x,))
    assert torch.autograd.gradgradcheck(fn, (x,))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_closed_form_derivative_matches_autograd_including_kinks(name):
    s = A.spec(name)
    xs = np.concatenate([GRID, np.asarray(s.kinks, dtype=np.float64), [0.0]])
    x = f64(xs).requires_grad_(True)
    (g,) = torch.autograd.grad(s.fn(x).sum(), x)
    # rtol 1e-7: PyTorch's leaky_relu/rrelu backward rounds the slope to float32 even for
    # float64 tensors (0.01 -> 0.009999999776).
    torch.testing.assert_close(A.derivative(name, x.detach()), g, rtol=1e-7, atol=1e-12)
    # vjp of an element-wise entry is grad_out * f'(x)
    r = torch.linspace(-1, 1, xs.size, dtype=torch.float64)
    torch.testing.assert_close(A.vjp(name, x.detach(), r), r * g, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("name", SHAPED)
@pytest.mark.parametrize("dim", [-1, 0])
def test_closed_form_vjp_matches_autograd(name, dim):
    x = shaped_input(name, rows=4, width=4, seed=3).requires_grad_(True)
    y = A.spec(name).fn(x, dim=dim)
    r = torch.randn(y.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    (g,) = torch.autograd.grad(y, x, r)
    torch.testing.assert_close(A.vjp(name, x.detach(), r, dim=dim), g, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------- stability
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_finite_at_large_float32_inputs(name):
    if name == "exponential":
        pytest.skip("e^x overflows float32 past 88.7, as torch.exp and Keras's exponential")
    s = A.spec(name)
    values = [-1e4, -1e3, 1e3, 1e4]
    huge = [-1e30, 1e30] if math.isfinite(s.max_abs_derivative) else []  # linear growth
    x = torch.tensor(values + huge, dtype=torch.float32, requires_grad=True)
    y = s.fn(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    assert torch.isfinite(y).all(), y
    # PyTorch's own backward of gelu(approximate='tanh') is NaN beyond ~1.8e19 (x^2
    # overflows): that autograd gradient is PyTorch's; the closed-form derivative is finite.
    n_checked = len(values) if name == "gelu_tanh" else len(values) + len(huge)
    assert torch.isfinite(g[:n_checked]).all(), g
    assert torch.isfinite(A.derivative(name, x.detach())).all()


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softsign", "log_sigmoid", "softplus",
                                  "relu", "leaky_relu", "elu", "selu", "celu", "gelu", "silu",
                                  "mish", "softshrink", "tanhshrink", "squareplus", "hardtanh",
                                  "hard_sigmoid", "identity", "log_sigmoid"])
def test_finite_at_float32_max(name):
    big = torch.finfo(torch.float32).max / 2
    x = torch.tensor([-big, big], requires_grad=True)
    y = A.spec(name).fn(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    assert torch.isfinite(y).all() and torch.isfinite(g).all(), (y, g)
    assert torch.isfinite(A.derivative(name, x.detach())).all()


@pytest.mark.parametrize("name", SHAPED)
def test_shaped_finite_at_extreme_inputs(name):
    x = torch.tensor([[-1e4, 1e4, 3.0, -2.0], [1e30, -1e30, 0.0, 1.0]], requires_grad=True)
    y = A.spec(name).fn(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    finite = torch.isfinite(y) | (y == float("-inf"))  # log_softmax may be -inf, as torch
    assert finite.all() and torch.isfinite(g).all(), (y, g)


LOW = [(torch.float16, 2e-3, 1e-2), (torch.bfloat16, 1.6e-2, 5e-2)]


@pytest.mark.parametrize("dtype,atol,rtol", LOW, ids=["float16", "bfloat16"])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_low_precision_close_to_float64(name, dtype, atol, rtol):
    # Same (rounded) inputs in float64 are the reference; the absolute tolerance scales with
    # the largest magnitude on the grid (one rounding of the output in the low dtype).
    x = torch.linspace(-6, 6, 97).to(dtype)
    y = A.spec(name).fn(x)
    assert y.dtype == dtype
    ref = A.spec(name).fn(x.double())
    torch.testing.assert_close(y.double(), ref, atol=atol * max(1.0, ref.abs().max().item()),
                               rtol=rtol)
    d = A.derivative(name, x)
    assert d.dtype == dtype
    dref = A.derivative(name, x.double())
    torch.testing.assert_close(d.double(), dref, atol=atol * max(1.0, dref.abs().max().item()),
                               rtol=rtol)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["float16", "bfloat16"])
@pytest.mark.parametrize("name", [n for n in ELEMENTWISE
                                  if math.isfinite(A.spec(n).max_abs_derivative)])
def test_low_precision_finite_at_extremes(name, dtype):
    # 6e4 is near float16's largest finite value (65504); growth at most linear.
    x = torch.tensor([-6e4, -1e4, -100.0, 100.0, 1e4, 6e4]).to(dtype).requires_grad_(True)
    y = A.spec(name).fn(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    assert torch.isfinite(y).all() and torch.isfinite(g).all(), (y, g)
    assert torch.isfinite(A.derivative(name, x.detach())).all()


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["float16", "bfloat16"])
@pytest.mark.parametrize("name", SHAPED)
def test_shaped_low_precision(name, dtype):
    x = shaped_input(name, dtype=torch.float64)
    xl = x.to(dtype)
    y = A.spec(name).fn(xl)
    assert y.dtype == dtype
    tol = 1e-2 if dtype == torch.float16 else 6e-2
    torch.testing.assert_close(y.double(), A.spec(name).fn(xl.double()), atol=tol, rtol=tol)


# ------------------------------------------------------------------------ shapes, dtypes
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_shapes_dtypes_empty_and_0d(name):
    fn = A.spec(name).fn
    for dtype in (torch.float32, torch.float64):
        x = torch.randn(2, 3, 4, dtype=dtype)
        y = fn(x)
        assert y.shape == x.shape and y.dtype == dtype
    for shape in [(0,), (2, 0, 3)]:
        assert fn(torch.empty(shape)).shape == shape
    zero_d = fn(torch.tensor(0.75, dtype=torch.float64))
    assert zero_d.shape == ()
    torch.testing.assert_close(zero_d, fn(torch.tensor([0.75], dtype=torch.float64))[0])


@pytest.mark.parametrize("name", SHAPED)
def test_shaped_shapes_and_empty(name):
    s = A.spec(name)
    x = torch.randn(3, 4, 6)
    y = s.fn(x, dim=1)
    factor = 1 if s.kind == "vector" else 2
    assert y.shape == (3, 4 // factor, 6) and y.dtype == x.dtype
    assert s.fn(torch.empty(0, 4)).shape == (0, 4 // factor)


# -------------------------------------------------------------------- metadata, measured
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_output_range_and_bounded(name):
    s = A.spec(name)
    r = s.output_range
    y = f_np(name, GRID)
    tol = 1e-12
    assert y.min() >= r.low - tol and y.max() <= r.high + tol
    if not r.low_closed and math.isfinite(r.low):
        assert y.min() > r.low - tol
    # the declared bounds are tight: approached within 1e-3 on a wide grid
    yw = f_np(name, WIDE)
    if math.isfinite(r.low):
        assert yw.min() <= r.low + 1e-3
    else:
        assert yw.min() < -10
    if math.isfinite(r.high):
        assert yw.max() >= r.high - 1e-3
    else:
        assert yw.max() > 10


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_monotonic_claim(name):
    steps = np.diff(f_np(name, GRID))
    if A.spec(name).monotonic:
        assert steps.min() >= -1e-12
    else:
        assert steps.min() < -1e-9  # a counterexample exists


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if A.spec(n).zero_centred])
def test_zero_centred_claim(name):
    y = f_np(name, GRID)
    assert abs(f_np(name, np.array([0.0]))[0]) < 1e-12
    assert y.min() < 0 < y.max()


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_d0_matches_derivative_at_zero(name):
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(A.spec(name).fn(x).sum(), x)
    assert A.spec(name).d0 == pytest.approx(g.item(), rel=1e-7)  # float32 slope, see above
    assert A.spec(name).d0 == pytest.approx(fprime_np(name, np.array([0.0]))[0], abs=1e-12)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_max_abs_derivative(name):
    s = A.spec(name)
    sup = np.abs(fprime_np(name, WIDE)).max()
    if math.isfinite(s.max_abs_derivative):
        assert sup <= s.max_abs_derivative + 1e-9
        assert sup >= s.max_abs_derivative - 1e-3 * max(1.0, s.max_abs_derivative)
    else:
        assert sup > 10


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_saturation_claim(name):
    s = A.spec(name)
    left = np.abs(fprime_np(name, np.linspace(-60, -40, 2001))).max() < 1e-3
    right = np.abs(fprime_np(name, np.linspace(40, 60, 2001))).max() < 1e-3
    expected = {"none": (False, False), "negative": (True, False),
                "positive": (False, True), "both": (True, True)}[s.saturates]
    assert (left, right) == expected


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_smoothness_and_kinks(name):
    s = A.spec(name)
    h = 1e-7
    if s.smooth:
        xs = np.linspace(-8, 8, 1601)
        jump = np.abs(fprime_np(name, xs + h) - fprime_np(name, xs - h))
        assert jump.max() < 1e-3
    for k in s.kinks:
        dj = abs(fprime_np(name, np.array([k + h]))[0] - fprime_np(name, np.array([k - h]))[0])
        fj = abs(f_np(name, np.array([k + h]))[0] - f_np(name, np.array([k - h]))[0])
        assert dj > 1e-3 or fj > 1e-3, f"{name}: nothing happens at the kink {k}"


# --------------------------------------------------------------------------- learnable
def _example_input(name: str) -> torch.Tensor:
    ex = A.spec(name).module_example
    g = torch.Generator().manual_seed(5)
    if "in_features" in ex:
        return torch.randn(6, ex["in_features"], generator=g)
    if "channels" in ex:
        return torch.randn(6, ex["channels"], 3, generator=g)
    return torch.randn(6, 5, generator=g)


@pytest.mark.parametrize("name", LEARNABLE)
def test_learnable_parameters_receive_gradients_and_train(name):
    torch.manual_seed(0)
    m = A.get(name, **A.spec(name).module_example)
    params = dict(m.named_parameters())
    assert set(params) == set(A.spec(name).learnable)
    x = _example_input(name)
    y = m(x)
    r = torch.randn(y.shape, generator=torch.Generator().manual_seed(6))
    (y * r).sum().backward()
    before = {k: v.detach().clone() for k, v in params.items()}
    for k, v in params.items():
        assert v.grad is not None and v.grad.abs().sum() > 0, k
    torch.optim.SGD(m.parameters(), lr=0.1).step()
    for k, v in params.items():
        assert not torch.equal(v.detach(), before[k]), k


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if A.spec(n).module is not None])
def test_module_form_equals_function_with_defaults(name):
    m = A.get(name).eval()
    x = torch.linspace(-4, 4, 33)
    torch.testing.assert_close(m(x), A.spec(name).fn(x))
    assert repr(m)  # prints its hyper-parameters


@pytest.mark.parametrize("name", SHAPED)
def test_shaped_output_range(name):
    s = A.spec(name)
    y = s.fn(shaped_input(name, rows=50, width=6) * 3)
    r = s.output_range
    assert y.min().item() >= r.low and y.max().item() <= r.high
    if s.kind == "vector" and (r.low, r.high) == (0.0, 1.0):  # a distribution along dim
        torch.testing.assert_close(y.sum(-1), torch.ones(50, dtype=torch.float64))


# ------------------------------------------------------------- non-default parameters
def _perturbed(name: str) -> dict:
    """A valid non-default value of every float/str parameter, read from its declaration."""
    out = {}
    for p in A.spec(name).params:
        if p.kind is float:
            for v in (p.default * 1.5 + 0.25, p.default * 0.5 + 0.1, 0.7):
                if v in p.interval and v != p.default:
                    out[p.name] = v
                    break
        elif p.kind is str:
            out[p.name] = next(c for c in p.choices if c != p.default)
    return out


PARAMETRISED = [n for n in ELEMENTWISE if _perturbed(n)]


@pytest.mark.parametrize("name", PARAMETRISED)
def test_closed_form_derivative_with_non_default_parameters(name):
    s = A.spec(name)
    kw = _perturbed(name)
    marks = [v for v in kw.values() if isinstance(v, float)]
    xs = np.concatenate([GRID, [0.0], marks, [-m for m in marks]])
    x = f64(xs).requires_grad_(True)
    (g,) = torch.autograd.grad(s.fn(x, **kw).sum(), x)
    torch.testing.assert_close(A.derivative(name, x.detach(), **kw), g, rtol=1e-7, atol=1e-12)
    pts = GC_POINTS[np.min(np.abs(GC_POINTS[:, None] - np.array(marks + [-m for m in marks]
                                                                   + [0.0])[None, :]),
                           axis=1) > 0.05]
    xg = f64(pts).requires_grad_(True)
    assert torch.autograd.gradcheck(lambda t: s.fn(t, **kw), (xg,))
    if s.module is None:  # the module form carries the same parameters
        torch.testing.assert_close(A.get(name, **kw)(x.detach()), s.fn(x.detach(), **kw))


# float64 references with parameters (the formulas of the papers / PyTorch docs)
REF_WITH_PARAMS = {
    "silu": lambda x, beta: x * _sig(beta * x),
    "swish_beta": lambda x, beta: x * _sig(beta * x),
    "snake": lambda x, a: x + np.sin(a * x) ** 2 / a,
    "sine": lambda x, w0: np.sin(w0 * x),
    "squareplus": lambda x, b: (x + np.sqrt(x * x + b)) / 2,
    "learnable_relu": lambda x, a, b: a * np.maximum(x, 0) + b,
    "prelu": lambda x, weight: np.where(x > 0, x, weight * x),
    "leaky_relu": lambda x, negative_slope: np.where(x > 0, x, negative_slope * x),
    "elu": lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))),
    "celu": lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha)),
    "hardtanh": lambda x, min_val, max_val: np.clip(x, min_val, max_val),
    "softplus": lambda x, beta, threshold: np.where(
        beta * x > threshold, x, np.logaddexp(0.0, beta * x) / beta),
    "softshrink": lambda x, lambd: np.sign(x) * np.maximum(np.abs(x) - lambd, 0),
    "hardshrink": lambda x, lambd: np.where(np.abs(x) > lambd, x, 0.0),
    "threshold": lambda x, threshold, value: np.where(x > threshold, x, value),
    "rrelu": lambda x, lower, upper: np.where(x >= 0, x, x * (lower + upper) / 2),
    "gelu": lambda x, approximate: _gelu_tanh(x) if approximate == "tanh" else _gelu(x),
}


def test_every_parametrised_entry_has_a_reference_with_parameters():
    assert set(PARAMETRISED) <= set(REF_WITH_PARAMS)


@pytest.mark.parametrize("name", PARAMETRISED)
def test_values_with_non_default_parameters(name):
    kw = _perturbed(name)
    torch.testing.assert_close(A.spec(name).fn(f64(GRID), **kw),
                               f64(REF_WITH_PARAMS[name](GRID, **kw)), rtol=1e-10, atol=1e-12)
