"""The buffer pool of the fast paths (actloss.kernels._pool).

The pool serves what a fast implementation keeps for its own backward (the saved
derivative or mask) from its own mappings, and the outputs and gradients it hands to the
caller as PyTorch storages it reuses once nothing else refers to them (``output_like``).
References: gradients are compared with PyTorch's op on the same input.
"""

from __future__ import annotations

import gc
import pickle
import threading
import warnings

import pytest
import torch

import actloss.kernels as K
from actloss.errors import ParameterError
from actloss.kernels import _native, _pool

MiB = 1 << 20


@pytest.fixture(autouse=True)
def _fresh_pool():
    """Each test starts with an empty pool at the default limit, its hit and miss counts
    at zero (the fast paths of earlier tests use the pool too), and leaves it so; output
    storages that earlier tests still hold are forgotten (not reused, not counted)."""
    gc.collect()
    _pool.set_pool_limit(_pool.DEFAULT_LIMIT_BYTES)
    _pool.empty_cache()
    _pool._drop_outputs(0)  # outputs other tests still hold: theirs, no longer counted
    _pool._counts["hits"] = _pool._counts["misses"] = 0
    yield
    gc.collect()
    _pool.set_pool_limit(_pool.DEFAULT_LIMIT_BYTES)
    _pool.empty_cache()
    _pool._drop_outputs(0)


@pytest.fixture
def low_threshold(monkeypatch):
    """Pool outputs from 4 KiB on, so the pooled paths run on small tensors."""
    monkeypatch.setattr(_pool, "POOL_MIN_BYTES", 4096)


def _is_pooled(t: torch.Tensor) -> bool:
    return not t.untyped_storage().resizable()


# ------------------------------------------------------------------------ the pool
def test_small_requests_are_plain_allocations():
    t = _pool.empty((1000,), torch.float32)
    assert not _is_pooled(t)
    assert _pool.pool_stats().misses == 0


