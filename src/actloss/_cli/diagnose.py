"""Command-line group: ``actloss monitor`` (train an MLP under the diagnostics monitor)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from actloss._cli.common import console, err_console, fail, print_json
from actloss._i18n import LANGS, tr

_SEVERITY = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _widths(text: str) -> list[int]:
    try:
        out = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        fail(f"`--hidden` must be comma-separated layer widths such as 64,64; got {text!r}")
    if not out or any(v < 1 for v in out):
        fail(f"`--hidden` must be comma-separated layer widths >= 1; got {text!r}")
    return out


# the largest MLP monitor builds: 20 M weights (80 MB in float32, a few times that with
# gradients and Adam's state); checked before anything is allocated
MAX_WEIGHTS = 20_000_000


def _check_run(sizes: list[int], activation: str, epochs: int, batch_size: int, every: int,
               lr: float | None, figure: Path | None) -> None:
    """Refuse settings that would crash or hang the run, before anything is allocated."""
    import itertools
    import math

    from actloss import activations

    spec = activations.spec(activation)  # an unknown name: UnknownNameError, one line
    if spec.kind in ("gated", "grouped"):
        what = "halves its input" if spec.kind == "gated" else "pools groups of its input"
        fail(f"`--activation` {spec.name} {what}, so it cannot sit between the MLP's "
             f"Linear layers; pick an element-wise activation such as relu or gelu")
    weights = sum(a * b for a, b in itertools.pairwise(sizes))
    if weights > MAX_WEIGHTS:
        fail(f"`--hidden` gives {weights:,} weights, more than the monitor's limit of "
             f"{MAX_WEIGHTS:,}; use narrower layers")
    for name, value in (("--epochs", epochs), ("--batch-size", batch_size),
                        ("--every", every)):
        if value < 1:
            fail(f"`{name}` must be an int >= 1; got {value}")
    if lr is not None and not (math.isfinite(lr) and lr > 0):
        fail(f"`--lr` must be a float in (0, inf); got {lr}")
    if figure is not None and Path(figure).suffix.lower() not in (".png", ".svg", ".pdf"):
        fail(f"`--figure` must end in .png, .svg or .pdf; got {str(figure)!r}")
    if figure is not None:
        try:
            Path(figure).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            fail(f"`--figure` {str(figure)!r} cannot be written: {exc.strerror or exc}")


def _render(summary: Any, findings: list[Any], lang: str) -> None:
    last = summary.last
    if last is not None and last.activations:
        t = RichTable(title=f"Activations, epoch {last.epoch + 1}")
        for col in ("module", "activation", "units", "dead", "f'=0", "saturated"):
            t.add_column(col)
        for a in last.activations:
            sat = "-" if a.saturation_fraction is None else f"{a.saturation_fraction:.1%}"
            t.add_row(a.name, a.activation, str(a.units), f"{a.dead_fraction:.1%}",
                      f"{a.zero_fraction:.1%}", sat)
        console.print(t)
    if last is not None and last.layers:
        t = RichTable(title="Layers (medians over the epoch's sampled steps)")
        for col in ("module", "||grad||", "mean |grad|", "||dW||/||W||"):
            t.add_column(col)
        for g in last.layers:
            upd = "-" if g.update_ratio is None else f"{g.update_ratio:.2e}"
            t.add_row(g.name, f"{g.grad_norm:.3e}", f"{g.mean_abs_grad:.3e}", upd)
        console.print(t)
        if last.grad_ratio is not None:
            console.print(f"first/last gradient-norm ratio: {last.grad_ratio:.3e}")
    if not findings:
        console.print(tr(lang, "[green]no findings[/]", "[green]未发现问题[/]"))
        return
    for f in findings:
        msg, fix = f.text(lang)
        console.print(f"[{_SEVERITY[f.severity]}]{f.severity}[/] [bold]{f.code}[/] "
                      f"at {f.where}: {msg}", highlight=False)
        console.print(f"    fix: {fix}", highlight=False)
        eff = f.effect
        if eff:
            t = RichTable(title=f"remedies for {f.code}: {eff['steps']} steps on one batch")
            for col in ("trial", "loss", "grad ratio", "dead", "saturated"):
                t.add_column(col)
            rows = [("before (unchanged)", eff["before"]), *eff["after"].items()]
            for name, r in rows:
                best = " *" if name == eff.get("best") else ""
                gr = "-" if r["grad_ratio"] is None else f"{r['grad_ratio']:.2e}"
                sat = "-" if r["saturation_fraction"] is None else \
                    f"{r['saturation_fraction']:.1%}"
                loss = r["loss"] if isinstance(r["loss"], str) else f"{r['loss']:.4f}"
                t.add_row(name + best, loss, gr, f"{r['dead_fraction']:.1%}", sat)
            console.print(t)


def register(app: typer.Typer) -> None:
    """Add ``monitor`` to ``app``."""

    @app.command("monitor")
    def monitor_command(
        data: Annotated[str, typer.Option("--data", help="Embedded dataset name.")] = "digits",
        activation: Annotated[str, typer.Option(
            "--activation", "-a", help="Hidden activation (catalog name).")] = "relu",
        hidden: Annotated[str, typer.Option(
            "--hidden", help="Hidden widths, comma-separated.")] = "64,64",
        init: Annotated[str, typer.Option(
            "--init", help="auto, he, xavier, lecun, siren or default.")] = "auto",
        bias_init: Annotated[float, typer.Option(
            "--bias-init", help="Initial value of every hidden bias.")] = 0.0,
        optimizer: Annotated[str, typer.Option("--optimizer", help="Optimizer name.")] = "adam",
        lr: Annotated[float | None, typer.Option("--lr", help="Learning rate.")] = None,
        epochs: Annotated[int, typer.Option("--epochs", help="Epochs.")] = 3,
        batch_size: Annotated[int, typer.Option("--batch-size", help="Batch size.")] = 64,
        every: Annotated[int, typer.Option(
            "--every", help="Statistics every k batches.")] = 1,
        seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 0,
        remedies: Annotated[bool, typer.Option(
            "--remedies", help="Try each finding's remedies on copies and show the effect.")
        ] = False,
        figure: Annotated[Path | None, typer.Option(
            "--figure", help="Write the gradient-flow figure (PNG) here.")] = None,
        lang: Annotated[str, typer.Option("--lang", help="en or zh.")] = "en",
        as_json: Annotated[bool, typer.Option("--json", help="Write JSON.")] = False,
    ) -> None:
        """Train an MLP under the diagnostics monitor and show what it finds.

        Example: ``actloss monitor -a sigmoid --hidden 32,32,32,32,32,32,32,32 --init xavier
        --remedies`` shows vanishing gradients and what ReLU + He init does about them.
        """
        import matplotlib

        matplotlib.use("Agg")
        import torch
        from torch import nn

        from actloss.diagnostics import monitor
        from actloss.lab.data import load
        from actloss.lab.models import mlp
        from actloss.lab.train import fit

        if lang not in LANGS:
            fail(f"`--lang` must be 'en' or 'zh'; got {lang!r}")
        widths = _widths(hidden)
        _check_run([1, *widths, 1], activation, epochs, batch_size, every, lr, figure)
        ds = load(data, seed=seed)
        sizes = [ds.n_features, *widths, ds.n_classes]
        _check_run(sizes, activation, epochs, batch_size, every, lr, figure)
        model = mlp(sizes, activation=activation, init=init, bias_init=bias_init, seed=seed)
        m = monitor(model, every=every)
        if not as_json:
            err_console.print(f"training {'-'.join(map(str, sizes))} {activation} MLP on "
                              f"{data} for {epochs} epoch(s) under the monitor...")
        fit(model, nn.functional.cross_entropy, (ds.x_train, ds.y_train), epochs=epochs,
            batch_size=batch_size, optimizer=optimizer, lr=lr, callbacks=[m], seed=seed,
            progress=False, validation=None)
        summary = m.summary()
        findings = list(summary.findings)
        if remedies and findings:
            def factory() -> nn.Module:
                return mlp(sizes, activation=activation, init=init, bias_init=bias_init,
                           seed=seed)

            g = torch.Generator().manual_seed(seed)
            idx = torch.randperm(ds.x_train.shape[0], generator=g)[:256]
            findings = m.try_remedies(factory, nn.functional.cross_entropy,
                                      (ds.x_train[idx], ds.y_train[idx]),
                                      lr=lr if lr is not None else 1e-3,
                                      optimizer="sgd" if optimizer == "sgd" else "adam",
                                      seed=seed)
        if figure is not None:  # whole or not at all (temporary file, then a rename)
            from actloss._cli.catalog import save_figure

            save_figure(m.gradient_flow_figure(), figure)
        if as_json:
            out = summary.to_json()
            out["findings"] = [f.to_json() for f in findings]
            print_json(out)
            return
        _render(summary, findings, lang)
        if figure is not None:
            console.print(f"gradient-flow figure: {figure}")
