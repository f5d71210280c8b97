"""Every loss of ``actloss.losses`` against PyTorch's op, at realistic sizes.

For each registry entry with a tensor input and target it builds data of the declared
kinds (element-wise: 4M values; class scores: ``[8192, 1000]``; masks:
``[16, 1, 256, 256]``), and measures forward+backward time and peak extra memory of
the catalog's function and of the PyTorch op named by ``torch_equivalent`` (with the
defaults both share). Entries with no PyTorch op report their own numbers; kinds that
need special data (boxes, embeddings, pairs, parameter lists) are listed as skipped.
Run ``python -m benchmarks.losses [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import sys

if "--no-thp" not in sys.argv:
    os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")

import torch
import torch.nn.functional as F

from benchmarks._catalog import accepted_kwargs, resolve
from benchmarks._harness import Result, interleaved, markdown_table, peak_extra_bytes

MB = float(1 << 20)
_ROWS_KINDS = {"class_indices", "one_hot", "soft_labels", "distribution", "log_distribution"}


def _data(spec, quick: bool) -> tuple[torch.Tensor, torch.Tensor] | None:
    g = torch.Generator().manual_seed(0)
    s = 16 if quick else 1
    ik, tk = spec.input_kind, spec.target_kind
    if tk == "masks":
        shape: tuple[int, ...] = (16 // (4 if quick else 1), 1, 256, 256)
    elif tk in _ROWS_KINDS or tk == "multi_hot":
        shape = (8192 // s, 1000)
    else:
        shape = ((1 << 22) // s,)
    z = torch.randn(shape, generator=g)
    inputs = {
        "logits": z * 3, "real": z, "scores": z,
        "probabilities": (torch.softmax(z, -1) if tk in _ROWS_KINDS
                          else torch.sigmoid(z * 3)),
        "log_probabilities": torch.log_softmax(z, -1),
        "positive": torch.rand(shape, generator=g) + 0.1,
        "distribution": torch.softmax(z, -1),
        "log_distribution": torch.log_softmax(z, -1),
    }
    if ik not in inputs:
        return None
    x = inputs[ik]
    u = torch.rand(shape, generator=g)
    targets = {
        "class_indices": lambda: torch.randint(0, shape[-1], shape[:1], generator=g),
        "one_hot": lambda: F.one_hot(torch.randint(0, shape[-1], shape[:1], generator=g),
                                     shape[-1]).float(),
        "soft_labels": lambda: torch.softmax(torch.randn(shape, generator=g), -1),
        "binary": lambda: (u < 0.3).float(), "multi_hot": lambda: (u < 0.1).float(),
        "signed_binary": lambda: (u < 0.5).float() * 2 - 1, "masks": lambda: (u < 0.3).float(),
        "real": lambda: torch.randn(shape, generator=g), "positive": lambda: u + 0.1,
        "counts": lambda: torch.poisson(torch.full(shape, 3.0), generator=g),
        "distribution": lambda: torch.softmax(torch.randn(shape, generator=g), -1),
        "log_distribution": lambda: torch.log_softmax(torch.randn(shape, generator=g), -1),
    }
    if tk not in targets:
        return None
    return x, targets[tk]()


def run(*, quick: bool = False, reps: int | None = None,
        only: str | None = None) -> list[Result]:
    """One row per registry entry; entries that cannot run say why in ``note``.

    ``only`` (comma-separated names) keeps those entries.
    """
    try:
        from actloss.losses import REGISTRY, value_checks
    except ImportError:
        return []
    reps = reps or (3 if quick else 5)
    out = []
    keep = set(only.split(",")) if only else None
    for spec in REGISTRY:
        if keep is not None and spec.name not in keep:
            continue
        res = Result("losses(catalog)", spec.name, "-")
        data = _data(spec, quick)
        if data is None:
            res.note = f"skipped: {spec.input_kind} -> {spec.target_kind} needs special data"
            out.append(res)
            continue
        x0, t = data
        res.shape = f"{list(x0.shape)} fp32"
        try:
            x = x0.clone().requires_grad_()

            def fb(f, x=x):
                def once():
                    f().backward()
                    x.grad = None
                return once

            def ours(x=x, t=t, spec=spec):
                return spec.fn(x, t)

            def ours_unchecked(ours=ours):
                with value_checks(False):
                    return ours()

            fns = {"ours": fb(ours), "unchecked": fb(ours_unchecked)}
            ref = resolve(spec.torch_equivalent)
            if ref is not None:
                kw = accepted_kwargs(ref, spec.defaults())

                def theirs(x=x, t=t, ref=ref, kw=kw):
                    return ref(x, t, **kw)

                fns["torch"] = fb(theirs)
            t_ = interleaved(fns, reps)
            res.ours_ms = t_["ours"] * 1e3
            b = peak_extra_bytes(fns["ours"])
            res.ours_mb = None if b is None else b / MB
            if "torch" in fns:
                res.torch_ms = t_["torch"] * 1e3
                b = peak_extra_bytes(fns["torch"])
                res.torch_mb = None if b is None else b / MB
                res.note = (f"vs {spec.torch_equivalent}; without value checks "
                            f"{t_['unchecked'] / t_['torch']:.2f}")
                res.extra["unchecked_ratio"] = t_["unchecked"] / t_["torch"]
            else:
                res.note = "no PyTorch op: the composition itself"
        except Exception as exc:  # one entry failing must not stop the table
            res.note = f"skipped: {type(exc).__name__}: {exc}"[:120]
        out.append(res)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.losses")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-thp", action="store_true")
    ap.add_argument("--only", default=None, help="comma-separated entry names")
    args = ap.parse_args(argv)
    print(markdown_table(run(quick=args.quick, only=args.only)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
