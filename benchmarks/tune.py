"""Block-size sweeps behind the constants in ``actloss.kernels`` (and a CUDA check).

``python -m benchmarks.tune`` prints, for each block size, the fast paths'
forward+backward time over PyTorch's for the element-wise activations at 16M float32
(the eager block-wise mish is the one that uses the block size) and for cross-entropy
at [2048, 32000]; ``--cuda`` also checks the catalog with the fast paths on against
PyTorch on the GPU (where they step aside, except ``linear_cross_entropy``).
"""

from __future__ import annotations

import argparse
import os
import sys

if "--no-thp" not in sys.argv:
    os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")

import torch
import torch.nn.functional as F

import actloss.kernels._activations as KA
import actloss.kernels._softmax_losses as S
from actloss import activations as AC
from actloss import kernels as K
from actloss import losses as L
from benchmarks._harness import interleaved


class _Fast:
    """The catalog's functions with the fast paths on: ``F_.silu(x)`` and so on."""

    def __getattr__(self, name: str):
        fn = getattr(AC, name, None) or getattr(L, name)

        def call(*args, **kwargs):
            with K.enable():
                return fn(*args, **kwargs)

        return call


F_ = _Fast()


def _fb(f, x, g):
    def run():
        f(x).backward(g)
        x.grad = None
    return run


def sweep_activations(n: int, reps: int) -> None:
    x = (torch.randn(n) * 3).requires_grad_()
    g = torch.randn(n)
    cases = {
        "relu(me)": (lambda v: F_.relu(v, memory_efficient=True), F.relu),
        "leaky(me)": (lambda v: F_.leaky_relu(v, memory_efficient=True), F.leaky_relu),
        "gelu": (F_.gelu, F.gelu),
        "gelu_tanh": (lambda v: F_.gelu(v, approximate="tanh"),
                      lambda v: F.gelu(v, approximate="tanh")),
        "silu": (F_.silu, F.silu), "tanh": (F_.tanh, torch.tanh),
        "sigmoid": (F_.sigmoid, torch.sigmoid), "mish": (F_.mish, F.mish),
        "mish(me)": (lambda v: F_.mish(v, memory_efficient=True), F.mish),
        "elu": (F_.elu, F.elu), "softplus": (F_.softplus, F.softplus),
    }
    for block in (1 << 14, 1 << 16, 1 << 18):
        KA.BLOCK_ELEMENTS = block
        line = [f"block {block:>7}"]
        for name, (ours, theirs) in cases.items():
            t = interleaved({"o": _fb(ours, x, g), "t": _fb(theirs, x, g)}, reps)
            line.append(f"{name} {t['o'] * 1e3:.1f}/{t['t'] * 1e3:.1f}={t['o'] / t['t']:.2f}")
        print("  ".join(line), flush=True)


def sweep_ce(reps: int) -> None:
    x = torch.randn(2048, 32000).requires_grad_()
    t = torch.randint(0, 32000, (2048,))
    for block in (1 << 16, 1 << 18, 1 << 20):
        S.CE_BLOCK_ELEMENTS = block
        r = interleaved({"o": lambda: F_.cross_entropy(x, t).backward(),
                         "t": lambda: F.cross_entropy(x, t).backward()}, reps)
        x.grad = None
        print(f"ce block {block}: {r['o'] * 1e3:.1f} / {r['t'] * 1e3:.1f} = "
              f"{r['o'] / r['t']:.2f}", flush=True)


def cuda_check() -> None:
    dev = "cuda"
    torch.manual_seed(0)
    worst = 0.0
    for dt in (torch.float32, torch.float64):
        x = (torch.randn(300_000, device=dev, dtype=dt) * 4)
        y = torch.rand(300_000, device=dev, dtype=dt)
        for name, ours, ref in [
            ("relu", F_.relu, F.relu), ("gelu", F_.gelu, F.gelu), ("silu", F_.silu, F.silu),
            ("mish", F_.mish, F.mish), ("elu", F_.elu, F.elu), ("softplus", F_.softplus, F.softplus),
            ("tanh", F_.tanh, torch.tanh), ("sigmoid", F_.sigmoid, torch.sigmoid),
            ("mish(me)", lambda v: F_.mish(v, memory_efficient=True), F.mish),
            ("bce", lambda v, y=y: F_.binary_cross_entropy_with_logits(v, y),
             lambda v, y=y: F.binary_cross_entropy_with_logits(v, y)),
            ("huber", lambda v, y=y: F_.huber(v, y), lambda v, y=y: F.huber_loss(v, y)),
        ]:
            a = x.clone().requires_grad_()
            b = x.clone().requires_grad_()
            oa, ob = ours(a), ref(b)
            oa.sum().backward()
            ob.sum().backward()
            e = max(float((oa - ob).abs().max()), float((a.grad - b.grad).abs().max()))
            worst = max(worst, e)
            print(f"cuda {dt} {name}: max err {e:.2e}")
        z = torch.randn(512, 1000, device=dev, dtype=dt, requires_grad=True)
        tt = torch.randint(0, 1000, (512,), device=dev)
        z2 = z.detach().clone().requires_grad_()
        F_.cross_entropy(z, tt, label_smoothing=0.1).backward()
        F.cross_entropy(z2, tt, label_smoothing=0.1).backward()
        print(f"cuda {dt} ce: grad err {float((z.grad - z2.grad).abs().max()):.2e}")
        h = torch.randn(256, 64, device=dev, dtype=dt, requires_grad=True)
        w = torch.randn(1000, 64, device=dev, dtype=dt, requires_grad=True)
        h2, w2 = h.detach().clone().requires_grad_(), w.detach().clone().requires_grad_()
        la = K.linear_cross_entropy(h, w, tt[:256])
        lb = F.cross_entropy(h2 @ w2.t(), tt[:256])
        la.backward()
        lb.backward()
        print(f"cuda {dt} lce: loss err {float((la - lb).abs()):.2e} grad err "
              f"{float((h.grad - h2.grad).abs().max()):.2e} {float((w.grad - w2.grad).abs().max()):.2e}")
    # memory and time of linear_cross_entropy on the GPU at the target size
    h = (torch.randn(4096, 1024, device=dev) / 8).requires_grad_()
    w = (torch.randn(32000, 1024, device=dev) / 8).requires_grad_()
    tt = torch.randint(0, 32000, (4096,), device=dev)
    for name, f in [("ours", lambda: K.linear_cross_entropy(h, w, tt)),
                    ("torch", lambda: F.cross_entropy(h @ w.t(), tt))]:
        f().backward()
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        import time
        t0 = time.perf_counter()
        for _ in range(5):
            f().backward()
            h.grad = w.grad = None
        torch.cuda.synchronize()
        dt_ = (time.perf_counter() - t0) / 5
        print(f"cuda lce {name}: {dt_ * 1e3:.1f} ms, peak extra "
              f"{(torch.cuda.max_memory_allocated() - base) / 2**20:.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cuda", action="store_true")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--no-thp", action="store_true")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.cuda and torch.cuda.is_available():
        cuda_check()
    sweep_activations(1 << 24, args.reps)
    sweep_ce(3)


if __name__ == "__main__":
    main()
