"""Regression losses: squared, absolute, robust, quantile, count and density losses.

Each function returns the reduced loss; ``reduction='none'`` gives the per-element
values. ``weight`` rescales each element's loss and broadcasts to the input; with
``'mean'`` the weighted sum is divided by the number of elements (PyTorch's convention
for element-wise weights, Keras's ``sample_weight``). The closed-form gradient of each
loss, d(sum of the unreduced, weighted loss)/d(input), sits beside it.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from actloss import _fast
from actloss._i18n import Bilingual
from actloss._numeric import up
from actloss._reduction import check_reduction, reduce
from actloss._scaled import unit
from actloss._validation import (
    NONNEGATIVE,
    OPEN_UNIT,
    POSITIVE,
    REALS,
    Param,
    check_params,
)
from actloss.errors import InputError, ParameterError
from actloss.losses._checks import check_pair, check_range
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = [
    "AdaptiveRobustLoss",
    "adaptive_robust",
    "charbonnier",
    "cosine_similarity",
    "gaussian_nll",
    "huber",
    "log_cosh",
    "mae",
    "mape",
    "mse",
    "msle",
    "poisson_nll",
    "quantile",
    "smooth_l1",
]

_S0 = "000_5b08fef0015a8918.txt"
_S1 = "001_27ea7541dd684257.txt"
_S4 = "004_34a1e65849ef58fd.txt"


def _finish(owner: str, loss: torch.Tensor, reduction: str, weight: torch.Tensor | None,
            ) -> torch.Tensor:
    return reduce(loss, reduction, weight=weight, owner=owner, mean_by="count")


def _weighted(g: torch.Tensor, weight: torch.Tensor | None) -> torch.Tensor:
    return g if weight is None else g * weight


def _start(owner: str, input: torch.Tensor, target: torch.Tensor, reduction: str,
           ) -> tuple[torch.Tensor, torch.Tensor]:
    check_reduction(owner, reduction)
    return check_pair(owner, input, target)


# ---------------------------------------------------------------------------- mse
def mse(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
        weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Mean squared error.

    :math:`\ell = (x - y)^2`, :math:`\partial\ell/\partial x = 2(x - y)`.
    Convex, smooth; the negative log-likelihood of a Gaussian with fixed variance.

    Args:
        input: predictions. target: real targets of the same shape.
        reduction: ``'none' | 'mean' | 'sum'`` (default ``'mean'``).
        weight: optional element weights broadcasting to ``input``.

    Shape:
        ``input`` and ``target`` of one shape; the output is a scalar, or that shape
        with ``reduction='none'``.

    References:
        Legendre (1805), least squares.

    Example:
        >>> import torch
        >>> from actloss.losses import mse
        >>> mse(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 4.0]))
        tensor(2.5000)
    """
    x, y = _start("mse", input, target, reduction)
    # (x - y)^2 per element; PyTorch's fused op, which also reduces without a
    # per-element temporary when no weight comes in between
    if weight is None:
        return F.mse_loss(x, y, reduction=reduction)
    return _finish("mse", F.mse_loss(x, y, reduction="none"), reduction, weight)


def _mse_grad(input: torch.Tensor, target: torch.Tensor, *,
              weight: torch.Tensor | None = None) -> torch.Tensor:
    return _weighted(2 * (input - target), weight)


# ---------------------------------------------------------------------------- mae
def mae(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
        weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Mean absolute error (L1).

    :math:`\ell = |x - y|`, :math:`\partial\ell/\partial x = \operatorname{sign}(x - y)`
    (0 at the kink). Convex, robust to outliers; estimates the conditional median.

    Args:
        input: predictions. target: real targets of the same shape.
        reduction: ``'none' | 'mean' | 'sum'``. weight: optional element weights.

    References:
        Boscovich (1757); Laplace (1774), least absolute deviations.

    Example:
        >>> import torch
        >>> from actloss.losses import mae
        >>> mae(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 4.0]))
        tensor(1.5000)
    """
    x, y = _start("mae", input, target, reduction)
    # |x - y| per element; PyTorch's fused op
    if weight is None:  # PyTorch's fused op and reduction, as in mse
        return F.l1_loss(x, y, reduction=reduction)
    return _finish("mae", F.l1_loss(x, y, reduction="none"), reduction, weight)


def _mae_grad(input: torch.Tensor, target: torch.Tensor, *,
              weight: torch.Tensor | None = None) -> torch.Tensor:
    return _weighted(torch.sign(input - target), weight)


# ---------------------------------------------------------------------------- huber
HUBER_PARAMS = (Param("delta", 1.0, float, POSITIVE, doc="where the loss turns linear"),)


def huber(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
          weight: torch.Tensor | None = None, delta: float = 1.0) -> torch.Tensor:
    r"""Huber loss: quadratic near zero, linear beyond ``delta``.

    .. math::
        \ell = \begin{cases} \tfrac12 d^2 & |d| \le \delta \\
        \delta(|d| - \tfrac12\delta) & \text{otherwise}\end{cases},\quad d = x - y,
        \qquad \partial\ell/\partial x = \operatorname{clamp}(d, -\delta, \delta).

    Convex, smooth, robust to outliers. Equals PyTorch's ``huber_loss``.

    Args:
        input, target: tensors of one shape. reduction, weight: as for :func:`mse`.
        delta: threshold in ``(0, inf)`` (default 1.0).

    References:
        Huber (1964), Robust Estimation of a Location Parameter.

    Example:
        >>> import torch
        >>> from actloss.losses import huber
        >>> huber(torch.tensor([0.5, 3.0]), torch.zeros(2), reduction="none")
        tensor([0.1250, 2.5000])
    """
    (delta,) = check_params("huber", HUBER_PARAMS, {"delta": delta}).values()
    x, y = _start("huber", input, target, reduction)
    if _fast.route is not None:
        fast = _fast.call("huber", x, y, reduction=reduction, weight=weight, delta=delta)
        if fast is not None:
            return fast
    # the piecewise formula above, per element, by PyTorch's fused op (one pass)
    loss = F.huber_loss(x, y, reduction="none", delta=delta)
    return _finish("huber", loss, reduction, weight)


def _huber_grad(input: torch.Tensor, target: torch.Tensor, *, delta: float = 1.0,
                weight: torch.Tensor | None = None) -> torch.Tensor:
    return _weighted((input - target).clamp(-delta, delta), weight)


# ---------------------------------------------------------------------------- smooth_l1
SMOOTH_L1_PARAMS = (Param("beta", 1.0, float, NONNEGATIVE,
                          doc="width of the quadratic zone; 0 gives L1"),)


def smooth_l1(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
              weight: torch.Tensor | None = None, beta: float = 1.0) -> torch.Tensor:
    r"""Smooth L1 loss (Fast R-CNN): Huber divided by ``beta``.

    .. math::
        \ell = \begin{cases} \tfrac{1}{2\beta} d^2 & |d| < \beta \\
        |d| - \tfrac12\beta & \text{otherwise}\end{cases},\qquad
        \partial\ell/\partial x = \operatorname{clamp}(d/\beta, -1, 1).

    ``beta = 0`` gives L1. Equals PyTorch's ``smooth_l1_loss``.

    Args:
        input, target: tensors of one shape. reduction, weight: as for :func:`mse`.
        beta: in ``[0, inf)`` (default 1.0).

    References:
        Girshick (2015), Fast R-CNN.

    Example:
        >>> import torch
        >>> from actloss.losses import smooth_l1
        >>> smooth_l1(torch.tensor([0.5, 3.0]), torch.zeros(2), reduction="none", beta=2.0)
        tensor([0.0625, 2.0000])
    """
    (beta,) = check_params("smooth_l1", SMOOTH_L1_PARAMS, {"beta": beta}).values()
    x, y = _start("smooth_l1", input, target, reduction)
    if _fast.route is not None:
        fast = _fast.call("smooth_l1", x, y, reduction=reduction, weight=weight, beta=beta)
        if fast is not None:
            return fast
    # the piecewise formula above, per element, by PyTorch's fused op (one pass)
    loss = F.smooth_l1_loss(x, y, reduction="none", beta=beta)
    return _finish("smooth_l1", loss, reduction, weight)


def _smooth_l1_grad(input: torch.Tensor, target: torch.Tensor, *, beta: float = 1.0,
                    weight: torch.Tensor | None = None) -> torch.Tensor:
    d = input - target
    g = torch.sign(d) if beta == 0.0 else (d / beta).clamp(-1.0, 1.0)
    return _weighted(g, weight)


# ---------------------------------------------------------------------------- log_cosh
def log_cosh(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
             weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Log-cosh loss: about :math:`d^2/2` near zero and :math:`|d| - \log 2` far away.

    :math:`\ell = \log\cosh(d)`, :math:`\partial\ell/\partial x = \tanh(d)`. Computed as
    :math:`\operatorname{log1p}(2\sinh^2(d/2))` for :math:`|d| < 1` (no cancellation
    near 0) and :math:`|d| + \operatorname{softplus}(-2|d|) - \log 2` beyond (no overflow).

    Args:
        input, target: tensors of one shape. reduction, weight: as for :func:`mse`.

    Performance:
        The reference path runs by default: the same result at every size and on
        every run, twice differentiable. With the opt-in fast paths enabled (see
        the *Fast paths* page of the documentation) a fast implementation may run
        instead, within its stated error bound.

    References:
        Keras LogCosh; Chen et al. (2019), Log Hyperbolic Cosine Loss.

    Example:
        >>> import torch
        >>> from actloss.losses import log_cosh
        >>> log_cosh(torch.tensor([0.0, 1.0, 100.0]), torch.zeros(3), reduction="none")
        tensor([ 0.0000,  0.4338, 99.3069])
    """
    x, y = _start("log_cosh", input, target, reduction)
    if _fast.route is not None:
        fast = _fast.call("log_cosh", x, y, reduction=reduction, weight=weight)
        if fast is not None:
            return fast
    return _finish("log_cosh", _log_cosh(x - y), reduction, weight)


