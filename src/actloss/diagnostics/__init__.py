"""Training diagnostics: watch a model train and say what is wrong, and what helps.

:func:`monitor` returns a :class:`Monitor`, a trainer callback that also works in a
hand-written loop (``after_backward()``, ``step_end(loss)``, ``epoch_end()``). It
measures, per epoch:

- per activation module (catalog modules, ``torch.nn`` activations mapped to catalog
  names, e.g. ``nn.Sigmoid`` -> ``sigmoid``; and, unless ``functional=False``, functional
  calls such as ``torch.relu(x)`` inside custom forwards, seen through a
  ``TorchFunctionMode`` during sampled passes and named ``<module>:<function>``; a
  forward replayed to find a NaN is not counted again): the **dead-unit
  fraction** (a unit is dead when f'(x) = 0 for every sample of the epoch, accumulated
  per unit over the batches) and the **saturation fraction** (|f'(x)| < 1% of the catalog's
  ``max_abs_derivative``; f'(x) comes from the catalog's closed-form derivative, so
  sigmoid saturates where sigmoid'(x) < 0.0025, that is |x| > 5.99, and tanh where
  |x| > 2.99, with no hard-coded input range; for these smooth entries an exact 0 can
  only be floating-point underflow and counts as saturated). Piecewise-linear entries
  (relu, relu6, hardtanh, leaky_relu, ...) have f' in a finite set and get no
  saturation statistic: their flat parts make dead units;
- per parameterised layer (a weight with two or more dimensions), in forward order:
  ||dL/dW||, mean |dL/dW| (the gradient-flow figure), the **first/last gradient
  ratio** and the **update-to-weight ratio** ||dW|| / ||W|| per optimizer step;
- the **first module whose output holds NaN or Inf**: forward hooks fire innermost
  first, so the first non-finite module output of a step names the culprit. On the CPU
  the root outputs of a step are checked before the optimizer step (in
  ``after_backward``): when the step's loss is given there (``after_backward(loss)``;
  :func:`actloss.watch` gives it) and is finite, only sampled steps sum the outputs,
  since a NaN or Inf output makes the usual losses non-finite (one hidden from the
  loss by a mask is seen at the next sampled step); without a loss every step's
  outputs are summed. A non-finite output triggers a replay of that forward pass (same
  weights, no gradient, batch-norm statistics restored) with a check after each
  module; on accelerators each module output is summed on the device and the sums are
  read at the end of the epoch (no host synchronisation);
- the loss curve: **plateau**, **oscillation**, **divergence**
  (:func:`loss_curve_findings`).

Every summary has a fixed size whatever the epoch length: per-unit peaks and counts are
running tensors, the medians of an epoch come from its last 256 sampled steps, the loss
curve is kept in at most 128 bins that merge as it grows (:class:`LossSummary`), the
gradient-flow record halves its sampling rate when it reaches 512 rows and ``history``
keeps the last 64 epochs.

Statistics stay on the device and are read once per epoch; ``every=k`` samples one
batch in k (batches 0, k, 2k, ... of each epoch) for the activation and gradient
statistics, while the losses (and through them the NaN check) see every batch. On the
CPU a batch that is not sampled runs two hooks on the root module and none on the
others: the activation modules are hooked during sampled forwards only, once the first
forward has given the layer order. Functional activations are looked for during
sampled forwards until three of them in a row call none outside the hooked activation
modules (a module-only network then pays for no function mode). ``every=1`` is meant
for short diagnostic runs; ``python -m benchmarks.monitor`` measures the cost of
:func:`actloss.watch` at its defaults (``every=20``) on the digits MLP and a small CNN
(interleaved rounds, mean per-step thread CPU time; about 6% and 3% of a step, see
``docs/benchmarks.md``) next to its calibration table. A unit counts as dead when
f'(x) = 0 on every *sampled* sample.

Thresholds and where they come from
-----------------------------------
The published tools disagree, so each default below is a choice:

- ``dead_threshold = 0.5``: SageMaker Debugger's ``DeadRelu`` rule flags a layer when
  more than 50% (``threshold_layer``) of its ReLUs are inactive. AUTOTRAINER uses 70%
  of zero gradients (``gamma = 0.7``) over the whole network. We judge per layer, as
  SageMaker does, because one dead layer blocks the signal however healthy the rest is;
  a healthy He-initialised ReLU layer has few dead units, far below 50%.
- ``saturation_rel = 0.01``, ``saturation_threshold = 0.5``: SageMaker's
  ``SaturatedActivation`` rule uses fixed input ranges for tanh and sigmoid (derived
  from a gradient of 1e-7) and the same 50% per layer. A gradient of 1e-7 is far too
  strict to catch the slow learning saturation causes, and fixed ranges do not carry
  over to other activations; 1% of sup|f'| works for every catalog entry.
- ``vanishing_ratio = 1e-2``, ``exploding_ratio = 70``: AUTOTRAINER's ``beta_3`` (70)
  for the ratio of the first to the last layer's gradient norm; for vanishing it uses
  ``beta_1 = 1e-3`` and also requires the first layer's norm to be below 1e-4
  (``beta_2``). We drop that absolute test because it depends on the loss scale, and
  with it the second order of magnitude: the ratio is a median over an epoch's sampled
  steps, and five 64-wide sigmoid layers on the digits, a stack that learns visibly
  slower, give about 3.5e-3. SageMaker's ``VanishingGradient`` (mean |grad| < 1e-7) is
  absolute and so also scale-dependent. DeepDiagnosis and TheDeepChecker check similar
  ratios with hand-tuned constants.
- ``update_ratio_high = 0.1``, ``update_ratio_low = 1e-5``: Karpathy's rule of thumb
  puts a healthy ||dW||/||W|| near 1e-3 per step; Adam with its default 1e-3 learning
  rate gives about 1e-2 on small networks, so we flag two orders of magnitude above
  the rule (0.1) and two below (1e-5, and only when every layer is that slow).
  ``learning_rate_high`` is also reported when the loss or an output turns non-finite
  after training had begun (a blow-up after a step), and when the loss rises again or
  oscillates while updates are above a tenth of the high mark. ``learning_rate_low``
  ("raise the learning rate") needs tiny updates *and* a loss that fell by less than
  ``slow_decrease`` (10%); it is never given after a blow-up, with dead units, or when
  an earlier epoch had large updates (units killed by a big step do not need a larger one).
- ``adversarial = False``: with ``True`` (a GAN) every player's loss curve is followed
  on its own and only a non-finite loss is reported, since adversarial losses rise and
  fall by design.
- loss curve: ``plateau_tol = 0.01`` (the loss fell by less than 1% from the first to
  the last window, in the spirit of SageMaker's ``LossNotDecreasing``);
  ``oscillation_rise = 0.1`` and ``oscillation_rate = 0.25`` follow AUTOTRAINER's
  unstable-training check (a quarter of the moves are swings, ``eta`` in 0.2-0.25),
  with the swing measured relative to the loss (10%) instead of AUTOTRAINER's absolute
  0.03 of accuracy; ``divergence_fraction = 0.5``: the loss lost more than half of its
  progress again (and rose by ``divergence_rise`` = 10% above its best), or became
  non-finite (AUTOTRAINER's ``nan_loss``).

Each finding carries its remedy (``Finding.fix``, also in Chinese) and
:meth:`Monitor.try_remedies` measures the remedies on copies of the model: Leaky ReLU or
ELU for dead units, He init, a lower learning rate, normalisation, residual
connections, gradient clipping (:mod:`actloss.diagnostics._remedies`).

Example:
    >>> import torch
    >>> from torch import nn
    >>> from actloss.diagnostics import monitor
    >>> _ = torch.manual_seed(0)
    >>> net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
    >>> with torch.no_grad():
    ...     _ = net[0].bias.fill_(-100.0)  # every pre-activation is negative
    >>> m = monitor(net)
    >>> x, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
    >>> loss = nn.functional.cross_entropy(net(x), y)
    >>> loss.backward(); m.after_backward(); m.step_end(loss); _ = m.epoch_end()
    >>> [(f.code, f.where) for f in m.findings()]
    [('dead_units', '1')]
    >>> m.findings()[0].evidence["dead_fraction"]
    1.0
    >>> m.close()
"""

from __future__ import annotations

from actloss.diagnostics._activations import TORCH_TO_CATALOG, ActivationProbe, probe_for
from actloss.diagnostics._figure import gradient_flow_figure
from actloss.diagnostics._loss_curve import LossSummary, loss_curve_findings, window_means
from actloss.diagnostics._monitor import (
    ActivationStats,
    EpochStats,
    LayerGradStats,
    Monitor,
    MonitorSummary,
    monitor,
)
from actloss.diagnostics._remedies import REMEDY_NAMES, apply_remedy, try_remedies
from actloss.diagnostics._text import REMEDIES, TEXT
from actloss.diagnostics._thresholds import MONITOR_PARAMS

__all__ = [
    "MONITOR_PARAMS",
    "REMEDIES",
    "REMEDY_NAMES",
    "TEXT",
    "TORCH_TO_CATALOG",
    "ActivationProbe",
    "ActivationStats",
    "EpochStats",
    "LayerGradStats",
    "LossSummary",
    "Monitor",
    "MonitorSummary",
    "apply_remedy",
    "gradient_flow_figure",
    "loss_curve_findings",
    "monitor",
    "probe_for",
    "try_remedies",
    "window_means",
]
