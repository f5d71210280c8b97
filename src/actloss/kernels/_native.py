"""The native kernels: a small C library built on this machine, loaded with ctypes.

PyTorch's CPU kernels for the transcendental activations (tanh, ELU, softplus, mish,
tanh-GELU) and the losses PyTorch composes from several ops are compute-bound or take
several passes over memory. ``csrc/actloss_kernels.c`` does each in one vectorised pass
per direction, float32, on POSIX threads. It has no dependency on PyTorch's headers, so
it compiles in a few seconds with the system C compiler (``cc``, or ``$CC``), for this
machine's CPU (``-march=native``) or for the target named by ``$ACTLOSS_NATIVE_MARCH``
(``x86-64-v3``: AVX2 without AVX-512; see :func:`flags`).

Nothing here builds during a user's call. :func:`build` (``actloss kernels --build``,
run by ``make``) compiles; :func:`library` only loads a build that is already there,
and returns ``None`` otherwise (the eager fast paths then run).

The cache (``$ACTLOSS_CACHE_DIR``, default ``$XDG_CACHE_HOME/actloss`` or
``~/.cache/actloss``) keys each build by the source, the compiler and its version, the
flags and the CPU's feature flags, so a cache shared between machines never loads a
library built for another CPU. Loading is guarded:

* the directory is created ``0700`` and must be owned by the current user and not
  writable by group or others; otherwise a private directory under the system's
  temporary directory (``actloss-<uid>``, same rules) is used instead;
* the library file must be owned by the current user and not writable by group or
  others, and its SHA-256 must match the one recorded at build time in the directory's
  ``manifest.json`` (mode ``0600``, same owner); anything else is refused, never loaded;
* the verified bytes are copied to a uniquely named file and loaded from there (so a
  rebuild in the same process is never answered with the handle of an older library
  by ``dlopen``), and the library must export every ``actloss_*`` symbol at this
  module's :data:`VERSION`: a stale or foreign file is reported, never called.
"""

from __future__ import annotations

import ctypes
import hashlib
import itertools
import json
import os
import platform
import re
import shutil
import stat
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
from actloss.errors import ParameterError
from actloss.kernels import _pool

__all__ = [
    "ACT_KINDS",
    "FLAGS",
    "LOSS_KINDS",
    "MARCH_ENV",
    "VERSION",
    "NativeStatus",
    "act_backward",
    "act_backward_from_output",
    "act_forward",
    "act_mul",
    "build",
    "cache_dir",
    "ce_rows",
    "flags",
    "library",
    "loss",
    "march",
    "native",
    "native_enabled",
    "relu_backward",
    "relu_forward",
    "reset",
    "set_native_enabled",
    "status",
]

SOURCE = "actloss_kernels.c"
VERSION = 1  # must equal ACTLOSS_NATIVE_VERSION in the source
#: the compiler's flags for the default target; :func:`flags` gives the ones in use
FLAGS = ("-O3", "-march=native", "-mprefer-vector-width=256", "-fPIC", "-shared",
         "-pthread", "-fopenmp-simd", "-fno-math-errno", "-fno-trapping-math")
#: the environment variable naming the build's ``-march`` target (default ``native``)
MARCH_ENV = "ACTLOSS_NATIVE_MARCH"
_MARCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}\Z")
BUILD_TIMEOUT_S = 120.0
MANIFEST = "manifest.json"
SYMBOLS = ("actloss_version", "actloss_act_forward", "actloss_act_backward",
           "actloss_act_backward_from_output", "actloss_relu_forward",
           "actloss_relu_backward", "actloss_loss", "actloss_act_mul",
           "actloss_ce_rows")

#: kind numbers of the C enums (``csrc/actloss_kernels.c``)
ACT_KINDS = {"sigmoid": 0, "tanh": 1, "silu": 2, "gelu": 3, "gelu_tanh": 4, "mish": 5,
             "elu": 6, "softplus": 7, "relu": 8, "leaky_relu": 9}
LOSS_KINDS = {"bce_with_logits": 0, "binary_focal": 1, "huber": 2, "l1": 3, "log_cosh": 4}


