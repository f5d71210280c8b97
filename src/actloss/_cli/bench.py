"""Command-line group: bench and kernels.

``actloss bench`` runs the benchmark suite of the source checkout (``python -m
benchmarks``) in a child process, so that the allocator setting it relies on
(``THP_MEM_ALLOC_ENABLE=1``: large CPU tensors on transparent huge pages) is in place
before torch starts there, and prints its table. ``actloss kernels`` shows the native
kernel library's state and, with ``--build``, builds it now (see
:mod:`actloss.kernels._native`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from actloss._cli.common import console, err_console, fail, print_json, writable_dir


def _suite_root() -> Path | None:
    """The checkout holding ``benchmarks/`` (the suite is not part of the wheel)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "benchmarks" / "__main__.py").is_file():
            return parent
    cwd = Path.cwd()
    return cwd if (cwd / "benchmarks" / "__main__.py").is_file() else None


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""

    @app.command()
    def kernels(
        build: Annotated[bool, typer.Option(
            "--build", help="Build (or load) the native library now.")] = False,
        rebuild: Annotated[bool, typer.Option(
            "--rebuild", help="Build it again even if a cached build exists.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """State of the native kernels (float32 CPU, one pass): built, cached, or why not.

        Only the fast paths (opt-in: ``actloss.kernels.enable()``) use the library;
        without it they run eagerly. A build takes a few seconds with the system C
        compiler and is cached per machine and CPU. Exits 1 when a requested build fails.
        """
        from actloss.kernels import _native, _pool

        st = _native.build(force=rebuild) if (build or rebuild) else _native.status()
        data = {"state": st.state, "path": st.path, "compiler": st.compiler,
                "cache_dir": str(_native.cache_dir()), "build_seconds": st.build_seconds,
                "reason": st.reason,
                "pool": {"limit_bytes": _pool.pool_limit(),
                         "min_bytes": _pool.POOL_MIN_BYTES}}
        if as_json:
            print_json(data)
        else:
            colour = "green" if st.available else ("yellow" if st.state != "failed" else "red")
            console.print(f"native kernels: [{colour}]{st.state}[/]", highlight=False)
            for key in ("path", "compiler", "cache_dir"):
                if data[key]:
                    console.print(f"  {key}: {data[key]}", highlight=False)
            if st.build_seconds is not None:
                console.print(f"  built in {st.build_seconds:.1f} s", highlight=False)
            if st.reason:
                err_console.print(f"  {st.reason}", highlight=False, soft_wrap=True)
            if st.state == "not built":
                console.print("  (never built during a call: build it with "
                              "`actloss kernels --build`)", highlight=False)
            limit = _pool.pool_limit()
            pool = (f"keeps up to {limit / (1 << 20):g} MiB for what the fast paths save "
                    f"and the outputs they hand out ({_pool.POOL_MIN_BYTES >> 20} MiB and up, "
                    f"reused once nothing refers to them)" if limit else
                    "off (ACTLOSS_POOL_MB=0 or set_pool_limit(0))")
            console.print(f"buffer pool: {pool}", highlight=False)
        if (build or rebuild) and not st.available:
            raise typer.Exit(1)

    @app.command()
    def bench(
        quick: Annotated[bool, typer.Option(
            "--quick", help="Sizes / 16, 3 repeats, no compile.")] = False,
        out: Annotated[Path, typer.Option(
            "--out", help="Directory for results.json and results.md.")] = Path("bench-results"),
        no_compile: Annotated[bool, typer.Option(
            "--no-compile", help="Skip the torch.compile columns.")] = False,
        only: Annotated[str | None, typer.Option(
            "--only", help="Comma-separated parts of case names to run.")] = None,
    ) -> None:
        """Time and memory of the fused kernels against PyTorch (and torch.compile)."""
        root = _suite_root()
        if root is None:
            fail("the benchmark suite lives in the source checkout (benchmarks/); "
                 "run this command from there")
        out = writable_dir(out, "--out")  # before minutes of timing, not after
        if only is not None and not only.strip(",").strip():
            fail("`--only` needs at least one part of a case name, such as relu or huber")
        cmd = [sys.executable, "-m", "benchmarks", "--out", str(out.resolve())]
        if quick:
            cmd.append("--quick")
        if no_compile:
            cmd.append("--no-compile")
        if only:
            cmd += ["--only", only]
        env = dict(os.environ)
        env.setdefault("THP_MEM_ALLOC_ENABLE", "1")
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(root), env.get("PYTHONPATH", "")) if p)
        try:
            code = subprocess.call(cmd, cwd=root, env=env)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        if code < 0:  # the child was killed by a signal
            fail(f"the benchmark process was killed by signal {-code}")
        if code:
            raise typer.Exit(2 if code == 1 else code)
