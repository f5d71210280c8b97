"""Data facts: what the targets ``y`` and the features ``x`` are, measured.

Nothing here chooses a loss: :func:`inspect_target` and :func:`inspect_features` return
records of measured facts (kind of target, class counts, range, outliers, skew,
dispersion, feature scales), and the helpers measure the robust scales the rules use.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from actloss.errors import InputError

__all__ = [
    "MAX_CLASSES",
    "POISSON_DISPERSION",
    "ROBUST_Z",
    "SKEWED_ABOVE",
    "FeatureFacts",
    "TargetFacts",
    "inspect_features",
    "inspect_target",
]

ROBUST_Z = 3.5  # Iglewicz & Hoaglin (1993) cut-off for the modified z-score
HUBER_K = 1.345  # 95 % efficiency at the normal (Huber 1964)
MAD_TO_SIGMA = 1.4826  # 1 / Phi^-1(3/4): MAD of a normal sample -> its sigma
MAX_CLASSES = 20  # integer targets with at most this many values are class labels
# integer-valued floats are counts only when their dispersion fits a Poisson variable
# (variance / mean = 1); outside this band they are real-valued regression targets
POISSON_DISPERSION = (0.5, 2.0)
SKEWED_ABOVE = 1.0  # right skew of positive targets above which y is log-transformed


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
