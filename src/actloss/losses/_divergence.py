"""Divergences and distances between distributions: KL, Jensen-Shannon, Wasserstein-1.

Inputs follow PyTorch's ``kl_div`` convention: the prediction is given as
log-probabilities (``log_softmax`` output), the target as probabilities (or
log-probabilities with ``log_target=True``). ``wasserstein_1d`` compares histograms
over ordered bins and takes probabilities for both.
"""

from __future__ import annotations

import math

import torch

from actloss._i18n import Bilingual
from actloss._reduction import check_reduction, reduce
from actloss._validation import POSITIVE, REALS, Param, check_params
from actloss.errors import InputError, ParameterError
from actloss.losses._checks import check_pair, check_range, value_checks_enabled
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = ["jensen_shannon", "kl_div", "wasserstein_1d"]

_S0 = "000_5b08fef0015a8918.txt"


def _refuse_indices(owner: str, input: object, target: object) -> None:
    if (isinstance(input, torch.Tensor) and isinstance(target, torch.Tensor)
            and not target.is_floating_point() and target.dtype != torch.bool
            and input.dim() >= 1 and target.shape == input.shape[:-1]):
        raise InputError(
            f"`target` of {owner} must be a distribution of shape {tuple(input.shape)}; got "
            f"class indices of shape {tuple(target.shape)}: pass "
            f"torch.nn.functional.one_hot(target, {input.shape[-1]}).float()"
        )


# log-probabilities are <= 0; a log_softmax may round a little above 0 in low precision
_LOG_PROB_SLACK = 1e-3


def _refuse_probabilities(x: torch.Tensor) -> None:
    """kl_div's input is log-probabilities: clearly positive values are the classic
    crossing with Keras's kl_divergence, which takes probabilities (a silently wrong,
    often negative, "divergence")."""
    if not value_checks_enabled() or not x.numel():
        return
    hi = float(x.detach().amax())
    if hi > _LOG_PROB_SLACK:
        raise InputError(
            f"`input` of kl_div must hold log-probabilities (<= 0); got values up to {hi:.6g}. "
            "Probabilities (Keras's kl_divergence(y_true, y_pred)) go to keras_kl_divergence; "
            "or pass torch.log(p) / log_softmax(logits)"
        )


def _check_dim(owner: str, dim: int, x: torch.Tensor) -> None:
    if x.dim() == 0 or not -x.dim() <= dim < x.dim():
        raise ParameterError(
            f"`dim` of {owner} must be a dimension of the input (it has {x.dim()}); got {dim}"
        )


# ---------------------------------------------------------------------------- KL
KL_PARAMS = (Param("log_target", False, bool, doc="target given as log-probabilities"),)
KL_REDUCTIONS = ("none", "mean", "sum", "batchmean")


def kl_div(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
           weight: torch.Tensor | None = None, log_target: bool = False) -> torch.Tensor:
    r"""Kullback-Leibler divergence :math:`\mathrm{KL}(y\,\|\,p)`, PyTorch's ``kl_div``.

    Point-wise :math:`\ell = y(\log y - x)` with :math:`x = \log p` and
    :math:`0\log 0 = 0` (``xlogy``); with ``log_target`` :math:`\ell = e^t(t - x)`.
    :math:`\partial\ell/\partial x = -y`. ``'batchmean'`` (sum divided by the batch
    size) is the true KL per sample; ``'mean'`` divides by the number of elements, as in
    PyTorch (whose default it is).

    Args:
        input: log-probabilities. target: probabilities in ``[0, 1]`` (or
            log-probabilities) of the same shape.
        reduction: ``'none' | 'mean' | 'sum' | 'batchmean'``. weight: element weights.
        log_target: default False.

    References:
        Kullback & Leibler (1951), On Information and Sufficiency.

    Example:
        >>> import torch
        >>> from actloss.losses import kl_div
        >>> p = torch.tensor([[0.5, 0.5]])
        >>> kl_div(torch.log(torch.tensor([[0.25, 0.75]])), p, reduction="batchmean")
        tensor(0.1438)
    """
    (log_t,) = check_params("kl_div", KL_PARAMS, {"log_target": log_target}).values()
    check_reduction("kl_div", reduction, KL_REDUCTIONS)
    _refuse_indices("kl_div", input, target)
    x, t = check_pair("kl_div", input, target, log_space=True)
    zero = torch.zeros((), dtype=x.dtype, device=x.device)
    if log_t:
        check_range("kl_div", "target", t, -math.inf, 0.0, what="log-probabilities")
        # terms with target probability 0 vanish (0 log 0 = 0), even where x = log 0
        loss = torch.where(t > -math.inf, torch.exp(t) * (t - x), zero)
    else:
        check_range("kl_div", "target", t, 0.0, 1.0, what="probabilities")
        loss = torch.where(t > 0, torch.xlogy(t, t) - t * x, zero)  # 0 log 0 = 0
    _refuse_probabilities(x)
    return reduce(loss, reduction, weight=weight, owner="kl_div", mean_by="count")


