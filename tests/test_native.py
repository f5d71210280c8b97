"""The native library (``actloss.kernels._native``): its cache, its guards, its numerics.

The loader is tested with planted files: a library it did not build, one writable by
others or owned by another user, a valid shared object without our symbols, an older
version; none of them may be loaded or crash a call. Every expected number comes from
an independent source: a float64 formula written here, mpmath, the mathematical limits
at infinity, or PyTorch's own float32 rule for the from-output backward. The float32
kernels are held to about 1e-6 relative (a few float32 ulps).
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

import mpmath
import pytest
import torch
import torch.nn.functional as F

import actloss.kernels._native as N
from actloss import activations as A
from actloss import kernels as K
from actloss.errors import ParameterError

EPS32 = 2.0**-24  # half an ulp of 1 in float32: the unit of a correctly rounded result
ROOT = Path(__file__).resolve().parents[1]
CC = N._compiler()
needs_cc = pytest.mark.skipif(CC is None, reason="no C compiler on PATH")
# the numerics need the library itself (conftest builds it where a compiler exists)
needs_lib = pytest.mark.skipif(N.library() is None, reason="native library not available")


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty private cache, a fallback directory under tmp_path, nothing loaded."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ACTLOSS_CACHE_DIR", str(cache))
    monkeypatch.setattr(N, "_fallback_dir", lambda: tmp_path / "fallback")
    for name, value in (("_lib", None), ("_lib_path", None), ("_tried", False),
                        ("_state", "not built"), ("_reason", ""), ("_build_seconds", None)):
        monkeypatch.setattr(N, name, value)
    monkeypatch.setattr(N._NATIVE, "on", True)
    monkeypatch.setattr(K, "_warned", False)
    return cache


def _shared_object(tmp_path: Path, body: str, name: str = "planted") -> bytes:
    """Compile ``body`` into a shared object and return its bytes."""
    c = tmp_path / f"{name}.c"
    c.write_text(body)
    out = tmp_path / f"{name}.so"
    subprocess.run([CC, "-shared", "-fPIC", "-o", str(out), str(c)], check=True,
                   capture_output=True, timeout=60)
    return out.read_bytes()


def _record(cache: Path, name: str, data: bytes) -> Path:
    """Plant ``data`` under ``name`` and record its hash as a build would."""
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = cache / name
    target.write_bytes(data)
    os.chmod(target, 0o700)
    entries = {}
    if (cache / N.MANIFEST).exists():
        entries = json.loads((cache / N.MANIFEST).read_text())
    entries[name] = N._sha256(data)
    (cache / N.MANIFEST).write_text(json.dumps(entries))
    os.chmod(cache / N.MANIFEST, 0o600)
    return target


def _target_name() -> str:
    return N._name(CC or "cc", N._source())


# ------------------------------------------------------------------ 1. build and cache
@needs_cc
def test_build_is_private_recorded_and_loaded(fresh: Path) -> None:
    st = N.build()
    assert st.state == "ready" and st.available and st.path == str(fresh / _target_name())
    assert st.build_seconds is not None and st.build_seconds > 0
    assert fresh.stat().st_mode & 0o777 == 0o700
    manifest = fresh / N.MANIFEST
    assert manifest.stat().st_mode & 0o777 == 0o600
    recorded = json.loads(manifest.read_text())
    assert recorded == {_target_name(): N._sha256((fresh / _target_name()).read_bytes())}
    assert sorted(p.name for p in fresh.iterdir()) == sorted([N.MANIFEST, _target_name()])
    # the library was loaded from a uniquely named copy, since removed
    assert N._lib is not None and ".load-" in N._lib._name and not Path(N._lib._name).exists()


@needs_cc
def test_a_call_never_builds(fresh: Path) -> None:
    assert N.library() is None
    assert N.status().state == "not built"
    assert not fresh.exists() or not any(fresh.iterdir())
    with pytest.warns(RuntimeWarning, match="native library is not built"):
        with K.enable():
            A.silu(torch.randn(1 << 17))
    assert N.library() is None and (not fresh.exists() or not any(fresh.iterdir()))


def test_the_cache_key_covers_source_compiler_flags_and_cpu(monkeypatch) -> None:
    src = N._source()
    base = N._name("/usr/bin/cc", src)
    assert N._name("/usr/bin/cc", src + b" ") != base
    assert N._name("/usr/bin/clang", src) != base
    with monkeypatch.context() as m:
        m.setattr(N, "FLAGS", (*N.FLAGS, "-O2"))
        assert N._name("/usr/bin/cc", src) != base
    with monkeypatch.context() as m:
        m.setattr(N, "_cpu_signature", lambda: "flags: fpu sse2")
        assert N._name("/usr/bin/cc", src) != base
    with monkeypatch.context() as m:
        m.setattr(N, "_compiler_version", lambda cc: "cc (a later release) 99.1")
        assert N._name("/usr/bin/cc", src) != base
    assert N._name("/usr/bin/cc", src) == base


@pytest.mark.filterwarnings("ignore:the native library is not built")
def test_the_march_setting_changes_the_flags_and_the_cache_key(fresh: Path,
                                                               monkeypatch) -> None:
    src = N._source()
    monkeypatch.delenv(N.MARCH_ENV, raising=False)
    assert N.march() == "native" and N.flags() == N.FLAGS
    base = N._name("/usr/bin/cc", src)
    monkeypatch.setenv(N.MARCH_ENV, " x86-64-v3 ")
    assert N.march() == "x86-64-v3"
    assert "-march=x86-64-v3" in N.flags() and "-march=native" not in N.flags()
    assert len(N.flags()) == len(N.FLAGS)
    assert N._name("/usr/bin/cc", src) != base
    monkeypatch.setenv(N.MARCH_ENV, "")
    assert N.march() == "native" and N._name("/usr/bin/cc", src) == base
    # one target name, never a second flag smuggled into the compiler's command
    for bad in ("native -O0", "-O0", "x86-64-v3;rm", "a" * 65):
        monkeypatch.setenv(N.MARCH_ENV, bad)
        with pytest.raises(ParameterError, match="ACTLOSS_NATIVE_MARCH must name one -march "
                                                 "target such as 'native' or 'x86-64-v3'"):
            N.flags()
    # a bad value is reported by the build and the status, and never stops a call
    st = N.build()
    assert st.state == "failed" and "ACTLOSS_NATIVE_MARCH must name" in st.reason
    N.reset()
    assert N.library() is None and N.status().state == "failed"
    x = torch.randn(1 << 17)
    with K.enable():
        torch.testing.assert_close(A.silu(x), F.silu(x), rtol=1e-6, atol=1e-6)


# AVX-512 code: a zmm register, an opmask ({%k1}..{%k7}) or one of the upper 16 vector
# registers, which only the EVEX encoding reaches
AVX512 = re.compile(r"%zmm\d|\{%k[1-7]\}|%[xy]mm(1[6-9]|2\d|3[01])\b")


@needs_cc
@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 only")
@pytest.mark.skipif(shutil.which("objdump") is None, reason="objdump not installed")
def test_an_x86_64_v3_build_is_avx2_code_only(fresh: Path, monkeypatch) -> None:
    # the AVX2 machine of the portable run (`make test-portable`): AVX2 and FMA, no AVX-512
    monkeypatch.setenv(N.MARCH_ENV, "x86-64-v3")
    st = N.build()
    assert st.state == "ready", st.reason
    assert st.path is not None and Path(st.path).name == _target_name()
    asm = subprocess.run(["objdump", "-d", "--no-show-raw-insn", st.path], capture_output=True,
                         text=True, check=True, timeout=120).stdout
    assert "vfmadd" in asm and "%ymm" in asm  # AVX2 with FMA was used
    hits = sorted({m.group(0) for m in AVX512.finditer(asm)})
    assert hits == []
    # and the library computes what it should
    x = torch.linspace(-10.0, 10.0, 1001)
    y, _ = N.act_forward("silu", x)
    torch.testing.assert_close(y.double(), x.double() * torch.sigmoid(x.double()),
                               rtol=4e-6, atol=1e-6)


# ------------------------------------------------------------------ 2. the guards
@needs_cc
@pytest.mark.parametrize("how", ["unrecorded", "group-writable", "other-owner"])
def test_a_planted_library_is_refused_and_never_run(fresh: Path, tmp_path: Path,
                                                    how: str) -> None:
    # a shared object whose constructor would leave a mark if it were ever loaded
    mark = tmp_path / "loaded-mark"
    body = ("#include <stdio.h>\n__attribute__((constructor)) static void run(void) {"
            f" FILE *f = fopen(\"{mark}\", \"w\"); if (f) fclose(f); }}\n"
            "int actloss_version(void) { return 1; }\n")
    data = _shared_object(tmp_path, body)
    fresh.mkdir(mode=0o700)
    target = fresh / _target_name()
    if how == "unrecorded":
        target.write_bytes(data)
        os.chmod(target, 0o700)
    else:
        target = _record(fresh, _target_name(), data)
        if how == "group-writable":
            os.chmod(target, 0o666)
        else:
            if os.getuid() != 0:
                pytest.skip("changing a file's owner needs root")
            os.chown(target, 65534, 65534)
    assert N.library() is None
    st = N.status()
    assert st.state == "failed" and "refused" in st.reason
    assert not mark.exists()
    # a call with the fast paths on runs without it, and a build replaces it
    x = torch.randn(1 << 17)
    with pytest.warns(RuntimeWarning, match="native library is not built"):
        with K.enable():
            y = A.silu(x)
    torch.testing.assert_close(y, F.silu(x), rtol=0, atol=0)
    st = N.build()
    assert st.state == "ready" and not mark.exists()


@needs_cc
def test_a_shared_cache_directory_is_not_trusted(fresh: Path, tmp_path: Path) -> None:
    fresh.mkdir()
    os.chmod(fresh, 0o777)  # writable by everyone: as under umask 000
    st = N.build()
    assert st.state == "ready"
    assert st.path is not None and st.path.startswith(str(tmp_path / "fallback"))
    assert (tmp_path / "fallback").stat().st_mode & 0o777 == 0o700
    assert not any(fresh.iterdir())


@needs_cc
def test_a_manifest_writable_by_others_is_refused(fresh: Path, tmp_path: Path) -> None:
    assert N.build().state == "ready"
    N.reset()
    os.chmod(fresh / N.MANIFEST, 0o666)
    assert N.library() is None
    assert "refused" in N.status().reason


STUBS = "\n".join(f"void {s}(void) {{}}" for s in N.SYMBOLS if s != "actloss_version")


@needs_cc
@pytest.mark.parametrize("kind", ["foreign", "older"])
def test_a_stale_or_foreign_library_never_crashes_a_call(fresh: Path, tmp_path: Path,
                                                          capsys, kind: str) -> None:
    from actloss import cli

    if kind == "foreign":  # a valid ELF shared object without any actloss_* symbol
        data = _shared_object(tmp_path, "int something_else(void) { return 7; }\n")
    else:  # every symbol, but an older version
        data = _shared_object(tmp_path, STUBS + "\nint actloss_version(void) { return 0; }\n")
    _record(fresh, _target_name(), data)
    assert N.library() is None
    st = N.status()
    assert st.state == "failed" and "stale or foreign" in st.reason
    x = torch.randn(1 << 17, requires_grad=True)
    with pytest.warns(RuntimeWarning, match="stale or foreign"):
        with K.enable():
            y = A.mish(x)
    y.sum().backward()  # the eager fast path ran
    torch.testing.assert_close(y.detach(), F.mish(x.detach()), rtol=1e-5, atol=1e-6)
    # `actloss kernels --build` rebuilds and reports it correctly, in this process
    assert cli.main(["kernels", "--build"]) == 0
    assert "ready" in capsys.readouterr().out
    assert N.status().available
    with K.enable():
        z = A.mish(x)
    assert type(z.grad_fn).__name__ == "_NativeSavedBackward"


@pytest.mark.filterwarnings("ignore:the native library is not built")
def test_no_compiler_leaves_the_eager_paths(fresh: Path, monkeypatch) -> None:
    monkeypatch.setenv("CC", "/nonexistent/cc")
    st = N.build()
    assert st.state == "failed" and "no C compiler found (looked for /nonexistent/cc)" in st.reason
    x = torch.randn(1 << 17, dtype=torch.float64, requires_grad=True)
    with K.enable():
        y = A.mish(x)
    assert type(y.grad_fn).__name__ == "_EagerMishBackward"


def test_disabled_native_reports_and_never_loads(fresh: Path) -> None:
    with N.native(False):
        assert N.library() is None
        assert N.status().state == "disabled"
    with pytest.raises(Exception, match="`enabled` of native must be a bool"):
        N.set_native_enabled("yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["ACTLOSS_NATIVE=0", "no compiler on PATH"])
def test_native_related_tests_pass_without_the_library(tmp_path: Path, mode: str) -> None:
    # the fast-path tests in a process that cannot have the library: they pass (the
    # native cases skip, everything else runs eagerly)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
           "ACTLOSS_CACHE_DIR": str(tmp_path / "cache")}
    if mode.startswith("ACTLOSS"):
        env["ACTLOSS_NATIVE"] = "0"
    else:
        bin_dir = tmp_path / "bin"  # the interpreter only: no cc, gcc or clang
        bin_dir.mkdir()
        env["PATH"] = str(bin_dir)
        env.pop("CC", None)
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
            "-x", str(ROOT / "tests" / "test_kernels.py"), "-k",
            "infinities or enable or router or (double_backward and mish)",
            "-W", "ignore::pytest.PytestUnraisableExceptionWarning"]
    out = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=600, check=False)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert " passed" in out.stdout


# ------------------------------------------------------------------ 3. numerics
@needs_lib
def test_status_fields_and_kind_tables() -> None:
    st = N.status()
    assert isinstance(st.state, str) and isinstance(st.reason, str)
    assert isinstance(st.path, str) and isinstance(st.compiler, str)
    assert st.build_seconds is None or st.build_seconds > 0.0
    # the kind numbers are the C enums: 0..n-1 without gaps
    assert sorted(N.ACT_KINDS.values()) == list(range(len(N.ACT_KINDS)))
    assert sorted(N.LOSS_KINDS.values()) == list(range(len(N.LOSS_KINDS)))
    with pytest.raises(ValueError, match="silu has no backward from its output"):
        N.act_backward_from_output("silu", torch.zeros(2), torch.ones(2))


# ------------------------------------------------------------------ 2. activation numerics
PARAMS = {"elu": (1.0, 0.0), "softplus": (1.0, 20.0), "leaky_relu": (0.01, 0.0)}
EXTRA_PARAMS = [("elu", (0.5, 0.0)), ("softplus", (2.0, 5.0)), ("leaky_relu", (0.2, 0.0))]
SPECIALS = [0.0, -0.0, 1e-30, -1e-30, 1e-6, -1e-6, 87.5, -87.5, 88.8, -88.8, 1e38, -1e38]


def _sig(v: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(v)


def _reference(kind: str, v: torch.Tensor, p1: float, p2: float
               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """float64 ``(f, f', scale of f's error, scale of f''s error)`` at the float32 points.

    The error scales are what float32 arithmetic cannot avoid beyond a few ulps of the
    result: for f' = a + b (silu, mish, GELU) the rounding of the terms, |a| + |b|,
    which matters near a root of f'; for the from-output rules (tanh: 1 - y^2, elu:
    y + alpha) the ulp of 1 or alpha; for tanh-GELU the argument 2u of the sigmoid,
    rounded in float32, whose relative error is multiplied by |2u| sigma(-2u).
    """
    zero = torch.zeros_like(v)
    if kind == "sigmoid":  # sigma' = sigma(x) sigma(-x), no cancellation
        return _sig(v), _sig(v) * _sig(-v), zero, zero
    if kind == "tanh":  # tanh' = sech^2; the C's 1 - y^2 carries 2|y| times y's error
        return torch.tanh(v), 1.0 / torch.cosh(v) ** 2, zero, torch.full_like(v, 3.0)
    if kind == "silu":  # (x sigma)' = sigma + x sigma sigma(-x)
        a, b = _sig(v), v * _sig(v) * _sig(-v)
        return v * _sig(v), a + b, zero, a.abs() + b.abs()
    if kind == "gelu":
        # Phi from erfc: relatively accurate in the lower tail (1 + erf cancels there)
        phi_cdf = 0.5 * torch.special.erfc(-v / math.sqrt(2.0))
        b = v * torch.exp(-0.5 * v * v) / math.sqrt(2.0 * math.pi)
        return v * phi_cdf, phi_cdf + b, zero, phi_cdf.abs() + b.abs()
    if kind == "gelu_tanh":
        k, c = 0.044715, math.sqrt(2.0 / math.pi)
        u2 = 2.0 * c * (v + k * v**3)
        s = _sig(u2)
        b = v * s * _sig(-u2) * 2.0 * c * (1.0 + 3.0 * k * v * v)
        cond = (u2.abs() * _sig(-u2)).nan_to_num(0.0)
        return v * s, s + b, cond * (v * s).abs(), (s.abs() + b.abs()) * (1.0 + cond)
    if kind == "mish":  # t = tanh(softplus x), mish' = t + x sigma(x) sech^2(softplus x)
        sp = F.softplus(v)
        t = torch.tanh(sp)
        b = v * _sig(v) / torch.cosh(sp) ** 2
        return v * t, t + b, zero, t.abs() + b.abs()
    if kind == "elu":
        y = torch.where(v > 0, v, p1 * torch.expm1(v))
        # f' = y + alpha for x <= 0 (the from-output rule): y's error, absolute
        return y, torch.where(v > 0, 1.0, p1 * torch.exp(v)), zero, torch.full_like(v, 3 * p1)
    if kind == "softplus":
        return (F.softplus(v, p1, p2), torch.where(v * p1 > p2, 1.0, _sig(p1 * v)),
                zero, zero)
    if kind == "relu":
        return F.relu(v), (v > 0).double(), zero, zero
    assert kind == "leaky_relu"
    return F.leaky_relu(v, p1), torch.where(v > 0, 1.0, p1), zero, zero


def _assert_float32_close(got: torch.Tensor, ref: torch.Tensor, x: torch.Tensor,
                          scale: torch.Tensor, what: str, flush: torch.Tensor | None = None
                          ) -> None:
    """|got - ref| <= 1e-6 |ref| (1e-37 flush where |ref| <= 1e-30) + 4 eps32 scale.

    Below 1e-30 only an absolute bound is meaningful: exp flushes its subnormal range
    (|e| < 1.2e-38) to 0 (documented), and silu/mish/GELU multiply that by up to
    ``flush`` (default max(1, |x|)).
    """
    got, x = got.double(), x.double()
    assert bool(torch.isfinite(got).all()), f"{what}: non-finite at {x[~torch.isfinite(got)]}"
    err = (got - ref).abs()
    tiny = ref.abs() <= 1e-30
    if flush is None:
        flush = x.abs().clamp_min(1.0)
    tol = torch.where(tiny, 1e-37 * flush, 1e-6 * ref.abs()) + 4 * EPS32 * scale
    bad = err > tol
    if bool(bad.any()):
        i = int(torch.argmax((err - tol) / tol.clamp_min(1e-300)))
        raise AssertionError(f"{what}: {int(bad.sum())} points off, worst x={x[i].item()!r} "
                             f"got={got[i].item()!r} ref={ref[i].item()!r}")


def _grid(kind: str) -> torch.Tensor:
    x = torch.cat([torch.linspace(-100.0, 100.0, 40_001), torch.tensor(SPECIALS)])
    return x


ACT_CASES = [(k, PARAMS.get(k, (0.0, 0.0))) for k in N.ACT_KINDS] + EXTRA_PARAMS
ACT_IDS = [f"{k}{'' if (k, p) == (k, PARAMS.get(k, (0.0, 0.0))) else p}" for k, p in ACT_CASES]


@needs_lib
@pytest.mark.parametrize(("kind", "p"), ACT_CASES, ids=ACT_IDS)
def test_act_forward_and_backward_match_float64(kind: str, p: tuple[float, float]) -> None:
    x = _grid(kind)
    xd = x.double()
    ry, rd, sy, sd = _reference(kind, xd, *p)
    y, d = N.act_forward(kind, x, *p, with_derivative=True)
    assert d is not None and y.dtype == d.dtype == torch.float32
    _assert_float32_close(y, ry, x, sy, f"{kind} f(x)")
    flush = None
    if kind == "gelu_tanh":  # f' = s + x s sigma(-2u) 2u': the flushed s times 1 + |x 2u'|
        xa = x.double().abs()
        flush = 1.0 + xa * 2 * math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * xa * xa)
    _assert_float32_close(d, rd, x, sd, f"{kind} f'(x)", flush)
    y_only, none = N.act_forward(kind, x, *p)
    assert none is None
    torch.testing.assert_close(y_only, y, rtol=0, atol=0)  # the same pass
    # the recomputing backward: g f'(x), one more rounding of the product
    g = torch.linspace(-2.0, 3.0, x.numel())
    dx = N.act_backward(kind, x, g, *p)
    _assert_float32_close(dx, g.double() * rd, x, (g.double() * sd).abs()
                          + 2 * (g.double() * rd).abs(), f"{kind} g f'(x)",
                          None if flush is None else 3 * flush)


@needs_lib
@pytest.mark.parametrize("kind", ["sigmoid", "tanh", "mish", "gelu_tanh", "softplus"])
def test_act_against_mpmath(kind: str) -> None:
    # 30-digit values and derivatives at a few points, tails included
    mpmath.mp.dps = 30
    fns = {
        "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
        "tanh": mpmath.tanh,
        "mish": lambda t: t * mpmath.tanh(mpmath.log1p(mpmath.exp(t))),
        "gelu_tanh": lambda t: t / (1 + mpmath.exp(-2 * mpmath.sqrt(2 / mpmath.pi)
                                                   * (t + mpmath.mpf("0.044715") * t**3))),
        "softplus": lambda t: mpmath.log1p(mpmath.exp(t)),
    }
    xs = [-60.0, -20.0, -3.5, -0.75, -1e-3, 0.0, 2e-4, 0.6, 4.0, 19.5, 40.0]
    f = fns[kind]
    ref_y = torch.tensor([float(f(mpmath.mpf(v))) for v in xs], dtype=torch.float64)
    ref_d = torch.tensor([float(mpmath.diff(f, mpmath.mpf(v))) for v in xs],
                         dtype=torch.float64)
    p = PARAMS.get(kind, (0.0, 0.0))
    x = torch.tensor(xs)
    y, d = N.act_forward(kind, x, *p, with_derivative=True)
    _, _, sy, sd = _reference(kind, x.double(), *p)
    _assert_float32_close(y, ref_y, x, sy, f"{kind} vs mpmath")
    _assert_float32_close(d, ref_d, x, sd, f"{kind}' vs mpmath")


TORCH32 = {
    "sigmoid": torch.sigmoid, "tanh": torch.tanh, "silu": F.silu, "gelu": F.gelu,
    "gelu_tanh": lambda v: F.gelu(v, approximate="tanh"), "mish": F.mish,
    "elu": F.elu, "softplus": F.softplus, "relu": F.relu,
    "leaky_relu": lambda v: F.leaky_relu(v, 0.01),
}


# the mathematical limits at +inf and -inf: (f(inf), f(-inf), f'(inf), f'(-inf))
LIMITS = {
    "sigmoid": (1.0, 0.0, 0.0, 0.0), "tanh": (1.0, -1.0, 0.0, 0.0),
    "silu": (math.inf, 0.0, 1.0, 0.0), "gelu": (math.inf, 0.0, 1.0, 0.0),
    "gelu_tanh": (math.inf, 0.0, 1.0, 0.0), "mish": (math.inf, 0.0, 1.0, 0.0),
    "elu": (math.inf, -1.0, 1.0, 0.0), "softplus": (math.inf, 0.0, 1.0, 0.0),
    "relu": (math.inf, 0.0, 1.0, 0.0), "leaky_relu": (math.inf, -math.inf, 1.0, 0.01),
}


@needs_lib
@pytest.mark.parametrize("kind", list(N.ACT_KINDS))
def test_act_infinities_are_the_mathematical_limits(kind: str) -> None:
    # expected values from mathematics, not from one instruction set's PyTorch path
    # (PyTorch's float32 gelu(inf) depends on how its kernel is vectorised: inf for a
    # one-element tensor and NaN in longer ones with torch 2.13)
    x = torch.tensor([math.inf, -math.inf])
    p = PARAMS.get(kind, (0.0, 0.0))
    y, d = N.act_forward(kind, x, *p, with_derivative=True)
    f_pos, f_neg, d_pos, d_neg = LIMITS[kind]
    torch.testing.assert_close(y, torch.tensor([f_pos, f_neg]), rtol=0, atol=0)
    torch.testing.assert_close(d, torch.tensor([d_pos, d_neg]), rtol=0, atol=0)


@needs_lib
@pytest.mark.parametrize("kind", list(N.ACT_KINDS))
def test_act_nan_matches_pytorch_float32(kind: str) -> None:
    x = torch.tensor([math.nan, 1.0])
    p = PARAMS.get(kind, (0.0, 0.0))
    y, d = N.act_forward(kind, x, *p, with_derivative=True)
    assert math.isnan(float(y[0]))
    xr = x.clone().requires_grad_()
    TORCH32[kind](xr).sum().backward()
    torch.testing.assert_close(d[:1], xr.grad[:1], rtol=0, atol=0, equal_nan=True)


@needs_lib
def test_gelu_exact_huge_input() -> None:
    x = torch.tensor([1e38, -1e38, 3e19, -3e19])
    y, d = N.act_forward("gelu", x, with_derivative=True)
    ry, rd, _, _ = _reference("gelu", x.double(), 0.0, 0.0)
    torch.testing.assert_close(y.double(), ry, rtol=1e-6, atol=1e-37)
    torch.testing.assert_close(d.double(), rd, rtol=1e-6, atol=1e-37)


FROM_OUTPUT_TORCH = {
    "sigmoid": lambda g, y, a: torch.ops.aten.sigmoid_backward(g, y),
    "tanh": lambda g, y, a: torch.ops.aten.tanh_backward(g, y),
    "elu": lambda g, y, a: torch.ops.aten.elu_backward(g, a, 1.0, 1.0, True, y),
}


@needs_lib
@pytest.mark.parametrize(("kind", "alpha"),
                         [("sigmoid", 0.0), ("tanh", 0.0), ("elu", 1.0), ("elu", 0.3)])
def test_from_output_backward_is_pytorch_rule(kind: str, alpha: float) -> None:
    # the same y through PyTorch's float32 rule: the same formula, so a couple of ulps
    x = torch.cat([torch.linspace(-30.0, 30.0, 6001),
                   torch.tensor([math.inf, -math.inf, 1e38, -1e38, 0.0, -0.0])])
    y, _ = N.act_forward(kind, x, alpha)
    g = torch.linspace(-2.0, 2.0, x.numel())
    got = N.act_backward_from_output(kind, y, g, alpha)
    ref = FROM_OUTPUT_TORCH[kind](g, y, alpha)
    torch.testing.assert_close(got, ref, rtol=2 * EPS32 * 2, atol=1e-37, equal_nan=True)


@needs_lib
def test_from_output_elu_nan_output_is_pytorch_rule() -> None:
    y = torch.tensor([math.nan])
    g = torch.tensor([0.5])
    got = N.act_backward_from_output("elu", y, g, 1.0)
    ref = torch.ops.aten.elu_backward(g, 1.0, 1.0, 1.0, True, y)
    torch.testing.assert_close(got, ref, rtol=0, atol=0, equal_nan=True)


@needs_lib
def test_from_output_nan_sigmoid_tanh() -> None:
    y, g = torch.tensor([math.nan]), torch.tensor([0.5])
    for kind in ("sigmoid", "tanh"):
        got = N.act_backward_from_output(kind, y, g)
        assert math.isnan(float(FROM_OUTPUT_TORCH[kind](g, y, 0.0)))
        assert math.isnan(float(got)), kind


@needs_lib
@pytest.mark.parametrize("slope", [0.0, 0.01, 0.2])
def test_relu_mask_semantics_match_pytorch(slope: float) -> None:
    x = torch.tensor([-2.0, -0.0, 0.0, 1e-30, -1e-30, 3.0, math.inf, -math.inf, math.nan,
                      1e38, -1e38])
    y, mask = N.relu_forward(x, slope)
    assert mask.dtype is torch.uint8 and mask.shape == ((x.numel() + 7) // 8,)
    bits = torch.tensor([(int(mask[i // 8]) >> (i % 8)) & 1 for i in range(x.numel())])
    g = torch.linspace(0.5, 1.5, x.numel())
    g[0] = math.inf  # masked off: relu's gradient is 0 there (not 0 * inf)
    dx = N.relu_backward(mask, g, slope)
    xr = x.clone().requires_grad_()
    ty = F.relu(xr) if slope == 0.0 else F.leaky_relu(xr, slope)
    ty.backward(g)
    # relu: nan -> nan, gradient g (threshold_backward: x <= 0 ? 0 : g);
    # leaky: nan -> nan, gradient slope g (leaky_relu_backward: x > 0 ? g : slope g)
    torch.testing.assert_close(y, ty.detach(), rtol=0, atol=0, equal_nan=True)
    torch.testing.assert_close(dx, xr.grad, rtol=0, atol=0)
    if slope == 0.0:
        assert bool(bits[8]) and float(dx[8]) == pytest.approx(float(g[8]))
    else:
        assert not bool(bits[8]) and float(dx[8]) == pytest.approx(slope * float(g[8]))
    torch.testing.assert_close(bits.bool(), (x > 0) | (torch.isnan(x) & (slope == 0.0)))




# ------------------------------------------------------------------ 3. streaming stores
STREAM_N = (8 << 20) // 4 + 37  # above the 8 MiB per output where stores stream; odd tail


def _lib_call(fn: str, *args: object) -> None:
    getattr(N.library(), fn)(*args)


def _misaligned(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """``n`` elements starting 12 bytes past a 64-byte boundary: head, body and tail."""
    return torch.full((n + 16,), math.nan, dtype=dtype)[3:3 + n]


def _pieces(fn, n: int, piece: int = 1 << 20) -> torch.Tensor:
    """``fn(a, b)``'s output over [a, b) pieces below the streaming size, concatenated."""
    return torch.cat([fn(a, min(a + piece, n)) for a in range(0, n, piece)])


