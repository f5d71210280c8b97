"""Command-line group: lab (``actloss lab list``, ``actloss lab run``) and ``actloss report``."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from actloss._cli.common import console, err_console, print_json
from actloss._i18n import LANGS, Words, tr

lab_app = typer.Typer(help="Reproducible experiments that test the sources' claims.",
                      no_args_is_help=True)

_STYLE = {"supported": "green", "not supported": "red", "inconclusive": "yellow"}

# the words of `actloss lab run`
WORDS = Words("actloss lab run", {
    "running": ("running", "运行"),
    "verdict": ("verdict", "结论"),
    "rule": ("rule", "判定规则"),
    "because": ("measured", "测量结果"),
    "note": ("note", "说明"),
    "seconds_unit": ("s", "秒"),
    "colon": (": ", "："),
})


@lab_app.command("list")
def list_experiments(
    as_json: Annotated[bool, typer.Option("--json", help="Write JSON.")] = False,
) -> None:
    """List the experiments and the claim each one tests."""
    from actloss.lab import experiments as E

    if as_json:
        print_json([E.get(n).to_json() for n in E.names()])
        return
    table = RichTable(title="actloss lab experiments")
    table.add_column("name", style="bold")
    table.add_column("title")
    table.add_column("source")
    for n in E.names():
        exp = E.get(n)
        table.add_row(n, f"{exp.title}\n{exp.title_zh}",
                      ", ".join(sorted({c.source.split("_")[0] for c in exp.claims})))
    console.print(table)


@lab_app.command("run")
def run_experiment(
    name: Annotated[str, typer.Argument(help="Experiment name (see `actloss lab list`).")],
    quick: Annotated[bool, typer.Option("--quick", help="Quick settings.")] = False,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed (default 0).")] = None,
    sets: Annotated[list[str] | None, typer.Option(
        "--set", help="Override a setting: key=value (lists comma-separated); repeatable.")
    ] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Directory for NAME.json and NAME.png.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Write the result as JSON.")] = False,
    lang: Annotated[str, typer.Option(
        "--lang", help="Language of the tables and verdict: en or zh.")] = "en",
) -> None:
    """Run one experiment and show its measured numbers and verdict."""
    import matplotlib

    matplotlib.use("Agg")
    from actloss._validation import Param, check_param
    from actloss.lab import experiments as E
    from actloss.lab.report import LABELS, cell_text, figure_to_base64, notes_text

    lang = check_param("lab run", Param("lang", "en", str, choices=LANGS), lang)
    exp = E.get(name)
    cfg = exp.config(quick=quick, seed=seed, overrides=E.parse_sets(sets or []))
    if out is not None and out.exists() and not out.is_dir():
        from actloss.errors import ParameterError

        raise ParameterError(f"`--out` must be a directory; got the file {str(out)!r}")
    if not as_json:
        mode = LABELS("mode_quick" if quick else "mode_full", lang)
        err_console.print(f"{WORDS('running', lang)} {exp.name} ({mode})...")
    result = exp.run(cfg)
    if out is not None:
        import base64

        png = base64.b64decode(figure_to_base64(exp.figure(result)))
        _write_files(out, {f"{exp.name}.json": json.dumps(result.to_json(), indent=2,
                                                          ensure_ascii=False).encode(),
                           f"{exp.name}.png": png})
    if as_json:
        print_json(result.to_json())
        return
    title, other = tr(lang, exp.title, exp.title_zh), tr(lang, exp.title_zh, exp.title)
    console.print(f"[bold]{title}[/]  ({other})")
    for c in exp.claims:
        console.print(f"  [dim]{c.source}[/]  {c.zh}\n  [italic]{c.en}[/]", highlight=False)
    for t in result.tables:
        table = RichTable(title=tr(lang, t.title, t.title_zh))
        for col, col_zh in zip(t.columns, t.columns_zh or t.columns, strict=True):
            table.add_column(str(tr(lang, col, col_zh)))
        for row in t.rows:
            table.add_row(*(cell_text(v, lang) for v in row))
        console.print(table)
    v = result.verdict
    status = tr(lang, v.status, v.status_zh)
    because = tr(lang, v.because, v.because_zh)
    colon = WORDS("colon", lang)
    console.print(f"{WORDS('verdict', lang)}{colon}[bold {_STYLE[v.status]}]"
                  f"{status}[/]  ({result.seconds:.1f} {WORDS('seconds_unit', lang)})")
    console.print(f"  {WORDS('rule', lang)}{colon}{tr(lang, v.rule, v.rule_zh)}",
                  highlight=False)
    console.print(f"  {WORDS('because', lang)}{colon}{because}", highlight=False)
    for note in notes_text(result, lang):
        console.print(f"  {WORDS('note', lang)}{colon}{note}", highlight=False)
    for f in result.findings:
        message = tr(lang, f.get("message", ""), f.get("message_zh", ""))
        console.print(f"  finding: {f.get('code')} at {f.get('where')}: {message}",
                      highlight=False)
    if out is not None:
        console.print(f"wrote {out / (exp.name + '.json')} and {out / (exp.name + '.png')}")


def _write_files(out: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into ``out`` whole or not at all (temporary directory + os.replace)."""
    parent = out.expanduser().resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".actloss-lab-", dir=parent))
    try:
        for fname, data in files.items():
            (tmp / fname).write_bytes(data)
        out.mkdir(parents=True, exist_ok=True)
        for fname in files:
            os.replace(tmp / fname, out / fname)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@lab_app.command("sweep")
