"""Helpers shared by the command-line modules: error rendering and JSON output.

The contract of every command: a failure is ONE line on stderr starting with
``error:`` and exit code 2 (``check`` uses 1 for "errors found" and 2 for everything
that kept it from checking); Ctrl-C exits 130 with one line, also while the
interpreter shuts down; files are written whole or not at all. :func:`run_app` turns
every exception into that line; ``ACTLOSS_TRACEBACK=1`` shows the traceback instead.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

from actloss.errors import ActlossError

__all__ = ["console", "err_console", "error_line", "exit_quietly_on_interrupt", "fail",
           "print_json", "run_app", "writable_dir"]

console = Console()
err_console = Console(stderr=True)


def _one_line(message: str) -> str:
    return "; ".join(part.strip() for part in str(message).splitlines() if part.strip())


def error_line(message: str) -> None:
    """Print ``error: message`` on one line to stderr (newlines in it become ``; ``)."""
    err_console.print(f"[bold red]error:[/] {_one_line(message)}", highlight=False,
                      soft_wrap=True, markup=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``error: message`` on one line to stderr and exit with ``code``."""
    error_line(message)
    raise typer.Exit(code)


def writable_dir(path: Path, option: str) -> Path:
    """Create ``path`` (a directory) if needed and prove it writable, or fail with one line."""
    path = Path(path).expanduser()
    if path.exists() and not path.is_dir():
        fail(f"`{option}` must be a directory; got the file {str(path)!r}")
    try:
        path.mkdir(parents=True, exist_ok=True)
        import tempfile

        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        fail(f"`{option}` {str(path)!r} is not writable: {exc.strerror or exc}")
    return path


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


def _interrupted(signum: int = signal.SIGINT, frame: Any = None) -> None:
    """SIGINT once the command is done (interpreter shutdown): one line, exit 130."""
    try:
        os.write(2, b"error: interrupted\n")
    finally:
        os._exit(130)


def run_app(app: typer.Typer, argv: list[str]) -> int:
    """Run ``app``; every failure becomes one ``error:`` line and exit code 2.

    Ctrl-C gives ``error: interrupted`` and 130 (see :func:`exit_quietly_on_interrupt`
    for the interpreter's shutdown after it).
    """
    debug = os.environ.get("ACTLOSS_TRACEBACK", "") not in ("", "0")
    try:
        # with standalone_mode=False a raised typer.Exit comes back as the return value
        code = app(args=argv, prog_name="actloss", standalone_mode=False)
    except ActlossError as exc:
        if debug:
            raise
        error_line(str(exc))
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except (typer.Abort, KeyboardInterrupt):
        error_line("interrupted")
        return 130
    except typer.TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            console.print(exc.format_message())
            return 0
        error_line(exc.format_message())
        return 2
    except BrokenPipeError:  # stdout closed early (``actloss list | head``): quiet
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0
    except OSError as exc:  # files: not found, not writable, a directory, a full disk
        if debug:
            raise
        where = f" {exc.filename!r}" if getattr(exc, "filename", None) else ""
        error_line(f"{exc.strerror or exc}{where}" if exc.strerror else str(exc))
        return 2
    except MemoryError:
        error_line("out of memory (try smaller sizes)")
        return 2
    except RecursionError as exc:
        error_line(f"recursion too deep: {exc}")
        return 2
    except Exception as exc:  # a bug or an input nothing checked: still one line
        if debug:
            raise
        error_line(f"unexpected {type(exc).__name__}: {exc} (set ACTLOSS_TRACEBACK=1 for "
                   "the traceback)")
        return 2
    return code if isinstance(code, int) and not isinstance(code, bool) else 0


def exit_quietly_on_interrupt() -> None:
    """From now on SIGINT prints one line and exits 130 (for the interpreter's shutdown).

    Called by the ``actloss`` entry point once the command has returned; not by
    :func:`run_app`, which also runs inside test processes.
    """
    import threading

    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _interrupted)
