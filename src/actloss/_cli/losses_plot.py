"""Command-line group: ``plot-loss`` (losses and their gradients against the margin)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from actloss._cli.catalog import save_figure
from actloss._cli.common import console, fail

__all__ = ["register"]


def plot_loss(
    names: Annotated[list[str], typer.Argument(help="Loss names (aliases allowed).")],
    task: Annotated[str, typer.Option(
        "--task", help="binary (against the margin y*z) or regression (the residual).")
    ] = "binary",
    out: Annotated[Path, typer.Option("--out", help="Output file (.png, .svg, .pdf).")] = Path(
        "losses.png"),
) -> None:
    """Losses and their gradients against the margin (binary) or the residual (regression)."""
    from actloss import plots

    if task not in plots.TASKS:
        fail(f"`--task` must be one of 'binary', 'regression'; got {task!r}")
    fig = plots.plot_losses(names, task=task)
    console.print(f"wrote {save_figure(fig, out)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.command("plot-loss")(plot_loss)
