"""Property tests over every registry entry: hostile dtypes, shapes, values and arguments.

Every outcome must be either a value that agrees with a float64 reference or an actloss
error (:class:`actloss.errors.ActlossError`): never another exception, never a silent
wrong value. The float64 reference is the entry's own evaluation on the same values in
float64 (the loss test cases in ``tests/loss_cases.py`` check that evaluation against
independent formulas and PyTorch's ops), cast back to the dtype under test.

The number of examples comes from the Hypothesis profile (``tests/conftest.py``): a few
per entry in ``make test``, many with ``make fuzz``.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from actloss import activations as A
from actloss import losses as L
from actloss.errors import ActlossError
from actloss.losses import value_checks

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from loss_cases import CASES

try:
    from loss_cases_extra import CASES as _EXTRA
except ImportError:  # pragma: no cover
    _EXTRA = {}
CASES = {**CASES, **_EXTRA}

DTYPES = (torch.float64, torch.float32, torch.float16, torch.bfloat16)
# (rtol, atol) of a result against the float64 evaluation of the same (rounded) values
TOL = {torch.float64: (1e-7, 1e-9), torch.float32: (2e-3, 1e-4),
       torch.float16: (5e-2, 5e-2), torch.bfloat16: (1e-1, 1e-1)}
# nll reads only the target's entry of each row: a NaN elsewhere is rightly ignored
# multilabel_margin reads only (target, non-target) pairs, as PyTorch's op does
NAN_MAY_BE_IGNORED = {"nll", "multilabel_margin"}


def _cast(t: Any, dtype: torch.dtype) -> Any:
    return t.to(dtype) if isinstance(t, torch.Tensor) and t.is_floating_point() else t


def _agrees(got: Any, ref: torch.Tensor, dtype: torch.dtype) -> bool:
    if not isinstance(got, torch.Tensor) or got.shape != ref.shape:
        return False
    rtol, atol = TOL[dtype]
    g, r = got.detach().double(), ref.detach().to(dtype).double()
    same = (torch.isnan(g) & torch.isnan(r)) | (torch.isinf(g) & (g == r))
    return bool((same | ((g - r).abs() <= atol + rtol * r.abs())).all())


def _outcome(call: Any) -> tuple[str, Any]:
    """('value', result) or ('clear', message); any other exception fails the test."""
    try:
        return "value", call()
    except ActlossError as exc:
        return "clear", str(exc)
    except Exception as exc:  # the property: never a raw exception
        pytest.fail(f"raw {type(exc).__name__}: {exc}")


def _noncontig(t: torch.Tensor) -> torch.Tensor:
    if t.dim() < 1 or t.numel() < 2:
        return t
    big = torch.zeros(*t.shape[:-1], t.shape[-1] * 2, dtype=t.dtype)
    view = big[..., ::2]
    view.copy_(t)
    return view


# ------------------------------------------------------------------------------- losses
LOSS_MUTATIONS = ("cast", "mixed", "strided", "batch_slice", "nan", "nan_checks_off",
                  "weight_list", "weight_enlarging", "unknown_keyword", "bad_param",
                  "int_input", "list_input", "empty")


@pytest.mark.parametrize("name", sorted(n for n in L.names() if n in CASES))
@given(seed=st.integers(0, 2**16), dtype=st.sampled_from(DTYPES), k=st.integers(1, 8),
       reduction=st.sampled_from(("mean", "sum", "none")))
def test_loss_outcome_is_correct_or_a_clear_error(name, seed, dtype, k, reduction):
    for mutation in LOSS_MUTATIONS:
        _loss_case(name, seed, dtype, mutation, k, reduction)


def _loss_case(name: str, seed: int, dtype: torch.dtype, mutation: str, k: int,
               reduction: str) -> None:
    spec = L.spec(name)
    fn = spec.fn
    ex = CASES[name].make(torch.Generator().manual_seed(seed), torch.float64)[0]
    x, y, params, w = ex.input, ex.target, dict(ex.params), ex.weight
    if reduction not in spec.reductions:
        reduction = "mean"

    def ref(xx: Any, yy: Any, ww: Any = None) -> torch.Tensor:
        kw = dict(params) if ww is None else {**params, "weight": _cast(ww, torch.float64)}
        with value_checks(False):
            return fn(_cast(xx, torch.float64), _cast(yy, torch.float64),
                      reduction=reduction, **kw)

    def judge(call: Any, xx: Any, yy: Any, ww: Any = None,
              dt: torch.dtype = dtype) -> None:
        kind, got = _outcome(call)
        if kind == "value":
            expected = ref(xx, yy, ww)
            assert _agrees(got, expected, dt), (
                f"{name} ({mutation}, {dt}): got {got}, the float64 evaluation gives "
                f"{expected}")

    if mutation == "cast":
        xd, yd = _cast(x, dtype), _cast(y, dtype)
        judge(lambda: fn(xd, yd, reduction=reduction, **params), xd, yd)
    elif mutation == "mixed":
        if not (isinstance(y, torch.Tensor) and y.is_floating_point()):
            return
        xd, yd = _cast(x, dtype), _cast(y, torch.float64 if dtype != torch.float64
                                       else torch.float32)
        common = torch.promote_types(xd.dtype, yd.dtype)
        judge(lambda: fn(xd, yd, reduction=reduction, **params), xd, yd, dt=common)
    elif mutation == "strided":
        xs = _noncontig(x)
        judge(lambda: fn(xs, y, reduction=reduction, **params), x, y)
    elif mutation == "batch_slice":
        if not isinstance(x, torch.Tensor) or x.dim() < 1:
            return
        xs = x[:k]
        ys = y[:k] if isinstance(y, torch.Tensor) and y.dim() and y.shape[0] == x.shape[0] \
            else y
        judge(lambda: fn(xs, ys, reduction=reduction, **params), xs, ys)
    elif mutation in ("nan", "nan_checks_off"):
        if not (isinstance(x, torch.Tensor) and x.is_floating_point() and x.numel()):
            return
        xn = x.clone()
        xn.view(-1)[seed % xn.numel()] = math.nan
        red = "sum" if "sum" in spec.reductions else reduction
        if mutation == "nan":
            kind, got = _outcome(lambda: fn(xn, y, reduction=red, **params))
        else:
            with value_checks(False):
                kind, got = _outcome(lambda: fn(xn, y, reduction=red, **params))
        if kind == "value" and name not in NAN_MAY_BE_IGNORED:
            assert bool(torch.isnan(got).any()), f"{name}: a NaN input gave {got}"
    elif mutation == "weight_list":
        if w is None:
            return
        judge(lambda: fn(x, y, weight=w.tolist(), reduction=reduction, **params), x, y, w)
    elif mutation == "weight_enlarging":
        if w is None:
            return
        big = w.unsqueeze(0).expand(1 + k, *w.shape)
        kind, got = _outcome(lambda: fn(x, y, weight=big, reduction=reduction, **params))
        assert kind == "clear", f"{name} accepted a weight of shape {tuple(big.shape)}"
        assert "shape" in got
    elif mutation == "unknown_keyword":
        kind, got = _outcome(lambda: fn(x, y, reduction=reduction, nosuch_param=1.0, **params))
        assert kind == "clear" and "has no parameter `nosuch_param`" in got
    elif mutation == "bad_param":
        if not spec.params:
            return
        p = spec.params[seed % len(spec.params)]
        bad = {bool: "yes", str: 3}.get(p.kind, math.nan)
        kind, got = _outcome(lambda: fn(x, y, reduction=reduction, **{**params, p.name: bad}))
        assert kind == "clear", f"{name} accepted {p.name}={bad!r}"
    elif mutation == "int_input":
        if isinstance(x, torch.Tensor):
            _outcome(lambda: fn(x.long(), y, reduction=reduction, **params))
    elif mutation == "list_input":
        if isinstance(x, torch.Tensor):
            kind, got = _outcome(lambda: fn(x.tolist(), y, reduction=reduction, **params))
            if kind == "value":
                assert _agrees(got, ref(x, y), torch.float32)
    elif mutation == "empty":
        if isinstance(x, torch.Tensor) and x.dim() >= 1:
            ye = y[:0] if isinstance(y, torch.Tensor) and y.dim() and y.shape[0] == x.shape[0] \
                else y
            _outcome(lambda: fn(x[:0], ye, reduction=reduction, **params))


# -------------------------------------------------------------------------- activations
def _valid_value(p: Any, u: float) -> Any:
    """A valid value of parameter ``p`` from ``u`` in [0, 1] (numbers kept within +-10)."""
    if p.kind is bool:
        return u < 0.5
    if p.kind is str:
        return p.choices[int(u * len(p.choices)) % len(p.choices)]
    lo = max(p.interval.low, -10.0)
    hi = min(p.interval.high, 10.0)
    v = lo + (hi - lo) * (0.05 + 0.9 * u)
    return round(v) if p.kind is int and round(v) in p.interval else (
        v if p.kind is float else p.default)


ACT_NAMES = sorted(n for n in A.names() if A.spec(n).fn is not None
                   and A.spec(n).kind != "module")
SHAPES = ((), (0,), (7,), (3, 4), (2, 3, 4), (2, 8))
VALUES = (1.0, 10.0, 100.0)


ACT_MUTATIONS = ("valid", "nan", "unknown_keyword", "bad_param", "list_input", "int_input")


@pytest.mark.parametrize("name", ACT_NAMES)
@given(seed=st.integers(0, 2**16), dtype=st.sampled_from(DTYPES),
       shape=st.sampled_from(SHAPES), scale=st.sampled_from(VALUES),
       strided=st.booleans(), u=st.floats(0.0, 1.0))
def test_activation_outcome_is_correct_or_a_clear_error(name, seed, dtype, shape, scale,
                                                         strided, u):
    for mutation in ACT_MUTATIONS:
        _activation_case(name, seed, dtype, shape, scale, strided, u, mutation)


def _activation_case(name: str, seed: int, dtype: torch.dtype, shape: tuple[int, ...],
                     scale: float, strided: bool, u: float, mutation: str) -> None:
    spec = A.spec(name)
    fn = spec.fn
    g = torch.Generator().manual_seed(seed)
    x = (torch.randn(shape, generator=g, dtype=torch.float64) * scale).to(dtype)
    if strided:
        x = _noncontig(x)
    params = {p.name: _valid_value(p, u) for p in spec.params
              if p.kind is not bool and not p.learnable}
    if mutation == "valid":
        kind, got = _outcome(lambda: fn(x, **params))
        if kind == "value":
            expected = fn(x.double(), **params)
            assert _agrees(got, expected, dtype), f"{name}{params}: {got} vs {expected}"
    elif mutation == "nan":
        if not x.numel():
            return
        xn = x.clone()
        xn.view(-1)[seed % xn.numel()] = math.nan
        kind, got = _outcome(lambda: fn(xn, **params))
        if kind == "value":
            assert bool(torch.isnan(got).any()), f"{name}: a NaN input gave no NaN"
    elif mutation == "unknown_keyword":
        kind, got = _outcome(lambda: fn(x, nosuch_param=1.0))
        assert kind == "clear" and "has no parameter `nosuch_param`" in got
    elif mutation == "bad_param":
        if not spec.params:
            return
        p = spec.params[seed % len(spec.params)]
        bad = {bool: "yes", str: 3}.get(p.kind, math.nan)
        kind, got = _outcome(lambda: fn(x, **{p.name: bad}))
        assert kind == "clear", f"{name} accepted {p.name}={bad!r}"
    elif mutation == "list_input":
        _outcome(lambda: fn(x.tolist(), **params))
    elif mutation == "int_input":
        _outcome(lambda: fn(x.long(), **params))


# ------------------------------------------------------------------ targeted regressions
def test_contrastive_overflow_safe_for_distant_negatives():
    # a negative pair 2e19 apart contributes relu(margin - d)^2 = 0, not 0 * inf = NaN
    x = torch.tensor([[[1e19, 0.0], [-1e19, 0.0]], [[0.0, 0.0], [0.5, 0.0]]])
    y = torch.tensor([0, 1])
    got = L.contrastive(x, y, reduction="none")
    # float64 reference: 0 for the far negative pair, 0.5 * 0.5^2 for the positive one
    assert torch.isfinite(got).all()
    assert got.tolist() == pytest.approx([0.0, 0.125])


def test_squareplus_overflow_safe_near_float32_max():
    x = torch.tensor([3.4e38, -3.4e38, 1.0], dtype=torch.float32)
    got = A.squareplus(x).double()
    # float64 reference (x + sqrt(x^2 + 4)) / 2
    xd = x.double()
    ref = (xd + torch.sqrt(xd * xd + 4)) / 2
    assert torch.isfinite(got).all()
    assert got[0].item() == pytest.approx(ref[0].item(), rel=1e-6)
    assert got[1].item() == pytest.approx(0.0, abs=1e-37)
    assert got[2].item() == pytest.approx(ref[2].item(), rel=1e-6)


def test_jensen_shannon_keeps_nan_with_value_checks_off():
    x = torch.log_softmax(torch.randn(4, 5, generator=torch.Generator().manual_seed(0)), -1)
    y = torch.softmax(torch.randn(4, 5, generator=torch.Generator().manual_seed(1)), -1)
    x[1, 2] = math.nan
    with value_checks(False):
        got = L.jensen_shannon(x, y, reduction="none")
    assert torch.isnan(got[1]) and torch.isfinite(got[[0, 2, 3]]).all()


def test_bce_mixed_float_dtypes_promote_like_pytorch():
    p = torch.tensor([0.2, 0.7, 0.9], dtype=torch.float32)
    t = torch.tensor([0.0, 1.0, 1.0], dtype=torch.float64)
    got = L.binary_cross_entropy(p, t)
    ref = torch.nn.functional.binary_cross_entropy(p.double(), t)  # PyTorch, promoted
    assert got.dtype == torch.float64
    assert got.item() == pytest.approx(ref.item(), rel=1e-12)


def test_weight_that_enlarges_a_loss_names_the_shapes():
    x, y = torch.randn(5, 3), torch.randn(5, 3)
    with pytest.raises(ActlossError, match=r"`weight` of mse of shape \(2, 5, 3\) would "
                                           r"enlarge the loss of shape \(5, 3\) to \(2, 5, 3\)"):
        L.mse(x, y, weight=torch.ones(2, 5, 3), reduction="none")
    q, k = torch.randn(4, 8), torch.randn(4, 8)
    with pytest.raises(ActlossError, match=r"`weight` of info_nce of shape \(4, 1\) would "
                                           r"enlarge the loss of shape \(4,\)"):
        L.info_nce(q, k, weight=torch.ones(4)[:, None])


def test_weight_as_list_or_number_matches_the_tensor_weight():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(4, 3, generator=g), torch.randn(4, 3, generator=g)
    w = [0.5, 1.0, 2.0]
    # float64 reference: mean of w * (x - y)^2
    ref = ((x.double() - y.double()) ** 2 * torch.tensor(w, dtype=torch.float64)).mean()
    assert L.mse(x, y, weight=w).item() == pytest.approx(ref.item(), rel=1e-5)
    assert L.mse(x, y, weight=2.0).item() == pytest.approx(
        2 * ((x.double() - y.double()) ** 2).mean().item(), rel=1e-5)
    with pytest.raises(ActlossError, match=r"`weight` of mse must be a tensor, a number or "
                                           r"a list of numbers; got str"):
        L.mse(x, y, weight="heavy")


def test_unknown_keyword_to_an_activation_suggests_the_right_one():
    with pytest.raises(ActlossError, match=r"leaky_relu has no parameter `negative_slop` "
                                           r"\(its parameters: .*\); did you mean "
                                           r"'negative_slope'\?"):
        A.leaky_relu(torch.randn(3), negative_slop=0.1)


def test_linear_cross_entropy_refuses_nan_like_cross_entropy():
    from actloss.kernels import linear_cross_entropy

    h, w = torch.randn(4, 3), torch.randn(5, 3)
    h[0, 0] = math.nan
    t = torch.tensor([0, 1, 2, 3])
    with pytest.raises(ActlossError, match=r"`hidden` of linear_cross_entropy contains 1 NaN"):
        linear_cross_entropy(h, w, t)
    with pytest.raises(ActlossError, match=r"`input` of cross_entropy contains 5 NaN"):
        L.cross_entropy(h @ w.T, t)
