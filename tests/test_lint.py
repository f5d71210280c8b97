"""Tests of actloss.lint: the corpus aims, each rule's evidence, and every error path.

Expected numbers come from PyTorch's own ops (F.cross_entropy, autograd), from
math.log, or from a hand derivation written beside the assertion.
"""

from __future__ import annotations

import importlib.util
import math
import re
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from actloss.errors import InputError, ParameterError
from actloss.lint import RULES, check
from actloss.lint._values import describe_target, describe_values

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "lint_corpus"


def _bench():
    """benchmarks/lint.py (the corpus runner), loaded from its path once."""
    name = "actloss_bench_lint"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "lint.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
        spec.loader.exec_module(module)
    return sys.modules[name]


def codes(findings):
    return {f.code for f in findings}


# ----------------------------------------------------------------------------- corpus
@pytest.fixture(scope="module")
def corpus_result():
    return _bench().evaluate(CORPUS)


def test_corpus_size(corpus_result):
    assert len(corpus_result.buggy) >= 80
    assert len(corpus_result.correct) >= 55


def test_heldout_set_is_separate_and_sized():
    """The held-out programs are scored apart from the corpus (not run here: the
    benchmark reports them); each names only known rules."""
    bench = _bench()
    paths = sorted(bench.HELDOUT.glob("*.py"))
    expected = [bench.load(p).EXPECTED for p in paths]
    assert sum(1 for e in expected if e) >= 20 and sum(1 for e in expected if not e) >= 15
    assert set().union(*expected) <= set(RULES)
    corpus_texts = {p.read_text() for p in CORPUS.glob("*.py")}
    assert not corpus_texts & {p.read_text() for p in paths}


def test_corpus_recall_and_false_positives(corpus_result):
    report = _bench().render(corpus_result)
    assert not [p.name for p in corpus_result.programs if p.error], report
    assert corpus_result.recall() >= 0.95, report
    assert corpus_result.false_positive_rate() <= 0.05, report
    assert corpus_result.flagged_correct_rate() <= 0.05, report


def test_corpus_covers_every_rule():
    expected: set[str] = set()
    for path in CORPUS.glob("*.py"):
        expected |= _bench().load(path).EXPECTED
    untested = set(RULES) - expected - {"forward_error", "loss_error"}
    assert not untested, f"rules without a buggy corpus program: {sorted(untested)}"
    assert expected <= set(RULES)


def test_render_has_a_row_per_rule(corpus_result):
    text = _bench().render(corpus_result)
    for code in ("double_softmax", "linear_linear", "dead_relu_init"):
        assert re.search(rf"^{code}\s+\d+\s+\d+", text, re.M)
    assert "recall" in text and "false positives" in text


# ------------------------------------------------------------------------------ values
def test_describe_values_by_value():
    torch.manual_seed(0)
    z = torch.randn(8, 5) * 3
    assert describe_values(F.softmax(z, dim=1)).probabilities
    assert not describe_values(F.softmax(z, dim=1)).log_probabilities
    assert describe_values(F.log_softmax(z, dim=1)).log_probabilities
    s = describe_values(torch.sigmoid(z))
    assert s.in_open_unit and not s.probabilities
    raw = describe_values(z)
    assert not (raw.probabilities or raw.log_probabilities or raw.in_unit)


def test_describe_target_kinds():
    assert describe_target(torch.tensor([0, 2, 1])).kind == "class_indices"
    assert describe_target(F.one_hot(torch.tensor([0, 2, 1]), 3).float()).kind == "one_hot"
    assert describe_target(torch.tensor([[1.0, 1.0, 0.0], [0, 0, 1]])).kind == "multi_hot"
    assert describe_target(torch.tensor([[0.2, 0.8], [0.5, 0.5]])).kind == "soft_labels"
    assert describe_target(torch.tensor([0.0, 1.0, 1.0])).kind == "binary"
    assert describe_target(torch.tensor([0.3, -1.5])).kind == "real"


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
def test_low_precision_outputs_judged_like_float32(dtype):
    torch.manual_seed(0)
    x = torch.randn(32, 6, dtype=dtype)
    y = torch.randint(0, 7, (32,))
    bad = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 7), nn.Softmax(dim=1))
    good = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 7), nn.LogSoftmax(dim=1))
    assert codes(check(bad.to(dtype), nn.CrossEntropyLoss(), x, y)) == {"double_softmax"}
    assert codes(check(good.to(dtype), nn.NLLLoss(), x, y)) == set()