@needs_lib
@pytest.mark.parametrize("kind", list(N.ACT_KINDS))
def test_streamed_outputs_equal_plain_ones(kind: str) -> None:
    # the same element-wise math tile by tile through streaming stores, at an output
    # that starts off a vector boundary and ends in a partial vector: the same values
    # as the plain stores of calls below the streaming size (2 ulps for the vector and
    # scalar forms of one formula), and no element left unwritten (NaN-filled buffers)
    n = STREAM_N
    p = PARAMS.get(kind, (0.0, 0.0))
    g = torch.Generator().manual_seed(7)
    x = torch.randn(n, generator=g) * 8
    gr = torch.randn(n, generator=g)
    k, nt = N.ACT_KINDS[kind], torch.get_num_threads()
    y, d, dx = _misaligned(n), _misaligned(n), _misaligned(n)
    _lib_call("actloss_act_forward", k, x.data_ptr(), y.data_ptr(), d.data_ptr(), n, *p, nt)
    _lib_call("actloss_act_backward", k, x.data_ptr(), gr.data_ptr(), dx.data_ptr(), n, *p, nt)
    ry = _pieces(lambda a, b: N.act_forward(kind, x[a:b], *p, with_derivative=True)[0], n)
    rd = _pieces(lambda a, b: N.act_forward(kind, x[a:b], *p, with_derivative=True)[1], n)
    rdx = _pieces(lambda a, b: N.act_backward(kind, x[a:b], gr[a:b], *p), n)
    for got, ref in ((y, ry), (d, rd), (dx, rdx)):
        torch.testing.assert_close(got, ref, rtol=4 * EPS32, atol=1e-37, equal_nan=False)
    if kind in ("sigmoid", "tanh", "elu"):
        out = _misaligned(n)
        _lib_call("actloss_act_backward_from_output", k, y.data_ptr(), gr.data_ptr(),
                  out.data_ptr(), n, p[0], nt)
        ref = _pieces(lambda a, b: N.act_backward_from_output(kind, ry[a:b], gr[a:b], p[0]), n)
        torch.testing.assert_close(out, ref, rtol=4 * EPS32, atol=1e-37)


