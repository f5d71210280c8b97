"""The loss catalog.

Every loss is a function ``f(input, target, *, reduction='mean', weight=None, **params)``
in PyTorch's argument order, with a :class:`~actloss.losses._spec.LossSpec` registered
beside it. The catalog is read through :func:`names`, :func:`spec`, :func:`get`,
:func:`gradient` and :func:`catalog_json`.

>>> import torch
>>> from actloss import losses
>>> losses.spec("pinball").name
'quantile'
>>> losses.get("huber", delta=2.0)
HuberLoss(reduction='mean', delta=2.0)
>>> losses.get("hubber")
Traceback (most recent call last):
...
actloss.errors.UnknownNameError: unknown loss 'hubber'; did you mean 'huber'?
"""

from __future__ import annotations

import json
from typing import Any

import torch
from torch import nn

from actloss import _fast
from actloss._meta import spec_to_json
from actloss._reduction import reduce
from actloss._validation import check_params
from actloss.losses._binary import (
    asymmetric,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_focal,
    hinge,
    multilabel_soft_margin,
    squared_hinge,
)
from actloss.losses._checks import set_value_checks, value_checks, value_checks_enabled
from actloss.losses._divergence import jensen_shannon, kl_div, wasserstein_1d
from actloss.losses._multiclass import (
    categorical_focal,
    categorical_hinge,
    cross_entropy,
    generalized_cross_entropy,
    multi_margin,
    nll,
    poly1,
)
from actloss.losses._registry import REGISTRY, Loss
from actloss.losses._regression import (
    AdaptiveRobustLoss,
    adaptive_robust,
    charbonnier,
    cosine_similarity,
    gaussian_nll,
    huber,
    log_cosh,
    mae,
    mape,
    mse,
    msle,
    poisson_nll,
    quantile,
    smooth_l1,
)
from actloss.losses._spec import LossSpec

# --- segmentation, detection, GAN, metric learning, composite, Keras names ---
# isort: off
from actloss.losses._composite import (
    UncertaintyWeighting as UncertaintyWeighting,
    WeightedSum as WeightedSum,
    l1_penalty as l1_penalty,
    l2_penalty as l2_penalty,
    uncertainty_weighting as uncertainty_weighting,
)
from actloss.losses._gan import (
    gan_hinge_d as gan_hinge_d,
    gan_hinge_g as gan_hinge_g,
    gan_minimax_d as gan_minimax_d,
    gan_minimax_g as gan_minimax_g,
    gan_nonsaturating_g as gan_nonsaturating_g,
    gradient_penalty as gradient_penalty,
    lsgan_d as lsgan_d,
    lsgan_g as lsgan_g,
    wgan_critic as wgan_critic,
    wgan_g as wgan_g,
)
from actloss.losses._keras import (
    keras_binary_crossentropy as keras_binary_crossentropy,
    keras_binary_focal_crossentropy as keras_binary_focal_crossentropy,
    keras_categorical_crossentropy as keras_categorical_crossentropy,
    keras_categorical_focal_crossentropy as keras_categorical_focal_crossentropy,
    keras_categorical_hinge as keras_categorical_hinge,
    keras_cosine_similarity as keras_cosine_similarity,
    keras_dice as keras_dice,
    keras_hinge as keras_hinge,
    keras_huber as keras_huber,
    keras_kl_divergence as keras_kl_divergence,
    keras_log_cosh as keras_log_cosh,
    keras_mean_absolute_error as keras_mean_absolute_error,
    keras_mean_absolute_percentage_error as keras_mean_absolute_percentage_error,
    keras_mean_squared_error as keras_mean_squared_error,
    keras_mean_squared_logarithmic_error as keras_mean_squared_logarithmic_error,
    keras_poisson as keras_poisson,
    keras_sparse_categorical_crossentropy as keras_sparse_categorical_crossentropy,
    keras_spec as keras_spec,
    keras_squared_hinge as keras_squared_hinge,
    keras_tversky as keras_tversky,
)
from actloss.losses._optax import (  # optax's spellings and meaning
    multiclass_hinge as multiclass_hinge,
    optax_binary_dice_loss as optax_binary_dice_loss,
    optax_convex_kl_divergence as optax_convex_kl_divergence,
    optax_cosine_distance as optax_cosine_distance,
    optax_cosine_similarity as optax_cosine_similarity,
    optax_dice_loss as optax_dice_loss,
    optax_hinge_loss as optax_hinge_loss,
    optax_huber_loss as optax_huber_loss,
    optax_kl_divergence as optax_kl_divergence,
    optax_kl_divergence_with_log_targets as optax_kl_divergence_with_log_targets,
    optax_l2_loss as optax_l2_loss,
    optax_log_cosh as optax_log_cosh,
    optax_multiclass_hinge_loss as optax_multiclass_hinge_loss,
    optax_poly_loss_cross_entropy as optax_poly_loss_cross_entropy,
    optax_safe_softmax_cross_entropy as optax_safe_softmax_cross_entropy,
    optax_sigmoid_binary_cross_entropy as optax_sigmoid_binary_cross_entropy,
    optax_sigmoid_focal_loss as optax_sigmoid_focal_loss,
    optax_softmax_cross_entropy as optax_softmax_cross_entropy,
    optax_softmax_cross_entropy_with_integer_labels as
    optax_softmax_cross_entropy_with_integer_labels,
    optax_squared_error as optax_squared_error,
    optax_triplet_margin_loss as optax_triplet_margin_loss,
)
from actloss.losses._metric import (
    contrastive as contrastive,
    info_nce as info_nce,
    nt_xent as nt_xent,
    triplet as triplet,
)
from actloss.losses._segmentation import (
    ciou_loss as ciou_loss,
    dice as dice,
    diou_loss as diou_loss,
    focal_tversky as focal_tversky,
    giou_loss as giou_loss,
    iou_loss as iou_loss,
    jaccard as jaccard,
    tversky as tversky,
)
from actloss.losses._linear import linear_cross_entropy as linear_cross_entropy
# peers' losses (PyTorch, optax, Keras) that actloss lacked
from actloss.losses._margin import (
    cosine_embedding as cosine_embedding,
    hinge_embedding as hinge_embedding,
    margin_ranking as margin_ranking,
    multiclass_perceptron as multiclass_perceptron,
    multilabel_margin as multilabel_margin,
    perceptron as perceptron,
    soft_margin as soft_margin,
)
from actloss.losses._sparsemax import (
    multiclass_sparsemax as multiclass_sparsemax,
    sparsemax_loss as sparsemax_loss,
)
from actloss.losses._ranking import circle as circle, ranking_softmax as ranking_softmax
from actloss.losses._sequence import ctc as ctc
from actloss.losses._overlap import (
    mcc as mcc,
    multiclass_generalized_dice as multiclass_generalized_dice,
)
from actloss.losses._generalized_kl import (
    generalized_kl_divergence as generalized_kl_divergence,
    smooth_labels as smooth_labels,
)
# isort: on
# --- end ---

