"""The training monitor: statistics against hand derivations, pathologies, remedies.

Expected values come from hand derivations written beside each test, from float64
references computed in the test, or from PyTorch's own ops on the same tensors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from actloss.diagnostics import (
    MONITOR_PARAMS,
    TEXT,
    Monitor,
    apply_remedy,
    loss_curve_findings,
    monitor,
    probe_for,
    try_remedies,
    window_means,
)
from actloss.errors import InputError, ParameterError

# ----------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def _one_thread():
    """Small models train fastest on one thread; the suite runs two workers side by side."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)



def _digits(n: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.data, dtype=torch.float32)
    x = (x - x.mean(0)) / (x.std(0) + 1e-6)
    y = torch.tensor(d.target)
    return (x, y) if n is None else (x[:n], y[:n])


def _mlp(sizes: list[int], act: type[nn.Module], init: str | None = None,
         hidden_bias: float | None = None) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(len(sizes) - 1):
        lin = nn.Linear(sizes[i], sizes[i + 1])
        if init == "he":
            nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
            nn.init.zeros_(lin.bias)
        elif init == "xavier":
            nn.init.xavier_normal_(lin.weight)
            nn.init.zeros_(lin.bias)
        if hidden_bias is not None and i < len(sizes) - 2:
            nn.init.constant_(lin.bias, hidden_bias)
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def _train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, epochs: int, lr: float,
           opt: str = "adam", batch: int = 64, **thresholds) -> Monitor:
    """A hand-written loop using the documented monitor protocol."""
    o = (torch.optim.Adam(model.parameters(), lr=lr) if opt == "adam"
         else torch.optim.SGD(model.parameters(), lr=lr))
    m = monitor(model, **thresholds)
    gen = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            o.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            m.after_backward()
            o.step()
            m.step_end(loss)
        m.epoch_end()
    return m


def _codes(m: Monitor) -> list[str]:
    return [f.code for f in m.findings()]


# -------------------------------------------------------------- validation


