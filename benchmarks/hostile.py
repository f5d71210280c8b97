"""Hostile-input probe: sort the outcomes of malformed input into five classes.

``python -m benchmarks.hostile [--catalog] [--cli] [--json FILE]``

Every outcome is one of

- ``correct``: a value that agrees with the entry's own float64 evaluation (or, where no
  reference exists, any non-raising value of the expected kind);
- ``clear``: an :class:`actloss.errors.ActlossError` (the CLI: one ``error:`` line on
  stderr and exit code 2);
- ``raw``: any other exception (the CLI: a traceback, or more than one stderr line);
- ``wrong``: a value that disagrees with the reference, a finite value out of a NaN,
  a weight that enlarged the loss, or (CLI) exit 0 for input that should be refused;
- ``hang``: no answer within the time limit.

The catalog part varies every registry entry over dtypes, shapes, values, weights and
parameters; the CLI part runs every subcommand on malformed files and arguments in child
processes (``python -m actloss.cli``) with a timeout.
"""

# Each case's lambdas run at once, inside the iteration that made them (``add`` calls
# them before the loop moves on), so late binding of loop variables cannot bite here.
# ruff: noqa: B008, B023

from __future__ import annotations

import argparse
import collections
import contextlib
import inspect
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parents[1]
CLASSES = ("correct", "clear", "raw", "wrong", "hang")


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def handler(signum: int, frame: Any) -> None:
        raise _Timeout

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


_TOL = {torch.float64: (1e-7, 1e-9), torch.float32: (2e-3, 1e-4),
        torch.float16: (5e-2, 5e-2), torch.bfloat16: (1e-1, 1e-1)}


def _agrees(got: Any, ref: torch.Tensor, dtype: torch.dtype) -> bool:
    if not isinstance(got, torch.Tensor) or got.shape != ref.shape:
        return False
    rtol, atol = _TOL.get(dtype, (2e-3, 1e-4))
    g = got.detach().double()
    r = ref.detach().to(dtype).double() if dtype.is_floating_point else ref.double()
    both_nan = torch.isnan(g) & torch.isnan(r)
    same_inf = torch.isinf(g) & torch.isinf(r) & (torch.sign(g) == torch.sign(r))
    close = (g - r).abs() <= atol + rtol * r.abs()
    return bool((both_nan | same_inf | close).all())


def _classify(call: Callable[[], Any], judge: Callable[[Any], bool],
              timeout: float = 10.0) -> tuple[str, str]:
    from actloss.errors import ActlossError

    try:
        with _alarm(timeout):
            got = call()
    except _Timeout:
        return "hang", ""
    except ActlossError as exc:
        return "clear", str(exc)[:160]
    except Exception as exc:
        return "raw", f"{type(exc).__name__}: {str(exc)[:160]}"
    try:
        ok = judge(got)
    except Exception as exc:  # a judge that cannot read the value: count as wrong
        return "wrong", f"unreadable result: {type(exc).__name__}: {exc}"
    return ("correct", "") if ok else ("wrong", _short(got))


def _short(v: Any) -> str:
    if isinstance(v, torch.Tensor):
        if v.numel() <= 4:
            return f"tensor{tuple(v.shape)} {v.detach().double().flatten().tolist()}"
        return f"tensor{tuple(v.shape)}"
    return repr(v)[:80]


# ------------------------------------------------------------------------------ catalog
def _loss_cases() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "tests"))
    import loss_cases  # type: ignore[import-not-found]

    cases = dict(loss_cases.CASES)
    try:
        import loss_cases_extra  # type: ignore[import-not-found]

        cases.update(loss_cases_extra.CASES)
    except ImportError:
        pass
    return cases


def _cast(t: Any, dtype: torch.dtype) -> Any:
    if isinstance(t, torch.Tensor) and t.is_floating_point():
        return t.to(dtype)
    return t


def _noncontig(t: torch.Tensor) -> torch.Tensor:
    if t.dim() < 1 or t.numel() < 2:
        return t
    big = torch.empty(*t.shape[:-1], t.shape[-1] * 2, dtype=t.dtype)
    view = big[..., ::2]
    view.copy_(t)
    return view


def _bad_values(p: Any) -> list[Any]:
    if p.kind is bool:
        return ["yes", 2]
    if p.kind is str:
        return ["nosuch", 3]
    out: list[Any] = [float("nan"), "1.0", float("inf")]
    lo = p.interval.low
    if math.isfinite(lo):
        out.append(lo - 1.0)
    return out


