"""The training monitor: hooks, per-epoch statistics and findings.

See :mod:`actloss.diagnostics` for what is measured and where every threshold comes from.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from actloss._validation import check_params
from actloss.diagnostics._activations import (
    FUNCTIONAL_NAMES,
    ActivationProbe,
    functional_probe,
    probe_for,
)
from actloss.diagnostics._loss_curve import LossSummary, loss_curve_findings, window_means
from actloss.diagnostics._remedies import try_remedies
from actloss.diagnostics._text import finding
from actloss.diagnostics._thresholds import MONITOR_PARAMS, Thresholds
from actloss.errors import InputError
from actloss.findings import Finding
from actloss.lab.callbacks import Callback, TrainState

__all__ = ["ActivationStats", "EpochStats", "LayerGradStats", "Monitor", "MonitorSummary",
           "monitor"]


@dataclass(frozen=True)
class ActivationStats:
    """One activation module over one epoch (sampled batches only).

    ``dead_fraction``: fraction of units whose derivative was 0 for every sample seen;
    ``zero_fraction``: fraction of (sample, unit) values with f'(x) = 0;
    ``saturation_fraction``: fraction with |f'(x)| < ``saturation_rel`` x sup|f'|, for
    smooth saturating activations only (``None`` for piecewise-linear ones such as relu,
    whose flat parts count as dead, and where the catalog gives no finite sup|f'|).
    """

    name: str
    activation: str
    units: int
    samples: int
    dead_fraction: float
    zero_fraction: float
    saturation_fraction: float | None
    derivative_source: str


@dataclass(frozen=True)
class LayerGradStats:
    """One parameterised layer (a weight of two or more dimensions) over one epoch.

    Medians over the sampled steps: ``grad_norm`` = ||dL/dW||_2, ``mean_abs_grad`` =
    mean |dL/dW|, ``update_ratio`` = ||W_after - W_before||_2 / ||W_after||_2 per step;
    ``update_ratio_max`` is the largest update ratio of a sampled step.
    """

    name: str
    grad_norm: float
    mean_abs_grad: float
    update_ratio: float | None
    update_ratio_max: float | None = None  # the largest ||dW||/||W|| of a sampled step


@dataclass(frozen=True)
class EpochStats:
    """Everything the monitor measured in one epoch."""

    epoch: int
    steps: int
    sampled_steps: int
    loss: float | None  # mean of the step losses given to step_end
    activations: tuple[ActivationStats, ...]
    layers: tuple[LayerGradStats, ...]
    grad_ratio: float | None  # median ||grad first layer|| / ||grad last layer||
    nonfinite: tuple[str, int] | None  # (module path, batch) of the first NaN/Inf output


@dataclass(frozen=True)
class MonitorSummary:
    """What :meth:`Monitor.summary` returns: the last epoch, the history and findings."""

    epochs: int
    steps: int
    epoch_losses: tuple[float | None, ...]
    last: EpochStats | None
    history: tuple[EpochStats, ...]
    findings: tuple[Finding, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class _FunctionalMode(TorchFunctionMode):
    """Reports calls of functional activations to the monitor; changes nothing."""

    def __init__(self, monitor: Monitor) -> None:
        super().__init__()
        self.monitor = monitor

    def __torch_function__(self, func: Any, types: Any, args: tuple[Any, ...] = (),
                           kwargs: dict[str, Any] | None = None) -> Any:
        kwargs = kwargs or {}
        name = FUNCTIONAL_NAMES.get(func)
        if name is not None:
            self.monitor._on_functional(name, args, kwargs)
        return func(*args, **kwargs)


class _FirstNonfinite(TorchFunctionMode):
    """Names the first op whose output is non-finite while its inputs are finite."""

    def __init__(self) -> None:
        super().__init__()
        self.op: str | None = None

    def __torch_function__(self, func: Any, types: Any, args: tuple[Any, ...] = (),
                           kwargs: dict[str, Any] | None = None) -> Any:
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if self.op is None:
            outs = _float_tensors(out)
            if outs and any(not bool(torch.isfinite(_finite_probe(o))) for o in outs):
                ins = _float_tensors(list(args) + list(kwargs.values()))
                if all(bool(torch.isfinite(_finite_probe(t))) for t in ins):
                    self.op = getattr(func, "__name__", str(func)).strip("_")
        return out


# the order findings are listed in: the cause before its symptoms
_PRIORITY = {code: i for i, code in enumerate((
    "nonfinite", "learning_rate_high", "exploding_gradient", "dead_units",
    "saturated_activations", "vanishing_gradient", "learning_rate_low", "divergence",
    "oscillation", "plateau"))}
_LOG_SPACE_OPS = frozenset({"exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "pow",
                            "div", "true_divide", "reciprocal", "rsqrt", "sqrt", "cosh",
                            "sinh", "float_power", "__truediv__", "__rtruediv__", "__pow__",
                            "__rpow__", "truediv", "rtruediv"})
_AFFINE_OPS = frozenset({"linear", "conv1d", "conv2d", "conv3d", "matmul", "mm", "addmm",
                         "bmm", "bilinear", "conv_transpose1d", "conv_transpose2d",
                         "conv_transpose3d", "einsum"})


def _nonfinite_variant(module: nn.Module | None, op: str | None) -> str:
    """Which NaN fix fits: ``log_space`` (exp/log/pow/division), ``affine`` (a linear or
    convolution layer: input scale, learning rate, clipping) or ``""`` (generic)."""
    if op is not None and op.strip("_") in {o.strip("_") for o in _LOG_SPACE_OPS}:
        return "log_space"
    if op is not None and op in _AFFINE_OPS:
        return "affine"
    affine = (nn.Linear, nn.Bilinear, nn.modules.conv._ConvNd)
    if isinstance(module, affine):
        return "affine"
    return ""


def _float_tensors(value: Any) -> list[torch.Tensor]:
    items = value if isinstance(value, (tuple, list)) else (value,)
    return [t for t in items if isinstance(t, torch.Tensor) and t.is_floating_point()]


def _medians(arr: torch.Tensor) -> list[float | None]:
    """Median of each column over its finite values (``None`` for a column with none);
    the mean of the two middle values for an even count, as ``numpy.nanmedian``."""
    arr = torch.where(torch.isfinite(arr), arr, torch.nan)
    med = torch.nanquantile(arr, 0.5, dim=0, interpolation="linear")
    return [None if math.isnan(v) else v for v in med.tolist()]


class _ActAcc:
    """Running device-side summaries of one activation call site over an epoch.

    Fixed size whatever the epoch length: the per-unit peak of |f'(x)| (updated in
    place with ``torch.maximum``) and two 0-d counters.
    """

    __slots__ = ("below", "elements", "nonzero", "peak", "samples")

    def __init__(self) -> None:
        self.peak: torch.Tensor | None = None  # per unit: max |f'(x)| so far
        self.nonzero: torch.Tensor | None = None  # count of f'(x) != 0
        self.below: torch.Tensor | None = None  # count of |f'(x)| < level
        self.elements = 0
        self.samples = 0


# sampled steps whose gradient and update norms are kept for the medians of an epoch,
# rows of the gradient-flow record, and closed epochs kept in ``Monitor.history``
_KEEP_ROWS = 256
_KEEP_FLOW = 512
_KEEP_EPOCHS = 64
_FLUSH_LOSSES = 256
# sampled forwards in a row without a functional activation (outside hooked modules)
# after which the functional mode is no longer entered: a module-only network then pays
# for no TorchFunctionMode and no per-module path hooks; attach() starts counting again
_QUIET_FORWARDS = 3
_MIN_STEPS_PER_WINDOW = 4  # the loss curve is judged from 4 x loss_windows steps on


# a rise of the last window mean over the best one is taken for divergence only beyond
# this many standard errors of a window mean: on a flat curve, last - min of 10 windows
# averages about 1.5 standard errors and its 99th percentile is about 3.8; the rest is
# margin for the spread of the noise estimate (from some 60-130 differences)
_NOISE_Z = 5.0


def _within_noise(means: list[float], f: Finding, windows: int) -> bool:
    """Whether a ``divergence`` finding's rise (last - best window mean) is within the
    noise of the curve: ``_NOISE_Z`` standard errors of a window mean, the step noise
    estimated from successive differences of the bin means (median |diff| / 0.6745 /
    sqrt(2), robust to the trend and to outliers)."""
    ev = f.evidence
    if "last" not in ev or "best" not in ev or len(means) < 3:
        return False
    diffs = sorted(abs(b - a) for a, b in itertools.pairwise(means))
    sigma_bin = diffs[len(diffs) // 2] / 0.6745 / math.sqrt(2.0)
    per_window = max(len(means) // max(min(windows, len(means)), 1), 1)
    return float(ev["last"]) - float(ev["best"]) <= _NOISE_Z * sigma_bin / math.sqrt(
        per_window)


def _distributed() -> Any:
    """``torch.distributed`` when a process group of two or more ranks is up, else None."""
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        return dist
    return None


def _finite_probe(t: torch.Tensor) -> torch.Tensor:
    """A 0-d tensor that is non-finite when ``t`` holds NaN or Inf: its sum.

    NaN and Inf propagate through a sum, and one reduction kernel costs a fraction of
    ``isfinite(t).all()`` (two kernels and a bool tensor). 16-bit values are summed in
    float32, which cannot overflow on them; a float32 tensor whose finite values sum
    beyond 3.4e38 would also be reported, an output that close to overflow is one.
    """
    if t.dtype in (torch.float16, torch.bfloat16):
        return t.sum(dtype=torch.float32)
    return t.sum()


class Monitor(Callback):
    """Watch a model while it trains; a :class:`~actloss.lab.callbacks.Callback`.

    With :func:`actloss.lab.train.fit` pass it in ``callbacks=[m]``. In a hand-written
    loop call, per batch, :meth:`after_backward` after ``loss.backward()`` and
    :meth:`step_end` after ``optimizer.step()``, and :meth:`epoch_end` after each
    epoch. Only forward passes in training mode with autograd enabled are counted, so
    validation passes under ``torch.no_grad()`` or ``model.eval()`` do not disturb the
    statistics. :meth:`close` (or leaving a ``with`` block, or the end of ``fit``)
    removes every hook.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from actloss.diagnostics import monitor
        >>> _ = torch.manual_seed(0)
        >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> x, y = torch.randn(32, 4), torch.randn(32, 1)
        >>> with monitor(model) as m:
        ...     for epoch in range(2):
        ...         for i in range(0, 32, 8):
        ...             opt.zero_grad()
        ...             loss = nn.functional.mse_loss(model(x[i:i + 8]), y[i:i + 8])
        ...             loss.backward()
        ...             m.after_backward()
        ...             opt.step()
        ...             m.step_end(loss)
        ...         _ = m.epoch_end()
        >>> s = m.summary()
        >>> s.epochs, s.steps, [a.name for a in s.last.activations]
        (2, 8, ['1'])
        >>> [layer.name for layer in s.last.layers]
        ['0', '2']
    """

    def __init__(self, model: nn.Module, **thresholds: Any) -> None:
        if not isinstance(model, nn.Module):
            raise InputError(
                f"`model` of monitor must be a torch.nn.Module; got {type(model).__name__}"
            )
        self.model = model
        self.thresholds = Thresholds(check_params("monitor", MONITOR_PARAMS, thresholds))
        self._handles: list[Any] = []
        self._attached = False  # (after the first step a watch's monitor may hold none)
        self._paths: dict[nn.Module, str] = {}
        self._probes: dict[nn.Module, ActivationProbe] = {}
        self._order: dict[nn.Module, int] = {}
        self._weights: list[tuple[str, torch.nn.Parameter]] | None = None
        self.history: deque[EpochStats] = deque(maxlen=_KEEP_EPOCHS)
        self._step = 0
        self._epoch = 0
        self._grad_flow: list[np.ndarray] = []  # mean |grad| per layer, per kept step
        self._grad_flow_steps: list[int] = []
        self._grad_flow_stride = 1  # the record keeps one sampled step in this many
        self._flow_seen = 0
        self._grad_flow_names: list[str] = []
        self._curves: dict[str, LossSummary] = {}  # player -> fixed-size loss summary
        self._max_update = 0.0  # largest epoch median of ||dW||/||W|| seen so far
        self._peak_update = 0.0  # largest ||dW||/||W|| of one sampled step so far
        self._first_nonfinite_step: int | None = None
        self._nonfinite_op: str | None = None  # the op that first made NaN/Inf
        self._first_nonfinite: tuple[str, int, int] | None = None  # path, epoch, batch
        self._buffers: list[torch.Tensor] | None = None  # weights before the step
        self._module_handles: list[Any] = []
        self._host: bool | None = None  # None until the first forward: on the CPU?
        self._first_forward_done = False
        self._localising = False
        self._culprit: str | None = None
        self._fmode: _FunctionalMode | None = None
        self._stack: list[tuple[str, bool]] = []
        self._path_handles: list[Any] = []
        self.paused = False  # True: hooks stay but nothing is counted (used while linting)
        self._functional_found = False  # the current sampled forward called one
        self._functional_quiet = 0  # sampled forwards in a row that called none
        self._every = int(self.thresholds["every"])
        self._check_finite = bool(self.thresholds["check_finite"])
        # activation modules and their hooks; once the forward order is known on the CPU
        # the hooks are registered for the sampled forwards only
        self._act_hooks: list[tuple[nn.Module, Callable[..., None]]] = []
        self._act_handles: list[Any] = []
        self._act_lazy = False
        self._sampled_handles: list[Any] = []  # activation hooks of this sampled forward
        self._root_by_owner = False  # True: the owner's root hooks call the two root hooks
        # training forwards of this step whose outputs are checked for NaN/Inf before the
        # optimizer step (CPU): (args, kwargs, output)
        self._unchecked: list[tuple[tuple[Any, ...], dict[str, Any], Any]] = []
        self._reset_epoch()
        self.attach()

    # ------------------------------------------------------------------ hooks

    def attach(self) -> None:
        """Register the forward hooks (done by the constructor; again after close)."""
        if self._attached:
            return
        self._attached = True
        self._functional_quiet = 0
        self._act_hooks, self._act_handles, self._act_lazy = [], [], False
        self._paths = {m: (name or type(m).__name__) for name, m in self.model.named_modules()}
        for module, path in self._paths.items():
            probe = probe_for(module)
            if probe is not None:
                self._probes[module] = probe
                hook = self._activation_hook(path, probe)
                self._act_hooks.append((module, hook))
                h = module.register_forward_hook(hook)
                self._handles.append(h)
                self._act_handles.append(h)
            else:
                h = module.register_forward_hook(self._module_hook(path))
                self._handles.append(h)
                self._module_handles.append(h)
        # the activation hooks (after the first forward) and, with ``functional``, the
        # per-module path hooks are added for the sampled forwards only; one root hook
        # before and one after every forward (a watch calls them from its own)
        if not self._root_by_owner:
            self._handles.append(self.model.register_forward_pre_hook(self._root_pre_hook,
                                                                      prepend=True))
            self._handles.append(self.model.register_forward_hook(
                self._root_hook, with_kwargs=True, always_call=True))

    def close(self) -> None:
        """Remove every hook this monitor registered."""
        self._end_functional()
        for h in self._handles:
            h.remove()
        self._handles.clear()
        self._module_handles.clear()
        self._act_handles.clear()
        self._act_lazy = False
        self._unchecked.clear()
        self._attached = False

    def __enter__(self) -> Monitor:
        self.attach()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def attached(self) -> bool:
        """Whether the hooks are registered."""
        return self._attached

    def _collecting(self) -> bool:
        return torch.is_grad_enabled() and self.model.training and not self.paused

    def _sampled(self) -> bool:
        return self._batch % self._every == 0

    # Every hook and every small tensor op costs microseconds per call (more right after
    # the large kernels of a step, with cold caches), so a step that is not sampled runs
    # two hooks on the root module and nothing else: the hooks of the activation modules
    # are registered for the sampled forwards only, and the other modules are hooked
    # for the first forward only (its layer order) or on accelerators (NaN checks).
    #
    # NaN/Inf: on the CPU the root outputs of a step are kept (references, no copy) until
    # :meth:`after_backward`: when the caller gives the step's loss and it is finite,
    # only sampled steps check the outputs (one sum each); otherwise every output is
    # checked, and a non-finite one is localised by replaying its forward pass (before
    # the optimizer step, so with the same weights) with a synchronous check after every
    # module: the first module to finish with a non-finite output is the culprit. On an
    # accelerator every module output is summed on the device instead (one kernel each,
    # no sync) and the sums are read at the end of the epoch.

    def _track(self, module: nn.Module, path: str, output: Any) -> None:
        if self._host is None:
            outs = _float_tensors(output)
            if outs:
                self._host = outs[0].device.type == "cpu"
        if module not in self._order:
            self._order[module] = len(self._order)
            self._weights = None  # the forward order changed: recompute the layers
        if self._host is False and self.thresholds["check_finite"]:
            for o in _float_tensors(output):
                # a container returning its last child's output tensor: checked already
                if o is not self._last_checked:
                    self._flags.append(_finite_probe(o))
                    self._flag_where.append((self._batch, path))
                    self._last_checked = o

    def _module_hook(self, path: str) -> Callable[..., None]:
        def hook(module: nn.Module, args: tuple[Any, ...], output: Any) -> None:
            if not self._localising and self._collecting():
                self._track(module, path, output)

        return hook

    def _replay_hook(self, path: str) -> Callable[..., None]:
        def hook(module: nn.Module, args: tuple[Any, ...], output: Any) -> None:
            if self._culprit is None and any(
                    not bool(torch.isfinite(_finite_probe(o))) for o in _float_tensors(output)):
                self._culprit = path

        return hook

    def _root_hook(self, module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any],
                   output: Any) -> None:
        if self._localising:
            return
        if self._fmode is not None or self._path_handles:
            self._end_functional()  # always called, after an exception too
        if self._sampled_handles:
            for h in self._sampled_handles:
                h.remove()
            self._sampled_handles.clear()
        if not self._collecting():
            return
        if self._first_forward_done and self._check_finite:  # on the CPU, kept short
            if self._cpu_nonfinite is None and output is not None:
                self._unchecked.append((args, kwargs, output))  # checked before the step
            return
        outs = _float_tensors(output)
        if self._host is None and outs:
            self._host = outs[0].device.type == "cpu"
        if self._host:
            # the forward order is known; on the CPU the NaN check needs no more hooks
            self._first_forward_done = True
        if not self.thresholds["check_finite"]:
            return
        if self._host is False:
            for a in _float_tensors(args):
                self._flags.append(_finite_probe(a))
                self._flag_where.append((self._batch, "input"))
            return
        if self._cpu_nonfinite is None and outs:  # checked before the optimizer step
            self._unchecked.append((args, kwargs, output))

    def _check_outputs(self, loss: torch.Tensor | float | None) -> None:
        """The NaN/Inf check of this step's root outputs (CPU; see above)."""
        pending, self._unchecked = self._unchecked, []
        if not pending or self._cpu_nonfinite is not None:
            return
        if loss is not None and not self._sampled():
            value = loss.item() if isinstance(loss, torch.Tensor) else float(loss)
            if math.isfinite(value):
                return  # a non-finite output gives a non-finite loss
        for args, kwargs, output in pending:
            if any(not math.isfinite(_finite_probe(o.detach()).item())
                   for o in _float_tensors(output)):
                self._localise(args, kwargs)
                return

    def _localise(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Find the module whose output first turned non-finite: replay the forward."""
        culprit: str | None = None
        if any(not bool(torch.isfinite(_finite_probe(a))) for a in _float_tensors(args)):
            culprit = "input"
        else:
            saved = {k: b.detach().clone() for k, b in self.model.named_buffers()}
            handles = [m.register_forward_hook(self._replay_hook(p))
                       for m, p in self._paths.items()]
            self._localising, self._culprit = True, None
            spot = _FirstNonfinite()
            try:
                with torch.no_grad(), spot:
                    self.model(*args, **kwargs)
            finally:
                self._localising = False
                for h in handles:
                    h.remove()
                with torch.no_grad():  # batch-norm statistics as they were
                    for k, b in self.model.named_buffers():
                        if k in saved:
                            b.copy_(saved[k])
            culprit = self._culprit or self._paths.get(self.model, "model")
            self._nonfinite_op = spot.op
        self._cpu_nonfinite = (culprit, self._batch)

    def _activation_hook(self, path: str, probe: ActivationProbe) -> Callable[..., None]:
        def hook(module: nn.Module, args: tuple[Any, ...], output: Any) -> None:
            if self._localising or not self._collecting():
                return
            if not self._act_lazy:
                self._track(module, path, output)
            if self._sampled() and args:
                k = self._calls.get(path, 0)
                self._calls[path] = k + 1
                self._accumulate(path if k == 0 else f"{path}[{k}]", probe, args[0])

        return hook

    def _accumulate(self, name: str, probe: ActivationProbe, x: Any) -> None:
        """Add one activation input ``x`` to the epoch's statistics of ``name``."""
        if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.dim() == 0:
            return
        d = probe.derivative(x.detach())
        if not probe.nonnegative:
            d = d.abs()
        if d.dim() > 1:
            udim = min(self.thresholds["unit_dim"], d.dim() - 1)
            units = d.shape[udim]
            peak = d.amax(dim=[i for i in range(d.dim()) if i != udim])
        else:  # one sample: every element is a unit
            units = d.shape[0]
            peak = d
        key = (name, probe.name, units, probe.source, probe.max_abs_derivative)
        acc = self._acts.get(key)
        if acc is None:
            acc = self._acts[key] = _ActAcc()
        # Few kernels per call (their launch cost dominates on small layers), no bool
        # tensors, no host sync: the per-unit peak and the counts are running tensors
        # read once at the end of the epoch. A unit is alive once its peak |f'(x)| over
        # the samples is > 0.
        peak = peak.detach()
        nonzero = torch.count_nonzero(d)
        if acc.peak is None:
            acc.peak, acc.nonzero = peak.clone(), nonzero
        else:
            torch.maximum(acc.peak, peak, out=acc.peak)
            acc.nonzero += nonzero
        if probe.has_saturation:
            level = self.thresholds["saturation_rel"] * probe.max_abs_derivative
            # |f'| < level  <=>  min(|f'|, level) - level != 0
            below = torch.count_nonzero(d.clamp(max=level) - level)
            acc.below = below if acc.below is None else acc.below + below
        acc.elements += d.numel()
        acc.samples += d.numel() // max(units, 1)

    # Functional activations (``torch.relu(x)``, ``F.gelu(x)`` inside a custom forward)
    # have no module to hook: with ``functional=True`` a TorchFunctionMode is active
    # during sampled training forwards and reads their inputs. A stack of module paths
    # (pre-hooks) names the module that called them; calls made inside an activation
    # module that is hooked already are skipped.

    def _push_hook(self, path: str, is_activation: bool) -> Callable[..., None]:
        def hook(module: nn.Module, args: tuple[Any, ...]) -> None:
            if self._fmode is not None:
                self._stack.append((path, is_activation))

        return hook

    def _pop_hook(self, module: nn.Module, args: tuple[Any, ...], output: Any) -> None:
        if self._fmode is not None and self._stack:
            self._stack.pop()

    def _root_pre_hook(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        if (self._batch % self._every or self._localising or self.paused
                or not self._collecting()):
            return  # not a sampled training forward
        if self._act_lazy and not self._sampled_handles:
            self._sampled_handles = [m.register_forward_hook(h) for m, h in self._act_hooks]
        if (self._fmode is None and self.thresholds["functional"]
                and self._functional_quiet < _QUIET_FORWARDS):
            self._functional_found = False
            self._stack = []
            for m, path in self._paths.items():
                if m is self.model:
                    continue
                self._path_handles.append(m.register_forward_pre_hook(
                    self._push_hook(path, m in self._probes)))
                self._path_handles.append(m.register_forward_hook(self._pop_hook,
                                                                  always_call=True))
            self._fmode = _FunctionalMode(self)
            self._fmode.__enter__()

    def _end_functional(self) -> None:
        if self._fmode is not None:
            mode, self._fmode = self._fmode, None
            mode.__exit__(None, None, None)
            # a forward that called no functional activation outside the hooked modules:
            # after _QUIET_FORWARDS of them in a row the mode is no longer entered
            self._functional_quiet = 0 if self._functional_found else (
                self._functional_quiet + 1)
        for h in self._path_handles:
            h.remove()
        self._path_handles.clear()
        self._stack = []

    def _on_functional(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if self._localising or not args or (self._stack and self._stack[-1][1]):
            # a replayed forward (NaN search) is not counted twice
            return  # inside a hooked activation module: counted there
        probe = functional_probe(name, kwargs)
        if probe is None:
            return
        self._functional_found = True
        where = self._stack[-1][0] if self._stack else self._paths.get(self.model, "model")
        base = f"{where}:{name}"
        k = self._calls.get(base, 0)
        self._calls[base] = k + 1
        self._accumulate(base if k == 0 else f"{base}[{k}]", probe, args[0])

    # ---------------------------------------------------------- loop protocol

    def _weight_list(self) -> list[tuple[str, torch.nn.Parameter]]:
        if self._weights is None:
            found = []
            for module, path in self._paths.items():
                w = module._parameters.get("weight") if hasattr(module, "_parameters") else None
                if isinstance(w, torch.Tensor) and w.dim() >= 2 and w.requires_grad:
                    found.append((self._order.get(module, math.inf), path, w))
            found.sort(key=lambda t: t[0])
            self._weights = [(p, w) for _, p, w in found]
        return self._weights

    def after_backward(self, loss: torch.Tensor | float | None = None) -> None:
        """Call after ``loss.backward()`` and before ``optimizer.step()``.

        ``loss`` (optional) is this step's loss: when it is finite, the root outputs are
        checked for NaN/Inf on sampled steps only (a non-finite output gives a
        non-finite loss); without it they are checked at every step.
        """
        if self._unchecked:
            if (type(loss) is torch.Tensor and self._batch % self._every
                    and math.isfinite(loss.item())):
                self._unchecked.clear()  # the common case, kept short
            else:
                self._check_outputs(loss)
        if self._batch % self._every:
            return
        weights = self._weight_list()
        if not weights:
            return
        grads = [w.grad.detach() if w.grad is not None else torch.zeros_like(w)
                 for _, w in weights]
        # ||g||_2 and mean |g| = ||g||_1 / numel of every layer in two fused calls; no
        # host sync
        l1 = torch._foreach_norm(grads, 1)
        torch._foreach_div_(l1, [float(max(g.numel(), 1)) for g in grads])
        self._grad_rows.append((self._step, torch._foreach_norm(grads, 2),
                                l1))  # a bounded deque
        if self._buffers is None or len(self._buffers) != len(weights) or any(
                b.shape != w.shape or b.dtype != w.dtype or b.device != w.device
                for b, (_, w) in zip(self._buffers, weights)):
            self._buffers = [torch.empty_like(w, memory_format=torch.preserve_format)
                             for _, w in weights]
        torch._foreach_copy_(self._buffers, [w.detach() for _, w in weights])
        self._pending_update = True

    def step_end(self, loss: torch.Tensor | float | None = None, player: str = "loss") -> None:
        """Call after ``optimizer.step()``; ``loss`` is this batch's loss (optional).

        ``player`` names the loss curve the value belongs to: adversarial training keeps
        one curve per player (``"generator"``, ``"discriminator"``, ...).
        """
        if self._pending_update and self._buffers is not None and self._weights is not None:
            cur = [w.detach() for _, w in self._weights]
            if len(cur) == len(self._buffers):
                torch._foreach_sub_(self._buffers, cur)  # W_before - W_after
                self._upd_rows.append(torch._foreach_norm([*self._buffers, *cur], 2))
        self._pending_update = False
        if self._unchecked:  # after_backward was not called: checked now
            self._check_outputs(None)
        if loss is not None:
            self.log_loss(loss, player)
        self._calls.clear()
        self._last_checked = None
        if self._first_forward_done and (self._module_handles or self._act_handles):
            # the order is known; on the CPU the other modules need no more hooks, and
            # the activation modules are hooked for the sampled forwards only
            for h in (*self._module_handles, *self._act_handles):
                h.remove()
                self._handles.remove(h)
            self._module_handles.clear()
            self._act_handles.clear()
            self._act_lazy = True
        if len(self._flags) > 4 * _KEEP_ROWS:
            self._flush_flags()
        self._batch += 1
        self._step += 1

    def log_loss(self, loss: torch.Tensor | float, player: str = "loss") -> None:
        """Record one step's loss of ``player`` (done by :meth:`step_end` when given one)."""
        if isinstance(loss, torch.Tensor):
            value = loss.detach() if loss.requires_grad else loss
            if value.dim():
                value = value.reshape(-1)[0]
        else:
            value = torch.tensor(float(loss), dtype=torch.float64)
        pending = self._losses.get(player)
        if pending is None:
            pending = self._losses[player] = []
        pending.append((self._step, value))
        if len(pending) >= _FLUSH_LOSSES:  # one host read per 256 steps, bounded memory
            self._flush_losses(player)

    def _flush_losses(self, player: str) -> None:
        pending = self._losses.pop(player, [])
        if not pending:
            return
        dev = pending[0][1].device
        values = [v for _, v in pending]
        try:  # one kernel for the common case (one device; dtypes are promoted)
            stacked = torch.stack(values)
        except RuntimeError:
            stacked = torch.stack([v.to(dev) for v in values])
        vals = stacked.to(torch.float64).cpu().tolist()
        curve = self._curves.get(player)
        if curve is None:
            curve = self._curves[player] = LossSummary()
        for (step, _), v in zip(pending, vals):
            curve.add(v, step)
        sums = self._loss_sums.get(player, (0.0, 0))
        finite = [v for v in vals if math.isfinite(v)]
        self._loss_sums[player] = (sums[0] + sum(finite), sums[1] + len(finite))

    def _flush_flags(self) -> None:
        """Read the device-side NaN probes gathered so far (bounded: done every 1024)."""
        if not self._flags:
            return
        sums = torch.stack([f.to(self._flags[0].device) for f in self._flags]).cpu()
        bad = [self._flag_where[i] for i in (~torch.isfinite(sums)).nonzero().flatten().tolist()]
        self._flags, self._flag_where = [], []
        if bad and self._dev_nonfinite is None:
            first = bad[0][0]
            blamed = [p for b, p in bad if b == first]
            # the input is checked after the modules: it goes first when it is bad
            self._dev_nonfinite = (first, "input" if "input" in blamed else blamed[0])

    def epoch_end(self) -> EpochStats | None:
        """Close the epoch: read the device accumulators once; return its statistics.

        Under ``torch.distributed`` (a process group of two or more ranks) the
        statistics of every rank are reduced first (a unit is dead when it is dead on
        every rank, counts are summed, losses averaged), so every rank returns the same
        numbers; every rank must call it, as for any collective.

        Returns ``None`` when no batch was seen since the last call.
        """
        dist = _distributed()
        if self._batch == 0 and not self._acts and dist is None:
            return None
        for player in list(self._losses):
            self._flush_losses(player)
        self._flush_flags()
        acts = []
        keys = sorted((k for k, acc in self._acts.items() if acc.peak is not None),
                      key=lambda k: k[0])
        if dist is not None:
            self._reduce_activations(dist, keys)
        for key in keys:
            name, act_name, units, source, _ = key
            acc = self._acts[key]
            if acc.peak is None or not acc.elements:
                continue
            nonzero = int(acc.nonzero)  # type: ignore[arg-type]
            zeros = acc.elements - nonzero
            sat: float | None = None
            if acc.below is not None:
                sat = int(acc.below) / acc.elements  # |f'| < level, underflowed zeros too
            acts.append(ActivationStats(
                name=name, activation=act_name, units=units, samples=acc.samples,
                dead_fraction=float((acc.peak == 0).double().mean()),
                zero_fraction=zeros / acc.elements, saturation_fraction=sat,
                derivative_source=source))
        layers: list[LayerGradStats] = []
        ratio = None
        weights = self._weights or []
        n = len(weights)
        rows = [r for r in self._grad_rows if len(r[1]) == n]
        if rows and n:
            g = torch.stack([torch.stack([*n2, *m1]) for _, n2, m1 in rows]).cpu().double()
            mean_abs = g[:, n:]
            urows = [r for r in self._upd_rows if len(r) == 2 * n]
            upd = None
            if urows:
                u = torch.stack([torch.stack(r) for r in urows]).cpu().double()
                upd = u[:, :n] / u[:, n:]
            cols = [g]
            if upd is not None:
                cols.append(upd)
            if n >= 2:
                cols.append((g[:, 0] / g[:, n - 1]).unsqueeze(1))  # first / last
            med = _medians(torch.cat(cols, dim=1))  # one call for every column
            um = med[2 * n: 3 * n] if upd is not None else [None] * n
            umax: list[float | None] = [None] * n
            if upd is not None:
                finite = torch.where(torch.isfinite(upd), upd, torch.nan)
                umax = [None if math.isnan(v) else v
                        for v in torch.nan_to_num(finite, nan=-1.0).amax(0).tolist()]
                umax = [None if v is not None and v < 0 else v for v in umax]
            for i, (path, _) in enumerate(weights):
                layers.append(LayerGradStats(
                    name=path, grad_norm=med[i] or 0.0, mean_abs_grad=med[n + i] or 0.0,
                    update_ratio=um[i], update_ratio_max=umax[i]))
            if n >= 2:
                ratio = med[-1]
            self._record_flow(rows, mean_abs, [p for p, _ in weights])
        loss_mean = None
        total, count = self._loss_sums.get("loss", (0.0, 0))
        if dist is not None:
            t = torch.tensor([total, float(count)], dtype=torch.float64)
            dist.all_reduce(t)
            total, count = float(t[0]), int(t[1])
        if count:
            loss_mean = total / count
        self._loss_sums.clear()
        candidates = []  # (batch, module path)
        if self._dev_nonfinite is not None:
            candidates.append(self._dev_nonfinite)
        if self._cpu_nonfinite is not None:
            candidates.append((self._cpu_nonfinite[1], self._cpu_nonfinite[0]))
        nonfinite = None
        if candidates:
            batch, path = min(candidates, key=lambda c: (c[0], c[1] != "input"))
            nonfinite = (path, batch)
            if self._first_nonfinite is None:
                self._first_nonfinite = (path, self._epoch, batch)
                self._first_nonfinite_step = self._step - self._batch + batch
        upd_seen = [la.update_ratio for la in layers if la.update_ratio is not None]
        if upd_seen and not self._first_nonfinite:
            self._max_update = max(self._max_update, max(upd_seen))
        peaks = [la.update_ratio_max for la in layers if la.update_ratio_max is not None]
        if peaks:
            self._peak_update = max(self._peak_update, max(peaks))
        stats = EpochStats(
            epoch=self._epoch, steps=self._batch, sampled_steps=len(rows),
            loss=loss_mean, activations=tuple(acts), layers=tuple(layers), grad_ratio=ratio,
            nonfinite=nonfinite)
        self.history.append(stats)
        self._epoch += 1
        self._reset_epoch()
        return stats

    def _reduce_activations(self, dist: Any, keys: list[tuple[Any, ...]]) -> None:
        """Max of the per-unit peaks, sums of the counts, over the ranks (in place)."""
        for key in keys:
            acc = self._acts[key]
            peak = acc.peak
            counts = torch.tensor([float(acc.nonzero),  # type: ignore[arg-type]
                                   float(acc.below) if acc.below is not None else 0.0,
                                   float(acc.elements), float(acc.samples)],
                                  dtype=torch.float64, device=peak.device)  # type: ignore[union-attr]
            dist.all_reduce(peak, op=dist.ReduceOp.MAX)
            dist.all_reduce(counts)
            acc.nonzero = counts[0].to(torch.int64)
            if acc.below is not None:
                acc.below = counts[1].to(torch.int64)
            acc.elements, acc.samples = int(counts[2]), int(counts[3])

    def _record_flow(self, rows: list[Any], mean_abs: torch.Tensor, names: list[str]) -> None:
        """Add the epoch's mean |grad| rows to the gradient-flow record (fixed size)."""
        if self._grad_flow_names and self._grad_flow_names != names:
            self._grad_flow, self._grad_flow_steps = [], []  # the layers changed
            self._grad_flow_stride = 1
        self._grad_flow_names = names
        for (step, _, _), row in zip(rows, mean_abs.numpy()):
            self._flow_seen += 1
            if (self._flow_seen - 1) % self._grad_flow_stride:
                continue
            self._grad_flow.append(row)
            self._grad_flow_steps.append(step)
            if len(self._grad_flow) >= _KEEP_FLOW:  # keep every other row, halve the rate
                self._grad_flow = self._grad_flow[::2]
                self._grad_flow_steps = self._grad_flow_steps[::2]
                self._grad_flow_stride *= 2

    def _reset_epoch(self) -> None:
        self._batch = 0
        self._acts: dict[tuple[Any, ...], _ActAcc] = {}
        self._calls: dict[str, int] = {}  # activation calls per site in this step
        self._grad_rows: deque[tuple[int, list[torch.Tensor], list[torch.Tensor]]] = deque(
            maxlen=_KEEP_ROWS)
        self._upd_rows: deque[list[torch.Tensor]] = deque(maxlen=_KEEP_ROWS)
        self._pending_update = False
        self._losses: dict[str, list[tuple[int, torch.Tensor]]] = {}  # flushed every 256
        self._loss_sums: dict[str, tuple[float, int]] = {}
        self._flags: list[torch.Tensor] = []  # one finite-probe per checked output
        self._flag_where: list[tuple[int, str]] = []  # (batch, module path) of each
        self._dev_nonfinite: tuple[int, str] | None = None  # (batch, module path)
        self._last_checked: torch.Tensor | None = None
        self._cpu_nonfinite: tuple[str, int] | None = None  # (module path, batch)

    def summary_size(self) -> int:
        """How many numbers the monitor keeps, all summaries together (bounded)."""
        acts = sum(int(a.peak.numel()) + 3 for a in self._acts.values() if a.peak is not None)
        rows = sum(len(r[1]) * 2 + 1 for r in self._grad_rows) + sum(
            len(r) for r in self._upd_rows)
        losses = sum(len(v) for v in self._losses.values()) + sum(
            c.size() for c in self._curves.values())
        flow = sum(len(r) for r in self._grad_flow) + len(self._grad_flow_steps)
        return (acts + rows + losses + flow + len(self._flags) + len(self.history)
                + len(self._calls))

    # ------------------------------------------------------ trainer callbacks

    def on_train_begin(self, state: TrainState) -> None:
        self.attach()

    def on_epoch_begin(self, state: TrainState) -> None:
        if self._batch:
            self.epoch_end()

    def on_after_backward(self, state: TrainState) -> None:
        self.after_backward()

    def on_batch_end(self, state: TrainState) -> None:
        self.step_end(state.loss)

    def on_epoch_end(self, state: TrainState) -> None:
        self.epoch_end()

    def on_train_end(self, state: TrainState) -> None:
        if self._batch:
            self.epoch_end()
        self.close()

    # ------------------------------------------------------------- results

    def findings(self) -> list[Finding]:
        """The problems seen, most urgent first.

        Activations, gradients and update ratios are judged on the last epoch; NaN/Inf
        and the loss curves on the whole run. A partly finished epoch is closed first.
        """
        if self._batch or any(self._losses.values()):
            self.epoch_end()
        t = self.thresholds
        out: list[Finding] = []
        blowup: tuple[int, str] | None = None  # (step, what) of a NaN after training began
        if self._first_nonfinite is not None:
            path, epoch, batch = self._first_nonfinite
            op = self._nonfinite_op
            variant = _nonfinite_variant(self._module_at(path), op)
            out.append(finding("nonfinite", path, variant=variant,
                               evidence={"epoch": epoch, "batch": batch, "op": op},
                               op=op or "?",
                               op_text=f", produced by {op}" if op else "",
                               op_text_zh=f",由 {op} 产生" if op else ""))
            step = self._first_nonfinite_step
            if step is not None and step > 0 and variant != "log_space":
                blowup = (step, f"the output of {path}")
        last = self.history[-1] if self.history else None
        dead_found = False
        upd: list[tuple[float, str]] = []
        if last is not None:
            for a in last.activations:
                if a.dead_fraction > t["dead_threshold"]:
                    dead_found = True
                    out.append(finding("dead_units", a.name, evidence={
                        "activation": a.activation, "dead_fraction": a.dead_fraction,
                        "dead_units": round(a.dead_fraction * a.units), "units": a.units,
                        "threshold": t["dead_threshold"]}))
                if (a.saturation_fraction is not None
                        and a.saturation_fraction > t["saturation_threshold"]):
                    probe_max = next((p.max_abs_derivative for p in self._probes.values()
                                      if p.name == a.activation), math.nan)
                    if not math.isfinite(probe_max):
                        probe = functional_probe(a.activation, {})
                        probe_max = probe.max_abs_derivative if probe else math.nan
                    out.append(finding("saturated_activations", a.name, evidence={
                        "activation": a.activation,
                        "saturation_fraction": a.saturation_fraction,
                        "threshold": t["saturation_threshold"]},
                        saturation_rel=t["saturation_rel"],
                        saturation_level=t["saturation_rel"] * probe_max))
            if last.grad_ratio is not None and len(last.layers) >= 2:
                first, lastl = last.layers[0].name, last.layers[-1].name
                ev = {"ratio": last.grad_ratio, "first": first, "last": lastl,
                      "grad_norms": {g.name: g.grad_norm for g in last.layers}}
                if last.grad_ratio < t["vanishing_ratio"]:
                    out.append(finding("vanishing_gradient", first,
                                       evidence={**ev, "threshold": t["vanishing_ratio"]}))
                elif last.grad_ratio > t["exploding_ratio"]:
                    out.append(finding("exploding_gradient", first,
                                       evidence={**ev, "threshold": t["exploding_ratio"]}))
            upd = [(g.update_ratio, g.name) for g in last.layers if g.update_ratio is not None]
        curve_t = {k: t[k] for k in ("plateau_tol", "divergence_fraction", "divergence_rise",
                                     "oscillation_rise", "oscillation_rate", "loss_windows")}
        unstable: list[str] = []  # how the loss misbehaved: "rose again", "oscillates"
        decrease: float | None = None
        for player, curve in self._curves.items():
            where = "loss" if player == "loss" else f"loss:{player}"
            if curve.first_nonfinite is not None:
                step, value = curve.first_nonfinite
                out.append(finding("divergence", where, reason="nonfinite", evidence={
                    "first_nonfinite_step": step, "value": value}))
                if step > 0 and blowup is None:
                    blowup = (step, "the loss")
                continue
            if t["adversarial"]:
                continue  # adversarial losses rise and fall by design: only NaN counts
            if curve.steps < _MIN_STEPS_PER_WINDOW * t["loss_windows"]:
                continue  # windows of one or two mini-batches are noise, not a curve
            means = curve.means()
            for f in loss_curve_findings(means, **curve_t):
                if f.code == "divergence" and _within_noise(means, f, t["loss_windows"]):
                    continue  # the rise is what mini-batch noise gives a flat curve
                out.append(replace(f, where=where) if where != f.where else f)
                if f.code == "divergence":
                    unstable.append("rose again")
                elif f.code == "oscillation":
                    unstable.append("oscillates")
            vals = curve.means()
            if player == "loss" and len(vals) >= 4:
                s0 = window_means(vals, t["loss_windows"])
                decrease = (s0[0] - s0[-1]) / abs(s0[0]) if s0[0] else 0.0
        hi, hi_name = max(upd) if upd else (math.nan, "model")
        ratios = {n: r for r, n in upd}
        if upd and hi > t["update_ratio_high"]:
            out.append(finding("learning_rate_high", hi_name, reason="updates", evidence={
                "ratio": hi, "threshold": t["update_ratio_high"], "update_ratios": ratios}))
        elif (self._max_update > t["update_ratio_high"]
              or self._peak_update > t["update_ratio_peak"]):
            # an earlier epoch, or single steps: units may have died since, and updates
            # with them
            big = max(self._max_update, self._peak_update)
            out.append(finding("learning_rate_high", "model", reason="peak", evidence={
                "ratio": big, "threshold": t["update_ratio_peak"],
                "update_ratios": ratios}))
        elif blowup is not None:
            out.append(finding("learning_rate_high", "model", reason="blowup", evidence={
                "step": blowup[0], "what": blowup[1], "max_update_ratio": self._max_update},
                what_zh=blowup[1]))
        elif unstable and upd and hi > t["update_ratio_high"] / 10:
            out.append(finding("learning_rate_high", hi_name, reason="curve", evidence={
                "curve": " and ".join(unstable), "ratio": hi, "update_ratios": ratios},
                curve_zh="回升或振荡"))
        elif (upd and hi < t["update_ratio_low"] and not dead_found and blowup is None
              and self._first_nonfinite is None and decrease is not None
              and decrease < t["slow_decrease"]
              and self._max_update < t["update_ratio_high"]
              and self._peak_update < t["update_ratio_peak"]):
            out.append(finding("learning_rate_low", "model", evidence={
                "ratio": hi, "threshold": t["update_ratio_low"], "update_ratios": ratios,
                "relative_decrease": decrease}))
        order = dict(_PRIORITY)
        if blowup is not None:  # the step caused the NaN: the learning rate goes first
            order["learning_rate_high"] = -1
        return sorted(out, key=lambda f: order.get(f.code, len(order)))

    def _module_at(self, path: str) -> nn.Module | None:
        return next((m for m, p in self._paths.items() if p == path), None)

    def summary(self) -> MonitorSummary:
        """The statistics of every epoch and the findings, as one dataclass."""
        found = tuple(self.findings())
        return MonitorSummary(
            epochs=len(self.history), steps=self._step,
            epoch_losses=tuple(e.loss for e in self.history),
            last=self.history[-1] if self.history else None,
            history=tuple(self.history), findings=found)

    @property
    def step_losses(self) -> list[float]:
        """The loss curve of closed epochs at fixed size: one value per step until 128
        values are held, then means of ever longer runs of steps (non-finite losses are
        left out; see :class:`~actloss.diagnostics.LossSummary`)."""
        curve = self._curves.get("loss")
        return curve.means() if curve is not None else []

    def loss_curves(self) -> dict[str, list[float]]:
        """:attr:`step_losses` of every player (one curve per optimizer in adversarial
        training, ``"loss"`` otherwise)."""
        return {k: c.means() for k, c in self._curves.items()}

    def gradient_flow(self) -> tuple[list[int], list[str], np.ndarray]:
        """(steps, layer names, mean |grad| array of shape (sampled steps, layers))."""
        arr = np.stack(self._grad_flow) if self._grad_flow else np.zeros((0, 0))
        return list(self._grad_flow_steps), list(self._grad_flow_names), arr

    def gradient_flow_figure(self) -> Any:
        """Per-layer mean |grad| over training on a log scale; a matplotlib Figure."""
        from actloss.diagnostics._figure import gradient_flow_figure

        steps, names, arr = self.gradient_flow()
        return gradient_flow_figure(steps, names, arr)

    def try_remedies(self, model: nn.Module | Callable[[], nn.Module], loss_fn: Any,
                     batch: tuple[torch.Tensor, torch.Tensor], **kwargs: Any) -> list[Finding]:
        """Try each finding's remedies on copies; see :func:`actloss.diagnostics.try_remedies`."""
        return try_remedies(self.findings(), model, loss_fn, batch, monitor=self, **kwargs)


def monitor(model: nn.Module, **thresholds: Any) -> Monitor:
    """Watch ``model`` while it trains: dead units, saturation, gradients, NaN, the loss.

    Args:
        model: the ``nn.Module`` to watch; hooks are registered at once.
        **thresholds: ``every`` (10), ``unit_dim`` (1), ``check_finite`` (True),
            ``functional`` (True: also watch ``torch.relu``/``F.gelu``-style calls in
            custom forwards, through a TorchFunctionMode during sampled passes),
            ``dead_threshold`` (0.5), ``saturation_rel`` (0.01), ``saturation_threshold``
            (0.5), ``vanishing_ratio`` (1e-2), ``exploding_ratio`` (70),
            ``update_ratio_high`` (0.1), ``update_ratio_low`` (1e-5), ``plateau_tol``
            (0.01), ``divergence_fraction`` (0.5), ``divergence_rise`` (0.1),
            ``oscillation_rise`` (0.1), ``oscillation_rate`` (0.25), ``loss_windows`` (10);
            see :mod:`actloss.diagnostics` for their meaning and sources.

    Returns:
        A :class:`Monitor` (a trainer callback and a context manager).

    Raises:
        ParameterError: a threshold outside its interval or of the wrong type.
        InputError: ``model`` is not an ``nn.Module``.

    Example:
        >>> from torch import nn
        >>> m = monitor(nn.Sequential(nn.Linear(2, 2), nn.Tanh()), dead_threshold=0.9)
        >>> m.thresholds["dead_threshold"], m.attached
        (0.9, True)
        >>> m.close(); m.attached
        False
    """
    return Monitor(model, **thresholds)
