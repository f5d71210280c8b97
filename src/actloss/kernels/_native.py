"""The native kernels: a small C library built on this machine, loaded with ctypes.

PyTorch's CPU kernels for the transcendental activations (tanh, GELU, ELU, softplus,
mish...) and the losses PyTorch composes from several ops are compute-bound or take
several passes over memory; eager PyTorch operations, even block by block, cannot fuse
them into one pass (measured: ``docs/benchmarks.md``). ``csrc/actloss_kernels.c`` does
each in one vectorised pass per direction, float32, on POSIX threads. It has no
dependency on PyTorch's headers, so it compiles in a few seconds with the system C
compiler (``cc``, or ``$CC``).

The library is built on first need and cached: ``$ACTLOSS_CACHE_DIR`` (default
``$XDG_CACHE_HOME/actloss`` or ``~/.cache/actloss``), one file per source, compiler
flags and CPU. Importing actloss never compiles anything, and neither does the first
call: a call that would use the library while it is not built yet starts the build in a
background thread and runs the eager path; once built, later calls use it. :func:`build`
builds in the foreground (``actloss kernels --build`` does, and ``make`` runs it). No
compiler, a failed build or ``ACTLOSS_NATIVE=0`` leave every kernel on its eager path;
:func:`status` says which and why.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import torch

from actloss._switch import Switch
from actloss.kernels import _pool

__all__ = [
    "ACT_KINDS",
    "FLAGS",
    "LOSS_KINDS",
    "NativeStatus",
    "act_backward",
    "act_backward_from_output",
    "act_forward",
    "build",
    "cache_dir",
    "library",
    "loss",
    "native",
    "native_enabled",
    "relu_backward",
    "relu_forward",
    "set_native_enabled",
    "status",
]

SOURCE = "actloss_kernels.c"
VERSION = 1  # must equal ACTLOSS_NATIVE_VERSION in the source
FLAGS = ("-O3", "-march=native", "-mprefer-vector-width=256", "-fPIC", "-shared",
         "-pthread", "-fopenmp-simd", "-fno-math-errno", "-fno-trapping-math")
BUILD_TIMEOUT_S = 120.0

#: kind numbers of the C enums (``csrc/actloss_kernels.c``)
ACT_KINDS = {"sigmoid": 0, "tanh": 1, "silu": 2, "gelu": 3, "gelu_tanh": 4, "mish": 5,
             "elu": 6, "softplus": 7, "relu": 8, "leaky_relu": 9}
LOSS_KINDS = {"bce_with_logits": 0, "binary_focal": 1, "huber": 2, "l1": 3, "log_cosh": 4}



@dataclass(frozen=True)
class NativeStatus:
    """Where the native library stands in this process.

    ``state`` is one of ``'ready'`` (loaded), ``'cached'`` (built, loaded on first
    use), ``'not built'``, ``'building'``,
    ``'failed'`` (``reason`` says why) or ``'disabled'`` (``ACTLOSS_NATIVE=0`` or
    :func:`set_native_enabled`).
    """

    state: str
    path: str | None
    compiler: str | None
    reason: str
    build_seconds: float | None

    @property
    def available(self) -> bool:
        return self.state == "ready"


_lock = threading.Lock()
_lib: ctypes.CDLL | None = None
_state = "not built"
_reason = ""
_build_seconds: float | None = None
_thread: threading.Thread | None = None
_NATIVE = Switch("native", os.environ.get("ACTLOSS_NATIVE", "1").strip().lower()
                 not in ("0", "off", "false", "no"), "whether the native kernels may run")


def set_native_enabled(enabled: bool) -> None:
    """Let the native kernels run (the default) or keep every kernel on its eager path.

    >>> set_native_enabled(False); native_enabled()
    False
    >>> set_native_enabled(True); native_enabled()
    True
    """
    _NATIVE.set(enabled)


def native_enabled() -> bool:
    """Whether the native kernels may run (see :func:`set_native_enabled`)."""
    return _NATIVE.on


def native(enabled: bool) -> AbstractContextManager[None]:
    """Context manager: native kernels on or off inside the block (process-wide)."""
    return _NATIVE.scoped(enabled)


def _compiler() -> str | None:
    cc = os.environ.get("CC") or "cc"
    return shutil.which(cc)


def cache_dir() -> Path:
    """Where built libraries are kept (created on demand)."""
    env = os.environ.get("ACTLOSS_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "actloss"


def _cpu_signature() -> str:
    """The CPU's feature flags (``-march=native`` code is only valid where they match)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    return line
    except OSError:
        pass
    return platform.machine() + platform.processor()


def _source() -> bytes:
    return resources.files("actloss.kernels").joinpath("csrc", SOURCE).read_bytes()


def _target(cc: str, src: bytes) -> Path:
    key = hashlib.sha256()
    for part in (src, cc.encode(), " ".join(FLAGS).encode(), _cpu_signature().encode(),
                 platform.platform().encode()):
        key.update(part)
        key.update(b"\0")
    return cache_dir() / f"actloss_kernels-{key.hexdigest()[:16]}.so"