def _log_cosh(d: torch.Tensor) -> torch.Tensor:
    a = d.abs()
    # far: log cosh d = log((e^a + e^-a) / 2) = a + log(1 + e^{-2a}) - log 2, with a = |d|
    far = a + F.softplus(-2.0 * a) - math.log(2.0)
    # near: cosh d = 1 + 2 sinh^2(d/2), so log cosh d = log1p(2 sinh^2(d/2))
    near = torch.log1p(2.0 * torch.sinh(0.5 * a.clamp_max(1.0)).square())
    return torch.where(a < 1.0, near, far)


def _log_cosh_grad(input: torch.Tensor, target: torch.Tensor, *,
                   weight: torch.Tensor | None = None) -> torch.Tensor:
    return _weighted(torch.tanh(input - target), weight)


# ---------------------------------------------------------------------------- quantile
QUANTILE_PARAMS = (Param("q", 0.5, float, OPEN_UNIT, doc="the quantile to estimate"),)


def quantile(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
             weight: torch.Tensor | None = None, q: float = 0.5) -> torch.Tensor:
    r"""Quantile (pinball) loss: its minimiser is the ``q``-quantile of the target.

    .. math::
        \ell = \max\big(q\,u,\ (q - 1)\,u\big),\ u = y - x,\qquad
        \partial\ell/\partial x = \begin{cases} -q & u > 0 \\ 1 - q & u < 0\end{cases}.

    Convex, robust; ``q = 0.5`` is half the absolute error.

    Args:
        input, target: tensors of one shape. reduction, weight: as for :func:`mse`.
        q: quantile in ``(0, 1)`` (default 0.5).

    References:
        Koenker & Bassett (1978), Regression Quantiles.

    Example:
        >>> import torch
        >>> from actloss.losses import quantile
        >>> quantile(torch.tensor([0.0, 0.0]), torch.tensor([1.0, -1.0]), q=0.9,
        ...          reduction="none")
        tensor([0.9000, 0.1000])
    """
    (q,) = check_params("quantile", QUANTILE_PARAMS, {"q": q}).values()
    x, y = _start("quantile", input, target, reduction)
    u = y - x
    return _finish("quantile", torch.maximum(q * u, (q - 1.0) * u), reduction, weight)


def _quantile_grad(input: torch.Tensor, target: torch.Tensor, *, q: float = 0.5,
                   weight: torch.Tensor | None = None) -> torch.Tensor:
    u = target - input
    g = torch.where(u > 0, -q, torch.where(u < 0, 1.0 - q, 0.5 - q)).to(input.dtype)
    return _weighted(g, weight)


