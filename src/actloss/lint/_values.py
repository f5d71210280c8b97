"""Judge a tensor by its values: probabilities, log-probabilities, (0, 1), counts...

Every test takes a float64 copy, so float16/bfloat16 outputs are judged with the same
tolerances as float32 ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

__all__ = ["TargetFacts", "ValueFacts", "describe_target", "describe_values"]

_SUM_TOL = 1e-3


@dataclass(frozen=True)
class ValueFacts:
    """What the values of a network output (or a loss input) look like."""

    shape: tuple[int, ...]
    width: int  # size of the class dimension (dim 1, or 1 for a vector)
    lo: float
    hi: float
    finite: bool
    in_unit: bool  # every value in [0, 1]
    in_open_unit: bool  # every value strictly in (0, 1)
    nonnegative: bool
    nonpositive: bool
    rows_sum_to_one: bool  # a probability vector along dim 1
    exp_rows_sum_to_one: bool  # log-probabilities along dim 1

    @property
    def probabilities(self) -> bool:
        return self.width > 1 and self.nonnegative and self.in_unit and self.rows_sum_to_one

    @property
    def log_probabilities(self) -> bool:
        return self.width > 1 and self.nonpositive and self.exp_rows_sum_to_one


def _class_dim(t: torch.Tensor) -> int | None:
    return 1 if t.dim() >= 2 else (0 if t.dim() == 1 else None)


def describe_values(t: torch.Tensor) -> ValueFacts:
    """Measure ``t`` (any float dtype, any device)."""
    x = t.detach().to(torch.float64)
    finite = bool(torch.isfinite(x).all()) if x.numel() else True
    if x.numel() == 0:
        return ValueFacts(tuple(t.shape), 0, 0.0, 0.0, True, False, False, False, False,
                          False, False)
    xf = x[torch.isfinite(x)] if not finite else x
    lo = float(xf.min()) if xf.numel() else math.nan
    hi = float(xf.max()) if xf.numel() else math.nan
    eps = 1e-6
    dim = _class_dim(x)
    width = int(x.shape[dim]) if dim is not None and x.dim() >= 2 else 1
    rows = exp_rows = False
    if dim is not None and x.dim() >= 2 and width > 1 and finite:
        # rounding of each of the K values (float16/bfloat16 outputs) bounds the row error
        tol = max(_SUM_TOL, 2.0 * width * torch.finfo(t.dtype).eps)
        rows = bool(((x.sum(dim) - 1).abs() <= tol).all())
        # logsumexp along the class dim is 0 exactly when exp(x) sums to 1
        exp_rows = bool((torch.logsumexp(x, dim).abs() <= tol).all())
    return ValueFacts(
        shape=tuple(t.shape), width=width, lo=lo, hi=hi, finite=finite,
        in_unit=lo >= -eps and hi <= 1 + eps,
        in_open_unit=lo > 0 and hi < 1,
        nonnegative=lo >= -eps, nonpositive=hi <= eps,
        rows_sum_to_one=rows, exp_rows_sum_to_one=exp_rows,
    )


@dataclass(frozen=True)
class TargetFacts:
    """What a target looks like."""

    shape: tuple[int, ...]
    dtype: str
    integer_dtype: bool
    kind: str  # class_indices, one_hot, multi_hot, binary, soft_labels, real
    lo: float
    hi: float
    n_distinct: int
    integral_values: bool


def describe_target(y: torch.Tensor) -> TargetFacts:
    """Classify a target tensor by dtype, shape and values."""
    integer = not (y.is_floating_point() or y.is_complex()) and y.dtype != torch.bool
    x = y.detach().to(torch.float64)
    if x.numel() == 0:
        return TargetFacts(tuple(y.shape), str(y.dtype), integer, "real", 0.0, 0.0, 0, False)
    lo, hi = float(x.min()), float(x.max())
    distinct = torch.unique(x)
    integral = bool((x == x.round()).all())
    binary = bool(((x == 0) | (x == 1)).all())
    kind = "real"
    if integer or y.dtype == torch.bool:
        kind = "class_indices" if not (y.dtype == torch.bool) else "binary"
        if y.dim() >= 2 and binary and y.shape[-1] > 1:
            kind = "one_hot" if bool((x.sum(-1) == 1).all()) else "multi_hot"
    elif binary:
        if y.dim() >= 2 and y.shape[1] > 1 and bool((x.sum(1) == 1).all()):
            kind = "one_hot"
        elif y.dim() >= 2 and y.shape[1] > 1:
            kind = "multi_hot"
        else:
            kind = "binary"
    elif (y.dim() >= 2 and y.shape[1] > 1 and lo >= 0 and hi <= 1
          and bool(((x.sum(1) - 1).abs() <= _SUM_TOL).all())):
        kind = "soft_labels"
    return TargetFacts(tuple(y.shape), str(y.dtype), integer, kind, lo, hi,
                       int(distinct.numel()), integral)