def _kl_grad(input: torch.Tensor, target: torch.Tensor, *, log_target: bool = False,
             weight: torch.Tensor | None = None) -> torch.Tensor:
    g = -(torch.exp(target) if log_target else target) + 0.0  # + 0.0: no negative zeros
    return g if weight is None else g * weight


# ---------------------------------------------------------------------------- JS
JS_PARAMS = (Param("dim", -1, int, REALS, doc="dimension holding each distribution"),)


def jensen_shannon(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                   weight: torch.Tensor | None = None, dim: int = -1) -> torch.Tensor:
    r"""Jensen-Shannon divergence between the distributions along ``dim``, in nats.

    .. math::
        \mathrm{JS} = \tfrac12\mathrm{KL}(p\,\|\,m) + \tfrac12\mathrm{KL}(y\,\|\,m),\quad
        m = \tfrac12(p + y),\quad p = e^{x},

    with :math:`\log m = \operatorname{logaddexp}(x, \log y) - \log 2`. Symmetric,
    bounded by :math:`\log 2`, defined when supports differ.
    :math:`\partial\mathrm{JS}/\partial x_i = \tfrac12 p_i\log(p_i / m_i)`.

    Args:
        input: log-probabilities. target: probabilities of the same shape.
        reduction: over the remaining dimensions. weight: broadcasting to them.
        dim: the distribution's dimension (default -1).

    Shape:
        ``(*, K)``; ``reduction='none'`` gives ``(*)``.

    References:
        Lin (1991), Divergence Measures Based on the Shannon Entropy.

    Example:
        >>> import torch
        >>> from actloss.losses import jensen_shannon
        >>> jensen_shannon(torch.log(torch.tensor([1.0, 1e-30])), torch.tensor([0.0, 1.0]))
        tensor(0.6931)
    """
    (d,) = check_params("jensen_shannon", JS_PARAMS, {"dim": dim}).values()
    check_reduction("jensen_shannon", reduction)
    _refuse_indices("jensen_shannon", input, target)
    x, y = check_pair("jensen_shannon", input, target, log_space=True)
    _check_dim("jensen_shannon", d, x)
    check_range("jensen_shannon", "target", y, 0.0, 1.0, what="probabilities")
    p = torch.exp(x)
    x_s, log_m = _finite(x), _finite(_log_mid(x, y))
    zero = torch.zeros((), dtype=x.dtype, device=x.device)
    # KL(p || m) + KL(y || m), dropping the terms with p = 0 or y = 0 (0 log 0 = 0); the
    # logs are made finite first so that the dropped branch has a finite gradient
    # (``!= 0`` rather than ``> 0``: a NaN, reachable with value checks off, stays NaN)
    kl_p = torch.where(p != 0, p * (x_s - log_m), zero)
    kl_y = torch.where(y != 0, torch.xlogy(y, y) - y * log_m, zero)
    per = 0.5 * (kl_p + kl_y).sum(dim=d)
    return reduce(per, reduction, weight=weight, owner="jensen_shannon", mean_by="count")