# ---------------------------------------------------------------------------- msle
def msle(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
         weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Mean squared logarithmic error.

    :math:`\ell = (\log(1 + x) - \log(1 + y))^2`,
    :math:`\partial\ell/\partial x = 2(\log(1+x) - \log(1+y)) / (1 + x)`.
    Penalises relative rather than absolute error; both tensors must be greater than -1
    (``log1p`` is used throughout).

    Args:
        input, target: tensors of one shape, values in ``(-1, inf)``.
        reduction, weight: as for :func:`mse`.

    References:
        Keras MeanSquaredLogarithmicError.

    Example:
        >>> import torch
        >>> from actloss.losses import msle
        >>> msle(torch.tensor([math.e - 1.0]), torch.tensor([0.0]))
        tensor(1.)
    """
    x, y = _start("msle", input, target, reduction)
    check_range("msle", "input", x, -1.0, math.inf, low_closed=False)
    check_range("msle", "target", y, -1.0, math.inf, low_closed=False)
    return _finish("msle", (torch.log1p(x) - torch.log1p(y)).square(), reduction, weight)


def _msle_grad(input: torch.Tensor, target: torch.Tensor, *,
               weight: torch.Tensor | None = None) -> torch.Tensor:
    return _weighted(2 * (torch.log1p(input) - torch.log1p(target)) / (1 + input), weight)


# ---------------------------------------------------------------------------- mape
MAPE_PARAMS = (Param("eps", 1e-7, float, POSITIVE, doc="floor of |target| (Keras's epsilon)"),)


def mape(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
         weight: torch.Tensor | None = None, eps: float = 1e-7) -> torch.Tensor:
    r"""Mean absolute percentage error, in percent (Keras's definition).

    :math:`\ell = 100\,|x - y| / \max(|y|, \epsilon)`,
    :math:`\partial\ell/\partial x = 100\operatorname{sign}(x - y)/\max(|y|, \epsilon)`.

    Args:
        input, target: tensors of one shape. reduction, weight: as for :func:`mse`.
        eps: floor of ``|target|`` in ``(0, inf)`` (default 1e-7).

    References:
        Keras MeanAbsolutePercentageError.

    Example:
        >>> import torch
        >>> from actloss.losses import mape
        >>> mape(torch.tensor([110.0, 45.0]), torch.tensor([100.0, 50.0]))
        tensor(10.)
    """
    (eps,) = check_params("mape", MAPE_PARAMS, {"eps": eps}).values()
    x, y = _start("mape", input, target, reduction)
    loss = 100.0 * (x - y).abs() / y.abs().clamp_min(eps)
    return _finish("mape", loss, reduction, weight)


def _mape_grad(input: torch.Tensor, target: torch.Tensor, *, eps: float = 1e-7,
               weight: torch.Tensor | None = None) -> torch.Tensor:
    return _weighted(100.0 * torch.sign(input - target) / target.abs().clamp_min(eps), weight)


# ---------------------------------------------------------------------------- poisson_nll
POISSON_PARAMS = (
    Param("log_input", True, bool, doc="input is the log-rate (else the rate)"),
    Param("full", False, bool, doc="add the Stirling term of log(y!)"),
    Param("eps", 1e-8, float, POSITIVE, doc="added to the rate before its log"),
)


def poisson_nll(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                weight: torch.Tensor | None = None, log_input: bool = True, full: bool = False,
                eps: float = 1e-8) -> torch.Tensor:
    r"""Poisson negative log-likelihood (PyTorch's ``poisson_nll_loss``).

    With ``log_input`` the input is :math:`s = \log\lambda`:
    :math:`\ell = e^{s} - y s`, :math:`\partial\ell/\partial s = e^s - y`; otherwise
    :math:`\ell = \lambda - y\log(\lambda + \epsilon)`,
    :math:`\partial\ell/\partial\lambda = 1 - y/(\lambda + \epsilon)`. ``full`` adds
    Stirling's :math:`y\log y - y + \tfrac12\log(2\pi y)` where :math:`y > 1`.

    Args:
        input: log-rates (or rates, ``>= 0``, when ``log_input=False``).
        target: counts ``>= 0`` of the same shape. reduction, weight: as for :func:`mse`.
        log_input: default True. full: default False. eps: in ``(0, inf)``.

    References:
        Nelder & Wedderburn (1972), Generalized Linear Models.

    Example:
        >>> import torch
        >>> from actloss.losses import poisson_nll
        >>> poisson_nll(torch.tensor([0.0]), torch.tensor([2.0]))
        tensor(1.)
    """
    p = check_params("poisson_nll", POISSON_PARAMS,
                     {"log_input": log_input, "full": full, "eps": eps})
    x, y = _start("poisson_nll", input, target, reduction)
    check_range("poisson_nll", "target", y, 0.0, math.inf, what="counts")
    if p["log_input"]:
        loss = torch.exp(x) - y * x
    else:
        check_range("poisson_nll", "input", x, 0.0, math.inf, what="rates")
        loss = x - y * torch.log(x + p["eps"])
    if p["full"]:
        # Stirling: log(y!) ~ y log y - y + 0.5 log(2 pi y), used where y > 1
        stirling = torch.xlogy(y, y) - y + 0.5 * torch.log(2 * math.pi * y.clamp_min(1.0))
        loss = loss + torch.where(y > 1, stirling, torch.zeros_like(stirling))
    return _finish("poisson_nll", loss, reduction, weight)


def _poisson_nll_grad(input: torch.Tensor, target: torch.Tensor, *, log_input: bool = True,
                      full: bool = False, eps: float = 1e-8,
                      weight: torch.Tensor | None = None) -> torch.Tensor:
    g = torch.exp(input) - target if log_input else 1.0 - target / (input + eps)
    return _weighted(g, weight)


# ---------------------------------------------------------------------------- gaussian_nll
GAUSSIAN_PARAMS = (
    Param("var", 1.0, float, NONNEGATIVE, doc="variance: a float or a tensor"),
    Param("full", False, bool, doc="add 0.5 log(2 pi)"),
    Param("eps", 1e-6, float, POSITIVE, doc="floor of the variance"),
)


def _check_var(var: float | torch.Tensor, x: torch.Tensor) -> torch.Tensor | float:
    if isinstance(var, torch.Tensor):
        if not var.is_floating_point():
            raise ParameterError(
                f"`var` of gaussian_nll must be a floating tensor; got dtype {var.dtype}"
            )
        try:
            torch.broadcast_shapes(var.shape, x.shape)
        except RuntimeError as exc:
            raise InputError(
                f"`var` of gaussian_nll of shape {tuple(var.shape)} does not broadcast to the "
                f"input of shape {tuple(x.shape)}"
            ) from exc
        check_range("gaussian_nll", "var", var, 0.0, math.inf, what="variances")
        return var
    return check_params("gaussian_nll", GAUSSIAN_PARAMS[:1], {"var": var})["var"]


def gaussian_nll(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                 weight: torch.Tensor | None = None, var: float | torch.Tensor = 1.0,
                 full: bool = False, eps: float = 1e-6) -> torch.Tensor:
    r"""Gaussian negative log-likelihood with a given (possibly per-element) variance.

    :math:`\ell = \tfrac12\big(\log v + (x - y)^2 / v\big)` with
    :math:`v = \max(\mathrm{var}, \epsilon)` (plus :math:`\tfrac12\log 2\pi` when
    ``full``); :math:`\partial\ell/\partial x = (x - y)/v`. Matches PyTorch's
    ``gaussian_nll_loss`` (where ``var`` comes before ``reduction``) when ``var`` has
    the input's shape.

    Args:
        input, target: tensors of one shape. reduction, weight: as for :func:`mse`.
        var: variance ``>= 0``: a float or a tensor broadcasting to ``input``.
        full: default False. eps: floor of the variance (default 1e-6).

    References:
        Nix & Weigend (1994), Estimating the mean and variance of the target.

    Example:
        >>> import torch
        >>> from actloss.losses import gaussian_nll
        >>> gaussian_nll(torch.tensor([2.0]), torch.tensor([0.0]), var=4.0)
        tensor(1.1931)
    """
    p = check_params("gaussian_nll", GAUSSIAN_PARAMS[1:], {"full": full, "eps": eps})
    x, y = _start("gaussian_nll", input, target, reduction)
    v = _check_var(var, x)
    v = v.clamp_min(p["eps"]) if isinstance(v, torch.Tensor) else torch.tensor(
        max(v, p["eps"]), dtype=x.dtype, device=x.device)
    loss = 0.5 * (torch.log(v) + (x - y).square() / v)
    if p["full"]:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _finish("gaussian_nll", loss, reduction, weight)


def _gaussian_nll_grad(input: torch.Tensor, target: torch.Tensor, *,
                       var: float | torch.Tensor = 1.0, full: bool = False, eps: float = 1e-6,
                       weight: torch.Tensor | None = None) -> torch.Tensor:
    v = var.clamp_min(eps) if isinstance(var, torch.Tensor) else max(var, eps)
    return _weighted((input - target) / v, weight)


# ---------------------------------------------------------------------------- cosine
COSINE_PARAMS = (
    Param("dim", -1, int, REALS, doc="dimension holding the vectors"),
    Param("eps", 1e-8, float, POSITIVE, doc="floor of each norm"),
)


def cosine_similarity(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                      weight: torch.Tensor | None = None, dim: int = -1,
                      eps: float = 1e-8) -> torch.Tensor:
    r"""Cosine loss: one minus the cosine similarity of the vectors along ``dim``.

    :math:`\ell = 1 - \frac{x\cdot y}{\|x\|\,\|y\|}`,
    :math:`\partial\ell/\partial x = -\frac{y}{\|x\|\|y\|} + \cos\theta\,\frac{x}{\|x\|^2}`.
    In ``[0, 2]``; scale-invariant in the input. Norms are floored at ``eps`` as in
    ``torch.nn.functional.cosine_similarity``.

    Args:
        input, target: tensors of one shape. reduction: over the remaining dimensions.
        weight: optional weights broadcasting to the per-vector loss.
        dim: vector dimension (default -1). eps: norm floor (default 1e-8).

    Shape:
        ``(*, D)`` for ``dim=-1``; ``reduction='none'`` gives ``(*)``.

    References:
        Salton (1975), vector space model.

    Example:
        >>> import torch
        >>> from actloss.losses import cosine_similarity
        >>> cosine_similarity(torch.tensor([[1.0, 0.0], [0.0, 1.0]]),
        ...                   torch.tensor([[0.0, 1.0], [0.0, 2.0]]), reduction="none")
        tensor([1., 0.])
    """
    p = check_params("cosine_similarity", COSINE_PARAMS, {"dim": dim, "eps": eps})
    x, y = _start("cosine_similarity", input, target, reduction)
    if x.dim() == 0 or not -x.dim() <= p["dim"] < x.dim():
        raise ParameterError(
            f"`dim` of cosine_similarity must be a dimension of the input (it has {x.dim()}); "
            f"got {p['dim']}"
        )
    # as F.cosine_similarity (each vector over max(norm, eps), then the dot product), with
    # norms taken on power-of-two scaled rows so that no square overflows
    xu, yu = up(x), up(y)
    xh, _ = unit(xu, dim=p["dim"], eps=p["eps"])
    yh, _ = unit(yu, dim=p["dim"], eps=p["eps"])
    loss = (1.0 - (xh * yh).sum(dim=p["dim"])).to(x.dtype)
    return _finish("cosine_similarity", loss, reduction, weight)


def _cosine_grad(input: torch.Tensor, target: torch.Tensor, *, dim: int = -1, eps: float = 1e-8,
                 weight: torch.Tensor | None = None) -> torch.Tensor:
    # -y/(|x||y|) + cos x/|x|^2 = (cos x_hat - y_hat)/|x|, on unit vectors: no overflow
    xh, nx = unit(input, dim=dim, eps=eps)
    yh, _ = unit(target, dim=dim, eps=eps)
    cos = (xh * yh).sum(dim=dim, keepdim=True)
    g = (cos * xh - yh) / nx
    if weight is not None:
        g = g * weight.unsqueeze(dim)
    return g


# ---------------------------------------------------------------------------- charbonnier
CHARBONNIER_PARAMS = (Param("eps", 1e-3, float, POSITIVE, doc="smoothing at zero"),)


def charbonnier(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                weight: torch.Tensor | None = None, eps: float = 1e-3) -> torch.Tensor:
    r"""Charbonnier loss, a differentiable L1: :math:`\ell = \sqrt{d^2 + \epsilon^2}`.

    :math:`\partial\ell/\partial x = d / \sqrt{d^2 + \epsilon^2}`. Convex, robust; the
    adaptive robust loss at ``alpha = 1`` up to scale and shift.

    Args:
        input, target: tensors of one shape. reduction, weight: as for :func:`mse`.
        eps: in ``(0, inf)`` (default 1e-3).

    References:
        Charbonnier et al. (1994); Lai et al. (2017), LapSRN.

    Example:
        >>> import torch
        >>> from actloss.losses import charbonnier
        >>> charbonnier(torch.tensor([3.0]), torch.tensor([0.0]), eps=4.0)
        tensor(5.)
    """
    (eps,) = check_params("charbonnier", CHARBONNIER_PARAMS, {"eps": eps}).values()
    x, y = _start("charbonnier", input, target, reduction)
    # sqrt(d^2 + eps^2) = hypot(d, eps), which does not overflow d^2
    return _finish("charbonnier", torch.hypot(x - y, torch.tensor(eps, dtype=x.dtype,
                                                                  device=x.device)),
                   reduction, weight)


def _charbonnier_grad(input: torch.Tensor, target: torch.Tensor, *, eps: float = 1e-3,
                      weight: torch.Tensor | None = None) -> torch.Tensor:
    d = input - target
    return _weighted(d / torch.hypot(d, torch.tensor(eps, dtype=d.dtype, device=d.device)),
                     weight)


# ---------------------------------------------------------------------------- adaptive robust
ADAPTIVE_PARAMS = (
    Param("alpha", 1.0, float, REALS, learnable=True, doc="shape: 2 L2, 1 pseudo-Huber, "
          "0 Cauchy, -2 Geman-McClure"),
    Param("scale", 1.0, float, POSITIVE, learnable=True, doc="width of the quadratic bowl"),
)


_BIG = 1.0  # beyond |u| = 1, log(1 + u^2/b) is taken as softplus(2 log|u| - log b)


def _log1p_sq(u: torch.Tensor, b: float | torch.Tensor) -> torch.Tensor:
    """log(1 + u^2 / b) without overflowing u^2 at float32 extremes."""
    a = u.abs()
    small = torch.log1p(a.clamp_max(_BIG).square() / b)
    # log(1 + e^t) = softplus(t) with t = log(u^2 / b) = 2 log|u| - log b
    log_b = math.log(b) if not isinstance(b, torch.Tensor) else torch.log(b)
    large = F.softplus(2.0 * torch.log(a.clamp_min(_BIG)) - log_b)
    return torch.where(a > _BIG, large, small)


def _rho(d: torch.Tensor, alpha: float | torch.Tensor, scale: float | torch.Tensor,
         ) -> torch.Tensor:
    """Barron's rho with the removable singularities at alpha = 0 and 2 handled."""
    u = d / scale
    if not isinstance(alpha, torch.Tensor):
        if alpha == 2.0:
            return 0.5 * u.square()
        if alpha == 0.0:
            return _log1p_sq(u, 2.0)  # Cauchy / Lorentzian: log(1 + u^2 / 2)
        b = abs(alpha - 2.0)
        # (|a-2|/a) ((u^2/|a-2| + 1)^{a/2} - 1) = (b/a) expm1((a/2) log1p(u^2/b))
        return (b / alpha) * torch.expm1(0.5 * alpha * _log1p_sq(u, b))
    a = alpha.to(d.dtype)
    at2, at0 = a == 2.0, a == 0.0
    safe = torch.where(at2 | at0, torch.ones_like(a), a)  # keeps the unused branch finite
    b = (safe - 2.0).abs()
    general = (b / safe) * torch.expm1(0.5 * safe * _log1p_sq(u, b))
    return torch.where(at2, 0.5 * u.square(), torch.where(at0, _log1p_sq(u, 2.0), general))


def adaptive_robust(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                    weight: torch.Tensor | None = None, alpha: float = 1.0,
                    scale: float = 1.0) -> torch.Tensor:
    r"""Barron's general and adaptive robust loss :math:`\rho(d, \alpha, c)`.

    .. math::
        \rho = \frac{|\alpha - 2|}{\alpha}\left(\left(\frac{(d/c)^2}{|\alpha - 2|} + 1
        \right)^{\alpha/2} - 1\right),\qquad
        \frac{\partial\rho}{\partial x} = \frac{d}{c^2}\left(\frac{(d/c)^2}{|\alpha-2|}
        + 1\right)^{\alpha/2 - 1}.

    Special shapes: ``alpha=2`` gives :math:`\tfrac12(d/c)^2`; ``1`` pseudo-Huber
    :math:`\sqrt{(d/c)^2 + 1} - 1`; ``0`` Cauchy :math:`\log(\tfrac12(d/c)^2 + 1)`;
    ``-2`` Geman-McClure :math:`2(d/c)^2/((d/c)^2 + 4)`. The limits at 0 and 2 are
    taken exactly; elsewhere the form ``(b/a) expm1((a/2) log1p(z/b))`` stays accurate.
    ``get('adaptive_robust', learnable=True)`` returns :class:`AdaptiveRobustLoss`,
    which learns ``alpha`` and ``scale`` by minimising the negative log-likelihood.

    Args:
        input, target: tensors of one shape. reduction, weight: as for :func:`mse`.
        alpha: shape, any real (default 1). scale: ``c`` in ``(0, inf)`` (default 1).

    References:
        Barron (2019), A General and Adaptive Robust Loss Function.

    Example:
        >>> import torch
        >>> from actloss.losses import adaptive_robust
        >>> d = torch.tensor([0.0, 2.0])
        >>> adaptive_robust(d, torch.zeros(2), alpha=2.0, reduction="none")
        tensor([0., 2.])
        >>> adaptive_robust(d, torch.zeros(2), alpha=-2.0, reduction="none")
        tensor([0., 1.])
    """
    p = check_params("adaptive_robust", ADAPTIVE_PARAMS, {"alpha": alpha, "scale": scale})
    x, y = _start("adaptive_robust", input, target, reduction)
    loss = _rho(x - y, p["alpha"], p["scale"])
    return _finish("adaptive_robust", loss, reduction, weight)


def _adaptive_grad(input: torch.Tensor, target: torch.Tensor, *, alpha: float = 1.0,
                   scale: float = 1.0, weight: torch.Tensor | None = None) -> torch.Tensor:
    d = input - target
    if alpha == 2.0:
        return _weighted(d / (scale * scale), weight)
    b = abs(alpha - 2.0)
    # (d/c^2) (u^2/b + 1)^{a/2 - 1} = sign(d) exp(log|d| - 2 log c + (a/2 - 1) log1p(u^2/b)),
    # u = d / c; in logs so that the product does not underflow for huge residuals
    log_g = torch.log(d.abs()) - 2.0 * math.log(scale) + (0.5 * alpha - 1.0) * _log1p_sq(
        d / scale, b)
    return _weighted(torch.sign(d) * torch.exp(log_g), weight)


def _gauss_legendre(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    import numpy as np

    nodes, weights = np.polynomial.legendre.leggauss(n)
    return torch.from_numpy(nodes), torch.from_numpy(weights)


_GL_NODES, _GL_WEIGHTS = _gauss_legendre(400)


def log_partition(alpha: torch.Tensor) -> torch.Tensor:
    r""":math:`\log Z(\alpha) = \log\int_{-\infty}^{\infty} e^{-\rho(t, \alpha, 1)}\,dt`.

    Computed in float64 by Gauss-Legendre quadrature after :math:`t = \tan\theta`
    (the integrand :math:`e^{-\rho(\tan\theta)}\sec^2\theta` is bounded on
    :math:`(-\pi/2, \pi/2)` for :math:`\alpha \ge 0`), so it is differentiable in
    ``alpha``. Finite for :math:`\alpha \ge 0`; ``alpha = 2`` gives
    :math:`\log\sqrt{2\pi}`, ``alpha = 0`` gives :math:`\log(\pi\sqrt2)`.

    Example:
        >>> import torch
        >>> from actloss.losses._regression import log_partition
        >>> float(log_partition(torch.tensor(2.0, dtype=torch.float64)))  # log sqrt(2 pi)
        0.9189385332046...
    """
    a = alpha.to(torch.float64).reshape(-1, 1)
    nodes = _GL_NODES.to(a.device)
    weights = _GL_WEIGHTS.to(a.device)
    theta = nodes * (math.pi / 2)  # map [-1, 1] to (-pi/2, pi/2)
    t = torch.tan(theta)
    log_sec2 = -2.0 * torch.log(torch.cos(theta))
    log_f = -_rho(t.expand(a.shape[0], -1), a, 1.0) + log_sec2  # (n_alpha, nodes)
    out = torch.logsumexp(log_f + torch.log(weights * (math.pi / 2)), dim=-1)
    return out.reshape(alpha.shape)


class AdaptiveRobustLoss(nn.Module):
    r"""Barron's adaptive loss: learns the robustness ``alpha`` and the ``scale``.

    The loss is the negative log-likelihood of the distribution
    :math:`p(d) = e^{-\rho(d, \alpha, c)} / (c\,Z(\alpha))`:

    .. math::
        \ell = \rho(d, \alpha, c) + \log c + \log Z(\alpha),

    without which minimising over ``alpha`` would just pick the least robust shape.
    ``alpha = lo + (hi - lo) sigmoid(a_latent)`` stays in ``(alpha_lo, alpha_hi)`` and
    ``scale = scale_lo + softplus(s_latent)`` stays positive. With ``num_dims`` each of
    the last dimension's ``num_dims`` channels gets its own ``alpha`` and ``scale``.

    Args:
        alpha_lo, alpha_hi: range of ``alpha`` (default ``(0.001, 1.999)``; ``alpha_lo``
            must be ``>= 0`` for ``Z`` to be finite).
        alpha_init: initial ``alpha`` (default: the middle of the range).
        scale_lo: lower bound of the scale (default 1e-5). scale_init: default 1.0.
        num_dims: per-channel parameters for inputs of shape ``(*, num_dims)``.
        reduction: ``'none' | 'mean' | 'sum'``.

    Example:
        >>> import torch
        >>> from actloss.losses import get
        >>> loss = get("adaptive_robust", learnable=True, alpha_init=1.0)
        >>> round(float(loss.alpha().detach()), 4), round(float(loss.scale().detach()), 4)
        (1.0, 1.0)
        >>> sorted(n for n, _ in loss.named_parameters())
        ['alpha_latent', 'scale_latent']
    """

    def __init__(self, *, alpha_lo: float = 0.001, alpha_hi: float = 1.999,
                 alpha_init: float | None = None, scale_lo: float = 1e-5,
                 scale_init: float = 1.0, num_dims: int | None = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        owner = "adaptive_robust"
        if not (isinstance(alpha_lo, (int, float)) and 0.0 <= alpha_lo < alpha_hi):
            raise ParameterError(
                f"`alpha_lo` of {owner} must be a float in [0, alpha_hi); got {alpha_lo!r}"
            )
        if alpha_init is None:
            alpha_init = 0.5 * (alpha_lo + alpha_hi)
        if not alpha_lo < alpha_init < alpha_hi:
            raise ParameterError(
                f"`alpha_init` of {owner} must be a float in ({alpha_lo}, {alpha_hi}); "
                f"got {alpha_init!r}"
            )
        if not (isinstance(scale_lo, (int, float)) and scale_lo >= 0):
            raise ParameterError(f"`scale_lo` of {owner} must be a float in [0, inf); "
                                 f"got {scale_lo!r}")
        if not (isinstance(scale_init, (int, float)) and scale_init > scale_lo):
            raise ParameterError(
                f"`scale_init` of {owner} must be a float in ({scale_lo}, inf); "
                f"got {scale_init!r}"
            )
        if num_dims is not None and (not isinstance(num_dims, int) or num_dims < 1):
            raise ParameterError(f"`num_dims` of {owner} must be an int in [1, inf); "
                                 f"got {num_dims!r}")
        self.reduction = check_reduction(owner, reduction)
        self.alpha_lo, self.alpha_hi = float(alpha_lo), float(alpha_hi)
        self.scale_lo = float(scale_lo)
        shape = () if num_dims is None else (num_dims,)
        u = (alpha_init - alpha_lo) / (alpha_hi - alpha_lo)
        a0 = math.log(u / (1.0 - u))  # logit, the inverse of the sigmoid
        s = scale_init - scale_lo
        s0 = s + math.log(-math.expm1(-s))  # inverse softplus: log(e^s - 1)
        self.alpha_latent = nn.Parameter(torch.full(shape, a0))
        self.scale_latent = nn.Parameter(torch.full(shape, s0))

    def alpha(self) -> torch.Tensor:
        """The current shape parameter, in ``(alpha_lo, alpha_hi)``."""
        return self.alpha_lo + (self.alpha_hi - self.alpha_lo) * torch.sigmoid(self.alpha_latent)

    def scale(self) -> torch.Tensor:
        """The current scale, above ``scale_lo``."""
        return self.scale_lo + F.softplus(self.scale_latent)

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        x, y = check_pair("adaptive_robust", input, target)
        alpha, scale = self.alpha(), self.scale()
        rho = _rho(x - y, alpha.to(x.dtype), scale.to(x.dtype))
        nll = rho + torch.log(scale).to(x.dtype) + log_partition(alpha).to(x.dtype)
        return reduce(nll, self.reduction, owner="adaptive_robust")

    def extra_repr(self) -> str:
        return (f"alpha_range=({self.alpha_lo}, {self.alpha_hi}), scale_lo={self.scale_lo}, "
                f"reduction={self.reduction!r}")


def _adaptive_module(*, learnable: bool = False, reduction: str = "mean",
                     weight: torch.Tensor | None = None, **params: object) -> nn.Module:
    if learnable:
        if weight is not None:
            raise ParameterError("`weight` of adaptive_robust is not supported with "
                                 "learnable=True; got a tensor")
        return AdaptiveRobustLoss(reduction=reduction, **params)  # type: ignore[arg-type]
    from actloss.losses._registry import REGISTRY, Loss

    return Loss(REGISTRY.spec("adaptive_robust"), reduction=reduction, weight=weight, **params)


# ---------------------------------------------------------------------------- registry
_REG = "regression"
_T = "torch.nn.functional."

register(LossSpec(
    name="mse", fn=mse, gradient=_mse_grad, aliases=("l2", "mse_loss"), family=_REG,
    summary="Squared error; the Gaussian negative log-likelihood with fixed variance.",
    summary_zh="平方误差;方差固定时的高斯负对数似然。",
    formula=r"\ell = (x - y)^2",
    tasks=("regression",), input_kind="real", target_kind="real", pairs_with="identity",
    convex=True, proper_scoring_rule=True, keras_name="MeanSquaredError",
    torch_equivalent=_T + "mse_loss",
    pros=Bilingual(("Smooth and convex; the gradient shrinks near the optimum.",
                    "Estimates the conditional mean."),
                   ("光滑且凸;接近最优点时梯度随之变小。", "估计条件均值。")),
    cons=Bilingual(("Outliers dominate: the penalty grows quadratically.",
                    "Gradients vanish with saturating outputs (sigmoid) in classification."),
                   ("离群点主导损失:惩罚按平方增长。", "分类中配合饱和输出(sigmoid)时梯度消失。")),
    other_defaults={"keras": "mean_squared_error"}, year=1805,
    reference="Legendre (1805), least squares", in_sources=(_S0, _S1, _S4),
))

register(LossSpec(
    name="mae", fn=mae, gradient=_mae_grad, aliases=("l1", "l1_loss"), family=_REG,
    summary="Absolute error; robust to outliers, estimates the median.",
    summary_zh="绝对误差;对离群点稳健,估计中位数。",
    formula=r"\ell = |x - y|", tasks=("regression",), input_kind="real", target_kind="real",
    pairs_with="identity", robust_to_outliers=True, convex=True, keras_name="MeanAbsoluteError",
    torch_equivalent=_T + "l1_loss",
    pros=Bilingual(("Robust: each outlier adds only linearly.",
                    "Estimates the conditional median."),
                   ("稳健:每个离群点只线性地增加损失。", "估计条件中位数。")),
    cons=Bilingual(("Constant gradient magnitude: no slowing down near the optimum.",
                    "Not differentiable at zero."),
                   ("梯度大小恒定:接近最优点时不会减速。", "在零点不可导。")),
    year=1757, reference="Boscovich (1757); Laplace (1774), least absolute deviations",
))

register(LossSpec(
    name="huber", fn=huber, gradient=_huber_grad, params=HUBER_PARAMS,
    aliases=("huber_loss",), family=_REG,
    summary="Quadratic for small errors, linear for large ones.",
    summary_zh="小误差时为二次,大误差时为线性。",
    formula=r"\ell = \begin{cases}\tfrac12 d^2 & |d|\le\delta\\ \delta(|d|-\tfrac12\delta)"
            r" & \text{otherwise}\end{cases}",
    tasks=("regression", "regression_with_outliers"), input_kind="real", target_kind="real",
    pairs_with="identity", robust_to_outliers=True, convex=True, keras_name="Huber",
    torch_equivalent=_T + "huber_loss",
    pros=Bilingual(("Robust to outliers yet smooth at zero.", "Gradient bounded by delta."),
                   ("对离群点稳健,同时在零点光滑。", "梯度的大小不超过 delta。")),
    cons=Bilingual(("delta must be tuned to the noise scale.",),
                   ("delta 需要按噪声尺度调节。",)),
    year=1964, reference="Huber (1964), Robust Estimation of a Location Parameter",
    in_sources=(_S0,),
))

register(LossSpec(
    name="smooth_l1", fn=smooth_l1, gradient=_smooth_l1_grad, params=SMOOTH_L1_PARAMS,
    aliases=("smooth_l1_loss",), family=_REG,
    summary="Huber divided by beta: gradient bounded by 1; used for box regression.",
    summary_zh="Huber 除以 beta:梯度不超过 1;用于边框回归。",
    formula=r"\ell = \begin{cases}\tfrac{d^2}{2\beta} & |d|<\beta\\ |d|-\tfrac{\beta}{2}"
            r" & \text{otherwise}\end{cases}",
    tasks=("regression", "detection"), input_kind="real", target_kind="real",
    pairs_with="identity", robust_to_outliers=True, convex=True,
    torch_equivalent=_T + "smooth_l1_loss",
    pros=Bilingual(("Bounded gradient, stable for bounding-box regression.",),
                   ("梯度有界,边框回归稳定。",)),
    cons=Bilingual(("Scale of the loss changes with beta.",), ("损失的尺度随 beta 变化。",)),
    year=2015, reference="Girshick (2015), Fast R-CNN",
))

register(LossSpec(
    name="log_cosh", fn=log_cosh, gradient=_log_cosh_grad, aliases=("logcosh",), family=_REG,
    summary="Smooth Huber-like loss: log of the hyperbolic cosine of the error.",
    summary_zh="类似 Huber 的光滑损失:误差的双曲余弦的对数。",
    formula=r"\ell = \log\cosh(x - y)", tasks=("regression", "regression_with_outliers"),
    input_kind="real", target_kind="real", pairs_with="identity", robust_to_outliers=True,
    convex=True, keras_name="LogCosh",
    pros=Bilingual(("Twice differentiable everywhere; no threshold to tune.",),
                   ("处处二阶可导;无需调节阈值。",)),
    cons=Bilingual(("Gradient saturates at 1 like L1: slow on large errors.",),
                   ("梯度像 L1 一样饱和于 1:大误差时收敛慢。",)),
    year=2019, reference="Chen et al. (2019), Log Hyperbolic Cosine Loss Improves VAE; "
                         "Keras LogCosh",
))

register(LossSpec(
    name="quantile", fn=quantile, gradient=_quantile_grad, params=QUANTILE_PARAMS,
    aliases=("pinball", "pinball_loss", "quantile_loss"), family=_REG,
    summary="Pinball loss: its minimiser is the q-quantile; for prediction intervals.",
    summary_zh="分位数(pinball)损失:最优解是 q 分位数;用于预测区间。",
    formula=r"\ell = \max\big(q(y-x),\,(q-1)(y-x)\big)",
    tasks=("regression", "quantile_regression"), input_kind="real", target_kind="real",
    pairs_with="identity", robust_to_outliers=True, convex=True, proper_scoring_rule=True,
    pros=Bilingual(("Predicts any quantile, hence intervals.", "Robust like L1."),
                   ("可预测任意分位数,从而给出区间。", "像 L1 一样稳健。")),
    cons=Bilingual(("Constant gradient magnitude.", "Quantiles of several q may cross."),
                   ("梯度大小恒定。", "不同 q 的分位数预测可能交叉。")),
    year=1978, reference="Koenker & Bassett (1978), Regression Quantiles", in_sources=(_S0,),
))

register(LossSpec(
    name="msle", fn=msle, gradient=_msle_grad, aliases=("mean_squared_log_error",),
    family=_REG, summary="Squared error of log(1 + x): penalises relative error.",
    summary_zh="log(1 + x) 的平方误差:惩罚相对误差。",
    formula=r"\ell = (\log(1+x) - \log(1+y))^2", tasks=("regression",),
    input_kind="positive", target_kind="positive", pairs_with="softplus",
    keras_name="MeanSquaredLogarithmicError",
    pros=Bilingual(("Suited to targets spanning orders of magnitude.",),
                   ("适合跨越多个数量级的目标。",)),
    cons=Bilingual(("Needs values above -1; under-prediction costs more than over-prediction.",),
                   ("要求数值大于 -1;低估比高估代价更大。",)),
    reference="Keras MeanSquaredLogarithmicError",
))

register(LossSpec(
    name="mape", fn=mape, gradient=_mape_grad, params=MAPE_PARAMS,
    aliases=("mean_absolute_percentage_error",), family=_REG,
    summary="Absolute error relative to the target, in percent.",
    summary_zh="相对于目标值的绝对误差,以百分比表示。",
    formula=r"\ell = 100\,|x - y| / \max(|y|, \epsilon)", tasks=("regression", "forecasting"),
    input_kind="real", target_kind="real", pairs_with="identity", robust_to_outliers=True,
    convex=True, keras_name="MeanAbsolutePercentageError",
    pros=Bilingual(("Scale-free and easy to read.",), ("与尺度无关,易于解读。",)),
    cons=Bilingual(("Explodes for targets near zero.", "Favours under-prediction."),
                   ("目标接近零时数值爆炸。", "偏向低估。")),
    year=1992, reference="Armstrong & Collopy (1992), Error measures for generalizing about "
                         "forecasting methods",
))

register(LossSpec(
    name="poisson_nll", fn=poisson_nll, gradient=_poisson_nll_grad, params=POISSON_PARAMS,
    aliases=("poisson", "poisson_nll_loss"), family=_REG,
    summary="Poisson negative log-likelihood for counts.",
    summary_zh="计数数据的泊松负对数似然。",
    formula=r"\ell = e^{s} - y\,s,\quad s = \log\lambda", tasks=("regression", "count_regression"),
    input_kind="real", target_kind="counts", pairs_with="identity", convex=True,
    proper_scoring_rule=True, keras_name="Poisson", torch_equivalent=_T + "poisson_nll_loss",
    pros=Bilingual(("Right likelihood for counts; variance grows with the mean.",),
                   ("计数数据的正确似然;方差随均值增长。",)),
    cons=Bilingual(("exp of the log-rate can overflow for large outputs.",),
                   ("对数速率取指数时,输出过大可能溢出。",)),
    other_defaults={"keras": "input is the rate, not its log"},
    reference="Nelder & Wedderburn (1972), Generalized Linear Models", year=1972,
))

register(LossSpec(
    name="gaussian_nll", fn=gaussian_nll, gradient=_gaussian_nll_grad, params=GAUSSIAN_PARAMS,
    aliases=("gaussian_nll_loss",), family=_REG,
    summary="Gaussian negative log-likelihood with a predicted or given variance.",
    summary_zh="带预测或给定方差的高斯负对数似然。",
    formula=r"\ell = \tfrac12\left(\log v + (x-y)^2 / v\right)",
    tasks=("regression", "uncertainty"), input_kind="real", target_kind="real",
    pairs_with="identity", convex=True, proper_scoring_rule=True,
    torch_equivalent=_T + "gaussian_nll_loss",
    pros=Bilingual(("Learns heteroscedastic uncertainty when var is predicted.",),
                   ("预测方差时可学习异方差不确定性。",)),
    cons=Bilingual(("The model can inflate var to ignore hard points.",),
                   ("模型可能放大方差来忽略难样本。",)),
    other_defaults={"torch": "var is a positional argument before reduction"},
    reference="Nix & Weigend (1994), Estimating the mean and variance of the target", year=1994,
))

register(LossSpec(
    name="cosine_similarity", fn=cosine_similarity, gradient=_cosine_grad, params=COSINE_PARAMS,
    aliases=("cosine", "cosine_loss"), family=_REG,
    summary="One minus the cosine of the angle between prediction and target vectors.",
    summary_zh="一减去预测向量与目标向量夹角的余弦。",
    formula=r"\ell = 1 - \frac{x\cdot y}{\|x\|\|y\|}", tasks=("regression", "embedding"),
    input_kind="embeddings", target_kind="real", pairs_with="identity",
    keras_name="CosineSimilarity", torch_equivalent="1 - " + _T + "cosine_similarity",
    pros=Bilingual(("Ignores the norm: compares directions only.",), ("忽略范数:只比较方向。",)),
    cons=Bilingual(("Undefined for zero vectors (norms are floored at eps).",),
                   ("零向量时无定义(范数以 eps 为下限)。",)),
    other_defaults={"keras": "returns -cos, not 1 - cos"},
    reference="Salton (1975), vector space model", year=1975,
))

register(LossSpec(
    name="charbonnier", fn=charbonnier, gradient=_charbonnier_grad, params=CHARBONNIER_PARAMS,
    aliases=("pseudo_l1",), family=_REG,
    summary="Differentiable L1: square root of the squared error plus eps squared.",
    summary_zh="可微的 L1:平方误差加 eps 平方后开方。",
    formula=r"\ell = \sqrt{(x-y)^2 + \epsilon^2}", tasks=("regression", "image_restoration"),
    input_kind="real", target_kind="real", pairs_with="identity", robust_to_outliers=True,
    convex=True,
    pros=Bilingual(("Robust like L1 and smooth at zero.",), ("像 L1 一样稳健且在零点光滑。",)),
    cons=Bilingual(("eps sets the curvature at zero and must suit the data scale.",),
                   ("eps 决定零点处的曲率,需与数据尺度相称。",)),
    year=1994, reference="Charbonnier et al. (1994); Lai et al. (2017), LapSRN",
))

register(LossSpec(
    name="adaptive_robust", fn=adaptive_robust, gradient=_adaptive_grad, params=ADAPTIVE_PARAMS,
    module=_adaptive_module, aliases=("barron", "general_robust"), family=_REG,
    summary="One loss spanning L2, pseudo-Huber, Cauchy and Geman-McClure; can learn its shape.",
    summary_zh="一个损失涵盖 L2、伪 Huber、Cauchy 与 Geman-McClure;可学习自身形状。",
    formula=r"\rho = \frac{|\alpha-2|}{\alpha}\left(\left(\frac{(d/c)^2}{|\alpha-2|}+1\right)"
            r"^{\alpha/2}-1\right)",
    tasks=("regression", "regression_with_outliers", "learned_loss"), input_kind="real",
    target_kind="real", pairs_with="identity", robust_to_outliers=True,
    pros=Bilingual(("Learns how robust to be (alpha) and the noise scale (c).",
                    "Contains the classic robust losses as special cases."),
                   ("可学习稳健程度(alpha)和噪声尺度(c)。", "经典稳健损失都是它的特例。")),
    cons=Bilingual(("Non-convex for alpha < 1.",
                    "Learning alpha needs the log-partition term (the module includes it)."),
                   ("alpha < 1 时非凸。", "学习 alpha 需要对数配分项(模块已包含)。")),
    year=2019, reference="Barron (2019), A General and Adaptive Robust Loss Function",
    in_sources=(_S0,),
))
