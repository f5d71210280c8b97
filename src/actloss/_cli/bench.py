"""Command-line group: bench.

``actloss bench`` runs the benchmark suite of the source checkout (``python -m
benchmarks``) in a child process, so that the allocator setting it relies on
(``THP_MEM_ALLOC_ENABLE=1``: large CPU tensors on transparent huge pages) is in place
before torch starts there, and prints its table.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from actloss._cli.common import fail


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
        code = subprocess.call(cmd, cwd=root, env=env)
        if code:
            raise typer.Exit(code)
