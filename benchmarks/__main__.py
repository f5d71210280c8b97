"""``python -m benchmarks``: every fused kernel against PyTorch, one table.

Writes ``results.json`` and ``results.md`` to ``--out`` (default ``bench-results``).
The allocator setting ``THP_MEM_ALLOC_ENABLE=1`` (PyTorch's CPU allocator then backs
large tensors with transparent huge pages) is set for this process before torch is
imported, for ours and PyTorch's runs alike; pass ``--no-thp`` to measure without it.
"""

from __future__ import annotations

import os
import sys

if "--no-thp" not in sys.argv:
    os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")

import argparse
import json
from pathlib import Path

import torch

from benchmarks import kernels
from benchmarks._harness import copy_bandwidth, machine, markdown_table


def native_summary(*, off: bool = False) -> str:
    """Build (or load) the native kernels before timing; one line saying how it went."""
    from actloss.kernels import _native

    if off:
        _native.set_native_enabled(False)
        return "off (--no-native)"
    st = _native.build()
    if not st.available:
        return f"{st.state}: {st.reason} (the eager paths run)"
    how = f"built in {st.build_seconds:.1f} s" if st.build_seconds else "loaded from the cache"
    return f"ready ({how}; cc {' '.join(_native.flags())})"


def render(info: dict, bandwidth: float, rows: list, quick: bool) -> str:
    """The markdown report: machine, method notes and the table."""
    lines = [
        "## Machine",
        "",
        f"- CPU: {info['cpu']} ({info['cores']} cores usable, {info['threads']} torch "
        f"threads, {info['capability']})",
        f"- torch {info['torch']}, Python {info['python']}, "
        f"THP_MEM_ALLOC_ENABLE={info['thp_alloc']}",
        f"- copy bandwidth (copy_ of 64 MiB, read + write): {bandwidth / 1e9:.1f} GB/s",
        f"- native kernels: {info['native']}",
        f"- mode: {'quick (sizes / 16, 3 repeats)' if quick else 'full'}",
        "",
        "Times are medians of interleaved repeats of forward + backward; memory is the peak "
        "resident memory a call adds (see `benchmarks/_harness.py`); roofline is the "
        "achieved share of the copy bandwidth for the bytes the kernel cannot avoid moving. "
        "`no pool` is ours / torch with the buffer pool bypassed (`actloss.kernels._pool`: "
        "outputs of 32 MiB and up reuse freed mappings instead of faulting in fresh "
        "ones); memory is measured with the pool emptied first, so our outputs count as "
        "fresh allocations, like PyTorch's.",
        "",
        markdown_table(rows),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="sizes / 16, 3 repeats, no compile")
    ap.add_argument("--no-compile", action="store_true", help="skip torch.compile columns")
    ap.add_argument("--no-thp", action="store_true", help="leave the allocator as it is")
    ap.add_argument("--out", default="bench-results", help="directory for JSON + markdown")
    ap.add_argument("--only", default=None, help="run the cases whose name contains this")
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--no-native", action="store_true",
                    help="leave the native kernels off (the eager fused forms run)")
    args = ap.parse_args(argv)
    if args.only is not None:
        bad = kernels.unmatched_only(args.only, args.device)
        if bad or not args.only.strip():
            import difflib

            names = kernels.case_names(args.device)
            close = difflib.get_close_matches(bad[0] if bad else "", names, n=3, cutoff=0.6)
            hint = (f"; did you mean {', '.join(repr(c) for c in close)}?" if close
                    else f"; cases: {', '.join(names)}")
            print(f"error: --only {args.only!r} matches no benchmark case{hint}",
                  file=sys.stderr)
            return 2
    if args.threads:
        torch.set_num_threads(args.threads)
    info = machine()
    info["native"] = native_summary(off=args.no_native)
    bw = copy_bandwidth()
    rows = kernels.run(quick=args.quick, compile=not args.no_compile, device=args.device,
                       only=args.only, progress=lambda s: print(s, file=sys.stderr,
                                                                 flush=True))
    for r in rows:
        moved = r.extra.get("bytes_moved")
        if moved and r.ours_ms:
            r.roofline = moved / (r.ours_ms / 1e3) / bw
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = {"machine": info, "copy_bandwidth_bytes_per_s": bw, "quick": args.quick,
            "results": [r.to_json() for r in rows]}
    md = render(info, bw, rows, args.quick)
    # each file whole or not at all: written beside its name, then renamed over it
    for fname, text in (("results.json", json.dumps(data, indent=2)), ("results.md", md)):
        tmp = out / f".{fname}.tmp"
        tmp.write_text(text)
        os.replace(tmp, out / fname)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
