"""The peers' semantics, with expected numbers from the peers' own documentation (source
in a comment) or from a float64 reference written here. No peer is imported."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

import actloss.losses as L
from actloss.errors import InputError, ParameterError

D64 = torch.float64
EPS = 1e-7  # keras.backend.epsilon()


def t(*rows: object) -> torch.Tensor:
    return torch.tensor(rows, dtype=D64)


# Keras's docstring example inputs (keras.io/api/losses/*, tf.keras.losses.* docstrings)
Y01 = t([0.0, 1.0], [0.0, 0.0])
P_A = t([1.0, 1.0], [1.0, 0.0])
P_B = t([0.6, 0.4], [0.4, 0.6])


@pytest.mark.parametrize(("name", "y_true", "y_pred", "mean", "weighted", "sw", "summed",
                          "none"), [
    # keras.losses.MeanSquaredError docstring: 0.5, sample_weight=[0.7, 0.3] -> 0.25, ...
    ("mean_squared_error", Y01, P_A, 0.5, 0.25, [0.7, 0.3], 1.0, [0.5, 0.5]),
    # keras.losses.MeanAbsoluteError docstring
    ("mean_absolute_error", Y01, P_A, 0.5, 0.25, [0.7, 0.3], 1.0, [0.5, 0.5]),
    # keras.losses.MeanAbsolutePercentageError docstring
    ("mean_absolute_percentage_error", t([2.0, 1.0], [2.0, 3.0]), P_A, 50.0, 20.0,
     [0.7, 0.3], 100.0, [25.0, 75.0]),
    # keras.losses.MeanSquaredLogarithmicError docstring: 0.240, 0.120, 0.480
    ("mean_squared_logarithmic_error", Y01, P_A, 0.240, 0.120, [0.7, 0.3], 0.480,
     [0.240, 0.240]),
    # keras.losses.CosineSimilarity(axis=1) docstring: -0.5, -0.0999, -0.999, [-0., -0.999]
    ("cosine_similarity", t([0.0, 1.0], [1.0, 1.0]), t([1.0, 0.0], [1.0, 1.0]), -0.5,
     -0.0999, [0.8, 0.2], -0.999, [0.0, -0.999]),
    # keras.losses.Huber docstring: 0.155, [1, 0] -> 0.09, sum 0.31, none [0.18, 0.13]
    ("huber", Y01, P_B, 0.155, 0.09, [1.0, 0.0], 0.31, [0.18, 0.13]),
    # keras.losses.LogCosh docstring: 0.108, [0.8, 0.2] -> 0.087, sum 0.217
    ("log_cosh", Y01, t([1.0, 1.0], [0.0, 0.0]), 0.108, 0.087, [0.8, 0.2], 0.217,
     [0.217, 0.0]),
    # keras.losses.BinaryCrossentropy docstring: 0.815, [1, 0] -> 0.458, 1.630
    ("binary_crossentropy", Y01, P_B, 0.815, 0.458, [1.0, 0.0], 1.630, [0.916, 0.714]),
    # keras.losses.Hinge docstring: 1.3, [1, 0] -> 0.55, sum 2.6, none [1.1, 1.5]
    ("hinge", Y01, P_B, 1.3, 0.55, [1.0, 0.0], 2.6, [1.1, 1.5]),
    # keras.losses.SquaredHinge docstring: 1.86, [1, 0] -> 0.73, sum 3.72
    ("squared_hinge", Y01, P_B, 1.86, 0.73, [1.0, 0.0], 3.72, [1.46, 2.26]),
    # keras.losses.CategoricalHinge docstring: 1.4, [1, 0] -> 0.6, sum 2.8
    ("categorical_hinge", Y01, P_B, 1.4, 0.6, [1.0, 0.0], 2.8, [1.2, 1.6]),
    # keras.losses.Poisson docstring: 0.5, [0.8, 0.2] -> 0.4, sum 0.999
    ("poisson", Y01, t([1.0, 1.0], [0.0, 0.0]), 0.5, 0.4, [0.8, 0.2], 0.999, [0.999, 0.0]),
    # keras.losses.KLDivergence docstring: 0.458, [0.8, 0.2] -> 0.366, sum 0.916
    ("kl_divergence", Y01, P_B, 0.458, 0.366, [0.8, 0.2], 0.916, [0.916, -3.08e-06]),
])
def test_keras_docstring_values(name, y_true, y_pred, mean, weighted, sw, summed, none):
    fn = L.spec(name, peer="keras").fn
    assert float(fn(y_pred, y_true)) == pytest.approx(mean, abs=1e-3)
    assert float(fn(y_pred, y_true, weight=t(*sw))) == pytest.approx(weighted, abs=1e-3)
    assert float(fn(y_pred, y_true, reduction="sum")) == pytest.approx(summed, abs=1e-3)
    assert fn(y_pred, y_true, reduction=None).tolist() == pytest.approx(none, abs=1e-3)


def test_keras_crossentropy_docstrings():
    # keras.losses.CategoricalCrossentropy / SparseCategoricalCrossentropy docstrings:
    # 1.177, sample_weight [0.3, 0.7] -> 0.814, sum 2.354, none [0.0513, 2.303]
    y_pred = t([0.05, 0.95, 0.0], [0.1, 0.8, 0.1])
    cce = L.spec("categorical_crossentropy", peer="keras").fn
    scce = L.spec("SparseCategoricalCrossentropy").fn
    for fn, y in ((cce, t([0.0, 1.0, 0.0], [0.0, 0.0, 1.0])), (scce, torch.tensor([1, 2]))):
        assert float(fn(y_pred, y)) == pytest.approx(1.177, abs=1e-3)
        assert float(fn(y_pred, y, weight=t(0.3, 0.7))) == pytest.approx(0.814, abs=1e-3)
        assert float(fn(y_pred, y, reduction="sum")) == pytest.approx(2.354, abs=1e-3)
    # Keras's documented usage: labels of shape (N, 1)
    assert float(scce(y_pred, torch.tensor([[1], [2]]))) == pytest.approx(1.177, abs=1e-3)


# ------------------------------------------------------------------ sample-weight shapes
def _mse_ref(y_pred: torch.Tensor, y_true: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    per = ((y_pred - y_true) ** 2).mean(-1)  # the per-sample loss
    return (per * w).sum() / per.numel()  # Keras's sum_over_batch_size


@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error", "huber",
                                  "log_cosh", "binary_crossentropy", "kl_divergence",
                                  "poisson", "categorical_crossentropy",
                                  "binary_focal_crossentropy"])
def test_keras_sample_weight_of_shape_n1_is_squeezed_not_broadcast(name):
    g = torch.Generator().manual_seed(3)
    y_pred = 0.05 + 0.9 * torch.rand(6, 4, generator=g, dtype=D64)
    y_pred = y_pred / y_pred.sum(-1, keepdim=True)
    y_true = torch.softmax(torch.randn(6, 4, generator=g, dtype=D64), -1)
    if "crossentropy" in name and "categorical" not in name:
        y_true = (y_true > 0.25).to(D64)
    w = torch.rand(6, generator=g, dtype=D64) + 0.5
    fn = L.spec(name, peer="keras").fn
    flat = fn(y_pred, y_true, weight=w)
    column = fn(y_pred, y_true, weight=w[:, None])  # Keras squeezes the trailing 1
    assert_close(column, flat)
    per = fn(y_pred, y_true, reduction="none")
    assert_close(flat, (per * w).sum() / 6)
    # the (N, N) table the broadcast would build gives another number
    assert float(flat) != pytest.approx(float((per[None, :] * w[:, None]).mean()), rel=1e-6)


def test_keras_timestep_weights_n_t_and_n_t_1():
    g = torch.Generator().manual_seed(4)
    y_pred = torch.randn(3, 5, 2, generator=g, dtype=D64)
    y_true = torch.randn(3, 5, 2, generator=g, dtype=D64)
    w = torch.rand(3, 5, generator=g, dtype=D64)
    for name in ("mean_squared_error", "huber", "log_cosh"):
        fn = L.spec(name, peer="keras").fn
        per = fn(y_pred, y_true, reduction=None)
        assert per.shape == (3, 5)
        assert_close(fn(y_pred, y_true, weight=w), (per * w).sum() / 15)
        assert_close(fn(y_pred, y_true, weight=w[..., None]), (per * w).sum() / 15)
        # (N,) against the (N, T) per-sample loss gains a trailing 1
        assert_close(fn(y_pred, y_true, weight=w[:, 0]), (per * w[:, :1]).sum() / 15)
    assert_close(L.keras_mean_squared_error(y_pred, y_true, weight=w),
                 _mse_ref(y_pred, y_true, w))
    with pytest.raises(InputError, match=r"sample_weight\) of keras_mean_squared_error of "
                                         r"shape \(3, 4\) does not fit"):
        L.keras_mean_squared_error(y_pred, y_true, weight=torch.ones(3, 4))


def test_keras_reductions():
    y_pred, y_true, w = P_A, Y01, t(0.7, 0.3)
    fn = L.keras_mean_squared_error
    per = t(0.5, 0.5)
    assert_close(fn(y_pred, y_true, reduction=None), per)
    assert_close(fn(y_pred, y_true, reduction="none"), per)
    assert_close(fn(y_pred, y_true, reduction="sum", weight=w), (per * w).sum())
    assert_close(fn(y_pred, y_true, reduction="sum_over_batch_size", weight=w),
                 (per * w).sum() / 2)
    assert_close(fn(y_pred, y_true, reduction="mean_with_sample_weight", weight=w),
                 (per * w).sum() / w.sum())
    assert_close(fn(y_pred, y_true, reduction="mean_with_sample_weight"), per.mean())
    # an empty batch: Keras divides with divide_no_nan
    empty = torch.zeros(0, 2, dtype=D64)
    assert float(fn(empty, empty)) == 0.0
    assert float(fn(empty, empty, reduction="mean_with_sample_weight")) == 0.0
    with pytest.raises(ParameterError, match=r"`reduction` of keras_mean_squared_error must "
                                             r"be one of .*'mean_with_sample_weight'"):
        fn(y_pred, y_true, reduction="avg")
    module = L.get("mean_squared_error", reduction="mean_with_sample_weight")
    assert_close(module(y_pred, y_true), per.mean())
    # Keras's reduction=None: no reduction, also through get
    assert_close(L.get("mse", peer="keras", reduction=None)(y_pred, y_true), per)
    assert_close(L.get("mse", peer="keras")(y_pred, y_true), per.mean())


def test_keras_sparse_ignore_class_and_axis():
    g = torch.Generator().manual_seed(5)
    logits = torch.randn(4, 3, generator=g, dtype=D64)
    labels = torch.tensor([0, 2, -1, 1])
    fn = L.keras_sparse_categorical_crossentropy
    per = fn(logits, labels, from_logits=True, ignore_class=-1, reduction=None)
    logp = torch.log_softmax(logits, -1)
    want = [-float(logp[0, 0]), -float(logp[1, 2]), 0.0, -float(logp[3, 1])]
    assert per.tolist() == pytest.approx(want, rel=1e-12)
    # the ignored sample counts neither in the sum nor in the divisor (Keras's mask)
    assert float(fn(logits, labels, from_logits=True, ignore_class=-1)) == pytest.approx(
        sum(want) / 3, rel=1e-12)
    # classes on axis 1 of an (N, C, T) input
    x = torch.randn(2, 3, 4, generator=g, dtype=D64)
    idx = torch.randint(0, 3, (2, 4), generator=g)
    got = fn(x, idx, from_logits=True, axis=1, reduction=None)
    assert_close(got, fn(x.movedim(1, -1), idx, from_logits=True, reduction=None))
    onehot = torch.nn.functional.one_hot(idx, 3).to(D64).movedim(-1, 1)
    assert_close(L.keras_categorical_crossentropy(x, onehot, from_logits=True, axis=1,
                                                  reduction=None), got)
    with pytest.raises(InputError, match=r"holds class index 5 out of range \[0, 3\)"):
        fn(logits, torch.tensor([0, 5, -1, 1]), from_logits=True, ignore_class=-1)


def test_keras_tversky_is_the_current_one_and_dice_takes_axis():
    p = t([[0.9, 0.2], [0.4, 0.7]], [[0.1, 0.8], [0.3, 0.6]])
    y = t([[1.0, 0.0], [1.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]])
    tp = (p * y).sum()
    fp = ((1 - y) * p).sum()
    fn_ = (y * (1 - p)).sum()
    # current keras.losses.tversky: alpha on false positives, beta on false negatives
    want = 1 - tp / (tp + 0.8 * fp + 0.2 * fn_ + EPS)
    assert float(L.keras_tversky(p, y, alpha=0.8, beta=0.2)) == pytest.approx(float(want))
    assert float(L.keras_tversky(p, y, alpha=0.8, beta=0.2)) == pytest.approx(
        float(L.tversky(p[:, None].reshape(1, 1, 8), y.reshape(1, 1, 8), alpha=0.8, beta=0.2,
                        smooth=0.0)), abs=1e-6)  # actloss's own tversky agrees
    # axis=(1, 2): one value per sample, then Keras's reduction and sample weights
    per = L.keras_dice(p, y, axis=(1, 2), reduction=None)
    want_dice = [1 - 2 * float((p[i] * y[i]).sum()) / float(y[i].sum() + p[i].sum() + EPS)
                 for i in range(2)]
    assert per.tolist() == pytest.approx(want_dice, rel=1e-9)
    assert float(L.keras_dice(p, y, axis=(1, 2), weight=t(1.0, 0.0))) == pytest.approx(
        want_dice[0] / 2, rel=1e-9)
    tv = L.keras_tversky(p, y, axis=(1, 2), reduction=None, alpha=0.3, beta=0.7)
    assert tv.shape == (2,)
    with pytest.raises(InputError, match="`weight` of keras_dice must be None with axis=None"):
        L.keras_dice(p, y, weight=t(1.0, 1.0))
    with pytest.raises(InputError, match=r"`axis` of keras_tversky must be None, an int"):
        L.keras_tversky(p, y, axis=(5,))
    # all-zero masks and predictions: Keras gives 1 (eps only in the denominator)
    z = torch.zeros(1, 4, dtype=D64)
    assert float(L.keras_dice(z, z)) == pytest.approx(1.0)


def test_keras_msle_clamps_instead_of_raising():
    y_pred = t([-0.5, 2.0], [-3.0, 0.2])
    y_true = t([0.3, -0.2], [1.0, 0.0])
    got = L.keras_mean_squared_logarithmic_error(y_pred, y_true, reduction=None)
    d = torch.log(y_pred.clamp_min(EPS) + 1) - torch.log(y_true.clamp_min(EPS) + 1)
    assert_close(got, (d * d).mean(-1))
    with pytest.raises(InputError):  # actloss's own msle refuses values <= -1
        L.msle(y_pred, y_true)


def test_keras_cosine_similarity_is_minus_cos():
    x, y = t([3.0, 4.0]), t([4.0, 3.0])
    assert float(L.spec("cosine_similarity", peer="keras").fn(x, y)) == pytest.approx(-0.96)
    assert float(L.cosine_similarity(x, y)) == pytest.approx(1 - 0.96)  # actloss: 1 - cos
    assert float(L.spec("cosine_similarity", peer="optax").fn(x, y)[0]) == pytest.approx(0.96)
    assert float(L.optax_cosine_distance(x, y)[0]) == pytest.approx(0.04)


# ----------------------------------------------------------------------------- optax
def test_optax_docstring_cross_entropies():
    # optax.losses.softmax_cross_entropy and ..._with_integer_labels docstrings:
    # logits [[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]] -> [0.2761 2.9518]
    logits = t([1.2, -0.8, -0.5], [0.9, -1.2, 1.1])
    onehot = t([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
    sce = L.spec("softmax_cross_entropy", peer="optax").fn
    assert sce(logits, onehot).tolist() == pytest.approx([0.2761, 2.9518], abs=1e-4)
    ints = L.spec("softmax_cross_entropy_with_integer_labels").fn
    assert ints(logits, torch.tensor([0, 1])).tolist() == pytest.approx([0.2761, 2.9518],
                                                                       abs=1e-4)
    # where: the masked class leaves both the softmax and the sum
    where = torch.tensor([[True, True, False], [True, True, True]])
    got = sce(logits, onehot, where=where)
    ref = -(logits[0, 0] - torch.logsumexp(logits[0, :2], 0))
    assert float(got[0]) == pytest.approx(float(ref), rel=1e-12)
    none_kept = torch.tensor([[False, False, False], [True, True, True]])
    assert float(ints(logits, torch.tensor([0, 1]), where=none_kept)[0]) == 0.0
    with pytest.raises(InputError, match=r"`input` of optax_softmax_cross_entropy must hold "
                                         r"logits, but every row is a probability"):
        sce(torch.softmax(logits, -1), onehot)


def test_optax_regression_is_unreduced_and_l2_has_the_half():
    p, y = t(1.0, 3.0, -2.0), t(0.0, 1.0, 0.0)
    assert L.spec("l2_loss").fn(p, y).tolist() == pytest.approx([0.5, 2.0, 2.0])
    assert L.spec("squared_error").fn(p, y).tolist() == pytest.approx([1.0, 4.0, 4.0])
    assert L.optax_l2_loss(p).tolist() == pytest.approx([0.5, 4.5, 2.0])  # targets=None
    assert L.get("l2_loss")(p, y).shape == (3,)  # get: the entry's own default, unreduced
    assert L.get("l2_loss", reduction="mean")(p, y).shape == ()
    assert L.spec("huber_loss", peer="optax").fn(p, y).tolist() == pytest.approx(
        [0.5, 1.5, 1.5])


def test_multiclass_hinge_is_crammer_singer():
    # optax.losses.multiclass_hinge_loss = max_j(s_j + 1 - [j = y]) - s_y; scores (0, 7),
    # label 0: 8. PyTorch's multi_margin_loss (Weston-Watkins) divides by C: 8 / 2 = 4.
    s, y = t([0.0, 7.0]), torch.tensor([0])
    assert float(L.multiclass_hinge(s, y)) == pytest.approx(8.0)
    assert float(L.spec("multiclass_hinge_loss", peer="optax").fn(s, y)[0]) == pytest.approx(8.0)
    assert float(L.multi_margin(s, y)) == pytest.approx(4.0)
    g = L.gradient("multiclass_hinge", s, y)
    assert g.tolist() == [[-1.0, 1.0]]


def test_optax_kl_and_focal_conventions():
    lp = torch.log(t([0.25, 0.75]))
    q = t([0.5, 0.5])
    want = 0.5 * (torch.log(torch.tensor(0.5 / 0.25)) + torch.log(torch.tensor(0.5 / 0.75)))
    assert float(L.spec("kl_divergence", peer="optax").fn(lp, q)[0]) == pytest.approx(
        float(want))
    assert float(L.spec("kl_divergence_with_log_targets").fn(lp, torch.log(q))[0]) == \
        pytest.approx(float(want))
    # sigmoid_focal_loss: optax's alpha defaults to None (no class weight)
    z, y = t(0.0), t(1.0)
    focal = L.spec("sigmoid_focal_loss").fn
    assert float(focal(z, y)) == pytest.approx(0.25 * 0.6931471805599453)
    assert float(focal(z, y, alpha=0.25)) == pytest.approx(0.25 * 0.25 * 0.6931471805599453)
    with pytest.raises(ParameterError, match=r"`alpha` of optax_sigmoid_focal_loss must be "
                                             r"None or a float in \[0, 1\]"):
        focal(z, y, alpha=2.0)


def test_keras_from_logits_refuses_probabilities():
    probs = torch.softmax(t([1.0, 2.0, 3.0], [0.0, 0.0, 1.0]), -1)
    with pytest.raises(InputError, match="must hold logits, but every row is a probability"):
        L.keras_categorical_crossentropy(probs, t([0.0, 0.0, 1.0], [1.0, 0.0, 0.0]),
                                         from_logits=True)
    with L.value_checks(False):
        L.keras_categorical_crossentropy(probs, t([0.0, 0.0, 1.0], [1.0, 0.0, 0.0]),
                                         from_logits=True)