@dataclass(frozen=True)
class NativeStatus:
    """Where the native library stands in this process.

    ``state`` is one of ``'ready'`` (loaded), ``'cached'`` (built and verified, loaded
    on first use), ``'not built'``, ``'failed'`` (``reason`` says why: no compiler, a
    failed build, a refused or stale file) or ``'disabled'`` (``ACTLOSS_NATIVE=0`` or
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


_lock = threading.RLock()
_lib: ctypes.CDLL | None = None
_lib_path: str | None = None
_tried = False  # a load was attempted in this process (and is not retried per call)
_state = "not built"
_reason = ""
_build_seconds: float | None = None
_loads = itertools.count()
_NATIVE = Switch("native", os.environ.get("ACTLOSS_NATIVE", "1").strip().lower()
                 not in ("0", "off", "false", "no"), "whether the native kernels may run")


def set_native_enabled(enabled: bool) -> None:
    """Let the native kernels run (the default) or keep every fast path eager.

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


def march() -> str:
    """The build's ``-march`` target: ``$ACTLOSS_NATIVE_MARCH``, default ``native``.

    ``native`` builds for this machine's CPU. Naming an older target builds code that
    runs on every CPU of that level: ``x86-64-v3`` is AVX2 and FMA without AVX-512 (the
    AVX2 machine of the portable test run, ``make test-portable``), ``x86-64-v2`` SSE4.2.
    The target is part of the cache key, so each one has its own cached build.

    Raises:
        ParameterError: the value is not a plain target name (letters, digits and
            ``_.+-``), so that it can never add another flag to the compiler's command.
    """
    raw = os.environ.get(MARCH_ENV, "")
    value = raw.strip() or "native"
    if not _MARCH.match(value):
        raise ParameterError(f"{MARCH_ENV} must name one -march target such as 'native' or "
                             f"'x86-64-v3' (letters, digits and _.+-); got {raw!r}")
    return value


def flags() -> tuple[str, ...]:
    """The compiler's flags for a build now: :data:`FLAGS` with :func:`march`'s target.

    Raises:
        ParameterError: ``$ACTLOSS_NATIVE_MARCH`` is not a target name (see :func:`march`).

    >>> flags()[:2] == ("-O3", "-march=" + march())
    True
    """
    target = f"-march={march()}"
    return tuple(target if f.startswith("-march=") else f for f in FLAGS)


def _compiler() -> str | None:
    cc = os.environ.get("CC") or "cc"
    return shutil.which(cc)