@pytest.mark.parametrize("kwargs, message", [
    ({"every": 0}, r"^`every` of monitor must be an int in \[1, inf\); got 0$"),
    ({"every": 1.5}, r"`every` of monitor must be an int in \[1, inf\); got 1.5"),
    ({"dead_threshold": 1.5}, r"`dead_threshold` of monitor must be a float in \(0, 1\]; got 1.5"),
    ({"saturation_rel": 0.0}, r"`saturation_rel` of monitor must be a float in \(0, 1\); got 0.0"),
    ({"vanishing_ratio": -1.0}, r"`vanishing_ratio` of monitor must be a float in \(0, inf\); got -1.0"),
    ({"exploding_ratio": "big"}, r"`exploding_ratio` of monitor must be a float in \(0, inf\); got 'big'"),
    ({"check_finite": 1}, r"`check_finite` of monitor must be a bool; got 1"),
    ({"loss_windows": 1}, r"`loss_windows` of monitor must be an int in \[2, inf\); got 1"),
    ({"dead_treshold": 0.5}, r"monitor has no parameter `dead_treshold`.*did you mean 'dead_threshold'"),
])
def test_thresholds_are_validated(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        monitor(nn.Linear(2, 2), **kwargs)


def test_model_must_be_a_module():
    with pytest.raises(InputError, match=r"`model` of monitor must be a torch.nn.Module; got int"):
        monitor(3)


def test_thresholds_are_configurable_and_declared_once():
    names = {p.name for p in MONITOR_PARAMS}
    assert {"every", "dead_threshold", "saturation_rel", "vanishing_ratio", "exploding_ratio",
            "update_ratio_high", "plateau_tol"} <= names
    m = monitor(nn.Linear(2, 2), dead_threshold=0.25, every=3)
    assert m.thresholds["dead_threshold"] == pytest.approx(0.25)
    assert m.thresholds["every"] == 3
    defaults = {p.name: p.default for p in MONITOR_PARAMS}
    assert m.thresholds["vanishing_ratio"] == pytest.approx(defaults["vanishing_ratio"])
    m.close()


def test_loss_curve_thresholds_are_validated():
    with pytest.raises(ParameterError, match=r"`plateau_tol` of loss_curve_findings must be a float in \(0, 1\); got 2.0"):
        loss_curve_findings([1.0, 0.5], plateau_tol=2.0)


# ----------------------------------------------------------- hook handling


def _hook_count(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


def test_close_removes_every_hook_and_context_manager_too():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    assert _hook_count(model) == 0
    m = monitor(model)
    assert _hook_count(model) > 0 and m.attached
    m.close()
    assert _hook_count(model) == 0 and not m.attached
    with monitor(model) as m2:
        assert _hook_count(model) > 0
    assert _hook_count(model) == 0 and not m2.attached


def test_validation_passes_are_not_counted():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    m = monitor(model)
    with torch.no_grad():
        model(torch.randn(5, 3))
    model.eval()
    model(torch.randn(5, 3))
    assert m.epoch_end() is None  # nothing was collected
    m.close()


# --------------------------------------------------- statistics, by hand


def test_dead_fraction_counts_units_dead_on_every_sample():
    # Linear(2 -> 4) with zero weights: the pre-activation of unit j is its bias b_j.
    # Biases (-1, -2, 3, -0.5) => units 0, 1, 3 have relu'(b) = 0 for every sample:
    # dead fraction 3/4. The second batch makes unit 1 positive for one sample through
    # its weight, so it is alive over the epoch: 2/4.
    lin = nn.Linear(2, 4)
    with torch.no_grad():
        lin.weight.zero_()
        lin.bias.copy_(torch.tensor([-1.0, -2.0, 3.0, -0.5]))
    model = nn.Sequential(lin, nn.ReLU())
    m = monitor(model, every=1)  # every batch counts
    model(torch.randn(8, 2)).sum().backward()
    m.after_backward()
    m.step_end()
    e1 = m.epoch_end()
    assert e1.activations[0].dead_fraction == pytest.approx(3 / 4)
    assert e1.activations[0].units == 4 and e1.activations[0].samples == 8
    # zero fraction: 3 of 4 columns are zero on all 8 rows => 24 / 32
    assert e1.activations[0].zero_fraction == pytest.approx(24 / 32)
    with torch.no_grad():
        lin.weight[1] = torch.tensor([10.0, 0.0])  # pre-activation -2 + 10 x0
    model(torch.tensor([[-1.0, 0.0]] * 3)).sum().backward()  # unit 1 still negative
    m.after_backward()
    m.step_end()
    model(torch.tensor([[1.0, 0.0]])).sum().backward()  # -2 + 10 > 0: unit 1 fires once
    m.after_backward()
    m.step_end()
    e2 = m.epoch_end()
    assert e2.activations[0].dead_fraction == pytest.approx(2 / 4)
    m.close()


def test_dead_units_use_the_channel_dimension_of_conv_outputs():
    # Conv2d(1 -> 6, 1x1) with zero weights: channel c holds its bias everywhere;
    # biases (-1, 1, -1, 1, -1, -1) => 4 of 6 channels dead.
    conv = nn.Conv2d(1, 6, 1)
    with torch.no_grad():
        conv.weight.zero_()
        conv.bias.copy_(torch.tensor([-1.0, 1.0, -1.0, 1.0, -1.0, -1.0]))
    model = nn.Sequential(conv, nn.ReLU())
    with monitor(model) as m:
        model(torch.randn(3, 1, 5, 5)).sum().backward()
        m.after_backward()
        m.step_end()
        stats = m.epoch_end()
    a = stats.activations[0]
    assert a.units == 6 and a.samples == 3 * 25
    assert a.dead_fraction == pytest.approx(4 / 6)


def test_saturation_fraction_matches_a_float64_reference_for_sigmoid():
    # Saturated: sigmoid'(x) < 1% of sup sigmoid' = 0.25 (the catalog's value).
    # Reference: sigmoid'(x) = e^{-|x|} / (1 + e^{-|x|})^2 in float64.
    x = torch.linspace(-12.0, 12.0, 401).reshape(401, 1).repeat(1, 3)
    model = nn.Sequential(nn.Sigmoid())
    with monitor(model) as m:
        xr = x.clone().requires_grad_(True)
        model(xr).sum().backward()
        m.after_backward()
        m.step_end()
        stats = m.epoch_end()
    a = stats.activations[0]
    assert a.activation == "sigmoid" and a.derivative_source == "catalog"
    x64 = x.double()
    e = torch.exp(-x64.abs())
    ref = e / (1 + e) ** 2
    expected = float((ref < 0.01 * 0.25).double().mean())
    assert a.saturation_fraction == pytest.approx(expected, abs=1 / x.numel())
    # by hand: sigmoid'(x) < 0.0025 <=> |x| > ln((1 + sqrt(0.99)) / (1 - sqrt(0.99))) = 5.987
    thr = math.log((1 + math.sqrt(0.99)) / (1 - math.sqrt(0.99)))
    assert thr == pytest.approx(5.987, abs=1e-3)
    hand = float((x64.abs() > thr).double().mean())
    assert a.saturation_fraction == pytest.approx(hand, abs=1 / x.numel())


def test_relu_has_no_saturation_only_zero_derivatives():
    # relu' is 0 or 1: its flat side counts as zero derivative (dead), never as
    # saturated; leaky_relu neither saturates nor dies.
    x = torch.randn(64, 5)
    for act, zero in ((nn.ReLU(), float((x <= 0).double().mean())), (nn.LeakyReLU(0.1), 0.0)):
        with monitor(nn.Sequential(act)) as m:
            m.model(x.clone().requires_grad_(True)).sum().backward()
            m.after_backward()
            m.step_end()
            a = m.epoch_end().activations[0]
        assert a.saturation_fraction is None
        assert a.zero_fraction == pytest.approx(zero)


def test_torch_modules_map_to_catalog_names_and_derivatives():
    cases = {nn.Sigmoid(): "sigmoid", nn.Tanh(): "tanh", nn.ReLU(): "relu",
             nn.LeakyReLU(0.2): "leaky_relu", nn.ELU(alpha=0.5): "elu", nn.GELU(): "gelu",
             nn.SiLU(): "silu", nn.Softplus(): "softplus"}
    x = torch.linspace(-4, 4, 41, dtype=torch.float64)
    for module, name in cases.items():
        p = probe_for(module)
        assert p is not None and p.name == name and p.source == "catalog"
        # the catalog's closed form equals autograd through the torch module itself
        xg = x.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(module(xg).sum(), xg)
        torch.testing.assert_close(p.derivative(x), g, rtol=1e-10, atol=1e-12)
    assert probe_for(nn.Linear(2, 2)) is None
    assert probe_for(nn.Softmax(dim=-1)) is None  # not element-wise


def test_catalog_modules_are_monitored():
    from actloss.activations import get

    act = get("relu")
    assert probe_for(act).name == "relu"
    model = nn.Sequential(nn.Linear(3, 4), act)
    with monitor(model) as m:
        model(torch.randn(6, 3)).sum().backward()
        m.after_backward()
        m.step_end()
        s = m.epoch_end()
    assert [a.name for a in s.activations] == ["1"]


def test_gradient_norms_ratio_and_update_ratio_by_hand():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))
    x, y = torch.randn(10, 4), torch.randn(10, 3)
    lr = 0.05
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    with monitor(model) as m:
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        g0 = model[0].weight.grad.clone()
        g2 = model[2].weight.grad.clone()
        m.after_backward()
        opt.step()
        m.step_end(loss)
        s = m.epoch_end()
    names = [layer.name for layer in s.layers]
    assert names == ["0", "2"]
    n0, n2 = torch.linalg.vector_norm(g0).item(), torch.linalg.vector_norm(g2).item()
    assert s.layers[0].grad_norm == pytest.approx(n0, rel=1e-6)
    assert s.layers[1].grad_norm == pytest.approx(n2, rel=1e-6)
    assert s.layers[0].mean_abs_grad == pytest.approx(g0.abs().mean().item(), rel=1e-6)
    assert s.grad_ratio == pytest.approx(n0 / n2, rel=1e-6)
    # plain SGD: W_after = W_before - lr g, so ||dW|| / ||W_after|| = lr ||g|| / ||W_after||
    w0 = torch.linalg.vector_norm(model[0].weight.detach()).item()
    assert s.layers[0].update_ratio == pytest.approx(lr * n0 / w0, rel=1e-5)
    assert s.loss == pytest.approx(loss.item(), rel=1e-6)