__all__ = [
    "AdaptiveRobustLoss",
    "Loss",
    "LossSpec",
    "UncertaintyWeighting",
    "WeightedSum",
    "adaptive_robust",
    "asymmetric",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_focal",
    "catalog_json",
    "categorical_focal",
    "categorical_hinge",
    "charbonnier",
    "ciou_loss",
    "contrastive",
    "cosine_similarity",
    "cross_entropy",
    "dice",
    "diou_loss",
    "focal_tversky",
    "gan_hinge_d",
    "gan_hinge_g",
    "gan_minimax_d",
    "gan_minimax_g",
    "gan_nonsaturating_g",
    "gaussian_nll",
    "generalized_cross_entropy",
    "get",
    "giou_loss",
    "gradient",
    "gradient_penalty",
    "hinge",
    "huber",
    "info_nce",
    "iou_loss",
    "jaccard",
    "jensen_shannon",
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
    "kl_div",
    "l1_penalty",
    "l2_penalty",
    "linear_cross_entropy",
    "log_cosh",
    "lsgan_d",
    "lsgan_g",
    "mae",
    "mape",
    "mse",
    "msle",
    "multi_margin",
    "multiclass_hinge",
    "multilabel_soft_margin",
    "names",
    "nll",
    "nt_xent",
    "optax_binary_dice_loss",
    "optax_convex_kl_divergence",
    "optax_cosine_distance",
    "optax_cosine_similarity",
    "optax_dice_loss",
    "optax_hinge_loss",
    "optax_huber_loss",
    "optax_kl_divergence",
    "optax_kl_divergence_with_log_targets",
    "optax_l2_loss",
    "optax_log_cosh",
    "optax_multiclass_hinge_loss",
    "optax_poly_loss_cross_entropy",
    "optax_safe_softmax_cross_entropy",
    "optax_sigmoid_binary_cross_entropy",
    "optax_sigmoid_focal_loss",
    "optax_softmax_cross_entropy",
    "optax_softmax_cross_entropy_with_integer_labels",
    "optax_squared_error",
    "optax_triplet_margin_loss",
    "poisson_nll",
    "poly1",
    "quantile",
    "reduce",
    "set_value_checks",
    "smooth_l1",
    "spec",
    "specs",
    "squared_hinge",
    "triplet",
    "tversky",
    "uncertainty_weighting",
    "value_checks",
    "value_checks_enabled",
    "wasserstein_1d",
    "wgan_critic",
    "wgan_g",
]
__all__ += [  # the peers' losses (PyTorch, optax, Keras) added to the catalog
    "circle",
    "cosine_embedding",
    "ctc",
    "generalized_kl_divergence",
    "hinge_embedding",
    "margin_ranking",
    "mcc",
    "multiclass_generalized_dice",
    "multiclass_perceptron",
    "multiclass_sparsemax",
    "multilabel_margin",
    "perceptron",
    "ranking_softmax",
    "smooth_labels",
    "soft_margin",
    "sparsemax_loss",
]


