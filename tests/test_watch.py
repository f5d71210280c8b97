"""actloss.watch: an unmodified loop is linted on its first batch and then monitored."""

from __future__ import annotations

import gc
import itertools
import json
import logging

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import actloss
from actloss.errors import InputError, ParameterError


def _digits(n: int = 512) -> tuple[torch.Tensor, torch.Tensor]:
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.data[:n] / 16.0, dtype=torch.float32)
    y = torch.tensor(d.target[:n], dtype=torch.long)
    return x, y


class _FunctionalNet(nn.Module):
    """ReLUs called as functions, as in pytorch/examples' mnist."""

    def __init__(self, sizes: tuple[int, ...] = (64, 32, 32, 10), dropout: float = 0.0):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
        self.drop = nn.Dropout(dropout)
        self.norm = nn.BatchNorm1d(sizes[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.norm(self.layers[0](x)))
        for lin in self.layers[1:-1]:
            x = self.drop(F.relu(lin(x)))
        return self.layers[-1](x)


def _loop(model: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor,
          steps: int, batch: int = 64, loss_fn=F.cross_entropy) -> list[float]:
    gen = torch.Generator().manual_seed(0)
    losses = []
    for _ in range(steps):
        idx = torch.randint(0, len(x), (batch,), generator=gen)
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    return losses


def _hooks(model: nn.Module) -> list[int]:
    return [len(d) for m in model.modules() for d in (
        m._forward_hooks, m._forward_pre_hooks, m._backward_hooks, m._forward_hooks_with_kwargs,
        m._forward_pre_hooks_with_kwargs, m._forward_hooks_always_called)]


def test_unmodified_loop_gets_lint_and_dead_units_from_functional_relus():
    torch.manual_seed(0)
    x, y = _digits()
    model = _FunctionalNet()
    with torch.no_grad():
        model.layers[1].bias.fill_(-50.0)  # the second F.relu never fires
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    with actloss.watch(model, stream=False, report_every=20) as w:
        _loop(model, opt, x, y, 40)
    found = w.findings()
    codes = [(f.code, f.where) for f in found]
    # the linter ran on the first batch (its own rule for a dead ReLU at init) ...
    assert any(c == "dead_relu_init" for c, _ in codes)
    # ... and the monitor saw the functional call: every unit of that relu is dead
    dead = [f for f in found if f.code == "dead_units"]
    assert [f.where for f in dead] == ["_FunctionalNet:relu[1]"]
    assert dead[0].evidence["dead_fraction"] == pytest.approx(1.0)
    assert not any(f.code == "learning_rate_low" for f in found)


def test_model_and_training_are_exactly_as_without_the_watch():
    x, y = _digits(256)

    def run(watched: bool) -> tuple[nn.Module, list[float], torch.Tensor]:
        torch.manual_seed(3)
        model = _FunctionalNet(dropout=0.2)
        before = _hooks(model)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        if watched:
            with actloss.watch(model, optimizer=opt, stream=False, report_every=7) as w:
                losses = _loop(model, opt, x, y, 25)
            assert w.steps == 25 and w.findings() is not None
            assert _hooks(model) == before  # every hook dict is as it was
        else:
            losses = _loop(model, opt, x, y, 25)
        torch.manual_seed(9)
        model.eval()
        out = model(x[:16])
        return model, losses, out

    plain, l0, o0 = run(False)
    watched, l1, o1 = run(True)
    assert l0 == l1  # the same losses, step by step (lint and replays touch no RNG)
    s0, s1 = plain.state_dict(), watched.state_dict()
    assert s0.keys() == s1.keys()
    assert all(torch.equal(s0[k], s1[k]) for k in s0)  # BN statistics included
    assert torch.equal(o0, o1)
    assert torch.overrides._get_current_function_mode() is None


def test_findings_stream_through_logging_and_json(caplog):
    torch.manual_seed(0)
    x, y = _digits(256)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10), nn.Softmax(dim=1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with caplog.at_level(logging.INFO, logger="actloss.watch"):
        w = actloss.watch(model, nn.CrossEntropyLoss(), opt, report_every=10)
        loss_fn = nn.CrossEntropyLoss()
        w.close()
        w = actloss.watch(model, loss_fn, opt, report_every=10)
        _loop(model, opt, x, y, 12, loss_fn=loss_fn)
        w.close()
    # the softmax before CrossEntropyLoss is reported once, as it appears, by the linter
    lines = [r for r in caplog.records if "double_softmax" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.ERROR
    data = json.loads(json.dumps(w.to_json()))
    assert data["steps"] == 12
    assert next(f["code"] for f in data["lint"]) == "double_softmax"
    # the loss module's hook gave the monitor every step's loss
    curve = w.monitors["model"].step_losses
    assert len(curve) == 12 and all(v > 0 for v in curve)


def test_log_loss_gives_the_loss_by_hand():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.0)
    with actloss.watch(model, optimizer=opt, stream=False, lint=False) as w:
        for i in range(6):
            opt.zero_grad()
            model(torch.randn(4, 3)).sum().backward()
            w.log_loss(10.0 - i)
            opt.step()
    assert w.monitors["model"].step_losses == pytest.approx([10, 9, 8, 7, 6, 5])


def test_lr_too_high_is_named_with_the_right_fix_never_too_low():
    torch.manual_seed(0)
    x, y = _digits()
    model = _FunctionalNet()
    opt = torch.optim.Adam(model.parameters(), lr=1.0)
    with actloss.watch(model, optimizer=opt, stream=False, lint=False, report_every=50) as w:
        _loop(model, opt, x, y, 100)
    found = w.findings()
    assert found[0].code == "learning_rate_high"
    assert "lower the learning rate" in found[0].fix and "warm" in found[0].fix
    assert not any(f.code == "learning_rate_low" for f in found)


def test_lr_too_low_needs_tiny_updates_and_a_slow_loss():
    torch.manual_seed(0)
    x, y = _digits()
    model = _FunctionalNet()
    opt = torch.optim.SGD(model.parameters(), lr=1e-6)
    with actloss.watch(model, optimizer=opt, stream=False, lint=False, report_every=50) as w:
        _loop(model, opt, x, y, 100)
    codes = [f.code for f in w.findings()]
    assert codes[0] == "learning_rate_low"
    assert "raise the learning rate" in w.findings()[0].fix


def test_gan_dynamics_give_no_divergence_error():
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
    d = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
    og = torch.optim.Adam(g.parameters(), lr=2e-3, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), lr=2e-3, betas=(0.5, 0.999))
    real = torch.randn(2000, 2) * 0.3 + torch.tensor([2.0, -1.0])
    bce = F.binary_cross_entropy_with_logits
    with actloss.watch({"generator": g, "discriminator": d}, optimizer=[og, od],
                       stream=False, report_every=100) as w:
        for i in range(300):
            xb = real[(i * 32) % 1968:(i * 32) % 1968 + 32]
            fake = g(torch.randn(32, 4))
            od.zero_grad()
            ld = bce(d(xb), torch.ones(32, 1)) + bce(d(fake.detach()), torch.zeros(32, 1))
            ld.backward()
            od.step()
            og.zero_grad()
            lg = bce(d(fake), torch.ones(32, 1))
            lg.backward()
            og.step()
    found = w.findings()
    assert not any(f.code == "divergence" for f in found)
    curves = {**w.monitors["generator"].loss_curves(), **w.monitors["discriminator"].loss_curves()}
    assert set(curves) == {"generator", "discriminator"}