def test_every_samples_one_batch_in_k():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    m = monitor(model, every=3)
    for _ in range(7):  # batches 0, 3, 6 are sampled
        opt.zero_grad()
        loss = model(torch.randn(4, 3)).pow(2).mean()
        loss.backward()
        m.after_backward()
        opt.step()
        m.step_end(loss)
    s = m.epoch_end()
    m.close()
    assert s.steps == 7 and s.sampled_steps == 3
    assert s.activations[0].samples == 3 * 4
    steps, names, arr = m.gradient_flow()
    assert steps == [0, 3, 6] and names == ["0", "2"] and arr.shape == (3, 2)


# ------------------------------------------------------------- NaN / Inf


class _Overflow(nn.Module):
    """exp of a large input: +inf in float32 (exp(100) > 3.4e38)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.exp(x * 100.0)


def test_first_module_with_nonfinite_output_is_named():
    torch.manual_seed(0)
    model = nn.Sequential()
    model.add_module("stem", nn.Linear(3, 4))
    body = nn.Sequential(nn.Tanh(), nn.Linear(4, 4), _Overflow(), nn.Linear(4, 2))
    model.add_module("body", body)
    with torch.no_grad():
        body[1].bias.fill_(5.0)  # tanh(.) in (-1, 1), so the Linear output is > 1
    m = monitor(model)
    x = torch.randn(8, 3)
    model(x).sum().backward()
    m.after_backward()
    m.step_end()
    findings = m.findings()
    m.close()
    nf = [f for f in findings if f.code == "nonfinite"]
    assert len(nf) == 1 and nf[0].where == "body.2" and nf[0].severity == "error"
    # exp(100 x) overflows: the replay names the op, and the fix is the log-space form
    assert nf[0].evidence == {"epoch": 0, "batch": 0, "op": "exp"}
    assert "log space" in nf[0].fix and "exp" in nf[0].fix
    assert "body.2" in nf[0].message and nf[0].message_zh and nf[0].fix_zh


def test_replay_leaves_batch_norm_statistics_alone():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), _Overflow(), nn.Linear(4, 1))
    with torch.no_grad():
        model[0].bias.fill_(5.0)
    m = monitor(model)
    model(torch.randn(8, 3))  # one training forward: the statistics move once
    after_one = model[1].running_mean.clone()
    m.step_end()
    s = m.epoch_end()
    m.close()
    assert s.nonfinite == ("2", 0)
    # the replay that located the overflow did not update the running mean again
    torch.testing.assert_close(model[1].running_mean, after_one)
    assert int(model[1].num_batches_tracked) == 1


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_nonfinite_is_located_on_the_device_without_replay():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), _Overflow(), nn.Linear(4, 2)).cuda()
    with torch.no_grad():
        model[0].bias.fill_(5.0)
    with monitor(model) as m:
        for _ in range(2):
            model(torch.randn(8, 3, device="cuda")).sum().backward()
            m.after_backward()
            m.step_end()
        model(torch.tensor([[float("nan"), 0.0, 0.0]], device="cuda"))
        m.step_end()
        s = m.epoch_end()
    assert s.nonfinite == ("2", 0)
    assert m.findings()[0].where == "2"
    assert len(s.layers) == 2 and s.activations[0].activation == "tanh"


def test_device_side_checks_locate_the_same_module():
    # The path used on accelerators (one sum per module output, read at the end of the
    # epoch, no replay), forced on the CPU through the monitor's device switch.
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), _Overflow(), nn.Linear(4, 2))
    with torch.no_grad():
        model[0].bias.fill_(5.0)
    m = monitor(model)
    m._host = False
    model(torch.randn(8, 3)).sum().backward()
    m.after_backward()
    m.step_end()
    model(torch.tensor([[float("nan"), 0.0, 0.0]]))
    m.step_end()
    s = m.epoch_end()
    assert s.nonfinite == ("2", 0)
    # one per module (root + 4) and the root's hooks before and after a forward: all stay
    assert _hook_count(model) == 7
    m2 = monitor(nn.Sequential(nn.Linear(3, 2), nn.ReLU()))
    m2._host = False
    m2.model(torch.tensor([[0.0, float("inf"), 0.0]]))
    m2.step_end()
    assert m2.epoch_end().nonfinite == ("input", 0)  # the input goes before the modules
    m.close()
    m2.close()


def test_only_root_hooks_stay_after_the_first_step_on_cpu():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    m = monitor(model, every=2, functional=False)  # no path hooks of sampled passes
    # one hook per module (4 with the root), plus the root's hooks before and after a
    # forward
    assert _hook_count(model) == 6
    model(torch.randn(2, 3)).sum().backward()
    m.after_backward()
    m.step_end()
    # the layer order is known: only the root keeps its two hooks; the relu is hooked
    # again during sampled forwards only (batches 0, 2, 4 of an epoch)
    assert _hook_count(model) == 2
    seen = []
    probe = model[0].register_forward_hook(lambda *a: seen.append(_hook_count(model)))
    x = torch.full((2, 3), 1.0)
    for _ in range(3):  # batches 1 (not sampled), 2 (sampled), 3
        model(x).sum().backward()
        m.after_backward()
        m.step_end()
    probe.remove()
    # during the sampled forward: root (2) + relu (1) + the probe itself (1)
    assert seen == [3, 4, 3]
    assert _hook_count(model) == 2
    s = m.epoch_end()
    assert [layer.name for layer in s.layers] == ["0", "2"]
    relu = next(a for a in s.activations if a.name == "1")
    assert relu.samples == 2 * 2  # batches 0 and 2, two samples each
    m.close()
    assert _hook_count(model) == 0


def test_nonfinite_input_is_blamed_on_the_input():
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    with monitor(model) as m:
        model(torch.randn(3, 2))  # a clean batch first
        m.step_end()
        model(torch.tensor([[1.0, float("nan")]]))
        m.step_end()
        s = m.epoch_end()
    assert s.nonfinite == ("input", 1)


def test_low_precision_models_are_monitored():
    model = nn.Sequential(nn.Linear(4, 8), nn.Sigmoid(), nn.Linear(8, 2)).to(torch.bfloat16)
    x = torch.randn(16, 4, dtype=torch.bfloat16)
    with monitor(model) as m:
        model(x).float().sum().backward()
        m.after_backward()
        m.step_end()
        s = m.epoch_end()
    assert s.nonfinite is None
    assert 0.0 <= s.activations[0].saturation_fraction <= 1.0
    assert all(math.isfinite(layer.grad_norm) and layer.grad_norm > 0 for layer in s.layers)


# ----------------------------------------------------------- loss curves


def test_window_means_by_hand():
    # 7 values, 3 windows: the first 7 mod 3 = 1 value is dropped; windows of 2
    assert window_means([9.0, 1.0, 3.0, 5.0, 7.0, 2.0, 4.0], 3) == pytest.approx([2.0, 6.0, 3.0])


def test_healthy_decay_gives_no_finding():
    rng = np.random.default_rng(0)
    steps = np.arange(300)
    losses = 2.3 * np.exp(-steps / 60) + 0.05 + 0.02 * rng.standard_normal(300)
    assert loss_curve_findings(losses.tolist()) == []


def test_plateau_is_detected():
    rng = np.random.default_rng(1)
    losses = 2.302 + 0.003 * rng.standard_normal(200)
    f = loss_curve_findings(losses.tolist())
    assert [x.code for x in f] == ["plateau"]
    assert abs(f[0].evidence["relative_decrease"]) < 0.01


def test_divergence_after_progress_is_detected():
    # falls from 2 to 0.5 then climbs back to 1.8: 87% of the progress lost (> 50%)
    losses = list(np.linspace(2.0, 0.5, 50)) + list(np.linspace(0.5, 1.8, 50))
    f = loss_curve_findings(losses)
    assert [x.code for x in f] == ["divergence"]
    assert f[0].severity == "error"
    assert f[0].evidence["best"] < f[0].evidence["last"]


def test_nonfinite_loss_is_divergence():
    f = loss_curve_findings([2.0, 1.5, float("nan"), 1.0])
    assert [x.code for x in f] == ["divergence"]
    assert f[0].evidence["first_nonfinite_step"] == 2


def test_oscillation_is_detected():
    # alternating 1.0 / 2.0 windows: every second move rises by 100% (> 10%), 4 of 9
    # moves >= 0.25 x 9
    losses = [1.0 if (i // 10) % 2 == 0 else 2.0 for i in range(100)]
    codes = [x.code for x in loss_curve_findings(losses)]
    assert "oscillation" in codes


def test_short_histories_are_not_judged():
    assert loss_curve_findings([2.0, 2.0, 2.0]) == []


# ------------------------------------------------ scenarios (the lab's)


@pytest.mark.slow
def test_healthy_relu_he_on_digits_is_silent():
    torch.manual_seed(0)
    x, y = _digits()
    m = _train(_mlp([64, 128, 128, 10], nn.ReLU, "he"), x, y, epochs=3, lr=1e-3)
    assert m.findings() == []
    s = m.summary()
    assert s.epoch_losses[-1] < 0.5 * s.epoch_losses[0]
    assert all(a.dead_fraction < 0.1 for a in s.last.activations)
    m.close()


def test_shallow_tanh_is_silent():
    torch.manual_seed(0)
    x, y = _digits(600)
    m = _train(_mlp([64, 32, 10], nn.Tanh), x, y, epochs=3, lr=3e-3)
    assert m.findings() == []
    m.close()


@pytest.mark.parametrize("init", [None, "xavier"])
def test_deep_sigmoid_stack_has_vanishing_gradients(init):
    torch.manual_seed(0)
    x, y = _digits(256)
    m = _train(_mlp([64] + [32] * 10 + [10], nn.Sigmoid, init), x, y, epochs=1, lr=1e-3)
    f = {x.code: x for x in m.findings()}
    assert "vanishing_gradient" in f
    v = f["vanishing_gradient"]
    assert v.where == "0" and v.evidence["last"] == "20"
    assert v.evidence["ratio"] < 1e-3
    # the ratio is the one the per-layer norms give
    norms = v.evidence["grad_norms"]
    assert norms["0"] / norms["20"] == pytest.approx(v.evidence["ratio"], rel=0.5)
    m.close()


def test_large_negative_bias_kills_relu_units():
    torch.manual_seed(0)
    x, y = _digits(256)
    m = _train(_mlp([64, 64, 64, 10], nn.ReLU, "he", hidden_bias=-10.0), x, y, epochs=1,
               lr=1e-3)
    dead = [f for f in m.findings() if f.code == "dead_units"]
    assert [f.where for f in dead] == ["1", "3"]
    assert all(f.evidence["dead_fraction"] > 0.5 for f in dead)
    assert "leaky_relu" in dead[0].fix and "leaky_relu" in dead[0].fix_zh
    m.close()


def test_too_high_learning_rate_kills_relu_units():
    torch.manual_seed(0)
    x, y = _digits(512)
    m = _train(_mlp([64, 64, 64, 10], nn.ReLU, "he"), x, y, epochs=3, lr=0.5)
    codes = _codes(m)
    assert "dead_units" in codes
    m.close()


def test_monitor_is_a_callback_of_fit():
    from actloss.lab.train import fit

    torch.manual_seed(0)
    x, y = _digits(256)
    model = _mlp([64, 32, 10], nn.ReLU, "he")
    m = monitor(model)
    fit(model, nn.functional.cross_entropy, (x, y), epochs=2, batch_size=64, lr=1e-3,
        validation=None, callbacks=[m], seed=0, progress=False)
    assert len(m.history) == 2 and m.history[1].steps == 4
    assert not m.attached and _hook_count(model) == 0  # removed at the end of fit
    assert m.summary().findings == ()


# ------------------------------------------------------------- remedies


def test_apply_remedy_transforms():
    net = nn.Sequential(nn.Linear(4, 4), nn.Sigmoid(), nn.Linear(4, 4), nn.ReLU(),
                        nn.Linear(4, 2))
    assert apply_remedy(net, "leaky_relu") == 1 and isinstance(net[3], nn.LeakyReLU)
    assert apply_remedy(net, "relu_he") == 1 + 3 and isinstance(net[1], nn.ReLU)
    # He init: zero biases, weight std ~ sqrt(2 / fan_in); checked on a wide layer
    wide = nn.Sequential(nn.Linear(400, 300))
    apply_remedy(wide, "he_init")
    assert float(wide[0].bias.detach().abs().max()) == pytest.approx(0.0)
    assert float(wide[0].weight.detach().std()) == pytest.approx(math.sqrt(2 / 400), rel=0.05)
    res = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1))
    assert apply_remedy(res, "residual") == 1
    x = torch.randn(5, 3)
    blk = res[0]
    torch.testing.assert_close(blk(x), x + torch.tanh(blk.linear(x)))
    with pytest.raises(InputError, match=r"`remedy` of apply_remedy must be one of .*; got 'magic'"):
        apply_remedy(net, "magic")


def test_try_remedies_measures_the_effect_on_dead_units():
    torch.manual_seed(0)
    x, y = _digits(128)
    model = _mlp([64, 32, 32, 10], nn.ReLU, "he", hidden_bias=-10.0)
    m = _train(model, x, y, epochs=1, lr=1e-3)
    found = m.try_remedies(model, nn.functional.cross_entropy, (x, y), steps=5)
    dead = next(f for f in found if f.code == "dead_units")
    eff = dead.effect
    assert eff["before"]["dead_fraction"] == pytest.approx(1.0)
    # leaky_relu has f' = 0.01 on the negative side: no unit can be dead
    assert eff["after"]["leaky_relu"]["dead_fraction"] == pytest.approx(0.0)
    # all units dead: no gradient reaches the first layer (0 / 0, no ratio); with
    # leaky_relu it does
    assert eff["before"]["grad_ratio"] is None
    assert eff["after"]["leaky_relu"]["grad_ratio"] > 0
    # He init resets the biases to 0: the units live again and the loss falls
    assert eff["after"]["he_init"]["dead_fraction"] < 0.5
    assert eff["after"]["he_init"]["loss"] < eff["before"]["loss"]
    assert eff["best"] in eff["after"]
    assert m.attached  # the hooks are back on the original model
    m.close()


def test_try_remedies_on_vanishing_gradients_with_a_factory():
    def factory() -> nn.Module:
        torch.manual_seed(0)
        return _mlp([64] + [32] * 8 + [10], nn.Sigmoid)

    x, y = _digits(128)
    model = factory()
    m = _train(model, x, y, epochs=1, lr=1e-3)
    m.close()
    found = try_remedies(m.findings(), factory, nn.functional.cross_entropy, (x, y), steps=3,
                         remedies=["relu_he", "normalisation"])
    v = next(f for f in found if f.code == "vanishing_gradient")
    before = v.effect["before"]["grad_ratio"]
    after = v.effect["after"]["relu_he"]["grad_ratio"]
    assert before < 1e-3 and after > 100 * before
    assert set(v.effect["after"]) == {"relu_he", "normalisation"}


def test_try_remedies_validates_its_arguments():
    x, y = torch.randn(4, 2), torch.randint(0, 2, (4,))
    model = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(ParameterError, match=r"`steps` of try_remedies must be an int in \[1, inf\); got 0"):
        try_remedies([], model, nn.functional.cross_entropy, (x, y), steps=0)
    with pytest.raises(InputError, match=r"`batch` of try_remedies must be a pair"):
        try_remedies([], model, nn.functional.cross_entropy, x)
    with pytest.raises(InputError, match=r"`loss_fn` of try_remedies must be callable; got str"):
        try_remedies([], model, "mse", (x, y))
    with pytest.raises(InputError, match=r"`remedies` of try_remedies must be among .*; got 'x'"):
        try_remedies([], model, nn.functional.cross_entropy, (x, y), remedies=["x"])
    with pytest.raises(InputError, match=r"factory given to try_remedies must return an nn.Module"):
        from actloss.findings import Finding

        f = Finding("dead_units", "warning", "1", "m")
        try_remedies([f], lambda: 3, nn.functional.cross_entropy, (x, y))


# ------------------------------------------------------- figure and text


def test_gradient_flow_figure_plots_the_recorded_mean_abs_grad():
    from matplotlib.figure import Figure

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    means = []
    with monitor(model, every=1) as m:
        for _ in range(4):
            opt.zero_grad()
            model(torch.randn(6, 3)).pow(2).mean().backward()
            means.append([model[0].weight.grad.abs().mean().item(),
                          model[2].weight.grad.abs().mean().item()])
            m.after_backward()
            opt.step()
            m.step_end()
        m.epoch_end()
    fig = m.gradient_flow_figure()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["0", "2"]
    np.testing.assert_allclose(lines[0].get_ydata(), [r[0] for r in means], rtol=1e-6)
    np.testing.assert_allclose(lines[1].get_ydata(), [r[1] for r in means], rtol=1e-6)


def test_every_finding_has_english_and_chinese_text():
    for code, (severity, msg, fix, msg_zh, fix_zh) in TEXT.items():
        assert severity in ("info", "warning", "error"), code
        assert msg and fix and msg_zh and fix_zh, code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in msg_zh + fix_zh), code


# ------------------------------------------------------------ command line


def _cli(args: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    import typer

    from actloss._cli import diagnose
    from actloss._cli.common import run_app

    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.command()
    def _noop() -> None:  # a second command keeps `monitor` a named sub-command
        """No-op."""

    diagnose.register(app)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = run_app(app, args)
    return code, buf.getvalue()


def test_cli_monitor_reports_dead_units_as_json(tmp_path):
    import json

    fig = tmp_path / "flow.png"
    code, out = _cli(["monitor", "--hidden", "16,16", "--bias-init", "-10", "--epochs", "1",
                      "--batch-size", "256", "--json", "--figure", str(fig)])
    assert code == 0
    data = json.loads(out)
    codes = [f["code"] for f in data["findings"]]
    assert codes.count("dead_units") == 2
    assert data["epochs"] == 1
    assert all(a["dead_fraction"] > 0.5 for a in data["last"]["activations"])
    assert fig.stat().st_size > 1000


def test_readme_and_help_examples_show_the_findings_they_promise():
    import json

    # README: `actloss monitor --activation sigmoid --hidden 64,64,64,64,64`
    code, out = _cli(["monitor", "--activation", "sigmoid", "--hidden", "64,64,64,64,64",
                      "--json"])
    assert code == 0
    data = json.loads(out)
    vanish = [f for f in data["findings"] if f["code"] == "vanishing_gradient"]
    assert len(vanish) == 1
    assert vanish[0]["evidence"]["ratio"] == pytest.approx(data["last"]["grad_ratio"])
    assert vanish[0]["evidence"]["ratio"] < vanish[0]["evidence"]["threshold"]
    # --help: `actloss monitor -a sigmoid --hidden 32,32,32,32,32,32,32,32 --init xavier
    # --remedies` shows vanishing gradients and what ReLU + He init does about them
    # (one epoch instead of the default three, to keep the test short)
    code, out = _cli(["monitor", "-a", "sigmoid", "--hidden", "32,32,32,32,32,32,32,32",
                      "--init", "xavier", "--remedies", "--epochs", "1", "--json"])
    assert code == 0
    data = json.loads(out)
    vanish = [f for f in data["findings"] if f["code"] == "vanishing_gradient"]
    assert len(vanish) == 1 and "relu_he" in vanish[0]["effect"]["after"]
    after = vanish[0]["effect"]["after"]["relu_he"]["grad_ratio"]
    assert after > 10 * vanish[0]["effect"]["before"]["grad_ratio"]


def test_cli_monitor_rejects_bad_widths(capsys):
    code, _ = _cli(["monitor", "--hidden", "16,x"])
    assert code == 2
    assert "`--hidden` must be comma-separated layer widths" in capsys.readouterr().err
    code, _ = _cli(["monitor", "--lang", "fr"])
    assert code == 2
    assert "`--lang` must be 'en' or 'zh'; got 'fr'" in capsys.readouterr().err


def test_empty_monitor_reports_nothing():
    m = monitor(nn.Sequential(nn.Identity()))
    s = m.summary()
    assert s.epochs == 0 and s.steps == 0 and s.last is None and s.findings == ()
    assert m.findings() == []
    fig = m.gradient_flow_figure()
    assert fig.axes[0].get_yscale() == "log" and fig.axes[0].get_lines() == []
    m.close()


def test_learnable_catalog_activation_is_monitored():
    # PReLU's slope is a parameter: f'(x) = 1 for x > 0 and a for x < 0; with a = 0 a
    # unit whose inputs are all negative is dead (hand derivation).
    act = nn.PReLU(num_parameters=1, init=0.0)
    model = nn.Sequential(act)
    with monitor(model, every=1) as m:
        x = torch.tensor([[-1.0, 2.0], [-3.0, 4.0]], requires_grad=True)
        model(x).sum().backward()
        m.after_backward()
        m.step_end()
        a = m.epoch_end().activations[0]
    assert a.activation == "prelu"
    assert a.dead_fraction == pytest.approx(0.5)


def test_exploding_ratio_is_flagged_and_configurable():
    # Tiny first-layer weights make the hidden activations small, so the last layer's
    # weight gradient (delta h^T) is small while the first layer's (delta' x^T) is not:
    # the ratio of the two norms, computed here with torch, exceeds 70.
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    with torch.no_grad():
        model[0].weight.mul_(1e-3)
        model[0].bias.zero_()
    x, y = 10 * torch.randn(16, 4), torch.randn(16, 2)

    def one_step(**kw):
        m = monitor(model, **kw)
        model.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        ratio = (model[0].weight.grad.norm() / model[2].weight.grad.norm()).item()
        m.after_backward()
        m.step_end()
        found = {f.code: f for f in m.findings()}
        m.close()
        return ratio, found

    ratio, found = one_step()
    assert ratio > 70
    assert "exploding_gradient" in found
    assert found["exploding_gradient"].evidence["ratio"] == pytest.approx(ratio, rel=1e-5)
    _, found = one_step(exploding_ratio=10 * ratio)
    assert "exploding_gradient" not in found


def test_saturated_sigmoid_layer_is_flagged():
    # inputs of size ~N(0, 20^2): P(|x| > 5.99) = 2 (1 - Phi(0.2995)) = 0.765 > 0.5
    torch.manual_seed(0)
    lin = nn.Linear(1, 64)
    with torch.no_grad():
        lin.weight.fill_(20.0)
        lin.bias.zero_()
    model = nn.Sequential(lin, nn.Sigmoid(), nn.Linear(64, 1))
    with monitor(model) as m:
        model(torch.randn(512, 1)).sum().backward()
        m.after_backward()
        m.step_end()
        found = {f.code: f for f in m.findings()}
    sat = found["saturated_activations"]
    assert sat.where == "1" and sat.evidence["activation"] == "sigmoid"
    assert sat.evidence["saturation_fraction"] == pytest.approx(0.765, abs=0.06)
    assert "sigmoid" in sat.message_zh


class _Functional(nn.Module):
    """A custom forward that calls activations as functions."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(2, 4)
        self.act = nn.Tanh()
        self.out = nn.Linear(4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.lin(x))
        return self.out(nn.functional.leaky_relu(h, negative_slope=0.2) + self.act(h))


