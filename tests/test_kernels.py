"""The opt-in fast paths (actloss.kernels) and the pure catalog they sit behind.

References: the catalog's reference path is PyTorch's own op (compared bit for bit),
and every fast implementation is compared with the reference evaluated in float64 on
the same rounded input, within the error bound its table entry states (units of
``eps * max(|reference|, 1)``, see ``actloss.kernels._table``). Second derivatives are
compared with the reference's double backward; infinities with the mathematical limits.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import actloss.kernels as K
from actloss import _fast
from actloss import activations as A
from actloss import losses as L
from actloss.errors import ParameterError
from actloss.kernels import _native
from actloss.kernels import _table as T

ROOT = Path(__file__).resolve().parents[1]
NATIVE = _native.library() is not None  # conftest builds it where a compiler exists
N17 = 1 << 17

pytestmark = pytest.mark.filterwarnings("ignore:the native library is not built")

ACT_PARAMS = {
    "silu": {"beta": 1.0, "memory_efficient": False},
    "mish": {"memory_efficient": False},
    "tanh": {"memory_efficient": False},
    "elu": {"alpha": 1.0, "memory_efficient": False},
    "softplus": {"beta": 1.0, "threshold": 20.0, "memory_efficient": False},
    "gelu_tanh": {},
    "gelu": {"approximate": "tanh", "memory_efficient": False},
    "relu": {"memory_efficient": False},
    "leaky_relu": {"negative_slope": 0.01, "memory_efficient": False},
    "sigmoid": {"memory_efficient": False},
}
# an implementation of a name that takes other parameters: (name, its index in the table)
IMPL_PARAMS = {("gelu", 1): {"approximate": "none", "memory_efficient": False}}


def _act_params(impl: T.Impl) -> dict:
    return IMPL_PARAMS.get((impl.name, T.TABLE[impl.name].index(impl)), ACT_PARAMS[impl.name])
LOSS_PARAMS = {
    "bce_with_logits": {"pos_weight": None},
    "binary_focal": {"alpha": 0.25, "gamma": 2.0},
    "huber": {"delta": 1.0},
    "smooth_l1": {"beta": 0.5},
    "log_cosh": {},
}
LOSS_FN = {
    "bce_with_logits": L.binary_cross_entropy_with_logits, "binary_focal": L.binary_focal,
    "huber": L.huber, "smooth_l1": L.smooth_l1, "log_cosh": L.log_cosh,
}


def _units(y: torch.Tensor, r: torch.Tensor, dtype: torch.dtype) -> float:
    """Largest error of ``y`` against the float64 reference ``r``, in units of
    ``eps * max(|r|, 1)``; equal values (infinities, NaN against NaN) count 0."""
    y, r = y.detach().double().reshape(-1), r.detach().double().reshape(-1)
    same = (y == r) | (torch.isnan(y) & torch.isnan(r))
    err = (y - r).abs() / (torch.finfo(dtype).eps * r.abs().clamp_min(1.0))
    err[same] = 0.0
    return float(err.max()) if err.numel() else 0.0


def _impls(kinds: tuple[str, ...]) -> list[tuple[T.Impl, torch.dtype]]:
    out = []
    for impl in T.implementations():
        if impl.name not in kinds:
            continue
        for dt in impl.dtypes:
            if dt in (torch.float32, torch.float64):
                out.append((impl, dt))
    return out


def _id(case: tuple[T.Impl, torch.dtype]) -> str:
    impl, dt = case
    return f"{impl.name}-{impl.impl}-{str(dt).removeprefix('torch.')}"


def _need(impl: T.Impl) -> None:
    if impl.impl == "native" and not NATIVE:
        pytest.skip("native library not built (no C compiler)")


def _act_input(n: int, dtype: torch.dtype, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, generator=g, dtype=torch.float64) * 6
    x[:8] = torch.tensor([0.0, -0.0, 1e-30, -1e-30, 30.0, -30.0, 100.0, -100.0])
    return x.to(dtype)


ACT_CASES = _impls(tuple(ACT_PARAMS))
LOSS_CASES = _impls(tuple(LOSS_PARAMS))


# ------------------------------------------------------------------ the pure catalog
def test_the_catalog_never_names_the_fast_package():
    src = ROOT / "src" / "actloss"
    hits = [str(p.relative_to(src)) for d in ("activations", "losses")
            for p in (src / d).rglob("*.py") if "kernels" in p.read_text(encoding="utf-8")]
    assert hits == []


def test_importing_the_fast_package_loads_no_catalog():
    code = ("import sys, actloss.kernels; "
            "print(sorted(m for m in sys.modules if m.startswith(('actloss.losses', "
            "'actloss.activations'))))")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True, timeout=120)
    assert out.stdout.strip() == "[]"


DEFAULT = [("silu", F.silu, {}), ("mish", F.mish, {}), ("tanh", torch.tanh, {}),
           ("elu", F.elu, {}), ("softplus", F.softplus, {}), ("gelu", F.gelu, {}),
           ("sigmoid", torch.sigmoid, {}), ("relu", torch.relu, {}),
           ("leaky_relu", F.leaky_relu, {})]


@pytest.mark.parametrize("n", [4096, N17, 1 << 20])
@pytest.mark.parametrize(("name", "op", "kw"), DEFAULT, ids=[d[0] for d in DEFAULT])
def test_default_path_is_pytorchs_op_bit_for_bit(name, op, kw, n):
    x = _act_input(n, torch.float32, seed=n)
    xa, xr = x.clone().requires_grad_(), x.clone().requires_grad_()
    y, r = getattr(A, name)(xa, **kw), op(xr, **kw)
    assert torch.equal(y, r)
    g = torch.linspace(-2, 2, n)
    y.backward(g)
    r.backward(g)
    assert torch.equal(xa.grad, xr.grad)
    # twice differentiable, as PyTorch's op
    xa = x[:4096].clone().requires_grad_()
    (d,) = torch.autograd.grad(getattr(A, name)(xa, **kw).sum(), xa, create_graph=True)
    if d.requires_grad:
        torch.autograd.grad(d.sum(), xa, allow_unused=True)


def test_default_path_is_pytorchs_op_before_and_after_a_build(tmp_path):
    # a fresh process and cache: the same bits on a cold cache, after
    # `actloss kernels --build`, and (another process) on the warm cache
    script = textwrap.dedent("""
        import sys, torch, torch.nn.functional as F
        from actloss import activations as A, cli
        CASES = [("silu", F.silu), ("mish", F.mish), ("tanh", torch.tanh), ("elu", F.elu),
                 ("softplus", F.softplus)]
        def check():
            for n in (4096, 1 << 17, 1 << 20):
                x = torch.randn(n, generator=torch.Generator().manual_seed(n)) * 6
                for name, op in CASES:
                    xa, xr = x.clone().requires_grad_(), x.clone().requires_grad_()
                    y, r = getattr(A, name)(xa), op(xr)
                    assert torch.equal(y, r), name
                    y.sum().backward(); r.sum().backward()
                    assert torch.equal(xa.grad, xr.grad), name
        check()
        if sys.argv[1] == "build":
            print("build exit", cli.main(["kernels", "--build"]))
            check()
        print("same bits")
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
           "ACTLOSS_CACHE_DIR": str(tmp_path / "cache")}
    for step in ("build", "warm"):
        out = subprocess.run([sys.executable, "-c", script, step], capture_output=True,
                             text=True, env=env, timeout=300, check=False)
        assert out.returncode == 0, out.stderr
        assert "same bits" in out.stdout
        if step == "build" and _native._compiler() is not None and _native.native_enabled():
            assert "build exit 0" in out.stdout and "ready" in out.stdout


