"""Classic squashing activations: identity, sigmoid, hard_sigmoid, tanh, hardtanh, softsign,
log_sigmoid.

Each function sits beside its closed-form derivative and its registered
:class:`~actloss.activations._spec.ActivationSpec`.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from actloss import _fast
from actloss._validation import Interval, Param
from actloss.activations._common import bi, down, params, small_plain, tensor, up
from actloss.activations._registry import register
from actloss.activations._spec import ActivationSpec
from actloss.errors import ParameterError

__all__ = [
    "hard_sigmoid",
    "hardtanh",
    "identity",
    "log_sigmoid",
    "sigmoid",
    "softsign",
    "tanh",
]

_INF = math.inf


# --------------------------------------------------------------------------- identity
def identity(x: torch.Tensor) -> torch.Tensor:
    r"""The identity (linear) activation, :math:`f(x) = x`.

    Derivative :math:`f'(x) = 1`. Unbounded, monotonic, zero-centred. The usual output
    activation of a regression model.

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        ``x`` itself (no copy), as ``nn.Identity``.

    Example:
        >>> import torch
        >>> identity(torch.tensor([-2.0, 3.0]))
        tensor([-2.,  3.])
    """
    return tensor("identity", x)


def identity_derivative(x: torch.Tensor) -> torch.Tensor:
    """f'(x) = 1."""
    return torch.ones_like(x)


IDENTITY = register(ActivationSpec(
    name="identity", fn=identity, derivative=identity_derivative,
    aliases=("linear", "none"), family="classic",
    summary="Passes the input through unchanged.",
    summary_zh="线性激活:输入原样输出。",
    formula=r"f(x) = x", derivative_formula=r"f'(x) = 1",
    output_range=Interval(), bounded=False, monotonic=True, smooth=True,
    zero_centred=True, saturates="none", d0=1.0, max_abs_derivative=1.0,
    role=("output",), init="xavier",
    pros=bi(("Output range (-inf, inf): the natural output of regression.",
             "No gradient attenuation at all."),
            ("输出范围为 (-∞, +∞),是回归任务输出层的自然选择(线性激活 y=x)。",
             "梯度原样传递,没有任何衰减。")),
    cons=bi(("A stack of linear layers is still one linear map: no non-linearity.",),
            ("没有非线性:无论叠加多少层,网络仍等价于一个线性变换。",)),
    other_defaults={"pytorch": "nn.Identity", "keras": "activation='linear' (or None)",
                    "jax": "lambda x: x"},
    torch_equivalent="torch.nn.Identity", year=1960,
    reference="Widrow and Hoff, Adaptive switching circuits (ADALINE, a linear unit), 1960.",
    in_sources=("000", "002", "003", "004"),
))


MEMORY_EFFICIENT = Param("memory_efficient", False, bool,
                         doc="accepted for a uniform interface; the output is what is saved")


# --------------------------------------------------------------------------- sigmoid
SIGMOID_PARAMS = (MEMORY_EFFICIENT,)