def probe_losses() -> list[tuple[str, str, str, str]]:
    from actloss import losses as L
    from actloss.losses import value_checks

    cases = _loss_cases()
    rows: list[tuple[str, str, str, str]] = []

    def add(name: str, case: str, call: Callable[[], Any],
            judge: Callable[[Any], bool]) -> None:
        cls, detail = _classify(call, judge)
        rows.append((name, case, cls, detail))

    for name in L.names():
        spec = L.spec(name)
        fn = spec.fn
        if name not in cases:
            continue
        gen = torch.Generator().manual_seed(0)
        ex = cases[name].make(gen, torch.float64)[0]
        x, y, params = ex.input, ex.target, dict(ex.params)
        w = ex.weight

        # the reference uses the entry's own default reduction (optax's entries: 'none')
        red0 = inspect.signature(fn).parameters["reduction"].default

        def ref_of(xx: Any, yy: Any, ww: Any = None, red: str = red0,
                   _p: dict[str, Any] = params, _fn: Any = fn) -> torch.Tensor:
            xx64 = _cast(xx, torch.float64)
            yy64 = _cast(yy, torch.float64)
            kw: dict[str, Any] = dict(_p)
            if ww is not None:
                kw["weight"] = _cast(ww, torch.float64)
            with value_checks(False):
                return _fn(xx64, yy64, reduction=red, **kw)

        # dtypes, both tensors cast
        for dt in (torch.float64, torch.float32, torch.float16, torch.bfloat16):
            xd, yd = _cast(x, dt), _cast(y, dt)
            ref = ref_of(xd, yd)
            add(name, f"dtype={dt}", lambda xd=xd, yd=yd: fn(xd, yd, **params),
                lambda g, ref=ref, dt=dt: _agrees(g, ref, dt))
        # mixed float dtypes: input float32, target float64 (and the reverse)
        if isinstance(y, torch.Tensor) and y.is_floating_point():
            for dx, dy in ((torch.float32, torch.float64), (torch.float64, torch.float32)):
                xd, yd = _cast(x, dx), _cast(y, dy)
                ref = ref_of(xd, yd)
                add(name, f"mixed {dx}/{dy}", lambda xd=xd, yd=yd: fn(xd, yd, **params),
                    lambda g, ref=ref: _agrees(g, ref, torch.float32))
        # integer input
        add(name, "int input", lambda: fn(x.long(), y, **params), lambda g: True)
        # strided views
        if isinstance(x, torch.Tensor) and x.dim() >= 1:
            xs = _noncontig(x)
            ref = ref_of(x, y)
            add(name, "strided input", lambda xs=xs: fn(xs, y, **params),
                lambda g, ref=ref: _agrees(g, ref, torch.float64))
            # empty batch and 0-d
            add(name, "empty", lambda: fn(x[:0], y[:0] if isinstance(y, torch.Tensor)
                                         and y.dim() else y, **params),
                lambda g: isinstance(g, torch.Tensor))
            add(name, "0-d", lambda: fn(x.flatten()[0], y.flatten()[0]
                                        if isinstance(y, torch.Tensor) and y.numel() else y,
                                        **params),
                lambda g: isinstance(g, torch.Tensor))
            # NaN in the input: an error, or NaN out; never a finite value
            xn = x.clone()
            xn.view(-1)[0] = float("nan")

            def nan_judge(g: Any) -> bool:
                return isinstance(g, torch.Tensor) and bool(torch.isnan(g).any())

            add(name, "nan input", lambda xn=xn: fn(xn, y, **params), nan_judge)

            def nan_off(xn: torch.Tensor = xn) -> Any:
                with value_checks(False):
                    return fn(xn, y, reduction="none", **params)

            add(name, "nan input, checks off", nan_off,
                lambda g: isinstance(g, torch.Tensor) and bool(torch.isnan(g).any()))
            # large values in float32: agree with the float64 evaluation cast to float32
            for big in (1e19, 1e30):
                xb = (x.sign() * big + x).to(torch.float32) if spec.input_kind in (
                    "real", "embeddings", "logits", "scores") else None
                if xb is None:
                    continue
                y32 = _cast(y, torch.float32)
                red = "none" if "none" in spec.reductions else "mean"
                try:
                    ref = ref_of(xb, y32, None, red)
                except Exception:
                    continue
                add(name, f"input ~{big:g} float32",
                    lambda xb=xb, y32=y32, red=red: fn(xb, y32, reduction=red, **params),
                    lambda g, ref=ref: _agrees(g, ref, torch.float32))
            # Python list input
            add(name, "list input", lambda: fn(x.tolist(), y, **params),
                lambda g, ref=ref_of(x, y): _agrees(g, ref, torch.float32))
        # weights
        if w is not None:
            refw = ref_of(x, y, w)
            add(name, "weight list", lambda: fn(x, y, weight=w.tolist(), **params),
                lambda g, refw=refw: _agrees(g, refw, torch.float32))
            add(name, "weight scalar", lambda: fn(x, y, weight=2.0, **params),
                lambda g, r2=ref_of(x, y, None): _agrees(g, 2 * r2, torch.float32)
                or _agrees(g, r2, torch.float32))
            big_w = w.unsqueeze(0).expand(2, *w.shape)
            add(name, "weight enlarging (2, ...)", lambda: fn(x, y, weight=big_w, **params),
                lambda g: False)
            add(name, "weight enlarging none", lambda: fn(
                x, y, weight=big_w, reduction="none", **params), lambda g: False)
            if w.dim() >= 1:
                w_col = w.reshape(-1)[: x.shape[0]].reshape(-1, *([1] * w.dim()))
                add(name, "weight column w[:, None]",
                    lambda w_col=w_col: fn(x, y, weight=w_col, reduction="none", **params),
                    lambda g, xs=tuple(ref_of(x, y, None, "none").shape):
                    tuple(g.shape) == xs)
        # parameters: unknown keyword and bad values
        add(name, "unknown keyword", lambda: fn(x, y, nosuch_param=1.0, **params),
            lambda g: False)
        for p in spec.params:
            for bad in _bad_values(p):
                kw = dict(params)
                kw[p.name] = bad
                add(name, f"param {p.name}={bad!r}", lambda kw=kw: fn(x, y, **kw),
                    lambda g: isinstance(g, torch.Tensor) and not bool(torch.isnan(g).any()))
        add(name, "reduction='nosuch'", lambda: fn(x, y, reduction="nosuch", **params),
            lambda g: False)
    return rows


