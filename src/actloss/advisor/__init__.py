"""The advisor: from a task and (optionally) the data, an activation and a loss.

:func:`advise` inspects the targets ``y`` (and the features ``x``), detects the task
when none is given, picks the hidden activation, the output activation and the loss
with parameters derived from the data (``pos_weight = n_neg / n_pos``, focal ``alpha``
from the class ratio, the Huber ``delta`` from a robust residual scale, quantiles, ...),
lists alternatives, gives a reason for every choice (each tied to a measured data fact
or to a row of a selection table in the source articles) and writes a runnable PyTorch
snippet.

What the advisor keeps itself is only the selection table below (task x data facts ->
loss names), transcribed from the sources. Everything known about a loss or an
activation (output activation it pairs with, whether it handles imbalance or outliers,
its parameters and their defaults, output ranges) is read from the catalogs.

Sources cited (the five source articles on activation and loss functions):

- ``000_5b08fef0015a8918.txt`` §3.2: task -> preferred loss -> alternative;
  §8.2: task x data -> loss + output activation; §2.1: output-range table.
- ``002_059dc22d1bcf7a62.txt`` "which activation where": hidden ReLU (Leaky ReLU when
  units die), outputs for binary / multi-class / regression (non-negative -> ReLU,
  signed -> linear or tanh with scaling), RNN gates sigmoid and state tanh.
- ``003_ee359a0e5008e516.txt`` "how to choose": ReLU first, then Leaky ReLU / PReLU /
  ELU; sigmoid, softmax, linear outputs; tanh in RNNs.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from actloss._validation import OPEN_UNIT, Param, check_param
from actloss.errors import InputError, ParameterError, UnknownNameError

__all__ = [
    "SELECTION_TABLE",
    "TASKS",
    "Advice",
    "FeatureFacts",
    "LossChoice",
    "Reason",
    "SelectionRow",
    "TargetFacts",
    "advise",
    "inspect_features",
    "inspect_target",
]

# ---------------------------------------------------------------------------- constants
S000 = "000_5b08fef0015a8918.txt"
S002 = "002_059dc22d1bcf7a62.txt"
S003 = "003_ee359a0e5008e516.txt"

TASKS: dict[str, tuple[str, ...]] = {
    "binary": ("binary_classification", "binary-classification", "二分类"),
    "multiclass": ("multi_class", "multiclass_classification", "classification", "多分类"),
    "multilabel": ("multi_label", "multilabel_classification", "多标签"),
    "regression": ("regress", "回归"),
    "quantile": ("quantile_regression", "分位数"),
    "count": ("counts", "poisson", "count_regression", "计数"),
    "detection": ("object_detection", "boxes", "目标检测"),
    "segmentation": ("masks", "semantic_segmentation", "分割"),
    "gan": ("generative_adversarial", "生成对抗"),
    "metric_learning": ("metric", "embedding", "triplet", "contrastive", "度量学习"),
    "rnn": ("sequence", "lstm", "gru", "recurrent", "循环网络"),
}

IMBALANCED_BELOW = 0.2  # minority share under which a binary task counts as imbalanced
OUTLIERS_ABOVE = 0.01  # share of robust |z| > 3.5 above which regression uses Huber
ROBUST_Z = 3.5  # Iglewicz & Hoaglin (1993) cut-off for the modified z-score
HUBER_K = 1.345  # 95 % efficiency at the normal (Huber 1964)
MAD_TO_SIGMA = 1.4826  # 1 / Phi^-1(3/4): MAD of a normal sample -> its sigma
IMBALANCE_TASKS = ("binary", "segmentation", "rnn")  # tasks that use `imbalance`
MAX_CLASSES = 20  # integer targets with at most this many values are class labels
# integer-valued floats are counts only when their dispersion fits a Poisson variable
# (variance / mean = 1); outside this band they are real-valued regression targets
POISSON_DISPERSION = (0.5, 2.0)
SKEWED_ABOVE = 1.0  # right skew of positive targets above which y is log-transformed
FOCAL_ALPHA, FOCAL_GAMMA = 0.25, 2.0  # Lin et al. (2017), Table 1a: best alpha at gamma 2

_LANG = Param("lang", "en", str, choices=("en", "zh"))
_IMBALANCE = Param("imbalance", None, float, OPEN_UNIT, optional=True)
_QUANTILE = Param("quantiles", 0.5, float, OPEN_UNIT)


# ------------------------------------------------------------------------------ records
@dataclass(frozen=True)
class Reason:
    """Why one choice was made: the statement and what it rests on.

    ``source`` is either a data fact (``data: minority_fraction = 0.05``) or a row of a
    source table (``000_5b08fef0015a8918.txt §8.2, row 二分类 | 不平衡 | Focal Loss | Sigmoid``).
    """

    text: str
    source: str


@dataclass(frozen=True)
class SelectionRow:
    """One row of the advisor's selection table: task x data fact -> loss names."""

    task: str
    condition: str  # the data fact that selects the row
    loss: str  # catalog name
    alternatives: tuple[str, ...]  # catalog names
    source: str  # file, section and row of the source table


