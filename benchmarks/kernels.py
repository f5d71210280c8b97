"""The fast paths of ``actloss.kernels`` against PyTorch: time, memory, roofline.

``ours`` is the catalog's function with the fast paths on (``actloss.kernels.enable()``);
``torch`` is PyTorch's eager op or composition; ``compiled`` is that composition under
``torch.compile``. The same run measures the catalog's default path against PyTorch's
op (suite ``default``) and the per-call overhead at 4K elements (suite ``small
tensors``). Run ``python -m benchmarks`` (or ``actloss bench``); ``--quick`` uses sizes
16 times smaller, three repeats and no ``torch.compile``. Each case runs forward +
backward.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from actloss import activations as A
from actloss import kernels as K
from actloss import losses as L
from actloss.kernels import _pool
from benchmarks._harness import Result, interleaved, peak_extra_bytes, saved_bytes

MB = float(1 << 20)


@dataclass
class Case:
    """One comparison: ``ours`` and ``theirs`` are forward functions of ``inputs``."""

    name: str
    shape: str
    make: Callable[[], dict[str, torch.Tensor]]
    ours: Callable[[dict[str, torch.Tensor]], torch.Tensor]
    theirs: Callable[[dict[str, torch.Tensor]], torch.Tensor]
    bytes_moved: Callable[[dict[str, torch.Tensor]], float] | None = None
    compile: bool = True
    note: str = ""
    fast: bool = True  # ours runs with the fast paths enabled


def _fwd_bwd(fwd: Callable[[dict[str, torch.Tensor]], torch.Tensor],
             inputs: dict[str, torch.Tensor]) -> Callable[[], None]:
    leaves = [t for t in inputs.values() if t.requires_grad]
    grad = inputs.get("_grad")

    def run() -> None:
        out = fwd(inputs)
        if out.dim() == 0:
            out.backward()
        else:
            out.backward(grad if grad is not None and grad.shape == out.shape
                         else torch.ones_like(out))
        for t in leaves:
            t.grad = None

    return run


# ------------------------------------------------------------------------ cases
def _act_inputs(n: int, device: str) -> Callable[[], dict[str, torch.Tensor]]:
    def make() -> dict[str, torch.Tensor]:
        g = torch.Generator(device="cpu").manual_seed(0)
        x = (torch.randn(n, generator=g) * 3).to(device).requires_grad_()
        return {"x": x, "_grad": torch.randn(n, generator=g).to(device)}
    return make


def _act_bytes(d: dict[str, torch.Tensor]) -> float:
    # read x, write y, read g, write dx
    return 4.0 * d["x"].numel() * d["x"].element_size()


def activation_cases(n: int, device: str) -> list[Case]:
    make = _act_inputs(n, device)
    shape = f"[{n}] fp32"
    specs: list[tuple[str, Callable, Callable]] = [
        ("relu", lambda d: A.relu(d["x"]), lambda d: F.relu(d["x"])),
        ("leaky_relu", lambda d: A.leaky_relu(d["x"]), lambda d: F.leaky_relu(d["x"])),
        ("gelu", lambda d: A.gelu(d["x"]), lambda d: F.gelu(d["x"])),
        ("gelu(tanh)", lambda d: A.gelu(d["x"], approximate="tanh"),
         lambda d: F.gelu(d["x"], approximate="tanh")),
        ("silu", lambda d: A.silu(d["x"]), lambda d: F.silu(d["x"])),
        ("tanh", lambda d: A.tanh(d["x"]), lambda d: torch.tanh(d["x"])),
        ("sigmoid", lambda d: A.sigmoid(d["x"]), lambda d: torch.sigmoid(d["x"])),
        ("mish", lambda d: A.mish(d["x"]), lambda d: F.mish(d["x"])),
        ("elu", lambda d: A.elu(d["x"]), lambda d: F.elu(d["x"])),
        ("softplus", lambda d: A.softplus(d["x"]), lambda d: F.softplus(d["x"])),
        ("mish (memory_efficient)", lambda d: A.mish(d["x"], memory_efficient=True),
         lambda d: F.mish(d["x"])),
    ]
    compiled = {"mish", "gelu(tanh)"}  # a compile costs 10-20 s: the heaviest only
    return [Case(name, shape, make, o, t, _act_bytes, compile=name in compiled)
            for name, o, t in specs]


def default_cases(n: int, device: str) -> list[Case]:
    """The catalog's default path (fast paths off) against PyTorch's op: target 1.05x."""
    make = _act_inputs(n, device)
    shape = f"[{n}] fp32"
    specs = [("silu", A.silu, F.silu), ("mish", A.mish, F.mish), ("tanh", A.tanh, torch.tanh),
             ("elu", A.elu, F.elu), ("softplus", A.softplus, F.softplus),
             ("gelu", A.gelu, F.gelu), ("sigmoid", A.sigmoid, torch.sigmoid),
             ("relu", A.relu, F.relu), ("leaky_relu", A.leaky_relu, F.leaky_relu)]
    return [Case(f"{name} (default)", shape, make,
                 lambda d, f=ours: f(d["x"]), lambda d, f=theirs: f(d["x"]), _act_bytes,
                 compile=False, fast=False, note="ours = catalog, fast paths off")
            for name, ours, theirs in specs]


def _torchvision_focal(x: torch.Tensor, t: torch.Tensor, alpha: float = 0.25,
                       gamma: float = 2.0) -> torch.Tensor:
    # torchvision.ops.sigmoid_focal_loss, reduction='mean'
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * ((1 - p_t) ** gamma)
    alpha_t = alpha * t + (1 - alpha) * (1 - t)
    return (alpha_t * loss).mean()


def _log_cosh_torch(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    # log cosh d = d + softplus(-2d) - log 2
    d = x - t
    return (d + F.softplus(-2.0 * d) - math.log(2.0)).mean()


def _region_torch(p: torch.Tensor, t: torch.Tensor, a: float, b: float, c: float,
                  e: float) -> torch.Tensor:
    p, t = p.flatten(1), t.flatten(1)
    inter = (p * t).sum(1)
    return (1 - (a * inter + 1) / (b * inter + c * p.sum(1) + e * t.sum(1) + 1)).mean()


def _softmax_focal_torch(x: torch.Tensor, t: torch.Tensor, gamma: float = 2.0) -> torch.Tensor:
    lpt = F.log_softmax(x, 1).gather(1, t.unsqueeze(1)).squeeze(1)
    return (-(1 - lpt.exp()) ** gamma * lpt).mean()


def loss_cases(scale: int, device: str) -> list[Case]:
    n = (1 << 24) // scale

    def pair(binary: bool, seed: int = 0) -> Callable[[], dict[str, torch.Tensor]]:
        def make() -> dict[str, torch.Tensor]:
            g = torch.Generator(device="cpu").manual_seed(seed)
            x = (torch.randn(n, generator=g) * 3).to(device).requires_grad_()
            t = ((torch.rand(n, generator=g) < 0.1).float() if binary
                 else torch.randn(n, generator=g)).to(device)
            return {"x": x, "t": t}
        return make

    def elem_bytes(d: dict[str, torch.Tensor]) -> float:
        return 3.0 * d["x"].numel() * d["x"].element_size()  # read x, t; write dx

    cases = [
        Case("binary_focal", f"[{n}] fp32", pair(True),
             lambda d: L.binary_focal(d["x"], d["t"]),
             lambda d: _torchvision_focal(d["x"], d["t"]), elem_bytes,
             note="torch = torchvision formula, eager"),
        Case("bce_with_logits", f"[{n}] fp32", pair(True),
             lambda d: L.binary_cross_entropy_with_logits(d["x"], d["t"]),
             lambda d: F.binary_cross_entropy_with_logits(d["x"], d["t"]), elem_bytes,
             compile=False),
        Case("huber", f"[{n}] fp32", pair(False),
             lambda d: L.huber(d["x"], d["t"]), lambda d: F.huber_loss(d["x"], d["t"]),
             elem_bytes, compile=False),
        Case("smooth_l1", f"[{n}] fp32", pair(False),
             lambda d: L.smooth_l1(d["x"], d["t"]), lambda d: F.smooth_l1_loss(d["x"], d["t"]),
             elem_bytes, compile=False),
        Case("log_cosh", f"[{n}] fp32", pair(False),
             lambda d: L.log_cosh(d["x"], d["t"]), lambda d: _log_cosh_torch(d["x"], d["t"]),
             elem_bytes, note="torch = composition"),
    ]
    side = int(math.sqrt(n // 16))

    def masks() -> dict[str, torch.Tensor]:
        g = torch.Generator(device="cpu").manual_seed(1)
        p = torch.rand(16, 1, side, side, generator=g).to(device).requires_grad_()
        t = (torch.rand(16, 1, side, side, generator=g) < 0.3).float().to(device)
        return {"x": p, "t": t}

    cases += [
        Case("dice", f"[16, 1, {side}, {side}] fp32", masks,
             lambda d: L.dice(d["x"], d["t"]),
             lambda d: _region_torch(d["x"], d["t"], 2.0, 0.0, 1.0, 1.0), elem_bytes,
             compile=False, note="torch = composition"),
        Case("tversky", f"[16, 1, {side}, {side}] fp32", masks,
             lambda d: L.tversky(d["x"], d["t"]),
             lambda d: _region_torch(d["x"], d["t"], 1.0, 0.0, 0.3, 0.7), elem_bytes,
             compile=False, note="torch = composition"),
    ]
    rows, classes = 8192 // scale, 32000

    def logits(c: int, smooth: bool = False) -> Callable[[], dict[str, torch.Tensor]]:
        def make() -> dict[str, torch.Tensor]:
            g = torch.Generator(device="cpu").manual_seed(2)
            x = torch.randn(rows, c, generator=g).to(device).requires_grad_()
            t = torch.randint(0, c, (rows,), generator=g).to(device)
            return {"x": x, "t": t}
        return make

    def row_bytes(d: dict[str, torch.Tensor]) -> float:
        return 2.0 * d["x"].numel() * d["x"].element_size()  # read z, write dz

    cases += [
        Case("cross_entropy", f"[{rows}, {classes}] fp32", logits(classes),
             lambda d: L.cross_entropy(d["x"], d["t"]),
             lambda d: F.cross_entropy(d["x"], d["t"]), row_bytes),
        Case("cross_entropy (smoothing 0.1)", f"[{rows}, {classes}] fp32", logits(classes),
             lambda d: L.cross_entropy(d["x"], d["t"], label_smoothing=0.1),
             lambda d: F.cross_entropy(d["x"], d["t"], label_smoothing=0.1), row_bytes,
             compile=False),
        Case("softmax_focal", f"[{rows}, 1000] fp32", logits(1000),
             lambda d: L.categorical_focal(d["x"], d["t"]),
             lambda d: _softmax_focal_torch(d["x"], d["t"]), row_bytes,
             note="torch = composition"),
    ]
    nh, hid, vocab = 4096 // scale, 1024 // min(scale, 4), 32000 // min(scale, 4)

    def lce() -> dict[str, torch.Tensor]:
        g = torch.Generator(device="cpu").manual_seed(3)
        h = (torch.randn(nh, hid, generator=g) / 8).to(device).requires_grad_()
        w = (torch.randn(vocab, hid, generator=g) / 8).to(device).requires_grad_()
        t = torch.randint(0, vocab, (nh,), generator=g).to(device)
        return {"h": h, "w": w, "t": t}

    cases.append(Case(
        "linear_cross_entropy", f"[{nh}, {hid}] x [{vocab}, {hid}] fp32", lce,
        lambda d: L.linear_cross_entropy(d["h"], d["w"], d["t"]),
        lambda d: F.cross_entropy(F.linear(d["h"], d["w"]), d["t"]), None, compile=False,
        note="torch = Linear + cross_entropy"))
    return cases


# ------------------------------------------------------------------------ runner
def run_case(case: Case, *, reps: int, compile: bool, device: str,
             suite: str) -> Result:
    """Time, memory and saved bytes of one case."""
    with K.enable(case.fast):
        return _run_case(case, reps=reps, compile=compile, device=device, suite=suite)


def _run_case(case: Case, *, reps: int, compile: bool, device: str, suite: str) -> Result:
    inputs = case.make()
    ours = _fwd_bwd(case.ours, inputs)
    theirs = _fwd_bwd(case.theirs, inputs)
    res = Result(suite, case.name, case.shape, note=case.note)

    def ours_unpooled() -> None:
        with _pool.bypass():
            ours()

    fns: dict[str, Callable[[], None]] = {"ours": ours, "torch": theirs,
                                          "ours_unpooled": ours_unpooled}
    if compile and case.compile:
        try:
            compiled_fwd = torch.compile(case.theirs, dynamic=False)
            t0 = time.perf_counter()
            _fwd_bwd(compiled_fwd, inputs)()
            res.compile_s = time.perf_counter() - t0
            fns["compiled"] = _fwd_bwd(compiled_fwd, inputs)
        except Exception as exc:  # compilation is optional; say why it is missing
            res.note = (res.note + "; " if res.note else "") + \
                f"compile failed: {type(exc).__name__}"
    t = interleaved(fns, reps, device)
    res.ours_ms, res.torch_ms = t["ours"] * 1e3, t["torch"] * 1e3
    res.ours_unpooled_ms = t["ours_unpooled"] * 1e3
    if "compiled" in t:
        res.compiled_ms = t["compiled"] * 1e3
    res.extra["pool_idle_mb"] = _pool.pool_stats().idle_bytes / MB
    for key, fn in fns.items():
        if key == "ours_unpooled":
            continue
        # an empty pool: our outputs are fresh mappings, counted like PyTorch's
        _pool.empty_cache()
        b = peak_extra_bytes(fn, device)
        if b is not None:
            setattr(res, f"{key}_mb", b / MB)
    if case.bytes_moved is not None:
        res.extra["bytes_moved"] = case.bytes_moved(inputs)
    if suite == "activations":
        res.ours_saved_mb = saved_bytes(lambda: case.ours(inputs)) / MB
        res.torch_saved_mb = saved_bytes(lambda: case.theirs(inputs)) / MB

    return res


SMALL_N = 4096  # elements: the per-call overhead target is stated at this size
SMALL_CALLS = 200  # calls per timed repeat, so that a repeat is well above timer noise


def small_tensor_rows(device: str, reps: int, only: str | None = None) -> list[Result]:
    """Per-call forward + backward time of the catalog's public activations at 4K elements.

    ``ours`` is ``actloss.activations.<name>`` (argument checks, the size test that keeps
    small tensors on PyTorch's op, then the op); ``torch`` is PyTorch's op. The note gives
    the difference in microseconds per call (target: within 2 us).
    """
    from actloss import activations as A

    pairs: list[tuple[str, Callable, Callable]] = [
        ("relu", A.relu, F.relu), ("leaky_relu", A.leaky_relu, F.leaky_relu),
        ("gelu", A.gelu, F.gelu), ("silu", A.silu, F.silu), ("tanh", A.tanh, torch.tanh),
        ("sigmoid", A.sigmoid, torch.sigmoid), ("mish", A.mish, F.mish),
        ("elu", A.elu, F.elu), ("softplus", A.softplus, F.softplus),
    ]
    g = torch.Generator(device="cpu").manual_seed(0)
    x = (torch.randn(SMALL_N, generator=g) * 3).to(device).requires_grad_()
    grad = torch.randn(SMALL_N, generator=g).to(device)
    rows = []
    for name, ours_fn, torch_fn in pairs:
        case = f"{name} @4K (per call)"
        if only and not any(o in case for o in only.split(",")):
            continue

        def loop(f: Callable = ours_fn) -> None:
            for _ in range(SMALL_CALLS):
                f(x).backward(grad)
            x.grad = None

        def loop_torch(f: Callable = torch_fn) -> None:
            for _ in range(SMALL_CALLS):
                f(x).backward(grad)
            x.grad = None

        t = interleaved({"ours": loop, "torch": loop_torch}, reps, device)
        res = Result("small tensors", case, f"[{SMALL_N}] fp32")
        res.ours_ms = t["ours"] / SMALL_CALLS * 1e3
        res.torch_ms = t["torch"] / SMALL_CALLS * 1e3
        res.note = f"overhead {(res.ours_ms - res.torch_ms) * 1e3:+.1f} us per call"
        rows.append(res)
    return rows


SMALL_NAMES = ("relu", "leaky_relu", "gelu", "silu", "tanh", "sigmoid", "mish", "elu",
               "softplus")


def case_names(device: str = "cpu") -> list[str]:
    """Every case name ``run`` knows (nothing is allocated: inputs are made lazily)."""
    names = [c.name for c in activation_cases(16, device)]
    names += [c.name for c in loss_cases(1 << 20, device)]
    names += [f"{n} @4K (per call)" for n in SMALL_NAMES]
    return names


def unmatched_only(only: str, device: str = "cpu") -> list[str]:
    """The comma-separated parts of ``only`` that match no case name."""
    names = case_names(device)
    return [o for o in (p.strip() for p in only.split(",")) if o
            and not any(o in n for n in names)]


def run(*, quick: bool = False, compile: bool = True, device: str = "cpu",
        only: str | None = None, progress: Callable[[str], None] | None = None
        ) -> list[Result]:
    """All cases; ``only`` (comma-separated) keeps the cases whose name contains one."""
    scale = 16 if quick else 1
    reps = 3 if quick else 7
    groups = [("activations", activation_cases((1 << 24) // scale, device)),
              ("losses", loss_cases(scale, device)),
              ("default", default_cases((1 << 24) // scale, device))]
    out = []
    for suite, cases in groups:
        for case in cases:
            if only and not any(o in case.name for o in only.split(",")):
                continue
            heavy = case.name.startswith(("cross_entropy", "linear"))
            r = run_case(case, reps=3 if heavy and not quick else reps,
                         compile=compile and not quick, device=device, suite=suite)
            out.append(r)
            if progress is not None:
                progress(f"{suite}/{case.name}: ours {r.ours_ms:.1f} ms, torch "
                         f"{r.torch_ms:.1f} ms")
    for r in small_tensor_rows(device, reps, only):
        out.append(r)
        if progress is not None:
            progress(f"small/{r.name}: {r.note}")
    return out