def _bind(path: Path) -> ctypes.CDLL:
    lib = ctypes.CDLL(str(path))
    if lib.actloss_version() != VERSION:
        raise OSError(f"{path} is version {lib.actloss_version()}, expected {VERSION}")
    i64, f32, ptr = ctypes.c_int64, ctypes.c_float, ctypes.c_void_p
    lib.actloss_act_forward.argtypes = [ctypes.c_int, ptr, ptr, ptr, i64, f32, f32,
                                        ctypes.c_int]
    lib.actloss_act_forward.restype = ctypes.c_int
    lib.actloss_act_backward.argtypes = [ctypes.c_int, ptr, ptr, ptr, i64, f32, f32,
                                         ctypes.c_int]
    lib.actloss_act_backward.restype = ctypes.c_int
    lib.actloss_act_backward_from_output.argtypes = [ctypes.c_int, ptr, ptr, ptr, i64, f32,
                                                     ctypes.c_int]
    lib.actloss_act_backward_from_output.restype = ctypes.c_int
    lib.actloss_relu_forward.argtypes = [ptr, ptr, ptr, i64, f32, ctypes.c_int]
    lib.actloss_relu_forward.restype = None
    lib.actloss_relu_backward.argtypes = [ptr, ptr, ptr, i64, f32, ctypes.c_int]
    lib.actloss_relu_backward.restype = None
    lib.actloss_loss.argtypes = [ctypes.c_int, ptr, ptr, ptr, ptr, ptr, i64, f32, f32, f32,
                                 ctypes.c_int]
    lib.actloss_loss.restype = ctypes.c_double
    return lib


def _compile(cc: str, src: bytes, target: Path) -> None:
    """Compile into a temporary file next to ``target``, then rename: whole or nothing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as tmp:
        c_file = Path(tmp) / SOURCE
        c_file.write_bytes(src)
        out = Path(tmp) / target.name
        proc = subprocess.run([cc, *FLAGS, "-o", str(out), str(c_file), "-lm"],
                              capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
                              check=False)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            raise OSError(f"{Path(cc).name} exited with {proc.returncode}: " + " | ".join(tail))
        os.replace(out, target)


def _load_or_build(allow_build: bool) -> None:
    """Load the cached library, or (``allow_build``) compile it; sets the module state."""
    global _lib, _state, _reason, _build_seconds
    cc = _compiler()
    try:
        src = _source()
    except OSError as exc:
        _state, _reason = "failed", f"the C source is missing from the package ({exc})"
        return
    target = _target(cc or "cc", src)
    try:
        if target.exists():
            try:
                _lib = _bind(target)
                _state, _reason = "ready", ""
                return
            except OSError:  # truncated or foreign file under our name
                if not allow_build or cc is None:
                    raise
                target.unlink(missing_ok=True)  # and build it again below
        if cc is None:
            _state = "failed"
            _reason = f"no C compiler found (looked for {os.environ.get('CC') or 'cc'})"
            return
        if not allow_build:
            return
        t0 = time.perf_counter()
        _compile(cc, src, target)
        _build_seconds = time.perf_counter() - t0
        _lib = _bind(target)
        _state, _reason = "ready", ""
    except (OSError, subprocess.SubprocessError) as exc:
        _state, _reason = "failed", str(exc)


def _after_fork_in_child() -> None:
    """A forked child (a DataLoader worker) starts with a free lock and no build thread."""
    global _lock, _thread, _state
    _lock = threading.Lock()
    _thread = None
    if _state == "building":
        _state = "not built"


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _background() -> None:
    global _state
    with _lock:
        _load_or_build(allow_build=True)
        if _state == "building":  # pragma: no cover - _load_or_build always decides
            _state = "failed"


def library() -> ctypes.CDLL | None:
    """The loaded library, or ``None`` (eager path) while it is unavailable.

    Never blocks on a compile: the first call loads a cached build or starts the build
    in a background thread and returns ``None``.
    """
    global _state, _thread
    if not _NATIVE.on:
        return None
    if _lib is not None:
        return _lib
    if _state != "not built" or not _lock.acquire(blocking=False):
        return None
    try:
        if _state == "not built":
            _load_or_build(allow_build=False)
            if _lib is None and _state == "not built":
                _state = "building"
                _thread = threading.Thread(target=_background, name="actloss-native-build",
                                           daemon=True)
                _thread.start()
    finally:
        _lock.release()
    return _lib


def build(*, force: bool = False) -> NativeStatus:
    """Build (or load) the library now, in the foreground, and return :func:`status`.

    ``force`` rebuilds even when a cached build exists. A failure is reported in the
    status, not raised: every kernel keeps working on its eager path.
    """
    global _lib, _state, _build_seconds
    if _thread is not None:
        _thread.join()
    with _lock:
        if force:
            cc = _compiler()
            if cc is not None:
                try:
                    _target(cc, _source()).unlink(missing_ok=True)
                except OSError:
                    pass
            _lib, _state, _build_seconds = None, "not built", None
        if _lib is None:
            _load_or_build(allow_build=True)
    return status()


def status() -> NativeStatus:
    """The library's state in this process (see :class:`NativeStatus`)."""
    cc = _compiler()
    path = None
    state = _state
    if _lib is not None:
        path = _lib._name
    elif _state == "not built":
        try:
            target = _target(cc or "cc", _source())
        except OSError:
            target = None
        if target is not None and target.exists():
            state, path = "cached", str(target)
    state = state if _NATIVE.on else "disabled"
    reason = _reason if _NATIVE.on else "turned off (ACTLOSS_NATIVE=0 or set_native_enabled)"
    return NativeStatus(state, path, cc, reason, _build_seconds)


