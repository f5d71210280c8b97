"""Try the remedies of each finding on copies of the model and measure their effect.

Every remedy is a small, explicit transformation of a fresh copy of the model (or of
the optimisation): the copy trains for ``steps`` steps on one batch, watched by its own
monitor, next to an unchanged copy trained the same way. The effect recorded in
``Finding.effect`` is the loss after the steps and the gradient ratio (first / last
layer gradient norm, median over the steps), before (unchanged copy) and after (with the
remedy), plus the largest dead-unit and saturation fractions.

Remedies:

- ``leaky_relu``, ``elu``: the rectifiers (relu, relu6, threshold) become
  ``nn.LeakyReLU(0.01)`` or ``nn.ELU()``;
- ``relu_he``: saturating activations (sigmoid, tanh and kin) become ``nn.ReLU`` and
  every weight gets He (kaiming normal) init with zero biases;
- ``he_init``: He init with zero biases, activations unchanged;
- ``normalisation``: each activation's input is normalised per sample (layer norm
  over the features, no affine);
- ``residual``: in ``nn.Sequential`` containers, a square ``Linear`` followed by an
  activation becomes ``x + act(linear(x))``;
- ``lower_lr``: a tenth of the learning rate;
- ``gradient_clipping``: gradient norm clipped to 1.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from actloss._validation import Interval, Param, check_params
from actloss.diagnostics._activations import probe_for
from actloss.diagnostics._text import REMEDIES
from actloss.errors import InputError
from actloss.findings import Finding

__all__ = ["REMEDY_NAMES", "apply_remedy", "try_remedies"]

REMEDY_NAMES = ("leaky_relu", "elu", "relu_he", "he_init", "normalisation", "residual",
                "lower_lr", "gradient_clipping")

_RECTIFIERS = {"relu", "relu6", "threshold"}
_SATURATING = {"sigmoid", "tanh", "hard_sigmoid", "hardtanh", "softsign", "log_sigmoid",
               "hard_tanh"}

TRY_PARAMS: tuple[Param, ...] = (
    Param("steps", 20, int, Interval(1.0, math.inf, low_closed=True)),
    Param("lr", 1e-3, float, Interval(0.0, math.inf)),
    Param("optimizer", "adam", str, choices=("adam", "sgd")),
    Param("seed", 0, int, Interval(0.0, math.inf, low_closed=True)),
    Param("clip_norm", 1.0, float, Interval(0.0, math.inf)),
)


class PreNorm(nn.Module):
    """``act(layer_norm(x))`` over the features of each sample (no affine)."""

    def __init__(self, act: nn.Module) -> None:
        super().__init__()
        self.act = act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() <= 2:
            return self.act(F.layer_norm(x, x.shape[-1:]))
        return self.act(F.group_norm(x, 1))  # one group = layer norm over (C, ...)


class Residual(nn.Module):
    """``x + act(linear(x))`` for a square linear layer."""

    def __init__(self, linear: nn.Module, act: nn.Module) -> None:
        super().__init__()
        self.linear = linear
        self.act = act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.act(self.linear(x))


def _replace_modules(model: nn.Module, pick: Callable[[nn.Module], nn.Module | None]) -> int:
    count = 0
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            new = pick(child)
            if new is not None:
                setattr(parent, name, new)
                count += 1
    return count


def _he_init(model: nn.Module) -> int:
    count = 0
    for m in model.modules():
        w = m._parameters.get("weight")
        if isinstance(w, torch.Tensor) and w.dim() >= 2:
            with torch.no_grad():
                nn.init.kaiming_normal_(w, nonlinearity="relu")
                b = m._parameters.get("bias")
                if isinstance(b, torch.Tensor):
                    b.zero_()
            count += 1
    return count


def _probe_name(m: nn.Module) -> str | None:
    p = probe_for(m)
    return p.name if p is not None else None


def _residualise(model: nn.Module) -> int:
    count = 0
    for seq in [m for m in model.modules() if isinstance(m, nn.Sequential)]:
        kids = list(seq.children())
        out: list[nn.Module] = []
        i = 0
        while i < len(kids):
            a = kids[i]
            b = kids[i + 1] if i + 1 < len(kids) else None
            if (isinstance(a, nn.Linear) and a.in_features == a.out_features and b is not None
                    and probe_for(b) is not None):
                out.append(Residual(a, b))
                i += 2
                count += 1
            else:
                out.append(a)
                i += 1
        if count:
            for name in list(seq._modules):
                del seq._modules[name]
            for j, mod in enumerate(out):
                seq.add_module(str(j), mod)
    return count


def apply_remedy(model: nn.Module, remedy: str) -> int:
    """Apply ``remedy`` to ``model`` in place; return how many places it changed.

    The optimisation remedies (``lower_lr``, ``gradient_clipping``) change no module and
    return 0; :func:`try_remedies` applies them in its loop.

    Example:
        >>> from torch import nn
        >>> net = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1))
        >>> apply_remedy(net, "leaky_relu"), type(net[1]).__name__
        (1, 'LeakyReLU')
    """
    if remedy == "leaky_relu":
        return _replace_modules(model, lambda m: nn.LeakyReLU(0.01)
                                if _probe_name(m) in _RECTIFIERS else None)
    if remedy == "elu":
        return _replace_modules(model, lambda m: nn.ELU()
                                if _probe_name(m) in _RECTIFIERS else None)
    if remedy == "relu_he":
        n = _replace_modules(model, lambda m: nn.ReLU()
                             if _probe_name(m) in _SATURATING else None)
        return n + _he_init(model)
    if remedy == "he_init":
        return _he_init(model)
    if remedy == "normalisation":
        return _replace_modules(model, lambda m: PreNorm(m)
                                if probe_for(m) is not None else None)
    if remedy == "residual":
        return _residualise(model)
    if remedy in ("lower_lr", "gradient_clipping"):
        return 0
    raise InputError(
        f"`remedy` of apply_remedy must be one of {', '.join(map(repr, REMEDY_NAMES))}; "
        f"got {remedy!r}")


class _Probe:
    """Dead and saturated fractions of every activation module over a short run.

    The same definitions as the monitor's (a unit is dead when f'(x) = 0 on every
    sample seen; saturated when |f'(x)| < 1% of sup|f'|), kept here so that the remedy
    trials do not depend on the monitor (which offers them).
    """

    def __init__(self, model: nn.Module) -> None:
        self.peaks: dict[str, torch.Tensor] = {}
        self.sat: dict[str, list[float]] = {}
        self.order: list[nn.Module] = []
        self.handles = []
        for path, m in model.named_modules():
            probe = probe_for(m)
            if probe is not None:
                self.handles.append(m.register_forward_hook(self._hook(path, probe)))
            self.handles.append(m.register_forward_hook(self._seen))

    def _seen(self, module: nn.Module, args: Any, out: Any) -> None:
        if module not in self.order:
            self.order.append(module)

    def _hook(self, path: str, probe: Any) -> Callable[..., None]:
        def hook(module: nn.Module, args: Any, out: Any) -> None:
            x = args[0] if args else None
            if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.dim() < 2:
                return
            with torch.no_grad():
                d = probe.derivative(x.detach()).abs()
                peak = d.transpose(0, 1).reshape(d.shape[1], -1).amax(dim=1)
                old = self.peaks.get(path)
                self.peaks[path] = peak if old is None else torch.maximum(old, peak)
                if probe.has_saturation:
                    level = 0.01 * probe.max_abs_derivative
                    self.sat.setdefault(path, []).append(float((d < level).double().mean()))

        return hook

    def close(self) -> None:
        for h in self.handles:
            h.remove()


def _measure(model: nn.Module, loss_fn: Callable[..., torch.Tensor], x: torch.Tensor,
             y: torch.Tensor, *, steps: int, lr: float, optimizer: str, clip: float | None,
             seed: int) -> dict[str, Any]:
    torch.manual_seed(seed)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt: torch.optim.Optimizer = (torch.optim.Adam(params, lr=lr) if optimizer == "adam"
                                  else torch.optim.SGD(params, lr=lr))
    probe = _Probe(model)
    ratios: list[float] = []
    try:
        for _ in range(steps):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            weights = [w for m in probe.order
                       for w in [m._parameters.get("weight")] if isinstance(w, torch.Tensor)
                       and w.dim() >= 2 and w.requires_grad and w.grad is not None]
            if len(weights) >= 2:
                last = float(weights[-1].grad.norm())
                if last > 0 and math.isfinite(last):
                    ratios.append(float(weights[0].grad.norm()) / last)
            if clip is not None:
                nn.utils.clip_grad_norm_(params, clip)
            opt.step()
    finally:
        probe.close()
    with torch.no_grad():
        final = float(loss_fn(model(x), y))
    dead = max((float((p == 0).double().mean()) for p in probe.peaks.values()), default=0.0)
    sats = [sum(v) / len(v) for v in probe.sat.values() if v]
    ratios.sort()
    return {
        "loss": final if math.isfinite(final) else str(final),
        "grad_ratio": ratios[len(ratios) // 2] if ratios else None,
        "dead_fraction": dead,
        "saturation_fraction": max(sats) if sats else None,
    }


def try_remedies(findings: Sequence[Finding], model: nn.Module | Callable[[], nn.Module],
                 loss_fn: Callable[..., torch.Tensor],
                 batch: tuple[torch.Tensor, torch.Tensor], *, remedies: Sequence[str] | None = None,
                 monitor: Any = None, **options: Any) -> list[Finding]:
    """Apply each finding's remedies to copies of ``model`` and measure the effect.

    Args:
        findings: the findings to act on (usually ``monitor.findings()``).
        model: the model (deep-copied for every trial) or a factory returning a fresh one.
        loss_fn: ``loss_fn(outputs, targets) -> scalar tensor``.
        batch: one ``(inputs, targets)`` batch; every trial trains on it.
        remedies: restrict the remedies tried (names from ``REMEDY_NAMES``).
        monitor: the monitor whose hooks sit on ``model`` (they are lifted while copying).
        **options: ``steps`` (20), ``lr`` (1e-3), ``optimizer`` ('adam' or 'sgd'),
            ``seed`` (0), ``clip_norm`` (1.0).

    Returns:
        The findings, each with ``effect = {"steps", "before", "after": {remedy: ...},
        "best"}``; ``before`` and each ``after`` hold ``loss``, ``grad_ratio``,
        ``dead_fraction`` and ``saturation_fraction``. Findings without remedies come back
        unchanged.
    """
    opts = check_params("try_remedies", TRY_PARAMS, options)
    if not callable(loss_fn):
        raise InputError(f"`loss_fn` of try_remedies must be callable; got "
                         f"{type(loss_fn).__name__}")
    if (not isinstance(batch, (tuple, list)) or len(batch) != 2
            or not all(isinstance(t, torch.Tensor) for t in batch)):
        raise InputError("`batch` of try_remedies must be a pair (inputs, targets) of tensors")
    if remedies is not None:
        unknown = [r for r in remedies if r not in REMEDY_NAMES]
        if unknown:
            raise InputError(f"`remedies` of try_remedies must be among "
                             f"{', '.join(map(repr, REMEDY_NAMES))}; got {unknown[0]!r}")
    if not isinstance(model, nn.Module) and not callable(model):
        raise InputError("`model` of try_remedies must be an nn.Module or a factory; got "
                         f"{type(model).__name__}")
    x, y = batch

    def fresh() -> nn.Module:
        torch.manual_seed(opts["seed"])
        if isinstance(model, nn.Module):
            was = monitor is not None and monitor.attached and monitor.model is model
            if was:
                monitor.close()
            try:
                return copy.deepcopy(model)
            finally:
                if was:
                    monitor.attach()
        built = model()
        if not isinstance(built, nn.Module):
            raise InputError("the model factory given to try_remedies must return an "
                             f"nn.Module; got {type(built).__name__}")
        return built

    run = {"steps": opts["steps"], "optimizer": opts["optimizer"], "seed": opts["seed"]}
    cache: dict[str, dict[str, Any]] = {}

    def trial(remedy: str | None) -> dict[str, Any] | None:
        key = remedy or "-"
        if key in cache:
            return cache[key]
        devices = [x.device] if x.device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices):  # the caller's generator is untouched
            net = fresh()
            lr, clip = opts["lr"], None
            if remedy == "lower_lr":
                lr = lr / 10
            elif remedy == "gradient_clipping":
                clip = opts["clip_norm"]
            elif remedy is not None and apply_remedy(net, remedy) == 0:
                cache[key] = None  # type: ignore[assignment]
                return None
            net = net.to(x.device)
            cache[key] = _measure(net, loss_fn, x, y, lr=lr, clip=clip, **run)
        return cache[key]

    out: list[Finding] = []
    for f in findings:
        names = [r for r in REMEDIES.get(f.code, ()) if remedies is None or r in remedies]
        if not names:
            out.append(f)
            continue
        before = trial(None)
        after = {}
        for r in names:
            res = trial(r)
            if res is not None:
                after[r] = res
        best = None
        finite = {r: v["loss"] for r, v in after.items() if isinstance(v["loss"], float)}
        if finite:
            best = min(finite, key=finite.__getitem__)
        effect = {"steps": opts["steps"], "lr": opts["lr"], "optimizer": opts["optimizer"],
                  "before": before, "after": after, "best": best,
                  "not_applicable": [r for r in names if r not in after]}
        out.append(replace(f, effect=effect))
    return out
