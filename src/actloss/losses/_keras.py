"""Losses: Keras spellings with Keras meaning.

Each entry is registered as ``keras_<name>`` (``keras_name`` holds Keras' class name)
so it never clashes with the PyTorch-convention entries of the core families; Keras'
spelling is also an alias where no core entry has claimed it (``binary_crossentropy``,
``categorical_crossentropy``, ``mean_squared_error``, ...; ``huber`` or ``hinge`` stay the
core entries, ``dice`` and ``tversky`` the per-sample segmentation entries).
:func:`keras_spec` always resolves Keras' spellings
(``"categorical_crossentropy"``, ``"CategoricalCrossentropy"``, ``"mse"``) to these
entries.

What "Keras meaning" means here, and how it differs from the PyTorch-convention entries:

- argument order: Keras calls ``loss(y_true, y_pred)``; here, as everywhere in actloss,
  ``fn(input=y_pred, target=y_true)``.
- classes on the **last** dimension (channels-last), and a per-sample loss: the
  element-wise loss is averaged (or, for the categorical ones, summed) over the last
  dimension, so ``reduction='none'`` returns shape ``input.shape[:-1]``.
- ``reduction='mean'`` is Keras' ``"sum_over_batch_size"``; ``weight`` is Keras'
  ``sample_weight``: the weighted sum is divided by the number of per-sample values,
  **not** by the sum of the weights.
- ``binary_crossentropy``, ``categorical_crossentropy`` and
  ``sparse_categorical_crossentropy`` (and the focal ones) take probabilities unless
  ``from_logits=True``. Probabilities are clipped to ``[eps, 1 - eps]`` with Keras'
  ``eps = 1e-7`` (the PyTorch backend's behaviour; the TensorFlow backend also adds
  ``eps`` inside the logarithm), and categorical probabilities are first divided by their
  sum over the last dimension, as Keras does. With ``from_logits=True`` the formulas are
  evaluated in log space (``softplus``, ``log_softmax``), never by clipping a sigmoid.

Every entry is an adapter over a core family: the adapter does the argument order, the
``axis`` (moved last, then to dimension 1 for the multi-class families), Keras's clipping
and label smoothing, the sample-weight shapes and the reduction (through
:func:`actloss._reduction.reduce`); the per-sample values come from the family, so a fix
there reaches the Keras spelling:

- ``categorical_crossentropy`` and ``sparse_categorical_crossentropy``: ``cross_entropy``
  on logits; on probabilities the logarithm of the renormalised, clipped ``p`` goes to the
  family's log-probability path (``nll``'s), because the clipped ``p`` need not sum to 1
  and ``cross_entropy`` would renormalise them (Keras does not);
- ``categorical_focal_crossentropy``: ``categorical_focal`` (times ``alpha``), likewise;
- ``binary_crossentropy``: ``binary_cross_entropy`` on the clipped probabilities, or
  ``binary_cross_entropy_with_logits``;
- ``binary_focal_crossentropy``: ``binary_focal`` on logits (the logits of the clipped
  probabilities when ``from_logits=False``; Keras forms the modulating factor from the
  unclipped ``p``, which differs only below ``1e-7`` or above ``1 - 1e-7``, by less than
  ``1e-7``);
- ``kl_divergence``: ``kl_div`` on the logarithm of the clipped prediction;
- ``categorical_hinge``: ``categorical_hinge``;
- ``dice`` and ``tversky``: the sums of the ``tversky`` family (TP, FP, FN) with Keras's
  ratio :math:`TP / (TP + \\alpha FP + \\beta FN + \\epsilon)`. The core losses add
  ``smooth`` to numerator and denominator (all-zero masks give 0); Keras adds ``eps`` to
  the denominator only (all-zero masks give 1), which no ``smooth`` reproduces, so the
  ratio itself is formed here;
- the regression and hinge entries: ``mse``, ``mae``, ``huber``, ``log_cosh``, ``hinge``,
  ``squared_hinge``, ``poisson_nll``, ``mape``, averaged over the last dimension.
  ``mean_squared_logarithmic_error`` (Keras clamps at ``1e-7``, ``msle`` refuses values
  ``<= -1``) and ``cosine_similarity`` (``-cos`` with Keras's norm floor, the core entry
  is ``1 - cos`` with another floor) keep their own one-line formulas.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

from actloss._i18n import bilingual as _bi
from actloss._numeric import up as _up
from actloss._reduction import check_reduction, reduce
from actloss._scaled import unit as _safe_unit
from actloss._validation import NONNEGATIVE, POSITIVE, UNIT, Param, check_params, check_tensor
from actloss.errors import InputError
from actloss.losses._checks import check_all_finite
from actloss.losses._registry import REGISTRY, register
from actloss.losses._spec import LossSpec

__all__ = [
    "KERAS_EPSILON",
    "keras_binary_crossentropy",
    "keras_binary_focal_crossentropy",
    "keras_categorical_crossentropy",
    "keras_categorical_focal_crossentropy",
    "keras_categorical_hinge",
    "keras_cosine_similarity",
    "keras_dice",
    "keras_hinge",
    "keras_huber",
    "keras_kl_divergence",
    "keras_log_cosh",
    "keras_mean_absolute_error",
    "keras_mean_absolute_percentage_error",
    "keras_mean_squared_error",
    "keras_mean_squared_logarithmic_error",
    "keras_poisson",
    "keras_sparse_categorical_crossentropy",
    "keras_spec",
    "keras_squared_hinge",
    "keras_tversky",
]

KERAS_EPSILON = 1e-7  # keras.backend.epsilon()



def _pair(owner: str, input: object, target: object) -> tuple[torch.Tensor, torch.Tensor]:
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target, floating=False)
    if t.shape != x.shape:
        raise InputError(
            f"`input` (y_pred) and `target` (y_true) of {owner} must have the same shape; "
            f"got {tuple(x.shape)} and {tuple(t.shape)} (no silent broadcasting)"
        )
    if x.dim() == 0:
        raise InputError(f"`input` of {owner} must have at least one dimension; got a scalar")
    x = _up(x)
    return x, t.to(x.dtype)



def _core(name: str) -> Callable[..., torch.Tensor]:
    """The core family's function ``name``: the keras_ entries adapt it (argument order,
    per-sample mean, weights), so a fix in the family reaches its Keras spelling."""
    return REGISTRY.spec(name).fn


def _in_unit(owner: str, arg: str, value: torch.Tensor, what: str) -> None:
    if value.numel() and bool(((value < 0) | (value > 1)).any()):
        raise InputError(f"`{arg}` of {owner} must hold {what} in [0, 1]")


KERAS_REDUCTIONS = ("none", "mean", "sum", "sum_over_batch_size", "mean_with_sample_weight")


def _check_reduction(owner: str, reduction: object) -> str:
    """Keras's reductions: ``None`` (= ``'none'``), ``'sum'``, ``'sum_over_batch_size'``
    (= actloss's ``'mean'``) and ``'mean_with_sample_weight'``."""
    return check_reduction(owner, "none" if reduction is None else reduction,
                           KERAS_REDUCTIONS)


def _sample_weight(owner: str, weight: object, shape: torch.Size) -> torch.Tensor:
    """Keras's ``squeeze_or_expand_to_same_rank``: a weight one rank above the per-sample
    loss loses its trailing 1 ((N, 1) -> (N,), (N, T, 1) -> (N, T)); one rank below gains
    a trailing 1 ((N,) against (N, T)). The result must broadcast to ``shape``."""
    if not isinstance(weight, torch.Tensor) and isinstance(weight, (list, tuple, int, float)):
        weight = torch.as_tensor(weight, dtype=torch.float32)  # as Keras takes array-likes
    w = check_tensor(owner, "weight", weight)
    if w.dim() == len(shape) + 1 and w.shape[-1] == 1:
        w = w.squeeze(-1)
    elif w.dim() == len(shape) - 1 and w.dim() > 0:
        w = w.unsqueeze(-1)
    try:
        fits = torch.broadcast_shapes(w.shape, shape) == shape
    except RuntimeError:
        fits = False
    if not fits:
        raise InputError(
            f"`weight` (sample_weight) of {owner} of shape {tuple(weight.shape)} does not fit "
            f"the per-sample loss of shape {tuple(shape)}: Keras takes (N,), (N, 1), (N, T) "
            "or (N, T, 1)"
        )
    return w


def _keras_reduce(owner: str, per_sample: torch.Tensor, reduction: str | None,
                  weight: torch.Tensor | None, like: torch.Tensor,
                  mask: torch.Tensor | None = None) -> torch.Tensor:
    """Keras's weighting and reduction, through the one reduction helper.

    ``'sum_over_batch_size'`` (``'mean'``) divides the weighted sum by the number of
    per-sample values (of the unmasked ones with ``mask``), ``'mean_with_sample_weight'``
    by the sum of the weights; an empty batch gives 0 (Keras divides with
    ``divide_no_nan``). The result has ``like``'s dtype (float16/bfloat16 inputs are
    computed in float32).
    """
    reduction = _check_reduction(owner, reduction)
    w = None if weight is None else _sample_weight(owner, weight, per_sample.shape)
    if reduction == "sum_over_batch_size":
        reduction = "mean"
    if reduction == "mean_with_sample_weight":
        w_full = (torch.ones_like(per_sample) if w is None
                  else torch.broadcast_to(w.to(per_sample.dtype), per_sample.shape))
        out = reduce(per_sample, "mean", weight=w_full, mask=mask, owner=owner,
                     mean_by="weight")
        out = torch.nan_to_num(out, nan=0.0) if per_sample.numel() == 0 else out
    elif reduction == "mean" and per_sample.numel() == 0:
        out = per_sample.sum()
    else:
        out = reduce(per_sample, reduction, weight=w, mask=mask, owner=owner,
                     mean_by="count")
    return out.to(like.dtype)


def _weigh(g: torch.Tensor, weight: torch.Tensor | None, owner: str = "keras loss"
           ) -> torch.Tensor:
    """``g`` times the sample weight fitted to the per-sample shape ``g.shape[:-1]``."""
    if weight is None:
        return g
    w = _sample_weight(owner, weight, g.shape[:-1])
    return g * torch.broadcast_to(w.to(g.dtype), g.shape[:-1]).unsqueeze(-1)


def _clip_mask(x: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """Where ``clamp(x, low, high)`` passes the gradient (inclusive, as torch.clamp)."""
    return ((x >= low) & (x <= high)).to(x.dtype)


# ---------------------------------------------------------------------------------------
# regression
# ---------------------------------------------------------------------------------------

def keras_mean_squared_error(input: torch.Tensor, target: torch.Tensor, *,
                             reduction: str = "mean",
                             weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Keras ``mean_squared_error``: :math:`\operatorname{mean}_{-1}((y - \hat y)^2)`.

    Each square is taken before the mean, as Keras and PyTorch's ``mse_loss`` do: in
    float32 a difference beyond about ``1.8e19`` squares to ``inf`` even where the mean
    would be representable. This is kept on purpose (the value matches the peers' op);
    use float64 for such magnitudes.

    Args:
        input: ``y_pred`` ``(N, ..., D)``.
        target: ``y_true``, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``, broadcast to ``input.shape[:-1]``.

    Shape:
        output ``input.shape[:-1]`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> keras_mean_squared_error(torch.tensor([[1.0, 2.0]]), torch.tensor([[0.0, 0.0]]),
        ...                          reduction="none")
        tensor([2.5000])
    """
    _check_reduction("keras_mean_squared_error", reduction)
    x, t = _pair("keras_mean_squared_error", input, target)
    per = _core("mse")(x, t, reduction="none").mean(-1)
    return _keras_reduce("keras_mean_squared_error", per, reduction, weight, input)


def _mse_grad(input: torch.Tensor, target: torch.Tensor, *,
              weight: torch.Tensor | None = None) -> torch.Tensor:
    x, t = _pair("keras_mean_squared_error", input, target)
    return _weigh(2 * (x - t) / x.shape[-1], weight)


def keras_mean_absolute_error(input: torch.Tensor, target: torch.Tensor, *,
                              reduction: str = "mean",
                              weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Keras ``mean_absolute_error``: :math:`\operatorname{mean}_{-1}|y - \hat y|`.

    Args:
        input: ``y_pred`` ``(N, ..., D)``.
        target: ``y_true``, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``, broadcast to ``input.shape[:-1]``.

    Example:
        >>> import torch
        >>> keras_mean_absolute_error(torch.tensor([[1.0, -2.0]]), torch.zeros(1, 2))
        tensor(1.5000)
    """
    _check_reduction("keras_mean_absolute_error", reduction)
    x, t = _pair("keras_mean_absolute_error", input, target)
    per = _core("mae")(x, t, reduction="none").mean(-1)
    return _keras_reduce("keras_mean_absolute_error", per, reduction, weight, input)


def _mae_grad(input: torch.Tensor, target: torch.Tensor, *,
              weight: torch.Tensor | None = None) -> torch.Tensor:
    x, t = _pair("keras_mean_absolute_error", input, target)
    return _weigh(torch.sign(x - t) / x.shape[-1], weight)


def keras_log_cosh(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                   weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Keras ``log_cosh``: :math:`\operatorname{mean}_{-1}\log\cosh(\hat y - y)`.

    Evaluated as :math:`e + \operatorname{softplus}(-2e) - \log 2`
    (identity: :math:`\log\cosh e = \log((e^{e} + e^{-e})/2) = e + \log(1 + e^{-2e}) -
    \log 2`), finite for any error. Derivative: :math:`\tanh(e)/D`.

    Args:
        input: ``y_pred`` ``(N, ..., D)``.
        target: ``y_true``, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``.

    Example:
        >>> import torch
        >>> keras_log_cosh(torch.tensor([[1.0, 1.0], [0.0, 0.0]]),
        ...                torch.tensor([[0.0, 1.0], [0.0, 0.0]]))  # Keras' doc: 0.108
        tensor(0.1084)
    """
    _check_reduction("keras_log_cosh", reduction)
    x, t = _pair("keras_log_cosh", input, target)
    per = _core("log_cosh")(x, t, reduction="none").mean(-1)
    return _keras_reduce("keras_log_cosh", per, reduction, weight,
                         input)


def _log_cosh_grad(input: torch.Tensor, target: torch.Tensor, *,
                   weight: torch.Tensor | None = None) -> torch.Tensor:
    x, t = _pair("keras_log_cosh", input, target)
    return _weigh(torch.tanh(x - t) / x.shape[-1], weight)


HUBER_PARAMS = (Param("delta", 1.0, float, POSITIVE, doc="where quadratic turns linear"),)


def keras_huber(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                weight: torch.Tensor | None = None, delta: float = 1.0) -> torch.Tensor:
    r"""Keras ``huber``: mean over the last dimension of

    .. math::
        \begin{cases} \tfrac12 e^2 & |e| \le \delta \\ \delta |e| - \tfrac12\delta^2 &
        \text{otherwise} \end{cases}

    Args:
        input: ``y_pred`` ``(N, ..., D)``.
        target: ``y_true``, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``.
        delta: in ``(0, inf)``, default ``1.0``.

    Example:
        >>> import torch
        >>> keras_huber(torch.tensor([[0.6, 0.4], [0.4, 0.6]]),
        ...             torch.tensor([[0.0, 1.0], [0.0, 0.0]]))  # Keras' doc: 0.155
        tensor(0.1550)
    """
    d = check_params("keras_huber", HUBER_PARAMS, {"delta": delta})["delta"]
    _check_reduction("keras_huber", reduction)
    x, t = _pair("keras_huber", input, target)
    per = _core("huber")(x, t, reduction="none", delta=d).mean(-1)
    return _keras_reduce("keras_huber", per, reduction, weight,
                         input)


def _huber_grad(input: torch.Tensor, target: torch.Tensor, *,
                weight: torch.Tensor | None = None, delta: float = 1.0
                ) -> torch.Tensor:
    d = check_params("keras_huber", HUBER_PARAMS, {"delta": delta})["delta"]
    x, t = _pair("keras_huber", input, target)
    e = x - t
    return _weigh(torch.where(e.abs() <= d, e, d * torch.sign(e)) / x.shape[-1], weight)


def keras_poisson(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                  weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Keras ``poisson``: :math:`\operatorname{mean}_{-1}(\hat y - y\log(\hat y + \epsilon))`.

    ``input`` is the predicted rate (not its logarithm), ``eps = 1e-7``.

    Args:
        input: predicted rates ``>= 0``, shape ``(N, ..., D)``.
        target: observed counts, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``.

    Example:
        >>> import torch
        >>> keras_poisson(torch.tensor([[1.0]]), torch.tensor([[2.0]]))  # 1 - 2 log(1)
        tensor(1.0000)
    """
    _check_reduction("keras_poisson", reduction)
    x, t = _pair("keras_poisson", input, target)
    if x.numel() and bool((x < 0).any()):
        raise InputError("`input` of keras_poisson must hold predicted rates >= 0")
    per = _core("poisson_nll")(x, t, reduction="none", log_input=False,
                               eps=KERAS_EPSILON).mean(-1)
    return _keras_reduce("keras_poisson", per, reduction, weight,
                         input)


def _poisson_grad(input: torch.Tensor, target: torch.Tensor, *,
                  weight: torch.Tensor | None = None) -> torch.Tensor:
    x, t = _pair("keras_poisson", input, target)
    return _weigh((1 - t / (x + KERAS_EPSILON)) / x.shape[-1], weight)


# ---------------------------------------------------------------------------------------
# hinge family (labels -1/1; {0, 1} labels are converted as Keras does)
# ---------------------------------------------------------------------------------------

def _hinge_labels(t: torch.Tensor) -> torch.Tensor:
    """Keras' convert_binary_labels_to_hinge: all-{0,1} labels become 2t - 1."""
    if t.numel() and bool(((t == 0) | (t == 1)).all()):
        return 2 * t - 1
    return t


def keras_hinge(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Keras ``hinge``: :math:`\operatorname{mean}_{-1}\max(0, 1 - y\hat y)`.

    Labels ``-1/1``; if every label is 0 or 1 they are converted to ``2y - 1`` (Keras).

    Args:
        input: scores ``(N, ..., D)``.
        target: labels, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``.

    Example:
        >>> import torch
        >>> keras_hinge(torch.tensor([[0.5, -2.0]]), torch.tensor([[1.0, 0.0]]))  # (0.5+0)/2
        tensor(0.2500)
    """
    _check_reduction("keras_hinge", reduction)
    x, t = _pair("keras_hinge", input, target)
    per = _core("hinge")(x, _hinge_labels(t), reduction="none").mean(-1)
    return _keras_reduce("keras_hinge", per, reduction, weight,
                         input)


def _hinge_grad(input: torch.Tensor, target: torch.Tensor, *,
                weight: torch.Tensor | None = None) -> torch.Tensor:
    x, t = _pair("keras_hinge", input, target)
    y = _hinge_labels(t)
    return _weigh(-y * (1 - y * x > 0).to(x.dtype) / x.shape[-1], weight)


def keras_squared_hinge(input: torch.Tensor, target: torch.Tensor, *,
                        reduction: str = "mean",
                        weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Keras ``squared_hinge``: :math:`\operatorname{mean}_{-1}\max(0, 1 - y\hat y)^2`.

    Args:
        input: scores ``(N, ..., D)``.
        target: labels ``-1/1`` (or ``0/1``, converted), same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``.

    Example:
        >>> import torch
        >>> keras_squared_hinge(torch.tensor([[0.5, -2.0]]), torch.tensor([[1.0, -1.0]]))
        tensor(0.1250)
    """
    _check_reduction("keras_squared_hinge", reduction)
    x, t = _pair("keras_squared_hinge", input, target)
    per = _core("squared_hinge")(x, _hinge_labels(t), reduction="none").mean(-1)
    return _keras_reduce("keras_squared_hinge", per, reduction, weight,
                         input)


def _squared_hinge_grad(input: torch.Tensor, target: torch.Tensor, *,
                        weight: torch.Tensor | None = None) -> torch.Tensor:
    x, t = _pair("keras_squared_hinge", input, target)
    y = _hinge_labels(t)
    return _weigh(-2 * y * F.relu(1 - y * x) / x.shape[-1], weight)


def keras_categorical_hinge(input: torch.Tensor, target: torch.Tensor, *,
                            reduction: str = "mean",
                            weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Keras ``categorical_hinge``: :math:`\max(0,\ \max_j (1 - y_j)\hat y_j - \sum_j y_j
    \hat y_j + 1)`.

    Args:
        input: scores ``(N, ..., C)``.
        target: one-hot labels, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``.

    Example:
        >>> import torch
        >>> keras_categorical_hinge(torch.tensor([[2.0, 1.5, 0.0]]),
        ...                         torch.tensor([[1.0, 0.0, 0.0]]))  # 1.5 - 2 + 1
        tensor(0.5000)
    """
    _check_reduction("keras_categorical_hinge", reduction)
    x, t = _pair("keras_categorical_hinge", input, target)
    per = _core("categorical_hinge")(_classes_first(x), _classes_first(t), reduction="none")
    return _keras_reduce("keras_categorical_hinge", per, reduction, weight, input)


def _classes_first(x: torch.Tensor) -> torch.Tensor:
    """Keras's classes-last layout in the core families' one (classes on dimension 1)."""
    return x.movedim(-1, 1) if x.dim() > 2 else x


# ---------------------------------------------------------------------------------------
# cross-entropies
# ---------------------------------------------------------------------------------------

_FROM_LOGITS = Param("from_logits", False, bool, doc="input holds logits, not probabilities")
_SMOOTHING = Param("label_smoothing", 0.0, float, UNIT, doc="Keras label smoothing")
_AXIS = Param("axis", -1, int, doc="the class axis (Keras's `axis`)")
BCE_PARAMS = (_FROM_LOGITS, _SMOOTHING, _AXIS)
CCE_PARAMS = (_FROM_LOGITS, _SMOOTHING, _AXIS)
SCCE_PARAMS = (_FROM_LOGITS,
               Param("ignore_class", None, int, optional=True,
                     doc="a label whose samples are left out (Keras's ignore_class)"),
               _AXIS)
BFOCAL_PARAMS = (
    Param("apply_class_balancing", False, bool, doc="weight class 1 by alpha, 0 by 1 - alpha"),
    Param("alpha", 0.25, float, UNIT, doc="class-1 weight when balancing"),
    Param("gamma", 2.0, float, NONNEGATIVE, doc="focusing exponent"),
    _FROM_LOGITS, _SMOOTHING, _AXIS,
)
CFOCAL_PARAMS = (
    Param("alpha", 0.25, float, NONNEGATIVE, doc="weight of every class"),
    Param("gamma", 2.0, float, NONNEGATIVE, doc="focusing exponent"),
    _FROM_LOGITS, _SMOOTHING, _AXIS,
)


def _bce_elements(owner: str, input: object, target: object, from_logits: bool,
                  label_smoothing: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Element-wise Keras BCE, the (smoothed) target and the probability used."""
    x, t = _pair(owner, input, target)
    _in_unit(owner, "target", t, "labels")
    if label_smoothing:
        t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:  # the core family, in log space (softplus), never a clipped sigmoid
        return (_core("binary_cross_entropy_with_logits")(x, t, reduction="none"), t,
                torch.sigmoid(x))
    _in_unit(owner, "input", x, "probabilities (pass from_logits=True for logits)")
    p = x.clamp(KERAS_EPSILON, 1 - KERAS_EPSILON)  # Keras's clip, then the core BCE
    return _core("binary_cross_entropy")(p, t, reduction="none"), t, p


def keras_binary_crossentropy(input: torch.Tensor, target: torch.Tensor, *,
                              reduction: str | None = "mean",
                              weight: torch.Tensor | None = None, from_logits: bool = False,
                              label_smoothing: float = 0.0, axis: int = -1) -> torch.Tensor:
    r"""Keras ``binary_crossentropy``: mean over the last dimension of
    :math:`-(y\log p + (1 - y)\log(1 - p))`, ``p = clip(y_pred, 1e-7, 1 - 1e-7)``.

    With ``from_logits=True``: :math:`y\,\operatorname{softplus}(-z) + (1 - y)
    \operatorname{softplus}(z)`. ``label_smoothing`` ``s`` maps ``y`` to
    ``y (1 - s) + s / 2``.

    Args:
        input: probabilities (or logits) ``(N, ..., D)``.
        target: labels in ``[0, 1]``, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``.
        from_logits: default ``False``.
        label_smoothing: in ``[0, 1]``, default ``0``.

    Example:
        >>> import torch
        >>> keras_binary_crossentropy(torch.tensor([[0.6, 0.4], [0.4, 0.6]]),
        ...                           torch.tensor([[0.0, 1.0], [0.0, 0.0]]),
        ...                           reduction="none")  # Keras' doc: [0.916, 0.714]
        tensor([0.9163, 0.7136])
    """
    kw = check_params("keras_binary_crossentropy", BCE_PARAMS,
                      {"from_logits": from_logits, "label_smoothing": label_smoothing,
                       "axis": axis})
    _check_reduction("keras_binary_crossentropy", reduction)
    x, t = _moved("keras_binary_crossentropy", input, target, kw["axis"])
    el, _, _ = _bce_elements("keras_binary_crossentropy", x, t, kw["from_logits"],
                             kw["label_smoothing"])
    return _keras_reduce("keras_binary_crossentropy", el.mean(-1), reduction, weight,
                         input)


def _bce_grad(input: torch.Tensor, target: torch.Tensor, *,
              weight: torch.Tensor | None = None, from_logits: bool = False,
              label_smoothing: float = 0.0, axis: int = -1) -> torch.Tensor:
    x, t0 = _moved("keras_binary_crossentropy", input, target, axis)
    _, t, p = _bce_elements("keras_binary_crossentropy", x, t0, from_logits,
                            label_smoothing)
    if from_logits:
        return _back(_weigh((p - t) / x.shape[-1], weight), axis)  # d/dz = sigmoid(z) - t
    # d/dp of -(t log p + (1 - t) log(1 - p)) = (p - t) / (p (1 - p)), inside the clip
    g = (p - t) / (p * (1 - p)) * _clip_mask(x, KERAS_EPSILON, 1 - KERAS_EPSILON)
    return _back(_weigh(g / x.shape[-1], weight), axis)


def _categorical(owner: str, x: torch.Tensor, from_logits: bool
                 ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
    """log-probabilities over the last dimension; with probabilities also q and p."""
    if from_logits:
        from actloss.losses._optax import refuse_probabilities_as_logits

        refuse_probabilities_as_logits(owner, x)
        return torch.log_softmax(x, dim=-1), None, None  # log softmax via logsumexp
    _in_unit(owner, "input", x, "probabilities (pass from_logits=True for logits)")
    q = x / x.sum(-1, keepdim=True)  # Keras renormalises
    p = q.clamp(KERAS_EPSILON, 1 - KERAS_EPSILON)
    return torch.log(p), q, p


def _class_family(owner: str, x: torch.Tensor, t: torch.Tensor, from_logits: bool,
                  label_smoothing: float = 0.0, gamma: float | None = None,
                  ignore_index: int = -100) -> torch.Tensor:
    r"""The per-sample loss from the core softmax family, classes last.

    Logits go to the core entry itself (``cross_entropy`` or, with ``gamma``,
    ``categorical_focal``). Probabilities are renormalised and clipped as Keras does and
    their logarithms go to the family's log-probability path (``nll``'s): the value is
    Keras's :math:`-\sum_j y_j \log p_j` of the clipped ``p`` exactly (the clipped ``p``
    need not sum to 1, so they are not passed on as logits, which the family would
    renormalise). Label smoothing is the family's rule, :math:`y(1 - s) + s/C`, which is
    Keras's.
    """
    from actloss.losses._multiclass import _class_loss, _focal_phi, _neg

    logp, _, _ = _categorical(owner, x, from_logits)
    xs, ts = _classes_first(x if from_logits else logp), _classes_first(t)
    if from_logits and gamma is None:
        return _core("cross_entropy")(xs, ts, reduction="none", ignore_index=ignore_index,
                                      label_smoothing=label_smoothing)
    if from_logits:  # categorical_focal has no smoothing of its own: smooth the target
        return _core("categorical_focal")(xs, _smooth(ts, label_smoothing), reduction="none",
                                          gamma=gamma, ignore_index=ignore_index)
    return _class_loss(owner, xs, ts, "none", None, _neg if gamma is None else _focal_phi(gamma),
                       ignore_index=ignore_index, smoothing=label_smoothing, log_input=True,
                       probabilities=t.is_floating_point())


def _smooth(t: torch.Tensor, s: float) -> torch.Tensor:
    """Keras's categorical label smoothing ``y (1 - s) + s / C`` (classes on dimension 1)."""
    if not s:
        return t
    return t * (1 - s) + s / t.shape[1 if t.dim() > 1 else 0]


def _onehot_target(owner: str, input: object, target: object, label_smoothing: float
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    x, t = _pair(owner, input, target)
    _in_unit(owner, "target", t, "one-hot or probability labels")
    if label_smoothing:
        t = t * (1 - label_smoothing) + label_smoothing / x.shape[-1]
    return x, t


def keras_categorical_crossentropy(input: torch.Tensor, target: torch.Tensor, *,
                                   reduction: str = "mean",
                                   weight: torch.Tensor | None = None,
                                   from_logits: bool = False,
                                   label_smoothing: float = 0.0,
                                   axis: int = -1) -> torch.Tensor:
    r"""Keras ``categorical_crossentropy``: :math:`-\sum_j y_j \log p_j` over the last
    dimension, one-hot ``y``.

    Probabilities are renormalised (``p = y_pred / sum(y_pred)``) and clipped to
    ``[1e-7, 1 - 1e-7]``; with ``from_logits=True``, ``log p = log_softmax(z)``.
    ``label_smoothing`` ``s`` maps ``y`` to ``y (1 - s) + s / C``.

    Args:
        input: probabilities (or logits) ``(N, ..., C)``.
        target: one-hot (or probability) labels, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``.
        from_logits: default ``False``.
        label_smoothing: in ``[0, 1]``, default ``0``.

    Example:
        >>> import torch
        >>> keras_categorical_crossentropy(torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]),
        ...                                torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
        ...                                reduction="none")  # Keras' doc: [0.0513, 2.303]
        tensor([0.0513, 2.3026])
    """
    kw = check_params("keras_categorical_crossentropy", CCE_PARAMS,
                      {"from_logits": from_logits, "label_smoothing": label_smoothing,
                       "axis": axis})
    _check_reduction("keras_categorical_crossentropy", reduction)
    x, t = _onehot_target("keras_categorical_crossentropy",
                          *_moved("keras_categorical_crossentropy", input, target, kw["axis"]),
                          0.0)
    per = _class_family("keras_categorical_crossentropy", x, t, kw["from_logits"],
                        kw["label_smoothing"])
    return _keras_reduce("keras_categorical_crossentropy", per, reduction, weight,
                         input)


def _cce_grad_from(x: torch.Tensor, t: torch.Tensor, from_logits: bool) -> torch.Tensor:
    if from_logits:
        # d/dz of -sum t (z - logsumexp z) = softmax(z) * sum(t) - t
        return torch.softmax(x, -1) * t.sum(-1, keepdim=True) - t
    s = x.sum(-1, keepdim=True)
    q = x / s
    p = q.clamp(KERAS_EPSILON, 1 - KERAS_EPSILON)
    g = -t / p * _clip_mask(q, KERAS_EPSILON, 1 - KERAS_EPSILON)  # dL/dq
    # q = x / sum(x):  dq_j/dx_k = (delta_jk - q_j) / s
    return (g - (g * q).sum(-1, keepdim=True)) / s


def _cce_grad(input: torch.Tensor, target: torch.Tensor, *,
              weight: torch.Tensor | None = None, from_logits: bool = False,
              label_smoothing: float = 0.0, axis: int = -1) -> torch.Tensor:
    x, t = _onehot_target("keras_categorical_crossentropy",
                          *_moved("keras_categorical_crossentropy", input, target, axis),
                          label_smoothing)
    _categorical("keras_categorical_crossentropy", x, from_logits)  # validates
    return _back(_weigh(_cce_grad_from(x, t, from_logits), weight), axis)


def _sparse_target(owner: str, input: object, target: object,
                   ignore_class: int | None = None
                   ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Scores with classes last, the one-hot target and the mask of kept labels.

    Labels of shape ``input.shape[:-1] + (1,)`` lose their trailing 1, as in Keras;
    labels equal to ``ignore_class`` are masked out (their one-hot row is zero).
    """
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target, floating=False)
    if x.dim() == 0:
        raise InputError(f"`input` of {owner} must have a class dimension; got a scalar")
    if t.is_floating_point() or t.dtype == torch.bool:
        raise InputError(
            f"`target` of {owner} must hold class indices of an integer dtype; got dtype "
            f"{t.dtype} (one-hot targets go to keras_categorical_crossentropy)"
        )
    if t.dim() == x.dim() and t.shape[-1] == 1 and t.shape[:-1] == x.shape[:-1]:
        t = t.squeeze(-1)  # Keras's documented (N, 1) labels
    if t.shape != x.shape[:-1]:
        raise InputError(
            f"`target` of {owner} must hold class indices of shape {tuple(x.shape[:-1])} "
            f"or {(*x.shape[:-1], 1)} (classes on the last dimension of `input`); "
            f"got shape {tuple(t.shape)}"
        )
    x = _up(x)
    c = x.shape[-1]
    keep = None if ignore_class is None else t != ignore_class
    checked = t if keep is None else t[keep]
    if checked.numel():
        lo, hi = torch.aminmax(checked)
        if int(lo) < 0 or int(hi) >= c:
            bad = int(lo) if int(lo) < 0 else int(hi)
            raise InputError(f"`target` of {owner} holds class index {bad} out of range "
                             f"[0, {c})")
    safe = t if keep is None else torch.where(keep, t, torch.zeros_like(t))
    onehot = F.one_hot(safe.long(), c).to(x.dtype)
    if keep is not None:
        onehot = onehot * keep.unsqueeze(-1).to(x.dtype)
    return x, onehot, keep


def _moved(owner: str, input: object, target: object, axis: int
           ) -> tuple[torch.Tensor, torch.Tensor]:
    """``input`` and ``target`` with Keras's ``axis`` moved last."""
    x = check_tensor(owner, "input", input)
    t = check_tensor(owner, "target", target, floating=False)
    return _last(x, axis), _last(t, axis)


def _back(g: torch.Tensor, axis: int) -> torch.Tensor:
    """A gradient computed with ``axis`` last, moved back to ``axis``."""
    return g if axis in (-1, g.dim() - 1) else g.movedim(-1, axis)


def _last(x: torch.Tensor, axis: int) -> torch.Tensor:
    """``x`` with ``axis`` moved last (Keras's ``axis`` argument)."""
    if x.dim() and axis not in (-1, x.dim() - 1):
        if not -x.dim() <= axis < x.dim():
            raise InputError(f"`axis` {axis} is out of range for an input of {x.dim()} "
                             "dimension(s)")
        return x.movedim(axis, -1)
    return x


def keras_sparse_categorical_crossentropy(input: torch.Tensor, target: torch.Tensor, *,
                                          reduction: str | None = "mean",
                                          weight: torch.Tensor | None = None,
                                          from_logits: bool = False,
                                          ignore_class: int | None = None,
                                          axis: int = -1) -> torch.Tensor:
    r"""Keras ``sparse_categorical_crossentropy``: :math:`-\log p_{y}` with class indices.

    Same probability handling as :func:`keras_categorical_crossentropy` (renormalise and
    clip, or ``log_softmax`` with ``from_logits=True``). Labels may have a trailing 1
    (``(N, 1)``, Keras's documented usage). Labels equal to ``ignore_class`` give 0 and
    are left out of the divisor of ``'sum_over_batch_size'`` (Keras's mask). The source's
    Transformer example uses ``SparseCategoricalCrossentropy(from_logits=True)``.

    Args:
        input: probabilities (or logits) ``(N, ..., C)``.
        target: integer class indices ``(N, ...)`` or ``(N, ..., 1)``.
        reduction: ``None | 'sum' | 'sum_over_batch_size' (= 'mean') |
            'mean_with_sample_weight'``.
        weight: Keras ``sample_weight``.
        from_logits: default ``False``.
        ignore_class: a label to ignore, default ``None``.
        axis: the class axis of ``input``, default ``-1``.

    Example:
        >>> import torch
        >>> keras_sparse_categorical_crossentropy(
        ...     torch.tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]), torch.tensor([1, 2]),
        ...     reduction="none")  # Keras' doc: [0.0513, 2.303]
        tensor([0.0513, 2.3026])
    """
    kw = check_params("keras_sparse_categorical_crossentropy", SCCE_PARAMS,
                      {"from_logits": from_logits, "ignore_class": ignore_class,
                       "axis": axis})
    _check_reduction("keras_sparse_categorical_crossentropy", reduction)
    x, onehot, keep = _sparse_target("keras_sparse_categorical_crossentropy",
                                     _last(check_tensor("keras_sparse_categorical_crossentropy",
                                                        "input", input), kw["axis"]),
                                     target, kw["ignore_class"])
    labels = onehot.argmax(-1) if keep is None else torch.where(keep, onehot.argmax(-1), -1)
    per = _class_family("keras_sparse_categorical_crossentropy", x, labels, kw["from_logits"],
                        ignore_index=-1)
    return _keras_reduce("keras_sparse_categorical_crossentropy", per, reduction, weight,
                         input, mask=keep)


def _scce_grad(input: torch.Tensor, target: torch.Tensor, *,
               weight: torch.Tensor | None = None, from_logits: bool = False,
               ignore_class: int | None = None, axis: int = -1) -> torch.Tensor:
    x, onehot, keep = _sparse_target("keras_sparse_categorical_crossentropy",
                                     _last(input, axis), target, ignore_class)
    _categorical("keras_sparse_categorical_crossentropy", x, from_logits)
    g = _cce_grad_from(x, onehot, from_logits)
    if keep is not None:
        g = g * keep.unsqueeze(-1).to(g.dtype)
    g = _weigh(g, weight)
    return g.movedim(-1, axis) if _last(input, axis) is not input else g


def keras_binary_focal_crossentropy(input: torch.Tensor, target: torch.Tensor, *,
                                    reduction: str = "mean",
                                    weight: torch.Tensor | None = None,
                                    apply_class_balancing: bool = False, alpha: float = 0.25,
                                    gamma: float = 2.0, from_logits: bool = False,
                                    label_smoothing: float = 0.0,
                                    axis: int = -1) -> torch.Tensor:
    r"""Keras ``binary_focal_crossentropy``: mean over the last dimension of
    :math:`(1 - p_t)^{\gamma}\,\mathrm{BCE}`, :math:`p_t = y p + (1 - y)(1 - p)`.

    With ``apply_class_balancing`` each term is also weighted by ``alpha`` (class 1) or
    ``1 - alpha`` (class 0). Keras applies a sigmoid and then the clipped BCE when
    ``from_logits=True``; here the BCE term is evaluated from the logits in log space, which
    agrees with Keras wherever the clip is inactive (``|z| < 16``) and stays exact beyond.

    Args:
        input: probabilities (or logits) ``(N, ..., D)``.
        target: labels in ``[0, 1]``, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``.
        apply_class_balancing: default ``False``.
        alpha: in ``[0, 1]``, default ``0.25``.
        gamma: in ``[0, inf)``, default ``2.0``.
        from_logits: default ``False``.
        label_smoothing: in ``[0, 1]``, default ``0``.

    Example:
        >>> import torch
        >>> keras_binary_focal_crossentropy(torch.tensor([[0.6, 0.4], [0.4, 0.6]]),
        ...                                 torch.tensor([[0.0, 1.0], [0.0, 0.0]]),
        ...                                 reduction="none")  # Keras' doc: [0.330, 0.206]
        tensor([0.3299, 0.2058])
    """
    kw = check_params("keras_binary_focal_crossentropy", BFOCAL_PARAMS,
                      {"apply_class_balancing": apply_class_balancing, "alpha": alpha,
                       "gamma": gamma, "from_logits": from_logits,
                       "label_smoothing": label_smoothing, "axis": axis})
    _check_reduction("keras_binary_focal_crossentropy", reduction)
    owner = "keras_binary_focal_crossentropy"
    x, t = _pair(owner, *_moved(owner, input, target, kw["axis"]))
    _in_unit(owner, "target", t, "labels")
    if kw["label_smoothing"]:
        t = t * (1 - kw["label_smoothing"]) + 0.5 * kw["label_smoothing"]
    if not kw["from_logits"]:
        # Keras's clip, then the logits of the clipped probabilities for the core family:
        # sigmoid(log p - log(1 - p)) = p, so its BCE is Keras's clipped BCE
        _in_unit(owner, "input", x, "probabilities (pass from_logits=True for logits)")
        p = x.clamp(KERAS_EPSILON, 1 - KERAS_EPSILON)
        x = torch.log(p) - torch.log1p(-p)
    el = _core("binary_focal")(x, t, reduction="none", gamma=kw["gamma"],
                               alpha=kw["alpha"] if kw["apply_class_balancing"] else None)
    return _keras_reduce("keras_binary_focal_crossentropy", el.mean(-1), reduction, weight,
                         input)


def keras_categorical_focal_crossentropy(input: torch.Tensor, target: torch.Tensor, *,
                                         reduction: str = "mean",
                                         weight: torch.Tensor | None = None,
                                         alpha: float = 0.25, gamma: float = 2.0,
                                         from_logits: bool = False,
                                         label_smoothing: float = 0.0,
                                         axis: int = -1) -> torch.Tensor:
    r"""Keras ``categorical_focal_crossentropy``:
    :math:`\sum_j \alpha (1 - p_j)^{\gamma}\,(-y_j \log p_j)` over the last dimension.

    ``p`` is renormalised and clipped as in :func:`keras_categorical_crossentropy`; with
    ``from_logits=True``, ``log p = log_softmax(z)`` and ``p = softmax(z)`` (Keras takes a
    softmax and clips: equal wherever the clip is inactive).

    Args:
        input: probabilities (or logits) ``(N, ..., C)``.
        target: one-hot labels, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``.
        alpha: in ``[0, inf)``, default ``0.25``.
        gamma: in ``[0, inf)``, default ``2.0``.
        from_logits: default ``False``.
        label_smoothing: in ``[0, 1]``, default ``0``.

    Example:
        >>> import torch
        >>> out = keras_categorical_focal_crossentropy(
        ...     torch.tensor([[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]),
        ...     torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), reduction="none")
        >>> [round(v, 6) for v in out.tolist()]  # Keras' doc: [2.634e-04, 6.759e-01]
        [0.000263, 0.675912]
    """
    kw = check_params("keras_categorical_focal_crossentropy", CFOCAL_PARAMS,
                      {"alpha": alpha, "gamma": gamma, "from_logits": from_logits,
                       "label_smoothing": label_smoothing, "axis": axis})
    _check_reduction("keras_categorical_focal_crossentropy", reduction)
    x, t = _onehot_target("keras_categorical_focal_crossentropy",
                          *_moved("keras_categorical_focal_crossentropy", input, target,
                                  kw["axis"]),
                          0.0)
    per = kw["alpha"] * _class_family("keras_categorical_focal_crossentropy", x, t,
                                      kw["from_logits"], kw["label_smoothing"],
                                      gamma=kw["gamma"])
    return _keras_reduce("keras_categorical_focal_crossentropy", per, reduction, weight, input)


# ---------------------------------------------------------------------------------------
# divergence
# ---------------------------------------------------------------------------------------

def keras_kl_divergence(input: torch.Tensor, target: torch.Tensor, *,
                        reduction: str = "mean",
                        weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Keras ``kl_divergence``: :math:`\sum_j y_j \log(y_j / \hat y_j)` over the last
    dimension, both clipped to ``[1e-7, 1]``.

    Keras' order is ``kl_divergence(y_true, y_pred)``; here ``input = y_pred`` (the model's
    distribution) and ``target = y_true``, i.e. ``KL(target || input)``. Both are
    **probabilities** (PyTorch's ``kl_div`` takes log-probabilities as input instead).
    Derivative with respect to ``y_pred``: :math:`-y_j/\hat y_j` inside the clip.

    Args:
        input: predicted distribution ``(N, ..., C)``.
        target: true distribution, same shape.
        reduction: ``'none' | 'mean' | 'sum'`` over the per-sample values.
        weight: Keras ``sample_weight``.

    Example:
        >>> import torch
        >>> keras_kl_divergence(torch.tensor([[0.5, 0.5]]), torch.tensor([[1.0, 0.0]]))
        tensor(0.6931)
    """
    _check_reduction("keras_kl_divergence", reduction)
    x, t = _pair("keras_kl_divergence", input, target)
    # Keras clips both to [1e-7, 1]; the core kl_div takes the log of the prediction
    per = _core("kl_div")(torch.log(x.clamp(KERAS_EPSILON, 1)), t.clamp(KERAS_EPSILON, 1),
                          reduction="none").sum(-1)
    return _keras_reduce("keras_kl_divergence", per, reduction, weight,
                         input)


def _kl_grad(input: torch.Tensor, target: torch.Tensor, *,
             weight: torch.Tensor | None = None) -> torch.Tensor:
    x, t = _pair("keras_kl_divergence", input, target)
    tc = t.clamp(KERAS_EPSILON, 1)
    return _weigh(-tc / x.clamp(KERAS_EPSILON, 1) * _clip_mask(x, KERAS_EPSILON, 1), weight)


# ---------------------------------------------------------------------------------------
# regression additions: MSLE with Keras's clamp, MAPE, cosine similarity as -cos
# ---------------------------------------------------------------------------------------

def keras_mean_squared_logarithmic_error(input: torch.Tensor, target: torch.Tensor, *,
                                         reduction: str | None = "mean",
                                         weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Keras ``mean_squared_logarithmic_error``: mean over the last dimension of
    :math:`(\log(\max(\hat y, \epsilon) + 1) - \log(\max(y, \epsilon) + 1))^2`,
    ``eps = 1e-7``.

    Both tensors are clamped at ``1e-7`` first, as Keras does: negative values raise no
    error (actloss's own ``msle`` refuses values ``<= -1`` instead).

    Example:
        >>> import torch
        >>> keras_mean_squared_logarithmic_error(  # Keras' doc: 0.240
        ...     torch.tensor([[1.0, 1.0], [1.0, 0.0]]), torch.tensor([[0.0, 1.0], [0.0, 0.0]]))
        tensor(0.2402)
    """
    _check_reduction("keras_mean_squared_logarithmic_error", reduction)
    x, t = _pair("keras_mean_squared_logarithmic_error", input, target)
    check_all_finite("keras_mean_squared_logarithmic_error", "input", x)
    d = torch.log1p(x.clamp_min(KERAS_EPSILON)) - torch.log1p(t.clamp_min(KERAS_EPSILON))
    return _keras_reduce("keras_mean_squared_logarithmic_error", (d * d).mean(-1), reduction,
                         weight, input)


def _msle_grad(input: torch.Tensor, target: torch.Tensor, *,
               weight: torch.Tensor | None = None) -> torch.Tensor:
    x, t = _pair("keras_mean_squared_logarithmic_error", input, target)
    d = torch.log1p(x.clamp_min(KERAS_EPSILON)) - torch.log1p(t.clamp_min(KERAS_EPSILON))
    g = 2 * d / (1 + x.clamp_min(KERAS_EPSILON)) * (x >= KERAS_EPSILON).to(x.dtype)
    return _weigh(g / x.shape[-1], weight)


def keras_mean_absolute_percentage_error(input: torch.Tensor, target: torch.Tensor, *,
                                         reduction: str | None = "mean",
                                         weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Keras ``mean_absolute_percentage_error``: mean over the last dimension of
    :math:`100\,|y - \hat y| / \max(|y|, \epsilon)` (the core ``mape``, per sample).

    Example:
        >>> import torch
        >>> keras_mean_absolute_percentage_error(  # Keras' doc: 50.
        ...     torch.tensor([[1.0, 1.0], [1.0, 0.0]]), torch.tensor([[2.0, 1.0], [2.0, 3.0]]))
        tensor(50.)
    """
    _check_reduction("keras_mean_absolute_percentage_error", reduction)
    x, t = _pair("keras_mean_absolute_percentage_error", input, target)
    per = _core("mape")(x, t, reduction="none", eps=KERAS_EPSILON).mean(-1)
    return _keras_reduce("keras_mean_absolute_percentage_error", per, reduction, weight,
                         input)


def _mape_grad(input: torch.Tensor, target: torch.Tensor, *,
               weight: torch.Tensor | None = None) -> torch.Tensor:
    x, t = _pair("keras_mean_absolute_percentage_error", input, target)
    g = 100 * torch.sign(x - t) / t.abs().clamp_min(KERAS_EPSILON)
    return _weigh(g / x.shape[-1], weight)


COSINE_PARAMS = (_AXIS,)


def _l2_normalize(x: torch.Tensor) -> torch.Tensor:
    # Keras: x / sqrt(max(sum(x^2), 1e-12)) = x / max(|x|, 1e-6), the norm taken on scaled
    # rows so that no square overflows
    return _safe_unit(x, dim=-1, eps=1e-6)[0]


def keras_cosine_similarity(input: torch.Tensor, target: torch.Tensor, *,
                            reduction: str | None = "mean",
                            weight: torch.Tensor | None = None,
                            axis: int = -1) -> torch.Tensor:
    r"""Keras ``cosine_similarity`` as a loss: :math:`-\sum \hat u\,u`, ``u`` and
    :math:`\hat u` the L2-normalised target and prediction over ``axis`` (norms floored at
    ``sqrt(1e-12)``). It lies in ``[-1, 1]``; ``-1`` is best. actloss's
    ``cosine_similarity`` is ``1 - cos`` instead.

    Example:
        >>> import torch
        >>> keras_cosine_similarity(torch.tensor([[1.0, 0.0], [1.0, 1.0]]),
        ...                         torch.tensor([[0.0, 1.0], [1.0, 1.0]]))  # Keras: -0.5
        tensor(-0.5000)
    """
    (axis,) = check_params("keras_cosine_similarity", COSINE_PARAMS, {"axis": axis}).values()
    _check_reduction("keras_cosine_similarity", reduction)
    x, t = _pair("keras_cosine_similarity", *_moved("keras_cosine_similarity", input, target,
                                                    axis))
    check_all_finite("keras_cosine_similarity", "input", x)
    per = -(_l2_normalize(x) * _l2_normalize(t)).sum(-1)
    return _keras_reduce("keras_cosine_similarity", per, reduction, weight, input)


# ---------------------------------------------------------------------------------------
# segmentation, Keras style: one value over `axis` (None: the whole batch)
# ---------------------------------------------------------------------------------------

TVERSKY_PARAMS = (Param("alpha", 0.5, float, NONNEGATIVE, doc="weight of false positives"),
                  Param("beta", 0.5, float, NONNEGATIVE, doc="weight of false negatives"))


def _over_axis(owner: str, input: object, target: object, reduction: object,
               weight: object, axis: object
               ) -> tuple[torch.Tensor, torch.Tensor, tuple[int, ...]]:
    """Both tensors and the axes to sum over (all of them for ``axis=None``)."""
    _check_reduction(owner, reduction)
    x, t = _pair(owner, input, target)
    check_all_finite(owner, "input", x)
    if axis is None:
        if weight is not None:
            raise InputError(
                f"`weight` of {owner} must be None with axis=None: Keras computes one value "
                "for the whole batch, so there is nothing to weight per sample")
        return x, t, tuple(range(x.dim()))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if not axes or not all(isinstance(a, int) and -x.dim() <= a < x.dim() for a in axes):
        raise InputError(f"`axis` of {owner} must be None, an int or a tuple of ints within "
                         f"the {x.dim()} dimension(s) of `input`; got {axis!r}")
    return x, t, tuple(sorted({a % x.dim() for a in axes}))


def _overlap(x: torch.Tensor, t: torch.Tensor, axes: tuple[int, ...], alpha: float,
             beta: float, eps: float) -> torch.Tensor:
    """Keras's ratio :math:`TP / (TP + \\alpha FP + \\beta FN + \\epsilon)` over ``axes``,
    from the sums of the core ``tversky`` family (its ``smooth`` is 0: Keras has no
    smoothing in the numerator, only ``eps`` in the denominator)."""
    from actloss.losses._segmentation import _tversky_parts

    keep = [d for d in range(x.dim()) if d not in axes]
    order = keep + list(axes)
    lead = [x.shape[d] for d in keep]
    flat_x = x.permute(order).reshape(math.prod(lead), math.prod(x.shape[d] for d in axes))
    flat_t = t.permute(order).reshape(flat_x.shape)
    _, tp, den = _tversky_parts(flat_x, flat_t, alpha, beta, 0.0)
    return (tp / (den + eps)).reshape(lead)


def keras_dice(input: torch.Tensor, target: torch.Tensor, *, reduction: str | None = "mean",
               weight: torch.Tensor | None = None,
               axis: int | tuple[int, ...] | None = None) -> torch.Tensor:
    r"""Keras ``dice``: :math:`1 - 2\sum y\hat y / (\sum y + \sum\hat y + \epsilon)` over
    ``axis`` (``None``: the **whole batch**, one value), ``eps = 1e-7``, no smoothing in
    the numerator. With ``axis=(1, 2, ...)`` one value per sample, then Keras's reduction.
    The per-sample, smoothed version is ``dice``.

    Args:
        input: probabilities, any shape.
        target: masks, same shape.
        reduction: Keras's reductions, over the values left after ``axis``.
        weight: ``sample_weight``, only with an ``axis``.
        axis: ``None``, an int or a tuple of ints.

    Example:
        >>> import torch
        >>> keras_dice(torch.tensor([[1.0, 1.0, 0.0]]), torch.tensor([[1.0, 0.0, 0.0]]))
        tensor(0.3333)
    """
    x, t, axes = _over_axis("keras_dice", input, target, reduction, weight, axis)
    # 2TP / (sum y + sum p + eps) = TP / (TP + FP/2 + FN/2 + eps/2)
    per = 1 - _overlap(x, t, axes, 0.5, 0.5, KERAS_EPSILON / 2)
    return _keras_reduce("keras_dice", per, reduction, weight, input)


def keras_tversky(input: torch.Tensor, target: torch.Tensor, *, reduction: str | None = "mean",
                  weight: torch.Tensor | None = None, alpha: float = 0.5, beta: float = 0.5,
                  axis: int | tuple[int, ...] | None = None) -> torch.Tensor:
    r"""Keras ``tversky`` (current Keras, which agrees with the paper):

    .. math::
        1 - \frac{\sum y\hat y}{\sum y\hat y + \alpha\sum (1 - y)\hat y
        + \beta\sum y(1 - \hat y) + \epsilon}

    ``alpha`` weighs the false positives and ``beta`` the false negatives, as in
    ``tversky`` (per sample) and Salehi et al. (2017). Keras before its fix swapped
    them. Sums run over ``axis`` (``None``: the whole batch, one value).

    Args:
        input: probabilities, any shape.
        target: masks, same shape.
        reduction: Keras's reductions, over the values left after ``axis``.
        weight: ``sample_weight``, only with an ``axis``.
        alpha: in ``[0, inf)``, default ``0.5``.
        beta: in ``[0, inf)``, default ``0.5``.
        axis: ``None``, an int or a tuple of ints.

    Example:
        >>> import torch
        >>> keras_tversky(torch.tensor([[1.0, 1.0, 0.0]]), torch.tensor([[1.0, 0.0, 0.0]]),
        ...               alpha=0.9, beta=0.1)  # 1 - 1 / (1 + 0.9 * 1 FP)
        tensor(0.4737)
    """
    kw = check_params("keras_tversky", TVERSKY_PARAMS, {"alpha": alpha, "beta": beta})
    x, t, axes = _over_axis("keras_tversky", input, target, reduction, weight, axis)
    per = 1 - _overlap(x, t, axes, kw["alpha"], kw["beta"], KERAS_EPSILON)
    return _keras_reduce("keras_tversky", per, reduction, weight, input)


# ---------------------------------------------------------------------------------------
# registration and Keras-name lookup
# ---------------------------------------------------------------------------------------

_PER_SAMPLE = ("Keras semantics: per-sample loss over the last axis, sample weights divide "
               "by the count",)
_PER_SAMPLE_ZH = ("Keras 语义: 沿最后一维得到每个样本的损失, 样本权重按样本数而非权重和归一",)
_PROB_CONS = ("Probabilities are clipped to [1e-7, 1 - 1e-7]: the gradient vanishes "
              "outside; prefer from_logits=True",)
_PROB_CONS_ZH = ("概率被裁剪到 [1e-7, 1 - 1e-7]: 区间外梯度为零; 建议 from_logits=True",)

_ENTRIES: list[tuple] = [
    # name, fn, gradient, params, task, input_kind, target_kind, pairs_with, core, formula
    ("mean_squared_error", keras_mean_squared_error, _mse_grad, (), "regression", "real",
     "real", "identity", "mse", r"\operatorname{mean}_{-1}(y - \hat y)^2"),
    ("mean_absolute_error", keras_mean_absolute_error, _mae_grad, (), "regression", "real",
     "real", "identity", "mae", r"\operatorname{mean}_{-1}|y - \hat y|"),
    ("mean_absolute_percentage_error", keras_mean_absolute_percentage_error, _mape_grad, (),
     "regression", "real", "real", "identity", "mape",
     r"100\operatorname{mean}_{-1}|y - \hat y| / \max(|y|, \epsilon)"),
    ("mean_squared_logarithmic_error", keras_mean_squared_logarithmic_error, _msle_grad, (),
     "regression", "real", "real", "identity", "msle",
     r"\operatorname{mean}_{-1}(\log(\max(\hat y,\epsilon) + 1) - \log(\max(y,\epsilon) + 1))^2"),
    ("cosine_similarity", keras_cosine_similarity, None, COSINE_PARAMS, "representation",
     "embeddings", "real", None, "cosine_similarity", r"-\sum \hat u\,u"),
    ("binary_crossentropy", keras_binary_crossentropy, _bce_grad, BCE_PARAMS,
     "binary_classification", "probabilities", "binary", "sigmoid", "bce",
     r"-\operatorname{mean}_{-1}[y\log p + (1 - y)\log(1 - p)]"),
    ("categorical_crossentropy", keras_categorical_crossentropy, _cce_grad, CCE_PARAMS,
     "multiclass_classification", "probabilities", "one_hot", "softmax", "cross_entropy",
     r"-\sum_j y_j \log p_j"),
    ("sparse_categorical_crossentropy", keras_sparse_categorical_crossentropy, _scce_grad,
     SCCE_PARAMS, "multiclass_classification", "probabilities", "class_indices", "softmax",
     "cross_entropy", r"-\log p_y"),
    ("kl_divergence", keras_kl_divergence, _kl_grad, (), "distribution_matching",
     "distribution", "distribution", "softmax", "kl_div", r"\sum_j y_j\log(y_j/\hat y_j)"),
    ("hinge", keras_hinge, _hinge_grad, (), "binary_classification", "scores",
     "signed_binary", "identity", "hinge", r"\operatorname{mean}_{-1}\max(0, 1 - y\hat y)"),
    ("squared_hinge", keras_squared_hinge, _squared_hinge_grad, (), "binary_classification",
     "scores", "signed_binary", "identity", "squared_hinge",
     r"\operatorname{mean}_{-1}\max(0, 1 - y\hat y)^2"),
    ("categorical_hinge", keras_categorical_hinge, None, (), "multiclass_classification",
     "scores", "one_hot", "identity", "categorical_hinge",
     r"\max(0, \max_j (1 - y_j)\hat y_j - \sum_j y_j\hat y_j + 1)"),
    ("log_cosh", keras_log_cosh, _log_cosh_grad, (), "regression", "real", "real",
     "identity", "log_cosh", r"\operatorname{mean}_{-1}\log\cosh(\hat y - y)"),
    ("poisson", keras_poisson, _poisson_grad, (), "count_regression", "positive", "counts",
     "softplus", "poisson_nll", r"\operatorname{mean}_{-1}(\hat y - y\log(\hat y + \epsilon))"),
    ("huber", keras_huber, _huber_grad, HUBER_PARAMS, "regression", "real", "real",
     "identity", "huber", r"\operatorname{mean}_{-1}\mathrm{huber}_\delta(\hat y - y)"),
    ("binary_focal_crossentropy", keras_binary_focal_crossentropy, None, BFOCAL_PARAMS,
     "binary_classification", "probabilities", "binary", "sigmoid", "binary_focal",
     r"\operatorname{mean}_{-1}(1 - p_t)^{\gamma}\mathrm{BCE}"),
    ("categorical_focal_crossentropy", keras_categorical_focal_crossentropy, None,
     CFOCAL_PARAMS, "multiclass_classification", "probabilities", "one_hot", "softmax",
     "categorical_focal", r"\sum_j \alpha(1 - p_j)^{\gamma}(-y_j\log p_j)"),
    ("dice", keras_dice, None, (), "segmentation", "probabilities", "masks", "sigmoid",
     "dice", r"1 - \frac{2\sum y\hat y}{\sum y + \sum\hat y + \epsilon}"),
    ("tversky", keras_tversky, None, TVERSKY_PARAMS, "segmentation", "probabilities",
     "masks", "sigmoid", "tversky",
     r"1 - \frac{\sum y\hat y}{\sum y\hat y + \alpha FP + \beta FN + \epsilon}"),
]

# convex in y_pred (inside the probability clip): squared, absolute, hinge-type, log-cosh,
# Huber, Poisson (x - y log x with y >= 0), KL in y_pred, BCE in p or in logits
_CONVEX = ("mean_squared_error", "mean_absolute_error", "hinge", "squared_hinge",
           "categorical_hinge", "log_cosh", "huber", "poisson", "kl_divergence",
           "binary_crossentropy", "mean_absolute_percentage_error")


def _keras_class(name: str) -> str:
    """Keras' class name for a loss function name: categorical_crossentropy ->
    CategoricalCrossentropy (the spelling the core families' ``keras_name`` uses)."""
    return {"kl_divergence": "KLDivergence"}.get(
        name, "".join(part.capitalize() for part in name.split("_")))


for (_name, _fn, _grad, _params, _task, _ik, _tk, _pairs, _core_name,
     _formula) in _ENTRIES:
    _cons_en = _PROB_CONS if _ik == "probabilities" and "crossentropy" in _name else ()
    _cons_zh = _PROB_CONS_ZH if _cons_en else ()
    register(LossSpec(
        name=f"keras_{_name}", fn=_fn, gradient=_grad, params=_params, family="keras",
        # Keras's spellings live in the one naming table (actloss._peers) and resolve
        # through the registry: "categorical_crossentropy", "CategoricalCrossentropy",
        # peer="keras" for the spellings Keras shares with other meanings
        summary=f"Keras `{_name}` with Keras semantics (input = y_pred, target = y_true).",
        summary_zh=f"Keras 的 `{_name}`, 保持 Keras 语义 (input = y_pred, target = y_true)。",
        formula=_formula, tasks=(_task,), input_kind=_ik, target_kind=_tk, pairs_with=_pairs,
        keras_name=_keras_class(_name), reductions=KERAS_REDUCTIONS,
        robust_to_outliers=_name in ("mean_absolute_error", "huber", "log_cosh"),
        convex=_name in _CONVEX,
        handles_imbalance=_name in ("binary_focal_crossentropy",
                                    "categorical_focal_crossentropy", "dice", "tversky"),
        pros=_bi(("Numerically matches Keras, for porting Keras models and recipes",
                  f"Adapts actloss' `{_core_name}` family (argument order, clipping, "
                  "weight shapes)"),
                 ("数值上与 Keras 一致, 便于移植 Keras 模型与配方",
                  f"基于 actloss 的 `{_core_name}` 同族 (参数顺序, 裁剪, 权重形状)")),
        cons=_bi(_PER_SAMPLE + _cons_en, _PER_SAMPLE_ZH + _cons_zh),
        other_defaults={"keras": f"keras.losses.{_name}"},
        reference="Chollet et al. (2015). Keras; the Keras 3 API, keras.losses.", year=2015,
        in_sources=(("000_5b08fef0015a8918.txt",)
                    if _name in ("categorical_crossentropy", "sparse_categorical_crossentropy",
                                 "binary_crossentropy") else ()),
    ))


def keras_spec(name: str) -> LossSpec:
    """The entry for a Keras loss spelling, with Keras's meaning.

    Accepts function names (``"categorical_crossentropy"``), class names
    (``"CategoricalCrossentropy"``), legacy short names (``"mse"``) and the registered
    ``keras_*`` names: ``REGISTRY.spec(name, peer='keras')``.

    >>> keras_spec("CategoricalCrossentropy").name
    'keras_categorical_crossentropy'
    >>> keras_spec("mse").name
    'keras_mean_squared_error'
    """
    return REGISTRY.spec(name, peer="keras")
