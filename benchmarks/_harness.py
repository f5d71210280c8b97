"""Timing, memory and machine description shared by the benchmark scripts.

Method:

* **time** - each case runs ours and PyTorch's alternately (interleaved, so drifts in
  machine load hit both), after one warm-up each; the median of the repeats is kept.
* **peak extra memory (CPU)** - Linux reports a process's peak resident set
  (``VmHWM``) and lets the process reset it (``echo 5 > /proc/self/clear_refs``). We
  reset it, note the resident set, run one forward+backward, and read the peak again:
  the difference is what the call touched on top of what already existed (inputs,
  parameters). This counts every allocation that was written to, torch's or not. On
  CUDA, ``torch.cuda.max_memory_allocated`` after ``reset_peak_memory_stats``.
* **saved bytes** - ``torch.autograd.graph.saved_tensors_hooks`` sums the distinct
  storages autograd keeps for the backward.
* **roofline** - the copy bandwidth of the same run (``dst.copy_(src)`` on 64 MiB
  buffers, bytes read + written per second) and, per case, the bytes a kernel cannot
  avoid moving; ``roofline`` is the achieved bandwidth over the copy bandwidth.
"""

from __future__ import annotations

import gc
import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import torch

__all__ = [
    "Result",
    "copy_bandwidth",
    "interleaved",
    "machine",
    "markdown_table",
    "peak_extra_bytes",
    "saved_bytes",
]


@dataclass
class Result:
    """One row of a benchmark table."""

    suite: str
    name: str
    shape: str
    ours_ms: float | None = None
    torch_ms: float | None = None
    ours_unpooled_ms: float | None = None  # ours with the buffer pool bypassed
    compiled_ms: float | None = None
    compile_s: float | None = None
    ours_mb: float | None = None
    torch_mb: float | None = None
    compiled_mb: float | None = None
    ours_saved_mb: float | None = None
    torch_saved_mb: float | None = None
    roofline: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def time_ratio(self) -> float | None:
        if self.ours_ms is None or not self.torch_ms:
            return None
        return self.ours_ms / self.torch_ms

    @property
    def unpooled_ratio(self) -> float | None:
        if self.ours_unpooled_ms is None or not self.torch_ms:
            return None
        return self.ours_unpooled_ms / self.torch_ms

    @property
    def compiled_ratio(self) -> float | None:
        if self.ours_ms is None or not self.compiled_ms:
            return None
        return self.ours_ms / self.compiled_ms

    @property
    def mem_ratio(self) -> float | None:
        if self.ours_mb is None or not self.torch_mb:
            return None
        return self.ours_mb / self.torch_mb

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(time_ratio=self.time_ratio, unpooled_ratio=self.unpooled_ratio,
                 compiled_ratio=self.compiled_ratio,
                 mem_ratio=self.mem_ratio)
        return d


def machine() -> dict[str, Any]:
    """CPU model, cores usable by this process, torch version and threads."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.+)", f.read())
        if m:
            model = m.group(1).strip()
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    info: dict[str, Any] = {
        "cpu": model,
        "cores": cores,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "capability": torch.backends.cpu.get_cpu_capability(),
        "python": platform.python_version(),
        "thp_alloc": os.environ.get("THP_MEM_ALLOC_ENABLE", "0"),
    }
    if torch.cuda.is_available():
        info["cuda"] = torch.cuda.get_device_name()
    return info


def _sync(device: torch.device | str | None) -> None:
    if device is not None and torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def interleaved(fns: dict[str, Callable[[], object]], reps: int,
                device: torch.device | str | None = None) -> dict[str, float]:
    """Median seconds of each callable, run alternately ``reps`` times after a warm-up."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for f in fns.values():
        f()
    _sync(device)
    for _ in range(reps):
        for k, f in fns.items():
            _sync(device)
            t0 = time.perf_counter()
            f()
            _sync(device)
            times[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def _status() -> dict[str, int]:
    with open("/proc/self/status") as f:
        s = f.read()
    return {k: int(re.search(k + r":\s+(\d+)", s).group(1)) * 1024  # type: ignore[union-attr]
            for k in ("VmRSS", "VmHWM")}


def peak_extra_bytes(fn: Callable[[], object],
                     device: torch.device | str | None = None) -> float | None:
    """Peak bytes touched by ``fn`` beyond what was resident before (see module doc)."""
    gc.collect()
    if device is not None and torch.device(device).type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        fn()
        torch.cuda.synchronize()
        return float(torch.cuda.max_memory_allocated() - base)
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        base = _status()["VmRSS"]
    except OSError:
        return None
    fn()
    return float(_status()["VmHWM"] - base)


def saved_bytes(forward: Callable[[], torch.Tensor]) -> float:
    """Bytes of the distinct storages autograd saves while ``forward`` runs."""
    seen: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        try:
            st = t.untyped_storage()
            seen[st.data_ptr()] = st.nbytes()
        except RuntimeError:
            pass
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        forward()
    return float(sum(seen.values()))


def copy_bandwidth(nbytes: int = 64 << 20, reps: int = 9) -> float:
    """Bytes per second of ``dst.copy_(src)`` (read + write) on ``nbytes`` buffers."""
    n = nbytes // 4
    src = torch.randn(n)
    dst = torch.empty(n)
    t = interleaved({"copy": lambda: dst.copy_(src)}, reps)["copy"]
    return 2 * nbytes / t


def _fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def markdown_table(rows: list[Result]) -> str:
    """The results as one markdown table."""
    head = ("| suite | case | shape | ours ms | torch ms | ours/torch | no pool | "
            "compiled ms | ours/compiled | ours MB | torch MB | mem ratio | "
            "saved ours/torch MB | roofline | note |")
    sep = "|" + "---|" * 15
    lines = [head, sep]
    for r in rows:
        saved = "-" if r.ours_saved_mb is None else (
            f"{r.ours_saved_mb:.0f} / {_fmt(r.torch_saved_mb, '.0f')}")
        comp = _fmt(r.compiled_ms, ".1f")
        if r.compile_s is not None:
            comp += f" (compile {r.compile_s:.1f} s)"
        lines.append(
            f"| {r.suite} | {r.name} | {r.shape} | {_fmt(r.ours_ms, '.1f')} | "
            f"{_fmt(r.torch_ms, '.1f')} | {_fmt(r.time_ratio, '.2f')} | "
            f"{_fmt(r.unpooled_ratio, '.2f')} | {comp} | "
            f"{_fmt(r.compiled_ratio, '.2f')} | {_fmt(r.ours_mb, '.0f')} | "
            f"{_fmt(r.torch_mb, '.0f')} | {_fmt(r.mem_ratio, '.2f')} | {saved} | "
            f"{_fmt(r.roofline, '.2f')} | {r.note} |"
        )
    return "\n".join(lines) + "\n"