@dataclass(frozen=True)
class LossChoice:
    """A loss of the recommendation with its parameters (catalog name + params)."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    role: str = "main"  # main, boxes, overlap, generator, discriminator, ...


@dataclass(frozen=True)
class TargetFacts:
    """What :func:`inspect_target` measured on ``y``."""

    n: int
    shape: tuple[int, ...]
    dtype: str
    kind: str  # binary, class_indices, one_hot, multi_hot, soft_labels, masks, boxes,
    #            counts, real
    n_missing: int = 0
    n_distinct: int = 0
    labels: tuple[str, ...] = ()  # distinct labels (classification, at most 50)
    n_classes: int = 0
    class_counts: tuple[int, ...] = ()
    minority_fraction: float | None = None
    imbalance_ratio: float | None = None  # largest class count / smallest
    label_positive_fraction: tuple[float, ...] = ()  # multi-hot / masks: share of 1s
    integer: bool = False
    minimum: float = 0.0
    maximum: float = 0.0
    mean: float = 0.0
    std: float = 0.0
    median: float = 0.0
    mad: float = 0.0
    outlier_fraction: float = 0.0
    skewness: float = 0.0
    sign: str = "signed"  # positive, nonnegative, nonpositive, negative, signed
    dispersion: float | None = None  # variance / mean of non-negative integer targets
    count_evidence: str = ""  # why integer targets are (or are not) read as counts

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FeatureFacts:
    """What :func:`inspect_features` measured on ``x``."""

    n: int
    n_features: int
    std_min: float
    std_max: float
    abs_mean_max: float
    constant_features: int
    needs_standardisation: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Advice:
    """The recommendation :func:`advise` returns.

    ``output_activation`` is the catalog name of the output activation; when
    ``output_in_loss`` is true the model outputs logits and the loss applies that
    activation itself (apply it at inference time only). ``code`` is a runnable
    PyTorch snippet. ``target_transform`` (``'log'`` or ``'log1p'``) is part of the
    recommendation for skewed positive targets: the model is trained on the transformed
    targets with ``loss`` and ``output_activation`` on that scale, and its predictions
    are mapped back with ``exp`` (``expm1``).
    """

    task: str
    task_source: str  # "given" or "detected from y"
    hidden_activation: str
    hidden_alternatives: tuple[str, ...]
    output_activation: str
    output_in_loss: bool
    loss: str
    loss_params: dict[str, Any]
    extra_losses: tuple[LossChoice, ...]
    alternatives: tuple[str, ...]
    reasons: tuple[Reason, ...]
    notes: tuple[str, ...]
    code: str
    facts: TargetFacts | None = None
    features: FeatureFacts | None = None
    lang: str = "en"
    target_transform: str | None = None  # 'log' / 'log1p': train on the transformed y

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["facts"] = self.facts.to_json() if self.facts else None
        out["features"] = self.features.to_json() if self.features else None
        return out


# -------------------------------------------------------------------- selection table
def _row(task: str, condition: str, loss: str, alternatives: tuple[str, ...],
         source: str) -> SelectionRow:
    return SelectionRow(task, condition, loss, alternatives, source)


SELECTION_TABLE: tuple[SelectionRow, ...] = (
    _row("binary", "balanced", "binary_cross_entropy_with_logits", ("hinge",),
         f"{S000} §8.2, row 二分类 | 平衡 | 二元交叉熵 | Sigmoid; §3.2, row 二分类 | "
         "二元交叉熵 | Hinge Loss"),
    _row("binary", "imbalanced", "binary_cross_entropy_with_logits", ("binary_focal",),
         "lab experiment 'imbalance' (1:20): BCE with pos_weight reaches the focal loss's "
         f"average precision with a higher recall; {S000} §8.2, row 二分类 | 不平衡 | "
         "Focal Loss | Sigmoid (the alternative)"),
    _row("multiclass", "single_label", "cross_entropy", ("kl_div",),
         f"{S000} §8.2, row 多分类 | 单标签 | 分类交叉熵 | Softmax; §3.2, row 多分类 | "
         "分类交叉熵 | KL散度"),
    _row("multiclass", "imbalanced", "cross_entropy", ("categorical_focal", "kl_div"),
         f"{S000} §8.2, row 多分类 | 单标签 | 分类交叉熵 | Softmax; §2.2 类别不平衡:Focal Loss"),
    _row("multilabel", "multi_label", "binary_cross_entropy_with_logits",
         ("asymmetric", "multilabel_soft_margin"),
         f"{S000} §8.2, row 多分类 | 多标签 | 二元交叉熵 | Sigmoid"),
    _row("regression", "gaussian", "mse", ("huber",),
         f"{S000} §8.2, row 回归 | 高斯分布 | MSE | 线性; §3.2, row 回归 | MSE | Huber Loss"),
    _row("regression", "outliers", "huber", ("mse",),
         f"{S000} §8.2, row 回归 | 离群点多 | Huber Loss | 线性"),
    _row("regression", "nonnegative", "mse", ("huber", "msle"),
         f"{S002} 输出层 / 回归 / 输出非负(如销量):ReLU; {S000} §8.2, row 回归 | 高斯分布 | MSE"),
    _row("regression", "bounded", "mse", ("binary_cross_entropy_with_logits",),
         f"{S000} §2.1 output-range table, row Sigmoid | (0,1); {S002} 输出层 / 回归"),
    _row("quantile", "quantile", "quantile", ("huber",),
         f"{S000} §8.2, row 回归 | 分位数预测 | Quantile Loss | 线性"),
    _row("count", "counts", "poisson_nll", ("msle", "mse"),
         f"{S002} 输出层 / 回归 / 输出非负:ReLU; Poisson likelihood for integer counts"),
    _row("detection", "boxes", "binary_focal", ("giou_loss", "ciou_loss", "iou_loss"),
         f"{S000} §3.2, row 目标检测 | Focal Loss | 交并比损失"),
    _row("segmentation", "masks", "dice", ("binary_cross_entropy_with_logits", "jaccard",
                                           "tversky", "focal_tversky"),
         f"{S000} §8.2, row 多分类 | 多标签 | 二元交叉熵 | Sigmoid (per pixel) + Dice overlap"),
    _row("gan", "adversarial", "lsgan_d", ("wgan_critic", "gan_minimax_d"),
         f"{S000} §3.2, row 生成对抗 | 最小二乘损失 | Wasserstein距离; §7.2 GAN losses"),
    _row("metric_learning", "embeddings", "triplet", ("info_nce", "contrastive"),
         "triplet / InfoNCE objectives of metric and self-supervised learning"),
    _row("rnn", "sequence", "cross_entropy", ("mse",),
         f"{S002} 循环网络(RNN/LSTM):门控用Sigmoid,状态用Tanh"),
)


def _table(task: str, condition: str) -> SelectionRow:
    for row in SELECTION_TABLE:
        if row.task == task and row.condition == condition:
            return row
    raise KeyError((task, condition))  # pragma: no cover - table is complete


# ------------------------------------------------------------------------------ catalog
def _loss_spec(name: str) -> Any:
    from actloss import losses

    return losses.spec(name)


def _act_spec(name: str) -> Any:
    from actloss import activations

    return activations.spec(name)


def _loss_params(name: str, **wanted: Any) -> dict[str, Any]:
    """Keep the parameters the catalog entry declares; validate them there."""
    spec = _loss_spec(name)
    declared = {p.name: p for p in spec.params}
    out: dict[str, Any] = {}
    for k, v in wanted.items():
        if k in declared:
            out[k] = check_param(spec.name, declared[k], v)
    return out


def _catalog_alternatives(task_tag: str, *, imbalance: bool = False,
                          outliers: bool = False, exclude: Sequence[str] = ()) -> list[str]:
    """Losses the catalog marks for ``task_tag`` and the data fact (imbalance, outliers)."""
    import actloss.losses  # noqa: F401  (registers the entries)
    from actloss.losses._registry import REGISTRY

    out = []
    for s in REGISTRY:
        if s.name.startswith("keras_") or s.name in exclude or task_tag not in s.tasks:
            continue
        if imbalance and not s.handles_imbalance:
            continue
        if outliers and not s.robust_to_outliers:
            continue
        out.append(s.name)
    return out


def _range_text(act: str) -> str:
    r = _act_spec(act).output_range
    return str(r)


# ------------------------------------------------------------------------ conversions
def _to_array(value: Any, arg: str) -> np.ndarray:
    """numpy array from a numpy array, a tensor, a list or a pandas Series/DataFrame."""
    if value is None:
        raise InputError(f"`{arg}` of advise must be an array; got None")
    if type(value).__module__.startswith("pandas"):
        value = value.to_numpy()
    try:
        import torch

        if isinstance(value, torch.Tensor):
            value = value.detach().cpu()
            if value.dtype == torch.bfloat16:
                value = value.float()
            value = value.numpy()
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    if isinstance(value, (str, bytes)) or np.isscalar(value):
        raise InputError(f"`{arg}` of advise must be an array-like of values; got "
                         f"{type(value).__name__}")
    try:
        arr = np.asarray(value)
    except ValueError as exc:
        raise InputError(f"`{arg}` of advise must be a rectangular array; got ragged "
                         f"input ({exc})") from None
    if arr.size == 0:
        raise InputError(f"`{arg}` of advise must not be empty; got shape {arr.shape}")
    return arr


def _is_float_or_int(arr: np.ndarray) -> bool:
    return arr.dtype.kind in "biuf"


def _modified_z(v: np.ndarray) -> np.ndarray:
    """Iglewicz-Hoaglin modified z-score: 0.6745 (v - median) / MAD."""
    med = np.median(v)
    mad = np.median(np.abs(v - med))
    if mad > 0:
        return 0.6745 * (v - med) / mad
    mean_ad = np.mean(np.abs(v - med))
    if mean_ad > 0:  # MAD = 0 (over half the values equal): mean absolute deviation
        return (v - med) / (1.253314 * mean_ad)
    return np.zeros_like(v)


# ---------------------------------------------------------------------------- inspect
def inspect_target(y: Any) -> TargetFacts:
    """Measure a target array: kind, classes and their counts, range, outliers, skew.

    Kinds: ``binary`` (two values), ``class_indices`` (at most 20 integer values or
    string labels), ``one_hot`` / ``multi_hot`` / ``soft_labels`` (2-D, one column per
    class), ``masks`` (3-D or more, 0/1), ``boxes`` (2-D with 4 columns
    ``x1 <= x2, y1 <= y2``), ``counts`` (non-negative integers with more than 20
    values, or skewness above 0.3 with a maximum of 8 or more, *and* evidence of counts:
    an integer dtype, or a variance / mean inside :data:`POISSON_DISPERSION` as for a
    Poisson variable; ``count_evidence`` says which) and ``real``. Integer-valued
    floats without such evidence (a score that happens to be whole) are ``real``.
    Integer targets are ambiguous between labels and counts: pass the task to decide.

    Args:
        y: numpy array, tensor, list or pandas Series / DataFrame.

    Returns:
        A :class:`TargetFacts`.

    Example:
        >>> f = inspect_target([0, 0, 0, 1, 0, 0, 0, 0, 0, 1])
        >>> f.kind, f.class_counts, f.minority_fraction
        ('binary', (8, 2), 0.2)
    """
    arr = _to_array(y, "y")
    shape = tuple(int(s) for s in arr.shape)
    n = shape[0] if arr.ndim else 1
    dtype = str(arr.dtype)
    if arr.dtype.kind in "OUS":  # string labels
        labels_all = np.asarray([str(v) for v in arr.reshape(-1)])
        missing = np.isin(labels_all, ["", "nan", "None", "NA"])
        labels, counts = np.unique(labels_all[~missing], return_counts=True)
        kind = "binary" if len(labels) == 2 else "class_indices"
        return TargetFacts(
            n=n, shape=shape, dtype=dtype, kind=kind, n_missing=int(missing.sum()),
            n_distinct=len(labels), labels=tuple(str(v) for v in labels[:50]),
            n_classes=len(labels), class_counts=tuple(int(c) for c in counts),
            minority_fraction=float(counts.min() / counts.sum()),
            imbalance_ratio=float(counts.max() / counts.min()))
    if not _is_float_or_int(arr):
        raise InputError(f"`y` of advise must hold numbers or labels; got dtype {dtype}")
    v = arr.astype(np.float64)
    finite = np.isfinite(v)
    n_missing = int((~finite).sum())
    if arr.ndim >= 2 and n_missing:
        keep = finite.reshape(n, -1).all(axis=1)
        v = v[keep]
        n = int(v.shape[0])
    elif n_missing:
        v = v[finite]
        n = int(v.shape[0])
    if v.size == 0:
        raise InputError("`y` of advise has no finite value")
    if v.ndim == 2 and v.shape[1] == 1:
        v = v[:, 0]
    flat = v.reshape(-1)
    distinct = np.unique(flat)
    integer = bool(np.all(flat == np.round(flat)))
    binary01 = bool(np.all((flat == 0) | (flat == 1)))
    lo, hi = float(flat.min()), float(flat.max())
    mean, std = float(flat.mean()), float(flat.std())
    med = float(np.median(flat))
    mad = float(np.median(np.abs(flat - med)))
    z = _modified_z(flat)
    outliers = float(np.mean(np.abs(z) > ROBUST_Z))
    skew = float(np.mean((flat - mean) ** 3) / std**3) if std > 0 else 0.0
    sign = ("positive" if lo > 0 else "nonnegative" if lo >= 0 else
            "negative" if hi < 0 else "nonpositive" if hi <= 0 else "signed")
    common: dict[str, Any] = dict(
        n=n, shape=shape, dtype=dtype, n_missing=n_missing, n_distinct=int(distinct.size),
        integer=integer, minimum=lo, maximum=hi, mean=mean, std=std, median=med, mad=mad,
        outlier_fraction=outliers, skewness=skew, sign=sign)

    if v.ndim >= 3:
        if binary01:
            pos = float(flat.mean())
            return TargetFacts(kind="masks", label_positive_fraction=(pos,),
                               minority_fraction=min(pos, 1 - pos), **common)
        if integer and lo >= 0 and distinct.size <= MAX_CLASSES:
            counts = np.bincount(flat.astype(np.int64))
            return TargetFacts(kind="masks", n_classes=int(hi) + 1,
                               class_counts=tuple(int(c) for c in counts), **common)
        return TargetFacts(kind="real", **common)
    if v.ndim == 2:
        width = v.shape[1]
        if binary01:
            rows = v.sum(axis=1)
            pos = v.mean(axis=0)
            if np.all(rows == 1):
                counts = v.sum(axis=0).astype(np.int64)
                return TargetFacts(kind="one_hot", n_classes=width,
                                   class_counts=tuple(int(c) for c in counts),
                                   **_class_ratio(counts), **common)
            return TargetFacts(kind="multi_hot", n_classes=width,
                               label_positive_fraction=tuple(float(p) for p in pos),
                               minority_fraction=float(min(pos.min(), 1 - pos.max())),
                               **common)
        if lo >= 0 and hi <= 1 and np.allclose(v.sum(axis=1), 1.0, atol=1e-3):
            return TargetFacts(kind="soft_labels", n_classes=width, **common)
        if (width == 4 and np.all(v[:, 2] >= v[:, 0]) and np.all(v[:, 3] >= v[:, 1])):
            return TargetFacts(kind="boxes", **common)
        return TargetFacts(kind="real", **common)
    # one target per sample
    if distinct.size <= 2 and (binary01 or integer or distinct.size == 2):
        values, counts = np.unique(flat, return_counts=True)
        if distinct.size == 2:
            return TargetFacts(kind="binary", n_classes=2,
                               labels=tuple(_fmt_label(x) for x in values),
                               class_counts=tuple(int(c) for c in counts),
                               **_class_ratio(counts), **common)
    if integer and lo >= 0:
        long_tail = skew > 0.3 and hi >= 8  # a decaying tail of rare large values
        if distinct.size > MAX_CLASSES or long_tail:
            disp = std**2 / mean if mean > 0 else float("nan")
            low, high = POISSON_DISPERSION
            if arr.dtype.kind in "biu":
                evidence = f"integer dtype ({dtype})"
            elif low <= disp <= high:
                evidence = (f"variance / mean = {disp:.3g}, inside [{low:g}, {high:g}] "
                            "as for a Poisson variable")
            else:
                evidence = ""
            if evidence:
                return TargetFacts(kind="counts", dispersion=disp, count_evidence=evidence,
                                   **common)
            return TargetFacts(
                kind="real", dispersion=disp,
                count_evidence=(f"whole numbers stored as {dtype} with variance / mean = "
                                f"{disp:.3g}, outside [{low:g}, {high:g}]: no evidence of "
                                "counts"), **common)
        counts = np.bincount(flat.astype(np.int64))
        present = counts[counts > 0]
        return TargetFacts(kind="class_indices", n_classes=int(hi) + 1,
                           labels=tuple(_fmt_label(x) for x in distinct),
                           class_counts=tuple(int(c) for c in counts),
                           **_class_ratio(present), **common)
    return TargetFacts(kind="real", **common)


def _as_classes(facts: TargetFacts, y: Any) -> TargetFacts:
    """Re-read non-negative integer targets as class indices."""
    flat = _to_array(y, "y").astype(np.float64).reshape(-1)
    flat = flat[np.isfinite(flat)]
    counts = np.bincount(flat.astype(np.int64))
    kind = "binary" if np.unique(flat).size == 2 else "class_indices"
    return replace(facts, kind=kind, n_classes=int(flat.max()) + 1,
                   labels=tuple(_fmt_label(v) for v in np.unique(flat)[:50]),
                   class_counts=tuple(int(c) for c in counts), **_class_ratio(counts))


def _fmt_label(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _class_ratio(counts: np.ndarray) -> dict[str, float]:
    counts = np.asarray(counts, dtype=np.float64)
    counts = counts[counts > 0]
    return {"minority_fraction": float(counts.min() / counts.sum()),
            "imbalance_ratio": float(counts.max() / counts.min())}


def inspect_features(x: Any) -> FeatureFacts:
    """Measure the scale of the features: per-column std range, offsets, constants.

    Standardisation is advised when the column standard deviations differ by more
    than a factor 10, when a column's mean is more than 3 of its standard deviations
    away from 0 and above 1 in size, or when any std lies outside [0.1, 10].

    Example:
        >>> import numpy as np
        >>> f = inspect_features(np.c_[np.arange(100.0), np.linspace(0, 1, 100)])
        >>> f.n_features, f.needs_standardisation
        (2, True)
    """
    arr = _to_array(x, "x")
    if not _is_float_or_int(arr):
        raise InputError(f"`x` of advise must hold numbers; got dtype {arr.dtype}")
    v = arr.astype(np.float64)
    if v.ndim == 1:
        v = v[:, None]
    v = v.reshape(v.shape[0], -1)
    v = v[np.isfinite(v).all(axis=1)]
    if v.shape[0] == 0:
        raise InputError("`x` of advise has no row without NaN or infinity")
    std = v.std(axis=0)
    mean = np.abs(v.mean(axis=0))
    varying = std[std > 0]
    constant = int((std == 0).sum())
    s_min = float(varying.min()) if varying.size else 0.0
    s_max = float(varying.max()) if varying.size else 0.0
    offset = bool(np.any((mean > 3 * np.maximum(std, 1e-12)) & (mean > 1)))
    spread = s_min > 0 and s_max / s_min > 10
    needs = bool(spread or offset or (varying.size and (s_max > 10 or s_min < 0.1)))
    return FeatureFacts(n=int(v.shape[0]), n_features=int(v.shape[1]), std_min=s_min,
                        std_max=s_max, abs_mean_max=float(mean.max()),
                        constant_features=constant, needs_standardisation=needs)


# ------------------------------------------------------------------------------ helpers
def _canonical_task(task: str) -> str:
    if not isinstance(task, str):
        raise UnknownNameError(f"task of advise must be a str; got {type(task).__name__}",
                               name=repr(task))
    key = task.strip().lower().replace("-", "_").replace(" ", "_")
    lookup = {k: k for k in TASKS}
    for k, aliases in TASKS.items():
        for a in aliases:
            lookup[a.lower().replace("-", "_")] = k
    if key in lookup:
        return lookup[key]
    close = tuple(difflib.get_close_matches(key, list(lookup), n=3, cutoff=0.6))
    hint = ("; did you mean " + " or ".join(repr(c) for c in close) + "?" if close
            else "; tasks: " + ", ".join(TASKS))
    raise UnknownNameError(f"unknown task {task!r}{hint}", name=task, suggestions=close)


_KIND_TO_TASK = {"binary": "binary", "class_indices": "multiclass", "one_hot": "multiclass",
                 "soft_labels": "multiclass", "multi_hot": "multilabel",
                 "masks": "segmentation", "boxes": "detection", "counts": "count",
                 "real": "regression"}
_TASK_KINDS = {
    "binary": {"binary"},
    "multiclass": {"binary", "class_indices", "one_hot", "soft_labels"},
    "multilabel": {"multi_hot", "one_hot", "binary"},
    "segmentation": {"masks"},
    "count": {"counts", "class_indices", "binary"},
}


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _mad_sigma(r: np.ndarray) -> float:
    """1.4826 x MAD: the standard deviation of a normal sample, robust to outliers."""
    return MAD_TO_SIGMA * float(np.median(np.abs(r - np.median(r))))


def _residual_scale(y: np.ndarray, x: np.ndarray | None) -> tuple[float, str]:
    """Robust sigma of the residuals: 1.4826 * MAD.

    Residuals from a robust (Huber, iteratively reweighted least squares) line on ``x``
    when given and well posed, so that the outliers do not tilt the fit; else from the
    median of ``y``.
    """
    yv = y.reshape(y.shape[0], -1)[:, 0] if y.ndim > 1 else y
    if x is None or x.shape[0] != yv.shape[0]:
        return _mad_sigma(yv[np.isfinite(yv)]), "y - median(y)"
    xv = x.reshape(x.shape[0], -1)
    keep = np.isfinite(yv) & np.isfinite(xv).all(axis=1)
    yv, xv = yv[keep], xv[keep]
    if xv.shape[0] <= xv.shape[1] + 1:
        return _mad_sigma(yv), "y - median(y)"  # too few rows for a fit
    design = np.c_[xv, np.ones(xv.shape[0])]
    coef, *_ = np.linalg.lstsq(design, yv, rcond=None)
    for _ in range(50):
        r = yv - design @ coef
        sigma = _mad_sigma(r)
        if sigma == 0:
            break
        # Huber weights: 1 inside 1.345 sigma, 1.345 sigma / |r| outside
        w = np.sqrt(np.minimum(1.0, HUBER_K * sigma / np.maximum(np.abs(r), 1e-300)))
        new, *_ = np.linalg.lstsq(design * w[:, None], yv * w, rcond=None)
        if np.allclose(new, coef, rtol=1e-10, atol=1e-12):
            coef = new
            break
        coef = new
    return _mad_sigma(yv - design @ coef), "residuals of a robust (Huber) linear fit of y on x"


# ------------------------------------------------------------------------------- advise
@dataclass
class _Plan:
    task: str
    loss: str
    params: dict[str, Any] = field(default_factory=dict)
    alternatives: list[str] = field(default_factory=list)
    extra: list[LossChoice] = field(default_factory=list)
    output: str | None = None  # None: the loss's pairs_with
    hidden: str = "relu"
    hidden_alternatives: tuple[str, ...] = ("leaky_relu", "prelu", "elu")
    reasons: list[Reason] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    out_width: int = 1
    quantiles: tuple[float, ...] = ()
    transform: str | None = None  # 'log' / 'log1p' of the targets


def advise(task: str | None = None, y: Any = None, x: Any = None, *,
           imbalance: float | None = None, quantiles: Sequence[float] | None = None,
           lang: str = "en") -> Advice:
    """Recommend the hidden activation, the output activation and the loss.

    The task is given or detected from ``y``; ``y`` and ``x`` refine the choice
    (class balance, outliers, sign and range, counts). Each row of the selection
    tables of the sources is encoded in :data:`SELECTION_TABLE`; loss metadata
    (paired output activation, imbalance and outlier handling, parameters) is read
    from the loss catalog.

    Args:
        task: one of :data:`TASKS` (or an alias, e.g. ``'binary_classification'``,
            ``'二分类'``); ``None`` detects it from ``y``.
        y: targets (numpy array, tensor, list, pandas Series / DataFrame).
        x: features, ``(n_samples, n_features)``; its scale is checked and, for
            regression, a least-squares fit gives the residuals behind Huber's delta.
        imbalance: share of the minority (positive) class in (0, 1), when ``y`` is
            not given; with ``y`` the measured share is used.
        quantiles: quantile levels in (0, 1) for ``task='quantile'``
            (default 0.1, 0.5, 0.9).
        lang: ``'en'`` or ``'zh'`` for the reasons and notes.

    Returns:
        An :class:`Advice`; ``advice.code`` runs as is.

    Example:
        >>> a = advise("binary", imbalance=0.05)
        >>> a.loss, a.loss_params, a.output_activation
        ('binary_focal', {'alpha': 0.95, 'gamma': 2.0}, 'sigmoid')
        >>> advise("regression", y=[1.0, 2.0, 3.0, 2.5, 1.5]).loss
        'mse'
    """
    lang = check_param("advise", _LANG, lang)
    imbalance = check_param("advise", _IMBALANCE, imbalance)
    if quantiles is not None:
        if isinstance(quantiles, (int, float)):
            quantiles = (quantiles,)
        if not isinstance(quantiles, Sequence) or not quantiles:
            raise ParameterError(f"`quantiles` of advise must be a non-empty sequence of "
                                 f"floats in (0, 1); got {quantiles!r}")
        quantiles = tuple(check_param("advise", _QUANTILE, q) for q in quantiles)
    if task is None and y is None:
        if imbalance is not None:
            task = "binary"
        else:
            raise InputError("advise needs a `task` or targets `y` to detect it from; got "
                             "neither (tasks: " + ", ".join(TASKS) + ")")
    canonical = _canonical_task(task) if task is not None else None

    facts = inspect_target(y) if y is not None else None
    y_arr = None
    if y is not None and facts is not None and _is_float_or_int(_to_array(y, "y")):
        y_arr = _to_array(y, "y").astype(np.float64)
    x_arr = None
    features = None
    if x is not None:
        features = inspect_features(x)
        x_arr = _to_array(x, "x").astype(np.float64)
        if facts is not None and x_arr.shape[0] != facts.shape[0]:
            raise InputError(f"`x` and `y` of advise must have the same number of rows; "
                             f"got {x_arr.shape[0]} and {facts.shape[0]}")
    if facts is not None and facts.n_distinct < 2:
        value = facts.labels[0] if facts.labels else f"{facts.minimum:g}"
        raise InputError(f"`y` of advise holds a single value ({value!r} in all "
                         f"{facts.n} rows): there is nothing to learn; a classifier needs "
                         "at least two classes and a regression a varying target")
    if (facts is not None and canonical in ("multiclass", "binary", "rnn")
            and facts.kind == "counts"):
        facts = _as_classes(facts, y)  # the task says these integers are labels
    if (facts is not None and canonical == "count" and facts.kind == "real"
            and facts.integer and facts.minimum >= 0):
        facts = replace(facts, kind="counts", count_evidence="given: task='count'")
    if y is not None and y_arr is None and canonical in ("regression", "quantile", "count"):
        raise InputError(f"`y` of advise holds text labels (dtype {facts.dtype}); task "
                         f"{canonical!r} needs numbers")
    if canonical is None:
        assert facts is not None
        canonical = _KIND_TO_TASK[facts.kind]
        task_source = "detected from y"
    else:
        task_source = "given"
        if facts is not None and canonical in _TASK_KINDS and facts.kind not in \
                _TASK_KINDS[canonical]:
            raise InputError(
                f"`y` of advise looks like {facts.kind.replace('_', '-')} targets "
                f"({facts.n_distinct} distinct values, shape {facts.shape}); task "
                f"{canonical!r} needs {' or '.join(sorted(_TASK_KINDS[canonical]))} targets")

    if imbalance is not None and canonical not in IMBALANCE_TASKS:
        raise ParameterError(
            f"`imbalance` of advise applies to the tasks {', '.join(IMBALANCE_TASKS)}; "
            f"got imbalance={imbalance:g} for task {canonical!r} "
            f"({task_source})")
    plan = _PLANNERS[canonical](facts, y_arr, x_arr, imbalance, quantiles, lang)
    reasons = list(plan.reasons)
    notes = list(plan.notes)
    if facts is not None and task_source == "detected from y":
        reasons.insert(0, Reason(
            _t(lang, f"task {canonical!r} detected: y holds {facts.kind.replace('_', '-')} "
                     f"targets ({facts.n_distinct} distinct values, shape {facts.shape})",
               f"根据 y 判定任务为 {canonical!r}:目标类型为 {facts.kind}"
               f"({facts.n_distinct} 个不同取值,形状 {facts.shape})"),
            f"data: kind = {facts.kind}"))
    if facts is not None and facts.n_missing:
        notes.append(_t(lang, f"{facts.n_missing} missing or non-finite target value(s) were "
                              "ignored; drop or impute them before training",
                        f"忽略了 {facts.n_missing} 个缺失或非有限的目标值,训练前请删除或填补"))
    if features is not None:
        reasons += _feature_reasons(features, lang)

    spec = _loss_spec(plan.loss)
    output = plan.output or spec.pairs_with or "identity"
    output_in_loss = plan.output is None and (spec.input_kind == "logits"
                                              or plan.params.get("from_logits") is True)
    if output_in_loss:
        reasons.append(Reason(
            _t(lang, f"{spec.name} takes logits (catalog: input_kind = {spec.input_kind!r}, "
                     f"pairs_with = {spec.pairs_with!r}"
                     + (", from_logits=True" if plan.params.get("from_logits") else "")
                     + f"): the last layer stays linear and {output} "
                     f"(range {_range_text(output)}) is applied inside the loss, and "
                     "explicitly only at inference",
               f"{spec.name} 接收 logits(目录:input_kind = 'logits',pairs_with = "
               f"{spec.pairs_with!r}):最后一层保持线性,{output}(值域 {_range_text(output)})"
               "在损失内部计算,推理时再显式使用"),
            f"catalog: losses.spec({spec.name!r}); {S000} §2.1 output-range table"))
    hidden_spec = _act_spec(plan.hidden)
    code = _snippet(plan, output, output_in_loss, features)
    return Advice(
        task=canonical, task_source=task_source, hidden_activation=hidden_spec.name,
        hidden_alternatives=tuple(_act_spec(a).name for a in plan.hidden_alternatives),
        output_activation=_act_spec(output).name, output_in_loss=output_in_loss,
        loss=spec.name, loss_params=dict(plan.params), extra_losses=tuple(plan.extra),
        alternatives=tuple(dict.fromkeys(a for a in plan.alternatives if a != spec.name)),
        reasons=tuple(reasons), notes=tuple(notes), code=code, facts=facts,
        features=features, lang=lang, target_transform=plan.transform)


def _feature_reasons(f: FeatureFacts, lang: str) -> list[Reason]:
    out = []
    if f.needs_standardisation:
        out.append(Reason(
            _t(lang, f"standardise x (z-score per feature): feature std ranges from "
                     f"{f.std_min:.3g} to {f.std_max:.3g} and |mean| reaches "
                     f"{f.abs_mean_max:.3g}; unscaled inputs saturate sigmoid/tanh units, "
                     "kill ReLU units and inflate the initial loss",
               f"请标准化 x(逐特征 z-score):特征标准差从 {f.std_min:.3g} 到 "
               f"{f.std_max:.3g},|均值| 最大 {f.abs_mean_max:.3g};未缩放的输入会使 "
               "sigmoid/tanh 饱和、ReLU 死亡并抬高初始损失"),
            f"data: x std in [{f.std_min:.3g}, {f.std_max:.3g}]"))
    if f.constant_features:
        out.append(Reason(
            _t(lang, f"{f.constant_features} constant feature(s) carry no information; "
                     "drop them",
               f"{f.constant_features} 个常数特征不含信息,请删除"),
            f"data: x constant_features = {f.constant_features}"))
    return out


def _hidden_reason(lang: str) -> Reason:
    return Reason(
        _t(lang, "hidden layers: ReLU first (fast, no saturation for x > 0); switch to "
                 "Leaky ReLU / PReLU / ELU if many units die (output stuck at 0)",
           "隐藏层优先用 ReLU(计算快,正区间不饱和);若出现大量死神经元(输出恒为 0),"
           "换 Leaky ReLU / PReLU / ELU"),
        f"{S002} 隐藏层:优先用ReLU…换Leaky ReLU; {S003} 如何选择激活函数?首选 ReLU")


def _plan_binary(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                 quantiles: Any, lang: str) -> _Plan:
    share = facts.minority_fraction if facts is not None else imbalance
    counts = facts.class_counts if facts is not None else ()
    imbalanced = share is not None and share < IMBALANCED_BELOW
    row = _table("binary", "imbalanced" if imbalanced else "balanced")
    plan = _Plan("binary", row.loss, alternatives=list(row.alternatives))
    plan.reasons.append(_hidden_reason(lang))
    if facts is not None and len(counts) == 2:
        # 0/1 targets keep their meaning; other labels: the minority class is positive
        i_pos = 1 if facts.labels in ((), ("0", "1")) else int(np.argmin(counts))
        n_pos, n_neg = counts[i_pos], counts[1 - i_pos]
        pos = n_pos / (n_neg + n_pos)
        fact = f"data: class counts {counts[0]} / {counts[1]} (positive share {pos:.3g})"
        if facts.labels and facts.labels != ("0", "1"):
            neg_l, pos_l = facts.labels[1 - i_pos], facts.labels[i_pos]
            plan.notes.append(_t(lang, f"map the labels {neg_l!r} -> 0 and {pos_l!r} -> 1 "
                                       "(float targets; the minority class is positive)",
                                 f"把标签 {neg_l!r} 映射为 0,{pos_l!r} 映射为 1"
                                 "(浮点目标;少数类为正类)"))
    else:
        pos = share if share is not None else 0.5
        n_neg = n_pos = 0
        fact = (f"given: imbalance = {share:g} (positive share)" if share is not None
                else "no class counts given: assumed balanced")
    if imbalanced:
        pw = round((1 - pos) / pos, 4)
        plan.params = _loss_params(row.loss, pos_weight=pw)
        plan.reasons.append(Reason(
            _t(lang, f"imbalanced (positive share {pos:.3g} < {IMBALANCED_BELOW}): binary "
                     f"cross-entropy with pos_weight = n_neg / n_pos = {pw:g}, so the rare "
                     "positives weigh as much as the negatives in the loss",
               f"类别不平衡(正类比例 {pos:.3g} < {IMBALANCED_BELOW}):二元交叉熵,"
               f"pos_weight = n_neg / n_pos = {pw:g},使少数的正类在损失中与负类同等重要"),
            f"{row.source}; {fact}"))
        plan.reasons.append(Reason(
            _t(lang, f"alternative: binary_focal(alpha={FOCAL_ALPHA:g}, gamma={FOCAL_GAMMA:g})"
                     " down-weights the many easy negatives; alpha = 0.25 at gamma = 2 is "
                     "the focal-loss paper's best setting (it is not 1 - positive share)",
               f"备选:binary_focal(alpha={FOCAL_ALPHA:g}, gamma={FOCAL_GAMMA:g}) 降低大量易分"
               "负例的权重;gamma = 2 时 alpha = 0.25 是 focal loss 论文的最佳设置"
               "(不是 1 - 正类比例)"),
            f"Lin et al. (2017) Focal Loss for Dense Object Detection, Table 1a; {S000} "
            "§2.2 类别不平衡:Focal Loss"))
        plan.alternatives += _catalog_alternatives("binary_classification", imbalance=True,
                                                   exclude=(row.loss,))
    else:
        plan.reasons.append(Reason(
            _t(lang, f"balanced enough (positive share {pos:.3g} >= {IMBALANCED_BELOW}): "
                     "plain binary cross-entropy on one logit (no pos_weight)",
               f"类别基本平衡(正类比例 {pos:.3g} >= {IMBALANCED_BELOW}):单个 logit 上的"
               "普通二元交叉熵(不加 pos_weight)"),
            f"{row.source}; {fact}"))
    plan.reasons.append(Reason(
        _t(lang, "output: one unit with a sigmoid (a single probability)",
           "输出层:一个单元 + Sigmoid(输出单个概率)"),
        f"{S002} 输出层 / 二分类: Sigmoid; {S003} 二元分类:使用 Sigmoid"))
    return plan


def _plan_multiclass(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                     quantiles: Any, lang: str) -> _Plan:
    k = facts.n_classes if facts is not None and facts.n_classes else 10
    ratio = facts.imbalance_ratio if facts is not None else None
    imbalanced = ratio is not None and ratio > 1 / IMBALANCED_BELOW - 1
    row = _table("multiclass", "imbalanced" if imbalanced else "single_label")
    plan = _Plan("multiclass", row.loss, alternatives=list(row.alternatives), out_width=k)
    plan.reasons.append(_hidden_reason(lang))
    plan.reasons.append(Reason(
        _t(lang, f"single-label with K = {k} classes: softmax over K logits with categorical "
                 "cross-entropy; the initial loss should be near ln K = "
                 f"{math.log(k):.3f}",
           f"单标签 K = {k} 类:K 个 logits 上做 softmax 配分类交叉熵;初始损失应接近 "
           f"ln K = {math.log(k):.3f}"),
        row.source))
    if facts is not None and facts.kind == "one_hot":
        plan.notes.append(_t(lang, "targets are one-hot: pass class indices "
                                   "(y.argmax(1)) or keep them as probabilities",
                             "目标为 one-hot:可传类别索引(y.argmax(1)),或保持为概率"))
    if facts is not None and facts.kind == "soft_labels":
        plan.notes.append(_t(lang, "targets are soft labels (rows sum to 1): cross_entropy "
                                   "accepts them as class probabilities",
                             "目标为软标签(每行和为 1):cross_entropy 可直接接受类别概率"))
    if imbalanced and facts is not None:
        counts = np.asarray(facts.class_counts, dtype=np.float64)
        present = counts > 0
        weights = np.zeros_like(counts)
        weights[present] = counts.sum() / (present.sum() * counts[present])
        plan.params = {"weight": [round(float(w), 4) for w in weights]}
        plan.reasons.append(Reason(
            _t(lang, f"classes are imbalanced (largest / smallest count = {ratio:.3g}): "
                     "class weights n / (K n_c) (inverse frequency), or a focal loss",
               f"类别不平衡(最大/最小类别数 = {ratio:.3g}):类别权重 n / (K n_c)"
               "(频率倒数),或使用 Focal Loss"),
            f"data: class counts {tuple(int(c) for c in counts)}; {row.source}"))
        plan.alternatives += _catalog_alternatives("multiclass_classification",
                                                   imbalance=True, exclude=(row.loss,))
    plan.reasons.append(Reason(
        _t(lang, "output: softmax (outputs sum to 1 over K mutually exclusive classes)",
           "输出层:Softmax(K 个互斥类别的概率和为 1)"),
        f"{S002} 输出层 / 多分类: Softmax; {S003} 多元分类:使用 Softmax"))
    return plan


def _plan_multilabel(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                     quantiles: Any, lang: str) -> _Plan:
    row = _table("multilabel", "multi_label")
    width = facts.n_classes if facts is not None and facts.n_classes else 5
    plan = _Plan("multilabel", row.loss, alternatives=list(row.alternatives), out_width=width)
    plan.reasons.append(_hidden_reason(lang))
    plan.reasons.append(Reason(
        _t(lang, f"multi-label ({width} labels, each present or not): one sigmoid per label "
                 "with binary cross-entropy; labels do not compete as under softmax",
           f"多标签({width} 个标签,各自独立出现):每个标签一个 sigmoid,配二元交叉熵;"
           "标签之间不像 softmax 那样互相竞争"),
        row.source))
    if facts is not None and facts.label_positive_fraction:
        pos = np.asarray(facts.label_positive_fraction)
        constant = [i for i, p in enumerate(pos) if p in (0.0, 1.0)]
        # n_neg / n_pos per label; a label that is always (or never) on gets weight 1
        pw = [1.0 if i in constant else round(float((1 - p) / p), 4) for i, p in enumerate(pos)]
        plan.params = {"pos_weight": pw}
        if constant:
            plan.notes.append(_t(lang, f"label column(s) {constant} never change in y; they "
                                       "carry no signal (weight 1 used)",
                                 f"标签列 {constant} 在 y 中恒定不变,不含信息(权重取 1)"))
        plan.reasons.append(Reason(
            _t(lang, "pos_weight per label = n_neg / n_pos (label shares "
                     f"{', '.join(f'{p:.2g}' for p in pos)})",
               "每个标签的 pos_weight = n_neg / n_pos(各标签正例比例 "
               f"{', '.join(f'{p:.2g}' for p in pos)})"),
            "data: label_positive_fraction"))
        if float(pos.min()) < IMBALANCED_BELOW:
            plan.alternatives += _catalog_alternatives("multi_label_classification",
                                                       imbalance=True, exclude=(row.loss,))
    return plan


def _skew_transform(facts: TargetFacts, y: Any) -> tuple[str, np.ndarray] | None:
    """``('log' | 'log1p', transformed y)`` when a log makes skewed positive y symmetric."""
    if (y is None or facts.skewness <= SKEWED_ABOVE or facts.minimum < 0
            or facts.maximum <= 1 or (len(facts.shape) > 1 and facts.shape[1] > 1)):
        return None
    flat = np.asarray(y, dtype=np.float64).reshape(-1)
    flat = flat[np.isfinite(flat)]
    name = "log" if facts.minimum > 0 else "log1p"
    ty = np.log(flat) if name == "log" else np.log1p(flat)
    sd = ty.std()
    skew_t = float(np.mean((ty - ty.mean()) ** 3) / sd**3) if sd > 0 else 0.0
    if abs(skew_t) >= facts.skewness / 2:  # the log does not remove most of the skew
        return None
    return name, ty


def _plan_transformed(facts: TargetFacts, y: Any, x: Any, imbalance: float | None,
                      quantiles: Any, lang: str, name: str, ty: np.ndarray) -> _Plan:
    """Regression on ``log(y)`` / ``log1p(y)``: the rules applied on that scale."""
    tfacts = inspect_target(ty)
    plan = _plan_regression(tfacts, ty, x, imbalance, quantiles, lang, transformed=True)
    plan.transform = name
    plan.output = "identity"
    inverse = "exp" if name == "log" else "expm1"
    plan.alternatives = [a for a in [*plan.alternatives, "msle"] if a != plan.loss]
    plan.reasons.insert(1, Reason(
        _t(lang, f"y is positive and right-skewed (skewness {facts.skewness:.2f}, "
                 f"{facts.minimum:.4g} to {facts.maximum:.4g}); {name}(y) has skewness "
                 f"{tfacts.skewness:.2f}: train on {name}(y) with a linear output and "
                 f"{plan.loss} on that scale, and predict {inverse}(output) (errors become "
                 "relative errors; on the log scale the prediction estimates the median)",
           f"y 为正且右偏(偏度 {facts.skewness:.2f},范围 {facts.minimum:.4g} 到 "
           f"{facts.maximum:.4g});{name}(y) 的偏度为 {tfacts.skewness:.2f}:在 {name}(y) 上"
           f"用线性输出和 {plan.loss} 训练,预测时取 {inverse}(输出)(误差变为相对误差;"
           "在对数尺度上预测的是中位数)"),
        f"data: skewness = {facts.skewness:.3g}, skewness of {name}(y) = "
        f"{tfacts.skewness:.3g}; {S002} 回归 / 输出非负(如销量)"))
    return plan


def _plan_regression(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                     quantiles: Any, lang: str, transformed: bool = False) -> _Plan:
    hidden = _hidden_reason(lang)
    width = 1
    if facts is not None and len(facts.shape) == 2 and facts.shape[1] > 1:
        width = facts.shape[1]
    if facts is None:
        row = _table("regression", "gaussian")
        plan = _Plan("regression", row.loss, alternatives=list(row.alternatives))
        plan.reasons += [hidden, Reason(
            _t(lang, "regression without data: MSE with a linear output (Gaussian noise); "
                     "pass y to check outliers, sign and range",
               "没有数据的回归:MSE + 线性输出(高斯噪声);传入 y 可检查离群点、符号与范围"),
            row.source)]
        return plan
    if facts.kind == "counts":
        return _plan_count(facts, y, x, imbalance, quantiles, lang)
    skewed = None if transformed else _skew_transform(facts, y)
    if skewed is not None:
        return _plan_transformed(facts, y, x, imbalance, quantiles, lang, *skewed)
    outliers = facts.outlier_fraction > OUTLIERS_ABOVE
    bounded = (facts.minimum >= 0 and facts.maximum <= 1 and facts.n_distinct > 2
               and not transformed)
    nonneg = facts.minimum >= 0 and not bounded and not transformed
    if outliers:
        row = _table("regression", "outliers")
    elif bounded:
        row = _table("regression", "bounded")
    elif nonneg:
        row = _table("regression", "nonnegative")
    else:
        row = _table("regression", "gaussian")
    plan = _Plan("regression", row.loss, alternatives=list(row.alternatives), out_width=width)
    plan.reasons.append(hidden)
    if facts.count_evidence and facts.kind == "real":
        plan.reasons.append(Reason(
            _t(lang, f"whole-numbered targets read as real values, not counts: "
                     f"variance / mean = {facts.dispersion:.3g} is far from the Poisson 1 "
                     f"and the dtype is {facts.dtype}; pass task='count' if they are counts",
               f"目标虽为整数值,但按实数回归处理而非计数:方差/均值 = {facts.dispersion:.3g},"
               f"远离 Poisson 的 1,且数据类型为 {facts.dtype};若确为计数请传 task='count'"),
            f"data: {facts.count_evidence}"))
    fact_out = (f"data: outlier_fraction = {facts.outlier_fraction:.3g} (modified z-score "
                f"|0.6745 (y - median) / MAD| > {ROBUST_Z})")
    if outliers:
        sigma, how = _residual_scale(y, x)
        delta = HUBER_K * sigma if sigma > 0 else 1.0
        plan.params = _loss_params("huber", delta=round(delta, 6))
        plan.reasons.append(Reason(
            _t(lang, f"{facts.outlier_fraction:.1%} of the targets are outliers: Huber is "
                     "quadratic near 0 and linear beyond delta, so they do not dominate",
               f"{facts.outlier_fraction:.1%} 的目标是离群点:Huber 在 0 附近是二次的、"
               "超过 delta 后是线性的,离群点不会主导训练"),
            f"{row.source}; {fact_out}"))
        plan.reasons.append(Reason(
            _t(lang, f"delta = 1.345 x robust sigma = 1.345 x 1.4826 x MAD = {delta:.4g} "
                     f"(MAD of {how})",
               f"delta = 1.345 × 稳健 sigma = 1.345 × 1.4826 × MAD = {delta:.4g}"
               f"(MAD 取自 {how})"),
            f"data: robust sigma = {sigma:.4g}"))
        plan.alternatives += _catalog_alternatives("regression", outliers=True,
                                                   exclude=(row.loss,))
    else:
        plan.reasons.append(Reason(
            _t(lang, f"few outliers ({facts.outlier_fraction:.1%}): MSE (the Gaussian "
                     "maximum-likelihood loss)",
               f"离群点很少({facts.outlier_fraction:.1%}):MSE(高斯噪声下的最大似然)"),
            f"{_table('regression', 'gaussian').source}; {fact_out}"))
    fact_range = f"data: y in [{facts.minimum:.4g}, {facts.maximum:.4g}]"
    if bounded:
        plan.output = "sigmoid"
        plan.reasons.append(Reason(
            _t(lang, "targets lie in [0, 1]: a sigmoid output matches that range "
                     "(or binary_cross_entropy_with_logits with soft targets)",
               "目标位于 [0, 1]:sigmoid 输出与该范围一致(或对软目标用 "
               "binary_cross_entropy_with_logits)"),
            f"{row.source}; {fact_range}"))
    elif transformed:
        plan.output = "identity"
    elif nonneg:
        plan.output = "relu"
        plan.reasons.append(Reason(
            _t(lang, "targets are non-negative: ReLU output (softplus avoids a dead output "
                     "unit)",
               "目标非负:输出层用 ReLU(softplus 可避免输出单元死亡)"),
            f"{S002} 回归 / 输出非负(如销量):ReLU; {fact_range}"))
        if facts.skewness > 1:
            plan.notes.append(_t(
                lang, f"y is right-skewed (skewness {facts.skewness:.2f}): consider "
                      "predicting log1p(y) or the msle loss",
                f"y 右偏(偏度 {facts.skewness:.2f}):可考虑预测 log1p(y) 或使用 msle"))
    elif not transformed:
        plan.reasons.append(Reason(
            _t(lang, "targets take both signs: a linear output (identity); tanh with "
                     "scaling only when the range is known and bounded",
               "目标有正有负:线性输出(恒等);只有当范围已知且有界时才用带缩放的 tanh"),
            f"{S002} 回归 / 输出可正可负(如温度):线性激活(y=x) 或Tanh(配合缩放); "
            f"{fact_range}"))
        plan.output = "identity"
    return plan


def _plan_quantile(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                   quantiles: Any, lang: str) -> _Plan:
    row = _table("quantile", "quantile")
    qs = tuple(quantiles) if quantiles else (0.1, 0.5, 0.9)
    plan = _Plan("quantile", row.loss, alternatives=list(row.alternatives), out_width=len(qs),
                 quantiles=qs)
    plan.params = _loss_params(row.loss, q=qs[len(qs) // 2])
    plan.output = "identity"
    plan.reasons += [_hidden_reason(lang), Reason(
        _t(lang, f"quantile regression at q = {', '.join(f'{q:g}' for q in qs)}: one linear "
                 "output per quantile, each trained with the pinball loss at its q",
           f"分位数回归 q = {', '.join(f'{q:g}' for q in qs)}:每个分位数一个线性输出,"
           "各自使用对应 q 的 pinball 损失"),
        row.source)]
    if facts is not None:
        emp = np.quantile(_to_array(y, "y").astype(np.float64).reshape(-1), qs)
        plan.reasons.append(Reason(
            _t(lang, "empirical quantiles of y (a baseline to beat): "
                     + ", ".join(f"q{q:g} = {v:.4g}" for q, v in zip(qs, emp)),
               "y 的经验分位数(基线):" + ", ".join(f"q{q:g} = {v:.4g}"
                                              for q, v in zip(qs, emp))),
            "data: np.quantile(y, q)"))
    return plan


def _plan_count(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                quantiles: Any, lang: str) -> _Plan:
    row = _table("count", "counts")
    plan = _Plan("count", row.loss, alternatives=list(row.alternatives))
    plan.params = _loss_params(row.loss, log_input=True)
    plan.output = "identity"
    plan.reasons += [_hidden_reason(lang), Reason(
        _t(lang, "non-negative integer counts: Poisson negative log-likelihood on the log "
                 "rate (log_input=True); the linear output is log(lambda), so the rate "
                 "exp(output) is always positive",
           "非负整数计数:在对数速率上用 Poisson 负对数似然(log_input=True);线性输出为 "
           "log(lambda),速率 exp(输出) 恒为正"),
        row.source)]
    if facts is not None:
        var = facts.std ** 2
        disp = var / facts.mean if facts.mean > 0 else float("nan")
        plan.reasons.append(Reason(
            _t(lang, f"counts from {facts.minimum:.0f} to {facts.maximum:.0f}, mean "
                     f"{facts.mean:.3g}, variance / mean = {disp:.3g} (1 for a Poisson "
                     "variable)",
               f"计数范围 {facts.minimum:.0f} 到 {facts.maximum:.0f},均值 {facts.mean:.3g},"
               f"方差/均值 = {disp:.3g}(Poisson 变量为 1)"),
            f"data: counts because {facts.count_evidence or 'integer values'}; "
            f"sign = {facts.sign}"))
        if disp > 2:
            plan.notes.append(_t(lang, "over-dispersed counts (variance >> mean): a negative "
                                       "binomial likelihood may fit better",
                                 "计数过度离散(方差远大于均值):负二项似然可能更合适"))
    return plan


def _plan_detection(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                    quantiles: Any, lang: str) -> _Plan:
    row = _table("detection", "boxes")
    plan = _Plan("detection", row.loss, alternatives=list(row.alternatives))
    alpha = FOCAL_ALPHA
    plan.params = _loss_params(row.loss, alpha=alpha, gamma=FOCAL_GAMMA)
    plan.extra.append(LossChoice("giou_loss", _loss_params("giou_loss"), role="boxes"))
    plan.reasons += [_hidden_reason(lang), Reason(
        _t(lang, "detection: focal loss on the per-anchor class logits (most anchors are "
                 "easy background) plus an IoU-family loss (GIoU; CIoU/DIoU alternatives) "
                 "on the boxes (x1, y1, x2, y2)",
           "目标检测:每个锚框的类别 logits 用 Focal Loss(多数锚框是容易的背景),"
           "边框 (x1, y1, x2, y2) 用交并比类损失(GIoU;备选 CIoU/DIoU)"),
        row.source), Reason(
        _t(lang, f"focal alpha = {alpha:g}, gamma = {FOCAL_GAMMA:g}: the focal-loss paper's "
                 "best setting (RetinaNet), whatever the foreground share",
           f"focal alpha = {alpha:g},gamma = {FOCAL_GAMMA:g}:focal loss 论文的最佳设置"
           "(RetinaNet),与前景比例无关"),
        "Lin et al. (2017) Focal Loss for Dense Object Detection, Table 1a: alpha = 0.25, "
        "gamma = 2")]
    return plan


def _plan_segmentation(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                       quantiles: Any, lang: str) -> _Plan:
    row = _table("segmentation", "masks")
    plan = _Plan("segmentation", row.loss, alternatives=list(row.alternatives))
    plan.params = _loss_params(row.loss, from_logits=True)
    pos = None
    if facts is not None and facts.label_positive_fraction:
        pos = facts.label_positive_fraction[0]
    elif imbalance is not None:
        pos = imbalance
    bce_params = {}
    if pos is not None and 0 < pos < 1:
        bce_params = _loss_params("binary_cross_entropy_with_logits",
                                  pos_weight=round((1 - pos) / pos, 4))
    plan.extra.append(LossChoice("binary_cross_entropy_with_logits", bce_params,
                                 role="pixels"))
    plan.reasons += [_hidden_reason(lang), Reason(
        _t(lang, "binary masks: Dice (overlap, insensitive to the foreground share) + "
                 "per-pixel binary cross-entropy on logits (smooth, well-behaved gradients)",
           "二值掩码:Dice(衡量重叠,不受前景比例影响)+ 逐像素 logits 上的二元交叉熵"
           "(梯度平滑稳定)"),
        row.source)]
    if pos is not None:
        plan.reasons.append(Reason(
            _t(lang, f"foreground share {pos:.3g}: pos_weight = n_bg / n_fg = "
                     f"{(1 - pos) / pos:.4g} for the BCE term",
               f"前景比例 {pos:.3g}:BCE 项的 pos_weight = n_bg / n_fg = {(1 - pos) / pos:.4g}"),
            "data: label_positive_fraction" if facts is not None else
            f"given: imbalance = {imbalance:g}"))
    return plan


def _plan_gan(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
              quantiles: Any, lang: str) -> _Plan:
    row = _table("gan", "adversarial")
    plan = _Plan("gan", row.loss, alternatives=[*row.alternatives, "wgan_g", "gan_nonsaturating_g"],
                 hidden="leaky_relu", hidden_alternatives=("relu",))
    plan.output = "identity"
    plan.extra.append(LossChoice("lsgan_g", {}, role="generator"))
    plan.reasons += [Reason(
        _t(lang, "least-squares GAN: the discriminator regresses real -> 1 and fake -> 0 "
                 "on raw scores (no sigmoid); the generator pushes D(G(z)) to 1; the "
                 "Wasserstein critic (1-Lipschitz) is the alternative",
           "最小二乘 GAN:判别器在原始得分上把真样本回归到 1、假样本到 0(不加 sigmoid);"
           "生成器把 D(G(z)) 推向 1;备选为 Wasserstein 距离(1-Lipschitz 评论器)"),
        row.source), Reason(
        _t(lang, "discriminator hidden layers: Leaky ReLU (0.2) keeps gradients for "
                 "negative inputs; generator output: tanh for data scaled to [-1, 1]",
           "判别器隐藏层:Leaky ReLU(0.2)让负输入也有梯度;生成器输出:tanh(数据缩放到 "
           "[-1, 1])"),
        f"{S002} Leaky ReLU 缓解死亡ReLU; Tanh (-1, 1); Radford et al. (2016) DCGAN")]
    return plan


def _plan_metric(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                 quantiles: Any, lang: str) -> _Plan:
    row = _table("metric_learning", "embeddings")
    plan = _Plan("metric_learning", row.loss, alternatives=list(row.alternatives))
    plan.params = _loss_params(row.loss, margin=0.2)
    plan.output = "identity"
    plan.reasons += [_hidden_reason(lang), Reason(
        _t(lang, "metric learning: L2-normalised embeddings (no output activation) with the "
                 "triplet margin loss on (anchor, positive, negative); margin 0.2 on the "
                 "unit sphere; InfoNCE over in-batch negatives is the alternative",
           "度量学习:L2 归一化的嵌入(输出层无激活),对 (anchor, positive, negative) 用三元组"
           "间隔损失;单位球面上 margin 取 0.2;备选为批内负例的 InfoNCE"),
        row.source)]
    return plan


def _plan_rnn(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
              quantiles: Any, lang: str) -> _Plan:
    if facts is not None and facts.kind not in ("binary", "class_indices", "one_hot",
                                                "soft_labels"):
        inner = _plan_regression(facts, y, x, imbalance, quantiles, lang)
    elif facts is not None and facts.kind == "binary":
        inner = _plan_binary(facts, y, x, imbalance, quantiles, lang)
    else:
        inner = _plan_multiclass(facts, y, x, imbalance, quantiles, lang)
    inner.task = "rnn"
    inner.hidden = "tanh"
    inner.hidden_alternatives = ("sigmoid",)
    inner.reasons = [r for r in inner.reasons if S003 not in r.source]
    inner.reasons.insert(0, Reason(
        _t(lang, "recurrent cells: gates use sigmoid (switches in (0, 1)), the state uses "
                 "tanh (bounded in (-1, 1)); nn.LSTM / nn.GRU implement both",
           "循环单元:门控用 Sigmoid(0 到 1 之间的开关),状态用 Tanh(限制在 (-1, 1));"
           "nn.LSTM / nn.GRU 已内置"),
        f"{_table('rnn', 'sequence').source}; {S003} Tanh 在 RNN 中仍会见到"))
    return inner


_PLANNERS = {
    "binary": _plan_binary, "multiclass": _plan_multiclass, "multilabel": _plan_multilabel,
    "regression": _plan_regression, "quantile": _plan_quantile, "count": _plan_count,
    "detection": _plan_detection, "segmentation": _plan_segmentation, "gan": _plan_gan,
    "metric_learning": _plan_metric, "rnn": _plan_rnn,
}


# ------------------------------------------------------------------------------ snippet
_TORCH_ACT = {"relu": "nn.ReLU()", "leaky_relu": "nn.LeakyReLU(0.2)", "tanh": "nn.Tanh()",
              "sigmoid": "nn.Sigmoid()", "softplus": "nn.Softplus()", "identity": None,
              "softmax": None}


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
    act = _TORCH_ACT.get(hidden) or "nn.ReLU()"
    last = f"nn.Linear(64, {width})" + (f", {head}" if head else "")
    lines = ["model = nn.Sequential(",
             f"    nn.Linear({n_in}, 64), {act},",
             f"    nn.Linear(64, 64), {act},",
             f"    {last},",
             ")" + (f"  # {comment}" if comment else "")]
    return "\n".join(lines)


def _snippet(plan: _Plan, output: str, output_in_loss: bool,
             features: FeatureFacts | None) -> str:
    d = features.n_features if features is not None else 16
    lines = ["import torch", "from torch import nn", "", "from actloss import losses", "",
             "torch.manual_seed(0)"]
    head = None if output_in_loss else _TORCH_ACT.get(output)
    task = plan.task
    w = plan.out_width
    if features is not None and features.needs_standardisation:
        lines.append("# standardise x first: x = (x - x.mean(0)) / x.std(0)")
    if task == "rnn":
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
    elif task in ("binary", "multilabel"):
        lines += [_mlp(d, w, plan.hidden, head, "logits"), f"x = torch.randn(32, {d})",
                  f"y = (torch.rand(32, {w}) < 0.3).float()",
                  _loss_line("loss_fn", plan.loss, plan.params),
                  "loss = loss_fn(model(x), y)",
                  "probabilities = torch.sigmoid(model(x))  # at inference"]
    elif task == "multiclass":
        lines += [_mlp(d, w, plan.hidden, head, "logits"), f"x = torch.randn(32, {d})",
                  f"y = torch.randint(0, {w}, (32,))",
                  _loss_line("loss_fn", plan.loss, plan.params),
                  "loss = loss_fn(model(x), y)",
                  "probabilities = torch.softmax(model(x), dim=1)  # at inference"]
    elif task == "regression" and plan.transform:
        fwd, inv = (("log", "exp") if plan.transform == "log" else ("log1p", "expm1"))
        lines += [_mlp(d, w, plan.hidden, None, f"predicts {fwd}(y)"),
                  f"x = torch.randn(32, {d})",
                  f"y = torch.exp(torch.randn(32, {w}) * 0.5 + 12)  # positive, right-skewed",
                  _loss_line("loss_fn", plan.loss, plan.params),
                  f"loss = loss_fn(model(x), torch.{fwd}(y))  # trained on {fwd}(y)",
                  f"prediction = torch.{inv}(model(x))  # at inference, back on the scale of y"]
    elif task == "regression":
        lines += [_mlp(d, w, plan.hidden, head), f"x = torch.randn(32, {d})"]
        if output == "sigmoid":
            lines.append(f"y = torch.rand(32, {w})")
        elif output in ("relu", "softplus"):
            lines.append(f"y = torch.rand(32, {w}) * 10")
        else:
            lines.append(f"y = torch.randn(32, {w})")
        lines += [_loss_line("loss_fn", plan.loss, plan.params), "loss = loss_fn(model(x), y)"]
    elif task == "quantile":
        qs = ", ".join(repr(q) for q in plan.quantiles)
        lines += [_mlp(d, w, plan.hidden, None, "one output per quantile"),
                  f"x = torch.randn(32, {d})", "y = torch.randn(32, 1)",
                  f"quantiles = ({qs},)",
                  "out = model(x)",
                  "loss = sum(losses.quantile(out[:, i:i + 1], y, q=q)",
                  "           for i, q in enumerate(quantiles))"]
    elif task == "count":
        lines += [_mlp(d, 1, plan.hidden, None, "log rate"),
                  f"x = torch.randn(32, {d})", "y = torch.poisson(torch.full((32, 1), 3.0))",
                  _loss_line("loss_fn", plan.loss, plan.params),
                  "loss = loss_fn(model(x), y)",
                  "rate = torch.exp(model(x))  # expected count at inference"]
    elif task == "detection":
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
    elif task == "segmentation":
        bce = plan.extra[0]
        lines += ["model = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(),",
                  "                      nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),",
                  "                      nn.Conv2d(16, 1, 1))  # mask logits",
                  "x = torch.randn(4, 3, 32, 32)",
                  "mask = (torch.rand(4, 1, 32, 32) < 0.2).float()",
                  _loss_line("dice", plan.loss, plan.params),
                  _loss_line("bce", bce.name, bce.params),
                  "logits = model(x)",
                  "loss = dice(logits, mask) + bce(logits, mask)"]
    elif task == "gan":
        lines += ["generator = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, "
                  f"{d}), nn.Tanh())",
                  f"discriminator = nn.Sequential(nn.Linear({d}, 64), nn.LeakyReLU(0.2), "
                  "nn.Linear(64, 1))  # raw scores",
                  f"real = torch.rand(32, {d}) * 2 - 1",
                  "fake = generator(torch.randn(32, 8))",
                  _loss_line("d_loss_fn", plan.loss, plan.params),
                  _loss_line("g_loss_fn", plan.extra[0].name, plan.extra[0].params),
                  "d_loss = d_loss_fn(discriminator(real), discriminator(fake.detach()))",
                  "g_loss = g_loss_fn(discriminator(fake), None)  # no target",
                  "loss = d_loss + g_loss"]
    elif task == "metric_learning":
        lines += [_mlp(d, 32, plan.hidden, None),
                  f"x = torch.randn(32, 3, {d})  # (anchor, positive, negative)",
                  "emb = nn.functional.normalize(model(x), dim=-1)",
                  _loss_line("loss_fn", plan.loss, plan.params),
                  "loss = loss_fn(emb, None)  # triplets carry their own pairing"]
    inference = [ln for ln in lines if "at inference" in ln]
    lines = [ln for ln in lines if "at inference" not in ln]
    lines += ["loss.backward()", *inference]
    return "\n".join(lines) + "\n"