def test_binary_focal_second_derivative_matches_torchvisions_formula():
    # torchvision.ops.sigmoid_focal_loss, written out in float64 (its published formula)
    def torchvision_focal(x, y, alpha=0.25, gamma=2.0):
        p = torch.sigmoid(x)
        ce = F.binary_cross_entropy_with_logits(x, y, reduction="none")
        p_t = p * y + (1 - p) * (1 - y)
        loss = ce * (1 - p_t) ** gamma
        return ((alpha * y + (1 - alpha) * (1 - y)) * loss).sum()

    for gamma in (0.5, 1.0, 2.0, 3.5):
        x = torch.tensor([-1.5, 0.3, 2.0], dtype=torch.float64, requires_grad=True)
        y = torch.tensor([1.0, 0.0, 0.7], dtype=torch.float64)
        (g,) = torch.autograd.grad(L.binary_focal(x, y, gamma=gamma, reduction="sum"), x,
                                   create_graph=True)
        (h,) = torch.autograd.grad(g.sum(), x)
        xr = x.detach().clone().requires_grad_()
        (gr,) = torch.autograd.grad(torchvision_focal(xr, y, gamma=gamma), xr,
                                    create_graph=True)
        (hr,) = torch.autograd.grad(gr.sum(), xr)
        torch.testing.assert_close(h, hr, rtol=1e-10, atol=1e-12)
    # x = -1.5, target 1, gamma 2: the Hessian is about 0.0777 (torchvision's formula)
    assert h is not None
    # float32 logits of +-100: finite second derivatives
    x = torch.tensor([100.0, -100.0, 100.0, -100.0], requires_grad=True)
    y = torch.tensor([1.0, 1.0, 0.0, 0.0])
    for gamma in (0.5, 2.0):
        (g,) = torch.autograd.grad(L.binary_focal(x, y, gamma=gamma, reduction="sum"), x,
                                   create_graph=True)
        (h,) = torch.autograd.grad(g.sum(), x)
        assert torch.isfinite(g).all() and torch.isfinite(h).all()


