"""Losses: composite objectives (weighted sums, uncertainty weighting, weight penalties).

- :class:`WeightedSum` combines catalog losses by name with fixed weights (a module, so
  it can sit where a loss module is expected; it is not a catalog entry because its
  parameters are other losses).
- :func:`uncertainty_weighting` (catalog entry) and :class:`UncertaintyWeighting` (the
  module that owns the learnable log-variances) weight several task losses by learned
  homoscedastic uncertainty (Kendall, Gal, Cipolla 2018).
- :func:`l1_penalty` and :func:`l2_penalty` (catalog entries) penalise weights; they
  accept a tensor, an iterable of tensors, or an ``nn.Module`` (then only its weights
  with two or more dimensions, not biases or normalisation scales).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import torch
from torch import nn

from actloss._i18n import bilingual as _bi
from actloss._reduction import check_reduction, reduce
from actloss._validation import NONNEGATIVE, Param, check_params, check_tensor
from actloss.errors import InputError, ParameterError
from actloss.losses._registry import REGISTRY, register
from actloss.losses._spec import LossSpec

__all__ = [
    "UncertaintyWeighting",
    "WeightedSum",
    "l1_penalty",
    "l2_penalty",
    "uncertainty_weighting",
]



def _times(g: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    return g if weight is None else g * torch.broadcast_to(weight.to(g.dtype), g.shape)


# ---------------------------------------------------------------------------------------
# weighted sum of named losses
# ---------------------------------------------------------------------------------------

class WeightedSum(nn.Module):
    r"""A fixed weighted sum of catalog losses: :math:`L = \sum_k w_k L_k(input, target)`.

    Args:
        weights: loss name (or alias) -> weight, e.g. ``{"bce": 1.0, "dice": 0.5}``.
            Weights must be finite and non-negative.
        params: optional loss name -> hyper-parameters of that loss.
        reduction: passed to every loss, default ``'mean'``.

    After each call ``last`` holds the weighted terms (detached), for logging.

    Example:
        >>> import torch
        >>> loss = WeightedSum({"dice": 1.0, "jaccard": 0.5}, params={"dice": {"smooth": 0.0}})
        >>> loss
        WeightedSum(dice=1.0, jaccard=0.5)
        >>> p = torch.tensor([[1.0, 1.0, 0.0, 0.0]])
        >>> t = torch.tensor([[1.0, 0.0, 0.0, 0.0]])
        >>> loss(p, t)  # 1/3 + 0.5 * (1 - 2/3) with jaccard's smooth = 1
        tensor(0.5000)
    """

    def __init__(self, weights: Mapping[str, float], *,
                 params: Mapping[str, Mapping[str, Any]] | None = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        if not isinstance(weights, Mapping) or not weights:
            raise ParameterError(
                "`weights` of weighted_sum must be a non-empty mapping of loss name to "
                f"weight; got {weights!r}"
            )
        self.specs = {}
        self.weights: dict[str, float] = {}
        for name, w in weights.items():
            spec = REGISTRY.spec(name)
            self.weights[spec.name] = check_params(
                "weighted_sum", (Param(f"weight of {spec.name}", 1.0, float, NONNEGATIVE),),
                {f"weight of {spec.name}": w})[f"weight of {spec.name}"]
            self.specs[spec.name] = spec
        self.params: dict[str, dict[str, Any]] = {n: {} for n in self.specs}
        for name, p in (params or {}).items():
            canonical = REGISTRY.canonical(name)
            if canonical not in self.specs:
                raise ParameterError(
                    f"`params` of weighted_sum names {name!r}, which is not among its "
                    f"losses ({', '.join(self.specs)})"
                )
            self.params[canonical] = check_params(canonical, self.specs[canonical].params,
                                                  dict(p))
        self.reduction = check_reduction("weighted_sum", reduction)
        self.last: dict[str, torch.Tensor] = {}

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        total: torch.Tensor | None = None
        self.last = {}
        for name, spec in self.specs.items():
            term = self.weights[name] * spec.fn(input, target, reduction=self.reduction,
                                                **self.params[name])
            self.last[name] = term.detach()
            total = term if total is None else total + term
        assert total is not None
        return total

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.weights.items())


# ---------------------------------------------------------------------------------------
# uncertainty weighting (Kendall, Gal, Cipolla 2018)
# ---------------------------------------------------------------------------------------

def _uw_args(input: object, target: object) -> tuple[torch.Tensor, torch.Tensor]:
    losses = check_tensor("uncertainty_weighting", "input", input)
    log_var = check_tensor("uncertainty_weighting", "target", target)
    if losses.shape != log_var.shape or losses.dim() != 1:
        raise InputError(
            "`input` (task losses) and `target` (log-variances) of uncertainty_weighting "
            f"must both have shape (T,); got {tuple(losses.shape)} and "
            f"{tuple(log_var.shape)}"
        )
    return losses, log_var


def uncertainty_weighting(input: torch.Tensor, target: torch.Tensor, *,
                          reduction: str = "mean",
                          weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Multi-task loss weighted by learned homoscedastic uncertainty.

    .. math::
        \ell_i = \tfrac12 e^{-s_i} L_i + \tfrac12 s_i,\quad s_i = \log\sigma_i^2

    Kendall et al.'s Gaussian-likelihood form. For fixed ``L_i`` the minimum over ``s_i``
    is at ``s_i = log L_i``; large losses get small weights. Derivative with respect to
    ``L_i``: :math:`\tfrac12 e^{-s_i}` (with respect to ``s_i``:
    :math:`\tfrac12(1 - e^{-s_i} L_i)`). Kendall et al. sum over the tasks
    (``reduction='sum'``, what :class:`UncertaintyWeighting` uses); the default ``'mean'``
    divides that by ``T`` (same minimiser), as every catalog entry defaults to ``'mean'``.

    Args:
        input: the task losses ``L``, shape ``(T,)``.
        target: the log-variances ``s``, shape ``(T,)`` (learnable; see
            :class:`UncertaintyWeighting`).
        reduction: ``'none' | 'mean' | 'sum'``, default ``'mean'``.
        weight: per-task weights ``(T,)``.

    Example:
        >>> import torch
        >>> uncertainty_weighting(torch.tensor([2.0, 1.0]), torch.zeros(2), reduction="sum")
        tensor(1.5000)

    References:
        Kendall, Gal, Cipolla (2018). Multi-task learning using uncertainty to weigh losses
        for scene geometry and semantics. CVPR.
    """
    losses, log_var = _uw_args(input, target)
    check_reduction("uncertainty_weighting", reduction)
    per_task = 0.5 * torch.exp(-log_var) * losses + 0.5 * log_var
    return reduce(per_task, reduction, weight=weight, owner="uncertainty_weighting",
                  mean_by="count")