# ------------------------------------------------------------------------- evidence
def test_double_softmax_evidence_matches_pytorch():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 5), nn.Softmax(dim=1))
    x, y = torch.randn(16, 4), torch.randint(0, 5, (16,))
    (f,) = check(model, nn.CrossEntropyLoss(), x, y)
    assert (f.code, f.severity, f.where) == ("double_softmax", "error", "3")
    # independent reference: recompute with PyTorch's ops
    logits = model[:3](x).detach().requires_grad_(True)
    bad = F.cross_entropy(F.softmax(logits, dim=1), y)
    (g_bad,) = torch.autograd.grad(bad, logits)
    good_logits = logits.detach().requires_grad_(True)
    good = F.cross_entropy(good_logits, y)
    (g_good,) = torch.autograd.grad(good, good_logits)
    ev = f.evidence
    assert ev["ln_k"] == pytest.approx(math.log(5), rel=1e-12)
    assert ev["initial_loss"] == pytest.approx(float(bad.detach()), rel=1e-5)
    assert ev["fixed_loss"] == pytest.approx(float(good.detach()), rel=1e-5)
    assert ev["grad_norm_logits"] == pytest.approx(float(g_bad.norm()), rel=1e-4)
    assert ev["grad_ratio"] == pytest.approx(float(g_bad.norm() / g_good.norm()), rel=1e-4)
    # hand bound: CE(p) = logsumexp(p) - p_y with p in (0, 1)^K, and
    # ln K < logsumexp(p) < ln K + 1, so ln K - 1 < CE < ln K + 1 whatever the logits
    assert math.log(5) - 1 < ev["initial_loss"] < math.log(5) + 1
    assert ev["grad_ratio"] < 1
    assert "ln K" in f.message and f.message_zh and f.fix_zh


def test_where_is_the_module_path():
    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(8, 3)

        def forward(self, x):
            return F.softmax(self.fc(x), dim=-1)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
            self.head = Head()

        def forward(self, x):
            return self.head(self.body(x))

    torch.manual_seed(1)
    found = check(Net(), F.nll_loss, torch.randn(10, 4), torch.randint(0, 3, (10,)))
    assert [(f.code, f.where) for f in found] == [("nll_on_probabilities", "head")]


def test_softmax_implicit_dim_guess_follows_torch():
    # torch's legacy rule (_get_softmax_dim): dim 0 for 0-, 1- and 3-D input, else 1
    class Net(nn.Module):
        def forward(self, x):
            return F.softmax(x)

    for shape, guess in (((4, 3), 1), ((2, 4, 3), 0)):
        found = [f for f in check(Net(), lambda o, t: o.sum(), torch.randn(*shape), None)
                 if f.code == "softmax_implicit_dim"]
        assert len(found) == 1
        assert found[0].evidence["guess"] == guess


def test_linear_linear_evidence_and_legitimate_paths():
    torch.manual_seed(0)
    y = torch.randint(0, 3, (8,))
    bad = nn.Sequential(nn.Linear(20, 64), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 3))
    (f,) = check(bad, nn.CrossEntropyLoss(), torch.randn(8, 20), y)
    assert f.code == "linear_linear"
    assert (f.evidence["d_in"], f.evidence["d_mid"], f.evidence["d_out"]) == (20, 64, 32)
    low_rank = nn.Sequential(nn.Linear(64, 8), nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 3))
    assert check(low_rank, nn.CrossEntropyLoss(), torch.randn(8, 64), y) == []
    normed = nn.Sequential(nn.Linear(20, 32), nn.LayerNorm(32), nn.Linear(32, 3))
    assert check(normed, nn.CrossEntropyLoss(), torch.randn(8, 20), y) == []


