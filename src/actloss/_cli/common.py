"""Helpers shared by the command-line modules: error rendering and JSON output."""

from __future__ import annotations

import json
import math
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console

from actloss.errors import ActlossError

__all__ = ["console", "err_console", "fail", "print_json", "run_app"]

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``error: message`` on one line to stderr and exit with ``code``."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _default(o: Any) -> Any:
    if isinstance(o, float) and math.isinf(o):
        return "inf" if o > 0 else "-inf"
    if hasattr(o, "tolist"):
        return o.tolist()
    if hasattr(o, "to_json"):
        return o.to_json()
    return str(o)


def print_json(data: Any) -> None:
    """Write ``data`` as JSON to stdout (no rich markup)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_default) + "\n")


def run_app(app: typer.Typer, argv: list[str]) -> int:
    """Run ``app``; library errors and usage errors exit 2 with a one-line message."""
    try:
        # with standalone_mode=False a raised typer.Exit comes back as the return value
        code = app(args=argv, prog_name="actloss", standalone_mode=False)
    except ActlossError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        return 130
    except typer.TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            console.print(exc.format_message())
            return 0
        err_console.print(f"[bold red]error:[/] {exc.format_message()}", highlight=False,
                          soft_wrap=True)
        return 2
    except FileNotFoundError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return 2
    return code if isinstance(code, int) and not isinstance(code, bool) else 0
