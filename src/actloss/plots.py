"""Figures of the catalog: activations with their derivatives, losses against the margin.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot`` (so
no global state and no window; saving uses the Agg canvas). The numbers behind each
figure are available separately (:func:`activation_curve`, :func:`low_gradient_zones`,
:func:`loss_curve`) so they can be checked and reused.

The low-gradient zone of an activation is where ``|f'(x)| < frac * max |f'|`` (``frac``
5% by default), computed from the catalog's closed-form derivative; ``max |f'|`` is the
spec's ``max_abs_derivative`` when finite, else the maximum over the plotted range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from matplotlib.figure import Figure

from actloss import activations as A
from actloss import losses as L
from actloss._validation import Interval, Param, check_params
from actloss.errors import ParameterError

__all__ = [
    "activation_curve",
    "gallery",
    "loss_curve",
    "low_gradient_zones",
    "plot_activations",
    "plot_losses",
]

_FRAC = Param("frac", 0.05, float, Interval(0.0, 1.0), doc="share of max |f'|")
_POINTS = Param("points", 801, int, Interval(11, 100_001, True, True), doc="grid size")
TASKS = ("binary", "regression")


def _x_range(owner: str, x_range: Sequence[float]) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise ParameterError(
            f"`x_range` of {owner} must be two numbers (low, high); got {x_range!r}"
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ParameterError(
            f"`x_range` of {owner} must be finite with low < high; got {x_range!r}"
        )
    return lo, hi


def _elementwise_spec(name: str) -> Any:
    s = A.spec(name)
    if s.kind != "elementwise" or s.derivative is None:
        raise ParameterError(
            f"activation {s.name!r} is a {s.kind} activation; only element-wise activations "
            "can be drawn as f(x) (see `actloss show` for its formula)"
        )
    return s


def activation_curve(name: str, x: torch.Tensor, **params: Any
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    """``(f(x), f'(x))`` of an element-wise activation, from the catalog (float64 ``x``)."""
    s = _elementwise_spec(name)
    kw = check_params(s.name, s.params, params)
    with torch.no_grad():
        return s.fn(x, **kw), s.derivative(x, **kw)


def low_gradient_zones(name: str, *, x_range: Sequence[float] = (-6.0, 6.0),
                       frac: float = 0.05, points: int = 801,
                       **params: Any) -> list[tuple[float, float]]:
    """Intervals of ``x_range`` where ``|f'(x)| < frac * max|f'|``.

    Found on a grid of ``points`` values, then each boundary refined by bisection on the
    closed-form derivative (to about 1e-9), so for sigmoid the boundaries are the roots of
    ``sigmoid'(x) = frac / 4``.

    Example:
        >>> [(round(a, 4), round(b, 4)) for a, b in low_gradient_zones("sigmoid")]
        [(-6.0, -4.3565), (4.3565, 6.0)]
        >>> [(a, round(b, 9)) for a, b in low_gradient_zones("relu", x_range=(-2, 2))]
        [(-2.0, 0.0)]
    """
    lo, hi = _x_range("low_gradient_zones", x_range)
    kw_g = check_params("low_gradient_zones", (_FRAC, _POINTS), {"frac": frac, "points": points})
    s = _elementwise_spec(name)
    kw = check_params(s.name, s.params, params)

    def dabs(x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return s.derivative(x, **kw).abs()

    grid = torch.linspace(lo, hi, kw_g["points"], dtype=torch.float64)
    d = dabs(grid)
    top = s.max_abs_derivative if math.isfinite(s.max_abs_derivative) else float(d.max())
    thr = kw_g["frac"] * top
    low = (d < thr).tolist()

    def refine(a: float, b: float, a_low: bool) -> float:
        # bisection on the sign change of |f'| - thr between grid points a < b
        for _ in range(60):
            m = 0.5 * (a + b)
            m_low = bool(dabs(torch.tensor([m], dtype=torch.float64))[0] < thr)
            if m_low == a_low:
                a = m
            else:
                b = m
            if b - a < 1e-12:
                break
        return 0.5 * (a + b)

    zones: list[tuple[float, float]] = []
    start: float | None = lo if low[0] else None
    g = grid.tolist()
    for i in range(1, len(g)):
        if low[i] and not low[i - 1]:
            start = refine(g[i - 1], g[i], False)
        elif not low[i] and low[i - 1]:
            assert start is not None
            zones.append((start, refine(g[i - 1], g[i], True)))
            start = None
    if start is not None:
        zones.append((start, hi))
    return zones


def _params_for(params: Mapping[str, Mapping[str, Any]] | None, name: str) -> dict[str, Any]:
    if not params:
        return {}
    for key, value in params.items():
        if A.REGISTRY.canonical(key) == A.REGISTRY.canonical(name):
            return dict(value)
    return {}


def _draw_activation(ax: Any, name: str, lo: float, hi: float, frac: float, shade: bool,
                     params: dict[str, Any], color: Any = None, legend_name: bool = True
                     ) -> None:
    s = _elementwise_spec(name)
    x = torch.linspace(lo, hi, 801, dtype=torch.float64)
    f, df = activation_curve(s.name, x, **params)
    (line,) = ax.plot(x.numpy(), f.numpy(), "-", color=color,
                      label=s.name if legend_name else "f")
    ax.plot(x.numpy(), df.numpy(), "--", color=line.get_color(),
            label=f"{s.name}'" if legend_name else "f'")
    if shade:
        for a, b in low_gradient_zones(s.name, x_range=(lo, hi), frac=frac, **params):
            ax.axvspan(a, b, color=line.get_color(), alpha=0.12, lw=0,
                       label=f"_low-gradient {s.name}")


def plot_activations(names: Sequence[str], *, x_range: Sequence[float] = (-6.0, 6.0),
                     frac: float = 0.05, shade: bool = True,
                     params: Mapping[str, Mapping[str, Any]] | None = None) -> Figure:
    """Activations (solid) with their derivatives (dashed) on one axes.

    Where ``shade`` is true, each activation's low-gradient zones
    (:func:`low_gradient_zones`) are shaded in its colour.

    Args:
        names: element-wise activation names (aliases allowed).
        x_range: ``(low, high)`` of the horizontal axis.
        frac: low-gradient threshold as a share of ``max |f'|``, in ``(0, 1)``.
        shade: shade the low-gradient zones.
        params: optional activation name -> hyper-parameters.

    Returns:
        A Figure with one axes: two lines per activation, then the shaded spans.

    Example:
        >>> fig = plot_activations(["sigmoid", "relu"])
        >>> [ln.get_label() for ln in fig.axes[0].lines if not ln.get_label().startswith("_")]
        ['sigmoid', "sigmoid'", 'relu', "relu'"]
    """
    if isinstance(names, str):
        names = [names]
    if not names:
        raise ParameterError("`names` of plot_activations must name at least one activation")
    lo, hi = _x_range("plot_activations", x_range)
    frac = check_params("plot_activations", (_FRAC,), {"frac": frac})["frac"]
    fig = Figure(figsize=(7.5, 4.5), layout="constrained")
    ax = fig.add_subplot()
    for name in names:
        _draw_activation(ax, name, lo, hi, frac, shade, _params_for(params, name))
    ax.axhline(0, color="0.6", lw=0.6)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x) (solid), f'(x) (dashed)")
    title = ", ".join(A.spec(n).name for n in names)
    ax.set_title(f"{title}" + (f"  (shaded: |f'| < {frac:g} max|f'|)" if shade else ""))
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return fig


def gallery(*, names: Sequence[str] | None = None, x_range: Sequence[float] = (-5.0, 5.0),
            cols: int = 6, frac: float = 0.05) -> Figure:
    """Every element-wise activation (or ``names``) in a grid: f solid, f' dashed, shaded
    low-gradient zones.

    Example:
        >>> fig = gallery(names=["relu", "tanh"], cols=2)
        >>> [ax.get_title() for ax in fig.axes]
        ['relu', 'tanh']
    """
    lo, hi = _x_range("gallery", x_range)
    kw = check_params("gallery", (Param("cols", 6, int, Interval(1, 20, True, True)), _FRAC),
                      {"cols": cols, "frac": frac})
    if names is None:
        chosen = [s.name for s in A.REGISTRY if s.kind == "elementwise" and s.derivative]
    else:
        chosen = [_elementwise_spec(n).name for n in names]
    if not chosen:
        raise ParameterError("`names` of gallery must name at least one activation")
    ncols = min(kw["cols"], len(chosen))
    nrows = math.ceil(len(chosen) / ncols)
    fig = Figure(figsize=(2.6 * ncols, 2.2 * nrows + 0.6))
    # a fixed layout: the constrained solver is slow for dozens of axes
    fig.subplots_adjust(left=0.04, right=0.99, bottom=0.04, top=1 - 0.9 / (2.2 * nrows + 0.6),
                        wspace=0.3, hspace=0.45)
    for i, name in enumerate(chosen):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        _draw_activation(ax, name, lo, hi, kw["frac"], True, {}, color="C0", legend_name=False)
        ax.axhline(0, color="0.6", lw=0.5)
        ax.set_xlim(lo, hi)
        ax.set_title(name)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle(f"f (solid), f' (dashed); shaded: |f'| < {kw['frac']:g} max|f'|")
    return fig


# ---------------------------------------------------------------------------------------
# losses against the margin (binary) or the residual (regression)
# ---------------------------------------------------------------------------------------

def _binary_inputs(spec: Any, m: torch.Tensor) -> tuple[torch.Tensor, Any]:
    n = m.shape[0]
    ik, tk = spec.input_kind, spec.target_kind
    if tk in ("binary", "soft_labels", "multi_hot", "signed_binary", "real"):
        if ik == "logits" or ik in ("real", "scores"):
            return m[:, None], torch.ones(n, 1, dtype=m.dtype)
        if ik == "probabilities":
            return torch.sigmoid(m)[:, None], torch.ones(n, 1, dtype=m.dtype)
    if tk in ("class_indices", "one_hot") and ik in ("logits", "probabilities",
                                                       "log_probabilities", "scores"):
        # two classes with logits (0, m): the margin of the true class 1 is m
        z = torch.stack([torch.zeros_like(m), m], dim=1)
        x = {"logits": z, "scores": z, "probabilities": torch.softmax(z, 1),
             "log_probabilities": torch.log_softmax(z, 1)}[ik]
        if tk == "class_indices":
            return x, torch.ones(n, dtype=torch.long)
        return x, torch.stack([torch.zeros_like(m), torch.ones_like(m)], dim=1)
    raise ParameterError(
        f"loss {spec.name!r} (input {ik}, target {tk}) cannot be drawn against the margin "
        "y*z of a binary task; use --task regression or a classification loss"
    )


def _regression_inputs(spec: Any, r: torch.Tensor) -> tuple[torch.Tensor, Any]:
    if spec.input_kind in ("real", "scores") and spec.target_kind == "real":
        return r[:, None], torch.zeros(r.shape[0], 1, dtype=r.dtype)
    raise ParameterError(
        f"loss {spec.name!r} (input {spec.input_kind}, target {spec.target_kind}) cannot be "
        "drawn against the residual of a regression; use --task binary or a regression loss"
    )


def loss_curve(name: str, task: str, x: torch.Tensor, **params: Any
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sample loss and its derivative along the margin (``task='binary'``, labels
    ``y = +1`` and logit ``z``, margin ``y z``) or the residual (``'regression'``,
    ``prediction - target``).

    The derivative is taken by autograd through the catalog function.

    Example:
        >>> import torch
        >>> loss, grad = loss_curve("hinge", "binary", torch.tensor([0.0, 2.0]))
        >>> loss, grad
        (tensor([1., 0.]), tensor([-1., -0.]))
    """
    if task not in TASKS:
        raise ParameterError(f"`task` of plot_losses must be one of 'binary', 'regression'; "
                             f"got {task!r}")
    s = L.spec(name)
    m = x.detach().to(torch.float64 if not x.is_floating_point() else x.dtype).clone()
    m.requires_grad_(True)
    inp, tgt = (_binary_inputs if task == "binary" else _regression_inputs)(s, m)
    out = s.fn(inp, tgt, reduction="none", **params).reshape(-1)
    if out.numel() != m.numel():
        raise ParameterError(
            f"loss {s.name!r} does not give one value per sample here (got {out.numel()} "
            f"values for {m.numel()} points) and cannot be drawn as a curve"
        )
    (grad,) = torch.autograd.grad(out.sum(), m)
    return out.detach(), grad.detach()


def _clip_outliers(ax: Any, values: list[torch.Tensor], *, symmetric: bool) -> None:
    """Keep one steep curve (squared error) from flattening the others: clip the axis at
    1.5 x the median of the curves' largest magnitudes when one exceeds twice that."""
    tops = sorted(float(v.abs().max()) for v in values)
    med = tops[len(tops) // 2] if len(tops) % 2 else 0.5 * (tops[len(tops) // 2 - 1]
                                                            + tops[len(tops) // 2])
    if len(tops) < 3 or tops[-1] <= 2 * med or med == 0:
        return
    low = min(float(v.min()) for v in values)
    if symmetric:
        ax.set_ylim(-1.5 * med, 1.5 * med)
    else:
        ax.set_ylim(min(low, 0.0) - 0.05 * med, 1.5 * med)


def plot_losses(names: Sequence[str], *, task: str = "binary",
                x_range: Sequence[float] | None = None,
                params: Mapping[str, Mapping[str, Any]] | None = None) -> Figure:
    """Losses (left) and their gradients (right) against the margin or the residual.

    ``task='binary'``: horizontal axis the margin ``y z`` (``y = +1``, ``z`` the logit or
    score; probability losses get ``sigmoid(z)``; multi-class losses two classes with
    logits ``(0, z)``), so cross-entropy, focal, hinge and squared error compare on one
    figure. ``task='regression'``: the residual ``prediction - target``.

    Example:
        >>> fig = plot_losses(["hinge", "binary_cross_entropy_with_logits"])
        >>> [ln.get_label() for ln in fig.axes[0].lines if not ln.get_label().startswith("_")]
        ['hinge', 'binary_cross_entropy_with_logits']
    """
    if isinstance(names, str):
        names = [names]
    if not names:
        raise ParameterError("`names` of plot_losses must name at least one loss")
    if task not in TASKS:
        raise ParameterError(f"`task` of plot_losses must be one of 'binary', 'regression'; "
                             f"got {task!r}")
    lo, hi = _x_range("plot_losses", x_range or ((-4.0, 4.0) if task == "binary" else
                                                  (-3.0, 3.0)))
    x = torch.linspace(lo, hi, 801, dtype=torch.float64)
    curves = []
    for name in names:
        p = {}
        if params:
            for key, value in params.items():
                if L.REGISTRY.canonical(key) == L.REGISTRY.canonical(name):
                    p = dict(value)
        curves.append((L.spec(name).name, *loss_curve(name, task, x, **p)))
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    ax_l, ax_g = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    for label, loss, grad in curves:
        (line,) = ax_l.plot(x.numpy(), loss.numpy(), label=label)
        ax_g.plot(x.numpy(), grad.numpy(), "--", color=line.get_color(), label=f"d {label}")
    _clip_outliers(ax_l, [c[1] for c in curves], symmetric=False)
    _clip_outliers(ax_g, [c[2] for c in curves], symmetric=True)
    what = "margin y·z" if task == "binary" else "residual (prediction − target)"
    for ax, ylabel in ((ax_l, "loss"), (ax_g, "d loss / d " + ("margin" if task == "binary"
                                                                else "residual"))):
        ax.axhline(0, color="0.6", lw=0.6)
        ax.axvline(0, color="0.6", lw=0.6)
        ax.set_xlim(lo, hi)
        ax.set_xlabel(what)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    fig.suptitle(f"Losses against the {what.split(' ')[0]} ({task})")
    return fig
