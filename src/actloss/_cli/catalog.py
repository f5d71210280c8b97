"""Command-line group: the catalog (``list``, ``show``, ``plot``, ``gallery``).

The commands render what the catalogs hold (their specs) and the figures of
:mod:`actloss.plots`. Figures are written whole or not at all: to a temporary file in the
target directory, then renamed over the target.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.table import Table

from actloss._cli.common import console, fail, print_json
from actloss._i18n import LANGS, Words, tr
from actloss.errors import UnknownNameError

__all__ = ["register", "resolve", "save_figure"]

_WHAT = ("activations", "losses", "all")
_LANGS = LANGS
_KINDS = ("auto", "activation", "loss")
_FORMATS = (".png", ".svg", ".pdf")


# ---------------------------------------------------------------------------------------
# shared with losses_plot: name resolution, JSON cleaning, atomic figure writing
# ---------------------------------------------------------------------------------------

def _clean(value: Any) -> Any:
    """JSON-safe: infinities and NaN as strings (JSON has no Infinity)."""
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _choice(option: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        fail(f"`{option}` must be one of {', '.join(repr(c) for c in choices)}; got {value!r}")
    return value


def save_figure(fig: Any, out: Path) -> Path:
    """Write ``fig`` to ``out`` atomically (temporary file in the same directory, then
    ``os.replace``); a missing directory or an unknown format is a one-line error."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in _FORMATS:
        fail(f"`--out` must end in one of {', '.join(_FORMATS)}; got {str(out)!r}")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        fail(f"output directory {str(parent)!r} does not exist (create it first)")
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{out.name}.", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fig.savefig(fh, format=suffix[1:], dpi=110)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out


def resolve(name: str, kind: str = "auto") -> tuple[str, Any]:
    """``('activation' | 'loss', spec)`` for ``name``, through the registries' one resolver
    (docs/names.md): activations first when both match, then losses; peers' spellings
    (``CategoricalCrossentropy``, ``l2_loss``, ``keras:dice``) included. A spelling the
    peers share with different meanings raises, naming each peer's entry."""
    from actloss import activations as A
    from actloss import losses as L
    from actloss._registry import AmbiguousNameError

    suggestions: list[str] = []
    for what, reg in (("activation", A.REGISTRY), ("loss", L.REGISTRY)):
        if kind not in ("auto", what):
            continue
        try:
            return what, reg.spec(name)
        except AmbiguousNameError:
            raise
        except UnknownNameError as exc:
            if kind == what:
                raise
            suggestions += list(exc.suggestions)
    hint = ("; did you mean " + " or ".join(repr(s) for s in dict.fromkeys(suggestions)) + "?"
            if suggestions else "; see `actloss list`")
    raise UnknownNameError(f"unknown activation or loss {name!r}{hint}", name=name,
                           suggestions=tuple(suggestions))


def _names_of(what: str, spec: Any) -> dict[str, Any]:
    """The peers' spellings of the entry, the shared spellings it is one meaning of, the
    twin entry and the edge conventions (the metadata `show` prints)."""
    from actloss import activations as A
    from actloss import losses as L

    reg = A.REGISTRY if what == "activation" else L.REGISTRY
    return reg.peer_metadata(spec.name)


def _range(spec: Any) -> list[Any]:
    r = spec.output_range
    return _clean([r.low, r.high])


def _yes(v: bool) -> str:
    return "yes" if v else "no"


# Property words of `show --lang zh`, longest first so that no word replaces part of another.
PROPERTY_WORDS = Words("actloss show properties", {en: (en, zh) for en, zh in (
    ("robust to outliers", "对离群点稳健"), ("handles imbalance", "处理类别不平衡"),
    ("zero-centred", "零中心"), ("monotonic", "单调"), ("saturates", "饱和区"),
    ("smooth", "平滑"), ("range", "值域"), ("role", "用途"), ("tasks", "任务"),
    ("input", "输入"), ("target", "目标"), ("pairs with", "搭配"), ("convex", "凸"),
    ("reductions", "归约"), ("negative", "负半轴"), ("positive", "正半轴"),
    ("both", "两端"), ("none", "无"), ("hidden", "隐藏层"), ("output", "输出层"),
    ("gate", "门控"), ("yes", "是"), ("no", "否"),
)})

