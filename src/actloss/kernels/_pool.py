"""Reused memory for what the fast paths keep for their backward (large CPU buffers).

The C library behind PyTorch's CPU allocator hands out every block of 32 MiB or more
(on 64-bit glibc) as a fresh mapping and unmaps it when the tensor dies. A fresh mapping
costs one page fault and a page of zeroing per 4 KiB on first write, and for a
memory-bound kernel that is most of the time: a 64 MiB output costs more to fault in
than the kernel takes to fill it (``docs/benchmarks.md``). Smaller blocks come back from
the C library's heap already mapped, so only the large ones gain.

The pool keeps the mappings of large kernel outputs after their tensors die and hands
them out again to the next output of the same rounded size. A tensor from the pool is a
plain CPU tensor over that memory (``torch.frombuffer``); when its storage is freed (the
tensor and all of its views are gone) the memory goes back to the pool, which keeps at
most :func:`pool_limit` bytes of idle buffers and unmaps the rest, least recently used
size first. Like PyTorch's CUDA caching allocator, it trades idle memory for speed:
:func:`empty_cache` unmaps every idle buffer and ``set_pool_limit(0)`` (or the
environment variable ``ACTLOSS_POOL_MB=0``) turns the pool off.

The tensors a fast path saves for its own backward (a derivative, a mask) come from
these mappings, from :data:`POOL_MIN_BYTES` on. The outputs and gradients the native
activations hand to the caller are PyTorch's own storages (``torch.UntypedStorage``:
resizable, never a view), and from :data:`POOL_MIN_BYTES` on the pool keeps a reference
to them (:func:`output_like`): a storage that nothing else refers to any more (no tensor,
no Python reference) is handed out again instead of a fresh mapping. Those count against
the same limit (live or idle), and :func:`empty_cache` drops the idle ones.
"""

from __future__ import annotations

import mmap
import os
import sys
import threading
import warnings
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch

from actloss._validation import NONNEGATIVE, Param, check_param

__all__ = [
    "POOL_MIN_BYTES",
    "PoolStats",
    "bypass",
    "empty",
    "empty_cache",
    "empty_like",
    "output_like",
    "pool_limit",
    "pool_stats",
    "pooled",
    "set_pool_limit",
]

#: outputs of at least this many bytes come from the pool: 64-bit glibc's largest
#: ``mmap`` threshold, above which every allocation is a fresh, zero-filled mapping
POOL_MIN_BYTES = 32 << 20
#: idle bytes the pool keeps by default (``ACTLOSS_POOL_MB`` overrides it)
DEFAULT_LIMIT_BYTES = 256 << 20
_GRANULE = 1 << 21  # sizes round up to 2 MiB: one transparent huge page
_ENV = "ACTLOSS_POOL_MB"
_LIMIT = Param("limit_bytes", DEFAULT_LIMIT_BYTES, int, NONNEGATIVE,
               doc="idle bytes the pool keeps")


@dataclass(frozen=True)
class PoolStats:
    """What the pool holds and how often it served a request.

    Attributes:
        idle_bytes: mapped bytes kept for reuse (no live tensor uses them).
        live_bytes: mapped bytes under live tensors.
        limit_bytes: most idle bytes kept (0: the pool is off).
        hits: requests served from an idle buffer.
        misses: requests that mapped a new buffer.
    """

    idle_bytes: int
    live_bytes: int
    limit_bytes: int
    hits: int
    misses: int


def _limit_from_env() -> int:
    """``ACTLOSS_POOL_MB`` in bytes; the default, with a warning, for a value that is
    not a finite number >= 0 (an environment variable should not stop an import)."""
    raw = os.environ.get(_ENV)
    if raw is None or raw.strip() == "":
        return DEFAULT_LIMIT_BYTES
    try:
        mb = float(raw)
    except ValueError:
        mb = -1.0
    if not 0 <= mb < float("inf"):
        warnings.warn(f"{_ENV} must be a number of MiB >= 0; got {raw!r}: using the "
                      f"default, {DEFAULT_LIMIT_BYTES >> 20} MiB", RuntimeWarning,
                      stacklevel=2)
        return DEFAULT_LIMIT_BYTES
    return int(mb * (1 << 20))


