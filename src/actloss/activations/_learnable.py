r"""Learnable activations: prelu, learnable_relu, swish_beta, maxout, dynamic_relu.

Each has a functional form (its coefficients passed in) and a module whose coefficients
are ``nn.Parameter`` s that train:

- ``prelu``: :class:`PReLU`, the negative slope learnt (per channel if asked).
- ``learnable_relu``: :class:`LearnableReLU`, :math:`a\,\mathrm{relu}(x) + b` with ``a``
  and ``b`` learnt (initialised 1 and 0), as in the sources' ``LearnableActivation``.
- ``swish_beta``: :class:`SwishBeta`, :math:`x\,\sigma(\beta x)` with ``beta`` learnt.
  (``silu`` keeps ``beta`` as a fixed hyper-parameter.)
- ``maxout``: :class:`Maxout` ``(in_features, out_features, k)``, the max of ``k`` learnt
  linear pieces; the functional form takes the max over groups of ``k`` along ``dim``.
- ``dynamic_relu``: :class:`DynamicReLU`, DY-ReLU-B (Chen et al. 2020): a small
  hyper-function of the global context sets per-channel piecewise-linear coefficients, so
  the activation (and its threshold) adapts to each input.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from actloss._validation import POSITIVE, Interval, Param
from actloss.activations._common import bi, check_dim, down, params, tensor, up
from actloss.activations._registry import Activation, register
from actloss.activations._spec import ActivationSpec
from actloss.errors import InputError

__all__ = [
    "DynamicReLU",
    "LearnableReLU",
    "Maxout",
    "PReLU",
    "SwishBeta",
    "dynamic_relu",
    "learnable_relu",
    "maxout",
    "prelu",
    "swish_beta",
]

_INF = math.inf
_COUNT = Interval(1, _INF, True)


def _per_channel(w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """A coefficient of shape (1,) or (C,) broadcast against x of shape (N, C, *)."""
    if w.numel() == 1 or x.ndim < 2:
        return w.reshape(()) if w.numel() == 1 else w
    return w.reshape((1, -1) + (1,) * (x.ndim - 2))


# ----------------------------------------------------------------------------- prelu
PRELU_PARAMS = (Param("weight", 0.25, float, Interval(), learnable=True,
                      doc="negative slope: a float, or a tensor of 1 or C values (dim 1)"),)
PRELU_MODULE_PARAMS = (
    Param("num_parameters", 1, int, _COUNT, doc="1 (shared) or the number of channels"),
    Param("init", 0.25, float, Interval(), doc="initial slope"),
)


def _check_weight(owner: str, x: torch.Tensor, w: torch.Tensor) -> None:
    channels = x.shape[1] if x.ndim >= 2 else 1
    if w.numel() not in (1, channels):
        raise InputError(
            f"`weight` of {owner} must hold 1 value or one per channel ({channels}); "
            f"got {w.numel()}"
        )


def prelu(x: torch.Tensor, *, weight: float | torch.Tensor = 0.25) -> torch.Tensor:
    r"""Parametric ReLU: :math:`x` for :math:`x > 0`, :math:`a x` otherwise (``a`` learnt).

    .. math::
        \frac{\partial f}{\partial x} = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases},
        \quad \frac{\partial f}{\partial a} = \min(x, 0)

    Args:
        x: input tensor; channels on dim 1 when ``weight`` has one value per channel.
        weight: the slope :math:`a`, a float or a tensor of 1 or C values (default 0.25,
            PyTorch's initial value).

    Shape:
        Input ``(N, C, *)`` or ``(*)``, output the same.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> prelu(torch.tensor([-4.0, 2.0]))
        tensor([-1.,  2.])

    References:
        He et al., Delving Deep into Rectifiers, ICCV 2015.
    """
    p = params("prelu", PRELU_PARAMS, weight=weight)
    x = tensor("prelu", x)
    return _prelu(x, p["weight"])


def _prelu(x: torch.Tensor, w: float | torch.Tensor) -> torch.Tensor:
    if isinstance(w, torch.Tensor):
        _check_weight("prelu", x, w)
        return torch.where(x > 0, x, _per_channel(w, x) * x)
    return F.leaky_relu(x, w)


def prelu_derivative(x: torch.Tensor, *, weight: float | torch.Tensor = 0.25) -> torch.Tensor:
    """1 for x > 0, the slope for x <= 0 (PyTorch's value at the kink)."""
    w = _per_channel(weight, x) if isinstance(weight, torch.Tensor) else weight
    return torch.where(x > 0, 1.0, w * torch.ones_like(x)).to(x.dtype)


class PReLU(nn.Module):
    """PReLU with a learnt slope ``weight`` of 1 or ``num_parameters`` values (channel dim 1).

    Example:
        >>> import torch
        >>> m = PReLU()
        >>> m
        PReLU(num_parameters=1, init=0.25)
        >>> m(torch.tensor([-4.0, 2.0])).detach()
        tensor([-1.,  2.])
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25) -> None:
        super().__init__()
        p = params("prelu", PRELU_MODULE_PARAMS, num_parameters=num_parameters, init=init)
        self.num_parameters, self.init = p["num_parameters"], p["init"]
        self.weight = nn.Parameter(torch.full((self.num_parameters,), self.init))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _prelu(tensor("prelu", x), self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}, init={self.init}"


PRELU = register(ActivationSpec(
    name="prelu", fn=prelu, derivative=prelu_derivative, module=PReLU, params=PRELU_PARAMS,
    module_params=PRELU_MODULE_PARAMS, module_example={"num_parameters": 1},
    aliases=("parametric_relu",), family="learnable",
    summary="Leaky ReLU whose negative slope is learnt.",
    summary_zh="负区间斜率 α 通过训练学习得到的 Leaky ReLU。",
    formula=r"\operatorname{PReLU}(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}",
    derivative_formula=(
        r"\frac{\partial f}{\partial x} = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases},\ "
        r"\frac{\partial f}{\partial a} = \min(x, 0)"
    ),
    output_range=Interval(), bounded=False, monotonic=True, smooth=False,
    kinks=(0.0,), kink_derivative="the slope a at x = 0 (PyTorch)",
    zero_centred=False, saturates="none", d0=0.25, max_abs_derivative=1.0,
    learnable=("weight",), role=("hidden",), init="he",
    pros=bi(("The slope alpha is learnt by the network instead of set by hand.",
             "Units cannot die; negligible extra parameters."),
            ("α 不是固定的,而是作为一个参数通过网络训练学习得到。",
             "神经元不会“死亡”;额外参数几乎可以忽略。")),
    cons=bi(("Can overfit on small data sets; weight decay should not be applied to the slope.",),
            ("在小数据集上可能过拟合;斜率参数不应施加权重衰减。",)),
    other_defaults={"pytorch": "num_parameters=1, init=0.25",
                    "keras": "PReLU(alpha_initializer='zeros'), one slope per unit",
                    "jax": "not built in"},
    torch_equivalent="torch.nn.functional.prelu", year=2015,
    reference=(
        "He et al., Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet "
        "Classification, ICCV 2015."
    ),
    in_sources=("003",),
))


# -------------------------------------------------------------------- learnable_relu
LEARNABLE_RELU_PARAMS = (
    Param("a", 1.0, float, Interval(), learnable=True, doc="scale (learnt; init 1)"),
    Param("b", 0.0, float, Interval(), learnable=True, doc="shift (learnt; init 0)"),
)


def learnable_relu(x: torch.Tensor, *, a: float | torch.Tensor = 1.0,
                   b: float | torch.Tensor = 0.0) -> torch.Tensor:
    r"""The sources' learnable activation, :math:`a\,\mathrm{relu}(x) + b`.

    .. math::
        \frac{\partial f}{\partial x} = a\,[x > 0], \quad
        \frac{\partial f}{\partial a} = \max(0, x), \quad \frac{\partial f}{\partial b} = 1

    Args:
        x: input tensor of any shape.
        a: scale, a float or a tensor (default 1).
        b: shift, a float or a tensor (default 0).

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> learnable_relu(torch.tensor([-1.0, 2.0]), a=2.0, b=0.5)
        tensor([0.5000, 4.5000])
    """
    p = params("learnable_relu", LEARNABLE_RELU_PARAMS, a=a, b=b)
    return p["a"] * torch.relu(tensor("learnable_relu", x)) + p["b"]


def learnable_relu_derivative(x: torch.Tensor, *, a: float | torch.Tensor = 1.0,
                              b: float | torch.Tensor = 0.0) -> torch.Tensor:
    """a for x > 0, else 0."""
    return (a * (x > 0).to(x.dtype)).to(x.dtype)


class LearnableReLU(nn.Module):
    """``a * relu(x) + b`` with ``a`` (init 1) and ``b`` (init 0) learnt.

    Example:
        >>> import torch
        >>> m = LearnableReLU()
        >>> m(torch.tensor([-1.0, 2.0])).detach()
        tensor([0., 2.])
    """

    def __init__(self, a: float = 1.0, b: float = 0.0) -> None:
        super().__init__()
        p = params("learnable_relu", LEARNABLE_RELU_PARAMS, a=a, b=b)
        self.a = nn.Parameter(torch.tensor([p["a"]]))
        self.b = nn.Parameter(torch.tensor([p["b"]]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = tensor("learnable_relu", x)
        return self.a.to(x.dtype) * torch.relu(x) + self.b.to(x.dtype)

    def extra_repr(self) -> str:
        return f"a={self.a.item():.4g}, b={self.b.item():.4g}"


LEARNABLE_RELU = register(ActivationSpec(
    name="learnable_relu", fn=learnable_relu, derivative=learnable_relu_derivative,
    module=LearnableReLU, params=LEARNABLE_RELU_PARAMS, module_params=LEARNABLE_RELU_PARAMS,
    aliases=("learnable_activation", "affine_relu"), family="learnable",
    summary="a * relu(x) + b with a and b learnt: the sources' learnable activation.",
    summary_zh="a·relu(x) + b,a 与 b 可学习:来源文章中的可学习激活函数。",
    formula=r"f(x) = a \max(0, x) + b",
    derivative_formula=(
        r"\frac{\partial f}{\partial x} = a\,[x > 0],\ \frac{\partial f}{\partial a} = \max(0, "
        r"x),\ \frac{\partial f}{\partial b} = 1"
    ),
    output_range=Interval(0.0, _INF, True), bounded=False, monotonic=True, smooth=False,
    kinks=(0.0,), kink_derivative="0 at x = 0 (PyTorch's relu'(0) = 0)",
    zero_centred=False, saturates="negative", d0=0.0, max_abs_derivative=1.0,
    learnable=("a", "b"), role=("hidden",), init="he",
    pros=bi(((
        "The network learns the activation's scale and offset (learnable activation functions)."
    ),
             "Starts exactly as ReLU (a = 1, b = 0)."),
            ("可学习激活函数:由网络自己学习激活的缩放与偏移。",
             "初始时与 ReLU 完全相同(a = 1, b = 0)。")),
    cons=bi(((
        "Still zero gradient for x < 0 with respect to x; a and the next layer's weights are "
        "partly redundant."
    ),),
            ("对 x 而言负区间梯度仍为 0;a 与下一层权重存在部分冗余。",)),
    other_defaults={"pytorch": "not built in",
                    "keras": "custom layer in the sources (a: ones, b: zeros)",
                    "jax": "not built in"},
    torch_equivalent=None, year=2014,
    reference=(
        "Agostinelli et al., Learning Activation Functions to Improve Deep Neural Networks, ICLR "
        "2015 workshop (arXiv 2014); the sources' LearnableActivation layer."
    ),
    in_sources=("000",),
))


# ------------------------------------------------------------------------ swish_beta
SWISH_BETA_PARAMS = (Param("beta", 1.0, float, Interval(), learnable=True,
                           doc="gate slope (learnt; init 1)"),)


def swish_beta(x: torch.Tensor, *, beta: float | torch.Tensor = 1.0) -> torch.Tensor:
    r"""Swish with a learnable slope, :math:`x\,\sigma(\beta x)`.

    .. math::
        \frac{\partial f}{\partial x} = \sigma(\beta x)
        + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x)),
        \quad \frac{\partial f}{\partial \beta} = x^2 \sigma(\beta x)(1 - \sigma(\beta x))

    Args:
        x: input tensor of any shape.
        beta: the slope, a float or a tensor (default 1: SiLU).

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> swish_beta(torch.tensor([0.0, 20.0]), beta=1.0)
        tensor([ 0., 20.])
    """
    p = params("swish_beta", SWISH_BETA_PARAMS, beta=beta)
    x = tensor("swish_beta", x)
    if isinstance(p["beta"], float) and p["beta"] == 1.0:
        return F.silu(x)  # x * sigmoid(x) is SiLU: PyTorch's one fused op each way
    return x * torch.sigmoid(p["beta"] * x)


def swish_beta_derivative(x: torch.Tensor, *, beta: float | torch.Tensor = 1.0) -> torch.Tensor:
    """s + beta x s (1 - s), s = sigma(beta x)."""
    xu = up(x)
    z = beta * xu
    s = torch.sigmoid(z)
    return down(s + z * s * torch.sigmoid(-z), x)


class SwishBeta(nn.Module):
    """Swish ``x * sigmoid(beta * x)`` with ``beta`` learnt (init 1).

    Example:
        >>> import torch
        >>> SwishBeta()
        SwishBeta(beta=1)
    """

    def __init__(self, beta: float = 1.0) -> None:
        super().__init__()
        p = params("swish_beta", SWISH_BETA_PARAMS, beta=beta)
        self.beta = nn.Parameter(torch.tensor([p["beta"]]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = tensor("swish_beta", x)
        return x * torch.sigmoid(self.beta.to(x.dtype) * x)

    def extra_repr(self) -> str:
        return f"beta={self.beta.item():.4g}"


SWISH_BETA = register(ActivationSpec(
    name="swish_beta", fn=swish_beta, derivative=swish_beta_derivative, module=SwishBeta,
    params=SWISH_BETA_PARAMS, module_params=SWISH_BETA_PARAMS,
    aliases=("learnable_swish", "swish_learnable"), family="learnable",
    summary="Swish whose gate slope beta is learnt; interpolates between x/2 and ReLU.",
    summary_zh="门控斜率 β 可学习的 Swish;在 x/2 与 ReLU 之间插值。",
    formula=r"f(x) = x\,\sigma(\beta x)",
    derivative_formula=(
        r"\frac{\partial f}{\partial x} = \sigma(\beta x) + \beta x\,\sigma(\beta x)\bigl(1 - "
        r"\sigma(\beta x)\bigr)"
    ),
    output_range=Interval(-0.2784645427610738, _INF, True), bounded=False, monotonic=False,
    smooth=True, zero_centred=False, saturates="negative", d0=0.5,
    max_abs_derivative=1.0998393201288669,
    learnable=("beta",), role=("hidden",), init="he",
    pros=bi(("beta adapts the shape: beta -> 0 gives a linear x/2, large beta approaches ReLU.",),
            ("β 可调节形状:β → 0 时为线性 x/2,β 很大时趋近 ReLU。",)),
    cons=bi(("One more parameter per layer; a sigmoid per element.",),
            ("每层多一个参数;每个元素都要计算 sigmoid。",)),
    other_defaults={"pytorch": "not built in (nn.SiLU has beta = 1)", "keras": "not built in",
                    "jax": "not built in"},
    torch_equivalent="torch.nn.functional.silu", year=2017,
    reference=(
        "Ramachandran, Zoph and Le, Searching for Activation Functions, arXiv:1710.05941 (2017), "
        "Swish-beta."
    ),
    in_sources=("000",),
))


# ---------------------------------------------------------------------------- maxout
MAXOUT_PARAMS = (
    Param("k", 2, int, _COUNT, doc="number of pieces (group size)"),
    Param("dim", -1, int, Interval(), doc="the dimension holding the groups"),
)
MAXOUT_MODULE_PARAMS = (
    Param("in_features", None, int, _COUNT, optional=True,
          doc="input width; given, get() builds the learnt Maxout layer"),
    Param("out_features", None, int, _COUNT, optional=True, doc="output width of the layer"),
    *MAXOUT_PARAMS,
    Param("bias", True, bool, doc="learn a bias per piece"),
)

# The layer itself needs both widths (get() above also accepts neither, for the grouping).
_MAXOUT_LAYER_PARAMS = (
    Param("in_features", None, int, _COUNT),
    Param("out_features", None, int, _COUNT),
    MAXOUT_PARAMS[0],
    Param("bias", True, bool),
)


def _groups(owner: str, x: torch.Tensor, k: int, dim: int) -> tuple[torch.Tensor, int]:
    if x.ndim == 0:
        raise InputError(f"`x` of {owner} must have at least 1 dimension; got a 0-d tensor")
    d = check_dim(owner, x, dim)
    if x.shape[d] % k:
        raise InputError(
            f"`x` of {owner} must have a size along dim {dim} divisible by k={k}; "
            f"got {x.shape[d]}"
        )
    return x.unflatten(d, (x.shape[d] // k, k)), d


def maxout(x: torch.Tensor, *, k: int = 2, dim: int = -1) -> torch.Tensor:
    r"""Maxout over groups of ``k`` consecutive entries along ``dim``.

    .. math::
        h_i(x) = \max_{j \in [1, k]} x_{(i-1)k + j}

    Applied to the output of a linear layer of width ``k * m`` this is the maxout unit
    :math:`h_i = \max_j (w_{ij}^\top x + b_{ij})` (see :class:`Maxout`). The gradient
    flows to the arg-max of each group.

    Args:
        x: input tensor whose size along ``dim`` is a multiple of ``k``.
        k: pieces per unit, an int in [1, inf) (default 2).
        dim: the dimension holding the groups (default -1).

    Shape:
        Input ``(*, k m, *)``, output ``(*, m, *)``.

    Returns:
        The maximum of each group, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> maxout(torch.tensor([1.0, 3.0, -2.0, -5.0]), k=2)
        tensor([ 3., -2.])

    References:
        Goodfellow et al., Maxout Networks, ICML 2013.
    """
    p = params("maxout", MAXOUT_PARAMS, k=k, dim=dim)
    g, d = _groups("maxout", tensor("maxout", x), p["k"], p["dim"])
    return g.amax(dim=d + 1)


def maxout_vjp(x: torch.Tensor, grad_out: torch.Tensor, *, k: int = 2,
               dim: int = -1) -> torch.Tensor:
    """The gradient of each group goes to its arg-max entry."""
    g, d = _groups("maxout", x, k, dim)
    idx = g.argmax(dim=d + 1, keepdim=True)
    out = torch.zeros_like(g).scatter(d + 1, idx, grad_out.unsqueeze(d + 1).to(g.dtype))
    return out.flatten(d, d + 1)


class Maxout(nn.Module):
    r"""A maxout layer: ``k`` learnt linear pieces per output, their maximum kept.

    .. math::
        h_i(x) = \max_{j \in [1, k]} \bigl(w_{ij}^\top x + b_{ij}\bigr)

    The pieces are one ``Linear(in_features, out_features * k)`` whose outputs are
    grouped as ``(out_features, k)``; :meth:`pieces` returns them.

    Args:
        in_features: input width.
        out_features: number of maxout units.
        k: pieces per unit (default 2).
        bias: learn the biases :math:`b_{ij}` (default ``True``).

    Shape:
        Input ``(*, in_features)``, output ``(*, out_features)``.

    Example:
        >>> import torch
        >>> m = Maxout(3, 2, k=4)
        >>> m(torch.zeros(5, 3)).shape
        torch.Size([5, 2])
    """

    def __init__(self, in_features: int, out_features: int, k: int = 2,
                 bias: bool = True) -> None:
        super().__init__()
        p = params("maxout", _MAXOUT_LAYER_PARAMS, in_features=in_features,
                   out_features=out_features, k=k, bias=bias)
        self.in_features, self.out_features, self.k = p["in_features"], p["out_features"], p["k"]
        self.linear = nn.Linear(self.in_features, self.out_features * self.k, bias=p["bias"])

    def pieces(self, x: torch.Tensor) -> torch.Tensor:
        """The linear pieces, shape ``(*, out_features, k)``."""
        return self.linear(x).unflatten(-1, (self.out_features, self.k))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return maxout(self.linear(tensor("maxout", x)), k=self.k)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, k={self.k}"


def _maxout_module(*, in_features: int | None = None, out_features: int | None = None,
                   k: int = 2, dim: int = -1, bias: bool = True) -> nn.Module:
    """``get('maxout', in_features=.., out_features=..)``: the layer; else the grouping."""
    if in_features is None and out_features is None:
        return Activation(MAXOUT, k=k, dim=dim)
    if in_features is None or out_features is None:
        from actloss.errors import ParameterError

        raise ParameterError("maxout needs both `in_features` and `out_features` for the "
                             f"learnt layer; got {in_features!r} and {out_features!r}")
    return Maxout(in_features, out_features, k=k, bias=bias)


MAXOUT = register(ActivationSpec(
    name="maxout", fn=maxout, vjp=maxout_vjp, kind="grouped", module=_maxout_module,
    params=MAXOUT_PARAMS, module_params=MAXOUT_MODULE_PARAMS,
    module_example={"in_features": 4, "out_features": 3, "k": 2},
    family="learnable",
    summary="The max of k learnt linear pieces: a learnt convex piecewise-linear activation.",
    summary_zh="k 个可学习线性函数的最大值:可学习的凸分段线性激活函数。",
    formula=r"h(\mathbf{x}) = \max_{j \in [1, k]} \bigl(\mathbf{w}_j^\top \mathbf{x} + b_j\bigr)",
    derivative_formula=r"\frac{\partial h}{\partial z_j} = [j = \arg\max_{j'} z_{j'}]",
    output_range=Interval(), bounded=False, monotonic=False, smooth=False,
    kink_derivative="ties send the gradient to one arg-max (autograd splits it evenly)",
    zero_centred=False, saturates="none", d0=None,
    learnable=("linear.weight", "linear.bias"), role=("hidden",), init="he",
    pros=bi(("Learnable: piecewise linear and can approximate any convex function.",
             "Avoids dying ReLU to a degree; ReLU and Leaky ReLU are special cases."),
            ("可学习的激活函数:具有分段线性的特性,可以近似任何凸函数。",
             "在一定程度上避免了 ReLU 的“神经元死亡”问题;ReLU 与 Leaky ReLU 都是其特例。")),
    cons=bi(("k times the parameters and compute of the layer it replaces.",),
            ("计算上和参数数量上更复杂:参数量与计算量是原层的 k 倍。",)),
    other_defaults={"pytorch": "not built in", "keras": "not built in (tfa.layers.Maxout)",
                    "jax": "not built in"},
    torch_equivalent=None, year=2013,
    reference="Goodfellow et al., Maxout Networks, ICML 2013.",
    in_sources=("003",),
))


# ---------------------------------------------------------------------- dynamic_relu
DYNAMIC_RELU_MODULE_PARAMS = (
    Param("channels", None, int, _COUNT, doc="number of channels C (dim 1 of the input)"),
    Param("reduction", 4, int, _COUNT, doc="hidden width of the hyper-function is C / reduction"),
    Param("k", 2, int, _COUNT, doc="linear pieces per channel"),
    Param("lambda_a", 1.0, float, POSITIVE, doc="range of the slope residuals"),
    Param("lambda_b", 0.5, float, POSITIVE, doc="range of the intercept residuals"),
)


def dynamic_relu(x: torch.Tensor, *, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    r"""Piecewise-linear activation with per-sample, per-channel coefficients.

    .. math::
        y_{n,c} = \max_{k} \bigl(a^{k}_{n,c}\, x_{n,c} + b^{k}_{n,c}\bigr)

    :class:`DynamicReLU` computes ``a`` and ``b`` from the input itself.

    Args:
        x: input of shape ``(N, C)`` or ``(N, C, *)``.
        a: slopes, shape ``(N, C, K)``.
        b: intercepts, shape ``(N, C, K)``.

    Shape:
        Input ``(N, C, *)``, output the same.

    Returns:
        The piecewise-linear activation of ``x``, with its dtype and device.

    Example:
        >>> import torch
        >>> a = torch.tensor([[[1.0, 0.1]]]); b = torch.zeros(1, 1, 2)
        >>> dynamic_relu(torch.tensor([[-2.0]]), a=a, b=b)
        tensor([[-0.2000]])
    """
    x = tensor("dynamic_relu", x)
    if x.ndim < 2:
        raise InputError(f"`x` of dynamic_relu must have shape (N, C, *); got {tuple(x.shape)}")
    want = (x.shape[0], x.shape[1])
    for name, c in (("a", a), ("b", b)):
        if not isinstance(c, torch.Tensor) or c.ndim != 3 or tuple(c.shape[:2]) != want:
            shape = tuple(c.shape) if isinstance(c, torch.Tensor) else type(c).__name__
            raise InputError(f"`{name}` of dynamic_relu must have shape (N, C, K) = "
                             f"({want[0]}, {want[1]}, K); got {shape}")
    extra = (1,) * (x.ndim - 2)
    a = a.reshape(*want, *extra, a.shape[-1])
    b = b.reshape(*want, *extra, b.shape[-1])
    return (x.unsqueeze(-1) * a + b).amax(dim=-1)


def dynamic_relu_vjp(x: torch.Tensor, grad_out: torch.Tensor, *, a: torch.Tensor,
                     b: torch.Tensor) -> torch.Tensor:
    """d y / d x = the slope of the active piece, a^{k*} with k* the arg-max."""
    extra = (1,) * (x.ndim - 2)
    a = a.reshape(*a.shape[:2], *extra, a.shape[-1])
    b = b.reshape(*b.shape[:2], *extra, b.shape[-1])
    k = (x.unsqueeze(-1) * a + b).argmax(dim=-1, keepdim=True)
    slope = torch.gather(a.expand(*x.shape, a.shape[-1]), -1, k).squeeze(-1)
    return grad_out * slope


class DynamicReLU(nn.Module):
    r"""Dynamic ReLU, DY-ReLU-B (Chen et al. 2020): input-adaptive piecewise-linear units.

    A hyper-function of the global context (mean over positions) sets, for each sample
    and channel, ``K`` slopes and intercepts:

    .. math::
        \theta = 2\sigma\bigl(W_2\,\mathrm{relu}(W_1 \bar x)\bigr) - 1 \in (-1, 1)^{2KC},
        \quad a^k_c = \alpha^k + \lambda_a \theta^{a,k}_c,
        \quad b^k_c = \beta^k + \lambda_b \theta^{b,k}_c

    with :math:`\alpha^1 = 1` and :math:`\alpha^{k>1} = \beta^k = 0`, so a zero residual
    gives ReLU; then :math:`y_c = \max_k (a^k_c x_c + b^k_c)`. The threshold where the
    active piece changes thus depends on the input.

    Args:
        channels: C, the size of dim 1.
        reduction: the hyper-function's hidden width is ``max(C // reduction, 1)`` (default 4).
        k: pieces per channel (default 2).
        lambda_a: range of the slope residuals (default 1.0, as the paper).
        lambda_b: range of the intercept residuals (default 0.5, as the paper).

    Shape:
        Input ``(N, C)`` or ``(N, C, *)``, output the same.

    Example:
        >>> import torch
        >>> m = DynamicReLU(8)
        >>> m(torch.randn(2, 8, 5, 5)).shape
        torch.Size([2, 8, 5, 5])

    References:
        Chen et al., Dynamic ReLU, ECCV 2020 (arXiv:2003.10027).
    """

    def __init__(self, channels: int, reduction: int = 4, k: int = 2, lambda_a: float = 1.0,
                 lambda_b: float = 0.5) -> None:
        super().__init__()
        p = params("dynamic_relu", DYNAMIC_RELU_MODULE_PARAMS, channels=channels,
                   reduction=reduction, k=k, lambda_a=lambda_a, lambda_b=lambda_b)
        self.channels, self.reduction, self.k = p["channels"], p["reduction"], p["k"]
        self.lambda_a, self.lambda_b = p["lambda_a"], p["lambda_b"]
        hidden = max(self.channels // self.reduction, 1)
        self.fc1 = nn.Linear(self.channels, hidden)
        self.fc2 = nn.Linear(hidden, 2 * self.k * self.channels)
        init = torch.zeros(2 * self.k)
        init[0] = 1.0  # alpha^1 = 1; other slopes and all intercepts start at 0
        scale = torch.tensor([self.lambda_a] * self.k + [self.lambda_b] * self.k)
        self.register_buffer("init_coefficients", init, persistent=False)
        self.register_buffer("lambdas", scale, persistent=False)

    def coefficients(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Slopes ``a`` and intercepts ``b`` for ``x``, each of shape ``(N, C, K)``."""
        x = tensor("dynamic_relu", x)
        if x.ndim < 2 or x.shape[1] != self.channels:
            raise InputError(f"`x` of dynamic_relu must have shape (N, {self.channels}, *); "
                             f"got {tuple(x.shape)}")
        context = x.mean(dim=tuple(range(2, x.ndim))) if x.ndim > 2 else x
        theta = 2 * torch.sigmoid(self.fc2(torch.relu(self.fc1(context)))) - 1
        theta = theta.view(x.shape[0], self.channels, 2 * self.k)
        coef = self.init_coefficients.to(theta.dtype) + self.lambdas.to(theta.dtype) * theta
        return coef[..., : self.k], coef[..., self.k:]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = self.coefficients(x)
        return dynamic_relu(x, a=a, b=b)

    def extra_repr(self) -> str:
        return (f"channels={self.channels}, reduction={self.reduction}, k={self.k}, "
                f"lambda_a={self.lambda_a}, lambda_b={self.lambda_b}")