# -------------------------------------------------------- the fast paths' accuracy
@pytest.mark.parametrize("case", ACT_CASES, ids=[_id(c) for c in ACT_CASES])
def test_fast_activation_within_its_bound(case):
    impl, dt = case
    _need(impl)
    p = _act_params(impl)
    ref = getattr(A, impl.name)
    x = _act_input(N17, dt).requires_grad_()
    y = impl.fn(x, **p)
    (gy,) = torch.autograd.grad(y, x, torch.ones_like(y))
    xr = x.detach().double().requires_grad_()
    r = ref(xr, **p)
    (gr,) = torch.autograd.grad(r, xr, torch.ones_like(r))
    assert y.dtype == dt and y.shape == x.shape
    assert _units(y, r, dt) <= impl.ulp
    assert _units(gy, gr, dt) <= impl.ulp


def _loss_inputs(n: int, dt: torch.dtype) -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(5)
    x = torch.randn(n, generator=g, dtype=torch.float64) * 6
    t = torch.rand(n, generator=g, dtype=torch.float64)
    w = torch.rand(n, generator=g, dtype=torch.float64)
    return x.to(dt), t.to(dt), w.to(dt)


@pytest.mark.parametrize("reduction", ["sum", "none", "mean"])
@pytest.mark.parametrize("case", LOSS_CASES, ids=[_id(c) for c in LOSS_CASES])
def test_fast_elementwise_loss_within_its_bound(case, reduction):
    impl, dt = case
    _need(impl)
    p = LOSS_PARAMS[impl.name]
    x, t, w = _loss_inputs(N17, dt)
    x.requires_grad_()
    y = impl.fn(x, t, reduction=reduction, weight=w, **p)
    (gy,) = torch.autograd.grad(y, x, torch.ones_like(y))
    xr = x.detach().double().requires_grad_()
    r = LOSS_FN[impl.name](xr, t.double(), reduction=reduction, weight=w.double(), **p)
    (gr,) = torch.autograd.grad(r, xr, torch.ones_like(r))
    assert _units(y, r, dt) <= impl.ulp
    if reduction == "mean":  # gradients of size 1/n: compare them scaled back
        gy, gr = gy * N17, gr * N17
    assert _units(gy, gr, dt) <= impl.ulp


ROW_CASES = _impls(("cross_entropy", "softmax_focal"))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("case", ROW_CASES, ids=[_id(c) for c in ROW_CASES])
def test_fast_row_losses_within_their_bound(case, weighted):
    impl, dt = case
    g = torch.Generator().manual_seed(9)
    x = (torch.randn(512, 256, generator=g, dtype=torch.float64) * 4).to(dt)
    t = torch.randint(0, 256, (512,), generator=g)
    t[:7] = -100
    w = torch.rand(256, generator=g, dtype=torch.float64).to(dt) if weighted else None
    if impl.name == "cross_entropy":
        p = {"ignore_index": -100, "label_smoothing": 0.1, "reduction": "sum"}

        def ref(z):
            return L.cross_entropy(z, t, weight=None if w is None else w.double(),
                                   ignore_index=-100, label_smoothing=0.1, reduction="sum")
    else:
        p = {"gamma": 2.0, "ignore_index": -100, "reduction": "sum"}

        def ref(z):
            return L.categorical_focal(z, t, weight=None if w is None else w.double(),
                                       gamma=2.0, ignore_index=-100, reduction="sum")
    xf = x.clone().requires_grad_()
    y = impl.fn(xf, t, weight=w, **p)
    (gy,) = torch.autograd.grad(y, xf)
    xr = x.double().requires_grad_()
    r = ref(xr)
    (gr,) = torch.autograd.grad(r, xr)
    assert _units(y, r, dt) <= impl.ulp
    assert _units(gy, gr, dt) <= impl.ulp