# ---------------------------------------------------------------------------- calls
def _ptr(t: torch.Tensor | None) -> int | None:
    return None if t is None else t.data_ptr()


def act_forward(kind: str, x: torch.Tensor, p1: float = 0.0, p2: float = 0.0, *,
                with_derivative: bool = False) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``(f(x), f'(x) or None)`` for a float32 CPU tensor, new contiguous tensors."""
    lib = library()
    assert lib is not None
    xc = x.contiguous()
    y = _pool.empty_like(xc)
    d = _pool.empty_like(xc) if with_derivative else None
    lib.actloss_act_forward(ACT_KINDS[kind], xc.data_ptr(), y.data_ptr(), _ptr(d), xc.numel(),
                            p1, p2, torch.get_num_threads())
    return y, d


def act_backward(kind: str, x: torch.Tensor, g: torch.Tensor, p1: float = 0.0,
                 p2: float = 0.0) -> torch.Tensor:
    """``g f'(x)``, recomputing ``f'(x)`` from the input ``x``."""
    lib = library()
    assert lib is not None
    xc, gc = x.contiguous(), g.contiguous()
    dx = _pool.empty_like(xc)
    lib.actloss_act_backward(ACT_KINDS[kind], xc.data_ptr(), gc.data_ptr(), dx.data_ptr(),
                             xc.numel(), p1, p2, torch.get_num_threads())
    return dx


def act_backward_from_output(kind: str, y: torch.Tensor, g: torch.Tensor,
                             p1: float = 0.0) -> torch.Tensor:
    """``g f'(x)`` from the saved output ``y`` (sigmoid, tanh and elu)."""
    lib = library()
    assert lib is not None
    yc, gc = y.contiguous(), g.contiguous()
    dx = _pool.empty_like(yc)
    rc = lib.actloss_act_backward_from_output(ACT_KINDS[kind], yc.data_ptr(), gc.data_ptr(),
                                              dx.data_ptr(), yc.numel(), p1,
                                              torch.get_num_threads())
    if rc != 0:
        raise ValueError(f"{kind} has no backward from its output")
    return dx


def relu_forward(x: torch.Tensor, slope: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """``(max(x, 0) + slope min(x, 0), mask)`` with ``mask = 1[x > 0]`` as ``torch.bool``."""
    lib = library()
    assert lib is not None
    xc = x.contiguous()
    y = _pool.empty_like(xc)
    mask = _pool.empty(xc.shape, torch.bool, xc.device)
    lib.actloss_relu_forward(xc.data_ptr(), y.data_ptr(), mask.data_ptr(), xc.numel(), slope,
                             torch.get_num_threads())
    return y, mask


def relu_backward(mask: torch.Tensor, g: torch.Tensor, slope: float = 0.0) -> torch.Tensor:
    """``g`` where ``mask`` is set, ``slope g`` elsewhere."""
    lib = library()
    assert lib is not None
    gc = g.contiguous()
    dx = _pool.empty_like(gc)
    lib.actloss_relu_backward(mask.data_ptr(), gc.data_ptr(), dx.data_ptr(), gc.numel(), slope,
                              torch.get_num_threads())
    return dx


def loss(kind: str, x: torch.Tensor, t: torch.Tensor, w: torch.Tensor | None,
         per_element: bool, scale: float, p1: float = float("nan"), p2: float = 0.0
         ) -> tuple[torch.Tensor | float, torch.Tensor]:
    """Loss and gradient in one pass over contiguous float32 CPU tensors of one shape.

    Returns ``(w * l per element, grad)`` with ``per_element``, else
    ``(sum of w * l, grad)``; ``grad`` is ``w * scale * dl/dx``.
    """
    lib = library()
    assert lib is not None
    grad = _pool.empty_like(x)
    per = _pool.empty_like(x) if per_element else None
    total = lib.actloss_loss(LOSS_KINDS[kind], x.data_ptr(), t.data_ptr(), _ptr(w), _ptr(per),
                             grad.data_ptr(), x.numel(), scale, p1, p2,
                             torch.get_num_threads())
    return (per if per is not None else total), grad