def uncertainty_weighting_gradient(input: torch.Tensor, target: torch.Tensor, *,
                                   weight: torch.Tensor | None = None) -> torch.Tensor:
    """d(sum)/d(input) = ``exp(-s) / 2`` (times ``weight``)."""
    _, log_var = _uw_args(input, target)
    return _times(0.5 * torch.exp(-log_var), weight)


class UncertaintyWeighting(nn.Module):
    """Owns one learnable log-variance per task and combines the task losses.

    Args:
        n_tasks: number of task losses (>= 1).
        init: initial log-variance, default ``0`` (all tasks weighted 1/2).

    Example:
        >>> import torch
        >>> uw = UncertaintyWeighting(2)
        >>> uw
        UncertaintyWeighting(n_tasks=2)
        >>> uw([torch.tensor(2.0), torch.tensor(1.0)])
        tensor(1.5000, grad_fn=<SumBackward0>)
    """

    def __init__(self, n_tasks: int, *, init: float = 0.0) -> None:
        super().__init__()
        n = check_params("uncertainty_weighting",
                         (Param("n_tasks", 2, int, NONNEGATIVE),
                          Param("init", 0.0, float)),
                         {"n_tasks": n_tasks, "init": init})
        if n["n_tasks"] < 1:
            raise ParameterError(
                f"`n_tasks` of uncertainty_weighting must be an int in [1, inf); got {n_tasks!r}"
            )
        self.n_tasks = n["n_tasks"]
        self.log_var = nn.Parameter(torch.full((self.n_tasks,), n["init"]))

    def forward(self, losses: Sequence[torch.Tensor] | torch.Tensor) -> torch.Tensor:
        stacked = losses if isinstance(losses, torch.Tensor) else torch.stack(list(losses))
        if stacked.shape != (self.n_tasks,):
            raise InputError(
                f"`losses` of uncertainty_weighting must hold {self.n_tasks} scalar losses; "
                f"got shape {tuple(stacked.shape)}"
            )
        return uncertainty_weighting(stacked, self.log_var.to(stacked.dtype), reduction="sum")

    def weights(self) -> torch.Tensor:
        """The current effective weights ``exp(-s) / 2`` (detached)."""
        return 0.5 * torch.exp(-self.log_var.detach())

    def extra_repr(self) -> str:
        return f"n_tasks={self.n_tasks}"


# ---------------------------------------------------------------------------------------
# weight penalties
# ---------------------------------------------------------------------------------------

PENALTY_PARAMS = (Param("lambda_", 0.01, float, NONNEGATIVE, doc="penalty strength"),)

ParamsLike = torch.Tensor | nn.Module | Iterable[torch.Tensor]