def sigmoid(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    r"""The logistic sigmoid, :math:`\sigma(x) = 1 / (1 + e^{-x})`.

    Derivative :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`, largest (0.25) at 0.
    Range (0, 1), monotonic, saturates on both sides, not zero-centred.

    Args:
        x: input tensor of any shape.
        memory_efficient: accepted for a uniform interface; the backward needs only the
            output, which is what is saved in either mode. Default ``False``.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Performance:
        The reference path: PyTorch's op, bitwise, at every size and on every run;
        twice differentiable. With the opt-in fast paths enabled (see the *Fast
        paths* page of the documentation) a fast implementation may run instead,
        within its stated error bound.

    Example:
        >>> import torch
        >>> sigmoid(torch.tensor([0.0]))
        tensor([0.5000])

    References:
        Rumelhart, Hinton and Williams, "Learning representations by back-propagating
        errors", Nature 1986.
    """
    if small_plain(x) and memory_efficient.__class__ is bool:
        return torch.sigmoid(x)  # PyTorch's op: see small_plain
    p = params("sigmoid", SIGMOID_PARAMS, memory_efficient=memory_efficient)
    x = tensor("sigmoid", x)
    y = _fast.call("sigmoid", x, **p)
    return torch.sigmoid(x) if y is None else y


def sigmoid_derivative(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    """sigma'(x) = s(1 - s) with s = sigma(x); s(1 - s) = sigma(x) sigma(-x) stays finite.

    ``memory_efficient`` does not change the derivative.
    """
    s = torch.sigmoid(up(x))
    return down(s * (1 - s), x)


SIGMOID = register(ActivationSpec(
    name="sigmoid", fn=sigmoid, derivative=sigmoid_derivative, params=SIGMOID_PARAMS,
    aliases=("logistic", "expit"), family="classic",
    summary="Squashes to (0, 1); reads as a probability.",
    summary_zh="将输入压缩到 (0, 1) 区间,输出可解释为概率。",
    formula=r"\sigma(x) = \frac{1}{1 + e^{-x}}",
    derivative_formula=r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)",
    output_range=Interval(0.0, 1.0, True, True), bounded=True, monotonic=True, smooth=True,
    zero_centred=False, saturates="both", d0=0.25, max_abs_derivative=0.25,
    role=("output", "gate"), init="xavier",
    pros=bi(("Smooth and easy to differentiate; the output reads as a probability.",
             "The output activation of binary and multi-label classification; RNN/LSTM gates."),
            ("平滑、易于求导,输出可以被解释为概率。",
             "二分类与多标签分类的输出层;循环网络(RNN/LSTM)中的门控(控制开关)。")),
    cons=bi(("Vanishing gradient: the derivative is at most 0.25 and tends to 0 when |x| is large.",
             "Information loss in saturation: inputs 100 and 10000 both give almost exactly 1.",
             "Not zero-centred: outputs are always positive, so weight updates zig-zag.",
             "Involves an exponential: slower than ReLU."),
            ("梯度消失:导数最大值为 0.25,|x| 很大时(饱和区)导数趋近于 0,深层网络难以训练。",
             "信息丢失:输入 100 和输入 10000 经过 sigmoid 的激活值几乎都等于 1。",
             "输出非零中心化:输出始终大于 0,权重更新呈“之”字形下降路径,降低收敛效率。",
             "计算相对较慢:涉及指数运算。")),
    other_defaults={"pytorch": "torch.sigmoid", "keras": "activation='sigmoid'",
                    "jax": "jax.nn.sigmoid"},
    torch_equivalent="torch.sigmoid", year=1986,
    reference=(
        "Rumelhart, Hinton and Williams, Learning representations by back-propagating errors, "
        "Nature 323 (1986)."
    ),
    in_sources=("000", "001", "002", "003", "004"),
))


# ----------------------------------------------------------------------- hard_sigmoid
def hard_sigmoid(x: torch.Tensor) -> torch.Tensor:
    r"""Piecewise-linear sigmoid, :math:`f(x) = \mathrm{relu6}(x + 3) / 6` (PyTorch's form).

    .. math::
        f(x) = \begin{cases} 0 & x \le -3 \\ x/6 + 1/2 & -3 < x < 3 \\ 1 & x \ge 3 \end{cases}

    Derivative 1/6 on (-3, 3), 0 outside and at the kinks (PyTorch's convention).

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> hard_sigmoid(torch.tensor([-4.0, 0.0, 4.0]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    x = tensor("hard_sigmoid", x)
    if not (x.requires_grad and torch.is_grad_enabled()):
        return F.hardsigmoid(x)
    return _HardSigmoid.apply(x)


class _HardSigmoid(torch.autograd.Function):
    """PyTorch's one-pass hardsigmoid ops, plus a double backward.

    ``hardsigmoid_backward`` has no derivative of its own, so a backward that builds a
    graph (``create_graph=True``) uses the closed form instead: ``g * f'(x)``, linear in
    ``g``, with f'' = 0 away from the kinks (0 at -3 and 3, PyTorch's convention).
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)
        return F.hardsigmoid(x)

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        if torch.is_grad_enabled():  # create_graph=True: keep the backward differentiable
            return g * hard_sigmoid_derivative(x)
        return torch.ops.aten.hardsigmoid_backward(g, x)


def hard_sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    """1/6 strictly inside (-3, 3), else 0."""
    inside = (x > -3) & (x < 3)
    return inside.to(x.dtype) / 6


HARD_SIGMOID = register(ActivationSpec(
    name="hard_sigmoid", fn=hard_sigmoid, derivative=hard_sigmoid_derivative,
    aliases=("hardsigmoid",), family="classic",
    summary="Piecewise-linear approximation of the sigmoid, cheap on mobile hardware.",
    summary_zh="sigmoid 的分段线性近似,在移动端计算代价低。",
    formula=r"f(x) = \frac{\operatorname{ReLU6}(x + 3)}{6}",
    derivative_formula=(
        r"f'(x) = \begin{cases} 1/6 & -3 < x < 3 \\ 0 & \text{otherwise} \end{cases}"
    ),
    output_range=Interval(0.0, 1.0, True, True), bounded=True, monotonic=True, smooth=False,
    kinks=(-3.0, 3.0), kink_derivative="0 at x = -3 and x = 3 (PyTorch)",
    zero_centred=False, saturates="both", d0=1 / 6, max_abs_derivative=1 / 6,
    role=("gate",), init="xavier",
    pros=bi(("No exponential: only additions, a clamp and a scale.",
             "Exact 0 and 1 outside [-3, 3]."),
            ("无指数运算:只有加法、截断和缩放。",
             "在 [-3, 3] 之外精确输出 0 和 1。")),
    cons=bi(("Zero gradient outside (-3, 3): hard saturation.",
             "Not differentiable at -3 and 3."),
            ("在 (-3, 3) 之外梯度为 0(硬饱和)。",
             "在 -3 和 3 处不可导。")),
    other_defaults={"pytorch": "relu6(x + 3) / 6",
                    "keras": "relu6(x + 3) / 6 in Keras 3 (0.2x + 0.5 in Keras 2)",
                    "jax": "jax.nn.hard_sigmoid: relu6(x + 3) / 6"},
    torch_equivalent="torch.nn.functional.hardsigmoid", year=2019,
    reference="Howard et al., Searching for MobileNetV3, ICCV 2019.",
))


# ----------------------------------------------------------------------------- tanh
TANH_PARAMS = (MEMORY_EFFICIENT,)


def tanh(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    r"""Hyperbolic tangent, :math:`\tanh(x) = (e^x - e^{-x}) / (e^x + e^{-x})`.

    Derivative :math:`1 - \tanh^2(x)`, largest (1) at 0. Range (-1, 1), zero-centred,
    saturates on both sides.

    Args:
        x: input tensor of any shape.
        memory_efficient: accepted for a uniform interface; the backward needs only the
            output, which is what is saved in either mode. Default ``False``.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Performance:
        The reference path: PyTorch's op, bitwise, at every size and on every run;
        twice differentiable. With the opt-in fast paths enabled (see the *Fast
        paths* page of the documentation) a fast implementation may run instead,
        within its stated error bound.

    Example:
        >>> import torch
        >>> tanh(torch.tensor([0.0]))
        tensor([0.])
    """
    if small_plain(x) and memory_efficient.__class__ is bool:
        return torch.tanh(x)  # PyTorch's op: see small_plain
    p = params("tanh", TANH_PARAMS, memory_efficient=memory_efficient)
    x = tensor("tanh", x)
    y = _fast.call("tanh", x, **p)
    return torch.tanh(x) if y is None else y


def tanh_derivative(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    """1 - tanh(x)^2; ``memory_efficient`` does not change it."""
    t = torch.tanh(up(x))
    return down(1 - t * t, x)


TANH = register(ActivationSpec(
    name="tanh", fn=tanh, derivative=tanh_derivative, params=TANH_PARAMS,
    aliases=("hyperbolic_tangent",), family="classic",
    summary="Squashes to (-1, 1); a zero-centred, rescaled sigmoid.",
    summary_zh="将输入压缩到 (-1, 1) 区间;是 sigmoid 缩放平移后的零中心版本。",
    formula=r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1",
    derivative_formula=r"\tanh'(x) = 1 - \tanh^2(x)",
    output_range=Interval(-1.0, 1.0, True, True), bounded=True, monotonic=True, smooth=True,
    zero_centred=True, saturates="both", d0=1.0, max_abs_derivative=1.0,
    role=("hidden", "gate", "output"), init="xavier",
    pros=bi(((
        "Zero-centred (tanh(-x) = -tanh(x)): better-centred inputs for the next layer, faster "
        "convergence than sigmoid."
    ),
             "Larger gradient than sigmoid: the derivative reaches 1 at x = 0.",
             "Bounds the state of RNN/LSTM cells."),
            ("零中心化:输出关于原点对称(tanh(-x) = -tanh(x)),通常有助于加速收敛。",
             "梯度比 Sigmoid 稍大:导数在 x=0 处达到最大值 1。",
             "循环网络(RNN/LSTM)中用于状态(限制范围)。")),
    cons=bi(("Still vanishes: the derivative tends to 0 when |x| is large.",
             "Involves exponentials: slower than ReLU."),
            ("仍有梯度消失:当 |x| 很大时,导数趋近于 0。",
             "计算相对较慢:同样涉及指数运算。")),
    other_defaults={"pytorch": "torch.tanh", "keras": "activation='tanh'", "jax": "jax.numpy.tanh"},
    torch_equivalent="torch.tanh", year=1998,
    reference=(
        "LeCun et al., Efficient BackProp (1998); tanh units in early multilayer perceptrons."
    ),
    in_sources=("000", "001", "002", "003", "004"),
))


# --------------------------------------------------------------------------- hardtanh
HARDTANH_PARAMS = (
    Param("min_val", -1.0, float, Interval(), doc="lower clamp; must be below max_val"),
    Param("max_val", 1.0, float, Interval(), doc="upper clamp; must be above min_val"),
)


def _hardtanh_params(min_val: float, max_val: float) -> dict[str, float]:
    p = params("hardtanh", HARDTANH_PARAMS, min_val=min_val, max_val=max_val)
    if not p["min_val"] < p["max_val"]:
        raise ParameterError(
            f"`max_val` of hardtanh must be greater than `min_val` ({p['min_val']!r}); "
            f"got {p['max_val']!r}"
        )
    return p


def hardtanh(x: torch.Tensor, *, min_val: float = -1.0, max_val: float = 1.0) -> torch.Tensor:
    r"""Clamp to ``[min_val, max_val]``: the piecewise-linear tanh.

    .. math::
        f(x) = \min(\max(x, a), b), \quad a = \text{min\_val},\ b = \text{max\_val}

    Derivative 1 on (a, b), 0 outside and at the kinks (PyTorch's convention).

    Args:
        x: input tensor of any shape.
        min_val: lower bound, any float below ``max_val`` (default -1).
        max_val: upper bound, any float above ``min_val`` (default 1).

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> hardtanh(torch.tensor([-2.0, 0.5, 2.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    p = _hardtanh_params(min_val, max_val)
    return F.hardtanh(tensor("hardtanh", x), p["min_val"], p["max_val"])


def hardtanh_derivative(x: torch.Tensor, *, min_val: float = -1.0,
                        max_val: float = 1.0) -> torch.Tensor:
    """1 strictly inside (min_val, max_val), else 0."""
    return ((x > min_val) & (x < max_val)).to(x.dtype)


HARDTANH = register(ActivationSpec(
    name="hardtanh", fn=hardtanh, derivative=hardtanh_derivative, params=HARDTANH_PARAMS,
    aliases=("hard_tanh",), family="classic",
    summary="Clamps to [min_val, max_val]; a piecewise-linear tanh.",
    summary_zh="把输入截断到 [min_val, max_val];tanh 的分段线性版本。",
    formula=r"f(x) = \min\bigl(\max(x, a), b\bigr)",
    derivative_formula=r"f'(x) = \begin{cases} 1 & a < x < b \\ 0 & \text{otherwise} \end{cases}",
    output_range=Interval(-1.0, 1.0, True, True), bounded=True, monotonic=True, smooth=False,
    kinks=(-1.0, 1.0), kink_derivative="0 at both clamp points (PyTorch)",
    zero_centred=True, saturates="both", d0=1.0, max_abs_derivative=1.0,
    role=("hidden",), init="xavier",
    pros=bi(("No exponential; exact bounds.", "Zero-centred with unit slope in the middle."),
            ("无指数运算;输出边界精确。", "零中心,中间区间斜率为 1。")),
    cons=bi(("Zero gradient outside (min_val, max_val): hard saturation.",
             "Not differentiable at the clamp points."),
            ("在 (min_val, max_val) 之外梯度为 0(硬饱和)。", "在截断点处不可导。")),
    other_defaults={"pytorch": "min_val=-1.0, max_val=1.0", "keras": "hard_tanh: clamp to [-1, 1]",
                    "jax": "jax.nn.hard_tanh: clamp to [-1, 1]"},
    torch_equivalent="torch.nn.functional.hardtanh", year=2011,
    reference=(
        "Collobert, Large Scale Machine Learning (PhD thesis, 2004); Collobert et al., Natural "
        "Language Processing (Almost) from Scratch, JMLR 2011."
    ),
))


# --------------------------------------------------------------------------- softsign
def softsign(x: torch.Tensor) -> torch.Tensor:
    r"""Softsign, :math:`f(x) = x / (1 + |x|)`.

    Derivative :math:`1 / (1 + |x|)^2`. Range (-1, 1); it approaches its bounds
    polynomially, not exponentially like tanh.

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> softsign(torch.tensor([-3.0, 1.0]))
        tensor([-0.7500,  0.5000])
    """
    return F.softsign(tensor("softsign", x))


def softsign_derivative(x: torch.Tensor) -> torch.Tensor:
    """1 / (1 + |x|)^2."""
    xu = up(x)
    return down(1 / (1 + xu.abs()).square(), x)


SOFTSIGN = register(ActivationSpec(
    name="softsign", fn=softsign, derivative=softsign_derivative,
    family="classic",
    summary="x / (1 + |x|): a tanh-like squashing with polynomial tails.",
    summary_zh="x / (1 + |x|):类似 tanh 的压缩函数,尾部以多项式速度逼近边界。",
    formula=r"f(x) = \frac{x}{1 + |x|}",
    derivative_formula=r"f'(x) = \frac{1}{(1 + |x|)^2}",
    output_range=Interval(-1.0, 1.0), bounded=True, monotonic=True, smooth=True,
    zero_centred=True, saturates="both", d0=1.0, max_abs_derivative=1.0,
    role=("hidden",), init="xavier",
    pros=bi(("Zero-centred; saturates more slowly than tanh (polynomial tails).",
             "No exponential."),
            ("零中心;比 tanh 饱和得更慢(多项式尾部)。", "无指数运算。")),
    cons=bi(("Still saturates: the derivative decays like 1/x^2.",
             "Rarely used in modern networks."),
            ("仍会饱和:导数按 1/x² 衰减。", "在现代网络中很少使用。")),
    other_defaults={"pytorch": "torch.nn.functional.softsign", "keras": "activation='softsign'",
                    "jax": "jax.nn.soft_sign"},
    torch_equivalent="torch.nn.functional.softsign", year=2009,
    reference=(
        "Bergstra et al., Quadratic polynomials learn better image features (2009); Glorot and "
        "Bengio, AISTATS 2010."
    ),
))


# ------------------------------------------------------------------------ log_sigmoid
def log_sigmoid(x: torch.Tensor) -> torch.Tensor:
    r"""Log of the sigmoid, computed in log space: :math:`\log\sigma(x) = -\mathrm{softplus}(-x)`.

    Derivative :math:`\sigma(-x) = 1 - \sigma(x)`. Range (-inf, 0). Never computed as
    ``log(sigmoid(x))``, which is ``-inf`` for x below about -104 in float32.

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> log_sigmoid(torch.tensor([-200.0]))
        tensor([-200.])
    """
    # log(sigmoid(x)) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|)), as F.logsigmoid does.
    return F.logsigmoid(tensor("log_sigmoid", x))


def log_sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    """d/dx log(sigmoid(x)) = 1 - sigmoid(x) = sigmoid(-x)."""
    return down(torch.sigmoid(-up(x)), x)


LOG_SIGMOID = register(ActivationSpec(
    name="log_sigmoid", fn=log_sigmoid, derivative=log_sigmoid_derivative,
    aliases=("logsigmoid",), family="classic",
    summary="log(sigmoid(x)) in a stable form; the log-probability of the positive class.",
    summary_zh="以数值稳定形式计算的 log(sigmoid(x));正类的对数概率。",
    formula=r"f(x) = \log\sigma(x) = -\log\bigl(1 + e^{-x}\bigr)",
    derivative_formula=r"f'(x) = \sigma(-x) = 1 - \sigma(x)",
    output_range=Interval(-_INF, 0.0), bounded=False, monotonic=True, smooth=True,
    zero_centred=False, saturates="positive", d0=0.5, max_abs_derivative=1.0,
    role=("output",), init="xavier",
    pros=bi(("Finite everywhere: a stable log-probability for likelihood losses.",),
            ("处处有限:为似然类损失提供数值稳定的对数概率。",)),
    cons=bi(("Output is never positive; mainly an output/loss building block.",),
            ("输出恒为负;主要作为输出层或损失函数的组成部分。",)),
    other_defaults={"pytorch": "torch.nn.functional.logsigmoid", "keras": "keras.ops.log_sigmoid",
                    "jax": "jax.nn.log_sigmoid"},
    torch_equivalent="torch.nn.functional.logsigmoid", year=1986,
    reference=(
        "Log-space logistic function; see Bishop, Pattern Recognition and Machine Learning "
        "(2006), 4.3.2."
    ),
))