def probe_activations() -> list[tuple[str, str, str, str]]:
    from actloss import activations as A

    rows: list[tuple[str, str, str, str]] = []

    def add(name: str, case: str, call: Callable[[], Any],
            judge: Callable[[Any], bool]) -> None:
        cls, detail = _classify(call, judge)
        rows.append((name, case, cls, detail))

    gen = torch.Generator().manual_seed(0)
    base = torch.randn(4, 6, generator=gen, dtype=torch.float64) * 2
    for name in A.names():
        spec = A.spec(name)
        fn = spec.fn
        if fn is None or spec.kind == "module":
            continue
        params: dict[str, Any] = {}

        def ref_of(xx: torch.Tensor, _fn: Any = fn) -> torch.Tensor:
            return _fn(xx.double(), **params)

        for dt in (torch.float64, torch.float32, torch.float16, torch.bfloat16):
            xd = base.to(dt)
            add(name, f"dtype={dt}", lambda xd=xd: fn(xd, **params),
                lambda g, r=ref_of(xd), dt=dt: _agrees(g, r, dt))
        add(name, "int input", lambda: fn(base.long(), **params), lambda g: True)
        add(name, "strided", lambda: fn(_noncontig(base), **params),
            lambda g, r=ref_of(base): _agrees(g, r, torch.float64))
        add(name, "empty", lambda: fn(base[:0], **params), lambda g: isinstance(g, torch.Tensor))
        add(name, "0-d", lambda: fn(base[0, 0], **params), lambda g: isinstance(g, torch.Tensor))
        for v in (float("nan"), float("inf"), -float("inf"), 1e30, -1e30, 3.4e38, -3.4e38):
            xv = base.to(torch.float32).clone()
            xv[0, 0] = v
            add(name, f"value {v:g} float32", lambda xv=xv: fn(xv, **params),
                lambda g, r=ref_of(xv): _agrees(g, r, torch.float32))
        add(name, "list input", lambda: fn(base.tolist(), **params),
            lambda g, r=ref_of(base): _agrees(g, r, torch.float32))
        add(name, "unknown keyword", lambda: fn(base, nosuch_param=1.0), lambda g: False)
        for p in spec.params:
            for bad in _bad_values(p):
                add(name, f"param {p.name}={bad!r}", lambda p=p, bad=bad: fn(base, **{p.name: bad}),
                    lambda g: isinstance(g, torch.Tensor) and not bool(torch.isnan(g).any()))
        add(name, "get(nosuch=1)", lambda: A.get(name, nosuch=1), lambda g: False)
    return rows