def test_dead_relu_init_fraction_by_hand():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 3))
    with torch.no_grad():
        model[0].bias.fill_(-10.0)
    x = torch.randn(32, 10).clamp(-3, 3)
    # |w . x| <= sum |w_i| |x_i| <= 10 * (1 / sqrt(10)) * 3 = 9.49 < 10 (default init bound
    # 1/sqrt(fan_in)), so every pre-activation is negative: all 64 units are dead
    (f,) = check(model, nn.CrossEntropyLoss(), x, torch.randint(0, 3, (32,)))
    assert (f.code, f.where) == ("dead_relu_init", "1")
    assert f.evidence["units"] == 64
    assert f.evidence["dead_fraction"] == pytest.approx(1.0)


def test_dead_relu_lr_probe_leaves_the_model_untouched():
    path = CORPUS / "bug_dead_relu_learning_rate.py"
    module = _bench().load(path)
    model, loss, x, y = module.make()
    before = [p.detach().clone() for p in model.parameters()]
    found = check(model, loss, x, y, lr=3.0)
    (f,) = [f for f in found if f.code == "dead_relu_lr"]
    assert f.evidence["dead_after"] - f.evidence["dead_before"] >= 0.2
    for p, q in zip(before, model.parameters()):
        torch.testing.assert_close(p, q.detach(), rtol=0, atol=0)
    assert not any(m._forward_hooks or m._forward_pre_hooks for m in model.modules())
    # a small step kills nothing
    assert "dead_relu_lr" not in codes(check(model, loss, x, y, lr=1e-4))
    assert "dead_relu_lr" not in codes(check(model, loss, x, y, lr=1e-4, optimizer="adam"))


def test_class_count_mismatch_needs_max_index_plus_one():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 5))
    y = torch.tensor([0, 9, 3, 2])
    (f,) = check(model, nn.CrossEntropyLoss(), torch.randn(4, 4), y)
    assert f.code == "class_count_mismatch"
    assert (f.evidence["width"], f.evidence["need"]) == (5, 10)


def test_ignore_index_is_not_a_class():
    model = nn.Sequential(nn.Linear(4, 5))
    y = torch.tensor([0, -100, 3, 2])
    assert check(model, nn.CrossEntropyLoss(), torch.randn(4, 4), y) == []


def test_target_shape_mismatch_mse_broadcast():
    model = nn.Linear(3, 1)
    (f,) = check(model, nn.MSELoss(), torch.randn(6, 3), torch.randn(6))
    assert f.code == "target_shape_mismatch"
    assert "(6, 1)" in f.message and "(6,)" in f.message and "(6, 6)" in f.message


def test_relu_head_negative_fraction():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1), nn.ReLU())
    y = torch.tensor([[-1.0], [2.0], [-3.0], [4.0]])  # 2 of 4 negative
    (f,) = check(model, nn.MSELoss(), torch.randn(4, 2), y)
    assert f.code == "relu_output_signed_target"
    assert f.evidence["neg_fraction"] == pytest.approx(0.5)
    assert f.evidence["range"] == "(0, inf)"


def test_high_initial_loss_against_ln_k():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 10))
    x = torch.randn(64, 10) * 500.0
    y = torch.randint(0, 10, (64,))
    (f,) = check(model, nn.CrossEntropyLoss(), x, y)
    assert f.code == "high_initial_loss"
    assert f.evidence["loss_value"] == pytest.approx(
        float(F.cross_entropy(model(x), y).detach()), rel=1e-5)
    assert f.evidence["loss_value"] > 2 * math.log(10) + 1


def test_functional_and_catalog_losses_are_seen():
    from actloss import losses

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))
    x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
    for loss in (F.cross_entropy, nn.CrossEntropyLoss(), losses.cross_entropy,
                 losses.get("cross_entropy"), lambda o, t: 2 * F.cross_entropy(o, t)):
        assert codes(check(model, loss, x, y)) == {"double_softmax"}


def test_findings_sorted_by_severity_and_bilingual():
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 1), nn.Sigmoid())
    found = check(model, nn.BCELoss(), torch.randn(8, 4), torch.ones(8))
    order = {"error": 0, "warning": 1, "info": 2}
    assert [order[f.severity] for f in found] == sorted(order[f.severity] for f in found)
    assert {"target_shape_mismatch", "linear_linear", "bce_on_probabilities"} <= codes(found)
    for f in found:
        assert re.search("[\u4e00-\u9fff]", f.message_zh)
        assert f.to_json()["code"] == f.code