def sweep(
    name: Annotated[str, typer.Argument(help="Experiment name (see `actloss lab list`).")],
    out: Annotated[Path, typer.Option("--out", help="Sweep directory (trials.jsonl).")],
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds 0 .. N-1 per grid point.")] = 5,
    sets: Annotated[list[str] | None, typer.Option(
        "--set", help="Grid of a setting: key=v1,v2 (a list setting: key=a,b/c); repeatable.")
    ] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Quick settings.")] = False,
    backend: Annotated[str, typer.Option(
        "--backend", help="local (process pool) or ray.")] = "local",
    address: Annotated[str | None, typer.Option(
        "--address", help="Address of an existing Ray cluster (with --backend ray).")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", help="Parallel trials (local pool size / local Ray CPUs).")] = 2,
) -> None:
    """Run an experiment over seeds and a settings grid; resumable, one JSON line a trial."""
    import matplotlib

    matplotlib.use("Agg")
    from actloss.lab import experiments as E
    from actloss.lab.sweep import plan, run_sweep

    trials = plan(name, seeds=seeds, quick=quick, sets=E.parse_sets(sets or []))

    def progress(record: dict, done: int, total: int) -> None:
        effect = record.get("effect")
        shown = "" if effect is None else f" effect {effect:.4g}"
        err_console.print(f"[{done}/{total}] {record['experiment']} seed {record['seed']} "
                          f"{record['settings'] or ''}{shown}", highlight=False)

    res = run_sweep(trials, out, backend=backend, address=address, workers=workers,
                    progress=progress)
    console.print(f"{res.ran} trial(s) run, {res.skipped} already recorded; records in "
                  f"{res.path}; `actloss report --from {out}` writes the report")


def report(
    quick: Annotated[bool, typer.Option("--quick", help="Quick settings (about a minute).")
                     ] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Output directory (default actloss-report; with --from, the sweep's).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language: en or zh.")] = "en",
    only: Annotated[list[str] | None, typer.Option(
        "--only", help="Run only this experiment; repeatable.")] = None,
    seeds: Annotated[int | None, typer.Option(
        "--seeds", help="Seeds per experiment (default 5, quick 3).")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Parallel trials.")] = 2,
    from_dir: Annotated[Path | None, typer.Option(
        "--from", help="Write the report of a sweep directory instead of running.")] = None,
) -> None:
    """Run every experiment over seeds and write one self-contained HTML report and
    results.json (or, with --from, the report of a sweep)."""
    import matplotlib
    from rich.progress import Progress

    matplotlib.use("Agg")

    from actloss.lab.report import build_report, report_from_sweep

    if from_dir is not None:
        res = report_from_sweep(from_dir, lang=lang, out_dir=out)
    else:
        with Progress(console=err_console, transient=True) as bar:
            task = bar.add_task("experiments", total=None)

            def progress(name: str, index: int, total: int) -> None:
                bar.update(task, total=total + 1, completed=index, description=name)

            res = build_report(quick=quick, lang=lang, out_dir=out or Path("actloss-report"),
                               experiments=only or None, progress=progress, seeds=seeds,
                               workers=workers)
    table = RichTable(title="actloss report")
    table.add_column("experiment")
    table.add_column("verdict")
    table.add_column("effect [95% interval]")
    table.add_column("CPU s", justify="right")
    for name, status in res.verdicts.items():
        shown = res.intervals.get(name, "")
        table.add_row(name, f"[{_STYLE[status]}]{status}[/]", shown,
                      f"{res.timings[name]:.1f}")
    console.print(table)
    console.print(f"wrote {res.html_path} and {res.json_path} in {res.total_seconds:.1f} s")


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.add_typer(lab_app, name="lab")
    app.command("report")(report)
