"""Segmentation, detection, GAN, metric-learning, composite and Keras-convention losses.

The generic registry suite (``tests/test_losses.py``) checks every entry against the
float64 references of ``tests/loss_cases_extra.py``; this file holds the sourced known
values, invariances, stability at extremes and every error path of these families.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

import actloss.losses as L
from actloss._registry import AmbiguousNameError
from actloss.errors import InputError, ParameterError, UnknownNameError
from actloss.losses._composite import (
    UncertaintyWeighting,
    WeightedSum,
    l1_penalty,
    l2_penalty,
    uncertainty_weighting,
)
from actloss.losses._gan import (
    gan_hinge_d,
    gan_hinge_g,
    gan_minimax_d,
    gan_minimax_g,
    gan_nonsaturating_g,
    gradient_penalty,
    lsgan_d,
    wgan_critic,
    wgan_g,
)
from actloss.losses._keras import (
    keras_binary_crossentropy,
    keras_binary_focal_crossentropy,
    keras_categorical_crossentropy,
    keras_categorical_focal_crossentropy,
    keras_dice,
    keras_huber,
    keras_kl_divergence,
    keras_log_cosh,
    keras_mean_squared_error,
    keras_sparse_categorical_crossentropy,
    keras_spec,
    keras_tversky,
)
from actloss.losses._metric import contrastive, info_nce, nt_xent, triplet
from actloss.losses._segmentation import (
    ciou_loss,
    dice,
    diou_loss,
    focal_tversky,
    giou_loss,
    iou_loss,
    jaccard,
    tversky,
)

D64 = torch.float64


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


EXTRA = ["dice", "jaccard", "tversky", "focal_tversky", "iou_loss", "giou_loss", "diou_loss",
         "ciou_loss", "gan_minimax_d", "gan_minimax_g", "gan_nonsaturating_g", "lsgan_d",
         "lsgan_g", "wgan_critic", "wgan_g", "gan_hinge_d", "contrastive", "triplet",
         "info_nce", "nt_xent", "uncertainty_weighting", "l1_penalty", "l2_penalty"]
KERAS = ["mean_squared_error", "mean_absolute_error", "binary_crossentropy",
         "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence",
         "hinge", "squared_hinge", "categorical_hinge", "log_cosh", "poisson", "huber",
         "binary_focal_crossentropy", "categorical_focal_crossentropy", "dice", "tversky"]


def test_every_family_entry_is_registered_with_bilingual_metadata():
    for name in EXTRA + [f"keras_{k}" for k in KERAS]:
        s = L.spec(name)
        assert s.name == name
        assert len(s.pros.en) == len(s.pros.zh) >= 1 and len(s.cons.en) == len(s.cons.zh) >= 1
        assert s.summary_zh and s.formula and s.reference and s.tasks
    assert L.spec("gan_hinge_g").name == "wgan_g"  # the same function, one entry
    for k in KERAS:  # keras_name is Keras' class name, and it finds the entry back
        assert keras_spec(L.spec(f"keras_{k}").keras_name).name == f"keras_{k}", k
    assert L.spec("keras_kl_divergence").keras_name == "KLDivergence"
    # Keras' spelling finds the Keras entry unless an actloss entry owns it (rule 1) or
    # another library spells a different function alike (refused: docs/names.md)
    for k in KERAS:
        assert L.spec(k, peer="keras").name == f"keras_{k}", k
        try:
            s = L.spec(k)
        except AmbiguousNameError as exc:
            assert f"keras_{k}" in exc.choices.values(), k
            continue
        assert s.name == f"keras_{k}" or s.family != "keras", k
    assert L.spec("sparse_categorical_crossentropy").name == \
        "keras_sparse_categorical_crossentropy"


# ------------------------------------------------------------------------------- GAN
def test_source_gan_example_is_expressible():
    # 000 file: d_loss = bce(ones, real) + bce(zeros, fake); g_loss = bce(ones, fake), with
    # Keras BinaryCrossentropy(from_logits=True): mean over the batch of each term
    real = torch.randn(8, 1, generator=_gen(1), dtype=D64) * 3
    fake = torch.randn(8, 1, generator=_gen(2), dtype=D64) * 3
    bce = F.binary_cross_entropy_with_logits
    d_loss = bce(real, torch.ones_like(real)) + bce(fake, torch.zeros_like(fake))
    g_loss = bce(fake, torch.ones_like(fake))
    assert_close(gan_minimax_d(real, fake), d_loss, rtol=1e-12, atol=1e-12)
    assert_close(gan_nonsaturating_g(fake), g_loss, rtol=1e-12, atol=1e-12)


def test_gan_losses_are_finite_at_float32_extremes_and_saturation_shows():
    big = torch.tensor([-100.0, 100.0])
    for fn in (gan_minimax_g, gan_nonsaturating_g, wgan_g):
        assert torch.isfinite(fn(big, reduction="none")).all()
    assert torch.isfinite(gan_minimax_d(big, big.flip(0), reduction="none")).all()
    # when D rejects the fakes (logit -10): the minimax G gradient -sigmoid(f) ~ -4.5e-5,
    # the non-saturating one sigmoid(f) - 1 ~ -1 (Goodfellow et al. 2014, section 3)
    f = torch.tensor([-10.0], requires_grad=True)
    (g_sat,) = torch.autograd.grad(gan_minimax_g(f), f)
    (g_ns,) = torch.autograd.grad(gan_nonsaturating_g(f), f)
    assert_close(g_sat, torch.tensor([-1 / (1 + math.exp(10))]), rtol=1e-5, atol=0)
    assert_close(g_ns, torch.tensor([-1 / (1 + math.exp(-10))]), rtol=1e-5, atol=0)


def test_gan_known_values():
    r, f = torch.tensor([0.5, 2.0]), torch.tensor([-0.5, 0.0])
    # hinge: max(0, 1 - r) + max(0, 1 + f) = (0.5 + 0.5, 0 + 1)
    assert_close(gan_hinge_d(r, f, reduction="none"), torch.tensor([1.0, 1.0]))
    assert_close(gan_hinge_g(f), torch.tensor(0.25))  # -mean(f)
    assert_close(wgan_critic(r, f), torch.tensor(-1.5))  # mean(f) - mean(r)
    assert_close(wgan_g(f), torch.tensor(0.25))
    # least squares: (r - 1)^2 / 2 + f^2 / 2 = (0.125 + 0.125, 0.5 + 0)
    assert_close(lsgan_d(r, f, reduction="none"), torch.tensor([0.25, 0.5]))


def test_gradient_penalty_of_a_linear_critic_and_its_parameter_gradient():
    critic = torch.nn.Linear(3, 1)
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([[1.0, 2.0, 2.0]]))  # |w| = 3
    real, fake = torch.randn(6, 3, generator=_gen(3)), torch.randn(6, 3, generator=_gen(4))
    gp = gradient_penalty(critic, real, fake, lambda_=2.0, generator=_gen(5))
    assert_close(gp, torch.tensor(2.0 * (3 - 1) ** 2))  # grad of a linear critic is w
    gp.backward()
    # d/dw lambda (|w| - 1)^2 = 2 lambda (|w| - 1) w / |w|
    assert_close(critic.weight.grad, 2 * 2.0 * 2 * critic.weight.detach() / 3)


def test_gan_errors():
    with pytest.raises(InputError, match=r"`input` \(outputs on real samples\) and `target`"):
        gan_minimax_d(torch.zeros(3), torch.zeros(4))
    with pytest.raises(InputError, match="`target` of gan_nonsaturating_g must be None"):
        gan_nonsaturating_g(torch.zeros(3), torch.zeros(3))
    with pytest.raises(ParameterError, match="`reduction` of lsgan_g must be one of"):
        L.spec("lsgan_g").fn(torch.zeros(3), reduction="avg")
    with pytest.raises(ParameterError, match=r"`lambda_` of gradient_penalty must be a float"):
        gradient_penalty(torch.nn.Linear(2, 1), torch.zeros(2, 2), torch.zeros(2, 2),
                         lambda_=-1.0)
    with pytest.raises(InputError, match="`real` and `fake` of gradient_penalty"):
        gradient_penalty(torch.nn.Linear(2, 1), torch.zeros(2, 2), torch.zeros(3, 2))
    with pytest.raises(InputError, match="`critic` of gradient_penalty must be callable"):
        gradient_penalty(3, torch.zeros(2, 2), torch.zeros(2, 2))
    with pytest.raises(InputError, match="must be a torch.Tensor"):
        wgan_critic([1.0], torch.zeros(1))


# ------------------------------------------------------------------------- segmentation
def _masks(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = _gen(seed)
    p = torch.rand(4, 1, 5, 5, generator=g, dtype=D64) * 0.96 + 0.02
    t = (torch.rand(4, 1, 5, 5, generator=g, dtype=D64) > 0.6).double()
    return p, t


def test_overlap_invariances():
    p, t = _masks()
    # Tversky with alpha = beta = 1/2 is Dice: (TP + s)/(TP + (FP + FN)/2 + s)
    # = (2 TP + 2s)/(sum p + sum t + 2s), Dice with smooth 2s; alpha = beta = 1 is Jaccard
    assert_close(tversky(p, t, alpha=0.5, beta=0.5, smooth=0.5, reduction="none"),
                 dice(p, t, smooth=1.0, reduction="none"))
    assert_close(tversky(p, t, alpha=1.0, beta=1.0, reduction="none"),
                 jaccard(p, t, reduction="none"))
    assert_close(focal_tversky(p, t, gamma=1.0, reduction="none"), tversky(p, t, reduction="none"))
    # J = D / (2 - D) between the coefficients when smooth = 0
    dc = 1 - dice(p, t, smooth=0.0, reduction="none")
    jc = 1 - jaccard(p, t, smooth=0.0, reduction="none")
    assert_close(jc, dc / (2 - dc))
    # logits: the same as probabilities through a sigmoid
    z = torch.logit(p)
    assert_close(dice(z, t, from_logits=True), dice(p, t))
    # a perfect prediction costs nothing
    assert_close(dice(t, t, smooth=0.0), torch.tensor(0.0, dtype=D64))


def test_tversky_beta_penalises_missed_foreground():
    t = torch.tensor([[1.0, 1.0, 0.0, 0.0]])
    miss = torch.tensor([[1.0, 0.0, 0.0, 0.0]])  # one false negative
    extra = torch.tensor([[1.0, 1.0, 1.0, 0.0]])  # one false positive
    # by hand, smooth 0: TP = 1, FN = 1 -> 1 - 1/(1 + 0.7); TP = 2, FP = 1 -> 1 - 2/(2 + 0.3)
    assert_close(tversky(miss, t, smooth=0.0), torch.tensor(1 - 1 / 1.7))
    assert_close(tversky(extra, t, smooth=0.0), torch.tensor(1 - 2 / 2.3))


def test_overlap_losses_are_finite_from_extreme_logits():
    t = torch.tensor([[1.0, 0.0, 1.0, 0.0]])
    z = torch.tensor([[100.0, -100.0, 100.0, -100.0]], requires_grad=True)  # perfect
    for fn in (dice, jaccard, tversky, focal_tversky):
        out = fn(z, t, from_logits=True)
        (g,) = torch.autograd.grad(out, z)
        assert torch.isfinite(out) and torch.isfinite(g).all(), fn.__name__
    zh = z.detach().half()
    assert torch.isfinite(focal_tversky(zh, t.half(), from_logits=True))


def test_segmentation_errors():
    p, t = _masks()
    with pytest.raises(InputError, match="must have the same shape"):
        dice(p, t[:2])
    with pytest.raises(InputError, match=r"must have shape \(N, \*\) with at least 2"):
        dice(torch.rand(4), torch.rand(4))
    with pytest.raises(InputError, match=r"`target` of jaccard must hold mask values in \[0, 1\]"):
        jaccard(p, t * 2)
    with pytest.raises(InputError, match=r"must hold probabilities in \[0, 1\] \(pass from_logits"):
        tversky(p * 3, t)
    with pytest.raises(ParameterError, match=r"`smooth` of dice must be a float in \[0, inf\)"):
        dice(p, t, smooth=-1.0)
    with pytest.raises(ParameterError, match=r"`gamma` of focal_tversky must be a float in \(0"):
        focal_tversky(p, t, gamma=0.0)
    with pytest.raises(ParameterError, match="`from_logits` of dice must be a bool"):
        dice(p, t, from_logits=1)


# ------------------------------------------------------------------------------- boxes
def test_box_losses_by_hand():
    b = torch.tensor([[0.0, 0.0, 2.0, 2.0]], dtype=D64)
    same = b.clone()
    for fn in (iou_loss, giou_loss, diou_loss, ciou_loss):
        assert_close(fn(b, same), torch.tensor(0.0, dtype=D64), atol=1e-7, rtol=0)
    g = torch.tensor([[3.0, 0.0, 5.0, 2.0]], dtype=D64)  # disjoint, 1 unit apart
    # IoU = 0; enclosing box 5 x 2 = 10, union 8: GIoU loss = 1 + 2/10
    assert_close(iou_loss(b, g), torch.tensor(1.0, dtype=D64))
    assert_close(giou_loss(b, g), torch.tensor(1.2, dtype=D64), rtol=1e-6, atol=0)
    # centres (1, 1), (4, 1): rho^2 = 9; diagonal^2 = 25 + 4: DIoU loss = 1 + 9/29
    assert_close(diou_loss(b, g), torch.tensor(1 + 9 / 29, dtype=D64), rtol=1e-6, atol=0)
    # CIoU: same aspect ratio (v = 0) -> equals DIoU
    assert_close(ciou_loss(b, g), diou_loss(b, g))
    # aspect-ratio term: w/h = 4/2 vs 2/2 -> v = 4/pi^2 (atan 1 - atan 2)^2, alpha = v/(1+v)
    # with the boxes sharing a centre: (0,0,2,2) and (-1,0,3,2); IoU = 4/8
    g2 = torch.tensor([[-1.0, 0.0, 3.0, 2.0]], dtype=D64)
    v = 4 / math.pi**2 * (math.atan(1.0) - math.atan(2.0)) ** 2
    want = 1 - 0.5 + 0 + v / (1 - 0.5 + v) * v
    assert_close(ciou_loss(b, g2), torch.tensor(want, dtype=D64), rtol=1e-6, atol=0)


def test_giou_gives_a_gradient_for_disjoint_boxes_iou_does_not():
    g = torch.tensor([[3.0, 0.0, 5.0, 2.0]])
    b = torch.tensor([[0.0, 0.0, 2.0, 2.0]], requires_grad=True)
    (g_iou,) = torch.autograd.grad(iou_loss(b, g), b)
    (g_giou,) = torch.autograd.grad(giou_loss(b, g), b)
    assert float(g_iou.abs().sum()) == pytest.approx(0.0, abs=0)
    assert float(g_giou[0, 2]) < 0  # growing x2 towards the target lowers the loss


def test_box_closed_form_gradient_matches_autograd_at_shared_edges():
    # ties of min/max (shared edges, identical boxes): autograd splits the gradient in half
    b = torch.tensor([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 4.0]], dtype=D64)
    g = torch.tensor([[0.0, 0.0, 3.0, 2.0], [1.0, 1.0, 3.0, 4.0]], dtype=D64)
    for name in ("iou_loss", "giou_loss", "diou_loss"):
        x = b.clone().requires_grad_(True)
        L.spec(name).fn(x, g, reduction="sum").backward()
        assert_close(L.gradient(name, b, g), x.grad, rtol=1e-9, atol=1e-12, msg=name)


def test_box_errors():
    b = torch.zeros(3, 4)
    with pytest.raises(InputError, match=r"\(x1, y1, x2, y2\) boxes in its last dimension"):
        iou_loss(torch.zeros(3, 5), torch.zeros(3, 5))
    with pytest.raises(InputError, match="`target` boxes of giou_loss must satisfy x2 >= x1"):
        giou_loss(b, torch.tensor([[1.0, 0.0, 0.0, 1.0]] * 3))
    with pytest.raises(ParameterError, match=r"`eps` of diou_loss must be a float in \(0, inf\)"):
        diou_loss(b, b, eps=0.0)
    with pytest.raises(InputError, match="`input` and `target` of ciou_loss must have the same"):
        ciou_loss(b, torch.zeros(2, 4))


# ---------------------------------------------------------------------- metric learning
def test_contrastive_known_values():
    x = torch.tensor([[[0.0, 0.0], [0.6, 0.8]]] * 3)  # distance 1
    y = torch.tensor([1, 0, 0])
    # similar: d^2/2 = 0.5; dissimilar, margin 1: 0; margin 3: (3 - 1)^2 / 2 = 2
    assert_close(contrastive(x, y, reduction="none"), torch.tensor([0.5, 0.0, 0.0]))
    assert_close(contrastive(x, y, margin=3.0, reduction="none"), torch.tensor([0.5, 2.0, 2.0]))


def test_triplet_matches_pytorch_with_swap():
    x = torch.randn(9, 3, 4, generator=_gen(7), dtype=D64)
    for kw in ({}, {"margin": 0.3, "swap": True}):
        a, p, n = x.unbind(1)
        assert_close(triplet(x, **kw), F.triplet_margin_loss(a, p, n, **kw))


def test_info_nce_is_cross_entropy_over_the_batch():
    q = torch.randn(6, 5, generator=_gen(8), dtype=D64)
    k = torch.randn(6, 5, generator=_gen(9), dtype=D64)
    logits = F.normalize(q, dim=1) @ F.normalize(k, dim=1).T / 0.1
    assert_close(info_nce(q, k), F.cross_entropy(logits, torch.arange(6)))
    # cosine similarity: invariant to rescaling the embeddings
    assert_close(info_nce(3 * q, 0.5 * k), info_nce(q, k))
    # finite at a tiny temperature in float32 (logsumexp, no exp overflow)
    assert torch.isfinite(info_nce(q.float(), k.float(), temperature=1e-3))
    assert torch.isfinite(nt_xent(q.float(), k.float(), temperature=1e-3))


def test_nt_xent_is_symmetric_in_the_views():
    z1 = torch.randn(5, 3, generator=_gen(10), dtype=D64)
    z2 = torch.randn(5, 3, generator=_gen(11), dtype=D64)
    assert_close(nt_xent(z1, z2, reduction="none"), nt_xent(z2, z1, reduction="none"))


def test_metric_errors():
    with pytest.raises(InputError, match=r"`input` of contrastive must have shape \(N, 2, D\)"):
        contrastive(torch.zeros(3, 4), torch.zeros(3))
    with pytest.raises(InputError, match="pair labels 0 \\(dissimilar\\) or 1 \\(similar\\)"):
        contrastive(torch.zeros(2, 2, 3), torch.tensor([0, 2]))
    with pytest.raises(InputError, match=r"`target` of contrastive must have shape \(N,\)"):
        contrastive(torch.zeros(2, 2, 3), torch.tensor([0, 1, 1]))
    with pytest.raises(InputError, match="`target` of triplet must be None"):
        triplet(torch.zeros(2, 3, 4), torch.zeros(2))
    with pytest.raises(InputError, match=r"`input` and `target` of info_nce must both have shape"):
        info_nce(torch.zeros(3, 4), torch.zeros(4, 4))
    with pytest.raises(ParameterError, match=r"`temperature` of nt_xent must be a float in \(0"):
        nt_xent(torch.zeros(3, 4), torch.zeros(3, 4), temperature=0.0)
    with pytest.raises(ParameterError, match="`margin` of contrastive must be a float"):
        contrastive(torch.zeros(2, 2, 3), torch.tensor([0, 1]), margin=-1.0)


# --------------------------------------------------------------------------- composite
def test_weighted_sum_matches_the_hand_sum_and_logs_terms():
    p, t = _masks(2)
    loss = WeightedSum({"dice": 2.0, "soft_iou": 0.5}, params={"dice": {"smooth": 0.0}})
    assert repr(loss) == "WeightedSum(dice=2.0, jaccard=0.5)"
    want = 2.0 * dice(p, t, smooth=0.0) + 0.5 * jaccard(p, t)
    assert_close(loss(p, t), want)
    assert_close(loss.last["jaccard"], 0.5 * jaccard(p, t))


def test_weighted_sum_errors():
    with pytest.raises(UnknownNameError, match="unknown loss 'dicee'; did you mean 'dice'"):
        WeightedSum({"dicee": 1.0})
    with pytest.raises(ParameterError, match=r"`weight of dice` of weighted_sum must be a float"):
        WeightedSum({"dice": -1.0})
    with pytest.raises(ParameterError, match="`params` of weighted_sum names 'mse'"):
        WeightedSum({"dice": 1.0}, params={"mse": {}})
    with pytest.raises(ParameterError, match="`weights` of weighted_sum must be a non-empty"):
        WeightedSum({})
    with pytest.raises(ParameterError, match="dice has no parameter `smoth`"):
        WeightedSum({"dice": 1.0}, params={"dice": {"smoth": 0.0}})
    with pytest.raises(ParameterError, match="`reduction` of weighted_sum must be one of"):
        WeightedSum({"dice": 1.0}, reduction="avg")


def test_uncertainty_weighting_minimum_is_at_log_loss():
    # d/ds [e^{-s} L / 2 + s / 2] = (1 - e^{-s} L) / 2 = 0 at s = log L (Kendall et al., eq. 7)
    losses = torch.tensor([4.0, 0.25], dtype=D64)
    s = torch.log(losses).requires_grad_(True)
    (g,) = torch.autograd.grad(uncertainty_weighting(losses, s, reduction="sum"), s)
    assert_close(g, torch.zeros(2, dtype=D64), atol=1e-12, rtol=0)
    uw = UncertaintyWeighting(2)
    out = uw([torch.tensor(4.0), torch.tensor(0.25)])
    assert_close(out, torch.tensor(0.5 * 4.0 + 0.5 * 0.25))
    out.backward()
    assert_close(uw.log_var.grad, 0.5 * (1 - torch.tensor([4.0, 0.25])))
    assert_close(uw.weights(), torch.tensor([0.5, 0.5]))


def test_uncertainty_weighting_errors():
    with pytest.raises(InputError, match="must hold 2 scalar losses"):
        UncertaintyWeighting(2)([torch.tensor(1.0)] * 3)
    with pytest.raises(ParameterError, match=r"`n_tasks` of uncertainty_weighting must be an int"):
        UncertaintyWeighting(0)
    with pytest.raises(InputError, match=r"must both have shape \(T,\)"):
        uncertainty_weighting(torch.zeros(2), torch.zeros(3))


def test_penalties_on_a_module_skip_biases():
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    w1, w2 = net[0].weight.detach(), net[2].weight.detach()
    assert_close(l1_penalty(net, lambda_=0.1), 0.1 * (w1.abs().sum() + w2.abs().sum()))
    assert_close(l2_penalty(net, lambda_=0.1), 0.1 * ((w1**2).sum() + (w2**2).sum()))
    assert_close(l2_penalty([w1, w2], lambda_=1.0, reduction="mean"),
                 ((w1**2).sum() + (w2**2).sum()) / (w1.numel() + w2.numel()))
    # SGD weight decay wd adds wd * w to the gradient: lambda_ = wd / 2 here
    w = torch.randn(5, generator=_gen(12), requires_grad=True)
    (g,) = torch.autograd.grad(l2_penalty(w, lambda_=0.005), w)
    assert_close(g, 0.01 * w.detach())


def test_penalty_errors():
    net = torch.nn.Linear(2, 2)
    with pytest.raises(ParameterError, match="`reduction` of l1_penalty must be 'sum' or 'mean'"):
        l1_penalty(net, reduction="none")
    with pytest.raises(InputError, match="`target` of l2_penalty must be None"):
        l2_penalty(torch.zeros(2), torch.zeros(2))
    with pytest.raises(InputError, match="must be a tensor, an iterable of tensors or an nn.Module"):
        l1_penalty(3.0)
    with pytest.raises(ParameterError, match=r"`lambda_` of l2_penalty must be a float in \[0"):
        l2_penalty(net, lambda_=-0.1)
    with pytest.raises(InputError, match="`input` of l1_penalty must be a torch.Tensor; got list"):
        l1_penalty([torch.zeros(2), [1.0]])


# ------------------------------------------------------------------------------- Keras
def test_keras_documented_values():
    # numbers printed in the Keras 3 docstrings of keras.losses (3 significant digits)
    y_true = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
    y_pred = torch.tensor([[0.6, 0.4], [0.4, 0.6]])
    assert keras_binary_crossentropy(y_pred, y_true, reduction="none").tolist() == \
        pytest.approx([0.916, 0.714], abs=1e-3)
    assert keras_binary_focal_crossentropy(y_pred, y_true, gamma=2.0,
                                           reduction="none").tolist() == \
        pytest.approx([0.330, 0.206], abs=1e-3)
    assert float(keras_huber(y_pred, y_true)) == pytest.approx(0.155, abs=1e-3)
    assert float(keras_log_cosh(torch.tensor([[1.0, 1.0], [0.0, 0.0]]),
                                torch.tensor([[0.0, 1.0], [0.0, 0.0]]))) == \
        pytest.approx(0.108, abs=1e-3)
    probs = torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    onehot = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    assert keras_categorical_crossentropy(probs, onehot, reduction="none").tolist() == \
        pytest.approx([0.0513, 2.303], rel=1e-3)
    assert keras_sparse_categorical_crossentropy(probs, torch.tensor([1, 2]),
                                                 reduction="none").tolist() == \
        pytest.approx([0.0513, 2.303], rel=1e-3)
    focal = keras_categorical_focal_crossentropy(
        torch.tensor([[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]), onehot, reduction="none")
    assert focal.tolist() == pytest.approx([2.63401289e-04, 6.75912094e-01], rel=1e-4)


def test_keras_sample_weight_divides_by_the_count():
    x = torch.tensor([[1.0, 3.0], [2.0, 2.0]])
    t = torch.zeros(2, 2)
    w = torch.tensor([1.0, 3.0])
    # per-sample MSE (5, 4); Keras sum_over_batch_size: (1*5 + 3*4) / 2, not / (1 + 3)
    assert_close(keras_mean_squared_error(x, t, weight=w), torch.tensor(8.5))


def test_keras_probability_clipping_and_logits():
    # clip to [1e-7, 1 - 1e-7]: p = 0 with y = 1 costs -log(1e-7) (Keras' epsilon)
    out = keras_binary_crossentropy(torch.tensor([[0.0]], dtype=D64), torch.tensor([[1.0]],
                                                                                   dtype=D64))
    assert float(out) == pytest.approx(-math.log(1e-7), rel=1e-12)
    z = torch.tensor([[-100.0, 100.0]])
    y = torch.tensor([[1.0, 0.0]])
    # from logits, log space: softplus(100) = 100 per element, exact (no clip at 16.1)
    assert_close(keras_binary_crossentropy(z, y, from_logits=True), torch.tensor(100.0))
    zc = torch.tensor([[0.0, 200.0, 0.0]])
    assert torch.isfinite(keras_categorical_crossentropy(zc, torch.tensor([[1.0, 0, 0]]),
                                                         from_logits=True))


def test_keras_kl_divergence_order_is_input_prediction_target_truth():
    y_pred = torch.tensor([[0.5, 0.5]], dtype=D64)
    y_true = torch.tensor([[0.9, 0.1]], dtype=D64)
    want = 0.9 * math.log(0.9 / 0.5) + 0.1 * math.log(0.1 / 0.5)  # KL(y_true || y_pred)
    assert float(keras_kl_divergence(y_pred, y_true)) == pytest.approx(want, rel=1e-12)
    assert float(keras_kl_divergence(y_true, y_pred)) != pytest.approx(want, rel=1e-3)


def test_keras_whole_batch_dice_and_tversky():
    p = torch.tensor([[0.9, 0.2], [0.4, 0.7]], dtype=D64)
    t = torch.tensor([[1.0, 0.0], [1.0, 1.0]], dtype=D64)
    inter = 0.9 + 0.4 + 0.7
    assert float(keras_dice(p, t)) == pytest.approx(1 - 2 * inter / (3 + 2.2 + 1e-7), rel=1e-12)
    # current Keras (and the paper): alpha on the false positives sum((1 - y) p) = 0.2,
    # beta on the false negatives sum(y (1 - p)) = 0.1 + 0.6 + 0.3
    missed, extra = 0.1 + 0.6 + 0.3, 0.2
    want = 1 - inter / (inter + 0.8 * extra + 0.2 * missed + 1e-7)
    assert float(keras_tversky(p, t, alpha=0.8, beta=0.2)) == pytest.approx(want, rel=1e-12)


def test_keras_name_lookup():
    assert keras_spec("CategoricalCrossentropy").name == "keras_categorical_crossentropy"
    assert keras_spec("sparse_categorical_crossentropy").keras_name == \
        "SparseCategoricalCrossentropy"
    assert keras_spec("MSE").name == "keras_mean_squared_error"
    assert keras_spec("KLDivergence").name == "keras_kl_divergence"
    assert keras_spec("LogCosh").name == "keras_log_cosh"
    with pytest.raises(UnknownNameError, match="unknown loss 'categorical_crossentrop'; did you mean 'categorical_crossentropy'"):
        keras_spec("categorical_crossentrop")


def test_keras_errors():
    with pytest.raises(InputError, match=r"must hold probabilities \(pass from_logits=True"):
        keras_binary_crossentropy(torch.tensor([[2.0]]), torch.tensor([[1.0]]))
    with pytest.raises(InputError, match="must hold class indices of an integer dtype"):
        keras_sparse_categorical_crossentropy(torch.rand(2, 3), torch.tensor([0.0, 1.0]))
    with pytest.raises(InputError, match=r"holds class index 3 out of range \[0, 3\)"):
        keras_sparse_categorical_crossentropy(torch.rand(2, 3), torch.tensor([0, 3]))
    with pytest.raises(InputError, match="`weight` of keras_dice must be None"):
        keras_dice(torch.rand(2, 2), torch.ones(2, 2), weight=torch.ones(2))
    with pytest.raises(ParameterError, match=r"`label_smoothing` of keras_binary_crossentropy"):
        keras_binary_crossentropy(torch.rand(2, 2), torch.ones(2, 2), label_smoothing=1.5)
    with pytest.raises(InputError, match=r"`input` \(y_pred\) and `target` \(y_true\)"):
        keras_mean_squared_error(torch.rand(2, 2), torch.ones(2, 3))
    with pytest.raises(InputError, match="sample_weight"):
        keras_mean_squared_error(torch.rand(2, 2), torch.ones(2, 2), weight=torch.ones(3))
    with pytest.raises(InputError, match="must have at least one dimension; got a scalar"):
        keras_mean_squared_error(torch.tensor(1.0), torch.tensor(1.0))
    with pytest.raises(InputError, match=r"`target` of keras_binary_crossentropy must hold labels"):
        keras_binary_crossentropy(torch.rand(2, 2), torch.full((2, 2), 2.0))
    with pytest.raises(InputError, match=r"`target` of keras_categorical_crossentropy must hold"):
        keras_categorical_crossentropy(torch.rand(2, 3), -torch.ones(2, 3))
    with pytest.raises(InputError, match="`input` of keras_poisson must hold predicted rates >= 0"):
        L.keras_poisson(-torch.ones(2, 2), torch.ones(2, 2))
    with pytest.raises(InputError, match=r"must hold class indices of shape \(2,\) or \(2, 1\)"):
        keras_sparse_categorical_crossentropy(torch.rand(2, 3), torch.tensor([[0, 1], [1, 0]]))
    with pytest.raises(InputError, match="must have a class dimension; got a scalar"):
        keras_sparse_categorical_crossentropy(torch.tensor(0.5), torch.tensor(0))
    with pytest.raises(UnknownNameError, match="loss name must be a str; got int"):
        keras_spec(3)