def cache_dir() -> Path:
    """The configured cache directory (see the module documentation)."""
    env = os.environ.get("ACTLOSS_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "actloss"


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else -1


def _private(path: Path, *, directory: bool) -> str:
    """Why ``path`` may not be trusted ('' when it may): owner and write bits."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    if directory and not stat.S_ISDIR(st.st_mode):
        return f"{path} is not a directory"
    if not directory and not stat.S_ISREG(st.st_mode):
        return f"{path} is not a regular file"
    uid = _uid()
    if uid >= 0 and st.st_uid != uid:
        return f"{path} is owned by uid {st.st_uid}, not by this user (uid {uid})"
    if st.st_mode & 0o022:
        return f"{path} is writable by group or others (mode {stat.S_IMODE(st.st_mode):o})"
    return ""


def _make_private_dir(path: Path) -> str:
    """Create ``path`` (0700) if missing; '' when it is private, else why not."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create {path}: {exc.strerror or exc}"
    return _private(path, directory=True)


def _fallback_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"actloss-{_uid()}"


def _usable_dir(create: bool) -> tuple[Path | None, str]:
    """The cache directory to use: the configured one if private, else the fallback."""
    why = ""
    for d in (cache_dir(), _fallback_dir()):
        if create:
            problem = _make_private_dir(d)
        elif not d.exists():
            continue
        else:
            problem = _private(d, directory=True)
        if not problem:
            return d, why
        why = why or problem
    return None, why


def _cpu_signature() -> str:
    """The CPU's feature flags (``-march=native`` code is only valid where they match;
    they are part of the key for every target, so a cache is never shared between CPUs)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    return line
    except OSError:
        pass
    return platform.machine() + platform.processor()


_cc_versions: dict[str, str] = {}


def _compiler_version(cc: str) -> str:
    if cc not in _cc_versions:
        try:
            proc = subprocess.run([cc, "--version"], capture_output=True, text=True,
                                  timeout=20, check=False)
            _cc_versions[cc] = proc.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            _cc_versions[cc] = ""
    return _cc_versions[cc]


def _source() -> bytes:
    return resources.files("actloss.kernels").joinpath("csrc", SOURCE).read_bytes()


def _key(cc: str, src: bytes) -> str:
    key = hashlib.sha256()
    for part in (src, cc.encode(), _compiler_version(cc).encode(), " ".join(flags()).encode(),
                 _cpu_signature().encode(), platform.platform().encode(),
                 str(VERSION).encode()):
        key.update(part)
        key.update(b"\0")
    return key.hexdigest()[:20]


def _name(cc: str, src: bytes) -> str:
    return f"actloss_kernels-v{VERSION}-{_key(cc, src)}.so"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(d: Path) -> tuple[dict[str, str], str]:
    path = d / MANIFEST
    if not path.exists():
        return {}, ""
    problem = _private(path, directory=False)
    if not problem and os.lstat(path).st_mode & 0o077:
        problem = f"{path} is readable by group or others"
    if problem:
        return {}, problem
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {}, f"{path} is unreadable ({exc})"
    if not isinstance(data, dict):
        return {}, f"{path} is not a manifest"
    return {str(k): str(v) for k, v in data.items()}, ""


def _write_manifest(d: Path, entries: dict[str, str]) -> None:
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".manifest-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(entries, f, indent=1, sort_keys=True)
        os.replace(tmp, d / MANIFEST)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _bind(path: Path) -> ctypes.CDLL:
    """Load ``path`` and check its symbols and version; ``OSError`` when it is not ours."""
    lib = ctypes.CDLL(str(path))
    missing = [s for s in SYMBOLS if not hasattr(lib, s)]
    if missing:
        raise OSError(f"{path} is not an actloss library of version {VERSION} "
                      f"(missing {', '.join(missing)})")
    lib.actloss_version.restype = ctypes.c_int
    found = lib.actloss_version()
    if found != VERSION:
        raise OSError(f"{path} is version {found}, expected {VERSION}")
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
    lib.actloss_act_mul.argtypes = [ptr, ptr, ptr, i64, ctypes.c_int]
    lib.actloss_act_mul.restype = None
    lib.actloss_relu_forward.argtypes = [ptr, ptr, ptr, i64, f32, ctypes.c_int]
    lib.actloss_relu_forward.restype = None
    lib.actloss_relu_backward.argtypes = [ptr, ptr, ptr, i64, f32, ctypes.c_int]
    lib.actloss_relu_backward.restype = None
    lib.actloss_loss.argtypes = [ctypes.c_int, ptr, ptr, ptr, ptr, ptr, i64, f32, f32, f32,
                                 ctypes.c_int]
    lib.actloss_loss.restype = ctypes.c_double
    lib.actloss_ce_rows.argtypes = [ptr, ptr, ptr, ptr, ptr, ptr, ptr, i64, i64, f32, f32,
                                    f32, ctypes.c_int]
    lib.actloss_ce_rows.restype = ctypes.c_int
    return lib


def _verified(d: Path, name: str) -> tuple[bytes | None, str]:
    """The bytes of ``d/name`` when they may be loaded, else ``(None, why)``."""
    path = d / name
    if not path.exists():
        return None, ""
    problem = _private(path, directory=False)
    if problem:
        return None, f"refused {problem}"
    entries, problem = _read_manifest(d)
    if problem:
        return None, f"refused {path}: {problem}"
    data = path.read_bytes()
    if entries.get(name) != _sha256(data):
        return None, f"refused {path}: its hash is not the one recorded at build time"
    return data, ""


def _load_verified(d: Path, name: str, data: bytes) -> ctypes.CDLL:
    """Load ``data`` from a fresh, uniquely named private copy (then removed)."""
    tag = f"{os.getpid()}-{next(_loads)}-{_sha256(data)[:8]}"
    fd, tmp = tempfile.mkstemp(dir=d, prefix=f".load-{tag}-", suffix=".so")
    try:
        os.fchmod(fd, 0o700)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return _bind(Path(tmp))
    finally:
        Path(tmp).unlink(missing_ok=True)


def _try_load() -> None:
    """Load a verified cached build if there is one; sets the module state. No build."""
    global _lib, _lib_path, _state, _reason
    cc = _compiler()
    try:
        src = _source()
    except OSError as exc:
        _state, _reason = "failed", f"the C source is missing from the package ({exc})"
        return
    d, why = _usable_dir(create=False)
    if d is None:
        _state, _reason = "not built", why
        return
    try:
        name = _name(cc or "cc", src)
    except ParameterError as exc:
        _state, _reason = "failed", str(exc)
        return
    data, why = _verified(d, name)
    if data is None:
        _state, _reason = ("failed", why) if why else ("not built", "")
        return
    try:
        _lib = _load_verified(d, name, data)
    except OSError as exc:
        _state, _reason = "failed", f"stale or foreign library: {exc}"
        return
    _lib_path, _state, _reason = str(d / name), "ready", ""


def library() -> ctypes.CDLL | None:
    """The loaded library, or ``None`` (the eager fast paths run) while there is none.

    Never compiles: the first call in a process loads a verified cached build, if any.
    """
    global _tried
    if not _NATIVE.on:
        return None
    if _lib is not None or _tried:
        return _lib
    with _lock:
        if not _tried:
            _try_load()
            _tried = True
    return _lib


def _compile(cc: str, src: bytes, target: Path, cflags: tuple[str, ...]) -> None:
    """Compile with ``cflags`` into a temporary directory next to ``target``, then rename."""
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as tmp:
        c_file = Path(tmp) / SOURCE
        c_file.write_bytes(src)
        out = Path(tmp) / target.name
        proc = subprocess.run([cc, *cflags, "-o", str(out), str(c_file), "-lm"],
                              capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
                              check=False)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            raise OSError(f"{Path(cc).name} exited with {proc.returncode}: " + " | ".join(tail))
        os.chmod(out, 0o700)
        os.replace(out, target)


def build(*, force: bool = False) -> NativeStatus:
    """Build (or load) the library now and return :func:`status`.

    The only entry point that compiles (``actloss kernels --build`` and ``make`` call
    it). ``force`` rebuilds even when a verified build exists; a refused, stale or
    foreign file under the library's name is replaced. A failure is reported in the
    status, not raised: every fast path keeps working eagerly.
    """
    global _lib, _lib_path, _state, _reason, _build_seconds, _tried
    with _lock:
        _tried = True
        cc = _compiler()
        try:
            src = _source()
        except OSError as exc:
            _state, _reason = "failed", f"the C source is missing from the package ({exc})"
            return status()
        try:
            cflags = flags()
        except ParameterError as exc:
            _lib, _lib_path = None, None
            _state, _reason = "failed", str(exc)
            return status()
        if not force and _lib is not None and _lib_path is not None \
                and Path(_lib_path).name == _name(cc or "cc", src):
            return status()
        d, why = _usable_dir(create=True)
        if d is None:
            _state, _reason = "failed", f"no private cache directory: {why}"
            return status()
        name = _name(cc or "cc", src)
        if not force:
            data, _ = _verified(d, name)
            if data is not None:
                try:
                    _lib = _load_verified(d, name, data)
                    _lib_path, _state, _reason = str(d / name), "ready", ""
                    return status()
                except OSError:
                    pass  # stale: build it again below
        if cc is None:
            _state = "failed"
            _reason = f"no C compiler found (looked for {os.environ.get('CC') or 'cc'})"
            return status()
        target = d / name
        try:
            t0 = time.perf_counter()
            target.unlink(missing_ok=True)  # a refused or stale file is not ours to keep
            _compile(cc, src, target, cflags)
            _build_seconds = time.perf_counter() - t0
            data = target.read_bytes()
            entries, _ = _read_manifest(d)
            entries[name] = _sha256(data)
            _write_manifest(d, entries)
            _lib = _load_verified(d, name, data)
            _lib_path, _state, _reason = str(target), "ready", ""
        except (OSError, subprocess.SubprocessError) as exc:
            _lib, _lib_path = None, None
            _state, _reason = "failed", str(exc)
        return status()


def reset() -> None:
    """Forget the loaded library in this process (the next call loads again); tests."""
    global _lib, _lib_path, _tried, _state, _reason, _build_seconds
    with _lock:
        _lib, _lib_path, _tried = None, None, False
        _state, _reason, _build_seconds = "not built", "", None


def status() -> NativeStatus:
    """The library's state in this process (see :class:`NativeStatus`)."""
    cc = _compiler()
    path, state, reason = _lib_path, _state, _reason
    if _lib is None and state == "not built":
        try:
            name = _name(cc or "cc", _source())
            d, _ = _usable_dir(create=False)
            if d is not None:
                data, why = _verified(d, name)
                if data is not None:
                    state, path = "cached", str(d / name)
                elif why:
                    state, reason = "failed", why
        except ParameterError as exc:
            state, reason = "failed", str(exc)
        except OSError:
            pass
    if not _NATIVE.on:
        state, reason = "disabled", "turned off (ACTLOSS_NATIVE=0 or set_native_enabled)"
    return NativeStatus(state, path, cc, reason, _build_seconds)


# ---------------------------------------------------------------------------- calls
def _ptr(t: torch.Tensor | None) -> int | None:
    return None if t is None else t.data_ptr()


def dense(x: torch.Tensor) -> torch.Tensor:
    """``x`` if its elements are one dense block in some memory order (contiguous or
    channels-last), else a contiguous copy: the kernels walk memory linearly, and every
    output they write gets the same strides, so the input's memory format is kept."""
    if x.is_contiguous():
        return x
    if x.dim() == 4 and x.is_contiguous(memory_format=torch.channels_last):
        return x
    if x.dim() == 5 and x.is_contiguous(memory_format=torch.channels_last_3d):
        return x
    return x.contiguous()


def like(g: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``g`` with ``x``'s strides (``x`` dense): a copy only when they differ."""
    if g.stride() == x.stride():
        return g
    return torch.empty_strided(x.shape, x.stride(), dtype=g.dtype, device=g.device).copy_(g)


def _saved_like(x: torch.Tensor, dtype: torch.dtype | None = None) -> torch.Tensor:
    """An uninitialised buffer with ``x``'s shape and strides, from the pool: only for
    tensors the fast paths keep for their own backward, never handed to the caller."""
    flat = _pool.empty((x.numel(),), dtype or x.dtype, x.device)
    return flat.as_strided(x.shape, x.stride())


def act_forward(kind: str, x: torch.Tensor, p1: float = 0.0, p2: float = 0.0, *,
                with_derivative: bool = False) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``(f(x), f'(x) or None)`` for a float32 CPU tensor ``x`` from :func:`dense`.

    ``f(x)`` is a PyTorch storage with ``x``'s strides (:func:`_pool.output_like`);
    ``f'(x)`` comes from the pool.
    """
    lib = library()
    assert lib is not None
    y = _pool.output_like(x)
    d = _saved_like(x) if with_derivative else None
    lib.actloss_act_forward(ACT_KINDS[kind], x.data_ptr(), y.data_ptr(), _ptr(d), x.numel(),
                            p1, p2, torch.get_num_threads())
    return y, d


def act_backward(kind: str, x: torch.Tensor, g: torch.Tensor, p1: float = 0.0,
                 p2: float = 0.0) -> torch.Tensor:
    """``g f'(x)``, recomputing ``f'(x)`` from the (dense) input ``x``."""
    lib = library()
    assert lib is not None
    gc = like(g, x)
    dx = _pool.output_like(x)
    lib.actloss_act_backward(ACT_KINDS[kind], x.data_ptr(), gc.data_ptr(), dx.data_ptr(),
                             x.numel(), p1, p2, torch.get_num_threads())
    return dx


def act_backward_from_output(kind: str, y: torch.Tensor, g: torch.Tensor,
                             p1: float = 0.0) -> torch.Tensor:
    """``g f'(x)`` from the saved (dense) output ``y`` (sigmoid, tanh and elu)."""
    lib = library()
    assert lib is not None
    gc = like(g, y)
    dx = _pool.output_like(y)
    rc = lib.actloss_act_backward_from_output(ACT_KINDS[kind], y.data_ptr(), gc.data_ptr(),
                                              dx.data_ptr(), y.numel(), p1,
                                              torch.get_num_threads())
    if rc != 0:
        raise ValueError(f"{kind} has no backward from its output")
    return dx


def act_mul(d: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """``g d`` for a saved (dense) derivative ``d``, in ``d``'s strides."""
    lib = library()
    assert lib is not None
    gc = like(g, d)
    dx = _pool.output_like(d)
    lib.actloss_act_mul(d.data_ptr(), gc.data_ptr(), dx.data_ptr(), d.numel(),
                        torch.get_num_threads())
    return dx


def relu_forward(x: torch.Tensor, slope: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """``(max(x, 0) + slope min(x, 0), mask)`` for a dense ``x``: ``mask`` holds one bit
    per element in memory order (bit ``i % 8`` of byte ``i // 8``: ``1[x > 0]``, for
    ReLU ``1[not x <= 0]``), ``(numel + 7) // 8`` bytes of ``torch.uint8``."""
    lib = library()
    assert lib is not None
    y = _pool.output_like(x)
    mask = _pool.empty(((x.numel() + 7) // 8,), torch.uint8, x.device)
    lib.actloss_relu_forward(x.data_ptr(), y.data_ptr(), mask.data_ptr(), x.numel(), slope,
                             torch.get_num_threads())
    return y, mask


def relu_backward(mask: torch.Tensor, g: torch.Tensor, slope: float,
                  stride: tuple[int, ...] | None = None) -> torch.Tensor:
    """``g`` where the bit of ``mask`` (from :func:`relu_forward` of a dense ``x``) is
    set, ``slope g`` elsewhere (0 for ReLU), in ``x``'s strides ``stride`` (default
    contiguous)."""
    lib = library()
    assert lib is not None
    stride = tuple(stride) if stride is not None else torch.empty(g.shape, device="meta").stride()
    gc = g if g.stride() == stride else torch.empty_strided(
        g.shape, stride, dtype=g.dtype, device=g.device).copy_(g)
    dx = _pool.output_like(gc)
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
    from actloss.kernels._pool import output_like

    lib = library()
    assert lib is not None
    grad = output_like(x)  # large: a recycled storage (no page faults), else fresh
    per = torch.empty_like(x) if per_element else None
    total = lib.actloss_loss(LOSS_KINDS[kind], x.data_ptr(), t.data_ptr(), _ptr(w), _ptr(per),
                             grad.data_ptr(), x.numel(), scale, p1, p2,
                             torch.get_num_threads())
    return (per if per is not None else total), grad


def ce_rows(x: torch.Tensor, t: torch.Tensor, wt: torch.Tensor, v: torch.Tensor,
            w: torch.Tensor | None, eps: float, w_sum: float, scale: float, *,
            with_grad: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Softmax cross-entropy of contiguous float32 CPU logits ``x`` ``(N, C)``, by rows.

    ``t`` (int64) holds each row's class (in range also for ignored rows), ``wt`` the
    class weight of that target (0 for an ignored row) and ``v`` 1 for a kept row, 0 for
    an ignored one (float32, ``(N,)``); ``w`` the class weights ``(C,)`` or ``None``.
    Returns the loss per row and, with ``with_grad``, ``scale`` times its gradient: a
    PyTorch storage (recycled by the pool from its size on, see
    :func:`actloss.kernels._pool.output_like`), written once with streaming stores.
    """
    from actloss.kernels._pool import output_like

    lib = library()
    assert lib is not None
    n, c = x.shape
    per = torch.empty(n, dtype=x.dtype, device=x.device)
    grad = output_like(x) if with_grad else None
    lib.actloss_ce_rows(x.data_ptr(), t.data_ptr(), wt.data_ptr(), v.data_ptr(), _ptr(w),
                        per.data_ptr(), _ptr(grad), n, c, eps, w_sum, scale,
                        torch.get_num_threads())
    return per, grad