class _Unstable(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 8)
        self.fc3 = nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def test_after_a_nan_no_phantom_units_and_a_linear_fix():
    torch.manual_seed(0)
    model = _Unstable()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    with actloss.watch(model, optimizer=opt, stream=False, lint=False, every=1,
                       report_every=5) as w:
        for i in range(10):
            x = torch.randn(16, 4) * (1e38 if i == 6 else 1.0)  # inputs out of scale
            opt.zero_grad()
            model(x).pow(2).mean().backward()
            opt.step()
    found = w.findings()
    nf = [f for f in found if f.code == "nonfinite"]
    assert len(nf) == 1 and nf[0].where in ("fc1", "fc2", "fc3")
    assert "scale of the inputs" in nf[0].fix and "log" not in nf[0].fix
    names = [a.name for a in w.monitors["model"].history[-1].activations]
    assert sorted(names) == ["_Unstable:relu", "_Unstable:relu[1]"]  # two calls, two sites


def test_bounded_memory_over_20k_steps():
    # 20k steps of the monitor's protocol on a tiny model: every statistic is collected
    # at every step (every=1) and the loss is logged at every step, yet the numbers kept
    # after 2k steps and after 20k steps are the same (fixed-size summaries)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2))
    x = torch.randn(4, 2)
    m = actloss.monitor(model, every=1, check_finite=False)
    sizes = []
    with torch.no_grad():
        for step in range(20_000):
            with torch.enable_grad():
                out = model(x)
            m.after_backward()
            m.step_end(out[0, 0])
            if step % 1000 == 999:
                m.epoch_end()  # long runs close epochs: history is bounded too
            if step % 4000 == 3999:
                sizes.append(m.summary_size() - len(m.history))  # history: <= 64
    m.close()
    # the loss curve's bins fill from 64 to 128 and merge back, the gradient-flow record
    # from 256 to 512 rows: the size swings within those bounds and does not grow
    assert len(sizes) == 5 and max(sizes) <= 1.5 * min(sizes)
    assert sizes[-1] <= 1.5 * sizes[0]
    assert len(m.step_losses) <= 129 and len(m.history) <= 64


