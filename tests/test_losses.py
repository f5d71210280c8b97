"""The generic loss suite: one loop over every entry of the loss registry.

Each entry is checked against the declarative cases of ``tests/loss_cases.py`` (and
``tests/loss_cases_extra.py``): its float64 reference, PyTorch's own function where one
exists, every reduction, weights, gradcheck in float64, the closed-form gradient against
autograd, the module form, NaN reporting, low-precision dtypes and the metadata.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from torch.testing import assert_close

sys.path.insert(0, str(Path(__file__).parent))

import actloss.activations as activations
import actloss.losses as L
from actloss._validation import check_param
from actloss.errors import InputError, ParameterError, UnknownNameError
from loss_cases import CASES, Example

NAMES = L.names()
# The five source articles (shared/seeds/README.md lists them); the folder itself sits
# beside the repository and may be absent from a plain clone.
SOURCE_FILES = {
    "000_5b08fef0015a8918.txt",
    "001_27ea7541dd684257.txt",
    "002_059dc22d1bcf7a62.txt",
    "003_ee359a0e5008e516.txt",
    "004_34a1e65849ef58fd.txt",
}


def _examples(name: str, seed: int = 0) -> list[Example]:
    if name not in CASES:
        pytest.skip(f"no case for {name} in tests/loss_cases*.py (see test_every_loss_has_a_case)")
    gen = torch.Generator().manual_seed(seed)
    return CASES[name].make(gen, torch.float64)


def _cast(v: Any, dtype: torch.dtype) -> Any:
    if isinstance(v, torch.Tensor) and v.is_floating_point():
        return v.to(dtype)
    return v


def _cast_ex(ex: Example, dtype: torch.dtype) -> Example:
    return Example(_cast(ex.input, dtype), _cast(ex.target, dtype),
                   {k: _cast(v, dtype) for k, v in ex.params.items()}, _cast(ex.weight, dtype))


def _fn(name: str):
    return L.spec(name).fn


def test_every_loss_has_a_case():
    missing = [n for n in NAMES if n not in CASES]
    assert not missing, f"add cases for {missing} to tests/loss_cases*.py"


def test_catalog_is_complete_for_the_core_families():
    core = {"mse", "mae", "huber", "smooth_l1", "log_cosh", "quantile", "msle", "mape",
            "poisson_nll", "gaussian_nll", "cosine_similarity", "charbonnier",
            "adaptive_robust", "binary_cross_entropy", "binary_cross_entropy_with_logits",
            "binary_focal", "hinge", "squared_hinge", "asymmetric", "multilabel_soft_margin",
            "cross_entropy", "nll", "categorical_focal", "multi_margin", "categorical_hinge",
            "poly1", "generalized_cross_entropy", "kl_div", "jensen_shannon", "wasserstein_1d"}
    assert core <= set(NAMES)
    for alias, canonical in [("l1", "mae"), ("pinball", "quantile"), ("L2", "mse"),
                             ("Smooth-L1", "smooth_l1"), ("bce", "binary_cross_entropy")]:
        assert L.spec(alias).name == canonical


# ---------------------------------------------------------------------------- metadata
@pytest.mark.parametrize("name", NAMES)
def test_metadata(name):
    s = L.spec(name)
    assert s.summary and s.summary_zh and s.formula, name
    assert s.pros.en and s.cons.en, name
    assert len(s.pros.en) == len(s.pros.zh) and len(s.cons.en) == len(s.cons.zh), name
    assert all(s.pros.zh) and all(s.cons.zh)
    assert {"none", "mean", "sum"} <= set(s.reductions)
    assert s.family and s.tasks and s.reference
    if s.pairs_with is not None:
        assert s.pairs_with in activations.names(), f"{name} pairs with {s.pairs_with}"
    for p in s.params:  # every default is valid under its own declaration
        check_param(name, p, p.default)
    if s.torch_equivalent and s.torch_equivalent.startswith("torch.nn.functional."):
        assert hasattr(torch.nn.functional, s.torch_equivalent.rsplit(".", 1)[1])
    for src in s.in_sources:
        assert src in SOURCE_FILES, src
    assert s.year is None or 1700 < s.year < 2030


def test_catalog_json_round_trips():
    data = json.loads(L.catalog_json())
    by_name = {d["name"]: d for d in data}
    assert set(by_name) == set(NAMES)
    assert by_name["huber"]["params"][0]["name"] == "delta"
    assert by_name["huber"]["pros"]["zh"]


def test_unknown_name_suggests():
    with pytest.raises(UnknownNameError, match=r"unknown loss 'hubr'; did you mean 'huber'"):
        L.spec("hubr")
    with pytest.raises(UnknownNameError, match="unknown loss"):
        L.get("no_such_loss_at_all")


# ---------------------------------------------------------------------------- values
@pytest.mark.parametrize("name", NAMES)
def test_reference_float64(name):
    ref = CASES.get(name) and CASES[name].reference
    if not ref:
        pytest.skip(f"{name}: no float64 reference declared")
    for ex in _examples(name):
        got = _fn(name)(ex.input, ex.target, reduction="none", **ex.params)
        want = ref(ex.input, ex.target, **ex.params)
        assert_close(got, want.to(got.dtype), rtol=1e-9, atol=1e-10,
                     msg=lambda m, ex=ex: f"{name} {ex.params}: {m}")


@pytest.mark.parametrize("name", NAMES)
def test_torch_parity(name):
    case = CASES.get(name)
    if not case or not case.torch_fn:
        pytest.skip(f"{name}: PyTorch has no equivalent function")
    fn = _fn(name)
    for ex64 in _examples(name):
        for dtype, tol in ((torch.float64, 1e-10), (torch.float32, 1e-5)):
            ex = _cast_ex(ex64, dtype)
            weights = [None]
            if getattr(case.torch_fn, "takes_weight", False) and ex.weight is not None:
                weights.append(ex.weight)
            for w in weights:
                for red in L.spec(name).reductions:
                    got = fn(ex.input, ex.target, reduction=red, weight=w, **ex.params)
                    want = case.torch_fn(ex.input, ex.target, reduction=red, weight=w,
                                         **ex.params)
                    assert_close(got, want, rtol=tol, atol=tol,
                                 msg=lambda m, r=red, p=ex.params: f"{name} {p} {r}: {m}")


@pytest.mark.parametrize("name", NAMES)
def test_reductions(name):
    fn = _fn(name)
    for ex in _examples(name):
        none = fn(ex.input, ex.target, reduction="none", **ex.params)
        assert_close(fn(ex.input, ex.target, reduction="sum", **ex.params), none.sum())
        mean = fn(ex.input, ex.target, reduction="mean", **ex.params)
        assert_close(mean, none.mean())
        if "batchmean" in L.spec(name).reductions:
            bm = fn(ex.input, ex.target, reduction="batchmean", **ex.params)
            assert_close(bm, none.sum() / ex.input.shape[0])


@pytest.mark.parametrize("name", NAMES)
def test_unknown_reduction_is_refused(name):
    ex = _examples(name)[0]
    with pytest.raises(ParameterError, match=r"`reduction` of .* must be one of"):
        _fn(name)(ex.input, ex.target, reduction="avg", **ex.params)


@pytest.mark.parametrize("name", NAMES)
def test_element_weights(name):
    case = CASES.get(name)
    if case is None or case.weight_kind != "element":
        pytest.skip(f"{name}: weights are not element-wise (tested per family)")
    fn = _fn(name)
    for ex in _examples(name):
        if ex.weight is None:
            continue
        none = fn(ex.input, ex.target, reduction="none", **ex.params)
        w_none = fn(ex.input, ex.target, reduction="none", weight=ex.weight, **ex.params)
        assert_close(w_none, none * ex.weight)
        assert_close(fn(ex.input, ex.target, reduction="sum", weight=ex.weight, **ex.params),
                     (none * ex.weight).sum())
        # 'mean' divides the weighted sum by the number of elements (PyTorch, Keras)
        assert_close(fn(ex.input, ex.target, reduction="mean", weight=ex.weight, **ex.params),
                     (none * ex.weight).sum() / none.numel())


# ---------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("name", NAMES)
def test_gradcheck_float64(name):
    case = CASES.get(name)
    if case is not None and not case.gradcheck:
        pytest.skip(f"{name}: declared non-differentiable at its cases")
    fn = _fn(name)
    for ex in _examples(name)[:3]:
        x = ex.input.detach().clone().requires_grad_(True)
        assert torch.autograd.gradcheck(
            lambda inp, ex=ex: fn(inp, ex.target, reduction="sum", weight=ex.weight,
                                  **ex.params), (x,), eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_gradgradcheck_float64(name):
    case = CASES.get(name)
    if case is not None and not case.gradcheck:
        pytest.skip(f"{name}: declared non-differentiable at its cases")
    fn = _fn(name)
    ex = _examples(name)[0]
    x = ex.input.detach().clone().requires_grad_(True)
    assert torch.autograd.gradgradcheck(
        lambda inp: fn(inp, ex.target, reduction="sum", weight=ex.weight, **ex.params), (x,),
        eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_closed_form_gradient_matches_autograd(name):
    s = L.spec(name)
    if s.gradient is None:
        pytest.skip(f"{name}: no closed-form gradient offered")
    for ex in _examples(name):
        for w in (None, ex.weight):
            x = ex.input.detach().clone().requires_grad_(True)
            s.fn(x, ex.target, reduction="sum", weight=w, **ex.params).backward()
            got = L.gradient(name, ex.input, ex.target, weight=w, **ex.params)
            assert_close(got, x.grad, rtol=1e-7, atol=1e-9,
                         msg=lambda m, ex=ex: f"{name} {ex.params}: {m}")


# ---------------------------------------------------------------------------- module, NaN
@pytest.mark.parametrize("name", NAMES)
def test_module_form_matches_function(name):
    ex = _examples(name)[0]
    module = L.get(name, **ex.params)
    assert name.split("_")[0].lower() in type(module).__name__.lower() or repr(module)
    out = module(ex.input, ex.target)
    assert_close(out, _fn(name)(ex.input, ex.target, **ex.params))
    assert "reduction" in repr(module)


@pytest.mark.parametrize("name", NAMES)
def test_nan_input_is_reported(name):
    ex = _examples(name)[0]
    x = ex.input.clone()
    x.view(-1)[0] = float("nan")
    try:
        out = _fn(name)(x, ex.target, **ex.params)
    except InputError as exc:
        assert "NaN" in str(exc)
    else:
        assert torch.isnan(out).any(), f"{name} turned a NaN input into a finite loss"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_low_precision_is_sensible(name, dtype):
    fn = _fn(name)
    for ex64 in _examples(name)[:2]:
        want = fn(ex64.input, ex64.target, **ex64.params)
        ex = _cast_ex(ex64, dtype)
        got = fn(ex.input, ex.target, **ex.params)
        assert got.dtype == dtype
        assert torch.isfinite(got).all()
        tol = {torch.float32: 1e-5, torch.bfloat16: 5e-2, torch.float16: 1e-2}[dtype]
        assert_close(got.double(), want, rtol=tol, atol=tol * max(1.0, float(want.abs().max())))


# ---------------------------------------------------------------------------- claims
@pytest.mark.parametrize("name", [n for n in NAMES if L.spec(n).convex])
def test_convex_claim_holds_along_random_lines(name):
    # convex in the input: second differences of f(x + s v) are >= 0 along random lines
    fn = _fn(name)
    small = L.spec(name).input_kind in ("probabilities", "distribution")
    g = torch.Generator().manual_seed(7)
    for ex in _examples(name)[:2]:
        for _ in range(3):
            if small:  # the segment to another point of [0, 1]^n stays in the domain
                u = 0.01 + 0.98 * torch.rand(ex.input.shape, generator=g, dtype=ex.input.dtype)
                v = u - ex.input
                steps = torch.linspace(0, 1, 21, dtype=torch.float64)
            elif L.spec(name).input_kind in ("log_distribution", "log_probabilities"):  # log-probabilities stay <= 0
                v = -torch.rand(ex.input.shape, generator=g, dtype=ex.input.dtype)
                steps = torch.linspace(0, 1, 21, dtype=torch.float64)
            else:
                v = torch.randn(ex.input.shape, generator=g, dtype=ex.input.dtype)
                steps = torch.linspace(-1, 1, 21, dtype=torch.float64)
            f = torch.stack([fn(ex.input + s * v, ex.target, reduction="sum", weight=ex.weight,
                                **ex.params) for s in steps])
            d2 = f[2:] - 2 * f[1:-1] + f[:-2]
            assert (d2 >= -1e-9 * (1 + f.abs().max())).all(), f"{name} {ex.params}: {d2.min()}"


def _proper_kind(name: str) -> str | None:
    s = L.spec(name)
    if not s.proper_scoring_rule:
        return None
    if s.input_kind in ("logits", "probabilities") and s.target_kind in ("binary", "multi_hot"):
        return "binary"
    if s.input_kind == "logits" and s.target_kind in ("class_indices", "one_hot"):
        return "multiclass"
    return None


@pytest.mark.parametrize("name", [n for n in NAMES if _proper_kind(n)])
def test_proper_scoring_claim(name):
    # a proper scoring rule's expected loss is minimised by the true probability
    fn, s = _fn(name), L.spec(name)
    if _proper_kind(name) == "binary":
        q = 0.3
        grid = torch.linspace(0.01, 0.99, 99, dtype=torch.float64)
        inp = grid if s.input_kind == "probabilities" else torch.log(grid / (1 - grid))
        ones, zeros = torch.ones_like(inp), torch.zeros_like(inp)
        expected = (q * fn(inp[:, None], ones[:, None], reduction="none")
                    + (1 - q) * fn(inp[:, None], zeros[:, None], reduction="none")).reshape(-1)
        assert float(grid[expected.argmin()]) == pytest.approx(q, abs=0.011)
    else:
        q = torch.tensor([0.2, 0.5, 0.3], dtype=torch.float64)
        x = torch.log(q).requires_grad_(True)
        inp = x.expand(3, 3)
        target = torch.arange(3) if s.target_kind == "class_indices" else torch.eye(3).double()
        per = fn(inp, target, reduction="none")
        (q * per).sum().backward()
        assert_close(x.grad, torch.zeros(3, dtype=torch.float64), atol=1e-10, rtol=0)


def test_reduce_mean_by_count_and_weight():
    loss = torch.tensor([1.0, 2.0, 3.0, 4.0])
    w = torch.tensor([1.0, 0.0, 2.0, 1.0])
    # weighted sum = 1 + 0 + 6 + 4 = 11; by weight: 11 / 4; by count: 11 / 4 elements
    assert_close(L.reduce(loss, "mean", weight=w), torch.tensor(11 / 4))
    w2 = torch.tensor([2.0, 2.0, 2.0, 2.0])  # sum 20: by weight 20 / 8, by count 20 / 4
    assert_close(L.reduce(loss, "mean", weight=w2), torch.tensor(2.5))
    assert_close(L.reduce(loss, "mean", weight=w2, mean_by="count"), torch.tensor(5.0))
    mask = torch.tensor([True, True, False, True])
    assert_close(L.reduce(loss, "mean", weight=w2, mask=mask, mean_by="count"),
                 torch.tensor(14 / 3))


def test_public_api_helpers():
    assert "pinball" in L.names(aliases=True) and "pinball" not in L.names()
    assert [s.name for s in L.specs()] == NAMES
    with pytest.raises(UnknownNameError, match=r"unknown loss 'msee'"):
        L.gradient("msee", torch.zeros(1), torch.zeros(1))
    with pytest.raises(InputError, match=r"`input` and `target` of mse must have the same shape"):
        L.gradient("mse", torch.zeros(2), torch.zeros(3))
    with pytest.raises(ParameterError, match=r"`delta` of huber must be a float in \(0, inf\)"):
        L.gradient("huber", torch.zeros(2), torch.zeros(2), delta=0.0)
    m = L.get("cross_entropy", weight=torch.ones(3), label_smoothing=0.1)
    assert "label_smoothing=0.1" in repr(m) and m.weight is not None
    assert_close(m(torch.zeros(2, 3), torch.tensor([0, 1])), torch.tensor(1.0986), atol=1e-4,
                 rtol=0)  # log 3


@pytest.mark.parametrize("name", [n for n in NAMES if (L.spec(n).torch_equivalent or "")
                                  .startswith("torch.nn.functional.")])
def test_defaults_match_pytorch(name):
    import inspect

    s = L.spec(name)
    fn = getattr(torch.nn.functional, s.torch_equivalent.rsplit(".", 1)[1])
    sig = inspect.signature(fn).parameters
    assert sig["reduction"].default == "mean"
    shared = [p for p in s.params if p.name in sig
              and sig[p.name].default is not inspect.Parameter.empty]
    for p in shared:
        want = sig[p.name].default
        if isinstance(want, float):
            assert p.default == pytest.approx(want), (name, p.name)
        else:
            assert p.default == want, (name, p.name)