# The headings of `show`.
WORDS = Words("actloss show", {
    "parameters": ("parameters", "参数"),
    "activation": ("activation", "激活函数"),
    "loss": ("loss", "损失函数"),
    "formula": ("formula", "公式"),
    "derivative": ("derivative", "导数"),
    "gradient": ("gradient", "梯度"),
    "closed": ("closed form available", "有闭式解"),
    "autograd": ("by autograd", "由自动微分计算"),
    "properties": ("properties", "性质"),
    "aliases": ("aliases", "别名"),
    "pros": ("pros", "优点"),
    "cons": ("cons", "缺点"),
    "other_defaults": ("defaults in other libraries", "其他库中的默认值"),
    "peer_names": ("names in other libraries", "其他库中的名称"),
    "twin": ("same element-wise function as: ", "与之逐元素相同: "),
    "conventions": ("conventions", "边界约定"),
    "reference": ("reference", "参考文献"),
})


def _to_zh(prop: str) -> str:
    """A property line with its words in Chinese (names and numbers unchanged)."""
    head, sep, rest = prop.partition(" ")
    words = {en: PROPERTY_WORDS(en, "zh") for en in PROPERTY_WORDS.texts}
    for en in words:  # multi-word keys first
        if " " in en and prop.startswith(en + " "):
            head, sep, rest = en, " ", prop[len(en) + 1:]
            break
    head = words.get(head, head)
    if head in ("值域", "任务", "输入", "目标", "搭配", "归约") or "'" in prop or "|" in prop:
        return f"{head}{sep}{rest}"
    return f"{head}{sep}" + ", ".join(words.get(w.strip(), w.strip()) for w in rest.split(","))


# ---------------------------------------------------------------------------------------
# list
# ---------------------------------------------------------------------------------------

def _activation_rows() -> list[dict[str, Any]]:
    from actloss import activations as A

    return [{"name": s.name, "kind": s.kind, "range": _range(s),
             "range_text": _fmt_range(s.output_range), "monotonic": s.monotonic,
             "zero_centred": s.zero_centred, "smooth": s.smooth, "role": list(s.role),
             **A.REGISTRY.peer_metadata(s.name)}
            for s in A.REGISTRY]


def _loss_rows() -> list[dict[str, Any]]:
    from actloss import losses as L

    return [{"name": s.name, "family": s.family, "task": list(s.tasks), "input": s.input_kind,
             "target": s.target_kind, "pairs_with": s.pairs_with,
             "robust": s.robust_to_outliers, "imbalance": s.handles_imbalance,
             **L.REGISTRY.peer_metadata(s.name)}
            for s in L.REGISTRY]


def _fmt_range(r: Any) -> str:
    """An output range with its open or closed ends, e.g. ``(0, 1)`` or ``[0, ∞)``."""
    return str(r).replace("inf", "∞")


def list_catalog(
    what: Annotated[str, typer.Argument(help="activations, losses or all.")] = "all",
    as_json: Annotated[bool, typer.Option("--json", help="Write JSON.")] = False,
) -> None:
    """List the activations and/or the losses of the catalog."""
    _choice("WHAT", what, _WHAT)
    acts = _activation_rows() if what in ("activations", "all") else None
    losses = _loss_rows() if what in ("losses", "all") else None
    if as_json:
        data: dict[str, Any] = {}
        if acts is not None:
            data["activations"] = acts
        if losses is not None:
            data["losses"] = losses
        print_json(_clean(data))
        return
    if acts is not None:
        t = Table(title=f"activations ({len(acts)})")
        for col in ("name", "range", "monotonic", "zero-centred", "smooth", "role"):
            t.add_column(col, style="bold" if col == "name" else None,
                         no_wrap=col in ("name", "range"))
        for a in acts:
            t.add_row(a["name"], a["range_text"], _yes(a["monotonic"]),
                      _yes(a["zero_centred"]), _yes(a["smooth"]), ", ".join(a["role"]))
        console.print(t)
    if losses is not None:
        t = Table(title=f"losses ({len(losses)})")
        for col in ("name", "task", "input", "target", "pairs with", "robust", "imbalance"):
            t.add_column(col, style="bold" if col == "name" else None, no_wrap=col == "name")
        for s in losses:
            t.add_row(s["name"], ", ".join(s["task"]), s["input"], s["target"],
                      s["pairs_with"] or "-", _yes(s["robust"]), _yes(s["imbalance"]))
        console.print(t)