REGION_CASES = _impls(("dice", "tversky"))


@pytest.mark.parametrize("case", REGION_CASES, ids=[_id(c) for c in REGION_CASES])
def test_fast_region_losses_within_their_bound(case):
    impl, dt = case
    g = torch.Generator().manual_seed(4)
    p = torch.rand(16, 8192, generator=g, dtype=torch.float64).to(dt).requires_grad_()
    m = (torch.rand(16, 8192, generator=g) > 0.5).to(dt)
    kw = {"smooth": 1.0} if impl.name == "dice" else {"alpha": 0.3, "beta": 0.7, "smooth": 1.0}
    y = impl.fn(p, m, reduction="sum", weight=None, **kw)
    (gy,) = torch.autograd.grad(y, p)
    pr = p.detach().double().requires_grad_()
    r = getattr(L, impl.name)(pr, m.double(), reduction="sum", **kw)
    (gr,) = torch.autograd.grad(r, pr)
    assert _units(y, r, dt) <= impl.ulp
    assert _units(gy * 8192, gr * 8192, dt) <= impl.ulp


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_fast_linear_cross_entropy_within_its_bound(dtype, reduction):
    (impl,) = T.TABLE["linear_cross_entropy"]
    g = torch.Generator().manual_seed(2)
    h = torch.randn(256, 64, generator=g, dtype=torch.float64)
    w = torch.randn(512, 64, generator=g, dtype=torch.float64) * 0.2
    b = torch.randn(512, generator=g, dtype=torch.float64)
    t = torch.randint(0, 512, (256,), generator=g)
    t[:3] = -100
    kw = {"ignore_index": -100, "label_smoothing": 0.05, "softcap": 30.0,
          "reduction": reduction}
    hf, wf, bf = (v.to(dtype).requires_grad_() for v in (h, w, b))
    y = impl.fn(hf, wf, t, bias=bf, **kw)
    grads = torch.autograd.grad(y, (hf, wf, bf), torch.ones_like(y))
    hr, wr, br = (v.detach().double().requires_grad_() for v in (hf, wf, bf))
    r = L.linear_cross_entropy(hr, wr, t, bias=br, **kw)
    refs = torch.autograd.grad(r, (hr, wr, br), torch.ones_like(r))
    # bfloat16 inputs are reduced in float32 and rounded once: the bound is in units of
    # the result's dtype, as for every entry
    assert _units(y, r, dtype) <= impl.ulp
    scale = 256 if reduction == "mean" else 1
    for a, e in zip(grads, refs):
        assert _units(a * scale, e * scale, dtype) <= impl.ulp


LARGE = [("silu", "native"), ("huber", "native")]
# the other native activations at 2^24 elements: streamed stores, reused output storages
LARGE_ACT = [c for c in ACT_CASES if c[0].impl == "native" and c[0].name != "silu"]


@pytest.mark.parametrize("case", LARGE_ACT, ids=[_id(c) for c in LARGE_ACT])
def test_fast_activations_within_their_bound_at_2_24(case):
    impl, dt = case
    _need(impl)
    p = _act_params(impl)
    x = _act_input(1 << 24, dt).requires_grad_()
    y = impl.fn(x, **p)
    (gy,) = torch.autograd.grad(y, x, torch.ones_like(y))
    xr = x.detach().double().requires_grad_()
    r = getattr(A, impl.name)(xr, **p)
    (gr,) = torch.autograd.grad(r, xr, torch.ones_like(r))
    assert _units(y, r, dt) <= impl.ulp
    del y, r
    assert _units(gy, gr, dt) <= impl.ulp


