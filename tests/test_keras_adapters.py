"""The keras_ entries as adapters over the core families: independent float64 references
of Keras's formulas (keras/src/losses/losses.py, Keras 3) on the paths the adapters
route through the families (logits, label smoothing, axis, ignore_class, clipping)."""

from __future__ import annotations

import pytest
import torch

from actloss import losses as L

EPS = 1e-7  # keras.backend.epsilon()


def _g(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_categorical_focal_from_logits_with_smoothing_and_axis() -> None:
    z = torch.randn(3, 4, 5, generator=_g(0), dtype=torch.float64)  # classes on axis 1
    y = torch.nn.functional.one_hot(torch.tensor([[0, 1, 2, 3, 1], [3, 3, 0, 1, 2],
                                                  [2, 1, 0, 0, 3]]), 4).movedim(-1, 1)
    y = y.to(torch.float64)
    s, alpha, gamma = 0.1, 0.25, 2.0
    ys = y * (1 - s) + s / 4
    p = torch.softmax(z, dim=1)
    want = (alpha * (1 - p) ** gamma * (-ys * torch.log(p))).sum(1)  # Keras's formula
    got = L.keras_categorical_focal_crossentropy(z, y, from_logits=True, label_smoothing=s,
                                                 axis=1, reduction="none")
    torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)


def test_categorical_crossentropy_clipped_probabilities_are_not_renormalised() -> None:
    # p = [1, 0, 0]: Keras clips to [1 - 1e-7, 1e-7, 1e-7] (sum 1 + 1e-7) and takes
    # -log(1e-7) for class 1 with no renormalisation after the clip
    x = torch.tensor([[1.0, 0.0, 0.0]], dtype=torch.float64)
    y = torch.tensor([[0.0, 1.0, 0.0]], dtype=torch.float64)
    got = L.keras_categorical_crossentropy(x, y, reduction="none")
    assert float(got[0]) == pytest.approx(-torch.log(torch.tensor(EPS, dtype=torch.float64))
                                          .item(), rel=1e-12)


def test_sparse_crossentropy_logits_ignore_class_and_column_labels() -> None:
    z = torch.randn(5, 3, generator=_g(1), dtype=torch.float64)
    labels = torch.tensor([[0], [2], [1], [2], [0]])
    logp = torch.log_softmax(z, dim=-1)
    per = -logp.gather(1, labels).squeeze(1)
    keep = labels.squeeze(1) != 2
    want = (per * keep).sum() / keep.sum()  # Keras: ignored entries leave the divisor
    got = L.keras_sparse_categorical_crossentropy(z, labels, from_logits=True, ignore_class=2)
    assert float(got) == pytest.approx(float(want), rel=1e-12)


def test_binary_focal_probabilities_and_balancing() -> None:
    p = torch.tensor([[0.6, 0.4, 0.99], [0.1, 0.7, 0.5]], dtype=torch.float64)
    y = torch.tensor([[0.0, 1.0, 1.0], [0.0, 1.0, 0.0]], dtype=torch.float64)
    alpha, gamma = 0.25, 2.0
    bce = -(y * torch.log(p) + (1 - y) * torch.log(1 - p))
    pt = y * p + (1 - y) * (1 - p)
    want = ((y * alpha + (1 - y) * (1 - alpha)) * (1 - pt) ** gamma * bce).mean(-1)
    got = L.keras_binary_focal_crossentropy(p, y, apply_class_balancing=True, alpha=alpha,
                                            gamma=gamma, reduction="none")
    torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)


def test_kl_divergence_clips_both_sides() -> None:
    x = torch.tensor([[0.0, 0.4, 0.6]], dtype=torch.float64)
    y = torch.tensor([[0.2, 0.0, 0.8]], dtype=torch.float64)
    xc, yc = x.clamp(EPS, 1), y.clamp(EPS, 1)
    want = (yc * torch.log(yc / xc)).sum(-1)
    torch.testing.assert_close(L.keras_kl_divergence(x, y, reduction="none"), want,
                               rtol=1e-12, atol=1e-15)


def test_dice_and_tversky_keras_edge_and_axis() -> None:
    zero = torch.zeros(2, 3, dtype=torch.float64)
    # Keras: 1 - 0 / (0 + eps) = 1 on all-zero masks (eps only in the denominator)
    assert float(L.keras_dice(zero, zero)) == pytest.approx(1.0, abs=1e-12)
    x = torch.rand(2, 3, 4, generator=_g(2), dtype=torch.float64)
    y = (torch.rand(2, 3, 4, generator=_g(3)) > 0.5).to(torch.float64)
    axes = (1, 2)
    tp = (x * y).sum(axes)
    fp = (x * (1 - y)).sum(axes)
    fn = ((1 - x) * y).sum(axes)
    want_t = 1 - tp / (tp + 0.7 * fp + 0.3 * fn + EPS)
    want_d = 1 - 2 * tp / (y.sum(axes) + x.sum(axes) + EPS)
    torch.testing.assert_close(
        L.keras_tversky(x, y, alpha=0.7, beta=0.3, axis=axes, reduction="none"), want_t,
        rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(L.keras_dice(x, y, axis=axes, reduction="none"), want_d,
                               rtol=1e-12, atol=1e-15)
    # axis=1 keeps dimensions 0 and 2
    assert L.keras_dice(x, y, axis=1, reduction="none").shape == (2, 4)


def test_categorical_hinge_classes_last_in_three_dimensions() -> None:
    x = torch.randn(2, 3, 4, generator=_g(4), dtype=torch.float64)
    y = torch.nn.functional.one_hot(torch.tensor([[0, 1, 3], [2, 2, 1]]), 4).to(x.dtype)
    want = torch.relu(((1 - y) * x).amax(-1) - (y * x).sum(-1) + 1)
    torch.testing.assert_close(L.keras_categorical_hinge(x, y, reduction="none"), want)