def _weights(owner: str, input: object) -> list[torch.Tensor]:
    if isinstance(input, torch.Tensor):
        return [check_tensor(owner, "input", input)]
    if isinstance(input, nn.Module):
        return [p for p in input.parameters() if p.dim() >= 2]
    if isinstance(input, Iterable) and not isinstance(input, (str, bytes)):
        out = list(input)
        for t in out:
            check_tensor(owner, "input", t)
        return out
    raise InputError(
        f"`input` of {owner} must be a tensor, an iterable of tensors or an nn.Module; "
        f"got {type(input).__name__}"
    )


def _penalty(owner: str, input: object, target: object, reduction: str,
             weight: torch.Tensor | None, lambda_: float, power: int) -> torch.Tensor:
    lam = check_params(owner, PENALTY_PARAMS, {"lambda_": lambda_})["lambda_"]
    check_reduction(owner, reduction)
    if target is not None:
        raise InputError(f"`target` of {owner} must be None; got {type(target).__name__}")
    tensors = _weights(owner, input)
    if isinstance(input, torch.Tensor):
        per = lam * (input.abs() if power == 1 else input * input)
        return reduce(per, reduction, weight=weight, owner=owner, mean_by="count")
    if reduction == "none" or weight is not None:
        raise ParameterError(
            f"`reduction` of {owner} must be 'sum' or 'mean' (and `weight` None) when "
            f"`input` is a module or a list of tensors; got reduction={reduction!r}"
        )
    if not tensors:
        return torch.zeros(())
    total = sum((t.abs().sum() if power == 1 else (t * t).sum()) for t in tensors)
    if reduction == "mean":
        total = total / sum(t.numel() for t in tensors)
    return lam * total


def l1_penalty(input: ParamsLike, target: None = None, *, reduction: str = "sum",
               weight: torch.Tensor | None = None, lambda_: float = 0.01) -> torch.Tensor:
    r"""L1 (lasso) weight penalty: :math:`\lambda \sum_i |w_i|`.

    Keras' ``regularizers.l1`` convention (no 1/2). Derivative: :math:`\lambda\,
    \operatorname{sign}(w)` (0 at 0). Drives weights to exactly zero (sparsity).

    Args:
        input: a weight tensor, an iterable of tensors, or an ``nn.Module`` (then its
            parameters with ``dim >= 2``).
        target: unused; must be ``None``.
        reduction: default ``'sum'``; ``'mean'`` divides by the number of weights;
            ``'none'`` (element-wise) only for a single tensor.
        weight: element-wise weights (single tensor only).
        lambda_: ``lambda`` in ``[0, inf)``, default ``0.01`` (Keras' default).

    Example:
        >>> import torch
        >>> l1_penalty(torch.tensor([1.0, -2.0]), lambda_=0.5)
        tensor(1.5000)
    """
    return _penalty("l1_penalty", input, target, reduction, weight, lambda_, 1)


def l1_penalty_gradient(input: torch.Tensor, target: None = None, *,
                        weight: torch.Tensor | None = None,
                        lambda_: float = 0.01) -> torch.Tensor:
    """d(sum)/d(input) = ``lambda * sign(w)`` (times ``weight``)."""
    lam = check_params("l1_penalty", PENALTY_PARAMS, {"lambda_": lambda_})["lambda_"]
    return _times(lam * torch.sign(check_tensor("l1_penalty", "input", input)), weight)


def l2_penalty(input: ParamsLike, target: None = None, *, reduction: str = "sum",
               weight: torch.Tensor | None = None, lambda_: float = 0.01) -> torch.Tensor:
    r"""L2 (ridge) weight penalty: :math:`\lambda \sum_i w_i^2`.

    Keras' ``regularizers.l2`` convention (no 1/2): SGD's ``weight_decay=wd`` corresponds
    to ``lambda_ = wd / 2``. Derivative: :math:`2\lambda w`.

    Args:
        input: a weight tensor, an iterable of tensors, or an ``nn.Module`` (then its
            parameters with ``dim >= 2``).
        target: unused; must be ``None``.
        reduction: default ``'sum'``; ``'mean'`` divides by the number of weights;
            ``'none'`` (element-wise) only for a single tensor.
        weight: element-wise weights (single tensor only).
        lambda_: ``lambda`` in ``[0, inf)``, default ``0.01`` (Keras' default).

    Example:
        >>> import torch
        >>> l2_penalty(torch.tensor([1.0, -2.0]), lambda_=0.5)
        tensor(2.5000)
    """
    return _penalty("l2_penalty", input, target, reduction, weight, lambda_, 2)


def l2_penalty_gradient(input: torch.Tensor, target: None = None, *,
                        weight: torch.Tensor | None = None,
                        lambda_: float = 0.01) -> torch.Tensor:
    """d(sum)/d(input) = ``2 * lambda * w`` (times ``weight``)."""
    lam = check_params("l2_penalty", PENALTY_PARAMS, {"lambda_": lambda_})["lambda_"]
    return _times(2 * lam * check_tensor("l2_penalty", "input", input), weight)


