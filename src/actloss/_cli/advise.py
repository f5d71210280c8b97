"""Command-line group: ``advise`` (choose an activation and a loss) and ``check`` (lint).

``actloss advise --task binary --imbalance 0.05``
``actloss advise data.csv --target label [--lang zh] [--json]``
``actloss check model.py:make [--lr 0.1] [--json]``: exit 1 when an error is found.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from actloss._cli.common import console, err_console, fail, print_json
from actloss._i18n import LANGS
from actloss._registry import close_matches

__all__ = ["read_csv", "register"]


def _missing_file(path: Path, what: str) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    names = [p.name for p in parent.iterdir()] if parent.is_dir() else []
    close = close_matches(path.name, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    fail(f"{what} '{path}' not found{hint}")


def read_csv(path: Path, target: str) -> tuple[list[Any], list[list[float]] | None,
                                               list[str]]:
    """Read ``target`` as y and every other all-numeric column as x
    (:func:`actloss._csv.read_table`; its errors are one-line messages).

    Returns ``(y, x, feature_names)``; y holds floats when every non-empty value parses
    as a number, else strings. Empty cells become NaN (numbers) or ``''`` (labels).
    """
    from actloss._csv import read_table

    t = read_table(path, target)
    if t.text_columns:  # left out of x, said so rather than silently
        err_console.print(f"note: text column(s) {', '.join(repr(c) for c in t.text_columns)} "
                          "left out of the features (only numeric columns are used)",
                          highlight=False, soft_wrap=True, markup=False)
    return t.y, t.x, t.feature_names


def _read_targets(path: Path, targets: list[str]) -> tuple[Any, Any]:
    """y (one column, or one column per target) and x (the other numeric columns)."""
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        fail(f"--target {twice[0]!r} is given more than once")
    y, x, names = read_csv(path, targets[0])
    if len(targets) == 1:
        return y, x
    columns = [y] + [read_csv(path, t)[0] for t in targets[1:]]
    text = [t for t, c in zip(targets, columns) if any(isinstance(v, str) for v in c)]
    if text:
        fail(f"several --target columns must be numeric (0/1 per label); column "
             f"{text[0]!r} holds text")
    keep = [i for i, n in enumerate(names) if n not in targets]
    x = [[row[i] for i in keep] for row in x] if x is not None and keep else None
    return [list(r) for r in zip(*columns)], x


def _render_advice(advice: Any) -> None:
    from rich.panel import Panel
    from rich.syntax import Syntax
    from rich.table import Table

    from actloss.advisor.text import LABELS

    lang = advice.lang
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()

    def fmt(name: str, params: dict[str, Any]) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in params.items())
        return f"{name}({inner})" if inner else name

    grid.add_row(LABELS("task", lang), f"{advice.task} ({advice.task_source})")
    grid.add_row(LABELS("hidden", lang), advice.hidden_activation + (
        f"  ({LABELS('or', lang)} {', '.join(advice.hidden_alternatives)})"
        if advice.hidden_alternatives else ""))
    out = advice.output_activation
    if advice.output_in_loss:
        out += f"  ({LABELS('in_loss', lang)})"
    grid.add_row(LABELS("output", lang), out)
    if advice.target_transform:
        grid.add_row(LABELS("transform", lang), f"{advice.target_transform}(y)")
    grid.add_row(LABELS("loss", lang), fmt(advice.loss, advice.loss_params))
    if advice.extra_losses:
        grid.add_row(LABELS("also", lang), " + ".join(f"{fmt(e.name, e.params)} [{e.role}]"
                                                      for e in advice.extra_losses))
    if advice.alternatives:
        grid.add_row(LABELS("alternatives", lang), ", ".join(advice.alternatives))
    console.print(Panel(grid, title="actloss advise", expand=False))
    console.print(f"[bold]{LABELS('reasons', lang)}[/]")
    for r in advice.reasons:
        console.print(f"  • {r.text}", highlight=False, soft_wrap=True)
        console.print(f"    [dim]{r.source}[/]", highlight=False, soft_wrap=True)
    for n in advice.notes:
        console.print(f"  [yellow]{LABELS('note', lang)}:[/] {n}", highlight=False,
                      soft_wrap=True)
    console.print(Syntax(advice.code, "python", theme="ansi_dark", background_color="default",
                         word_wrap=True))


def _render_findings(findings: list[Any], lang: str) -> None:
    from rich.table import Table

    if not findings:
        console.print("[green]no problems found[/]")
        return
    table = Table(title="actloss check", show_lines=True)
    for col in ("severity", "code", "where", "message", "fix"):
        table.add_column(col, overflow="fold")
    colour = {"error": "red", "warning": "yellow", "info": "cyan"}
    for f in findings:
        msg, fix = f.text(lang)
        table.add_row(f"[{colour[f.severity]}]{f.severity}[/]", f.code, f.where, msg, fix)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""

    @app.command("advise")
    def advise_cmd(
        data: Annotated[Path | None, typer.Argument(
            help="CSV file with a header row (the target column and numeric features)")
        ] = None,
        target: Annotated[list[str] | None, typer.Option(
            "--target", "-t", help="target column of DATA; repeat it for several 0/1 "
                                   "columns (a multi-label task)")] = None,
        task: Annotated[str | None, typer.Option(
            help="binary, multiclass, multilabel, regression, quantile, count, detection, "
                 "segmentation, gan, metric_learning, rnn (detected from the data if "
                 "omitted)")] = None,
        imbalance: Annotated[float | None, typer.Option(
            help="share of the minority (positive) class, in (0, 1)")] = None,
        quantiles: Annotated[str | None, typer.Option(
            help="comma-separated quantile levels for --task quantile")] = None,
        lang: Annotated[str, typer.Option(help="en or zh")] = "en",
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """Recommend hidden/output activations and a loss, from a task and/or data."""
        from actloss.advisor import advise

        y = x = None
        if data is not None:
            if not data.is_file():
                _missing_file(data, "file")
            if not target:
                from actloss._csv import read_header

                header = read_header(data)
                fail(f"--target is required with a data file; columns: {', '.join(header)}")
            y, x = _read_targets(data, target)
            if len(target) > 1 and task is None:
                task = "multilabel"  # one 0/1 column per label
        elif target:
            fail("--target needs a data file (actloss advise DATA.csv --target COLUMN)")
        qs = None
        if quantiles is not None:
            try:
                qs = [float(q) for q in quantiles.split(",") if q.strip()]
            except ValueError:
                fail(f"--quantiles must be comma-separated numbers; got {quantiles!r}")
        advice = advise(task, y, x, imbalance=imbalance, quantiles=qs, lang=lang)
        if as_json:
            print_json(advice.to_json())
        else:
            _render_advice(advice)

    @app.command("check")
    def check_cmd(
        factory: Annotated[str, typer.Argument(
            help="FILE.py:FACTORY; the factory returns (model, loss, example_input, "
                 "example_target)")],
        lr: Annotated[float | None, typer.Option(
            help="learning rate to probe: one step on a copy, ReLU units it kills")] = None,
        optimizer: Annotated[str, typer.Option(help="sgd or adam, for --lr")] = "sgd",
        timeout: Annotated[float, typer.Option(
            help="seconds the file, its factory and one forward/backward pass may take "
                 "(the file runs in a child process)")] = DEFAULT_CHECK_TIMEOUT,
        lang: Annotated[str, typer.Option(help="en or zh")] = "en",
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """Lint a model and its loss on one real batch; exit 1 when an error is found.

        The file runs in a child process with a time limit. Exit codes: 0 checked, no
        errors; 1 checked, errors found; 2 nothing was checked (the file is missing,
        exits, raises, hangs, or its factory returns no model), with one line saying
        which.
        """
        if lang not in LANGS:
            fail(f"--lang must be one of 'en', 'zh'; got {lang!r}")
        if not (timeout > 0 and timeout != float("inf")):
            fail(f"--timeout must be a number of seconds > 0; got {timeout}")
        path_text, sep, name = factory.rpartition(":")
        if not sep or not path_text:
            path_text, name = factory, "make"
        path = Path(path_text)
        if not path.is_file():
            _missing_file(path, "file")
        findings = _run_check_child(path, name or "make", lr, optimizer, timeout)
        if as_json:
            print_json(findings)
        else:
            from actloss.findings import Finding

            _render_findings([Finding(**f) for f in findings], lang)
        if any(f.get("severity") == "error" for f in findings):
            raise typer.Exit(1)


# a generous bound for importing torch, building a model and one forward/backward pass
DEFAULT_CHECK_TIMEOUT = 60.0


def _run_check_child(path: Path, name: str, lr: float | None, optimizer: str,
                     timeout: float) -> list[dict[str, Any]]:
    """Run the user's file in a child process; return the findings or fail with one line.

    The child (:mod:`actloss._cli._check_child`) writes its outcome to a file of a fresh
    temporary directory; no file means it never got to report, and nothing passes
    without a report written after the check returned.
    """
    import json
    import os
    import signal
    import subprocess
    import tempfile

    import actloss

    pkg_root = str(Path(actloss.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (pkg_root, env.get("PYTHONPATH", "")) if p)
    with tempfile.TemporaryDirectory(prefix="actloss-check-") as tmp:
        result = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "actloss._cli._check_child", str(result),
               str(path.resolve()), name, "" if lr is None else repr(float(lr)), optimizer]
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)

        def kill() -> None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proc.kill()
            proc.communicate()

        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill()
            fail(f"'{path}' did not finish within {timeout:g} s (an endless loop, or a "
                 "model slower than --timeout); nothing was checked")
        except KeyboardInterrupt:
            kill()
            fail("interrupted; nothing was checked", 130)
        if not result.is_file():
            code = proc.returncode
            how = (f"was killed by signal {-code}" if code is not None and code < 0
                   else f"exited with code {code}")
            last = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            detail = f" ({last[0][:200]})" if last else ""
            fail(f"the process running '{path}' {how} before reporting (os._exit or a crash "
                 f"in the file?){detail}; nothing was checked")
        data = json.loads(result.read_text(encoding="utf-8"))
    if data.get("status") != "ok":
        fail(str(data.get("message", "the check did not run")))
    findings = data.get("findings")
    if not isinstance(findings, list):
        fail("the check process reported no findings list; nothing was checked")
    for f in findings:  # the model or the loss never ran: nothing else could be checked
        if isinstance(f, dict) and f.get("code") in ("forward_error", "loss_error"):
            fail(f"{f.get('message', f['code'])} (in '{path}'); nothing was checked")
    return findings