def names(*, aliases: bool = False) -> list[str]:
    """Canonical loss names, sorted; with ``aliases=True`` every accepted name."""
    return REGISTRY.all_names() if aliases else REGISTRY.names()


def spec(name: str, *, peer: str | None = None) -> LossSpec:
    """The :class:`LossSpec` of ``name`` (any alias, any case, a peer's spelling).

    ``peer='keras' | 'optax' | 'torch'`` (or a ``'keras:'`` prefix) reads ``name`` with
    that library's meaning; a spelling the libraries share with different meanings
    raises :class:`~actloss._registry.AmbiguousNameError` without one (docs/names.md).
    """
    return REGISTRY.spec(name, peer=peer)


def specs() -> list[LossSpec]:
    """Every spec, sorted by name."""
    return list(REGISTRY)


def get(name: str, *, reduction: str | None = "default", weight: torch.Tensor | None = None,
        peer: str | None = None, fast: bool = False, **params: Any) -> nn.Module:
    """The loss ``name`` as an ``nn.Module`` whose ``forward(input, target)`` is the function.

    Hyper-parameters are validated now. Entries with their own module (learnable ones,
    e.g. ``get('adaptive_robust', learnable=True)``) build it. ``reduction='default'``
    takes the entry's own default (``'mean'``; ``'none'`` for the ``optax_…`` entries,
    which return unreduced values as optax does); ``None`` means no reduction, as in
    Keras. ``peer`` as for :func:`spec`. ``fast=True`` binds the module to the opt-in
    fast implementations now (see the *Fast paths* page of the documentation); calls they
    do not support run the reference.
    """
    s = REGISTRY.spec(name, peer=peer)
    if reduction is None:
        reduction = "none"
    elif reduction == "default":
        import inspect

        default = inspect.signature(s.fn).parameters.get("reduction")
        reduction = default.default if default is not None and isinstance(
            default.default, str) else "mean"
    if s.module is not None:
        module: nn.Module = s.module(reduction=reduction, weight=weight, **params)
    else:
        module = Loss(s, reduction=reduction, weight=weight, **params)
    if fast.__class__ is not bool:
        from actloss.errors import ParameterError

        raise ParameterError(f"`fast` of get({name!r}) must be True or False; got {fast!r}")
    return _fast.bind(module) if fast else module


def gradient(name: str, input: torch.Tensor, target: torch.Tensor, *,
             weight: torch.Tensor | None = None, **params: Any) -> torch.Tensor:
    """Closed-form d(sum of the unreduced, weighted loss)/d(input) of ``name``.

    >>> import torch
    >>> gradient("mse", torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.0]))
    tensor([2., 4.])
    """
    s = REGISTRY.spec(name)
    if s.gradient is None:
        from actloss.errors import ParameterError

        raise ParameterError(f"loss {s.name} has no closed-form gradient")
    tensors = {k: v for k, v in params.items() if isinstance(v, torch.Tensor)}
    checked = check_params(s.name, s.params, {k: v for k, v in params.items()
                                              if k not in tensors})
    checked.update(tensors)
    s.fn(input.detach(), target, reduction="none", weight=weight, **checked)  # validates
    return s.gradient(input, target, weight=weight, **checked)


def catalog_json(*, indent: int | None = 2) -> str:
    """The whole catalog's metadata as JSON (functions left out), each entry with the
    peers' spellings and edge conventions (``REGISTRY.peer_metadata``), as ``actloss show
    --json`` gives them."""
    return json.dumps([{**spec_to_json(s), **REGISTRY.peer_metadata(s.name)}
                       for s in REGISTRY], indent=indent, ensure_ascii=False)
