"""Command-line group: ``advise`` (choose an activation and a loss) and ``check`` (lint).

``actloss advise --task binary --imbalance 0.05``
``actloss advise data.csv --target label [--lang zh] [--json]``
``actloss check model.py:make [--lr 0.1] [--json]``: exit 1 when an error is found.
"""

from __future__ import annotations

import csv
import difflib
import importlib.util
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from actloss._cli.common import console, fail, print_json

__all__ = ["load_factory", "read_csv", "register"]


def _missing_file(path: Path, what: str) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    names = [p.name for p in parent.iterdir()] if parent.is_dir() else []
    close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    fail(f"{what} '{path}' not found{hint}")


def read_csv(path: Path, target: str) -> tuple[list[Any], list[list[float]] | None,
                                               list[str]]:
    """Read ``target`` as y and every other all-numeric column as x (stdlib ``csv``).

    Returns ``(y, x, feature_names)``; y holds floats when every non-empty value parses
    as a number, else strings. Empty cells become NaN (numbers) or ``''`` (labels).
    """
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            fail(f"'{path}' is empty")
        rows = [r for r in reader if any(c.strip() for c in r)]
    if target not in header:
        close = difflib.get_close_matches(target, header, n=3, cutoff=0.5)
        hint = (f"; did you mean {', '.join(repr(c) for c in close)}?" if close
                else f"; columns: {', '.join(header)}")
        fail(f"column '{target}' not found in '{path}'{hint}")
    columns: dict[str, list[str]] = {h: [] for h in header}
    for r in rows:
        for i, h in enumerate(header):
            columns[h].append(r[i].strip() if i < len(r) else "")

    def numeric(values: list[str]) -> list[float] | None:
        out = []
        for v in values:
            if v == "" or v.lower() in ("nan", "na"):
                out.append(float("nan"))
                continue
            try:
                out.append(float(v))
            except ValueError:
                return None
        return out

    y_num = numeric(columns[target])
    y: list[Any] = y_num if y_num is not None else columns[target]
    feats = [(h, numeric(columns[h])) for h in header if h != target]
    names = [h for h, v in feats if v is not None]
    cols = [v for _, v in feats if v is not None]
    x = [list(row) for row in zip(*cols)] if cols else None
    return y, x, names


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


def load_factory(spec: str) -> Any:
    """The callable named by ``FILE.py:FACTORY`` (``make`` when no factory is named)."""
    path_text, sep, name = spec.rpartition(":")
    if not sep:
        path_text, name = spec, "make"
    path = Path(path_text)
    if not path.is_file():
        _missing_file(path, "file")
    module_name = f"actloss_check_{path.stem}"
    loader_spec = importlib.util.spec_from_file_location(module_name, path)
    if loader_spec is None or loader_spec.loader is None:
        fail(f"'{path}' is not a Python file")
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[module_name] = module
    try:
        loader_spec.loader.exec_module(module)
    except Exception as exc:
        fail(f"importing '{path}' raised {type(exc).__name__}: {exc}")
    factory = getattr(module, name, None)
    if not callable(factory):
        names = [k for k, v in vars(module).items() if callable(v) and not k.startswith("_")
                 and getattr(v, "__module__", None) == module_name]
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = (f"; did you mean {', '.join(repr(c) for c in close)}?" if close
                else f"; callables: {', '.join(names) or 'none'}")
        fail(f"'{path}' has no factory '{name}'{hint}")
    return factory


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
        msg = f.message_zh if lang == "zh" and f.message_zh else f.message
        fix = f.fix_zh if lang == "zh" and f.fix_zh else f.fix
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
                with data.open(newline="", encoding="utf-8-sig") as fh:
                    header = next(csv.reader(fh), [])
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
        lang: Annotated[str, typer.Option(help="en or zh")] = "en",
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    ) -> None:
        """Lint a model and its loss on one real batch; exit 1 when an error is found."""
        from actloss.lint import check

        if lang not in ("en", "zh"):
            fail(f"--lang must be one of 'en', 'zh'; got {lang!r}")
        make = load_factory(factory)
        try:
            made = make()
        except Exception as exc:
            fail(f"calling the factory raised {type(exc).__name__}: {exc}")
        if not isinstance(made, (tuple, list)) or len(made) not in (3, 4):
            fail("the factory must return (model, loss, example_input, example_target); got "
                 f"{type(made).__name__}"
                 + (f" of length {len(made)}" if isinstance(made, (tuple, list)) else ""))
        findings = check(*made, lr=lr, optimizer=optimizer)
        if as_json:
            print_json([f.to_json() for f in findings])
        else:
            _render_findings(findings, lang)
        if any(f.severity == "error" for f in findings):
            raise typer.Exit(1)