def test_large_request_comes_from_the_pool_and_returns_to_it():
    n = _pool.POOL_MIN_BYTES // 4
    t = _pool.empty((2, n // 2), torch.float32)
    assert t.shape == (2, n // 2) and t.dtype == torch.float32 and t.is_contiguous()
    assert _is_pooled(t)
    s = _pool.pool_stats()
    assert (s.misses, s.hits, s.idle_bytes) == (1, 0, 0)
    assert s.live_bytes >= t.numel() * 4
    ptr = t.data_ptr()
    t.fill_(3.0)  # the memory is usable
    assert t.sum().item() == pytest.approx(3.0 * n)
    del t
    gc.collect()
    s = _pool.pool_stats()
    assert s.live_bytes == 0 and s.idle_bytes >= n * 4
    u = _pool.empty((n,), torch.float32)
    assert u.data_ptr() == ptr  # the same mapping, served again
    assert _pool.pool_stats().hits == 1


def test_a_live_view_keeps_its_buffer_out_of_the_pool():
    n = _pool.POOL_MIN_BYTES // 4
    t = _pool.empty((n,), torch.float32)
    view = t[10:20]
    ptr = t.data_ptr()
    del t
    gc.collect()
    assert _pool.pool_stats().idle_bytes == 0
    u = _pool.empty((n,), torch.float32)
    assert u.data_ptr() != ptr  # the view's memory is not handed out twice
    del view
    gc.collect()
    assert _pool.pool_stats().idle_bytes > 0


def test_sizes_round_up_and_other_dtypes_share_buffers():
    # 33 MiB rounds up to 34 MiB (2 MiB steps), and so does 32 MiB + 400 bytes
    a = _pool.empty(((_pool.POOL_MIN_BYTES + MiB) // 8,), torch.float64)
    ptr = a.data_ptr()
    del a
    gc.collect()
    b = _pool.empty((_pool.POOL_MIN_BYTES // 4 + 100,), torch.float32)
    assert b.data_ptr() == ptr


def test_limit_zero_turns_the_pool_off_and_limits_trim_idle_buffers():
    n = _pool.POOL_MIN_BYTES // 4
    ts = [_pool.empty((n,), torch.float32) for _ in range(3)]
    del ts
    gc.collect()
    assert _pool.pool_stats().idle_bytes == 3 * _pool.POOL_MIN_BYTES
    _pool.set_pool_limit(_pool.POOL_MIN_BYTES)  # lowering trims at once
    assert _pool.pool_stats().idle_bytes == _pool.POOL_MIN_BYTES
    _pool.set_pool_limit(0)
    assert _pool.pool_stats().idle_bytes == 0
    assert not _pool.pooled(_pool.POOL_MIN_BYTES)
    assert not _is_pooled(_pool.empty((n,), torch.float32))


def test_returned_buffers_beyond_the_limit_are_unmapped_oldest_size_first():
    big, small = _pool.POOL_MIN_BYTES * 2, _pool.POOL_MIN_BYTES
    _pool.set_pool_limit(big)
    a = _pool.empty((big // 4,), torch.float32)
    del a
    gc.collect()
    assert _pool.pool_stats().idle_bytes == big
    b = _pool.empty((small // 4,), torch.float32)  # a newer size
    del b
    gc.collect()
    # keeping both would exceed the limit: the least recently used size goes
    assert _pool.pool_stats().idle_bytes == small


def test_empty_cache_unmaps_idle_buffers_only():
    n = _pool.POOL_MIN_BYTES // 4
    live = _pool.empty((n,), torch.float32)
    idle = _pool.empty((n,), torch.float32)
    del idle
    gc.collect()
    _pool.empty_cache()
    s = _pool.pool_stats()
    assert s.idle_bytes == 0 and s.live_bytes >= n * 4
    del live
    gc.collect()
    assert _pool.pool_stats().idle_bytes >= n * 4  # returned after empty_cache


def test_buffers_return_from_other_threads():
    n = _pool.POOL_MIN_BYTES // 4
    box = [_pool.empty((n,), torch.float32)]

    def drop() -> None:
        box.clear()
        gc.collect()

    th = threading.Thread(target=drop)
    th.start()
    th.join()
    assert _pool.pool_stats().idle_bytes >= n * 4 and _pool.pool_stats().live_bytes == 0


def test_pooled_tensors_pickle_and_refuse_to_grow():
    t = _pool.empty((_pool.POOL_MIN_BYTES // 4,), torch.float32)
    t[:5] = torch.arange(5.0)
    back = pickle.loads(pickle.dumps(t))
    torch.testing.assert_close(back[:5], torch.arange(5.0))
    with pytest.raises(RuntimeError, match="resiz"):
        t.resize_(t.numel() + 1)


def test_accelerators_are_never_pooled():
    assert _pool.pooled(1 << 30, "cpu")
    assert not _pool.pooled(1 << 30, "cuda")
    assert not _pool.pooled(1 << 30, torch.device("meta"))


@pytest.mark.parametrize("bad", [-1, 1.5, True, "256", None])
def test_set_pool_limit_rejects_bad_values(bad):
    with pytest.raises(ParameterError, match=r"`limit_bytes` of set_pool_limit must be an int"):
        _pool.set_pool_limit(bad)
    assert _pool.pool_limit() == _pool.DEFAULT_LIMIT_BYTES


@pytest.mark.parametrize(("raw", "expected"), [
    (None, _pool.DEFAULT_LIMIT_BYTES), ("", _pool.DEFAULT_LIMIT_BYTES),
    ("0", 0), ("64", 64 * MiB), ("0.5", MiB // 2),
])
def test_limit_from_the_environment(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("ACTLOSS_POOL_MB", raising=False)
    else:
        monkeypatch.setenv("ACTLOSS_POOL_MB", raw)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _pool._limit_from_env() == expected


@pytest.mark.parametrize("raw", ["lots", "-1", "inf", "nan"])
def test_bad_environment_limit_warns_and_keeps_the_default(monkeypatch, raw):
    monkeypatch.setenv("ACTLOSS_POOL_MB", raw)
    with pytest.warns(RuntimeWarning, match=r"ACTLOSS_POOL_MB must be a number of MiB >= 0"):
        assert _pool._limit_from_env() == _pool.DEFAULT_LIMIT_BYTES


def test_public_names():
    assert K.empty_cache is _pool.empty_cache and K.pool_stats is _pool.pool_stats
    assert K.set_pool_limit is _pool.set_pool_limit and K.pool_limit is _pool.pool_limit
    assert isinstance(K.pool_stats(), K.PoolStats)


# ------------------------------------------------- what the fast paths take from it
def test_fast_paths_reuse_their_outputs(monkeypatch):
    # the real threshold: 8M float32 elements are 32 MiB; the native silu's output and
    # gradient are PyTorch storages the pool reuses (it saves only x)
    if _native.library() is None:
        pytest.skip("native library not built")
    from actloss import activations as A

    n = _pool.POOL_MIN_BYTES // 4
    x = torch.linspace(-6.0, 6.0, n).requires_grad_()
    before = _pool.pool_stats()
    for _ in range(2):
        with K.enable():
            y = A.silu(x)
        assert not _is_pooled(y) and y._base is None  # PyTorch's storage: resizable
        y.backward(torch.ones_like(y))
        assert not _is_pooled(x.grad) and x.grad._base is None
        ref = torch.sigmoid(x.detach().double())
        ref = ref * (1 + x.detach().double() * (1 - ref))
        torch.testing.assert_close(x.grad.double(), ref, rtol=1e-5, atol=1e-6)
        del y
        x.grad = None
        gc.collect()
    s = _pool.pool_stats()
    # the first pass makes the output and the gradient; the second reuses both
    assert s.misses - before.misses == 2 and s.hits - before.hits == 2, s
    assert s.live_bytes == 0 and s.idle_bytes == 2 * n * 4


def test_concurrent_requests_and_returns(low_threshold):
    # several threads allocate, write and drop buffers of a few sizes while the limit
    # forces trimming; nothing raises, every buffer comes back, the limit holds
    limit = 12 * MiB
    _pool.set_pool_limit(limit)
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            for i in range(50):
                n = (MiB // 2) * (1 + (seed + i) % 5)  # 2-10 MiB of float32: five sizes
                t = _pool.empty((n,), torch.float32)
                t.fill_(float(seed))
                assert float(t[-1]) == pytest.approx(seed)
                del t
        except BaseException as exc:  # reported below, on the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    gc.collect()
    assert not errors
    s = _pool.pool_stats()
    assert s.live_bytes == 0 and 0 < s.idle_bytes <= limit


def test_mappings_without_posix_flags(monkeypatch):
    # where the mmap module has no MAP_PRIVATE / MAP_ANONYMOUS (Windows), the pool maps
    # anonymous memory with the default flags
    monkeypatch.delattr(_pool.mmap, "MAP_PRIVATE")
    buf = _pool._new_buffer(1 << 21)
    assert len(buf) == 1 << 21
    buf[:4] = b"abcd"
    assert bytes(buf[:4]) == b"abcd"


# ------------------------------------------------------------------- reused outputs
def _big(n: int = _pool.POOL_MIN_BYTES // 4) -> torch.Tensor:
    return torch.empty(n)


def test_small_outputs_are_plain_allocations():
    y = _pool.output_like(torch.empty(1000))
    assert y.shape == (1000,) and y._base is None
    assert _pool.pool_stats().misses == 0


def test_outputs_are_reused_only_when_nothing_refers_to_them():
    x = _big()
    y = _pool.output_like(x)
    assert y._base is None and y.untyped_storage().resizable()
    assert y.shape == x.shape and y.stride() == x.stride() and y.dtype == x.dtype
    first = y.data_ptr()
    y.fill_(1.0)
    other = _pool.output_like(x)  # y is alive: a new storage
    assert other.data_ptr() != first and float(y[-1]) == 1.0
    view = y[5:]
    del y
    assert _pool.output_like(x).data_ptr() != first  # a view still refers to it
    del view
    y = _pool.output_like(x)
    assert y.data_ptr() == first  # reused
    storage = y.untyped_storage()
    del y
    assert _pool.output_like(x).data_ptr() != first  # a Python reference to the storage
    del storage
    assert _pool.output_like(x).data_ptr() == first
    del other


def test_resized_or_shared_outputs_are_never_reused():
    x = _big()
    for change in (lambda t: t.resize_(x.numel() + 1), lambda t: t.share_memory_()):
        _pool.empty_cache()
        y = _pool.output_like(x)
        change(y)  # a new storage under the same PyTorch storage object
        y.fill_(3.0)
        hits = _pool.pool_stats().hits
        z = _pool.output_like(x)
        z.fill_(0.0)
        assert _pool.pool_stats().hits == hits and float(y[-1]) == 3.0
        del y
        gc.collect()
        w = _pool.output_like(x)  # never the changed storage: a new one
        assert _pool.pool_stats().hits == hits
        del z, w
        assert all(not e[0].is_shared() and e[0].nbytes() == e[2] for e in _pool._outputs)


def test_outputs_keep_a_channels_last_layout():
    x = torch.empty(4, 64, 256, 128).to(memory_format=torch.channels_last)  # 32 MiB
    y = _pool.output_like(x)
    assert y.is_contiguous(memory_format=torch.channels_last) and y.stride() == x.stride()


def test_output_bytes_respect_the_limit_and_empty_cache():
    x = _big()
    size = x.numel() * 4
    _pool.set_pool_limit(3 * size)
    held = [_pool.output_like(x) for _ in range(5)]  # more than the limit, all alive
    s = _pool.pool_stats()
    assert s.live_bytes + s.idle_bytes <= 3 * size
    _pool.empty_cache()  # drops idle storages only: the live ones are reused later
    assert _pool.pool_stats().live_bytes == s.live_bytes
    del held
    gc.collect()
    s = _pool.pool_stats()
    assert s.idle_bytes <= 3 * size and s.live_bytes == 0
    _pool.empty_cache()
    assert _pool.pool_stats().idle_bytes == 0


def test_bypass_and_a_zero_limit_give_plain_outputs():
    x = _big()
    with _pool.bypass():
        y = _pool.output_like(x)
    assert _pool.pool_stats().live_bytes == 0
    _pool.set_pool_limit(0)
    z = _pool.output_like(x)
    assert _pool.pool_stats().live_bytes == 0 and _pool.pool_stats().misses == 0
    del y, z
