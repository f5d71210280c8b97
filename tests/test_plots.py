"""Catalog figures: lines, shaded low-gradient zones, loss curves against the margin."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch.testing import assert_close

import actloss.activations as A
from actloss import plots
from actloss.errors import ParameterError, UnknownNameError

# sigmoid'(x) = s (1 - s) = 0.05 * 0.25 (5% of its maximum 1/4 at x = 0) gives
# s^2 - s + 0.0125 = 0, s = (1 + sqrt(0.95)) / 2, x = log(s / (1 - s))
#   = log((1 + sqrt(0.95)) / (1 - sqrt(0.95)))
SIGMOID_EDGE = math.log((1 + math.sqrt(0.95)) / (1 - math.sqrt(0.95)))


def _spans(ax) -> list[tuple[float, float]]:
    """x extents of the shaded spans (axvspan patches) of ``ax``."""
    out = []
    for patch in ax.patches:
        xs = [float(v) for v in patch.get_path().transformed(patch.get_patch_transform())
              .vertices[:, 0]] if hasattr(patch, "get_patch_transform") else []
        if xs:
            out.append((min(xs), max(xs)))
    return sorted(out)


def _named_lines(ax) -> list:
    return [ln for ln in ax.lines if not ln.get_label().startswith("_")]


def test_sigmoid_low_gradient_zone_matches_the_hand_derivation():
    zones = plots.low_gradient_zones("sigmoid", x_range=(-6, 6))
    assert len(zones) == 2
    assert zones[0][0] == pytest.approx(-6.0)
    assert zones[0][1] == pytest.approx(-SIGMOID_EDGE, abs=1e-7)
    assert zones[1][0] == pytest.approx(SIGMOID_EDGE, abs=1e-7)
    assert zones[1][1] == pytest.approx(6.0)
    # the figure shades exactly those intervals
    fig = plots.plot_activations(["sigmoid"], x_range=(-6, 6))
    spans = _spans(fig.axes[0])
    assert len(spans) == 2
    for (a, b), (za, zb) in zip(spans, zones):
        assert a == pytest.approx(za, abs=1e-7) and b == pytest.approx(zb, abs=1e-7)


def test_zones_of_relu_identity_and_a_custom_fraction():
    [(a, b)] = plots.low_gradient_zones("relu", x_range=(-3, 2))
    assert a == pytest.approx(-3.0) and b == pytest.approx(0.0, abs=1e-9)
    assert plots.low_gradient_zones("identity") == []
    # tanh'(x) = 1 - tanh^2 = 0.5 at tanh x = sqrt(0.5): x = atanh(sqrt(0.5))
    edge = math.atanh(math.sqrt(0.5))
    zones = plots.low_gradient_zones("tanh", x_range=(-3, 3), frac=0.5)
    assert zones[0][1] == pytest.approx(-edge, abs=1e-7)
    assert zones[1][0] == pytest.approx(edge, abs=1e-7)


def test_plot_activations_draws_function_solid_and_derivative_dashed():
    fig = plots.plot_activations(["sigmoid", "relu"], x_range=(-6, 6))
    assert isinstance(fig, Figure)
    lines = _named_lines(fig.axes[0])
    assert [ln.get_label() for ln in lines] == ["sigmoid", "sigmoid'", "relu", "relu'"]
    assert [ln.get_linestyle() for ln in lines] == ["-", "--", "-", "--"]
    assert lines[0].get_color() == lines[1].get_color()
    x = torch.tensor(lines[1].get_xdata(), dtype=torch.float64)
    s = torch.sigmoid(x)
    assert_close(torch.tensor(lines[1].get_ydata()), s * (1 - s))  # sigma' = s (1 - s)
    assert_close(torch.tensor(lines[2].get_ydata()), torch.relu(x))
    assert len(_spans(fig.axes[0])) == 3  # sigmoid's two zones and relu's x < 0


def test_gallery_has_one_panel_per_elementwise_activation():
    fig = plots.gallery(names=["relu", "tanh", "sigmoid"], cols=2)
    assert [ax.get_title() for ax in fig.axes] == ["relu", "tanh", "sigmoid"]
    want = sorted(s.name for s in A.REGISTRY if s.kind == "elementwise" and s.derivative)
    full = plots.gallery()
    assert sorted(ax.get_title() for ax in full.axes) == want
    assert "softmax" not in want


def test_loss_curves_against_the_margin_and_the_residual():
    m = torch.linspace(-3, 3, 61, dtype=torch.float64)
    m = m[(m - 1).abs() > 1e-9]  # away from the hinge's kink
    loss, grad = plots.loss_curve("hinge", "binary", m)
    assert_close(loss, (1 - m).clamp_min(0))
    assert_close(grad, -(m < 1).double())
    # binary cross-entropy on logits with y = +1: softplus(-m); two-class CE is the same
    for name in ("binary_cross_entropy_with_logits", "cross_entropy", "binary_cross_entropy",
                 "keras_binary_crossentropy"):
        loss, grad = plots.loss_curve(name, "binary", m)
        assert_close(loss, F.softplus(-m), rtol=1e-6, atol=1e-7, msg=name)
        assert_close(grad, torch.sigmoid(m) - 1, rtol=1e-6, atol=1e-7, msg=name)
    loss, grad = plots.loss_curve("mse", "regression", m)
    assert_close(loss, m**2)
    assert_close(grad, 2 * m)


def test_plot_losses_figure():
    fig = plots.plot_losses(["hinge", "binary_focal", "mse", "cross_entropy"])
    ax_l, ax_g = fig.axes
    assert [ln.get_label() for ln in _named_lines(ax_l)] == ["hinge", "binary_focal", "mse",
                                                            "cross_entropy"]
    assert all(ln.get_linestyle() == "--" for ln in _named_lines(ax_g))
    # squared error would flatten the rest: the loss axis is clipped (top below 25 = mse(-4))
    assert ax_l.get_ylim()[1] < 10
    fig = plots.plot_losses(["mse", "mae", "huber"], task="regression")
    assert len(_named_lines(fig.axes[0])) == 3


def test_plot_errors():
    with pytest.raises(ParameterError, match="'softmax' is a vector activation; only element"):
        plots.plot_activations(["softmax"])
    with pytest.raises(UnknownNameError, match="unknown activation 'sigmod'"):
        plots.plot_activations(["sigmod"])
    with pytest.raises(ParameterError, match="`x_range` of plot_activations must be finite"):
        plots.plot_activations(["relu"], x_range=(2, 1))
    with pytest.raises(ParameterError, match="`x_range` of low_gradient_zones must be two"):
        plots.low_gradient_zones("relu", x_range="ab")
    with pytest.raises(ParameterError, match=r"`frac` of low_gradient_zones must be a float in"):
        plots.low_gradient_zones("relu", frac=1.5)
    with pytest.raises(ParameterError, match="`names` of plot_activations must name at least"):
        plots.plot_activations([])
    with pytest.raises(ParameterError, match="'dice' .* cannot be drawn against the margin"):
        plots.plot_losses(["dice"])
    with pytest.raises(ParameterError, match="cannot be drawn against the residual"):
        plots.plot_losses(["hinge"], task="regression")
    with pytest.raises(ParameterError, match="`task` of plot_losses must be one of"):
        plots.plot_losses(["mse"], task="ranking")
    with pytest.raises(ParameterError, match="'info_nce' .* cannot be drawn against the resid"):
        plots.loss_curve("info_nce", "regression", torch.zeros(3))
    with pytest.raises(ParameterError, match="`names` of gallery must name at least one"):
        plots.gallery(names=[])
    with pytest.raises(ParameterError, match="`names` of plot_losses must name at least one"):
        plots.plot_losses([])
    with pytest.raises(ParameterError, match=r"`cols` of gallery must be an int in \[1, 20\]"):
        plots.gallery(cols=0)


def test_a_loss_without_one_value_per_sample_is_refused(monkeypatch):
    import dataclasses

    import actloss.losses as L

    mse = L.spec("mse")
    pooled = dataclasses.replace(mse, fn=lambda x, t, reduction="none": ((x - t) ** 2).sum())
    monkeypatch.setattr(L, "spec", lambda name: pooled)
    with pytest.raises(ParameterError, match="does not give one value per sample here"):
        plots.loss_curve("mse", "regression", torch.zeros(3))