def test_functional_activations_are_watched_by_default():
    # zero weights, biases (-1, -1, 2, 3): the pre-activations are the biases, so two of
    # the four relu units are dead (hand derivation); leaky_relu never kills a unit.
    model = _Functional()
    with torch.no_grad():
        model.lin.weight.zero_()
        model.lin.bias.copy_(torch.tensor([-1.0, -1.0, 2.0, 3.0]))
    x = torch.randn(6, 2)
    with monitor(model) as m:
        model(x).sum().backward()
        m.after_backward()
        m.step_end()
        s = m.epoch_end()
    stats = {a.name: a for a in s.activations}
    assert set(stats) == {"_Functional:relu", "_Functional:leaky_relu", "act"}
    assert stats["_Functional:relu"].dead_fraction == pytest.approx(0.5)
    assert stats["_Functional:leaky_relu"].dead_fraction == pytest.approx(0.0)
    assert stats["act"].activation == "tanh"  # counted once, by its module hook
    # without the option only the module is seen, and the mode is gone after the pass
    with monitor(model, functional=False) as m2:
        model(x).sum().backward()
        m2.step_end()
        assert [a.name for a in m2.epoch_end().activations] == ["act"]
    assert torch.overrides._get_current_function_mode() is None


def test_try_remedies_leaves_the_global_generator_alone():
    x, y = torch.randn(8, 3), torch.randint(0, 2, (8,))
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    from actloss.findings import Finding

    f = Finding("dead_units", "warning", "1", "m", evidence={"activation": "relu"})
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    out = try_remedies([f], model, nn.functional.cross_entropy, (x, y), steps=2,
                       remedies=["leaky_relu", "he_init"])
    torch.testing.assert_close(torch.rand(3), expected)
    assert set(out[0].effect["after"]) == {"leaky_relu", "he_init"}
    assert isinstance(model[1], nn.ReLU)  # the original model is not modified


def test_divergence_needs_a_rise_beyond_mini_batch_noise():
    # A flat curve of noisy mini-batch losses (0.3 + N(0, 0.06^2), numpy's generator): the
    # best of 10 window means sits below the others by chance, which the bare rule of
    # loss_curve_findings takes for a rise; the monitor weighs it against the noise.
    rng = np.random.default_rng(5)
    flat = [0.3 + 0.06 * float(v) for v in rng.standard_normal(150)]
    # a seed where the bare rule fires, so that this test can fail
    assert any(f.code == "divergence" for f in loss_curve_findings(flat))
    m = monitor(nn.Linear(2, 2))
    for v in flat:
        m.step_end(v)
    assert not any(f.code == "divergence" for f in m.findings())
    # a real rise (1.0 down to 0.3, back up to 0.8) with the same noise is still reported
    trend = [1.0 - 0.7 * i / 75 if i < 75 else 0.3 + 0.5 * (i - 75) / 75 for i in range(150)]
    m = monitor(nn.Linear(2, 2))
    for t, v in zip(trend, rng.standard_normal(150)):
        m.step_end(t + 0.06 * float(v))
    assert any(f.code == "divergence" for f in m.findings())