@pytest.mark.parametrize(("name", "kind"), LARGE, ids=[f"{n}-{k}" for n, k in LARGE])
def test_fast_paths_within_their_bound_at_2_24(name, kind):
    (impl,) = [i for i in T.TABLE[name] if i.impl == kind]
    _need(impl)
    n = 1 << 24
    if name == "silu":
        x = _act_input(n, torch.float32).requires_grad_()
        y = impl.fn(x, **ACT_PARAMS[name])
        (gy,) = torch.autograd.grad(y, x, torch.ones_like(y))
        xr = x.detach().double().requires_grad_()
        r = A.silu(xr)
        (gr,) = torch.autograd.grad(r, xr, torch.ones_like(r))
    else:
        x, t, _ = _loss_inputs(n, torch.float32)
        x.requires_grad_()
        y = impl.fn(x, t, reduction="sum", weight=None, **LOSS_PARAMS[name])
        (gy,) = torch.autograd.grad(y, x)
        xr = x.detach().double().requires_grad_()
        r = LOSS_FN[name](xr, t.double(), reduction="sum", **LOSS_PARAMS[name])
        (gr,) = torch.autograd.grad(r, xr)
    assert _units(y, r, torch.float32) <= impl.ulp
    assert _units(gy, gr, torch.float32) <= impl.ulp


# ------------------------------------------------------------ double backward, limits
def _double_backward_case(impl: T.Impl, dt: torch.dtype):
    """(fast loss of x, reference loss of x, x) for one implementation at 2^17 elements."""
    n = N17
    if impl.name in ACT_PARAMS:
        x = _act_input(n, dt)
        p = _act_params(impl)
        return (lambda v: (impl.fn(v, **p) ** 2).sum(),
                lambda v: (getattr(A, impl.name)(v, **p) ** 2).sum(), x)
    if impl.name in LOSS_PARAMS:
        x, t, w = _loss_inputs(n, dt)
        p = LOSS_PARAMS[impl.name]
        return (lambda v: impl.fn(v, t, reduction="mean", weight=w, **p),
                lambda v: LOSS_FN[impl.name](v, t, reduction="mean", weight=w, **p), x)
    if impl.name in ("cross_entropy", "softmax_focal"):
        g = torch.Generator().manual_seed(1)
        x = (torch.randn(512, 256, generator=g, dtype=torch.float64) * 3).to(dt)
        t = torch.randint(0, 256, (512,), generator=g)
        if impl.name == "cross_entropy":
            return (lambda v: impl.fn(v, t, weight=None, ignore_index=-100,
                                      label_smoothing=0.1, reduction="mean"),
                    lambda v: L.cross_entropy(v, t, label_smoothing=0.1), x)
        return (lambda v: impl.fn(v, t, gamma=2.0, weight=None, ignore_index=-100,
                                  reduction="mean"),
                lambda v: L.categorical_focal(v, t, gamma=2.0), x)
    if impl.name in ("dice", "tversky"):
        g = torch.Generator().manual_seed(1)
        x = torch.rand(16, 8192, generator=g, dtype=torch.float64).to(dt)
        m = (torch.rand(16, 8192, generator=g) > 0.5).to(dt)
        return (lambda v: impl.fn(v, m, reduction="mean", weight=None, smooth=1.0,
                                  **({} if impl.name == "dice" else {"alpha": .3, "beta": .7})),
                lambda v: getattr(L, impl.name)(v, m, smooth=1.0), x)
    g = torch.Generator().manual_seed(1)  # linear_cross_entropy: hidden of 2^17 elements
    h = torch.randn(1024, 128, generator=g, dtype=torch.float64).to(dt)
    w = (torch.randn(300, 128, generator=g, dtype=torch.float64) * 0.1).to(dt)
    t = torch.randint(0, 300, (1024,), generator=g)
    kw = {"ignore_index": -100, "label_smoothing": 0.0, "softcap": None, "reduction": "mean"}
    return (lambda v: impl.fn(v, w, t, bias=None, **kw),
            lambda v: L.linear_cross_entropy(v, w, t), h)


DB_CASES = _impls(tuple(T.TABLE))


