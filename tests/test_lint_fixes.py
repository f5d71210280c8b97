"""The linter's fix texts and the rules added for code it had not seen.

Every rule's fix is checked on a realistic program (a corpus program written like a
forum question or a public training script), by the words the fix must contain, and
the label-encoding bugs get the encoding fix, not a wider output layer. Expected
evidence values are computed here from the tensors themselves (torch ops), never copied
from the linter's output.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from actloss.lint import RULES, check

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "lint_corpus"


def _load(name: str):
    path = CORPUS / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"lint_fix_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _findings(name: str):
    module = _load(name)
    with torch.random.fork_rng(devices=[]):
        model, loss, x, y = module.make()
        return check(model, loss, x, y, **getattr(module, "CHECK_KWARGS", {}))


def _one(findings, code):
    hits = [f for f in findings if f.code == code]
    assert hits, f"{code} not in {[f.code for f in findings]}"
    return hits[0]


# rule -> (realistic program, words its fix must hold, words it must not hold)
FIXES = {
    "double_softmax": ("bug_double_softmax_sequential", ["remove the softmax", "logits"], []),
    "sigmoid_before_logits_loss": ("bug_sigmoid_before_cross_entropy",
                                   ["remove the sigmoid"], []),
    "relu_before_logits_loss": ("bug_relu_before_cross_entropy", ["raw scores"], []),
    "softmax_single_unit": ("bug_cross_entropy_single_logit",
                            ["binary_cross_entropy_with_logits", "one unit per class"], []),
    "nll_on_probabilities": ("bug_probabilities_into_nll_sequential", ["log_softmax"], []),
    "nll_on_logits": ("bug_logits_into_nll", ["log_softmax", "cross_entropy"], []),
    "kl_div_on_probabilities": ("bug_kl_div_probabilities_module", ["log_softmax"], []),
    "kl_div_on_logits": ("bug_kl_div_logits", ["log_softmax before kl_div"], []),
    "bce_on_probabilities": ("bug_bce_on_sigmoid_sequential",
                             ["binary_cross_entropy_with_logits"], []),
    "bce_on_logits": ("bug_bce_on_logits", ["binary_cross_entropy_with_logits"], []),
    "mse_for_classification": ("bug_mse_class_index_single_output",
                               ["10 output units", "cross_entropy"], []),
    "relu_output_signed_target": ("bug_relu_head_signed_sequential", ["linear output"], []),
    "target_out_of_range": ("bug_mask_0_255_bce", ["mask / 255"], ["linear output"]),
    "linear_linear": ("bug_conv_bn_conv_no_relu", ["non-linearity"], []),
    "softmax_implicit_dim": ("bug_softmax_no_dim_module", ["dim=-1"], []),
    "deep_saturating_stack": ("bug_deep_sigmoid_sequential", ["ReLU", "normalisation"], []),
    "dead_relu_init": ("bug_dead_relu_negative_bias", ["bias", "Leaky ReLU"], []),
    "dead_relu_lr": ("bug_dead_relu_learning_rate", ["lower the learning rate"], []),
    "class_count_mismatch": ("bug_labels_one_based", ["y - 1"], ["output layer"]),
    "softmax_multilabel": ("bug_softmax_multilabel", ["binary_cross_entropy_with_logits"], []),
    "target_dtype_mismatch": ("bug_target_dtype_long_bce", ["target.float()"], []),
    "target_shape_mismatch": ("bug_one_hot_long_cross_entropy", ["argmax(-1)", "float()"],
                              ["squeeze"]),
    "high_initial_loss": ("bug_high_initial_loss_unscaled", ["scale the inputs"], []),
    "log_of_softmax": ("bug_log_softmax_temperature_helper", ["log_softmax(x, dim=-1)"], []),
    "softmax_binary_loss": ("bug_softmax_bce_one_hot", ["cross_entropy", "argmax(1)"],
                            ["sigmoid"]),
    "target_log_probabilities": ("bug_soft_ce_log_prob_targets", ["softmax, not log_softmax"],
                                 ["log_target"]),
    "soft_target_index": ("bug_soft_ce_helper_index_column", ["F.one_hot(", ", 6)"], []),
    "multilabel_margin_multi_hot": ("bug_multilabel_margin_multi_hot",
                                    ["MultiLabelSoftMarginLoss", "padded with -1"], []),
}


def test_every_rule_has_a_fix_case():
    # forward_error and loss_error: test_forward_and_loss_error_fixes
    assert set(RULES) - set(FIXES) == {"loss_error", "forward_error"}


@pytest.mark.parametrize("code", sorted(FIXES))
def test_fix_text_on_a_realistic_program(code):
    program, must, must_not = FIXES[code]
    f = _one(_findings(program), code)
    for word in must:
        assert word in f.fix, (code, f.fix)
    for word in must_not:
        assert word not in f.fix, (code, f.fix)
    assert f.fix_zh and f.fix_zh != f.fix and "n/a" not in f.fix


# ------------------------------------------------------------------ label encodings
def test_one_based_labels_get_the_shift_not_a_wider_layer():
    f = _one(_findings("bug_labels_one_based"), "class_count_mismatch")
    assert "y - 1" in f.fix and "1 to 3" in f.fix and "width" not in f.fix.replace(
        "keep the output width", "")
    assert "y - 1" in f.fix_zh


def test_0_255_mask_gets_integer_division_for_class_indices():
    f = _one(_findings("bug_mask_0_255_cross_entropy"), "class_count_mismatch")
    assert "mask // 255" in f.fix and "mask // 255" in f.fix_zh
    assert f.evidence["t_hi"] == pytest.approx(255.0)


def test_0_255_mask_gets_division_for_binary_targets():
    f = _one(_findings("bug_mask_0_255_bce"), "target_out_of_range")
    assert "mask / 255" in f.fix and "//" not in f.fix
    assert "sigmoid inside" in f.message  # the loss's own sigmoid, not a model layer


def test_real_class_count_bug_still_says_widen():
    f = _one(_findings("bug_class_count_cross_entropy"), "class_count_mismatch")
    assert "output layer's width" in f.fix


def test_minus_one_labels_for_bce_get_the_remap():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    y = torch.tensor([[-1.0], [1.0]]).repeat(8, 1)
    f = _one(check(model, nn.BCEWithLogitsLoss(), torch.randn(16, 4), y), "target_out_of_range")
    assert "(y + 1) / 2" in f.fix


def test_one_hot_long_targets_get_argmax():
    f = _one(_findings("bug_one_hot_long_nll"), "target_shape_mismatch")
    assert "argmax(-1)" in f.fix and "argmax(-1)" in f.fix_zh


# ------------------------------------------------------------- no sigmoid advice
def test_no_sigmoid_advice_without_a_sigmoid():
    # scores normalised by their sum lie in (0, 1) but no sigmoid is anywhere
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(6, 3)

        def forward(self, x):
            s = F.softplus(self.fc(x)) + 0.1
            return s / s.sum(1, keepdim=True) * 0.9

    found = check(Net(), nn.BCEWithLogitsLoss(), torch.randn(10, 6),
                  (torch.rand(10, 3) > 0.5).float())
    f = _one(found, "sigmoid_before_logits_loss")
    assert "sigmoid" not in f.fix and "mul" in f.fix
    for g in found:
        assert "remove the sigmoid" not in g.fix and "drop the sigmoid" not in g.fix


def test_softmax_bce_multi_hot_gets_the_multilabel_fix():
    f = _one(_findings("bug_softmax_bce_multilabel_tags"), "softmax_binary_loss")
    assert "binary_cross_entropy_with_logits" in f.fix and "argmax" not in f.fix
    assert "multi-hot" in f.message


# --------------------------------------------------------------- evidence values
def test_log_of_softmax_in_a_loss_lambda_and_its_exemptions():
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))
    x, y = torch.randn(12, 5), torch.randint(0, 3, (12,))
    f = _one(check(model, lambda o, t: F.nll_loss(torch.log(F.softmax(o, 1)), t), x, y),
             "log_of_softmax")
    assert f.evidence["op"] == "log" and f.evidence["k"] == 3
    # the one-step form, an entropy term, and a Categorical built from probabilities
    assert check(model, lambda o, t: F.nll_loss(F.log_softmax(o, 1), t), x, y) == []

    def with_entropy(o, t):
        p = F.softmax(o, 1)
        return F.cross_entropy(o, t) - 0.01 * (-(p * torch.log(p + 1e-9)).sum(1).mean())

    assert check(model, with_entropy, x, y) == []

    def reinforce(o, t):
        dist = torch.distributions.Categorical(probs=F.softmax(o, dim=1))
        return -dist.log_prob(t).mean()

    assert check(model, reinforce, x, y) == []


def test_conv_stack_widths_are_channels():
    model = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6),
                          nn.Conv2d(6, 10, 3, padding=1), nn.ReLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(10, 2))
    f = _one(check(model, nn.CrossEntropyLoss(), torch.randn(4, 3, 8, 8),
                   torch.randint(0, 2, (4,))), "linear_linear")
    assert (f.evidence["d_in"], f.evidence["d_mid"], f.evidence["d_out"]) == (3, 6, 10)
    assert f.where == "2"


def test_linear_pair_before_a_log_softmax_head_is_reported_but_attention_is_not():
    head = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.Linear(16, 4),
                         nn.LogSoftmax(dim=1))
    x, y = torch.randn(6, 8), torch.randint(0, 4, (6,))
    assert {f.code for f in check(head, nn.NLLLoss(), x, y)} == {"linear_linear"}
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    seq = torch.randn(3, 5, 8)
    assert check(lambda s: mha(s, s, s)[0], lambda o, t: F.mse_loss(o, t), seq,
                 torch.randn(3, 5, 8)) == []


def test_log_probability_targets_min_value():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 5))
    target = F.log_softmax(torch.randn(7, 5) * 2, dim=1)
    f = _one(check(model, nn.CrossEntropyLoss(), torch.randn(7, 4), target),
             "target_log_probabilities")
    assert f.evidence["t_lo"] == pytest.approx(float(target.min()))
    # the same targets as probabilities are the documented soft-label form
    assert check(model, nn.CrossEntropyLoss(), torch.randn(7, 4), target.exp()) == []


def test_kl_div_log_target_flag_is_respected():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 5), nn.LogSoftmax(dim=1))
    teacher = F.log_softmax(torch.randn(9, 5), dim=1)
    kl = nn.KLDivLoss(reduction="batchmean")
    f = _one(check(model, kl, torch.randn(9, 4), teacher), "target_log_probabilities")
    assert "log_target=True" in f.fix
    assert check(model, nn.KLDivLoss(reduction="batchmean", log_target=True),
                 torch.randn(9, 4), teacher) == []


def test_soft_target_index_evidence():
    module = _load("bug_soft_ce_helper_index_column")
    with torch.random.fork_rng(devices=[]):
        model, loss, x, y = module.make()
    f = _one(check(model, loss, x, y), "soft_target_index")
    assert f.evidence["t_hi"] == pytest.approx(float(y.max()))
    assert tuple(f.evidence["t_shape"]) == tuple(y.shape) and f.evidence["k"] == 6


def test_multilabel_margin_padded_rows_are_fine_and_multi_hot_is_not():
    model = nn.Linear(5, 4)
    x = torch.randn(3, 5)
    padded = torch.tensor([[3, 0, -1, -1], [1, -1, -1, -1], [0, 1, 2, -1]])
    assert check(model, nn.MultiLabelMarginLoss(), x, padded) == []
    multi_hot = torch.tensor([[1, 0, 0, 1], [0, 1, 0, 0], [1, 1, 1, 0]])
    (f,) = check(model, nn.MultiLabelMarginLoss(), x, multi_hot)
    assert f.code == "multilabel_margin_multi_hot" and f.evidence["k"] == 4


def test_squeeze_excitation_gates_are_not_a_saturating_stack():
    found = _findings("ok_squeeze_excitation_cnn")
    assert found == []
    # the same blocks with the gate replaced by a plain sigmoid layer are a deep stack
    model = nn.Sequential(*[m for _ in range(5) for m in (nn.Linear(8, 8), nn.Sigmoid())],
                          nn.Linear(8, 2))
    codes = {f.code for f in check(model, nn.CrossEntropyLoss(), torch.randn(16, 8),
                                   torch.randint(0, 2, (16,)))}
    assert "deep_saturating_stack" in codes


def test_multi_task_tuple_output_dict_target_is_quiet():
    assert _findings("ok_multitask_tuple_output_dict_target") == []


# ------------------------------------------------------------ facts from the catalog
def test_torch_losses_are_matched_through_the_catalog(monkeypatch):
    from dataclasses import replace

    from actloss.losses._registry import REGISTRY

    model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))
    x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
    assert {f.code for f in check(model, F.nll_loss, x, y)} == {"nll_on_probabilities"}
    # without its PyTorch twin in the catalog, nll_loss is a function the linter knows
    # nothing about
    monkeypatch.setitem(REGISTRY._specs, "nll", replace(REGISTRY.spec("nll"),
                                                        torch_equivalent=None))
    assert check(model, F.nll_loss, x, y) == []


def test_output_ranges_are_read_from_the_catalog(monkeypatch):
    from dataclasses import replace

    from actloss._validation import Interval
    from actloss.activations._registry import REGISTRY

    model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 1), nn.Tanh())
    x, y = torch.randn(10, 3), torch.full((10, 1), 1.5)
    f = _one(check(model, nn.MSELoss(), x, y), "target_out_of_range")
    assert f.evidence["range"] == "(-1, 1)"
    monkeypatch.setitem(REGISTRY._specs, "tanh", replace(
        REGISTRY.spec("tanh"), output_range=Interval(-2.0, 2.0, True, True)))
    assert check(model, nn.MSELoss(), x, y) == []


def test_void_255_in_a_voc_mask_gets_ignore_index():
    model = nn.Conv2d(3, 4, 1)
    mask = torch.randint(0, 4, (2, 6, 6))
    mask[:, 0, :] = 255  # the void border
    f = _one(check(model, nn.CrossEntropyLoss(), torch.randn(2, 3, 6, 6), mask),
             "class_count_mismatch")
    assert "ignore_index=255" in f.fix and "mask // 255" not in f.fix
    assert check(model, nn.CrossEntropyLoss(ignore_index=255), torch.randn(2, 3, 6, 6),
                 mask) == []


def test_integer_ages_regressed_by_mse_are_not_class_indices():
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 1))
    ages = torch.randint(18, 90, (20, 1))
    assert check(model, lambda p, a: F.mse_loss(p, a.float()), torch.randn(20, 6), ages) == []


def test_relu_inside_a_gate_branch_is_not_reported_dead():
    class ChannelGate(nn.Module):
        def __init__(self, gate: bool):
            super().__init__()
            self.gate = gate
            self.fc1, self.fc2 = nn.Linear(8, 4), nn.Linear(4, 8)
            with torch.no_grad():
                self.fc1.bias.fill_(-50.0)  # every hidden unit is 0 for every example

        def forward(self, x):
            a = self.fc2(F.relu(self.fc1(x.mean(1)))) + self.fc2(F.relu(self.fc1(x.amax(1))))
            return (x * torch.sigmoid(a)[:, None, :]).mean(1) if self.gate else a

    x, y = torch.randn(6, 5, 8), torch.randint(0, 8, (6,))
    assert check(ChannelGate(gate=True), nn.CrossEntropyLoss(), x, y) == []
    dead = _one(check(ChannelGate(gate=False), nn.CrossEntropyLoss(), x, y), "dead_relu_init")
    assert dead.evidence["dead_fraction"] == pytest.approx(1.0)


def test_forward_and_loss_error_fixes():
    mlp = nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))
    images = torch.randn(4, 1, 28, 28)  # not flattened: the classic MNIST mistake
    (f,) = check(mlp, nn.CrossEntropyLoss(), images, torch.randint(0, 10, (4,)))
    assert f.code == "forward_error" and "example_input" in f.fix and "shape" in f.message
    (g,) = check(mlp, lambda out, y, w: F.cross_entropy(out, y) * w, images.flatten(1),
                 torch.randint(0, 10, (4,)))
    assert g.code == "loss_error" and "input and target" in g.fix