DYNAMIC_RELU = register(ActivationSpec(
    name="dynamic_relu", fn=dynamic_relu, vjp=dynamic_relu_vjp, kind="module",
    module=DynamicReLU, module_params=DYNAMIC_RELU_MODULE_PARAMS,
    module_example={"channels": 8, "reduction": 4, "k": 2},
    aliases=("dy_relu", "dyrelu", "attention_relu"), family="learnable",
    summary=(
        "Attention-driven ReLU: a hyper-function of the input sets each channel's pieces and "
        "threshold."
    ),
    summary_zh=(
        "注意力驱动的激活:由输入的全局上下文动态生成每个通道的分段系数,激活阈值随输入自适应调整。"
    ),
    formula=r"y_c = \max_{1 \le k \le K}\bigl(a^{k}_{c}(x)\,x_c + b^{k}_{c}(x)\bigr)",
    derivative_formula=(
        r"\frac{\partial y_c}{\partial x_c} = a^{k^*}_c(x)\ \text{(plus the path through the "
        r"hyper-function)},\ k^* = \arg\max_k (a^k_c x_c + b^k_c)"
    ),
    output_range=Interval(), bounded=False, monotonic=False, smooth=False,
    kink_derivative="the slope of one arg-max piece at ties",
    zero_centred=False, saturates="none", d0=None,
    learnable=("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
    role=("hidden",), init="he",
    pros=bi(("Attention activation: the activation threshold adapts dynamically to each input.",
             "Large accuracy gains for small networks (e.g. MobileNet) at little extra cost."),
            ("注意力激活:激活阈值随输入动态调整。",
             "对小网络(如 MobileNet)以很小的额外计算带来明显的精度提升。")),
    cons=bi(("Extra parameters and a global pooling per layer; slower than a static activation.",
             "The output of each position depends on the whole input (not element-wise)."),
            ("每层增加参数与一次全局池化;比静态激活函数慢。",
             "每个位置的输出依赖于整个输入(不是逐元素的)。")),
    other_defaults={"pytorch": "not built in", "keras": "not built in", "jax": "not built in"},
    torch_equivalent=None, year=2020,
    reference="Chen et al., Dynamic ReLU, ECCV 2020 (arXiv:2003.10027).",
    in_sources=("000",),
))