# ---------------------------------------------------------------------------------- CLI
def _cli_files(tmp: Path) -> dict[str, Path]:
    f: dict[str, Path] = {}

    def w(name: str, data: bytes | str) -> Path:
        p = tmp / name
        p.write_bytes(data.encode() if isinstance(data, str) else data)
        f[name] = p
        return p

    w("latin1.csv", "a,label\n1,caf\xe9\n2,na\xefve\n".encode("latin-1"))
    w("binary.csv", bytes(range(256)) * 4)
    w("huge_field.csv", "a,label\n" + "1," + "x" * (200 * 1024) + "\n")
    w("ragged.csv", "a,b,label\n1,2,0\n3,1\n4,5,1,9\n")
    w("empty.csv", "")
    w("header_only.csv", "a,label\n")
    w("nonnumeric.csv", "a,label\nfoo,0\nbar,1\nbaz,0\n")
    w("one_class.csv", "a,label\n1,1\n2,1\n3,1\n")
    w("regression.csv", "a,y\n1,0.5\n2,1.7\n3,2.9\n4,3.3\n")
    w("exit_import.py", "import sys\nsys.exit(0)\n")
    w("exit_factory.py", "import sys\ndef make():\n    sys.exit(0)\n")
    w("raise_import.py", "raise RuntimeError('boom')\n")
    w("loop.py", "def make():\n    while True:\n        pass\n")
    w("syntax.py", "def make(:\n")
    w("no_factory.py", "x = 1\n")
    w("returns_none.py", "def make():\n    return None\n")
    w("forward_raises.py",
      "import torch\n"
      "class M(torch.nn.Module):\n"
      "    def forward(self, x):\n"
      "        raise RuntimeError('forward broke')\n"
      "def make():\n"
      "    return M(), torch.nn.functional.mse_loss, torch.zeros(2, 3), torch.zeros(2, 3)\n")
    w("kbint_import.py", "raise KeyboardInterrupt\n")
    w("not_python.py", bytes(range(256)))
    w("out_is_file", "x")
    return f