@pytest.mark.parametrize("case", DB_CASES, ids=[_id(c) for c in DB_CASES])
def test_double_backward_of_every_fast_implementation(case):
    # gradgradcheck-style: the Hessian-vector product through the fast path's
    # create_graph backward equals the reference's, at 2^17 elements
    impl, dt = case
    _need(impl)
    fast, ref, x0 = _double_backward_case(impl, dt)
    v = torch.randn(x0.shape, generator=torch.Generator().manual_seed(3), dtype=dt)
    out = []
    for f in (fast, ref):
        x = x0.clone().requires_grad_()
        (g,) = torch.autograd.grad(f(x), x, create_graph=True)
        (hv,) = torch.autograd.grad((g * v).sum(), x)
        out.append((g.detach(), hv))
    (g1, h1), (g0, h0) = out
    tol = {"rtol": 1e-4, "atol": 1e-6} if dt == torch.float32 else {"rtol": 1e-9, "atol": 1e-12}
    tol["equal_nan"] = True  # PyTorch's own mish double backward is NaN at x = 100
    torch.testing.assert_close(g1, g0, **tol)
    torch.testing.assert_close(h1, h0, **tol)


def test_a_second_backward_through_a_fast_loss_recomputes():
    impl = T.TABLE["binary_focal"][-1]  # the eager form: runs everywhere
    x, t, _ = _loss_inputs(N17, torch.float64)
    x.requires_grad_()
    y = impl.fn(x, t, reduction="mean", weight=None, **LOSS_PARAMS["binary_focal"])
    (g1,) = torch.autograd.grad(y, x, retain_graph=True)
    (g2,) = torch.autograd.grad(y, x)
    torch.testing.assert_close(g1, g2, rtol=1e-12, atol=1e-15)


# mathematical limits at +-inf: (f(inf), f(-inf), f'(inf), f'(-inf))
LIMITS = {
    "silu": (math.inf, 0.0, 1.0, 0.0), "mish": (math.inf, 0.0, 1.0, 0.0),
    "tanh": (1.0, -1.0, 0.0, 0.0), "elu": (math.inf, -1.0, 1.0, 0.0),
    "softplus": (math.inf, 0.0, 1.0, 0.0), "gelu_tanh": (math.inf, 0.0, 1.0, 0.0),
    "gelu": (math.inf, 0.0, 1.0, 0.0), "relu": (math.inf, 0.0, 1.0, 0.0),
    "leaky_relu": (math.inf, -math.inf, 1.0, 0.01), "sigmoid": (1.0, 0.0, 0.0, 0.0),
}


@pytest.mark.parametrize("case", ACT_CASES, ids=[_id(c) for c in ACT_CASES])
def test_fast_activation_infinities_and_nan_are_the_mathematical_limits(case):
    impl, dt = case
    _need(impl)
    x = torch.zeros(N17, dtype=dt)
    x[:3] = torch.tensor([math.inf, -math.inf, math.nan])
    x.requires_grad_()
    y = impl.fn(x, **_act_params(impl))
    (g,) = torch.autograd.grad(y, x, torch.ones_like(y))
    f_pos, f_neg, d_pos, d_neg = LIMITS[impl.name]
    torch.testing.assert_close(y[:2].double(), torch.tensor([f_pos, f_neg], dtype=torch.float64),
                               rtol=0, atol=0)
    assert math.isnan(float(y[2].detach()))
    torch.testing.assert_close(g[:2].double(), torch.tensor([d_pos, d_neg], dtype=torch.float64),
                               rtol=4 * torch.finfo(dt).eps, atol=0)


def test_catalog_gelu_far_tails_are_the_mathematical_limits():
    # gelu(x) = x Phi(x) tends to x at +inf and to 0 at -inf. The catalog runs PyTorch's
    # op, whose value at an infinite input depends on how its kernel is vectorised (in
    # float32, torch 2.13 gives inf for a one-element tensor and NaN in longer ones, with
    # its AVX-512, AVX2 and scalar kernels alike), so no infinity is asserted here; the
    # fast path's infinities are, above, against the limits
    x = torch.tensor([1e30, 50.0, -50.0, -1e30, 0.0])
    y = A.gelu(x)
    torch.testing.assert_close(y, torch.tensor([1e30, 50.0, 0.0, 0.0, 0.0]), rtol=0, atol=0)


