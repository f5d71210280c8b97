"""Per-function tests of the losses taken from the peers (PyTorch, optax, Keras, torchvision):
documented values with their source, PyTorch's own ops, invariances and every error path.
The generic catalog suite (tests/test_losses.py with tests/loss_cases_peers.py) covers
their references, reductions, weights, gradients and dtypes.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

import actloss.losses as L
from actloss.errors import InputError, ParameterError

F64 = torch.float64


# ---------------------------------------------------------------- box losses, empty input
@pytest.mark.parametrize("name", ["iou_loss", "giou_loss", "diou_loss", "ciou_loss"])
def test_box_losses_on_no_boxes_are_zero_as_torchvision(name):
    # torchvision.ops.generalized_box_iou_loss & co.: reduction 'mean' over zero boxes is
    # "loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()", i.e. 0, not NaN
    x = torch.zeros(0, 4, requires_grad=True)
    out = L.spec(name).fn(x, torch.zeros(0, 4))
    assert out.shape == () and float(out.detach()) == 0.0
    out.backward()
    assert x.grad.shape == (0, 4)
    assert float(L.spec(name).fn(x, torch.zeros(0, 4), reduction="sum").detach()) == 0.0
    assert L.spec(name).fn(x, torch.zeros(0, 4), reduction="none").shape == (0,)
    with pytest.raises(ParameterError, match="`reduction` of .* must be one of"):
        L.spec(name).fn(x, torch.zeros(0, 4), reduction="avg")


# ---------------------------------------------------------------- PyTorch's documented values
def test_multilabel_margin_pytorch_doc_example():
    # torch.nn.MultiLabelMarginLoss docs: x = [[0.1, 0.2, 0.4, 0.8]], y = [[3, 0, -1, 1]]
    # -> 0.25 * ((1-(0.1-0.2)) + (1-(0.1-0.4)) + (1-(0.8-0.2)) + (1-(0.8-0.4))) = 0.85
    x = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
    assert_close(L.multilabel_margin(x, torch.tensor([[3, 0, -1, 1]])), torch.tensor(0.85))
    # 1-D input, as PyTorch accepts
    assert_close(L.multilabel_margin(x[0], torch.tensor([3, 0, -1, 1]), reduction="none"),
                 F.multilabel_margin_loss(x[0], torch.tensor([3, 0, -1, 1]), reduction="none"))


@pytest.mark.parametrize("p", [1.0, 3.0, 1.5])
def test_triplet_with_p_norms_matches_pytorch(p):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(6, 3, 4, generator=g, dtype=F64)
    a, pos, neg = x.unbind(1)
    for swap in (False, True):
        want = F.triplet_margin_loss(a, pos, neg, p=p, swap=swap, reduction="none")
        assert_close(L.triplet(x, reduction="none", p=p, swap=swap), want, rtol=1e-12,
                     atol=1e-12)
        # float64 reference: ||a - p + eps||_p written out
        d = lambda u, v: ((u - v + 1e-6).abs() ** p).sum(-1) ** (1 / p)  # noqa: E731
        d_neg = torch.minimum(d(a, neg), d(pos, neg)) if swap else d(a, neg)
        assert_close(L.triplet(x, reduction="none", p=p, swap=swap),
                     (d(a, pos) - d_neg + 1.0).clamp_min(0), rtol=1e-12, atol=1e-12)
        xr = x.clone().requires_grad_(True)
        L.triplet(xr, reduction="sum", p=p, swap=swap).backward()
        assert_close(L.gradient("triplet", x, None, p=p, swap=swap), xr.grad, rtol=1e-9,
                     atol=1e-12)
    with pytest.raises(ParameterError, match=r"`p` of triplet must be a float in \[1, inf\)"):
        L.triplet(x, p=0.5)


def test_cosine_embedding_and_margin_ranking_match_pytorch_with_two_tensors():
    g = torch.Generator().manual_seed(2)
    x1, x2 = torch.randn(5, 3, generator=g), torch.randn(5, 3, generator=g)
    y = torch.tensor([1, -1, 1, -1, -1])
    assert_close(L.cosine_embedding(torch.stack([x1, x2], 1), y, margin=0.2),
                 F.cosine_embedding_loss(x1, x2, y, margin=0.2))
    s1, s2 = torch.randn(5, generator=g), torch.randn(5, generator=g)
    assert_close(L.margin_ranking(torch.stack([s1, s2], -1), y.float(), margin=0.1),
                 F.margin_ranking_loss(s1, s2, y.float(), margin=0.1))


def test_soft_margin_equals_bce_with_logits_on_signed_labels():
    # log(1 + e^{-y x}) with y = 2t - 1 is BCE with logits on t
    g = torch.Generator().manual_seed(3)
    x = torch.randn(4, 5, generator=g, dtype=F64)
    t = (torch.rand(4, 5, generator=g) > 0.5).to(F64)
    assert_close(L.soft_margin(x, 2 * t - 1), F.binary_cross_entropy_with_logits(x, t))


# ---------------------------------------------------------------- CTC
def test_ctc_impossible_alignment_is_inf_or_zero_as_pytorch():
    x = torch.log_softmax(torch.randn(3, 1, 3, dtype=F64), 2)
    y = torch.tensor([[1, 1, 2]])  # needs 3 labels + 1 blank between the repeats: 4 frames
    il, tl = torch.tensor([3]), torch.tensor([3])
    assert math.isinf(float(L.ctc(x, y, reduction="none")[0]))
    assert float(F.ctc_loss(x, y, il, tl, reduction="none")[0]) == math.inf
    z = L.ctc(x, y, zero_infinity=True)
    assert float(z) == 0.0
    assert_close(L.gradient("ctc", x, y), torch.zeros_like(x))


def test_ctc_mean_differs_from_pytorch_by_the_target_lengths_only():
    g = torch.Generator().manual_seed(4)
    x = torch.log_softmax(torch.randn(8, 2, 5, generator=g, dtype=F64), 2)
    y = torch.tensor([[1, 2, 3], [4, 4, 0]])
    il, tl = torch.tensor([8, 6]), torch.tensor([3, 2])
    kw = {"input_lengths": il, "target_lengths": tl}
    per = F.ctc_loss(x, y, il, tl, reduction="none")
    assert_close(L.ctc(x, y, **kw), per.mean())  # the catalog's mean: of the samples
    assert_close(L.ctc(x, y, divide_by_target_length=True, **kw),
                 F.ctc_loss(x, y, il, tl, reduction="mean"))  # PyTorch's mean


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"input": torch.zeros(4, 2)}, r"`input` of ctc must hold log-probabilities of shape "
                                   r"\(T, N, C\)"),
    ({"target": torch.zeros(2, 2)}, r"`target` of ctc must hold int label sequences"),
    ({"target": torch.tensor([[0, 1], [1, 1]])}, r"labels in \[0, 3\) other than the blank 0"),
    ({"blank": 3}, r"`blank` of ctc must be a class index in \[0, 3\); got 3"),
    ({"input_lengths": torch.tensor([5, 1])}, r"`input_lengths` of ctc must hold 2 integers "
                                              r"in \[0, 4\]"),
    ({"target_lengths": torch.tensor([1.0, 1.0])}, r"`target_lengths` of ctc must hold 2 "
                                                   r"integers in \[0, 2\]; got \[1.0, 1.0\]"),
    ({"target_lengths": torch.tensor([-1, 1])}, r"`target_lengths` of ctc must be an int in "
                                                r"\[0, inf\)"),
])
def test_ctc_errors(kwargs, message):
    args = {"input": torch.log_softmax(torch.zeros(4, 2, 3), 2),
            "target": torch.tensor([[1, 2], [2, 1]])}
    args.update(kwargs)
    exc = ParameterError if "must be an int in" in message else InputError
    with pytest.raises(exc, match=message):
        L.ctc(args.pop("input"), args.pop("target"), **args)


# ---------------------------------------------------------------- optax's values
def test_smooth_labels_optax_definition():
    # optax.smooth_labels: (1 - alpha) * labels + alpha / num_categories
    y = torch.tensor([[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    assert_close(L.smooth_labels(y, 0.2), 0.8 * y + 0.05)
    assert_close(L.smooth_labels(y, 0.0), y)
    with pytest.raises(ParameterError, match=r"`alpha` of smooth_labels must be a float in "
                                             r"\[0, 1\]; got 1.5"):
        L.smooth_labels(y, 1.5)
    with pytest.raises(InputError, match="`labels` of smooth_labels must be a floating-point"):
        L.smooth_labels(torch.tensor([[0, 1]]), 0.1)


def test_sparsemax_losses_vanish_exactly_on_separated_examples():
    # Martins and Astudillo (2016): the multi-class loss is 0 iff sparsemax(z) = e_y,
    # i.e. z_y >= z_j + 1 for every other j; the binary one iff the logit is on the right
    # side of +-1
    z = torch.tensor([[3.0, 1.5, 0.0], [0.0, 0.0, 0.0]], dtype=F64)
    got = L.multiclass_sparsemax(z, torch.tensor([0, 2]), reduction="none")
    assert float(got[0]) == 0.0
    assert float(got[1]) == pytest.approx(0.5 - 0.5 / 3)  # p uniform: 1/2 - 1/(2 * 3)
    assert float(L.sparsemax_loss(torch.tensor([1.0, -1.0]), torch.tensor([1.0, 0.0]),
                                  reduction="sum")) == 0.0
    with pytest.raises(InputError, match="`target` of sparsemax_loss must hold labels 0 or 1"):
        L.sparsemax_loss(torch.zeros(2), torch.tensor([0.5, 1.0]))
    with pytest.raises(InputError, match=r"class indices in \[0, 3\)"):
        L.multiclass_sparsemax(z, torch.tensor([0, 3]))


def test_generalized_kl_is_kl_for_distributions_and_refuses_negative_measures():
    p = torch.tensor([[0.2, 0.3, 0.5]], dtype=F64)
    q = torch.tensor([[0.4, 0.4, 0.2]], dtype=F64)
    kl = (p * (p / q).log()).sum()  # both sum to 1: the -y + q terms cancel
    assert_close(L.generalized_kl_divergence(q.log(), p), kl)
    with pytest.raises(InputError, match="must be a non-negative measure"):
        L.generalized_kl_divergence(q.log(), -p)


def test_ranking_softmax_is_cross_entropy_for_a_single_relevant_item():
    g = torch.Generator().manual_seed(5)
    s = torch.randn(4, 6, generator=g, dtype=F64)
    t = torch.tensor([0, 5, 2, 2])
    assert_close(L.ranking_softmax(s, F.one_hot(t, 6).to(F64)), F.cross_entropy(s, t))
    with pytest.raises(InputError, match="relevance labels >= 0"):
        L.ranking_softmax(s, -torch.ones_like(s))


def test_perceptrons_optax_definitions_and_errors():
    # optax: perceptron_loss = max(0, -y x); multiclass = max_k s_k - s_y
    assert_close(L.perceptron(torch.tensor([2.0, -0.5, 0.3]), torch.tensor([1.0, 1.0, -1.0]),
                              reduction="none"), torch.tensor([0.0, 0.5, 0.3]))
    s = torch.tensor([[1.0, 3.0, 2.0], [0.0, -1.0, 4.0]])
    assert_close(L.multiclass_perceptron(s, torch.tensor([2, 2]), reduction="none"),
                 torch.tensor([1.0, 0.0]))
    with pytest.raises(InputError, match=r"labels in \{-1, 1\} \(these look like \{0, 1\}"):
        L.perceptron(torch.zeros(2), torch.tensor([0.0, 1.0]))
    with pytest.raises(InputError, match="must hold int64 class indices of shape"):
        L.multiclass_perceptron(s, torch.tensor([0.0, 1.0]))


def test_circle_loss_errors_and_keras_mask_difference():
    x = F.normalize(torch.randn(4, 3, generator=torch.Generator().manual_seed(6)), dim=1)
    y = torch.tensor([0, 0, 1, 1])
    per = L.circle(x, y, reduction="none")
    # the catalog's mean divides by N (Keras's by the samples with a non-zero loss)
    assert_close(L.circle(x, y), per.sum() / 4)
    with pytest.raises(InputError, match=r"`input` of circle must have shape \(N, D\)"):
        L.circle(x, y.float())
    with pytest.raises(ParameterError, match=r"`gamma` of circle must be a float in "
                                             r"\(0, inf\)"):
        L.circle(x, y, gamma=0.0)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: L.margin_ranking(torch.zeros(3, 3), torch.ones(3)),
     r"`input` of margin_ranking must have shape \(\*, 2\)"),
    (lambda: L.cosine_embedding(torch.zeros(3, 4), torch.ones(3)),
     r"`input` of cosine_embedding must have shape \(N, 2, D\)"),
    (lambda: L.multilabel_margin(torch.zeros(2, 3), torch.tensor([[0, 3, -1], [1, -1, 0]])),
     r"class indices in \[0, 3\) or the padding -1"),
    (lambda: L.multilabel_margin(torch.zeros(2, 3), torch.zeros(2, 3)),
     "must hold int64 class indices padded with -1"),
    (lambda: L.hinge_embedding(torch.zeros(2), torch.tensor([0.0, 1.0])),
     r"labels in \{-1, 1\}"),
    (lambda: L.soft_margin(torch.zeros(2), torch.zeros(3)), "must have the same shape"),
])
def test_margin_family_errors(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_new_names_resolve_with_the_peers_spellings():
    for alias, name in [("multilabel_margin_loss", "multilabel_margin"),
                        ("hinge_embedding_loss", "hinge_embedding"),
                        ("soft_margin_loss", "soft_margin"),
                        ("cosine_embedding_loss", "cosine_embedding"),
                        ("margin_ranking_loss", "margin_ranking"), ("ctc_loss", "ctc"),
                        ("CTCLoss", "ctc"), ("circle_loss", "circle"),
                        ("multiclass_sparsemax_loss", "multiclass_sparsemax"),
                        ("perceptron_loss", "perceptron"),
                        ("multiclass_perceptron_loss", "multiclass_perceptron"),
                        ("ranking_softmax_loss", "ranking_softmax"),
                        ("convex_kl_divergence", "optax_convex_kl_divergence")]:
        assert L.spec(alias).name == name, alias


# ---------------------------------------------------------------- per-class segmentation options
def _masks(seed: int = 7):
    g = torch.Generator().manual_seed(seed)
    p = torch.rand(2, 3, 4, 4, generator=g, dtype=F64) * 0.96 + 0.02
    t = (torch.rand(2, 3, 4, 4, generator=g) > 0.6).to(F64)
    return p, t


def _dice64(p, t, s=1.0):
    return 1 - (2 * (p * t).sum() + s) / (p.sum() + t.sum() + s)


def _tversky64(p, t, a=0.3, b=0.7, s=1.0):
    tp, fp, fn = (p * t).sum(), (p * (1 - t)).sum(), ((1 - p) * t).sum()
    return 1 - (tp + s) / (tp + a * fp + b * fn + s)


_OPTS = [{"average": "macro"}, {"ignore_index": 0}, {"average": "macro", "ignore_index": 2},
         {"average": "macro", "class_weight": torch.tensor([0.2, 1.0, 3.0], dtype=F64)}]


@pytest.mark.parametrize("opts", _OPTS, ids=["macro", "ignore", "macro-ignore", "weighted"])
def test_dice_and_tversky_per_class_options_against_float64(opts):
    p, t = _masks()
    keep = [c for c in range(3) if c != opts.get("ignore_index")]
    w = opts.get("class_weight", torch.ones(3, dtype=F64))
    for name, ref in (("dice", _dice64), ("tversky", _tversky64)):
        got = L.spec(name).fn(p, t, reduction="none", **opts)
        if opts.get("average") == "macro":
            # optax dice_loss: per (sample, class), times the class weight, mean over classes
            want = torch.stack([torch.stack([w[c] * ref(p[n, c], t[n, c]) for c in keep]).mean()
                                for n in range(2)])
        else:
            want = torch.stack([ref(p[n, keep], t[n, keep]) for n in range(2)])
        assert_close(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["dice", "jaccard", "tversky", "focal_tversky"])
@pytest.mark.parametrize("opts", _OPTS, ids=["macro", "ignore", "macro-ignore", "weighted"])
def test_per_class_options_closed_form_gradient_and_gradcheck(name, opts):
    p, t = _masks(8)
    w = torch.tensor([0.5, 2.0], dtype=F64)
    for from_logits in (False, True):
        x = torch.logit(p) if from_logits else p
        kw = dict(opts, from_logits=from_logits)
        xr = x.clone().requires_grad_(True)
        L.spec(name).fn(xr, t, reduction="sum", weight=w, **kw).backward()
        assert_close(L.gradient(name, x, t, weight=w, **kw), xr.grad, rtol=1e-9, atol=1e-12)
    assert torch.autograd.gradcheck(
        lambda z: L.spec(name).fn(z, t, reduction="sum", **opts), (p.clone().requires_grad_(),))
    # the module form carries the options
    assert_close(L.get(name, **opts)(p, t), L.spec(name).fn(p, t, **opts))


def test_macro_jaccard_matches_per_class_rows_and_micro_is_unchanged():
    p, t = _masks(9)
    rows = L.jaccard(p.flatten(2).flatten(0, 1), t.flatten(2).flatten(0, 1), reduction="none")
    assert_close(L.jaccard(p, t, average="macro", reduction="none"), rows.view(2, 3).mean(1))
    assert_close(L.jaccard(p, t, average="micro"), L.jaccard(p, t))


@pytest.mark.parametrize(("kwargs", "exc", "message"), [
    ({"class_weight": torch.ones(3)}, ParameterError,
     r"`class_weight` of dice needs average='macro'"),
    ({"ignore_index": 3}, InputError, r"`ignore_index` of dice must be a class index in "
                                      r"\[0, 3\); got 3"),
    ({"average": "macro", "class_weight": torch.ones(2)}, InputError,
     r"`class_weight` of dice must have shape \(C,\) = \(3,\)"),
    ({"average": "weighted"}, ParameterError, r"`average` of dice must be one of 'micro', "
                                              r"'macro'"),
    ({"ignore_index": -1}, ParameterError, r"`ignore_index` of dice must be an int in "
                                           r"\[0, inf\)"),
    ({"average": "macro", "class_weight": -torch.ones(3)}, ParameterError,
     r"`class_weight` of dice must be a float in \[0, inf\)"),
])
def test_per_class_option_errors(kwargs, exc, message):
    p, t = _masks()
    with pytest.raises(exc, match=message):
        L.dice(p, t, **kwargs)
    with pytest.raises(InputError, match=r"must have shape \(N, C, \*\) for average='macro'"):
        L.dice(torch.rand(4), torch.ones(4), average="macro")


# ---------------------------------------------------------------- linear_cross_entropy weights
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_linear_cross_entropy_class_weights_match_pytorch(reduction, label_smoothing):
    g = torch.Generator().manual_seed(10)
    h = torch.randn(7, 5, generator=g, dtype=F64)
    w = torch.randn(6, 5, generator=g, dtype=F64)
    b = torch.randn(6, generator=g, dtype=F64)
    t = torch.tensor([0, 1, 5, 2, -100, 3, 3])
    cw = torch.rand(6, generator=g, dtype=F64) + 0.2
    ours = [x.clone().requires_grad_(True) for x in (h, w, b)]
    theirs = [x.clone().requires_grad_(True) for x in (h, w, b)]
    got = L.linear_cross_entropy(ours[0], ours[1], t, bias=ours[2], class_weight=cw,
                                 reduction=reduction, label_smoothing=label_smoothing)
    # PyTorch's own op; its `weight=` are the class weights
    want = F.linear_cross_entropy(theirs[0], theirs[1], t, linear_bias=theirs[2], weight=cw,
                                  reduction=reduction, label_smoothing=label_smoothing,
                                  ignore_index=-100)
    assert_close(got, want, rtol=1e-12, atol=1e-12)
    got.sum().backward()
    want.sum().backward()
    for a, c in zip(ours, theirs):
        assert_close(a.grad, c.grad, rtol=1e-10, atol=1e-12)


def test_linear_cross_entropy_class_weight_errors():
    h, w, t = torch.zeros(2, 3), torch.zeros(4, 3), torch.tensor([0, 1])
    with pytest.raises(InputError, match=r"`class_weight` of linear_cross_entropy must have "
                                         r"shape \(V,\) = \(4,\)"):
        L.linear_cross_entropy(h, w, t, class_weight=torch.ones(3))
    with pytest.raises(InputError, match="must be non-negative"):
        L.linear_cross_entropy(h, w, t, class_weight=-torch.ones(4))