def _cli_cases(f: dict[str, Path], tmp: Path) -> list[tuple[str, list[str], str]]:
    """(label, argv, expectation): 'error' (one line, exit 2) or 'fail' (non-zero, one
    line) or 'ok' (exit 0)."""
    # a path below a regular file cannot be created, whoever runs the probe (root too)
    ro = f["out_is_file"]
    cases: list[tuple[str, list[str], str]] = [
        ("no such command", ["nosuchcmd"], "error"),
        ("version extra arg", ["version", "x"], "error"),
        ("list nosuch kind", ["list", "--kind", "nosuch"], "error"),
        ("list extra arg", ["list", "nosuch", "more"], "error"),
        ("show nosuch", ["show", "nosuch"], "error"),
        ("show empty", ["show", ""], "error"),
        ("show binary name", ["show", "\x01\x02"], "error"),
        ("plot nosuch", ["plot", "nosuch"], "error"),
        ("plot out unwritable", ["plot", "relu", "--out", str(ro / "x" / "p.png")], "error"),
        ("gallery out unwritable", ["gallery", "--out", str(ro / "x" / "g.png")], "error"),
        ("plot-loss bad task", ["plot-loss", "--task", "nosuch"], "error"),
        ("plot-loss nosuch", ["plot-loss", "nosuch"], "error"),
        ("report out is file", ["report", "--quick", "--out", str(f["out_is_file"])], "error"),
        ("report bad lang", ["report", "--quick", "--lang", "fr"], "error"),
        ("lab run nosuch", ["lab", "run", "nosuch"], "error"),
        ("lab run bad set", ["lab", "run", "dying_relu", "--set", "nokey"], "error"),
        ("lab run unknown set", ["lab", "run", "dying_relu", "--set", "nosuch=1"], "error"),
        ("lab run bad seed", ["lab", "run", "dying_relu", "--seed", "x"], "error"),
        ("lab list extra", ["lab", "list", "x"], "error"),
        ("advise no args bad task", ["advise", "--task", "nosuch"], "error"),
        ("advise imbalance 2", ["advise", "--task", "binary", "--imbalance", "2"], "error"),
        ("advise imbalance nan", ["advise", "--task", "binary", "--imbalance", "nan"], "error"),
        ("advise quantiles bad", ["advise", "--task", "quantile", "--quantiles", "a,b"], "error"),
        ("advise quantiles 1.5", ["advise", "--task", "quantile", "--quantiles", "1.5"], "error"),
        ("advise missing file", ["advise", str(tmp / "nosuch.csv"), "-t", "label"], "error"),
        ("advise dir", ["advise", str(tmp), "-t", "label"], "error"),
        ("advise no target", ["advise", str(f["ragged.csv"])], "error"),
        ("advise target no file", ["advise", "-t", "label"], "error"),
        ("advise latin1", ["advise", str(f["latin1.csv"]), "-t", "label"], "error"),
        ("advise binary", ["advise", str(f["binary.csv"]), "-t", "label"], "error"),
        ("advise huge field", ["advise", str(f["huge_field.csv"]), "-t", "label"], "error"),
        ("advise ragged", ["advise", str(f["ragged.csv"]), "-t", "label"], "error"),
        ("advise empty", ["advise", str(f["empty.csv"]), "-t", "label"], "error"),
        ("advise header only", ["advise", str(f["header_only.csv"]), "-t", "label"], "error"),
        ("advise non-numeric", ["advise", str(f["nonnumeric.csv"]), "-t", "label"], "error"),
        ("advise one class", ["advise", str(f["one_class.csv"]), "-t", "label"], "error"),
        ("advise regression --imbalance", ["advise", str(f["regression.csv"]), "-t", "y",
                                           "--imbalance", "0.1"], "error"),
        ("advise bad lang", ["advise", "--task", "binary", "--lang", "fr"], "error"),
        ("check missing", ["check", str(tmp / "nosuch.py")], "error"),
        ("check exit at import", ["check", str(f["exit_import.py"])], "fail"),
        ("check exit in factory", ["check", str(f["exit_factory.py"])], "fail"),
        ("check raise at import", ["check", str(f["raise_import.py"])], "fail"),
        ("check infinite loop", ["check", str(f["loop.py"]) + ":make"], "fail"),
        ("check syntax error", ["check", str(f["syntax.py"])], "fail"),
        ("check no factory", ["check", str(f["no_factory.py"])], "fail"),
        ("check returns None", ["check", str(f["returns_none.py"])], "fail"),
        ("check forward raises", ["check", str(f["forward_raises.py"])], "fail"),
        ("check KeyboardInterrupt at import", ["check", str(f["kbint_import.py"])], "fail"),
        ("check binary file", ["check", str(f["not_python.py"])], "fail"),
        ("check bad optimizer", ["check", str(f["returns_none.py"]), "--optimizer", "x"],
         "error"),
        ("check bad lang", ["check", str(f["returns_none.py"]), "--lang", "fr"], "error"),
        ("monitor glu", ["monitor", "--activation", "glu", "--epochs", "1"], "error"),
        ("monitor nosuch activation", ["monitor", "--activation", "nosuch"], "error"),
        ("monitor hidden huge", ["monitor", "--hidden", "100000000"], "error"),
        ("monitor hidden bad", ["monitor", "--hidden", "a,b"], "error"),
        ("monitor hidden zero", ["monitor", "--hidden", "0"], "error"),
        ("monitor epochs 0", ["monitor", "--epochs", "0"], "error"),
        ("monitor epochs -1", ["monitor", "--epochs", "-1"], "error"),
        ("monitor batch 0", ["monitor", "--batch-size", "0"], "error"),
        ("monitor every 0", ["monitor", "--every", "0"], "error"),
        ("monitor lr nan", ["monitor", "--lr", "nan", "--epochs", "1"], "error"),
        ("monitor lr -1", ["monitor", "--lr", "-1", "--epochs", "1"], "error"),
        ("monitor bad data", ["monitor", "--data", "nosuch"], "error"),
        ("monitor bad optimizer", ["monitor", "--optimizer", "nosuch", "--epochs", "1"],
         "error"),
        ("monitor bad init", ["monitor", "--init", "nosuch", "--epochs", "1"], "error"),
        ("monitor figure unwritable", ["monitor", "--epochs", "1", "--figure",
                                       str(ro / "x" / "f.png")], "error"),
        ("monitor bad lang", ["monitor", "--lang", "fr"], "error"),
        ("bench out unwritable", ["bench", "--quick", "--no-compile", "--only", "relu",
                                  "--out", str(ro / "x")], "error"),
        ("bench only nosuch", ["bench", "--quick", "--no-compile", "--only", "nosuch",
                               "--out", str(tmp / "bench")], "error"),
        ("kernels extra", ["kernels", "x"], "error"),
    ]
    return cases