# ------------------------------------------------------------------ outputs, the API
def test_fast_outputs_behave_like_pytorchs():
    # in-place ops after a fast activation at a large batch (outputs are not views),
    # memory format kept, storage resizable
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(8, 8, 1), A.get("silu", fast=True),
                        nn.Dropout(0.1, inplace=True))
    x = torch.randn(4, 8, 64, 128)  # 2^18 elements after the conv
    net(x).sum().backward()
    assert net[0].weight.grad is not None
    xc = torch.randn(2, 16, 64, 64).to(memory_format=torch.channels_last).requires_grad_()
    for name in ("silu", "mish", "tanh", "elu", "softplus", "gelu_tanh"):
        with K.enable():
            y = getattr(A, name)(xc)
        assert y._base is None
        assert y.is_contiguous(memory_format=torch.channels_last)
        r = getattr(A, name)(xc.detach())
        torch.testing.assert_close(y.detach(), r, rtol=1e-5, atol=1e-6)
        y.sum().backward()
        assert y.untyped_storage().resizable()
        y.detach().resize_(3)


@pytest.mark.parametrize("name", ["relu", "silu", "sigmoid"])
def test_large_fast_outputs_are_ordinary_tensors_and_never_overwritten(name):
    # from 32 MiB on the outputs and gradients reuse storages nothing refers to any
    # more: a second call must leave the first output alone, in-place ops and resizing
    # work, and the values are PyTorch's op's (relu: bit for bit)
    if not NATIVE:
        pytest.skip("native library not built (no C compiler)")
    n = T.MIN_POOLED
    x = _act_input(n, torch.float32).requires_grad_()
    op = getattr(A, name)
    with K.enable():
        assert K.lookup(name, x, **_act_params(T.TABLE[name][0])).impl == "native"
        y1 = op(x)
        keep = y1.detach().clone()
        y2 = op(-x)
    assert y1._base is None and y2._base is None
    torch.testing.assert_close(y1.detach(), keep, rtol=0, atol=0)
    tol = {"rtol": 0, "atol": 0} if name == "relu" else {"rtol": 4e-7, "atol": 1e-7}
    torch.testing.assert_close(y2.detach(), op(-x.detach()), **tol)
    y1.backward(torch.ones_like(y1))
    g1 = x.grad.clone()
    with K.enable():
        op(x).backward(torch.ones_like(y1))  # the second gradient accumulates
    torch.testing.assert_close(x.grad, 2 * g1, rtol=0, atol=0)
    nn.functional.dropout(y2, 0.5, training=True, inplace=True)  # in place on the output
    y2.detach().resize_(n + 1)
    xc = x.detach().reshape(8, 64, 128, 128).to(memory_format=torch.channels_last)
    with K.enable():
        yc = op(xc.requires_grad_())
    assert yc.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(yc.detach(), op(xc.detach()), **tol)
    yc.backward(torch.ones(yc.shape))  # a contiguous gradient for a channels-last output
    assert xc.grad.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(xc.grad, g1.reshape(xc.shape), rtol=0, atol=0)


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_mask_form_keeps_a_channels_last_layout(name):
    if not NATIVE:
        pytest.skip("native library not built (no C compiler)")
    x = _act_input(N17, torch.float32).reshape(2, 16, 64, 64)
    xc = x.to(memory_format=torch.channels_last).requires_grad_()
    with K.enable():
        y = getattr(A, name)(xc, memory_efficient=True)
    assert y.is_contiguous(memory_format=torch.channels_last)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(2))  # contiguous
    y.backward(g)
    xr = x.clone().requires_grad_()
    r = F.relu(xr) if name == "relu" else F.leaky_relu(xr, 0.01)
    r.backward(g)
    torch.testing.assert_close(y.detach(), r.detach(), rtol=0, atol=0)
    torch.testing.assert_close(xc.grad, xr.grad, rtol=0, atol=0)


def test_enable_is_a_function_and_a_context_manager():
    assert not K.enabled() and _fast.route is None
    with K.enable():
        assert K.enabled() and _fast.route is not None
        with K.enable(False):
            assert not K.enabled()
        assert K.enabled()
    assert not K.enabled() and _fast.route is None
    K.enable()
    try:
        assert K.enabled()
    finally:
        K.enable(False)
    assert not K.enabled()


def test_enable_refuses_a_non_bool():
    with pytest.raises(ParameterError, match="`enabled` of enable must be a bool; got 'yes'"):
        K.enable("yes")  # type: ignore[arg-type]


