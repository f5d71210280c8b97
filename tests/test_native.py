"""The native one-pass kernels (``actloss.kernels._native``): build, cache, numerics, wiring.

Every expected number comes from an independent source: PyTorch's op in float64, a
float64 formula written here, mpmath, or (for nan/inf inputs and the from-output rules)
PyTorch's own float32 op. The float32 kernels are held to about 1e-6 relative (a few
float32 ulps; one ulp is 2^-23 ~ 1.2e-7 relative at most); where a formula is
ill-conditioned in float32 the tolerance adds the conditioning, stated next to it.
"""

from __future__ import annotations

import math
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import mpmath
import pytest
import torch
import torch.nn.functional as F

import actloss.activations as AC
import actloss.kernels._common as C
import actloss.kernels._native as N
import actloss.losses as L
from actloss import kernels as K
from actloss.errors import ParameterError
from references import torchvision_focal

EPS32 = 2.0**-24  # half an ulp of 1 in float32: the unit of a correctly rounded result
NATIVE_GRAD_FNS = ("_NativeSavedBackward", "_NativeFromOutputBackward", "_NativeMaskBackward")


# ---------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module", autouse=True)
def native_lib() -> N.NativeStatus:
    """Build (or load the cached build) once; no compiler means nothing here can run."""
    st = N.build()
    if not st.available:
        pytest.skip(f"the native library is not available here: {st.state} ({st.reason})",
                    allow_module_level=True)
    return st


@pytest.fixture(autouse=True)
def _native_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # every test starts with the native and fused paths on, whatever ran before it
    monkeypatch.setattr(N._NATIVE, "on", True)
    monkeypatch.setattr(C._FUSED, "on", True)


