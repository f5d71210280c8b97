"""The ``actloss`` command line.

Each group of commands lives in its own module under :mod:`actloss._cli` and adds itself
to the one Typer application here. The library never prints; these modules render what
it returns (rich tables and panels, or JSON with ``--json``). Errors from the library
become one-line messages and exit code 2.
"""

from __future__ import annotations

import os
import sys

# Our own processes allocate large CPU tensors on transparent huge pages: fresh large
# allocations then cost far fewer page faults (about half of ReLU forward+backward at
# 16M elements, see docs/benchmarks.md). Read by PyTorch when it loads, so set first.
os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")

import typer

from actloss._cli import advise, bench, catalog, diagnose, lab, losses_plot
from actloss._cli.common import exit_quietly_on_interrupt, run_app

app = typer.Typer(
    name="actloss",
    help="Activation and loss functions: catalog, lab, advisor, linter, diagnostics, benchmarks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def version() -> None:
    """Print the versions of actloss and PyTorch."""
    import torch

    import actloss

    typer.echo(f"actloss {actloss.__version__} (torch {torch.__version__})")


for _module in (catalog, losses_plot, lab, advise, diagnose, bench):
    _module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``actloss`` script and of ``python -m actloss``; returns the
    exit code. A Ctrl-C after the command (during the interpreter's shutdown) still
    gives one line and exit code 130."""
    try:
        code = run_app(app, sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:  # between run_app's handlers and here
        code = 130
        os.write(2, b"error: interrupted\n")
    exit_quietly_on_interrupt()
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