def _l1_penalty_entry(input: ParamsLike, target: None = None, *, reduction: str = "mean",
                      weight: torch.Tensor | None = None,
                      lambda_: float = 0.01) -> torch.Tensor:
    """Catalog form of :func:`l1_penalty`: element-wise ``lambda |w|``, reduced like every
    loss (default ``'mean'``). :func:`l1_penalty` itself defaults to ``'sum'``."""
    return _penalty("l1_penalty", input, target, reduction, weight, lambda_, 1)


def _l2_penalty_entry(input: ParamsLike, target: None = None, *, reduction: str = "mean",
                      weight: torch.Tensor | None = None,
                      lambda_: float = 0.01) -> torch.Tensor:
    """Catalog form of :func:`l2_penalty`: element-wise ``lambda w^2``, reduced like every
    loss (default ``'mean'``). :func:`l2_penalty` itself defaults to ``'sum'``."""
    return _penalty("l2_penalty", input, target, reduction, weight, lambda_, 2)


# ---------------------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------------------

register(LossSpec(
    name="uncertainty_weighting", fn=uncertainty_weighting,
    aliases=("kendall_weighting", "homoscedastic_uncertainty"), family="composite",
    summary="Multi-task weighting by learned log-variances: exp(-s)/2 * L + s/2 per task.",
    summary_zh="按学习到的对数方差加权多任务损失: 每个任务 exp(-s)/2 * L + s/2。",
    formula=r"\sum_i \tfrac12 e^{-s_i} L_i + \tfrac12 s_i",
    gradient=uncertainty_weighting_gradient,
    tasks=("multi_task",), input_kind="losses", target_kind="real",
    reductions=("none", "mean", "sum"), convex=True,
    pros=_bi(("Learns the task weights instead of a grid search",
              "Scale-aware: a task with a large loss gets a small weight"),
             ("学习任务权重, 免去网格搜索", "感知尺度: 损失大的任务权重小")),
    cons=_bi(("Assumes Gaussian-like task noise",
              "The log-variance term can dominate when losses approach zero"),
             ("假设任务噪声近似高斯", "损失接近零时对数方差项可能占主导")),
    year=2018, reference="Kendall, Gal, Cipolla (2018). CVPR.",
))
register(LossSpec(
    name="l1_penalty", fn=_l1_penalty_entry, aliases=("l1_regularization", "lasso_penalty"),
    family="composite",
    summary="L1 weight penalty lambda * sum |w| (sparsity).",
    summary_zh="L1 权重惩罚 lambda * sum |w| (稀疏化)。",
    formula=r"\lambda \sum_i |w_i|",
    gradient=l1_penalty_gradient, params=PENALTY_PARAMS, tasks=("regularization",),
    input_kind="parameters", target_kind="none", convex=True, robust_to_outliers=False,
    keras_name="l1",
    pros=_bi(("Produces exactly sparse weights (feature selection)",),
             ("产生严格稀疏的权重 (特征选择)",)),
    cons=_bi(("Not differentiable at 0; SGD oscillates around zero",),
             ("在 0 处不可导; SGD 会在零附近振荡",)),
    other_defaults={"keras": "regularizers.l1(l1=0.01)"},
    year=1996, reference="Tibshirani (1996). Regression shrinkage and selection via the lasso.",
))
register(LossSpec(
    name="l2_penalty", fn=_l2_penalty_entry, aliases=("l2_regularization", "ridge_penalty"),
    family="composite",
    summary="L2 weight penalty lambda * sum w^2 (weight decay).",
    summary_zh="L2 权重惩罚 lambda * sum w^2 (权重衰减)。",
    formula=r"\lambda \sum_i w_i^2",
    gradient=l2_penalty_gradient, params=PENALTY_PARAMS, tasks=("regularization",),
    input_kind="parameters", target_kind="none", convex=True, keras_name="l2",
    pros=_bi(("Smooth; shrinks all weights towards zero", "Equivalent to weight decay in SGD"),
             ("光滑; 把所有权重向零收缩", "在 SGD 中等价于权重衰减")),
    cons=_bi(("Does not produce sparse weights", "Interacts with adaptive optimisers (use AdamW)"),
             ("不产生稀疏权重", "与自适应优化器相互影响 (应使用 AdamW)")),
    other_defaults={"keras": "regularizers.l2(l2=0.01)",
                    "pytorch": "optimizer weight_decay (gradient wd * w, i.e. lambda = wd / 2)"},
    year=1970, reference="Hoerl, Kennard (1970). Ridge regression. Technometrics.",
))
