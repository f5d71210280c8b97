"""Tests of actloss.advisor: data facts, derived parameters, catalog reads, snippets.

Reference values are computed in the tests with numpy from the definitions
(n_neg / n_pos, 1.345 x 1.4826 x MAD, the Iglewicz-Hoaglin modified z-score, inverse
class frequencies) or derived by hand in a comment.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from actloss import losses
from actloss.advisor import (
    SELECTION_TABLE,
    TASKS,
    advise,
    inspect_features,
    inspect_target,
)
from actloss.errors import InputError, ParameterError, UnknownNameError

HAN = re.compile("[\u4e00-\u9fff]")


def run_snippet(code: str) -> None:
    scope: dict = {}
    exec(compile(code, "<advice>", "exec"), scope)
    assert isinstance(scope["loss"], torch.Tensor) and torch.isfinite(scope["loss"])


# ------------------------------------------------------------------------------ tables
def test_selection_table_names_exist_in_the_catalog():
    for row in SELECTION_TABLE:
        losses.spec(row.loss)
        for alt in row.alternatives:
            losses.spec(alt)
        assert row.source


def test_every_row_of_the_source_matrix_is_encoded():
    # 000_5b08fef0015a8918.txt §8.2: seven rows; §3.2: five tasks
    rows = {(r.task, r.condition): r for r in SELECTION_TABLE}
    assert rows["binary", "balanced"].loss == "binary_cross_entropy_with_logits"
    # the matrix's focal loss for imbalanced binary data is the alternative: the lab's
    # imbalance experiment found BCE with pos_weight ahead (the source row stays cited)
    assert rows["binary", "imbalanced"].loss == "binary_cross_entropy_with_logits"
    assert rows["binary", "imbalanced"].alternatives == ("binary_focal",)
    assert "二分类 | 不平衡 | Focal Loss" in rows["binary", "imbalanced"].source
    assert rows["multiclass", "single_label"].loss == "cross_entropy"
    assert "kl_div" in rows["multiclass", "single_label"].alternatives
    assert rows["multilabel", "multi_label"].loss == "binary_cross_entropy_with_logits"
    assert rows["regression", "gaussian"].loss == "mse"
    assert "huber" in rows["regression", "gaussian"].alternatives
    assert rows["regression", "outliers"].loss == "huber"
    assert rows["quantile", "quantile"].loss == "quantile"
    assert rows["detection", "boxes"].loss == "binary_focal"
    assert "giou_loss" in rows["detection", "boxes"].alternatives
    assert rows["gan", "adversarial"].loss == "lsgan_d"
    assert "wgan_critic" in rows["gan", "adversarial"].alternatives
    assert "hinge" in rows["binary", "balanced"].alternatives
    for r in SELECTION_TABLE:
        assert r.task in TASKS


# --------------------------------------------------------------------------- binary
def test_binary_imbalance_argument():
    a = advise("binary", imbalance=0.05)
    assert a.loss == "binary_cross_entropy_with_logits"
    # pos_weight = n_neg / n_pos = 0.95 / 0.05
    assert a.loss_params["pos_weight"] == pytest.approx(19.0)
    assert a.output_activation == losses.spec(a.loss).pairs_with == "sigmoid"
    # focal is the alternative, with the paper's alpha = 0.25 at gamma = 2 (Lin et al.
    # 2017, Table 1a), not 1 - positive share
    assert "binary_focal" in a.alternatives
    assert any("binary_focal(alpha=0.25, gamma=2)" in r.text and "Lin et al." in r.source
               for r in a.reasons)
    assert a.output_in_loss
    assert a.hidden_activation == "relu"
    assert any("000_5b08fef0015a8918.txt" in r.source and "不平衡" in r.source
               for r in a.reasons)
    run_snippet(a.code)


def test_binary_balanced_enough_gets_no_pos_weight():
    y = np.array([0] * 60 + [1] * 40)
    a = advise(y=y)
    assert (a.task, a.task_source) == ("binary", "detected from y")
    assert a.loss == "binary_cross_entropy_with_logits"
    assert a.loss_params == {}  # "balanced enough" and a weight would contradict
    assert any("balanced enough" in r.text and "no pos_weight" in r.text for r in a.reasons)
    assert a.facts.class_counts == (60, 40)
    run_snippet(a.code)


def test_binary_imbalanced_data_alternatives_come_from_the_catalog():
    y = torch.tensor([1] * 7 + [0] * 93)
    a = advise("binary", y)
    assert a.loss == "binary_cross_entropy_with_logits"
    assert a.loss_params["pos_weight"] == pytest.approx(93 / 7, abs=1e-4)  # rounded to 4
    # the catalog's own answer to "which binary losses handle imbalance"
    from actloss.losses._registry import REGISTRY

    marked = {s.name for s in REGISTRY if s.handles_imbalance and not s.name.startswith("keras")
              and "binary_classification" in s.tasks} - {a.loss}
    assert marked and marked <= set(a.alternatives)
    assert any("n_neg / n_pos" in r.text and "13.2857" in r.text for r in a.reasons)  # 93/7


def test_string_labels_and_list_input():
    y = ["yes", "no", "no", "no", "no", "no", "no", "no", "no", "no"]
    a = advise(y=y)
    assert a.task == "binary"
    assert a.facts.labels == ("no", "yes")
    assert a.facts.minority_fraction == pytest.approx(0.1)
    assert any("'no' -> 0" in n for n in a.notes)
    # other labels: the minority class is the positive one; pos_weight = 17 / 3
    b = advise(y=["ham"] * 17 + ["spam"] * 3)
    assert b.loss_params["pos_weight"] == pytest.approx(17 / 3, abs=1e-4)
    assert any("'spam' -> 1" in n for n in b.notes)
    # 0/1 targets keep their meaning even when 1 is the majority: pos_weight = 3 / 17
    c = advise(y=[1] * 17 + [0] * 3)
    assert c.loss_params["pos_weight"] == pytest.approx(3 / 17, abs=1e-4) and not c.notes


# ------------------------------------------------------------------------ multiclass
def test_multiclass_class_weights_inverse_frequency():
    y = np.array([0] * 50 + [1] * 30 + [2] * 5)
    a = advise(y=y)
    assert a.task == "multiclass" and a.loss == "cross_entropy"
    counts = np.bincount(y)
    expected = counts.sum() / (3 * counts)
    np.testing.assert_allclose(a.loss_params["weight"], expected, rtol=1e-3)
    assert a.output_activation == "softmax"
    assert a.facts.imbalance_ratio == pytest.approx(10.0)
    assert any(losses.spec(n).handles_imbalance for n in a.alternatives)
    run_snippet(a.code)


def test_balanced_multiclass_one_hot_and_soft_labels():
    eye = np.eye(4)[np.arange(40) % 4]
    a = advise(y=eye)
    assert (a.task, a.loss, a.loss_params) == ("multiclass", "cross_entropy", {})
    assert a.facts.kind == "one_hot"
    soft = eye * 0.9 + 0.025
    assert advise(y=soft).facts.kind == "soft_labels"
    assert any("ln K = 1.386" in r.text for r in a.reasons)  # ln 4


def test_multilabel_pos_weight_per_label():
    rng = np.random.default_rng(0)
    y = (rng.random((200, 3)) < [0.5, 0.2, 0.05]).astype(float)
    a = advise(y=y)
    assert a.task == "multilabel"
    pos = y.mean(axis=0)
    np.testing.assert_allclose(a.loss_params["pos_weight"], (1 - pos) / pos, rtol=1e-3)
    run_snippet(a.code)
    # every label balanced enough: no pos_weight, as for one binary target
    b = advise(y=(rng.random((200, 3)) < [0.5, 0.3, 0.6]).astype(float))
    assert b.task == "multilabel" and b.loss_params == {}
    assert any("balanced enough" in r.text for r in b.reasons)


# ------------------------------------------------------------------------ regression
def test_regression_outliers_huber_delta_from_mad():
    rng = np.random.default_rng(1)
    y = rng.normal(2.0, 3.0, size=400)
    y[:12] += 60.0
    a = advise(y=y)
    assert (a.task, a.loss) == ("regression", "huber")
    med = np.median(y)
    mad = np.median(np.abs(y - med))
    assert a.loss_params["delta"] == pytest.approx(1.345 * 1.4826 * mad, rel=1e-5)
    z = 0.6745 * (y - med) / mad
    assert a.facts.outlier_fraction == pytest.approx(np.mean(np.abs(z) > 3.5))
    assert a.output_activation == "identity"
    assert any("离群点多" in r.source for r in a.reasons)
    for name in a.alternatives[1:]:
        assert losses.spec(name).robust_to_outliers
    run_snippet(a.code)


def test_huber_delta_uses_residuals_of_x():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2000, 2)) * [1.0, 100.0]
    noise = rng.normal(0, 0.5, size=2000)
    noise[::25] += 40.0  # 4 % outliers that would tilt a least-squares line
    y = 3.0 * x[:, 0] - 0.02 * x[:, 1] + 1.0 + noise
    a = advise("regression", y, x)
    # the noise was drawn with sigma 0.5: delta should be 1.345 * 0.5 (5 % sampling and
    # fitting tolerance); the spread of y itself is far larger
    assert a.loss_params["delta"] == pytest.approx(1.345 * 0.5, rel=0.05)
    med = np.median(y)
    assert 1.345 * 1.4826 * np.median(np.abs(y - med)) > 3 * a.loss_params["delta"]


def test_regression_gaussian_signed_nonnegative_bounded():
    rng = np.random.default_rng(3)
    g = advise(y=rng.normal(size=300))
    assert (g.loss, g.output_activation) == ("mse", "identity")
    assert any("线性激活" in r.source for r in g.reasons)
    nn_ = advise(y=rng.uniform(0.5, 3.0, size=300))  # non-negative, not skewed
    assert nn_.output_activation == "relu"
    assert any("输出非负" in r.source for r in nn_.reasons)
    b = advise(y=rng.random(300))
    assert b.output_activation == "sigmoid"
    for a in (g, nn_, b):
        assert not a.output_in_loss
        run_snippet(a.code)


def test_counts_poisson_and_skew():
    rng = np.random.default_rng(4)
    y = rng.poisson(4.0, size=500)
    a = advise(y=y)
    assert (a.task, a.loss, a.loss_params) == ("count", "poisson_nll", {"log_input": True})
    m, v = y.mean(), y.var()
    assert a.facts.skewness == pytest.approx(np.mean((y - m) ** 3) / v ** 1.5)
    assert any(f"{v / m:.3g}" in r.text for r in a.reasons)
    run_snippet(a.code)
    # the same integers are labels when the task says so
    b = advise("multiclass", y)
    assert b.loss == "cross_entropy" and b.facts.kind == "class_indices"


def test_quantile_levels():
    y = np.arange(101, dtype=float)
    a = advise("quantile", y, quantiles=[0.1, 0.9])
    assert a.loss == "quantile" and a.loss_params == {"q": 0.9}
    # np.quantile of 0..100 at 0.1 is 10 (linear interpolation)
    assert any("q0.1 = 10" in r.text for r in a.reasons)
    assert "quantiles = (0.1, 0.9,)" in a.code
    run_snippet(a.code)


# ------------------------------------------------------------------ structured tasks
@pytest.mark.parametrize("task,loss,extra", [
    ("detection", "binary_focal", "giou_loss"),
    ("segmentation", "dice", "binary_cross_entropy_with_logits"),
    ("gan", "lsgan_d", "lsgan_g"),
    ("metric_learning", "triplet", None),
    ("rnn", "cross_entropy", None),
])
def test_structured_tasks(task, loss, extra):
    a = advise(task)
    assert a.loss == loss
    if extra:
        assert a.extra_losses[0].name == extra
    run_snippet(a.code)


def test_rnn_gates_and_state():
    a = advise("lstm")
    assert a.task == "rnn" and a.hidden_activation == "tanh"
    assert "sigmoid" in a.hidden_alternatives
    assert any("门控用Sigmoid" in r.source for r in a.reasons)


def test_segmentation_masks_detected_with_pixel_pos_weight():
    rng = np.random.default_rng(5)
    masks = (rng.random((6, 1, 16, 16)) < 0.1).astype(np.float32)
    a = advise(y=torch.from_numpy(masks))
    assert a.task == "segmentation"
    p = masks.mean()
    assert a.extra_losses[0].params["pos_weight"] == pytest.approx((1 - p) / p, rel=1e-3)
    assert a.output_in_loss and a.loss_params == {"from_logits": True}


def test_boxes_detected():
    xy = np.random.default_rng(6).random((20, 2))
    boxes = np.c_[xy, xy + 0.5]
    assert advise(y=boxes).task == "detection"


# ---------------------------------------------------------------------- data inspection
def test_inspect_features_and_standardisation_reason():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(100, 3)) * [1.0, 200.0, 0.01]
    f = inspect_features(x)
    assert f.n_features == 3 and f.needs_standardisation
    assert f.std_max / f.std_min == pytest.approx(x.std(0).max() / x.std(0).min())
    a = advise("binary", y=(rng.random(100) < 0.5).astype(int), x=x)
    assert any("standardise" in r.text and r.source.startswith("data: x") for r in a.reasons)
    assert "standardise" in a.code
    run_snippet(a.code)
    assert not inspect_features(rng.normal(size=(100, 3))).needs_standardisation


def test_pandas_series_and_dataframe():
    pd = pytest.importorskip("pandas")
    s = pd.Series([0.0, 1.0, 0.0, 0.0, 1.0, 0.0])
    a = advise(y=s, x=pd.DataFrame({"a": range(6), "b": [1.0] * 6}))
    assert a.task == "binary" and a.features.constant_features == 1


def test_inspect_target_missing_values_ignored():
    f = inspect_target([1.0, float("nan"), 2.5, 3.0, -1.0])
    assert f.n_missing == 1 and f.n == 4 and f.kind == "real"
    assert f.median == pytest.approx(1.75)  # median of -1, 1, 2.5, 3


def test_every_reason_is_sourced_and_chinese_text():
    rng = np.random.default_rng(8)
    for a in (advise("binary", imbalance=0.1, lang="zh"),
              advise(y=rng.normal(size=100), lang="zh"),
              advise("segmentation", lang="zh")):
        assert a.lang == "zh"
        for r in a.reasons:
            assert HAN.search(r.text), r.text
            assert r.source
    for r in advise(y=rng.normal(size=100)).reasons:
        assert (".txt" in r.source or r.source.startswith(("data:", "catalog:", "given:"))), \
            r.source


def test_to_json_round_trip():
    import json

    a = advise(y=[0, 1, 1, 0, 1, 0, 0, 0])
    data = json.loads(json.dumps(a.to_json()))
    assert data["loss"] == a.loss and data["facts"]["kind"] == "binary"
    assert data["reasons"][0]["source"]


# ---------------------------------------------------------------------------- errors
def test_errors():
    with pytest.raises(UnknownNameError, match=r"unknown task 'binray'; did you mean 'binary'"):
        advise("binray")
    with pytest.raises(ParameterError, match=r"`lang` of advise must be one of 'en', 'zh'; "
                                             r"got 'fr'"):
        advise("binary", lang="fr")
    with pytest.raises(ParameterError, match=r"`imbalance` of advise must be a float in "
                                             r"\(0, 1\); got 1.5"):
        advise("binary", imbalance=1.5)
    with pytest.raises(ParameterError, match=r"`quantiles` of advise must be a float in "
                                             r"\(0, 1\); got 1.2"):
        advise("quantile", quantiles=[0.5, 1.2])
    with pytest.raises(ParameterError, match=r"`quantiles` of advise must be a non-empty"):
        advise("quantile", quantiles=[])
    with pytest.raises(InputError, match=r"advise needs a `task` or targets `y`"):
        advise()
    with pytest.raises(InputError, match=r"`y` of advise must not be empty"):
        advise(y=[])
    with pytest.raises(InputError, match=r"`y` of advise must be an array-like of values; "
                                         r"got str"):
        advise(y="abc")
    with pytest.raises(InputError, match=r"`x` and `y` of advise must have the same number "
                                         r"of rows; got 3 and 4"):
        advise(y=[0.0, 1.0, 2.0, 3.0], x=[[1.0], [2.0], [3.0]])
    with pytest.raises(InputError, match=r"`y` of advise looks like class-indices targets "
                                         r"\(5 distinct values, shape \(6,\)\); task 'binary' "
                                         r"needs binary targets"):
        advise("binary", y=[0, 1, 2, 3, 4, 1])
    with pytest.raises(InputError, match=r"`y` of advise holds text labels \(dtype <U1\); task "
                                         r"'quantile' needs numbers"):
        advise("quantile", y=["a", "b", "c"])
    with pytest.raises(InputError, match=r"task 'segmentation' needs masks targets"):
        advise("segmentation", y=[0.5, 1.5])
    with pytest.raises(InputError, match=r"`x` of advise must hold numbers; got dtype <U1"):
        advise(y=[1.0, 2.0], x=["a", "b"])
    with pytest.raises(InputError, match=r"`y` of advise must be a rectangular array"):
        advise(y=[[1.0, 2.0], [3.0]])
    with pytest.raises(InputError, match=r"`y` of advise has no finite value"):
        advise(y=[float("nan")])


def test_loss_metadata_is_read_from_the_catalog(monkeypatch):
    # change the catalog's entry: the advice follows it (no second copy in the advisor)
    from dataclasses import replace

    from actloss.losses._registry import REGISTRY

    name = "binary_cross_entropy_with_logits"
    spec = REGISTRY.spec(name)
    monkeypatch.setitem(REGISTRY._specs, name, replace(spec, pairs_with="tanh"))
    a = advise("binary", imbalance=0.05)
    assert a.loss == name and a.output_activation == "tanh"


# -------------------------------------------------------- checked by the advice-check
def _skew(v: np.ndarray) -> float:
    return float(np.mean((v - v.mean()) ** 3) / v.std() ** 3)


def test_integer_valued_floats_are_regression_without_count_evidence():
    from sklearn.datasets import load_diabetes

    y = load_diabetes().target  # a disease score stored as whole-numbered floats
    assert y.dtype == np.float64 and np.all(y == np.round(y))
    a = advise(y=y)
    assert a.task == "regression" and a.loss != "poisson_nll"
    disp = y.var() / y.mean()  # about 39: far from a Poisson variable's 1
    assert a.facts.dispersion == pytest.approx(disp)
    assert a.facts.kind == "real" and "no evidence of counts" in a.facts.count_evidence
    assert any("not counts" in r.text and f"{disp:.3g}" in r.text for r in a.reasons)
    # the same values as integers are counts: the dtype is the evidence
    b = advise(y=y.astype(np.int64))
    assert b.task == "count" and "integer dtype" in b.facts.count_evidence
    assert any("integer dtype" in r.source for r in b.reasons)
    # saying so makes them counts
    c = advise("count", y)
    assert c.loss == "poisson_nll" and c.facts.count_evidence == "given: task='count'"


def test_integer_valued_floats_with_poisson_dispersion_are_counts():
    rng = np.random.default_rng(5)
    y = rng.poisson(6.0, size=800).astype(np.float64)  # variance / mean near 1
    a = advise(y=y)
    assert a.task == "count" and a.loss == "poisson_nll"
    assert f"{y.var() / y.mean():.3g}" in a.facts.count_evidence
    assert "Poisson" in a.facts.count_evidence


def test_skewed_positive_targets_get_a_log_transform():
    rng = np.random.default_rng(6)
    y = np.exp(12.0 + 0.6 * rng.normal(size=600))  # lognormal prices, median 1.6e5
    a = advise(y=y)
    assert a.task == "regression" and a.target_transform == "log"
    assert a.output_activation == "identity" and not a.output_in_loss
    assert a.loss == "mse" and "msle" in a.alternatives
    # the loss is chosen on the log scale: no Huber delta in price units
    assert "delta" not in a.loss_params
    assert any(f"{_skew(y):.2f}" in r.text and f"{_skew(np.log(y)):.2f}" in r.text
               for r in a.reasons)
    assert "torch.log(y)" in a.code and "torch.exp(model(x))" in a.code
    run_snippet(a.code)
    assert a.to_json()["target_transform"] == "log"
    # zeros: log1p
    e = rng.exponential(5.0, size=600)
    e[:20] = 0.0  # non-negative with zeros: log1p
    assert advise(y=e).target_transform == "log1p"
    # outliers on the log scale: Huber with delta from the log-scale MAD
    ly = np.log(y)
    ly[:30] += 8.0
    h = advise(y=np.exp(ly))
    if h.target_transform == "log":
        lv = np.log(np.exp(ly))
        mad = np.median(np.abs(lv - np.median(lv)))
        assert h.loss == "huber"
        assert h.loss_params["delta"] == pytest.approx(1.345 * 1.4826 * mad, rel=1e-5)
    # symmetric positive targets keep the plain scale
    assert advise(y=rng.uniform(1.0, 2.0, 300)).target_transform is None


def test_detection_focal_alpha_follows_the_paper():
    a = advise("detection")
    # Lin et al. (2017), Table 1a: alpha = 0.25 at gamma = 2
    assert a.loss_params == {"alpha": 0.25, "gamma": 2.0}


def test_one_class_target_is_a_clear_error():
    with pytest.raises(InputError, match=r"`y` of advise holds a single value \('yes' in "
                                         r"all 4 rows\): there is nothing to learn"):
        advise(y=["yes"] * 4)
    with pytest.raises(InputError, match=r"holds a single value \('3'"):
        advise("regression", y=np.full(10, 3.0))


def test_imbalance_for_a_task_that_ignores_it_is_a_clear_error():
    with pytest.raises(ParameterError, match=r"`imbalance` of advise applies to the tasks "
                                             r"binary, segmentation, rnn; got imbalance=0.1 "
                                             r"for task 'regression' \(given\)"):
        advise("regression", imbalance=0.1)
    with pytest.raises(ParameterError, match=r"task 'regression' \(detected from y\)"):
        advise(y=np.linspace(0, 1, 50) ** 2 - 0.3, imbalance=0.1)


def test_snippet_activations_come_from_the_catalog():
    from actloss import activations

    for task in TASKS:
        code = advise(task).code
        names = re.findall(r"activations\.get\('([a-z_0-9]+)'", code)
        for n in names:
            assert activations.spec(n).name == n
        assert "nn.ReLU()" not in code and "nn.LeakyReLU" not in code
    gan = advise("gan")
    # the discriminator's hidden activation is the advice's, with DCGAN's slope 0.2
    assert gan.hidden_activation == "leaky_relu"
    assert "activations.get('leaky_relu', negative_slope=0.2)" in gan.code
    run_snippet(gan.code)
