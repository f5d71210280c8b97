"""The runnable PyTorch snippet of an advice.

Activations come from the catalog (``activations.get(name)``), losses from
``losses.get(name, **params)``; one snippet builder per task, chosen from
:data:`SNIPPETS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from actloss import activations
from actloss.advisor.inspect import FeatureFacts
from actloss.advisor.rules import _Plan

__all__ = ["snippet"]


def _fmt_params(params: dict[str, Any]) -> str:
    parts = []
    for k, v in params.items():
        if isinstance(v, list):
            parts.append(f"{k}=torch.tensor({v!r})")
        else:
            parts.append(f"{k}={v!r}")
    return ", ".join(parts)


def _loss_line(var: str, name: str, params: dict[str, Any]) -> str:
    weight = params.get("weight")
    rest = {k: v for k, v in params.items() if k != "weight"}
    args = [repr(name)]
    if weight is not None:
        args.append(f"weight=torch.tensor({weight!r})")
    if rest:
        args.append(_fmt_params(rest))
    return f"{var} = losses.get({', '.join(args)})"


def _mlp(n_in: int, width: int, hidden: str, head: str | None, comment: str = "") -> str:
    act = _module(hidden) or "nn.Identity()"
    last = f"nn.Linear(64, {width})" + (f", {head}" if head else "")
    lines = ["model = nn.Sequential(",
             f"    nn.Linear({n_in}, 64), {act},",
             f"    nn.Linear(64, 64), {act},",
             f"    {last},",
             ")" + (f"  # {comment}" if comment else "")]
    return "\n".join(lines)


def _module(name: str, **params: Any) -> str | None:
    """The catalog module for activation ``name`` as code (``None`` for the identity)."""
    spec = activations.spec(name)
    if spec.name == "identity":
        return None
    args = "".join(f", {k}={v!r}" for k, v in params.items())
    return f"activations.get({spec.name!r}{args})"


def _rnn(plan: _Plan, d: int, w: int, head: str | None, output: str) -> list[str]:
    lines: list[str] = []
    lines += [
        "class Net(nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
        f"        self.rnn = nn.LSTM({d}, 64, batch_first=True)  # gates sigmoid, state tanh",
        f"        self.head = nn.Linear(64, {w})",
        "",
        "    def forward(self, x):",
        "        out, _ = self.rnn(x)",
        "        return self.head(out[:, -1])",
        "",
        "model = Net()",
        f"x = torch.randn(32, 10, {d})",
    ]
    if plan.loss == "cross_entropy":
        lines.append(f"y = torch.randint(0, {w}, (32,))")
    elif plan.loss in ("binary_focal", "binary_cross_entropy_with_logits"):
        lines.append(f"y = (torch.rand(32, {w}) < 0.5).float()")
    else:
        lines.append(f"y = torch.randn(32, {w})")
    lines += [_loss_line("loss_fn", plan.loss, plan.params), "loss = loss_fn(model(x), y)"]
    return lines


def _sigmoid_classes(plan: _Plan, d: int, w: int, head: str | None, output: str) -> list[str]:
    lines: list[str] = []
    lines += [_mlp(d, w, plan.hidden, head, "logits"), f"x = torch.randn(32, {d})",
              f"y = (torch.rand(32, {w}) < 0.3).float()",
              _loss_line("loss_fn", plan.loss, plan.params),
              "loss = loss_fn(model(x), y)",
              "probabilities = torch.sigmoid(model(x))  # at inference"]
    return lines


def _multiclass(plan: _Plan, d: int, w: int, head: str | None, output: str) -> list[str]:
    lines: list[str] = []
    lines += [_mlp(d, w, plan.hidden, head, "logits"), f"x = torch.randn(32, {d})",
              f"y = torch.randint(0, {w}, (32,))",
              _loss_line("loss_fn", plan.loss, plan.params),
              "loss = loss_fn(model(x), y)",
              "probabilities = torch.softmax(model(x), dim=1)  # at inference"]
    return lines


def _transformed(plan: _Plan, d: int, w: int, head: str | None, output: str) -> list[str]:
    lines: list[str] = []
    fwd, inv = (("log", "exp") if plan.transform == "log" else ("log1p", "expm1"))
    lines += [_mlp(d, w, plan.hidden, None, f"predicts {fwd}(y)"),
              f"x = torch.randn(32, {d})",
              f"y = torch.exp(torch.randn(32, {w}) * 0.5 + 12)  # positive, right-skewed",
              _loss_line("loss_fn", plan.loss, plan.params),
              f"loss = loss_fn(model(x), torch.{fwd}(y))  # trained on {fwd}(y)",
              f"prediction = torch.{inv}(model(x))  # at inference, back on the scale of y"]
    return lines


def _regression(plan: _Plan, d: int, w: int, head: str | None, output: str) -> list[str]:
    lines: list[str] = []
    lines += [_mlp(d, w, plan.hidden, head), f"x = torch.randn(32, {d})"]
    if output == "sigmoid":
        lines.append(f"y = torch.rand(32, {w})")
    elif output in ("relu", "softplus"):
        lines.append(f"y = torch.rand(32, {w}) * 10")
    else:
        lines.append(f"y = torch.randn(32, {w})")
    lines += [_loss_line("loss_fn", plan.loss, plan.params), "loss = loss_fn(model(x), y)"]
    return lines


def _quantile(plan: _Plan, d: int, w: int, head: str | None, output: str) -> list[str]:
    lines: list[str] = []
    qs = ", ".join(repr(q) for q in plan.quantiles)
    lines += [_mlp(d, w, plan.hidden, None, "one output per quantile"),
              f"x = torch.randn(32, {d})", "y = torch.randn(32, 1)",
              f"quantiles = ({qs},)",
              "out = model(x)",
              "loss = sum(losses.quantile(out[:, i:i + 1], y, q=q)",
              "           for i, q in enumerate(quantiles))"]
    return lines


def _count(plan: _Plan, d: int, w: int, head: str | None, output: str) -> list[str]:
    lines: list[str] = []
    lines += [_mlp(d, 1, plan.hidden, None, "log rate"),
              f"x = torch.randn(32, {d})", "y = torch.poisson(torch.full((32, 1), 3.0))",
              _loss_line("loss_fn", plan.loss, plan.params),
              "loss = loss_fn(model(x), y)",
              "rate = torch.exp(model(x))  # expected count at inference"]
    return lines


def _detection(plan: _Plan, d: int, w: int, head: str | None, output: str) -> list[str]:
    lines: list[str] = []
    lines += [_mlp(d, 5, plan.hidden, None, "1 class logit + 4 box numbers"),
              f"x = torch.randn(32, {d})", "out = model(x)",
              "xy = out[:, 1:3]",
              "boxes = torch.cat([xy, xy + nn.functional.softplus(out[:, 3:5])], dim=1)",
              "target_xy = torch.rand(32, 2)",
              "target_boxes = torch.cat([target_xy, target_xy + torch.rand(32, 2)], dim=1)",
              "labels = (torch.rand(32, 1) < 0.25).float()",
              _loss_line("cls_loss", plan.loss, plan.params),
              _loss_line("box_loss", plan.extra[0].name, plan.extra[0].params),
              "loss = cls_loss(out[:, :1], labels) + box_loss(boxes, target_boxes)"]
    return lines


def _segmentation(plan: _Plan, d: int, w: int, head: str | None, output: str) -> list[str]:
    lines: list[str] = []
    bce = plan.extra[0]
    act = _module(plan.hidden) or "nn.Identity()"
    lines += [f"model = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), {act},",
              f"                      nn.Conv2d(16, 16, 3, padding=1), {act},",
              "                      nn.Conv2d(16, 1, 1))  # mask logits",
              "x = torch.randn(4, 3, 32, 32)",
              "mask = (torch.rand(4, 1, 32, 32) < 0.2).float()",
              _loss_line("dice", plan.loss, plan.params),
              _loss_line("bce", bce.name, bce.params),
              "logits = model(x)",
              "loss = dice(logits, mask) + bce(logits, mask)"]
    return lines


def _gan(plan: _Plan, d: int, w: int, head: str | None, output: str) -> list[str]:
    # the discriminator's hidden activation is the plan's (Leaky ReLU, slope 0.2 as in
    # DCGAN); the generator ends in tanh for data scaled to [-1, 1]
    slope = {"negative_slope": 0.2} if plan.hidden == "leaky_relu" else {}
    lines: list[str] = []
    lines += ["generator = nn.Sequential(nn.Linear(8, 64), activations.get('relu'), "
              f"nn.Linear(64, {d}), {_module('tanh')})",
              f"discriminator = nn.Sequential(nn.Linear({d}, 64), "
              f"{_module(plan.hidden, **slope)}, nn.Linear(64, 1))  # raw scores",
              f"real = torch.rand(32, {d}) * 2 - 1",
              "fake = generator(torch.randn(32, 8))",
              _loss_line("d_loss_fn", plan.loss, plan.params),
              _loss_line("g_loss_fn", plan.extra[0].name, plan.extra[0].params),
              "d_loss = d_loss_fn(discriminator(real), discriminator(fake.detach()))",
              "g_loss = g_loss_fn(discriminator(fake), None)  # no target",
              "loss = d_loss + g_loss"]
    return lines


def _metric(plan: _Plan, d: int, w: int, head: str | None, output: str) -> list[str]:
    lines: list[str] = []
    lines += [_mlp(d, 32, plan.hidden, None),
              f"x = torch.randn(32, 3, {d})  # (anchor, positive, negative)",
              "emb = nn.functional.normalize(model(x), dim=-1)",
              _loss_line("loss_fn", plan.loss, plan.params),
              "loss = loss_fn(emb, None)  # triplets carry their own pairing"]
    return lines


SNIPPETS: dict[str, Callable[[_Plan, int, int, str | None, str], list[str]]] = {
    "rnn": _rnn,
    "binary": _sigmoid_classes,
    "multilabel": _sigmoid_classes,
    "multiclass": _multiclass,
    "regression": _regression,
    "quantile": _quantile,
    "count": _count,
    "detection": _detection,
    "segmentation": _segmentation,
    "gan": _gan,
    "metric_learning": _metric,
}


def snippet(plan: _Plan, output: str, output_in_loss: bool,
            features: FeatureFacts | None) -> str:
    """The runnable snippet: imports, a model, a batch, the loss and one backward."""
    d = features.n_features if features is not None else 16
    lines = ["import torch", "from torch import nn", "",
             "from actloss import activations, losses", "", "torch.manual_seed(0)"]
    head = None if output_in_loss else _module(output)
    if features is not None and features.needs_standardisation:
        lines.append("# standardise x first: x = (x - x.mean(0)) / x.std(0)")
    build = _transformed if plan.transform else SNIPPETS[plan.task]
    lines += build(plan, d, plan.out_width, head, output)
    inference = [ln for ln in lines if "at inference" in ln]
    lines = [ln for ln in lines if "at inference" not in ln]
    lines += ["loss.backward()", *inference]
    return "\n".join(lines) + "\n"