def _run_cli(argv: list[str], timeout: float, env: dict[str, str],
             module: str) -> tuple[int | None, str, str]:
    try:
        p = subprocess.run([sys.executable, "-m", module, *argv], capture_output=True,
                           text=True, timeout=timeout, env=env, cwd=str(ROOT),
                           errors="replace")
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr if isinstance(exc.stderr, str) else ""
        return None, "", err or ""
    return p.returncode, p.stdout, p.stderr


def _cli_class(expect: str, rc: int | None, err: str) -> str:
    if rc is None:
        return "hang"
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if "Traceback" in err:
        return "raw"
    # progress lines (e.g. "training ... under the monitor") are not errors
    err_lines = [ln for ln in lines if ln.startswith("error:")]
    if rc == 0:
        return "correct" if expect == "ok" else "wrong"
    if expect == "ok":
        return "raw" if not err_lines else "wrong"
    if len(err_lines) == 1 and (rc == 2 or (expect == "fail" and rc != 0)):
        return "clear"
    if not err_lines:
        return "raw"
    return "raw"


def probe_cli(timeout: float = 90.0, module: str = "actloss.cli", jobs: int = 2,
              src: Path | None = None) -> list[tuple[str, str, str, str]]:
    from concurrent.futures import ThreadPoolExecutor

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src or ROOT / "src"),
                                                    env.get("PYTHONPATH", "")) if p)
    env["COLUMNS"] = "200"
    env.setdefault("OMP_NUM_THREADS", "1")
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        files = _cli_files(tmp)
        cases = _cli_cases(files, tmp)

        def one(case: tuple[str, list[str], str]) -> tuple[str, str, str, str]:
            label, argv, expect = case
            rc, _out, err = _run_cli(argv, timeout, env, module)
            cls = _cli_class(expect, rc, err)
            last = (err.strip().splitlines() or [""])[-1][:160]
            return argv[0], label, cls, f"rc={rc} {last}"

        with ThreadPoolExecutor(jobs) as pool:
            rows = list(pool.map(one, cases))
    return rows


def _count(rows: list[tuple[str, str, str, str]]) -> dict[str, int]:
    c = collections.Counter(r[2] for r in rows)
    return {k: c.get(k, 0) for k in CLASSES}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--catalog", action="store_true")
    ap.add_argument("--cli", action="store_true")
    ap.add_argument("--module", default="actloss.cli", help="module run by the CLI probe")
    ap.add_argument("--src", type=Path, default=None,
                    help="the actloss sources the CLI children run (default: src/)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--show", default="raw,wrong,hang",
                    help="classes whose cases are listed")
    args = ap.parse_args(argv)
    if not (args.catalog or args.cli):
        args.catalog = args.cli = True
    torch.set_num_threads(1)
    out: dict[str, Any] = {}
    show = set(args.show.split(","))
    if args.catalog:
        rows = probe_losses() + probe_activations()
        out["catalog"] = {"counts": _count(rows), "rows": rows}
    if args.cli:
        rows = probe_cli(module=args.module, src=args.src)
        out["cli"] = {"counts": _count(rows), "rows": rows}
    for part, data in out.items():
        print(f"{part}: {len(data['rows'])} cases: " +
              ", ".join(f"{k} {v}" for k, v in data["counts"].items()))
        for r in data["rows"]:
            if r[2] in show:
                print(f"  [{r[2]}] {r[0]} | {r[1]} | {r[3]}")
    if args.json is not None:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