@needs_lib
@pytest.mark.parametrize("slope", [0.0, 0.2])
def test_streamed_relu_mask_equals_plain(slope: float) -> None:
    n = STREAM_N
    g = torch.Generator().manual_seed(8)
    x = torch.randn(n, generator=g)
    x[:4] = torch.tensor([math.nan, -0.0, math.inf, -math.inf])
    gr = torch.randn(n, generator=g)
    y, dx = _misaligned(n), _misaligned(n)
    nb = (n + 7) // 8
    mask = torch.full((nb + 16,), 0xA5, dtype=torch.uint8)[5:5 + nb]
    nt = torch.get_num_threads()
    _lib_call("actloss_relu_forward", x.data_ptr(), y.data_ptr(), mask.data_ptr(), n, slope, nt)
    _lib_call("actloss_relu_backward", mask.data_ptr(), gr.data_ptr(), dx.data_ptr(), n, slope,
              nt)
    xr = x.clone().requires_grad_()
    ty = F.relu(xr) if slope == 0.0 else F.leaky_relu(xr, slope)
    ty.backward(gr)
    torch.testing.assert_close(y, ty.detach(), rtol=0, atol=0, equal_nan=True)
    torch.testing.assert_close(dx, xr.grad, rtol=0, atol=0)
    assert int(mask[-1]) >> (n % 8) == 0  # the bits past the end are clear


@needs_lib
@pytest.mark.parametrize("n", [1000, STREAM_N])
def test_saved_derivative_backward_is_one_rounded_product(n: int) -> None:
    # g f'(x) from the saved f'(x): one float32 multiplication, as torch.mul rounds it
    g = torch.Generator().manual_seed(9)
    d, gr = torch.randn(n, generator=g), torch.randn(n, generator=g)
    torch.testing.assert_close(N.act_mul(d, gr), gr * d, rtol=0, atol=0)
    out = _misaligned(n)
    _lib_call("actloss_act_mul", d.data_ptr(), gr.data_ptr(), out.data_ptr(), n,
              torch.get_num_threads())
    torch.testing.assert_close(out, gr * d, rtol=0, atol=0)