def test_every_rule_has_both_languages():
    for rule in RULES.values():
        assert rule.severity in ("info", "warning", "error")
        assert rule.message and rule.message_zh and rule.fix and rule.fix_zh


# -------------------------------------------------------------------------- failures
def test_forward_error_is_a_finding():
    model = nn.Linear(3, 2)
    (f,) = check(model, nn.MSELoss(), torch.randn(4, 5), torch.randn(4, 2))
    assert (f.code, f.severity) == ("forward_error", "error")
    assert "RuntimeError" in f.message


def test_unexplained_loss_error_is_a_finding():
    def broken(out, target):
        raise RuntimeError("boom")

    (f,) = check(nn.Linear(3, 2), broken, torch.randn(4, 3), torch.randn(4, 2))
    assert (f.code, f.where) == ("loss_error", "loss")
    assert "boom" in f.message


def test_bad_arguments():
    model, x = nn.Linear(3, 1), torch.randn(4, 3)
    with pytest.raises(InputError, match=r"`model` of check must be an nn.Module or a callable; "
                                         r"got int"):
        check(3, nn.MSELoss(), x)
    with pytest.raises(InputError, match=r"`loss_fn` of check must be a callable; got str"):
        check(model, "mse", x)
    with pytest.raises(InputError, match=r"`example_input` of check must be a torch.Tensor .*"
                                         r"got list"):
        check(model, nn.MSELoss(), [1.0, 2.0])
    with pytest.raises(ParameterError, match=r"`lr` of check must be a float in \(0, inf\); "
                                             r"got -1.0"):
        check(model, nn.MSELoss(), x, torch.randn(4, 1), lr=-1.0)
    with pytest.raises(ParameterError, match=r"`optimizer` of check must be one of 'sgd', "
                                             r"'adam'; got 'rmsprop'"):
        check(model, nn.MSELoss(), x, torch.randn(4, 1), optimizer="rmsprop")


def test_tuple_and_dict_inputs():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 4)

        def forward(self, x, scale=1.0):
            return F.softmax(self.a(x) * scale, dim=1)

    y = torch.randint(0, 4, (5,))
    assert codes(check(Two(), F.cross_entropy, (torch.randn(5, 3),), y)) == {"double_softmax"}
    assert codes(check(Two(), F.cross_entropy, {"x": torch.randn(5, 3), "scale": 2.0}, y)) == \
        {"double_softmax"}


def test_out_of_range_indices_are_refused_before_they_run():
    # On CUDA an out-of-range index trips a device-side assert that poisons the context;
    # the linter refuses such calls itself, on every device, and reports them.
    from actloss import losses

    model = nn.Linear(4, 3)
    x, y = torch.randn(6, 4), torch.tensor([0, 1, 2, 7, 0, 1])
    (f,) = check(model, losses.cross_entropy, x, y)
    assert (f.code, f.evidence["need"]) == ("class_count_mismatch", 8)

    def picked(out, t):  # a hand-written loss indexing with the targets
        return -torch.gather(F.log_softmax(out, dim=1), 1, t[:, None]).mean()

    (f,) = check(model, picked, x, y)
    assert f.code == "loss_error" and "Target 7 is out of bounds (size 3)" in f.message


def test_loss_without_target_one_or_two_arguments():
    model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 1))
    x = torch.randn(6, 3)
    assert check(model, lambda out: out.pow(2).mean(), x) == []
    assert check(model, lambda out, _t: out.pow(2).mean(), x, None) == []
    (f,) = check(model, lambda out, t, extra: out.mean(), x)
    assert f.code == "loss_error" and "TypeError" in f.message


def test_loss_expectations_are_read_from_the_catalog(monkeypatch):
    from dataclasses import replace

    from actloss.losses._registry import REGISTRY

    model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))
    x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
    assert codes(check(model, F.cross_entropy, x, y)) == {"double_softmax"}
    spec = REGISTRY.spec("cross_entropy")
    monkeypatch.setitem(REGISTRY._specs, "cross_entropy",
                        replace(spec, input_kind="log_probabilities"))
    assert codes(check(model, F.cross_entropy, x, y)) == {"nll_on_probabilities"}