# Every container below is changed only by single dict/list operations, which the GIL
# makes atomic: a buffer may come back (a weakref callback) in any thread, and in the
# middle of another request on the same thread, where a lock would deadlock.
_idle: dict[int, list[mmap.mmap]] = {}  # rounded size -> idle buffers
_live: dict[int, tuple[weakref.ref, mmap.mmap]] = {}  # id(ref) -> (ref, buffer)
_last_use: dict[int, int] = {}  # rounded size -> request counter at its last use
_counts = {"hits": 0, "misses": 0, "clock": 0, "bypass": 0}
_limit = _limit_from_env()


def set_pool_limit(limit_bytes: int) -> None:
    """Keep at most ``limit_bytes`` of idle buffers (0 turns the pool off).

    Lowering the limit unmaps idle buffers at once, least recently used size first.

    >>> set_pool_limit(0); pool_limit()
    0
    >>> set_pool_limit(256 << 20); pool_limit() == 256 << 20
    True
    """
    global _limit
    _limit = check_param("set_pool_limit", _LIMIT, limit_bytes)
    _trim(0)
    _drop_outputs(_limit)


def pool_limit() -> int:
    """The most idle bytes the pool keeps (see :func:`set_pool_limit`)."""
    return _limit


def pool_stats() -> PoolStats:
    """Idle and live bytes, the limit and the hit and miss counts."""
    live = sum(len(entry[1]) for entry in list(_live.values()))
    out_idle, out_live = _output_bytes()
    return PoolStats(_idle_bytes() + out_idle, live + out_live, _limit, _counts["hits"],
                     _counts["misses"])


def empty_cache() -> None:
    """Unmap every idle buffer; buffers under live tensors return to the pool later."""
    for size in list(_idle):
        _idle.pop(size, None)
    with _out_lock:
        for e in [e for e in _outputs if _unused(e)]:
            _outputs.remove(e)


def _idle_bytes() -> int:
    return sum(size * len(bufs) for size, bufs in list(_idle.items()))


def _trim(incoming: int) -> None:
    """Drop idle buffers, least recently used size first, until ``incoming`` more fit."""
    while _idle and _idle_bytes() + incoming > _limit:
        sizes = list(_idle)  # a copy: another thread may change the dict meanwhile
        if not sizes:
            break
        size = min(sizes, key=lambda s: _last_use.get(s, 0))
        bufs = _idle.get(size)
        if bufs:
            try:
                bufs.pop()
            except IndexError:
                pass
        if not bufs:
            _idle.pop(size, None)


def _returned(ref: weakref.ref) -> None:
    entry = _live.pop(id(ref), None)
    if entry is None:
        return
    buf = entry[1]
    size = len(buf)
    if size > _limit:
        return  # unmapped when `buf` goes
    _trim(size)
    _idle.setdefault(size, []).append(buf)


def _new_buffer(size: int) -> mmap.mmap:
    """An anonymous, private mapping of ``size`` bytes (Windows: an anonymous one)."""
    flags = getattr(mmap, "MAP_PRIVATE", None)
    anon = getattr(mmap, "MAP_ANONYMOUS", getattr(mmap, "MAP_ANON", None))
    if flags is None or anon is None:
        buf = mmap.mmap(-1, size)
    else:
        buf = mmap.mmap(-1, size, flags=flags | anon)
    advice = getattr(mmap, "MADV_HUGEPAGE", None)
    if advice is not None:
        try:
            buf.madvise(advice)
        except OSError:
            pass  # no transparent huge pages here: 4 KiB pages work the same
    return buf


def pooled(nbytes: int, device: torch.device | str = "cpu") -> bool:
    """Whether an output of ``nbytes`` on ``device`` comes from the pool (never while
    ``torch.compile`` traces the call)."""
    return (_limit > 0 and not _counts["bypass"] and nbytes >= POOL_MIN_BYTES
            and torch.device(device).type == "cpu" and not torch.compiler.is_compiling())


@contextmanager
def bypass() -> Iterator[None]:
    """Inside the block, outputs are PyTorch's allocations; the idle buffers stay mapped
    (unlike ``set_pool_limit(0)``). The benchmarks time the kernels with and without the
    pool this way. Process-wide, not per thread."""
    _counts["bypass"] += 1
    try:
        yield
    finally:
        _counts["bypass"] -= 1