# ---------------------------------------------------------------------------------------
# show
# ---------------------------------------------------------------------------------------

def _show_json(kind: str, spec: Any) -> dict[str, Any]:
    from actloss._meta import spec_to_json

    data = spec_to_json(spec)
    data["kind_of_entry"] = kind
    data.update(_names_of(kind, spec))
    if kind == "activation":
        data["range"] = _range(spec)
        data["has_closed_form_derivative"] = spec.derivative is not None
    else:
        data["has_closed_form_gradient"] = spec.gradient is not None
    return _clean(data)


def _params_table(spec: Any, lang: str) -> Table:
    t = Table(title=WORDS("parameters", lang), title_justify="left")
    for col in ("name", "default", "valid values", "about"):
        t.add_column(col)
    for p in spec.params:
        t.add_row(p.name, repr(p.default), p.describe(), p.doc)
    return t


def show(
    name: Annotated[str, typer.Argument(help="An activation or loss name (aliases allowed).")],
    lang: Annotated[str, typer.Option("--lang", help="en or zh.")] = "en",
    kind: Annotated[str, typer.Option(
        "--kind", help="auto, activation or loss (for a name in both catalogs).")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Write JSON.")] = False,
) -> None:
    """Formula, derivative, properties, parameters, pros and cons of one entry."""
    _choice("--lang", lang, _LANGS)
    _choice("--kind", kind, _KINDS)
    what, spec = resolve(name, kind)
    if as_json:
        print_json(_show_json(what, spec))
        return
    summary = tr(lang, spec.summary, spec.summary_zh)
    kind_label = WORDS(what, lang)
    family = f", {spec.family}" if spec.family else ""
    lines = [f"[bold]{spec.name}[/] ({kind_label}{family})", summary, ""]
    lines.append(f"[bold]{WORDS('formula', lang)}:[/] {spec.formula}")
    if what == "activation":
        if spec.derivative_formula:
            lines.append(f"[bold]{WORDS('derivative', lang)}:[/] {spec.derivative_formula}")
        props = [f"range {_fmt_range(spec.output_range)}", f"monotonic {_yes(spec.monotonic)}",
                 f"zero-centred {_yes(spec.zero_centred)}", f"smooth {_yes(spec.smooth)}",
                 f"saturates {spec.saturates}", f"f'(0) = {spec.d0}",
                 f"max |f'| = {spec.max_abs_derivative:g}", f"role {', '.join(spec.role)}"]
        props = [tr(lang, p, _to_zh(p)) for p in props]
    else:
        closed = spec.gradient is not None
        how = WORDS("closed" if closed else "autograd", lang)
        lines.append(f"[bold]{WORDS('gradient', lang)}:[/] {how}")
        props = [f"tasks {', '.join(spec.tasks)}", f"input {spec.input_kind}",
                 f"target {spec.target_kind}", f"pairs with {spec.pairs_with or '-'}",
                 f"robust to outliers {_yes(spec.robust_to_outliers)}",
                 f"handles imbalance {_yes(spec.handles_imbalance)}",
                 f"convex {_yes(spec.convex)}", f"reductions {', '.join(spec.reductions)}"]
        props = [tr(lang, p, _to_zh(p)) for p in props]
    lines.append(f"[bold]{WORDS('properties', lang)}:[/] " + "; ".join(props))
    if spec.aliases:
        lines.append(f"[bold]{WORDS('aliases', lang)}:[/] {', '.join(spec.aliases)}")
    for title, items in (("pros", spec.pros.get(lang)), ("cons", spec.cons.get(lang))):
        if items:
            lines.append(f"[bold]{WORDS(title, lang)}:[/]")
            lines += [f"  • {item}" for item in items]
    if spec.other_defaults:
        lines.append(f"[bold]{WORDS('other_defaults', lang)}:[/]")
        lines += [f"  {lib}: {val}" for lib, val in spec.other_defaults.items()]
    if spec.torch_equivalent:
        lines.append(f"[bold]PyTorch:[/] {spec.torch_equivalent}")
    names = _names_of(what, spec)
    if names["peer_names"]:
        lines.append(f"[bold]{WORDS('peer_names', lang)}:[/] "
                     + "; ".join(f"{peer}: {', '.join(ns)}"
                                 for peer, ns in names["peer_names"].items()))
    for peer, entry in names["same_spelling_elsewhere"].items():
        lines.append(tr(lang, f"'{spec.name}' is also {peer}'s spelling of {entry}: the bare "
                              f"name keeps actloss's meaning (peer='{peer}' gives {entry})",
                        f"'{spec.name}' 也是 {peer} 对 {entry} 的称呼: 不带 peer 时保持 actloss "
                        "的含义"))
    if names["twin"]:
        lines.append(WORDS("twin", lang) + names["twin"])
    for key, meanings in names["shared_spellings"].items():
        listed = ", ".join(f"{p}: {e}" for p, e in meanings.items())
        lines.append(tr(lang, f"'{key}' means different things ({listed}); refused without a "
                              "peer (actloss's canonical names keep actloss's meaning)",
                        f"'{key}' 在不同库中含义不同 ({listed}); 不带 peer 时拒绝解析"))
    if names["conventions"]:
        lines.append(f"[bold]{WORDS('conventions', lang)}:[/]")
        lines += [f"  • {c}" for c in names["conventions"]]
    ref = spec.reference + (f" ({spec.year})" if spec.year and str(spec.year) not in
                            spec.reference else "")
    if ref.strip():
        lines.append(f"[bold]{WORDS('reference', lang)}:[/] {ref}")
    console.print(Panel("\n".join(lines), expand=False), highlight=False)
    if spec.params:
        console.print(_params_table(spec, lang))


# ---------------------------------------------------------------------------------------
# plot, gallery
# ---------------------------------------------------------------------------------------

def plot(
    names: Annotated[list[str], typer.Argument(help="Element-wise activation names.")],
    out: Annotated[Path, typer.Option("--out", help="Output file (.png, .svg, .pdf).")] = Path(
        "activations.png"),
    xmin: Annotated[float, typer.Option("--xmin", help="Left end of the x axis.")] = -6.0,
    xmax: Annotated[float, typer.Option("--xmax", help="Right end of the x axis.")] = 6.0,
    no_shade: Annotated[bool, typer.Option("--no-shade",
                                           help="Do not shade low-gradient zones.")] = False,
) -> None:
    """Activations (solid) with derivatives (dashed); |f'| < 5% of max |f'| shaded."""
    from actloss import plots

    fig = plots.plot_activations(names, x_range=(xmin, xmax), shade=not no_shade)
    console.print(f"wrote {save_figure(fig, out)}", highlight=False)


def gallery(
    out: Annotated[Path, typer.Option("--out", help="Output file (.png, .svg, .pdf).")] = Path(
        "gallery.png"),
    cols: Annotated[int, typer.Option("--cols", help="Panels per row.")] = 6,
) -> None:
    """Every element-wise activation with its derivative, on a grid."""
    from actloss import plots

    fig = plots.gallery(cols=cols)
    console.print(f"wrote {save_figure(fig, out)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.command("list")(list_catalog)
    app.command("show")(show)
    app.command("plot")(plot)
    app.command("gallery")(gallery)