def test_enable_without_a_library_warns_once_and_runs_eagerly(monkeypatch):
    monkeypatch.setattr(_native, "library", lambda: None)
    monkeypatch.setattr(_native._NATIVE, "on", True)  # on, but nothing built
    monkeypatch.setattr(K, "_warned", False)
    x = _act_input(N17, torch.float64).requires_grad_()
    with pytest.warns(RuntimeWarning, match="native library is not built"):
        with K.enable():
            y = A.mish(x)
    assert type(y.grad_fn).__name__ == "_EagerMishBackward"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with K.enable():
            A.mish(x)


def test_the_router_picks_the_first_supported_implementation(monkeypatch):
    x = torch.randn(N17)
    if NATIVE:
        assert K.lookup("mish", x, memory_efficient=False).impl == "native"
    monkeypatch.setattr(_native, "library", lambda: None)
    assert K.lookup("mish", x, memory_efficient=False).impl == "eager"
    assert K.lookup("mish", x[:100], memory_efficient=False) is None  # too small
    assert K.lookup("mish", x.half(), memory_efficient=False) is None
    assert K.lookup("no_such_function", x) is None


@pytest.mark.parametrize(("name", "kw", "op"), [
    ("elu", {"alpha": 0.0}, lambda v: F.elu(v, 0.0)),
    ("leaky_relu", {"negative_slope": 3.0, "memory_efficient": True},
     lambda v: F.leaky_relu(v, 3.0)),
    ("silu", {"beta": 2.0}, lambda v: v * torch.sigmoid(2.0 * v)),
])
def test_values_outside_a_support_rule_run_the_reference(name, kw, op):
    x = _act_input(N17, torch.float32)
    with K.enable():
        y = getattr(A, name)(x, **kw)
    torch.testing.assert_close(y, op(x), rtol=0, atol=0)


def test_get_fast_binds_at_construction():
    m = A.get("mish", fast=True)
    assert isinstance(m, K.FastModule) and not K.enabled()
    x = _act_input(N17, torch.float64).requires_grad_()
    y = m(x)
    assert "Mish" in type(y.grad_fn).__name__ and "Mish" != type(y.grad_fn).__name__
    assert A.get("mish")(x).grad_fn.name() == F.mish(x).grad_fn.name()  # unbound: PyTorch
    loss = L.get("log_cosh", fast=True)
    x, t, _ = _loss_inputs(N17, torch.float64)
    torch.testing.assert_close(loss(x, t), L.log_cosh(x, t), rtol=1e-12, atol=0)
    assert "FastLogCosh" in repr(loss) or "Fast" in repr(loss)


def test_get_fast_refuses_a_non_bool():
    with pytest.raises(ParameterError, match=r"`fast` of get\('mish'\) must be True or False"):
        A.get("mish", fast="yes")
    with pytest.raises(ParameterError, match=r"`fast` of get\('huber'\) must be True or False"):
        L.get("huber", fast=1)


def test_patch_swaps_pytorch_activation_modules():
    model = nn.Sequential(nn.Linear(4, 4), nn.SiLU(), nn.GELU(approximate="tanh"),
                          nn.ELU(alpha=0.5), nn.ReLU(inplace=True), A.get("tanh"),
                          nn.Sequential(nn.Mish(), nn.Softplus(beta=2.0)))
    x = torch.randn(N17 // 4, 4)
    before = model(x)
    out = K.patch(model)
    assert out is model
    kinds = [type(m).__name__ for m in model]
    assert kinds[1] == kinds[2] == kinds[3] == kinds[5] == "FastModule"
    assert kinds[4] == "ReLU"  # in place: left alone
    assert type(model[6][0]).__name__ == "FastModule"
    torch.testing.assert_close(model(x), before, rtol=1e-5, atol=1e-5)


def test_linear_cross_entropy_helper_runs_the_blocked_form():
    h = torch.randn(64, 16, requires_grad=True)
    w = torch.randn(100, 16, requires_grad=True)
    t = torch.randint(0, 100, (64,))
    y = K.linear_cross_entropy(h, w, t)
    assert type(y.grad_fn).__name__ == "ToCopyBackward0" or "LinearCE" in str(y.grad_fn)
    torch.testing.assert_close(y, F.cross_entropy(h @ w.t(), t), rtol=1e-5, atol=1e-6)
    assert _fast.route is None


def test_other_devices_run_the_reference():
    x = torch.empty(1 << 20, device="meta", requires_grad=True)
    with K.enable():
        y = A.silu(x)
    assert y.device.type == "meta" and "Native" not in type(y.grad_fn).__name__