def _log_mid(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # log((e^x + y) / 2) = logaddexp(x, log y) - log 2; log 0 = -inf is handled by logaddexp
    return torch.logaddexp(x, torch.log(y)) - math.log(2.0)


def _finite(v: torch.Tensor) -> torch.Tensor:
    # log 0 = -inf becomes 0 (its term is dropped); NaN is kept, never made finite
    return torch.where(v == -math.inf, torch.zeros((), dtype=v.dtype, device=v.device), v)


def _js_grad(input: torch.Tensor, target: torch.Tensor, *, dim: int = -1,
             weight: torch.Tensor | None = None) -> torch.Tensor:
    p = torch.exp(input)
    g = 0.5 * torch.where(p != 0, p * (_finite(input) - _finite(_log_mid(input, target))), 0.0)
    return g if weight is None else g * weight.unsqueeze(dim)


# ---------------------------------------------------------------------------- Wasserstein
W1_PARAMS = (
    Param("dim", -1, int, REALS, doc="dimension holding the ordered bins"),
    Param("bin_width", 1.0, float, POSITIVE, doc="distance between adjacent bins"),
)


def wasserstein_1d(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                   weight: torch.Tensor | None = None, dim: int = -1,
                   bin_width: float = 1.0) -> torch.Tensor:
    r"""Wasserstein-1 (earth mover's) distance between histograms over ordered bins.

    .. math::
        W_1 = \Delta\sum_{k=1}^{K-1}\big|F_k - G_k\big|,\quad
        F_k = \sum_{i\le k} p_i,\ G_k = \sum_{i\le k} y_i,\qquad
        \frac{\partial W_1}{\partial p_i} = \Delta\sum_{k\ge i}^{K-1}
        \operatorname{sign}(F_k - G_k).

    The two histograms must carry the same mass (each sums to 1); the last CDF
    difference, zero then, is left out. Unlike KL it sees how far mass moves, so it
    suits ordinal targets.

    Args:
        input, target: probabilities in ``[0, 1]`` of one shape.
        reduction: over the remaining dimensions. weight: broadcasting to them.
        dim: the bins' dimension (default -1). bin_width: :math:`\Delta` (default 1).

    References:
        Monge (1781); Kantorovich (1942); Vallender (1974), CDF form.

    Example:
        >>> import torch
        >>> from actloss.losses import wasserstein_1d
        >>> wasserstein_1d(torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 0.0, 1.0]))
        tensor(2.)
    """
    p = check_params("wasserstein_1d", W1_PARAMS, {"dim": dim, "bin_width": bin_width})
    check_reduction("wasserstein_1d", reduction)
    _refuse_indices("wasserstein_1d", input, target)
    x, y = check_pair("wasserstein_1d", input, target)
    _check_dim("wasserstein_1d", p["dim"], x)
    check_range("wasserstein_1d", "input", x, 0.0, 1.0, what="probabilities")
    check_range("wasserstein_1d", "target", y, 0.0, 1.0, what="probabilities")
    c = _cdf_diff(x, y, p["dim"])
    per = p["bin_width"] * c.abs().sum(dim=p["dim"])
    return reduce(per, reduction, weight=weight, owner="wasserstein_1d", mean_by="count")


def _cdf_diff(x: torch.Tensor, y: torch.Tensor, dim: int) -> torch.Tensor:
    k = x.shape[dim]
    return torch.cumsum(x - y, dim=dim).narrow(dim, 0, max(k - 1, 0))


def _w1_grad(input: torch.Tensor, target: torch.Tensor, *, dim: int = -1,
             bin_width: float = 1.0, weight: torch.Tensor | None = None) -> torch.Tensor:
    s = torch.sign(_cdf_diff(input, target, dim))
    # d/dp_i sum_k |C_k| = sum_{k >= i} sign(C_k): a reversed cumulative sum
    rev = torch.flip(torch.cumsum(torch.flip(s, (dim,)), dim=dim), (dim,))
    pad_shape = list(input.shape)
    pad_shape[dim] = 1
    g = bin_width * torch.cat([rev, rev.new_zeros(pad_shape)], dim=dim)
    return g if weight is None else g * weight.unsqueeze(dim)


# ---------------------------------------------------------------------------- registry
_D = "divergence"
_T = "torch.nn.functional."

register(LossSpec(
    name="kl_div", fn=kl_div, gradient=_kl_grad, params=KL_PARAMS,
    aliases=("kl",), family=_D,
    summary="Kullback-Leibler divergence of the target from the predicted distribution.",
    summary_zh="目标分布相对于预测分布的 KL 散度。",
    formula=r"\mathrm{KL}(y\|p) = \sum y\,(\log y - \log p)",
    tasks=("multiclass_classification", "distillation", "distribution_matching"),
    input_kind="log_probabilities", target_kind="distribution", pairs_with="log_softmax",
    reductions=KL_REDUCTIONS, convex=True, proper_scoring_rule=True,
    keras_name="KLDivergence", torch_equivalent=_T + "kl_div",
    pros=Bilingual(("Equals cross-entropy minus the target's entropy: same gradient.",
                    "Natural for soft targets (distillation)."),
                   ("等于交叉熵减去目标熵:梯度相同。", "适合软目标(知识蒸馏)。")),
    cons=Bilingual(("Asymmetric; infinite where the prediction misses the target's support.",
                    "PyTorch's 'mean' divides by elements: use 'batchmean'."),
                   ("不对称;预测未覆盖目标支撑集时为无穷。",
                    "PyTorch 的 'mean' 按元素数平均:应使用 'batchmean'。")),
    other_defaults={"keras": "inputs are probabilities, not log-probabilities",
                    "torch": "reduction='mean' (element mean)"},
    year=1951, reference="Kullback & Leibler (1951), On Information and Sufficiency",
    in_sources=(_S0,),
))

register(LossSpec(
    name="jensen_shannon", fn=jensen_shannon, gradient=_js_grad, params=JS_PARAMS,
    aliases=("js", "js_divergence", "jsd"), family=_D,
    summary="Symmetric, bounded smoothing of KL through the mixture distribution.",
    summary_zh="通过混合分布对 KL 做对称且有界的平滑。",
    formula=r"\mathrm{JS} = \tfrac12\mathrm{KL}(p\|m) + \tfrac12\mathrm{KL}(y\|m)",
    tasks=("distribution_matching", "gan"), input_kind="log_probabilities",
    target_kind="distribution", pairs_with="log_softmax",
    pros=Bilingual(("Symmetric and bounded by log 2.",), ("对称,且上界为 log 2。",)),
    cons=Bilingual(("Saturates for disjoint supports: no gradient (the GAN problem).",),
                   ("支撑集不相交时饱和:没有梯度(GAN 的问题)。",)),
    year=1991, reference="Lin (1991), Divergence Measures Based on the Shannon Entropy",
    in_sources=(_S0,),
))

register(LossSpec(
    name="wasserstein_1d", fn=wasserstein_1d, gradient=_w1_grad, params=W1_PARAMS,
    aliases=("emd_1d", "earth_movers_1d"), family=_D,
    summary="Earth mover's distance between histograms on ordered bins (CDF difference).",
    summary_zh="有序分箱直方图之间的推土机距离(累积分布之差)。",
    formula=r"W_1 = \Delta\sum_k |F_k - G_k|",
    tasks=("ordinal_regression", "distribution_matching"), input_kind="distribution",
    target_kind="distribution", pairs_with="softmax", convex=True,
    pros=Bilingual(("Respects the order of bins: near misses cost less.",
                    "Useful gradient even for disjoint supports."),
                   ("尊重分箱顺序:差得近代价小。", "支撑集不相交时仍有有效梯度。")),
    cons=Bilingual(("Only for one ordered dimension.",), ("只适用于一维有序分箱。",)),
    year=1781, reference="Monge (1781); Kantorovich (1942); Vallender (1974), CDF form",
    in_sources=(_S0,),
))