def test_watch_validates_its_arguments():
    model = nn.Linear(2, 2)
    with pytest.raises(InputError, match=r"`model` of watch must be a torch.nn.Module"):
        actloss.watch(3)
    with pytest.raises(InputError, match=r"`optimizer` of watch must be a torch.optim"):
        actloss.watch(model, optimizer="adam")
    with pytest.raises(InputError, match=r"`loss_fn` of watch must be callable"):
        actloss.watch(model, loss_fn=3)
    with pytest.raises(ParameterError, match=r"`report_every` of watch must be an int"):
        actloss.watch(model, report_every=0)
    with pytest.raises(ParameterError, match=r"did you mean 'report_every'"):
        actloss.watch(model, report_evry=5)


def test_a_nan_caused_by_a_step_names_the_learning_rate_first():
    # SGD at lr 20 on a small ReLU net: the weights blow up within a few steps and a
    # Linear output turns non-finite after training began; the step caused it, so the
    # monitor lists learning_rate_high before nonfinite, and the watch keeps that order
    torch.manual_seed(1)
    x = torch.randn(256, 2) * 2
    y = (x[:, 0] * x[:, 1] > 0).long()
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                          nn.Linear(64, 2))
    opt = torch.optim.SGD(model.parameters(), lr=20.0)
    gen = torch.Generator().manual_seed(1)
    with actloss.watch(model, optimizer=opt, stream=False, lint=False, report_every=20) as w:
        for _ in range(40):
            idx = torch.randint(0, len(x), (64,), generator=gen)
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
    codes = [f.code for f in w.findings()]
    nf = next(f for f in w.findings() if f.code == "nonfinite")
    assert nf.evidence["batch"] > 0  # after training began
    assert codes[0] == "learning_rate_high"
    assert codes.index("learning_rate_high") < codes.index("nonfinite")
    assert "lower the learning rate" in w.findings()[0].fix


def test_loss_comes_from_backward_and_no_function_mode_after_the_first_batch():
    # after the first (linted) batch no torch function mode is active during the loss,
    # the loss of each step is the scalar backward started from, summed over the passes
    # of one step (gradient accumulation), and torch.autograd.backward is restored
    torch.manual_seed(0)
    x, y = _digits(384)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    original = torch.autograd.backward
    modes, expected = [], []
    with actloss.watch(model, optimizer=opt, stream=False, report_every=1000) as w:
        assert torch.autograd.backward is not original
        for step in range(6):
            opt.zero_grad()
            total = 0.0
            for half in (slice(0, 32), slice(32, 64)):  # two micro-batches, one step
                i = slice(step * 64 + half.start, step * 64 + half.stop)
                out = model(x[i])
                modes.append(torch.overrides._get_current_function_mode())
                loss = F.cross_entropy(out, y[i]) / 2
                loss.backward()
                total += float(loss.detach())
            expected.append(total)
            opt.step()
        # on the CPU the monitor now holds no hook of its own (the watch runs its root
        # hooks), yet it is attached until the watch closes
        assert w.monitors["model"].attached
    assert torch.autograd.backward is original
    assert not w.monitors["model"].attached
    assert modes[0] is not None  # the first batch: the linter's catcher
    assert all(m is None for m in modes[2:])
    assert w.monitors["model"].step_losses == pytest.approx(expected, rel=1e-6)
    assert torch.overrides._get_current_function_mode() is None


def test_backward_is_restored_once_the_last_of_two_watches_closes():
    original = torch.autograd.backward
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    w1 = actloss.watch(a, stream=False, lint=False)
    w2 = actloss.watch(b, stream=False, lint=False)
    w1.close()
    assert torch.autograd.backward is not original  # w2 still follows its loss
    w2.close()
    assert torch.autograd.backward is original
    # a watch dropped without close() is not kept alive by the wrapper, which restores
    # the original at the next backward
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    w3 = actloss.watch(model, optimizer=opt, stream=False, lint=False)
    assert torch.autograd.backward is not original
    del w3, opt, model
    gc.collect()
    nn.Linear(2, 1)(torch.randn(3, 2)).sum().backward()
    assert torch.autograd.backward is original


def test_a_nan_on_a_step_not_sampled_is_located_on_that_step():
    # every=20 (the default): step 6 is not sampled, yet its non-finite loss makes the
    # watch check the outputs before the optimizer step, and the replay names the layer
    torch.manual_seed(0)
    model = _Unstable()
    with torch.no_grad():
        model.fc1.weight.fill_(2.0)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    with actloss.watch(model, optimizer=opt, stream=False, lint=False,
                       report_every=10) as w:
        for i in range(10):
            x = torch.randn(16, 4)
            if i == 6:  # finite inputs (their sum 3.2e38 too), but fc1 sums
                x = torch.full((1, 4), 8e37)  # 4 x 2 x 8e37 = 6.4e38 > 3.4e38: inf
            opt.zero_grad()
            model(x).pow(2).mean().backward()
            opt.step()
    nf = [f for f in w.findings() if f.code == "nonfinite"]
    assert len(nf) == 1 and nf[0].where == "fc1"
    assert nf[0].evidence["batch"] == 6
