"""Every activation of ``actloss.activations`` at 16M float32 against PyTorch's op.

For each registry entry: forward time and forward+backward time relative to the op
named by its ``torch_equivalent`` (when PyTorch has one), and the bytes autograd saves
for the backward, ours and PyTorch's. Vector and gated entries run on ``[4096, 4096]``
along the last dimension. Run ``python -m benchmarks.activations [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import sys

if "--no-thp" not in sys.argv:
    os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")

import torch

from benchmarks._catalog import accepted_kwargs, resolve, tensor_kwargs
from benchmarks._harness import Result, interleaved, markdown_table, saved_bytes

MB = float(1 << 20)


# Entries whose PyTorch twin needs an argument the entry does not take as a parameter.
_REF_KWARGS: dict[str, dict[str, object]] = {"gelu_tanh": {"approximate": "tanh"}}


def run(*, quick: bool = False, reps: int | None = None,
        only: str | None = None) -> list[Result]:
    """One row per registry entry; entries that cannot run say why in ``note``.

    ``only`` (comma-separated names) keeps those entries.
    """
    try:
        from actloss.activations import REGISTRY
    except ImportError:  # the catalog is not there: nothing to measure
        return []
    n = (1 << 20) if quick else (1 << 24)
    reps = reps or (3 if quick else 5)
    out = []
    keep = set(only.split(",")) if only else None
    for spec in REGISTRY:
        if keep is not None and spec.name not in keep:
            continue
        kwargs = tensor_kwargs(spec.defaults(), torch.zeros(()))
        shape = (n,) if spec.kind == "elementwise" else (n // 4096, 4096)
        res = Result("activations(catalog)", spec.name, f"{list(shape)} fp32")
        try:
            x = (torch.randn(shape) * 3).requires_grad_()
            g = torch.randn(shape)

            def ours(x=x, spec=spec, kwargs=kwargs):
                return spec.fn(x, **kwargs)

            ref = resolve(spec.torch_equivalent)
            theirs = None
            if ref is not None:
                kw = {**accepted_kwargs(ref, kwargs), **_REF_KWARGS.get(spec.name, {})}

                def theirs(x=x, ref=ref, kw=kw):
                    return ref(x, **kw)

            def fb(f, x=x, g=g):
                def run_once():
                    y = f()
                    y.backward(g if y.shape == g.shape else torch.ones_like(y))
                    x.grad = None
                return run_once

            fns = {"ours_f": lambda f=ours, x=x: f().detach(), "ours_fb": fb(ours)}
            if theirs is not None:
                fns.update({"torch_f": lambda f=theirs: f().detach(), "torch_fb": fb(theirs)})
            t = interleaved(fns, reps)
            res.ours_ms = t["ours_fb"] * 1e3
            res.extra["ours_forward_ms"] = t["ours_f"] * 1e3
            res.ours_saved_mb = saved_bytes(ours) / MB
            if theirs is not None:
                res.torch_ms = t["torch_fb"] * 1e3
                res.extra["torch_forward_ms"] = t["torch_f"] * 1e3
                res.extra["forward_ratio"] = t["ours_f"] / t["torch_f"]
                res.torch_saved_mb = saved_bytes(theirs) / MB
                res.note = f"forward ratio {t['ours_f'] / t['torch_f']:.2f}"
            else:
                res.note = "no PyTorch op"
            del x, g
        except Exception as exc:  # one entry failing must not stop the table
            res.note = f"skipped: {type(exc).__name__}: {exc}"[:120]
        out.append(res)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.activations")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-thp", action="store_true")
    ap.add_argument("--only", default=None, help="comma-separated entry names")
    args = ap.parse_args(argv)
    print(markdown_table(run(quick=args.quick, only=args.only)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
