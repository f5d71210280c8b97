"""The gradient-flow figure: per-layer mean |grad| over training, log scale."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

__all__ = ["gradient_flow_figure"]


def gradient_flow_figure(steps: Sequence[int], names: Sequence[str],
                         mean_abs_grad: np.ndarray) -> Figure:
    """One line per parameterised layer: mean |dL/dW| at each sampled step (log scale).

    Layers are drawn from the input (dark) to the output (light), so a fan of lines
    that drops towards the input shows vanishing gradients at a glance.

    Args:
        steps: the optimizer step of each row.
        names: the module path of each column.
        mean_abs_grad: array of shape ``(len(steps), len(names))``.

    Returns:
        A matplotlib ``Figure`` (not shown, not saved).

    Example:
        >>> import numpy as np
        >>> fig = gradient_flow_figure([0, 1], ["0", "2"], np.array([[1e-3, 1e-1], [2e-3, 1e-1]]))
        >>> fig.axes[0].get_yscale(), len(fig.axes[0].get_lines())
        ('log', 2)
    """
    fig = Figure(figsize=(7.0, 4.0), layout="constrained")
    ax = fig.subplots()
    arr = np.asarray(mean_abs_grad, dtype=np.float64)
    if arr.size:
        import matplotlib as mpl

        colours = mpl.colormaps["viridis"](np.linspace(0.0, 0.85, max(len(names), 1)))
        x = np.asarray(steps)
        for j, name in enumerate(names):
            y = arr[:, j]
            ax.plot(x, np.where(y > 0, y, np.nan), color=colours[j], label=name, lw=1.4)
        ax.legend(title="layer (input first)", fontsize=8, title_fontsize=8,
                  loc="center left", bbox_to_anchor=(1.01, 0.5))
    else:
        ax.text(0.5, 0.5, "no gradients recorded", ha="center", va="center",
                transform=ax.transAxes)
    ax.set_yscale("log")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("mean |dL/dW|")
    ax.set_title("Gradient flow per layer")
    ax.grid(True, which="both", alpha=0.3)
    return fig