@pytest.fixture
def small_native(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small tensors take the native path (activations and the catalog's losses), and
    every native form runs, winning where measured or not (ReLU and leaky ReLU keep
    PyTorch's op by default and take the native mask form when memory-efficient)."""
    for name in C.NATIVE_WINS:
        if name not in ("relu", "leaky_relu"):
            monkeypatch.setitem(C.NATIVE_WINS, name, True)
    monkeypatch.setattr(C, "MIN_FUSED_ELEMENTS", 1)
    monkeypatch.setattr(C, "MIN_FUSED_LOSS_ELEMENTS", 1)


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory and a module state as in a new process; restored after."""
    if N._thread is not None:
        N._thread.join()
    cache = tmp_path / "cache"
    monkeypatch.setenv("ACTLOSS_CACHE_DIR", str(cache))
    monkeypatch.delenv("CC", raising=False)
    for name, value in (("_lib", None), ("_state", "not built"), ("_reason", ""),
                        ("_build_seconds", None), ("_thread", None)):
        monkeypatch.setattr(N, name, value)  # monkeypatch puts the real state back
    yield cache
    if N._thread is not None:  # a background build must end before the state is restored
        N._thread.join()


def _files(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def _grad(f: Callable[..., torch.Tensor], *inputs: torch.Tensor,
          g: torch.Tensor | None = None) -> tuple[torch.Tensor, ...]:
    """Value and gradients of ``f`` for each input, upstream gradient ``g`` (ones)."""
    leaves = [v.detach().clone().requires_grad_() for v in inputs]
    y = f(*leaves)
    y.backward(torch.ones_like(y) if g is None else g)
    return (y.detach(), *[leaf.grad for leaf in leaves])


# ------------------------------------------------------------------ 1. build and cache
def test_build_is_ready_and_in_the_cache_dir(native_lib: N.NativeStatus) -> None:
    st = N.status()
    assert st.state == "ready" and st.available and st.reason == ""
    assert st.path is not None and Path(st.path).parent == N.cache_dir()
    assert Path(st.path).name.startswith("actloss_kernels-") and st.path.endswith(".so")
    assert st.compiler is not None and os.path.isabs(st.compiler)
    assert st.build_seconds is None or isinstance(st.build_seconds, float)
    assert N.library() is not None


def test_forced_build_creates_one_library_and_no_temporaries(fresh_cache: Path) -> None:
    st = N.build(force=True)
    assert st.state == "ready", st.reason
    files = _files(fresh_cache)
    assert len(files) == 1 and files[0].endswith(".so"), files  # no .build-* left
    assert st.path == str(fresh_cache / files[0])
    assert isinstance(st.build_seconds, float) and st.build_seconds > 0.0
    # a second build loads the cached file: same path, not compiled again
    mtime = (fresh_cache / files[0]).stat().st_mtime_ns
    again = N.build()
    assert again.path == st.path and again.build_seconds in (None, st.build_seconds)
    assert (fresh_cache / files[0]).stat().st_mtime_ns == mtime
    assert _files(fresh_cache) == files
    # the library built here computes: sigmoid(0) = 1/2 exactly
    y, _ = N.act_forward("sigmoid", torch.zeros(3))
    torch.testing.assert_close(y, torch.full((3,), 0.5), rtol=0, atol=0)


def test_library_starts_a_background_build(fresh_cache: Path) -> None:
    t0 = time.perf_counter()
    assert N.library() is None  # never blocks on a compile
    assert time.perf_counter() - t0 < 1.0  # a compile takes seconds
    assert N.status().state == "building" and N._thread is not None
    N._thread.join()
    st = N.status()
    assert st.state == "ready", st.reason
    assert N.library() is not None
    assert len([f for f in _files(fresh_cache) if f.endswith(".so")]) == 1


def _check_eager_still_correct() -> None:
    # with the library unavailable every kernel runs its eager form, with the same values
    x = torch.linspace(-6, 6, 301)
    y, gx = _grad(K.mish, x)
    assert K.mish(x.requires_grad_()).grad_fn.name() not in NATIVE_GRAD_FNS
    y64, g64 = _grad(F.mish, x.double())
    torch.testing.assert_close(y.double(), y64, rtol=2e-6, atol=1e-6)
    torch.testing.assert_close(gx.double(), g64, rtol=2e-6, atol=1e-6)
    t = torch.rand(301)
    torch.testing.assert_close(
        K.bce_with_logits(x, t).double(),
        F.binary_cross_entropy_with_logits(x.double(), t.double()), rtol=1e-6, atol=0)


def test_failing_compiler_is_reported(fresh_cache: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, small_native: None
                                      ) -> None:
    cc = tmp_path / "broken-cc"
    cc.write_text("#!/bin/sh\necho 'broken-cc: fatal error: cannot compile' >&2\nexit 1\n")
    cc.chmod(cc.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("CC", str(cc))
    st = N.build()
    assert st.state == "failed" and not st.available
    assert "broken-cc exited with 1" in st.reason and "cannot compile" in st.reason
    assert st.compiler == str(cc)
    assert N.library() is None
    assert _files(fresh_cache) == []  # nothing half-written is left behind
    _check_eager_still_correct()


def test_missing_compiler_is_reported(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch,
                                      small_native: None) -> None:
    monkeypatch.setenv("CC", "/nonexistent/cc")
    st = N.build()
    assert st.state == "failed" and st.compiler is None
    assert st.reason == "no C compiler found (looked for /nonexistent/cc)"
    assert N.library() is None
    _check_eager_still_correct()


def test_disabled_native_runs_eager(small_native: None) -> None:
    with N.native(False):
        st = N.status()
        assert st.state == "disabled" and "turned off" in st.reason and not st.available
        assert not N.native_enabled() and N.library() is None
        assert not C.use_native(torch.randn(10), kernel="mish")
        _check_eager_still_correct()
    assert N.native_enabled() and N.status().state == "ready"
    N.set_native_enabled(False)
    try:
        assert N.status().state == "disabled"
        assert not C.use_native(torch.randn(10), kernel="silu")
    finally:
        N.set_native_enabled(True)
    assert C.use_native(torch.randn(10), kernel="silu")


def test_bad_enable_argument() -> None:
    with pytest.raises(ParameterError, match=r"`enabled` of native must be a bool; got 'yes'"):
        N.set_native_enabled("yes")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"`enabled` of native must be a bool; got 1"):
        with N.native(1):  # type: ignore[arg-type]
            pass
    assert N.native_enabled()


def test_status_fields_and_kind_tables() -> None:
    st = N.status()
    assert isinstance(st.state, str) and isinstance(st.reason, str)
    assert isinstance(st.path, str) and isinstance(st.compiler, str)
    assert st.build_seconds is None or st.build_seconds > 0.0
    # the kind numbers are the C enums: 0..n-1 without gaps
    assert sorted(N.ACT_KINDS.values()) == list(range(len(N.ACT_KINDS)))
    assert sorted(N.LOSS_KINDS.values()) == list(range(len(N.LOSS_KINDS)))
    with pytest.raises(ValueError, match="silu has no backward from its output"):
        N.act_backward_from_output("silu", torch.zeros(2), torch.ones(2))


# ------------------------------------------------------------------ 2. activation numerics
PARAMS = {"elu": (1.0, 0.0), "softplus": (1.0, 20.0), "leaky_relu": (0.01, 0.0)}
EXTRA_PARAMS = [("elu", (0.5, 0.0)), ("softplus", (2.0, 5.0)), ("leaky_relu", (0.2, 0.0))]
SPECIALS = [0.0, -0.0, 1e-30, -1e-30, 1e-6, -1e-6, 87.5, -87.5, 88.8, -88.8, 1e38, -1e38]


def _sig(v: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(v)


def _reference(kind: str, v: torch.Tensor, p1: float, p2: float
               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """float64 ``(f, f', scale of f's error, scale of f''s error)`` at the float32 points.

    The error scales are what float32 arithmetic cannot avoid beyond a few ulps of the
    result: for f' = a + b (silu, mish, GELU) the rounding of the terms, |a| + |b|,
    which matters near a root of f'; for the from-output rules (tanh: 1 - y^2, elu:
    y + alpha) the ulp of 1 or alpha; for tanh-GELU the argument 2u of the sigmoid,
    rounded in float32, whose relative error is multiplied by |2u| sigma(-2u).
    """
    zero = torch.zeros_like(v)
    if kind == "sigmoid":  # sigma' = sigma(x) sigma(-x), no cancellation
        return _sig(v), _sig(v) * _sig(-v), zero, zero
    if kind == "tanh":  # tanh' = sech^2; the C's 1 - y^2 carries 2|y| times y's error
        return torch.tanh(v), 1.0 / torch.cosh(v) ** 2, zero, torch.full_like(v, 3.0)
    if kind == "silu":  # (x sigma)' = sigma + x sigma sigma(-x)
        a, b = _sig(v), v * _sig(v) * _sig(-v)
        return v * _sig(v), a + b, zero, a.abs() + b.abs()
    if kind == "gelu":
        # Phi from erfc: relatively accurate in the lower tail (1 + erf cancels there)
        phi_cdf = 0.5 * torch.special.erfc(-v / math.sqrt(2.0))
        b = v * torch.exp(-0.5 * v * v) / math.sqrt(2.0 * math.pi)
        return v * phi_cdf, phi_cdf + b, zero, phi_cdf.abs() + b.abs()
    if kind == "gelu_tanh":
        k, c = 0.044715, math.sqrt(2.0 / math.pi)
        u2 = 2.0 * c * (v + k * v**3)
        s = _sig(u2)
        b = v * s * _sig(-u2) * 2.0 * c * (1.0 + 3.0 * k * v * v)
        cond = (u2.abs() * _sig(-u2)).nan_to_num(0.0)
        return v * s, s + b, cond * (v * s).abs(), (s.abs() + b.abs()) * (1.0 + cond)
    if kind == "mish":  # t = tanh(softplus x), mish' = t + x sigma(x) sech^2(softplus x)
        sp = F.softplus(v)
        t = torch.tanh(sp)
        b = v * _sig(v) / torch.cosh(sp) ** 2
        return v * t, t + b, zero, t.abs() + b.abs()
    if kind == "elu":
        y = torch.where(v > 0, v, p1 * torch.expm1(v))
        # f' = y + alpha for x <= 0 (the from-output rule): y's error, absolute
        return y, torch.where(v > 0, 1.0, p1 * torch.exp(v)), zero, torch.full_like(v, 3 * p1)
    if kind == "softplus":
        return (F.softplus(v, p1, p2), torch.where(v * p1 > p2, 1.0, _sig(p1 * v)),
                zero, zero)
    if kind == "relu":
        return F.relu(v), (v > 0).double(), zero, zero
    assert kind == "leaky_relu"
    return F.leaky_relu(v, p1), torch.where(v > 0, 1.0, p1), zero, zero


def _assert_float32_close(got: torch.Tensor, ref: torch.Tensor, x: torch.Tensor,
                          scale: torch.Tensor, what: str, flush: torch.Tensor | None = None
                          ) -> None:
    """|got - ref| <= 1e-6 |ref| (1e-37 flush where |ref| <= 1e-30) + 4 eps32 scale.

    Below 1e-30 only an absolute bound is meaningful: exp flushes its subnormal range
    (|e| < 1.2e-38) to 0 (documented), and silu/mish/GELU multiply that by up to
    ``flush`` (default max(1, |x|)).
    """
    got, x = got.double(), x.double()
    assert bool(torch.isfinite(got).all()), f"{what}: non-finite at {x[~torch.isfinite(got)]}"
    err = (got - ref).abs()
    tiny = ref.abs() <= 1e-30
    if flush is None:
        flush = x.abs().clamp_min(1.0)
    tol = torch.where(tiny, 1e-37 * flush, 1e-6 * ref.abs()) + 4 * EPS32 * scale
    bad = err > tol
    if bool(bad.any()):
        i = int(torch.argmax((err - tol) / tol.clamp_min(1e-300)))
        raise AssertionError(f"{what}: {int(bad.sum())} points off, worst x={x[i].item()!r} "
                             f"got={got[i].item()!r} ref={ref[i].item()!r}")


def _grid(kind: str) -> torch.Tensor:
    x = torch.cat([torch.linspace(-100.0, 100.0, 40_001), torch.tensor(SPECIALS)])
    return x


ACT_CASES = [(k, PARAMS.get(k, (0.0, 0.0))) for k in N.ACT_KINDS] + EXTRA_PARAMS
ACT_IDS = [f"{k}{'' if (k, p) == (k, PARAMS.get(k, (0.0, 0.0))) else p}" for k, p in ACT_CASES]


@pytest.mark.parametrize(("kind", "p"), ACT_CASES, ids=ACT_IDS)
def test_act_forward_and_backward_match_float64(kind: str, p: tuple[float, float]) -> None:
    x = _grid(kind)
    xd = x.double()
    ry, rd, sy, sd = _reference(kind, xd, *p)
    y, d = N.act_forward(kind, x, *p, with_derivative=True)
    assert d is not None and y.dtype == d.dtype == torch.float32
    _assert_float32_close(y, ry, x, sy, f"{kind} f(x)")
    flush = None
    if kind == "gelu_tanh":  # f' = s + x s sigma(-2u) 2u': the flushed s times 1 + |x 2u'|
        xa = x.double().abs()
        flush = 1.0 + xa * 2 * math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * xa * xa)
    _assert_float32_close(d, rd, x, sd, f"{kind} f'(x)", flush)
    y_only, none = N.act_forward(kind, x, *p)
    assert none is None
    torch.testing.assert_close(y_only, y, rtol=0, atol=0)  # the same pass
    # the recomputing backward: g f'(x), one more rounding of the product
    g = torch.linspace(-2.0, 3.0, x.numel())
    dx = N.act_backward(kind, x, g, *p)
    _assert_float32_close(dx, g.double() * rd, x, (g.double() * sd).abs()
                          + 2 * (g.double() * rd).abs(), f"{kind} g f'(x)",
                          None if flush is None else 3 * flush)


@pytest.mark.parametrize("kind", ["sigmoid", "tanh", "mish", "gelu_tanh", "softplus"])
def test_act_against_mpmath(kind: str) -> None:
    # 30-digit values and derivatives at a few points, tails included
    mpmath.mp.dps = 30
    fns = {
        "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
        "tanh": mpmath.tanh,
        "mish": lambda t: t * mpmath.tanh(mpmath.log1p(mpmath.exp(t))),
        "gelu_tanh": lambda t: t / (1 + mpmath.exp(-2 * mpmath.sqrt(2 / mpmath.pi)
                                                   * (t + mpmath.mpf("0.044715") * t**3))),
        "softplus": lambda t: mpmath.log1p(mpmath.exp(t)),
    }
    xs = [-60.0, -20.0, -3.5, -0.75, -1e-3, 0.0, 2e-4, 0.6, 4.0, 19.5, 40.0]
    f = fns[kind]
    ref_y = torch.tensor([float(f(mpmath.mpf(v))) for v in xs], dtype=torch.float64)
    ref_d = torch.tensor([float(mpmath.diff(f, mpmath.mpf(v))) for v in xs],
                         dtype=torch.float64)
    p = PARAMS.get(kind, (0.0, 0.0))
    x = torch.tensor(xs)
    y, d = N.act_forward(kind, x, *p, with_derivative=True)
    _, _, sy, sd = _reference(kind, x.double(), *p)
    _assert_float32_close(y, ref_y, x, sy, f"{kind} vs mpmath")
    _assert_float32_close(d, ref_d, x, sd, f"{kind}' vs mpmath")


TORCH32 = {
    "sigmoid": torch.sigmoid, "tanh": torch.tanh, "silu": F.silu, "gelu": F.gelu,
    "gelu_tanh": lambda v: F.gelu(v, approximate="tanh"), "mish": F.mish,
    "elu": F.elu, "softplus": F.softplus, "relu": F.relu,
    "leaky_relu": lambda v: F.leaky_relu(v, 0.01),
}


@pytest.mark.parametrize("kind", list(N.ACT_KINDS))
def test_act_infinities_match_pytorch_float32(kind: str) -> None:
    x = torch.tensor([math.inf, -math.inf])
    p = PARAMS.get(kind, (0.0, 0.0))
    y, d = N.act_forward(kind, x, *p, with_derivative=True)
    xr = x.clone().requires_grad_()
    ty = TORCH32[kind](xr)
    ty.sum().backward()
    torch.testing.assert_close(y, ty.detach(), rtol=0, atol=0, equal_nan=True)
    if kind in ("gelu", "gelu_tanh"):
        # PyTorch's float32 backward gives nan at +-inf (inf * 0); the C clamps x at
        # +-100, where the derivative has reached its limits 1 and 0 (float64 there)
        _, ref_d, _, _ = _reference(kind, torch.tensor([100.0, -100.0], dtype=torch.float64),
                                    *p)
        torch.testing.assert_close(d.double(), ref_d, rtol=0, atol=1e-30)
    else:
        torch.testing.assert_close(d, xr.grad, rtol=0, atol=0, equal_nan=True)


@pytest.mark.parametrize("kind", list(N.ACT_KINDS))
def test_act_nan_matches_pytorch_float32(kind: str) -> None:
    x = torch.tensor([math.nan, 1.0])
    p = PARAMS.get(kind, (0.0, 0.0))
    y, d = N.act_forward(kind, x, *p, with_derivative=True)
    assert math.isnan(float(y[0]))
    xr = x.clone().requires_grad_()
    TORCH32[kind](xr).sum().backward()
    torch.testing.assert_close(d[:1], xr.grad[:1], rtol=0, atol=0, equal_nan=True)


def test_gelu_exact_huge_input() -> None:
    x = torch.tensor([1e38, -1e38, 3e19, -3e19])
    y, d = N.act_forward("gelu", x, with_derivative=True)
    ry, rd, _, _ = _reference("gelu", x.double(), 0.0, 0.0)
    torch.testing.assert_close(y.double(), ry, rtol=1e-6, atol=1e-37)
    torch.testing.assert_close(d.double(), rd, rtol=1e-6, atol=1e-37)


FROM_OUTPUT_TORCH = {
    "sigmoid": lambda g, y, a: torch.ops.aten.sigmoid_backward(g, y),
    "tanh": lambda g, y, a: torch.ops.aten.tanh_backward(g, y),
    "elu": lambda g, y, a: torch.ops.aten.elu_backward(g, a, 1.0, 1.0, True, y),
}


@pytest.mark.parametrize(("kind", "alpha"),
                         [("sigmoid", 0.0), ("tanh", 0.0), ("elu", 1.0), ("elu", 0.3)])
def test_from_output_backward_is_pytorch_rule(kind: str, alpha: float) -> None:
    # the same y through PyTorch's float32 rule: the same formula, so a couple of ulps
    x = torch.cat([torch.linspace(-30.0, 30.0, 6001),
                   torch.tensor([math.inf, -math.inf, 1e38, -1e38, 0.0, -0.0])])
    y, _ = N.act_forward(kind, x, alpha)
    g = torch.linspace(-2.0, 2.0, x.numel())
    got = N.act_backward_from_output(kind, y, g, alpha)
    ref = FROM_OUTPUT_TORCH[kind](g, y, alpha)
    torch.testing.assert_close(got, ref, rtol=2 * EPS32 * 2, atol=1e-37)


def test_from_output_elu_nan_output_is_pytorch_rule() -> None:
    y = torch.tensor([math.nan])
    g = torch.tensor([0.5])
    got = N.act_backward_from_output("elu", y, g, 1.0)
    ref = torch.ops.aten.elu_backward(g, 1.0, 1.0, 1.0, True, y)
    torch.testing.assert_close(got, ref, rtol=0, atol=0, equal_nan=True)


def test_from_output_nan_sigmoid_tanh() -> None:
    y, g = torch.tensor([math.nan]), torch.tensor([0.5])
    for kind in ("sigmoid", "tanh"):
        got = N.act_backward_from_output(kind, y, g)
        assert math.isnan(float(FROM_OUTPUT_TORCH[kind](g, y, 0.0)))
        assert math.isnan(float(got)), kind


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.2])
def test_relu_mask_semantics_match_pytorch(slope: float) -> None:
    x = torch.tensor([-2.0, -0.0, 0.0, 1e-30, -1e-30, 3.0, math.inf, -math.inf, math.nan,
                      1e38, -1e38])
    y, mask = N.relu_forward(x, slope)
    assert mask.dtype is torch.bool and mask.shape == x.shape
    g = torch.linspace(0.5, 1.5, x.numel())
    dx = N.relu_backward(mask, g, slope)
    xr = x.clone().requires_grad_()
    ty = F.relu(xr) if slope == 0.0 else F.leaky_relu(xr, slope)
    ty.backward(g)
    # relu: nan -> nan, gradient g (threshold_backward: x <= 0 ? 0 : g);
    # leaky: nan -> nan, gradient slope g (leaky_relu_backward: x > 0 ? g : slope g)
    torch.testing.assert_close(y, ty.detach(), rtol=0, atol=0, equal_nan=True)
    torch.testing.assert_close(dx, xr.grad, rtol=0, atol=0)
    if slope == 0.0:
        assert bool(mask[8]) and float(dx[8]) == pytest.approx(float(g[8]))
    else:
        assert not bool(mask[8]) and float(dx[8]) == pytest.approx(slope * float(g[8]))


# --------------------------------------------------------------- 3. public activations
def _gelu_tanh64(v: torch.Tensor) -> torch.Tensor:
    # x (1 + tanh u)/2 = x sigma(2u): PyTorch's float64 form cancels to 0 once tanh u
    # rounds to -1 (u < -19), far above float32's smallest numbers
    return v * torch.sigmoid(2 * math.sqrt(2 / math.pi) * (v + 0.044715 * v**3))


# name, kernels call, catalog call, float64 reference, native grad_fn, what is saved
def _me(fn, **fixed):
    """``fn`` with ``memory_efficient=True`` unless the call says otherwise: ReLU and leaky
    ReLU run PyTorch's op by default (it won) and the native mask form when efficient."""
    return lambda v, **k: fn(v, **{**fixed, "memory_efficient": True, **k})


PUBLIC = [
    ("relu", _me(K.relu), _me(AC.relu), F.relu, "_NativeMaskBackward", "mask"),
    ("leaky_relu", _me(K.leaky_relu, negative_slope=0.2),
     _me(AC.leaky_relu, negative_slope=0.2),
     lambda v: F.leaky_relu(v, 0.2), "_NativeMaskBackward", "mask"),
    ("sigmoid", K.sigmoid, AC.sigmoid, torch.sigmoid, "_NativeFromOutputBackward", "output"),
    ("tanh", K.tanh, AC.tanh, torch.tanh, "_NativeFromOutputBackward", "output"),
    ("elu", lambda v, **k: K.elu(v, alpha=0.7, **k), lambda v, **k: AC.elu(v, alpha=0.7, **k),
     lambda v: F.elu(v, 0.7), "_NativeFromOutputBackward", "output"),
    ("silu", K.silu, AC.silu, F.silu, "_NativeSavedBackward", "derivative"),
    ("mish", K.mish, AC.mish, F.mish, "_NativeSavedBackward", "derivative"),
    ("softplus", lambda v, **k: K.softplus(v, beta=2.0, threshold=5.0, **k),
     lambda v, **k: AC.softplus(v, beta=2.0, threshold=5.0, **k),
     lambda v: F.softplus(v, 2.0, 5.0), "_NativeSavedBackward", "derivative"),
    ("gelu_tanh", lambda v, **k: K.gelu(v, approximate="tanh", **k),
     lambda v, **k: AC.gelu(v, approximate="tanh", **k),
     lambda v: _gelu_tanh64(v), "_NativeSavedBackward", "derivative"),
]
PUB_IDS = [p[0] for p in PUBLIC]


def _rtol(name: str) -> float:
    # a few ulps; tanh-GELU's x sigma(2u) takes 2u rounded in float32, whose relative
    # error sigma multiplies by |2u| sigma(-2u): up to ~70 x 4 ulps while y > 1e-30
    return 2e-5 if name == "gelu_tanh" else 2e-6


def _public_input(n: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, generator=g) * 5
    x[:4] = torch.tensor([0.0, -0.0, 1e-6, -1e-6])
    return x


@pytest.mark.parametrize("via", ["kernels", "catalog"])
@pytest.mark.parametrize(("name", "kfn", "cfn", "ref", "node", "saved"), PUBLIC, ids=PUB_IDS)
def test_public_activation_is_native_and_matches_float64(small_native, via, name, kfn, cfn,
                                                         ref, node, saved) -> None:
    fn = kfn if via == "kernels" else cfn
    x = _public_input(3001)
    up = torch.rand(3001) + 0.5
    y = fn(x.clone().requires_grad_())
    assert y.grad_fn.name() == node
    y32, g32 = _grad(fn, x, g=up)
    y64, g64 = _grad(ref, x.double(), g=up.double())
    # a few float32 ulps of the value; the gradient is a sum of terms of size <= ~|x|:
    # near a root of f' (silu, mish, tanh-GELU) an absolute 1e-6 ~ ulps of those terms
    torch.testing.assert_close(y32.double(), y64, rtol=_rtol(name), atol=1e-30)
    torch.testing.assert_close(g32.double(), g64, rtol=_rtol(name), atol=1e-6)


@pytest.mark.parametrize(("name", "kfn", "cfn", "ref", "node", "saved"), PUBLIC,
                         ids=PUB_IDS)
def test_public_activation_nan_and_inf_as_pytorch(small_native, name, kfn, cfn, ref, node,
                                                  saved) -> None:
    # non-finite inputs through the public functions: PyTorch's float32 op, value and
    # gradient (tanh-GELU's gradient at +-inf aside: see test_act_infinities_...); the
    # finite points only keep the tensor mixed (both sides float32: a few ulps absolute)
    x = torch.tensor([math.nan, 2.0, -3.0] + ([] if name == "gelu_tanh"
                                             else [math.inf, -math.inf]))
    up = torch.linspace(0.5, 1.5, x.numel())
    y, g = _grad(kfn, x, g=up)
    assert kfn(x.clone().requires_grad_()).grad_fn.name() == node
    ry, rg = _grad(PUBLIC_TORCH32[name], x, g=up)
    torch.testing.assert_close(y, ry, rtol=2e-6, atol=1e-6, equal_nan=True)
    torch.testing.assert_close(g, rg, rtol=2e-6, atol=1e-6, equal_nan=True)


PUBLIC_TORCH32 = {
    "relu": F.relu, "leaky_relu": lambda v: F.leaky_relu(v, 0.2), "sigmoid": torch.sigmoid,
    "tanh": torch.tanh, "elu": lambda v: F.elu(v, 0.7), "silu": F.silu, "mish": F.mish,
    "softplus": lambda v: F.softplus(v, 2.0, 5.0),
    "gelu_tanh": lambda v: F.gelu(v, approximate="tanh"),
}


@pytest.mark.parametrize(("name", "kfn", "cfn", "ref", "node", "saved"), PUBLIC, ids=PUB_IDS)
def test_public_activation_shapes(small_native, name, kfn, cfn, ref, node, saved) -> None:
    # 0-d, empty and a non-contiguous (transposed) 3-d input keep their shapes
    s = torch.tensor(0.75, requires_grad=True)
    y = kfn(s)
    assert y.shape == () and y.grad_fn.name() == node
    y.backward()
    s64 = torch.tensor(0.75, dtype=torch.float64, requires_grad=True)
    ref(s64).backward()
    torch.testing.assert_close(y.double(), ref(s64).detach(), rtol=2e-6, atol=0)
    torch.testing.assert_close(s.grad.double(), s64.grad, rtol=2e-6, atol=1e-7)
    e = torch.empty(0, 3, requires_grad=True)
    ye = kfn(e)
    assert ye.shape == (0, 3)
    ye.sum().backward()
    assert e.grad is not None and e.grad.shape == (0, 3)
    x = (torch.randn(4, 5, 6, generator=torch.Generator().manual_seed(3)) * 4).transpose(0, 2)
    assert not x.is_contiguous()
    up = torch.rand(x.shape)
    y3, g3 = _grad(kfn, x, g=up)
    assert y3.shape == x.shape and g3.shape == x.shape
    y64, g64 = _grad(ref, x.double(), g=up.double())
    torch.testing.assert_close(y3.double(), y64, rtol=_rtol(name), atol=1e-30)
    torch.testing.assert_close(g3.double(), g64, rtol=_rtol(name), atol=1e-6)
    with torch.no_grad():  # no graph: the forward alone, same values
        torch.testing.assert_close(kfn(x).double(), y64, rtol=_rtol(name), atol=1e-30)


def test_threads_give_identical_results(small_native) -> None:
    # above 2 * 16384 * threads elements the C code splits over threads; the size is not a
    # multiple of 16, so the last chunk is ragged. Element-wise: bit-for-bit equal.
    threads = torch.get_num_threads()
    n = 2 * 16384 * max(2, threads) + 1237
    x = _public_input(n, seed=5)
    up = torch.rand(n, generator=torch.Generator().manual_seed(6))
    t = torch.rand(n, generator=torch.Generator().manual_seed(7))
    fns = [kfn for _, kfn, *_ in PUBLIC] + [
        lambda v: K.binary_focal_with_logits(v, t, gamma=1.5, reduction="none"),
        lambda v: K.bce_with_logits(v, t, reduction="none"),
        lambda v: K.huber(v, t, reduction="none", delta=0.5),
        lambda v: K.log_cosh(v, t, reduction="none"),
    ]
    results = {}
    try:
        for nt in (1, 2):
            torch.set_num_threads(nt)
            results[nt] = [_grad(f, x, g=up) for f in fns]
            results[nt].append(_grad(lambda v: K.huber(v, t, reduction="sum"), x))
    finally:
        torch.set_num_threads(threads)
    for a, b in zip(results[1][:-1], results[2][:-1]):
        for u, v in zip(a, b):
            torch.testing.assert_close(u, v, rtol=0, atol=0)
    # the sum: per-thread float64 partial sums, added in another order (1e-12 relative)
    torch.testing.assert_close(results[1][-1][0], results[2][-1][0], rtol=1e-12, atol=0)
    torch.testing.assert_close(results[1][-1][1], results[2][-1][1], rtol=0, atol=0)


@pytest.mark.parametrize(("name", "kfn", "cfn", "ref", "node", "saved"), PUBLIC, ids=PUB_IDS)
def test_memory_efficient_values_and_saved_bytes(small_native, name, kfn, cfn, ref, node,
                                                 saved) -> None:
    n = 5000
    x = _public_input(n, seed=2).requires_grad_()
    up = torch.rand(n)
    y0, g0 = _grad(lambda v: kfn(v), x, g=up)
    y1, g1 = _grad(lambda v: kfn(v, memory_efficient=True), x, g=up)
    torch.testing.assert_close(y1, y0, rtol=0, atol=0)  # the same forward pass
    # g f'(x) from the saved f' or from f' recomputed: one rounding apart
    torch.testing.assert_close(g1, g0, rtol=2 * EPS32 * 2, atol=1e-37)

    def saved_tensors(me: bool) -> list[tuple[torch.dtype, int, bool]]:
        out = []

        def pack(t: torch.Tensor) -> torch.Tensor:
            is_x = t.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
            out.append((t.dtype, t.numel() * t.element_size(), is_x))
            return t

        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            y = kfn(x, memory_efficient=me)
        if saved == "mask" and not me:  # PyTorch's own op by default
            assert y.grad_fn.name() == ref(x.detach().requires_grad_()).grad_fn.name()
        else:
            assert y.grad_fn.name() == node
        return out

    default, efficient = saved_tensors(False), saved_tensors(True)
    if saved == "mask":  # PyTorch's op by default; one byte per element when efficient
        assert efficient == [(torch.bool, n, False)]
        assert len(default) == 1 and default[0][:2] == (torch.float32, 4 * n)
    elif saved == "output":  # the output, as PyTorch's from-output rule needs
        assert default == efficient == [(torch.float32, 4 * n, False)]
    else:  # f'(x) by default; only x itself (held by the graph anyway) when efficient
        assert default == [(torch.float32, 4 * n, False)]
        assert efficient == [(torch.float32, 4 * n, True)]


@pytest.mark.parametrize(("name", "kfn", "cfn", "ref", "node", "saved"), PUBLIC, ids=PUB_IDS)
def test_other_dtypes_and_fused_off_do_not_run_native(small_native, name, kfn, cfn, ref,
                                                      node, saved) -> None:
    x = _public_input(300)
    for dtype in (torch.float64, torch.float16, torch.bfloat16):
        y = kfn(x.to(dtype).requires_grad_())
        assert y.grad_fn.name() not in NATIVE_GRAD_FNS, dtype
        assert y.dtype == dtype
    with K.fused(False):
        y = cfn(x.clone().requires_grad_())
        assert y.grad_fn.name() not in NATIVE_GRAD_FNS
    assert kfn(x.clone().requires_grad_()).grad_fn.name() == node


def test_exact_gelu_runs_pytorch_unless_native_wins(small_native,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    x = _public_input(2000)
    monkeypatch.setitem(C.NATIVE_WINS, "gelu", False)  # as measured (small_native sets all)
    assert K.gelu(x.clone().requires_grad_()).grad_fn.name() not in NATIVE_GRAD_FNS
    monkeypatch.setitem(C.NATIVE_WINS, "gelu", True)
    y = K.gelu(x.clone().requires_grad_())
    assert y.grad_fn.name() == "_NativeSavedBackward"
    y32, g32 = _grad(K.gelu, x)
    ry, rd, _, _ = _reference("gelu", x.double(), 0.0, 0.0)
    torch.testing.assert_close(y32.double(), ry, rtol=2e-6, atol=1e-30)
    torch.testing.assert_close(g32.double(), rd, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize(("name", "kfn", "cfn", "ref", "node", "saved"), PUBLIC, ids=PUB_IDS)
def test_catalog_double_backward(small_native, name, kfn, cfn, ref, node, saved) -> None:
    x = _public_input(200).requires_grad_()
    owner = "gelu" if name == "gelu_tanh" else name  # the catalog's gelu(approximate=)
    with pytest.raises(K.GradientConsumedError, match=rf"the fused {owner} kernel has no "
                       r"double backward"):
        torch.autograd.grad(cfn(x).sum(), x, create_graph=True)
    # the plain forms differentiate twice, as PyTorch's ops do
    with K.fused(False):
        (g,) = torch.autograd.grad(cfn(x).sum(), x, create_graph=True)
        (h,) = torch.autograd.grad(g.sum(), x)
    xd = x.detach().double().requires_grad_()
    (gd,) = torch.autograd.grad(ref(xd).sum(), xd, create_graph=True)
    if gd.requires_grad:
        (hd,) = torch.autograd.grad(gd.sum(), xd)
    else:  # piecewise linear: f'' = 0
        hd = torch.zeros_like(xd)
    torch.testing.assert_close(g.double(), gd, rtol=2e-6, atol=1e-6)
    torch.testing.assert_close(h.double(), hd, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------------ 4. losses
REDUCTIONS = ["mean", "sum", "none"]
ROWS, COLS = 40, 50


def _loss_data(seed: int, kind: str) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(ROWS, COLS, generator=g) * 4
    if kind == "binary":  # soft targets, and exact 0/1 on every third row
        t = torch.rand(ROWS, COLS, generator=g)
        t[::3] = (t[::3] > 0.5).float()
    else:
        t = torch.randn(ROWS, COLS, generator=g) * 3
        t[0, :5] = x[0, :5]  # d = 0 exactly: the kink of L1 and the series of log-cosh
    return x, t




def _reduce(per: torch.Tensor, reduction: str, w: torch.Tensor | None) -> torch.Tensor:
    # the catalog's convention for element-wise weights: 'mean' divides by the count
    if w is not None:
        per = per * w
    return {"none": per, "sum": per.sum(), "mean": per.mean()}[reduction]


def _check_loss(ours: Callable[..., torch.Tensor], ref: Callable[..., torch.Tensor],
                x: torch.Tensor, t: torch.Tensor, reduction: str, w: torch.Tensor | None,
                rtol: float, atol_unit: torch.Tensor | float, target_grad: bool = False
                ) -> None:
    """Values and gradients of ``ours`` (float32) against ``ref`` (float64).

    Upstream gradient: random for 'none', 0.7 for the scalars (not 1, so the scaling
    is exercised). ``atol_unit`` is the per-element size of the float32 rounding that
    no formula avoids (see the callers); it is multiplied by the element's weight,
    upstream gradient and 1/n for 'mean'.
    """
    n = x.numel()
    up = (torch.rand(x.shape, generator=torch.Generator().manual_seed(1)) + 0.5
          if reduction == "none" else torch.tensor(0.7))
    wd = None if w is None else w.double()
    inputs = (x, t) if target_grad else (x,)

    def f32(*v: torch.Tensor) -> torch.Tensor:
        return ours(v[0], v[1] if target_grad else t, reduction, w)

    def f64(*v: torch.Tensor) -> torch.Tensor:
        return ref(v[0], v[1] if target_grad else t.double(), reduction, wd)

    probe = f32(*[v.clone().requires_grad_() for v in inputs])
    assert probe.grad_fn.name() == "_FusedLossBackward"
    got = _grad(f32, *inputs, g=up)
    exp = _grad(f64, *[v.double() for v in inputs], g=up.double())
    wabs = torch.ones(x.shape, dtype=torch.float64) if w is None else wd.abs().expand(x.shape)
    unit = wabs * torch.as_tensor(atol_unit, dtype=torch.float64)
    gunit = unit * up.double() / (n if reduction == "mean" else 1)
    if reduction == "none":
        lunit = unit * 1.0
    else:  # the float32 rounding of each term, summed
        lunit = unit.sum() / (n if reduction == "mean" else 1)
    for i, (a, b) in enumerate(zip(got, exp)):
        u = lunit if i == 0 else gunit
        err = (a.double() - b).abs()
        tol = rtol * b.abs() + u + 1e-37
        assert bool((err <= tol).all()), (
            f"output {i}: max excess {float((err - tol).max())}, "
            f"worst got={a.flatten()[int(torch.argmax(err - tol))].item()!r} "
            f"ref={b.flatten()[int(torch.argmax(err - tol))].item()!r}")
    if target_grad:  # regression losses depend on x - t only
        torch.testing.assert_close(got[2], -got[1], rtol=0, atol=0)


def _weight(w: bool) -> torch.Tensor | None:
    # one weight per column, broadcasting over the rows
    return torch.rand(1, COLS, generator=torch.Generator().manual_seed(11)) + 0.25 if w else None


@pytest.mark.parametrize("weighted", [False, True], ids=["w=None", "w=(1,n)"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("alpha", [None, 0.25])
@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
@pytest.mark.parametrize("via", ["kernels", "catalog"])
def test_binary_focal_matches_torchvision(small_native, via, gamma, alpha, reduction,
                                          weighted) -> None:
    x, t = _loss_data(0, "binary")
    w = _weight(weighted)
    fn = K.binary_focal_with_logits if via == "kernels" else L.binary_focal

    def ours(a, b, r, ww):
        return fn(a, b, alpha=alpha, gamma=gamma, reduction=r, weight=ww)

    def ref(a, b, r, ww):
        return _reduce(torchvision_focal(a, b, alpha, gamma), r, ww)

    # q^gamma comes from exp(gamma log q): gamma |log q| ulps, q >= 1e-7 here (|x| < 17):
    # 1e-5 relative; the gradient is a difference of terms <= ~1 (sigma - t, gamma q^..):
    # an absolute 1e-6 (~16 ulps of 1) near its zero, where sigma(x) ~ t
    _check_loss(ours, ref, x, t, reduction, w, rtol=1e-5, atol_unit=1e-6)


@pytest.mark.parametrize("weighted", [False, True], ids=["w=None", "w=(1,n)"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("pos_weight", [None, 3.0])
@pytest.mark.parametrize("via", ["kernels", "catalog"])
def test_bce_with_logits_matches_pytorch(small_native, via, pos_weight, smoothing, reduction,
                                         weighted) -> None:
    x, t = _loss_data(1, "binary")
    w = _weight(weighted)
    fn = K.bce_with_logits if via == "kernels" else L.binary_cross_entropy_with_logits
    pw = None if pos_weight is None else torch.tensor(pos_weight, dtype=torch.float64)

    def ours(a, b, r, ww):
        return fn(a, b, reduction=r, weight=ww, pos_weight=pos_weight,
                  label_smoothing=smoothing)

    def ref(a, b, r, ww):
        bs = b * (1 - smoothing) + 0.5 * smoothing
        return _reduce(F.binary_cross_entropy_with_logits(a, bs, pos_weight=pw,
                                                          reduction="none"), r, ww)

    # (1 - t) x + (1 + (w_p - 1) t) softplus(-x) cancels for x << 0, t -> 0 (PyTorch's
    # float32 op too): an absolute ulp of |x| per element, times the weight of positives
    lw = 1.0 if pos_weight is None else pos_weight
    unit = 4 * EPS32 * (x.double().abs() + 1.0) * lw
    _check_loss(ours, ref, x, t, reduction, w, rtol=2e-6, atol_unit=unit)


REGRESSION = [
    ("huber", 0.5), ("huber", 1.0), ("huber", 2.0),
    ("smooth_l1", 0.0), ("smooth_l1", 0.5), ("smooth_l1", 1.0), ("log_cosh", None),
]


def _regression(name: str, p: float | None, via: str
                ) -> tuple[Callable[..., torch.Tensor], Callable[..., torch.Tensor]]:
    mod = K if via == "kernels" else L
    if name == "huber":
        return (lambda a, b, r, w: mod.huber(a, b, reduction=r, weight=w, delta=p),
                lambda a, b, r, w: _reduce(F.huber_loss(a, b, reduction="none", delta=p),
                                           r, w))
    if name == "smooth_l1":
        return (lambda a, b, r, w: mod.smooth_l1(a, b, reduction=r, weight=w, beta=p),
                lambda a, b, r, w: _reduce(F.smooth_l1_loss(a, b, reduction="none", beta=p),
                                           r, w))

    def log_cosh64(a: torch.Tensor, b: torch.Tensor, r: str, w: torch.Tensor | None
                   ) -> torch.Tensor:
        # log cosh d = |d| + softplus(-2|d|) - log 2 (float64, no overflow)
        d = (a - b).abs()
        return _reduce(d + F.softplus(-2.0 * d) - math.log(2.0), r, w)

    return (lambda a, b, r, w: mod.log_cosh(a, b, reduction=r, weight=w)), log_cosh64


@pytest.mark.parametrize("weighted", [False, True], ids=["w=None", "w=(1,n)"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("name", "p"), REGRESSION, ids=[f"{n}({p})" for n, p in REGRESSION])
@pytest.mark.parametrize("via", ["kernels", "catalog"])
def test_regression_losses_match_float64(small_native, via, name, p, reduction,
                                         weighted) -> None:
    x, t = _loss_data(2, "regression")
    ours, ref = _regression(name, p, via)
    # d = x - t is rounded once in float32 (an ulp of max(|x|, |t|)); the loss and its
    # derivative clamp(d) follow it. log-cosh just above the series cut |d| = 1/4 loses
    # log2(0.72 / 0.031) ~ 4.5 bits to a + log1p(e^-2a) - log 2: 4e-6 relative
    rtol = 4e-6 if name == "log_cosh" else 2e-6
    unit = 4 * EPS32 * torch.maximum(x.double().abs(), t.double().abs())
    if name == "smooth_l1" and p:
        unit = unit / p
    _check_loss(ours, ref, x, t, reduction, _weight(weighted), rtol=rtol, atol_unit=unit,
                target_grad=True)


def test_loss_spy_native_only_for_float32(small_native, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    calls: list[str] = []
    real = N.loss

    def spy(kind, *a, **k):
        calls.append(kind)
        return real(kind, *a, **k)

    monkeypatch.setattr(N, "loss", spy)
    x, t = _loss_data(3, "binary")
    x.requires_grad_()
    for fn, kind in [(L.binary_focal, "binary_focal"),
                     (L.binary_cross_entropy_with_logits, "bce_with_logits"),
                     (L.huber, "huber"), (L.smooth_l1, "huber"), (L.log_cosh, "log_cosh")]:
        calls.clear()
        assert fn(x, t).grad_fn.name() == "_FusedLossBackward"
        assert calls == [kind]
        calls.clear()
        fn(x.detach().double().requires_grad_(), t.double())
        assert calls == []  # float64: eager fused form or PyTorch's op
    calls.clear()
    L.smooth_l1(x, t, beta=0.0)
    assert calls == ["l1"]
    calls.clear()
    with K.fused(False):
        assert L.huber(x, t).grad_fn.name() != "_FusedLossBackward"
    assert calls == []


def test_catalog_loss_size_threshold() -> None:
    # the catalog hands a loss to its fused kernel only from MIN_FUSED_LOSS_ELEMENTS on
    n = C.MIN_FUSED_LOSS_ELEMENTS
    below = torch.randn(n - 1, requires_grad=True)
    assert not C.use_fused_loss(below, "huber")
    assert L.huber(below, torch.zeros(n - 1)).grad_fn.name() != "_FusedLossBackward"
    at = torch.randn(n, requires_grad=True)
    assert C.use_fused_loss(at, "huber") and C.use_fused_loss(at, "log_cosh")
    assert L.huber(at, torch.zeros(n)).grad_fn.name() == "_FusedLossBackward"
    # a weight that would enlarge the input, or one that needs a gradient: the plain form
    assert not C.use_fused_loss(at, "huber", torch.ones(2, n))
    assert not C.use_fused_loss(at, "huber", torch.ones(n, requires_grad=True))


@pytest.mark.parametrize("logit", [1e4, -1e4, 88.8, -88.8, 50.0, -50.0])
def test_extreme_logits_are_finite_and_exact(small_native, logit: float) -> None:
    x = torch.full((3,), logit)
    t = torch.tensor([0.0, 1.0, 0.3])
    xd, td = x.double(), t.double()

    def focal64(a: torch.Tensor, gamma: float) -> torch.Tensor:
        # torchvision's formula with 1 - p_t = t sigma(-x) + (1 - t) sigma(x) written
        # without the cancellation 1 - p_t has in float64 itself beyond |x| ~ 37
        q = td * torch.sigmoid(-a) + (1 - td) * torch.sigmoid(a)
        ce = F.binary_cross_entropy_with_logits(a, td, reduction="none")
        return (0.25 * td + 0.75 * (1 - td)) * q**gamma * ce

    cases = [
        (lambda a: K.binary_focal_with_logits(a, t, gamma=2.0, reduction="none"),
         lambda a: focal64(a, 2.0)),
        (lambda a: L.binary_focal(a, t, gamma=3.0, reduction="none"),
         lambda a: focal64(a, 3.0)),
        (lambda a: K.bce_with_logits(a, t, reduction="none"),
         lambda a: F.binary_cross_entropy_with_logits(a, td, reduction="none")),
        (lambda a: K.bce_with_logits(a, t, reduction="none", pos_weight=3.0),
         lambda a: F.binary_cross_entropy_with_logits(
             a, td, reduction="none", pos_weight=torch.tensor(3.0, dtype=torch.float64))),
        (lambda a: K.log_cosh(a, t, reduction="none"),
         lambda a: (a - td).abs() + F.softplus(-2 * (a - td).abs()) - math.log(2.0)),
        (lambda a: K.huber(a, t, reduction="none", delta=1.0),
         lambda a: F.huber_loss(a, td, reduction="none", delta=1.0)),
    ]
    if abs(logit) < 100:  # q^0.5: a negative power of a q that float64 keeps nonzero
        cases.append((lambda a: K.binary_focal_with_logits(a, t, gamma=0.5, reduction="none"),
                      lambda a: focal64(a, 0.5)))
    for ours, ref in cases:
        y, g = _grad(ours, x)
        y64, g64 = _grad(ref, xd)
        assert bool(torch.isfinite(y).all()) and bool(torch.isfinite(g).all())
        # bce's (1 - t) x + softplus(-x) cancels for x << 0: an ulp of |x| absolute
        torch.testing.assert_close(y.double(), y64, rtol=2e-6, atol=8 * EPS32 * abs(logit))
        torch.testing.assert_close(g.double(), g64, rtol=2e-6, atol=1e-6)


def test_log_cosh_against_mpmath(small_native) -> None:
    # tiny, series-zone, cut-off, moderate and huge differences
    ds = [0.0, 1e-30, -3e-4, 0.1, -0.2499, 0.2501, -1.0, 3.0, -20.0, 1e4, -3e30]
    mpmath.mp.dps = 40
    ref_l = torch.tensor([float(mpmath.log(mpmath.cosh(mpmath.mpf(d)))) for d in ds],
                         dtype=torch.float64)
    ref_g = torch.tensor([float(mpmath.tanh(mpmath.mpf(d))) for d in ds], dtype=torch.float64)
    x = torch.tensor(ds)
    per, g = _grad(lambda a: K.log_cosh(a, torch.zeros(len(ds)), reduction="none"), x)
    # 4e-6: the cut-off zone (see test_regression_losses_match_float64); the float32
    # inputs are the mpmath points rounded: 1e-30 and 3e30 are not exact, d^2/2 and
    # |d| keep the rounding's relative size (6e-8)
    torch.testing.assert_close(per.double(), ref_l, rtol=4e-6, atol=1e-37)
    torch.testing.assert_close(g.double(), ref_g, rtol=2e-6, atol=1e-37)


@pytest.mark.parametrize("via", ["kernels", "catalog"])
@pytest.mark.parametrize("name", ["binary_focal", "bce", "huber", "smooth_l1", "log_cosh"])
def test_empty_input(small_native, via: str, name: str) -> None:
    mod = K if via == "kernels" else L
    fn = {"binary_focal": mod.binary_focal_with_logits if via == "kernels" else L.binary_focal,
          "bce": K.bce_with_logits if via == "kernels" else L.binary_cross_entropy_with_logits,
          "huber": mod.huber, "smooth_l1": mod.smooth_l1, "log_cosh": mod.log_cosh}[name]
    e = torch.empty(0, 4)
    # PyTorch's reductions of nothing: the mean is nan (0/0), the sum 0
    assert math.isnan(float(F.l1_loss(e, e, reduction="mean")))
    assert math.isnan(float(fn(e, e, reduction="mean")))
    xe = e.clone().requires_grad_()
    s = fn(xe, e, reduction="sum")
    torch.testing.assert_close(s.detach(), torch.tensor(0.0), rtol=0, atol=0)
    s.backward()
    assert xe.grad is not None and xe.grad.shape == (0, 4)
    assert fn(e, e, reduction="none").shape == (0, 4)


@pytest.mark.parametrize("name", ["binary_focal", "bce", "huber", "smooth_l1", "log_cosh"])
def test_second_backward_is_refused(small_native, name: str) -> None:
    fn = {"binary_focal": L.binary_focal, "bce": L.binary_cross_entropy_with_logits,
          "huber": L.huber, "smooth_l1": L.smooth_l1, "log_cosh": L.log_cosh}[name]
    owner = {"bce": "bce_with_logits"}.get(name, name)
    x, t = _loss_data(4, "binary")
    x.requires_grad_()
    loss = fn(x, t)
    assert loss.grad_fn.name() == "_FusedLossBackward"
    loss.backward(retain_graph=True)
    first = x.grad.clone()
    with pytest.raises(K.GradientConsumedError, match=rf"the fused {owner} kernel can be "
                       "differentiated once per forward"):
        loss.backward()
    with pytest.raises(K.GradientConsumedError, match=rf"the fused {owner} kernel has no "
                       "double backward"):
        torch.autograd.grad(fn(x, t), x, create_graph=True)
    # the plain forms differentiate twice, with the same first gradient
    with K.fused(False):
        x2 = x.detach().clone().requires_grad_()
        again = fn(x2, t)
        again.backward(retain_graph=True)
        again.backward()
    torch.testing.assert_close(x2.grad, 2 * first, rtol=2e-6, atol=1e-9)


@pytest.mark.parametrize("name", ["silu", "mish", "softplus"])
def test_saved_derivative_survives_retain_graph(small_native, name: str) -> None:
    # the backward writes the gradient over the saved f'(x) only when the graph is not
    # kept: three backward passes with retain_graph=True, then a last one, all equal to
    # PyTorch's float64 gradient
    x = (torch.randn(5000, generator=torch.Generator().manual_seed(5)) * 4).requires_grad_()
    g = torch.rand(5000, generator=torch.Generator().manual_seed(6))
    y = getattr(K, name)(x)
    assert y.grad_fn.name() == "_NativeSavedBackward"
    xd = x.detach().double().requires_grad_()
    (ref,) = torch.autograd.grad(getattr(F, name)(xd), xd, g.double())
    for keep in (True, True, True, False):
        (got,) = torch.autograd.grad(y, x, g, retain_graph=keep)
        torch.testing.assert_close(got.double(), ref, rtol=2e-5, atol=2e-6)


def test_measured_policy_keeps_pytorch_where_native_lost() -> None:
    # the measured table: ReLU, leaky ReLU, sigmoid and exact GELU run PyTorch's op by
    # default (the native form did not beat it); the others run native
    x = _public_input(200_000).requires_grad_()
    assert K.relu(x).grad_fn.name() == "ReluBackward0"
    assert K.leaky_relu(x).grad_fn.name() == "LeakyReluBackward0"
    assert K.sigmoid(x).grad_fn.name() == "SigmoidBackward0"
    assert K.gelu(x).grad_fn.name() == "GeluBackward0"
    assert K.relu(x, memory_efficient=True).grad_fn.name() == "_NativeMaskBackward"
    assert K.tanh(x).grad_fn.name() == "_NativeFromOutputBackward"
    assert K.mish(x).grad_fn.name() == "_NativeSavedBackward"