def empty(shape: tuple[int, ...] | torch.Size, dtype: torch.dtype,
          device: torch.device | str = "cpu") -> torch.Tensor:
    """An uninitialised contiguous tensor, from the pool when :func:`pooled` says so.

    The result behaves as ``torch.empty(shape, dtype=dtype, device=device)``, except
    that its storage cannot be resized.
    """
    numel = 1
    for n in shape:
        numel *= int(n)
    nbytes = numel * dtype.itemsize
    if not pooled(nbytes, device):
        return torch.empty(shape, dtype=dtype, device=device)
    size = -(-nbytes // _GRANULE) * _GRANULE
    _counts["clock"] += 1
    _last_use[size] = _counts["clock"]
    buf = None
    bufs = _idle.get(size)
    if bufs:
        try:
            buf = bufs.pop()
        except IndexError:
            buf = None
    if buf is None:
        _counts["misses"] += 1
        buf = _new_buffer(size)
    else:
        _counts["hits"] += 1
    view = memoryview(buf)[:nbytes]
    out = torch.frombuffer(view, dtype=dtype)
    ref = weakref.ref(view, _returned)
    _live[id(ref)] = (ref, buf)
    return out.view(shape)


def empty_like(t: torch.Tensor) -> torch.Tensor:
    """:func:`empty` with ``t``'s shape, dtype and device (always contiguous)."""
    return empty(t.shape, t.dtype, t.device)


# ------------------------------------------------------------------ recycled outputs
# [storage, its data pointer and size when made, last use]: storages the pool made and
# still refers to, live (a tensor or a Python reference elsewhere) or idle
_outputs: list[list] = []
_out_lock = threading.Lock()


def _refs(entry: list) -> int:
    """Python references to ``entry[0]``, as counted from here."""
    obj = entry[0]
    return sys.getrefcount(obj)


_BASE_REFS = _refs([object()])  # an object referred to by its entry only


def _unused(entry: list) -> bool:
    """Whether only the pool refers to the storage of ``entry`` (no tensor holds it, no
    Python reference to it exists) and it is as the pool made it (not resized, not moved
    to shared memory): only then may its memory be written again."""
    if _refs(entry) != _BASE_REFS:
        return False
    s = entry[0]
    return (torch._C._storage_Use_Count(s._cdata) == 1 and s.data_ptr() == entry[1]
            and s.nbytes() == entry[2] and not s.is_shared())


def _output_bytes() -> tuple[int, int]:
    """(idle, live) bytes of the storages the pool refers to."""
    with _out_lock:
        idle = sum(e[2] for e in _outputs if _unused(e))
        total = sum(e[2] for e in _outputs)
    return idle, total - idle


def _drop_outputs(keep: int) -> None:
    """Forget storages until at most ``keep`` bytes are referred to: idle ones first
    (their memory is freed), then the least recently handed out live ones (their
    memory stays with whoever holds it)."""
    with _out_lock:
        _drop_locked(keep)


def _drop_locked(keep: int) -> None:
    total = sum(e[2] for e in _outputs)
    for idle_first in (True, False):
        for e in sorted(_outputs, key=lambda e: e[3]):
            if total <= keep:
                return
            if not idle_first or _unused(e):
                _outputs.remove(e)
                total -= e[2]


def _output_storage(nbytes: int) -> torch.UntypedStorage:
    size = -(-nbytes // _GRANULE) * _GRANULE
    with _out_lock:
        _counts["clock"] += 1
        stale = [e for e in _outputs if e[0].data_ptr() != e[1] or e[0].nbytes() != e[2]]
        for e in stale:  # resized by their holder: never the pool's again
            _outputs.remove(e)
        for e in _outputs:
            if e[2] == size and _unused(e):
                e[3] = _counts["clock"]
                _counts["hits"] += 1
                return e[0]
        _counts["misses"] += 1
        storage = torch.UntypedStorage(size)
        if size <= _limit:
            _drop_locked(_limit - size)
            _outputs.append([storage, storage.data_ptr(), size, _counts["clock"]])
        return storage


def output_like(x: torch.Tensor) -> torch.Tensor:
    """An uninitialised tensor with ``x``'s shape, strides, dtype and device, for an
    output or a gradient handed to the caller (``x`` dense: contiguous or channels-last).

    Below :data:`POOL_MIN_BYTES` (or with the pool off or bypassed) it is
    ``torch.empty_like(x)``; from there on, a PyTorch storage the pool keeps a reference
    to, reused once nothing else refers to it. Either way an ordinary tensor: not a view,
    resizable, in-place operations allowed.
    """
    nbytes = x.numel() * x.element_size()
    if not pooled(nbytes, x.device):
        return torch.empty_like(x)
    storage = _output_storage(nbytes)
    return torch.empty(0, dtype=x.dtype).set_(storage, 0, x.shape, x.stride())
