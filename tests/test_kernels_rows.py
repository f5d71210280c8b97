"""The native softmax cross-entropy rows kernel (float32 CPU) of ``actloss.kernels``.

References: PyTorch's ``torch.nn.functional.cross_entropy`` evaluated in float64 on the
same (rounded) float32 logits, within the table's stated bound (units of
``eps * max(|reference|, 1)``); infinities and NaN against the same float64 reference;
reproducibility against the kernel's own earlier result (bits, not values from our output).
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

import actloss.kernels as K
from actloss import losses as L
from actloss.kernels import _native
from actloss.kernels import _table as T

pytestmark = [
    pytest.mark.filterwarnings("ignore:the native library is not built"),
    pytest.mark.skipif(_native.library() is None,
                       reason="native library not built (no C compiler)"),
]

EPS32 = torch.finfo(torch.float32).eps


def _native_ce() -> T.Impl:
    (impl,) = [i for i in T.TABLE["cross_entropy"] if i.impl == "native"]
    return impl


def _units(y: torch.Tensor, r: torch.Tensor) -> float:
    y, r = y.detach().double().reshape(-1), r.detach().double().reshape(-1)
    same = (y == r) | (torch.isnan(y) & torch.isnan(r))
    err = (y - r).abs() / (EPS32 * r.abs().clamp_min(1.0))
    err[same] = 0.0
    return float(err.max()) if err.numel() else 0.0


def _case(n: int, c: int, seed: int = 0, scale: float = 4.0):
    g = torch.Generator().manual_seed(seed)
    x = (torch.randn(n, c, generator=g, dtype=torch.float64) * scale).float()
    t = torch.randint(0, c, (n,), generator=g)
    w = torch.rand(c, generator=g, dtype=torch.float64).float()
    return x, t, w


def _both(x, t, *, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="sum",
          grad=True):
    """(fast value, fast gradient, float64 reference value, reference gradient)."""
    impl = _native_ce()
    kw = {"ignore_index": ignore_index, "label_smoothing": label_smoothing,
          "reduction": reduction}
    xf = x.clone().requires_grad_(grad)
    y = impl.fn(xf, t, weight=weight, **kw)
    gy = torch.autograd.grad(y, xf, torch.ones_like(y))[0] if grad else None
    xr = x.double().requires_grad_()
    r = F.cross_entropy(xr, t, weight=None if weight is None else weight.double(), **kw)
    (gr,) = torch.autograd.grad(r, xr, torch.ones_like(r))
    return y, gy, r, gr


def test_the_native_form_takes_float32_class_indices_and_leaves_the_rest():
    x, t, w = _case(512, 256)
    kw = {"ignore_index": -100, "label_smoothing": 0.0, "reduction": "mean"}
    assert T.lookup("cross_entropy", x, t, weight=w, **kw).impl == "native"
    assert T.lookup("cross_entropy", x.double(), t, weight=None, **kw).impl == "eager"
    # few classes: the eager row blocks are faster
    few = torch.randn(1 << 14, 16)
    assert T.lookup("cross_entropy", few, t.new_zeros(1 << 14), weight=None, **kw).impl == "eager"
    # probability targets are not class indices: the reference runs
    assert T.lookup("cross_entropy", x, torch.softmax(x, 1), weight=None, **kw) is None


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(512, 256), (19, 7001)], ids=["aligned", "odd-rows"])
def test_native_cross_entropy_within_its_bound(shape, weighted, smoothing, reduction):
    x, t, w = _case(*shape, seed=1)
    t[:3] = -100
    y, gy, r, gr = _both(x, t, weight=w if weighted else None, label_smoothing=smoothing,
                         reduction=reduction)
    bound = _native_ce().ulp
    assert _units(y, r) <= bound
    n_kept = 1.0 if reduction != "mean" else float(gr.abs().sum(1).gt(0).sum())
    assert _units(gy * n_kept, gr * n_kept) <= bound
    assert int(torch.count_nonzero(gy[:3])) == 0  # ignored rows: no gradient


def test_native_cross_entropy_rows_longer_than_the_row_buffer():
    # beyond 2^18 classes the exponentials are recomputed by chunks
    x, t, w = _case(3, (1 << 18) + 37, seed=2)
    for kw in ({}, {"weight": w, "label_smoothing": 0.2}):
        y, gy, r, gr = _both(x, t, **kw)
        assert _units(y, r) <= _native_ce().ulp
        assert _units(gy, gr) <= _native_ce().ulp


def test_native_cross_entropy_at_2_24_elements():
    x, t, _ = _case(512, 1 << 15, seed=3)
    y, gy, r, gr = _both(x, t, label_smoothing=0.1)
    assert _units(y, r) <= _native_ce().ulp
    assert _units(gy, gr) <= _native_ce().ulp


def test_native_cross_entropy_without_grad_is_the_forward():
    x, t, w = _case(512, 256, seed=4)
    impl = _native_ce()
    kw = {"weight": w, "ignore_index": -100, "label_smoothing": 0.1, "reduction": "none"}
    with torch.no_grad():
        y = impl.fn(x, t, **kw)
    r = F.cross_entropy(x.double(), t, weight=w.double(), ignore_index=-100,
                        label_smoothing=0.1, reduction="none")
    assert _units(y, r) <= impl.ulp


def test_native_cross_entropy_infinities_and_nan_as_the_mathematics():
    x, t, _ = _case(512, 256, seed=5)
    x[0, 5] = float("-inf")  # a masked logit: probability 0, gradient 0
    x[1, :] = float("-inf")
    x[1, 7] = 0.0           # every other class masked: loss 0 if the target is 7
    t[1] = 7
    x[2, 9] = float("nan")  # NaN poisons its row only
    x[3, 11] = float("inf")  # lse = inf: inf - inf in the gradient, NaN
    y, gy, r, gr = _both(x, t, reduction="none")
    assert _units(y, r) <= _native_ce().ulp
    assert float(y[1].detach().abs()) <= EPS32 and float(gy[0, 5].abs()) <= EPS32
    assert bool(torch.isnan(y[2])) and bool(torch.isnan(gy[2]).all())
    assert bool(torch.isnan(y[3])) == bool(torch.isnan(r[3]))
    assert bool(torch.isfinite(gy[4:]).all())
    assert _units(gy[4:], gr[4:]) <= _native_ce().ulp
    assert _units(gy[:2], gr[:2]) <= _native_ce().ulp


def test_native_cross_entropy_is_the_same_bits_on_every_run_thread_count_and_alignment():
    x, t, w = _case(1024, 3001, seed=6)
    impl = _native_ce()
    kw = {"weight": w, "ignore_index": -100, "label_smoothing": 0.1, "reduction": "sum"}
    threads = torch.get_num_threads()
    results = []
    try:
        for nt in (1, 2, 3, 1):
            torch.set_num_threads(nt)
            for offset in (0, 1, 5):
                # the same logits at another offset in memory (streaming stores align
                # their own head and tail)
                base = torch.empty(x.numel() + offset)
                xs = base[offset:].view_as(x).copy_(x).requires_grad_()
                y = impl.fn(xs, t, **kw)
                (g,) = torch.autograd.grad(y, xs)
                results.append((y.detach().clone(), g.clone()))
    finally:
        torch.set_num_threads(threads)
    y0, g0 = results[0]
    for y, g in results[1:]:
        assert torch.equal(y, y0) and torch.equal(g, g0)


def test_native_cross_entropy_through_the_catalog_and_twice_differentiable():
    x, t, _ = _case(512, 256, seed=7)
    t[:4] = -100
    xf = x.clone().requires_grad_()
    with K.enable():
        y = L.cross_entropy(xf, t, label_smoothing=0.05)
        (g,) = torch.autograd.grad(y, xf, create_graph=True)  # the reference's backward
        (h,) = torch.autograd.grad((g * g).sum(), xf)
    xr = x.double().requires_grad_()
    r = F.cross_entropy(xr, t, label_smoothing=0.05)
    (gr,) = torch.autograd.grad(r, xr, create_graph=True)
    (hr,) = torch.autograd.grad((gr * gr).sum(), xr)
    assert _units(y, r) <= _native_ce().ulp
    torch.testing.assert_close(g.double(), gr, rtol=1e-4, atol=1e-7)
    torch.testing.assert_close(h.double(), hr, rtol=1e-3, atol=1e-7)


# --------------------------------------------------------------- binary focal (native)
def _native_focal() -> T.Impl:
    (impl,) = [i for i in T.TABLE["binary_focal"] if i.impl == "native"]
    return impl


def _focal_inputs(n: int, seed: int = 8):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, generator=g, dtype=torch.float64) * 6
    x[:6] = torch.tensor([0.0, -0.0, 30.0, -30.0, 100.0, -100.0], dtype=torch.float64)
    t = torch.rand(n, generator=g, dtype=torch.float64)
    t[6:1000] = (t[6:1000] > 0.5).double()  # hard labels as well as soft ones
    w = torch.rand(n, generator=g, dtype=torch.float64)
    return x.float(), t.float(), w.float()


@pytest.mark.parametrize("gamma", [0.0, 1.0, 2.0, 1.5])
@pytest.mark.parametrize("alpha", [None, 0.25])
@pytest.mark.parametrize("reduction", ["sum", "none"])
def test_native_binary_focal_within_its_bound(gamma, alpha, reduction):
    impl = _native_focal()
    x, t, w = _focal_inputs(1 << 17)
    xf = x.clone().requires_grad_()
    y = impl.fn(xf, t, reduction=reduction, weight=w, alpha=alpha, gamma=gamma)
    (gy,) = torch.autograd.grad(y, xf, torch.ones_like(y))
    xr = x.double().requires_grad_()
    r = L.binary_focal(xr, t.double(), reduction=reduction, weight=w.double(), alpha=alpha,
                       gamma=gamma)
    (gr,) = torch.autograd.grad(r, xr, torch.ones_like(r))
    assert _units(y, r) <= impl.ulp
    assert _units(gy, gr) <= impl.ulp


def test_native_binary_focal_at_2_24_elements_and_the_same_bits_on_every_run():
    impl = _native_focal()
    x, t, _ = _focal_inputs(1 << 24, seed=9)
    out = []
    for _ in range(2):
        xf = x.clone().requires_grad_()
        y = impl.fn(xf, t, reduction="sum", weight=None, alpha=0.25, gamma=2.0)
        (gy,) = torch.autograd.grad(y, xf)
        out.append((y.detach(), gy))
    assert torch.equal(out[0][0], out[1][0]) and torch.equal(out[0][1], out[1][1])
    xr = x.double().requires_grad_()
    r = L.binary_focal(xr, t.double(), reduction="sum", alpha=0.25, gamma=2.0)
    (gr,) = torch.autograd.grad(r, xr)
    assert _units(out[0][0], r) <= impl.ulp
    assert _units(out[0][1], gr) <= impl.ulp


def test_native_binary_focal_nan_stays_in_its_element():
    impl = _native_focal()
    x, t, _ = _focal_inputs(1 << 17, seed=10)
    x[7] = float("nan")
    xf = x.clone().requires_grad_()
    y = impl.fn(xf, t, reduction="none", weight=None, alpha=0.25, gamma=2.0)
    (gy,) = torch.autograd.grad(y, xf, torch.ones_like(y))
    assert bool(torch.isnan(y[7])) and bool(torch.isnan(gy[7]))
    keep = torch.ones_like(x, dtype=torch.bool)
    keep[7] = False
    assert bool(torch.isfinite(y[keep]).all()) and bool(torch.isfinite(gy[keep]).all())


# ------------------------------------------------- recycled gradient storages (pool size)
def test_large_loss_gradients_are_recycled_only_when_nothing_holds_them():
    from actloss.kernels import _pool

    n = (_pool.POOL_MIN_BYTES // 4) + 3  # float32, just above the pool's size
    g = torch.Generator().manual_seed(11)
    t = (torch.rand(n, generator=g) > 0.5).float()

    def grad_of(x0: torch.Tensor) -> torch.Tensor:
        x = x0.clone().requires_grad_(True)
        with K.enable():
            L.binary_focal(x, t, reduction="sum").backward()
        return x.grad

    def reference(x0: torch.Tensor) -> torch.Tensor:
        x = x0.double().requires_grad_(True)
        L.binary_focal(x, t.double(), reduction="sum").backward()
        return x.grad

    x1 = torch.randn(n, generator=g)
    x2 = torch.randn(n, generator=g) * 3
    g1 = grad_of(x1)
    g1_copy = g1.clone()
    g2 = grad_of(x2)  # g1 is still held: its storage must not be written
    assert g1.untyped_storage().data_ptr() != g2.untyped_storage().data_ptr()
    assert torch.equal(g1, g1_copy)
    for got, x0 in ((g1, x1), (g2, x2)):
        torch.testing.assert_close(got.double(), reference(x0), rtol=1e-5, atol=1e-6)
    # an ordinary tensor: resizable and writable in place
    g2.mul_(2.0)
    g2.resize_(4)
    assert g2.shape == (4,)
    # dropped: the next gradient may reuse the memory, and its values are its own
    del g1, g1_copy
    g3 = grad_of(x1)
    torch.testing.assert_close(g3.double(), reference(x1), rtol=1e-5, atol=1e-6)
