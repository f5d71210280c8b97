"""Calibration of ``actloss.watch`` on generated runs with planted pathologies, and its cost.

``python -m benchmarks.monitor`` builds short training runs (depth x activation x init x
learning rate x optimizer x data set x module-or-functional style), each labelled by
construction, watches each at default settings and prints:

- the confusion table: for every label, how many runs got the expected finding first
  with the expected fix (``right``), another finding first (by its code), or nothing;
  a healthy run counts as a false alarm when it gets any warning or error;
- the overhead of ``watch`` at default settings on the digits MLP (64-256-256-10) and on
  a small CNN: a plain and a watched copy trained in alternating steps, mean per-step
  thread CPU time (one intra-op thread), the median over rounds with the lowest and the
  highest round.

Targets: each pathology right in >= 90% of its runs, findings on <= 5% of healthy runs,
overhead <= 10%; each row says PASS or FAIL. The thresholds were set on the unit tests'
runs and on the seeds of ``--tune`` (seeds 0-1); the table reports on seeds 100-101
(``--seeds`` changes them). Two constructions were revised after looking at other
seeds: the plateau runs' Adam rate (after a miss on 100-101) and the noise gate of the
divergence check (after false alarms on 200-201), so seeds from 300 on are the ones
never looked at before.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import statistics
import time
from collections import Counter
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

import actloss

_ACTS = {"relu": (nn.ReLU, F.relu), "tanh": (nn.Tanh, torch.tanh),
         "sigmoid": (nn.Sigmoid, torch.sigmoid), "gelu": (nn.GELU, F.gelu)}

# label -> (finding codes accepted first, words the first finding's fix must hold)
EXPECT = {
    "vanishing": ({"vanishing_gradient", "saturated_activations"}, "relu"),
    "exploding": ({"exploding_gradient", "learning_rate_high", "nonfinite"}, "clip"),
    "dead_units": ({"dead_units"}, "leaky_relu"),
    "saturation": ({"saturated_activations"}, "normalise"),
    "lr_high": ({"learning_rate_high"}, "lower the learning rate"),
    "lr_low": ({"learning_rate_low"}, "raise the learning rate"),
    "plateau": ({"plateau"}, "targets"),
    "nan_source": ({"nonfinite"}, ""),
}


def _data(name: str, seed: int) -> tuple[torch.Tensor, torch.Tensor, int]:
    if name == "digits":
        from sklearn.datasets import load_digits

        d = load_digits()
        x = torch.tensor(d.data / 16.0, dtype=torch.float32)
        return x, torch.tensor(d.target), 10
    from sklearn.datasets import make_moons

    x, y = make_moons(768, noise=0.2, random_state=seed)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y), 2


class _Functional(nn.Module):
    """Linear layers and activations called as functions (``F.relu`` in forward)."""

    def __init__(self, sizes: list[int], act: str, nan_exp: bool = False) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
        self.fn = _ACTS[act][1]
        self.nan_exp = nan_exp

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i, lin in enumerate(self.layers[:-1]):
            x = self.fn(lin(x))
            if self.nan_exp and i == 0:
                x = torch.exp(x * 200.0)  # a hand-written exp that overflows
        return self.layers[-1](x)


def _model(style: str, sizes: list[int], act: str, nan_exp: bool = False) -> nn.Module:
    if style == "functional" or nan_exp:
        return _Functional(sizes, act, nan_exp)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(_ACTS[act][0]())
    return nn.Sequential(*layers)


def _linears(model: nn.Module) -> list[nn.Linear]:
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def _init(model: nn.Module, init: str, act: str) -> None:
    for lin in _linears(model):
        if init == "he":
            nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
        elif init == "xavier":
            nn.init.xavier_normal_(lin.weight)
        elif init == "large":  # gain 6: deep tanh stacks are in the chaotic phase
            nn.init.normal_(lin.weight, std=6.0 / lin.in_features ** 0.5)
        if init != "default":
            nn.init.zeros_(lin.bias)


@dataclass
class Run:
    label: str
    data: str
    style: str
    act: str
    depth: int
    width: int
    init: str
    opt: str
    lr: float
    seed: int
    steps: int = 150
    input_scale: float = 1.0
    dead_bias: bool = False
    random_labels: bool = False
    nan_exp: bool = False
    out_scale: float = 0.1

    def name(self) -> str:
        return (f"{self.label}/{self.data}/{self.style}/{self.act}x{self.depth}/{self.init}/"
                f"{self.opt}{self.lr:g}/s{self.seed}")


def generate(seeds: list[int]) -> list[Run]:
    """The suite: 8 pathologies and healthy runs, each varied over its axes.

    How each pathology is made:

    - exploding: a 12-layer tanh stack initialised with gain 6 (std 6/sqrt(fan_in)), the
      chaotic phase of deep tanh networks: the backward signal grows by about
      sqrt(6^2 E[tanh'(h)^2]) > 1 per layer while the forward activations stay bounded by
      tanh, so the first layer's gradient is 100x-10^3x the last one's (measured on the
      tuning seeds). Uniformly large weights in a ReLU stack do not do this: there the
      activations grow by the same factor as the backward signal and the first/last
      ratio stays near 1, so it is not a case of exploding gradients the detector missed;
    - plateau: labels drawn at random (nothing to learn) and an output layer scaled down
      so the loss starts near log K, where it stays; the updates are of normal size
      (SGD 0.01 or Adam 1e-4: at Adam 1e-3 the net starts memorising the random labels
      of the small moons set within 150 steps, and the loss then falls by over 1%);
    - nan_source: a hand-written ``exp`` that overflows after the first layer.
    """
    runs: list[Run] = []
    for seed in seeds:
        for data in ("digits", "moons"):
            for style in ("module", "functional"):
                runs += [
                    Run("healthy", data, style, "relu", 2, 64, "he", "adam", 1e-3, seed),
                    Run("healthy", data, style, "tanh", 2, 32, "xavier", "sgd", 0.1, seed),
                    Run("vanishing", data, style, "sigmoid", 7, 32, "default",
                        "sgd" if seed % 2 else "adam", 0.05 if seed % 2 else 1e-3, seed),
                    Run("exploding", data, style, "tanh", 12, 64, "large",
                        "sgd" if style == "module" else "adam", 1e-4, seed),
                    Run("dead_units", data, style, "relu", 3, 32, "he", "adam", 1e-3, seed,
                        dead_bias=True),
                    Run("saturation", data, style, "tanh", 2, 32, "xavier", "adam", 1e-3,
                        seed, input_scale=50.0),
                    Run("lr_high", data, style, "relu", 2, 64, "he",
                        "adam" if style == "module" else "sgd",
                        1.0 if style == "module" else 20.0, seed),
                    Run("lr_low", data, style, "relu", 2, 64, "he", "sgd", 1e-6, seed),
                    Run("plateau", data, style, "relu" if style == "module" else "tanh", 2,
                        32, "he" if style == "module" else "xavier",
                        "adam" if seed % 2 else "sgd", 1e-4 if seed % 2 else 0.01, seed,
                        random_labels=True),
                    Run("nan_source", data, "functional",
                        "relu" if style == "module" else "gelu", 2, 32, "he", "adam", 1e-3,
                        seed, nan_exp=True),
                ]
    return runs


def run_one(r: Run) -> list[actloss.findings.Finding]:  # type: ignore[name-defined]
    x, y, k = _data(r.data, r.seed)
    g = torch.Generator().manual_seed(r.seed)
    if r.random_labels:
        y = torch.randint(0, k, y.shape, generator=g)
    x = x * r.input_scale
    torch.manual_seed(r.seed)
    sizes = [x.shape[1], *[r.width] * r.depth, k]
    model = _model(r.style, sizes, r.act, r.nan_exp)
    _init(model, r.init, r.act)
    if r.random_labels:  # the output starts near log K, the best random labels allow
        with torch.no_grad():
            _linears(model)[-1].weight.mul_(r.out_scale)
            _linears(model)[-1].bias.zero_()
    if r.dead_bias:
        with torch.no_grad():
            _linears(model)[1].bias.fill_(-20.0)
    opt = (torch.optim.Adam(model.parameters(), lr=r.lr) if r.opt == "adam"
           else torch.optim.SGD(model.parameters(), lr=r.lr))
    with actloss.watch(model, optimizer=opt, stream=False, lint=False,
                       report_every=r.steps) as w:
        for _ in range(r.steps):
            idx = torch.randint(0, len(x), (64,), generator=g)
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
    return w.findings()


def score(runs: list[Run]) -> dict[str, Counter]:
    table: dict[str, Counter] = {}
    for r in runs:
        found = run_one(r)
        c = table.setdefault(r.label, Counter())
        c["runs"] += 1
        serious = [f for f in found if f.severity in ("warning", "error")]
        if r.label == "healthy":
            c["alarm" if serious else "right"] += 1
            for f in serious:
                c[f"got:{f.code}"] += 1
            continue
        codes, word = EXPECT[r.label]
        first = found[0] if found else None
        if first is None:
            c["nothing"] += 1
        elif first.code in codes and word in first.fix:
            c["right"] += 1
        else:
            c[f"got:{first.code}"] += 1
    return table


# CPU time of this thread: with one intra-op thread (main() sets it) the whole step runs
# here, and time the scheduler gives to other processes of a loaded machine is left out
_clock = time.thread_time


def _step(model: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor,
          i: int) -> float:
    at = (i * 64) % 1024
    t = _clock()
    opt.zero_grad()
    F.cross_entropy(model(x[at:at + 64]), y[at:at + 64]).backward()
    opt.step()
    return _clock() - t


def _overhead_one(model: nn.Module, x: torch.Tensor, y: torch.Tensor,
                  steps: int) -> tuple[float, float]:
    """(watched / plain - 1, plain seconds per step) for one round: two copies of
    ``model`` trained step by step in alternation (plain, watched, watched, plain, ...),
    so that load on the machine falls on both alike; the mean step time, sampled steps
    and the judged windows included (a median would leave out the one-in-``every``
    steps that collect statistics)."""
    plain, watched = model, copy.deepcopy(model)
    op = torch.optim.Adam(plain.parameters(), lr=1e-3)
    ow = torch.optim.Adam(watched.parameters(), lr=1e-3)
    tp: list[float] = []
    tw: list[float] = []
    with actloss.watch(watched, optimizer=ow, stream=False):
        for i in range(steps):
            if i % 2:
                tp.append(_step(plain, op, x, y, i))
                tw.append(_step(watched, ow, x, y, i))
            else:
                tw.append(_step(watched, ow, x, y, i))
                tp.append(_step(plain, op, x, y, i))
    # the first steps (the first-batch lint among them) are left out
    plain = statistics.fmean(tp[10:])
    return statistics.fmean(tw[10:]) / plain - 1.0, plain


@dataclass
class Overhead:
    """The cost of ``watch`` on one model: the median over rounds and its spread."""

    median: float
    low: float
    high: float
    rounds: int
    steps: int
    plain_ms: float  # median plain step, milliseconds of thread CPU


def overhead(rounds: int = 5, steps: int = 400) -> dict[str, Overhead]:
    x, y, _ = _data("digits", 0)
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                        nn.Linear(256, 10))
    cnn = nn.Sequential(nn.Unflatten(1, (1, 8, 8)), nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
                        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(32 * 16, 10))
    out = {}
    for name, model in (("digits MLP", mlp), ("small CNN", cnn)):
        res = [_overhead_one(model, x, y, steps) for _ in range(rounds)]
        rel = [r for r, _ in res]
        out[name] = Overhead(statistics.median(rel), min(rel), max(rel), rounds, steps,
                             statistics.median(p for _, p in res) * 1e3)
    return out


TARGET_RIGHT = 0.90  # each pathology: its finding first, with its fix, in >= 90% of runs
TARGET_ALARMS = 0.05  # healthy runs with a warning or an error: <= 5%
TARGET_OVERHEAD = 0.10  # watch at default settings: <= 10% of a training step


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", default="100,101",
                   help="seeds of the reported table (the thresholds were set on 0,1)")
    p.add_argument("--tune", action="store_true", help="score the tuning seeds 0,1")
    p.add_argument("--only", default="", help="comma-separated labels to run")
    p.add_argument("--no-overhead", action="store_true")
    p.add_argument("--no-table", action="store_true")
    p.add_argument("--rounds", type=int, default=5, help="rounds of the timing (median)")
    p.add_argument("--steps", type=int, default=400, help="steps of each model a round")
    a = p.parse_args()
    seeds = [0, 1] if a.tune else [int(s) for s in a.seeds.split(",")]
    torch.set_num_threads(1)
    passed = True
    if not a.no_table:
        runs = generate(seeds)
        if a.only:
            runs = [r for r in runs if r.label in a.only.split(",")]
        t0 = time.perf_counter()
        table = score(runs)
        kind = "tuning" if a.tune else "reported (not used to set any threshold)"
        print(f"{len(runs)} runs on {kind} seeds {seeds} ({time.perf_counter() - t0:.0f} s)")
        print(f"{'label':<12}{'runs':>5}{'right':>7}{'rate':>7}  {'target':<10}{'':<6}"
              "other first findings")
        for label, c in table.items():
            other = ", ".join(f"{k[4:]} {v}" for k, v in sorted(c.items())
                              if k.startswith("got:"))
            if c["nothing"]:
                other = (other + ", " if other else "") + f"nothing {c['nothing']}"
            if label == "healthy":
                value, rate = c["alarm"], c["alarm"] / c["runs"]
                ok, target, word = rate <= TARGET_ALARMS, f"<= {TARGET_ALARMS:.0%}", "alarms"
            else:
                value, rate = c["right"], c["right"] / c["runs"]
                ok, target, word = rate >= TARGET_RIGHT, f">= {TARGET_RIGHT:.0%}", "right"
            passed &= ok
            print(f"{label:<12}{c['runs']:>5}{value:>7}{rate:>7.0%}  {target:<10}"
                  f"{_verdict(ok):<6}{word}; {other}")
    if not a.no_overhead:
        found = overhead(rounds=a.rounds, steps=a.steps)
        first = next(iter(found.values()))
        print(f"overhead of watch at default settings: watched / plain - 1 of the mean "
              f"per-step thread CPU, plain and watched steps alternated, {first.steps} "
              f"steps a round (the first 10 left out), median of {first.rounds} rounds "
              f"[lowest, highest round]")
        for name, o in found.items():
            ok = o.median <= TARGET_OVERHEAD
            passed &= ok
            print(f"  {name:<11} {o.median:+6.1%} [{o.low:+.1%}, {o.high:+.1%}]  "
                  f"plain step {o.plain_ms:.2f} ms  target <= {TARGET_OVERHEAD:.0%}  "
                  f"{_verdict(ok)}")
    print("all targets met" if passed else "some targets missed")


if __name__ == "__main__":
    main()
