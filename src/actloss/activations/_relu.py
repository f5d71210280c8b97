"""The rectifier family: relu, relu6, leaky_relu, rrelu, elu, selu, celu, threshold,
squared_relu.

Derivatives at a kink use PyTorch's convention, stated in each spec's
``kink_derivative``: ``relu'(0) = 0``, ``leaky_relu'(0) = negative_slope``,
``elu'(0) = alpha``.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from actloss import _fast
from actloss._validation import NONNEGATIVE, POSITIVE, UNIT, Interval, Param
from actloss.activations._common import bi, down, params, small_plain, tensor, up
from actloss.activations._registry import register
from actloss.activations._spec import ActivationSpec
from actloss.errors import ParameterError

__all__ = [
    "RReLU",
    "celu",
    "elu",
    "leaky_relu",
    "relu",
    "relu6",
    "rrelu",
    "selu",
    "squared_relu",
    "threshold",
]

_INF = math.inf
MEMORY_EFFICIENT = Param("memory_efficient", False, bool,
                         doc="save less for the backward and recompute (same values)")
_RELU_CONS = bi(
    ((
        "Dying ReLU: for x < 0 the derivative is 0; a unit whose input stays negative never "
        "updates again."
    ),
     "Not zero-centred: outputs are always >= 0.",
     "Not differentiable at x = 0 (the derivative there is set to 0)."),
    ("死亡ReLU:在负区间 (x < 0) 导数为 0,若神经元的输入长期小于 0,其权重将无法再更新,永远“死亡”。",
     "输出非零中心化:输出始终 >= 0。",
     "在 x=0 处不可导:实践中通常将 x=0 处的导数设为 0。"),
)


# ----------------------------------------------------------------------------- relu
RELU_PARAMS = (MEMORY_EFFICIENT,)


def relu(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    r"""Rectified linear unit, :math:`\mathrm{ReLU}(x) = \max(0, x)`.

    .. math::
        \mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}

    The derivative at 0 is 0 (PyTorch's convention, and the source's
    ``relu_derivative``: ``1 if x > 0 else 0``).

    Args:
        x: input tensor of any shape.
        memory_efficient: save a one-byte mask :math:`\mathbb{1}[x > 0]` for the backward
            instead of the float output (same values and gradients), default ``False``.

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
        >>> relu(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])

    References:
        Nair and Hinton, ICML 2010; Glorot, Bordes and Bengio, AISTATS 2011.
    """
    if small_plain(x) and memory_efficient.__class__ is bool:
        return torch.relu(x)  # PyTorch's op: see small_plain
    p = params("relu", RELU_PARAMS, memory_efficient=memory_efficient)
    x = tensor("relu", x)
    y = _fast.call("relu", x, **p)
    return torch.relu(x) if y is None else y


def relu_derivative(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    """1 for x > 0, else 0 (0 at the kink); ``memory_efficient`` does not change it."""
    return (x > 0).to(x.dtype)


RELU = register(ActivationSpec(
    name="relu", fn=relu, derivative=relu_derivative, params=RELU_PARAMS,
    aliases=("rectifier",), family="relu",
    summary="max(0, x): the default hidden activation.",
    summary_zh="max(0, x):最常用的隐藏层激活函数。",
    formula=r"\operatorname{ReLU}(x) = \max(0, x)",
    derivative_formula=(
        r"\operatorname{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}"
    ),
    output_range=Interval(0.0, _INF, True), bounded=False, monotonic=True, smooth=False,
    kinks=(0.0,), kink_derivative="0 at x = 0 (PyTorch)",
    zero_centred=False, saturates="negative", d0=0.0, max_abs_derivative=1.0,
    role=("hidden", "output"), init="he",
    pros=bi(("Extremely cheap: a comparison and a max, no exponential.",
             (
                 "Mitigates vanishing gradients: the derivative is 1 for x > 0, so deep networks "
                 "train."
             ),
             "Sparse activation: units output exactly 0 for x < 0, like biological neurons.",
             "Output in [0, inf): a regression output for non-negative targets."),
            ("计算极其高效:只需比较和取最大值操作,没有指数等复杂运算。",
             (
                 "缓解梯度消失:在正区间 (x > 0) 导数为 "
                 "1,梯度可以无损地反向传播,使深层网络训练成为可能。"
             ),
             "稀疏激活:x < 0 时输出为 0,仅部分神经元激活,模拟生物神经元的工作模式。",
             "输出范围 [0, +∞):可用于输出非负的回归任务(如销量)。")),
    cons=_RELU_CONS,
    other_defaults={"pytorch": "torch.relu", "keras": "activation='relu'", "jax": "jax.nn.relu"},
    torch_equivalent="torch.relu", year=2010,
    reference=(
        "Nair and Hinton, Rectified Linear Units Improve Restricted Boltzmann Machines, ICML 2010."
    ),
    in_sources=("000", "001", "002", "003", "004"),
))


# ---------------------------------------------------------------------------- relu6
def relu6(x: torch.Tensor) -> torch.Tensor:
    r"""ReLU capped at 6, :math:`\min(\max(0, x), 6)`.

    Derivative 1 on (0, 6), 0 elsewhere and at both kinks (PyTorch).

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> relu6(torch.tensor([-1.0, 3.0, 9.0]))
        tensor([0., 3., 6.])
    """
    return F.relu6(tensor("relu6", x))


def relu6_derivative(x: torch.Tensor) -> torch.Tensor:
    """1 on (0, 6), else 0."""
    return ((x > 0) & (x < 6)).to(x.dtype)


RELU6 = register(ActivationSpec(
    name="relu6", fn=relu6, derivative=relu6_derivative,
    family="relu",
    summary="ReLU capped at 6; robust under low-precision arithmetic.",
    summary_zh="上限为 6 的 ReLU;在低精度计算中更稳健。",
    formula=r"f(x) = \min\bigl(\max(0, x), 6\bigr)",
    derivative_formula=r"f'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}",
    output_range=Interval(0.0, 6.0, True, True), bounded=True, monotonic=True, smooth=False,
    kinks=(0.0, 6.0), kink_derivative="0 at x = 0 and x = 6 (PyTorch)",
    zero_centred=False, saturates="both", d0=0.0, max_abs_derivative=1.0,
    role=("hidden",), init="he",
    pros=bi(("Bounded activations suit fixed-point and low-precision inference.",
             "As cheap as ReLU."),
            ("输出有界,适合定点与低精度推理。", "与 ReLU 一样高效。")),
    cons=bi(("Zero gradient for x < 0 and for x > 6.", "Not differentiable at 0 and 6."),
            ("x < 0 和 x > 6 时梯度为 0。", "在 0 和 6 处不可导。")),
    other_defaults={"pytorch": "torch.nn.functional.relu6", "keras": "activation='relu6'",
                    "jax": "jax.nn.relu6"},
    torch_equivalent="torch.nn.functional.relu6", year=2010,
    reference=(
        "Krizhevsky, Convolutional Deep Belief Networks on CIFAR-10 (2010); Howard et al., "
        "MobileNets (2017)."
    ),
))


# ----------------------------------------------------------------------- leaky_relu
LEAKY_PARAMS = (Param("negative_slope", 0.01, float, NONNEGATIVE,
                      doc="slope for x < 0 (PyTorch default 0.01)"), MEMORY_EFFICIENT)


def leaky_relu(x: torch.Tensor, *, negative_slope: float = 0.01,
               memory_efficient: bool = False) -> torch.Tensor:
    r"""Leaky ReLU, :math:`f(x) = x` for :math:`x > 0` and :math:`\alpha x` otherwise.

    .. math::
        f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}

    Args:
        x: input tensor of any shape.
        negative_slope: :math:`\alpha \in [0, \infty)`, default 0.01 (PyTorch, JAX;
            Keras uses 0.2).
        memory_efficient: save a one-byte mask :math:`\mathbb{1}[x > 0]` for the backward
            instead of the float input (same values and gradients), default ``False``.

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
        >>> leaky_relu(torch.tensor([-100.0, 2.0]))
        tensor([-1.,  2.])
    """
    if small_plain(x) and memory_efficient.__class__ is bool \
            and negative_slope.__class__ is float and 0.0 <= negative_slope < _INF:
        return F.leaky_relu(x, negative_slope)  # PyTorch's op: see small_plain
    p = params("leaky_relu", LEAKY_PARAMS, negative_slope=negative_slope,
               memory_efficient=memory_efficient)
    x = tensor("leaky_relu", x)
    if p["negative_slope"] > 1.0:
        return F.leaky_relu(x, p["negative_slope"])
    y = _fast.call("leaky_relu", x, **p)
    return F.leaky_relu(x, p["negative_slope"]) if y is None else y


def leaky_relu_derivative(x: torch.Tensor, *, negative_slope: float = 0.01,
                          memory_efficient: bool = False) -> torch.Tensor:
    """1 for x > 0, negative_slope for x <= 0; ``memory_efficient`` does not change it."""
    return torch.where(x > 0, torch.ones_like(x), torch.full_like(x, negative_slope))


LEAKY_RELU = register(ActivationSpec(
    name="leaky_relu", fn=leaky_relu, derivative=leaky_relu_derivative, params=LEAKY_PARAMS,
    aliases=("leakyrelu", "lrelu"), family="relu",
    summary="ReLU with a small slope for negative inputs; units cannot die.",
    summary_zh="在负区间给予一个很小的非零斜率 α 的 ReLU,避免神经元“死亡”。",
    formula=r"f(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}",
    derivative_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}",
    output_range=Interval(), bounded=False, monotonic=True, smooth=False,
    kinks=(0.0,), kink_derivative="negative_slope at x = 0 (PyTorch)",
    zero_centred=False, saturates="none", d0=0.01, max_abs_derivative=1.0,
    role=("hidden",), init="he",
    pros=bi(((
        "Mitigates dying ReLU: a small gradient alpha for x < 0 lets every unit keep learning."
    ),
             "As cheap as ReLU."),
            ("缓解死亡ReLU:负区间有小的梯度 α,即使输入为负,神经元也有机会更新权重。",
             "计算高效:和 ReLU 一样高效。")),
    cons=bi(("Depends on alpha, which must be set by hand; 0.01 usually works but is not optimal.",
             "Not differentiable at x = 0.",
             "The small negative slope may not fully solve the problem in some settings."),
            ("效果依赖 α:需要人工设定或尝试 α 值,通常设 0.01 有效,但并非最优。",
             "在 x=0 处不可导。",
             "负区间表现可能不一致:微小的负斜率可能不足以完全解决某些场景下的问题。")),
    other_defaults={"pytorch": "negative_slope=0.01",
                    "keras": "negative_slope=0.2 (LeakyReLU layer default 0.3 in Keras 2)",
                    "jax": "negative_slope=0.01"},
    torch_equivalent="torch.nn.functional.leaky_relu", year=2013,
    reference=(
        "Maas, Hannun and Ng, Rectifier Nonlinearities Improve Neural Network Acoustic Models, "
        "ICML 2013."
    ),
    in_sources=("001", "002", "003", "004"),
))


# ----------------------------------------------------------------------------- rrelu
RRELU_PARAMS = (
    Param("lower", 1 / 8, float, UNIT, doc="lower bound of the random negative slope"),
    Param("upper", 1 / 3, float, UNIT, doc="upper bound of the random negative slope"),
    Param("training", False, bool, doc="sample slopes (True) or use their mean (False)"),
)


def _rrelu_params(**given: Any) -> dict[str, Any]:
    p = params("rrelu", RRELU_PARAMS, **given)
    if p["lower"] > p["upper"]:
        raise ParameterError(
            f"`upper` of rrelu must be at least `lower` ({p['lower']!r}); got {p['upper']!r}"
        )
    return p


def rrelu(x: torch.Tensor, *, lower: float = 1 / 8, upper: float = 1 / 3,
          training: bool = False) -> torch.Tensor:
    r"""Randomised leaky ReLU: in training the negative slope is drawn from
    :math:`U(\text{lower}, \text{upper})` per element; in evaluation it is their mean.

    .. math::
        f(x) = \begin{cases} x & x \ge 0 \\ a x & x < 0 \end{cases}, \quad
        a \sim U(l, u) \text{ (training)}, \ a = (l + u)/2 \text{ (evaluation)}

    Args:
        x: input tensor of any shape.
        lower: :math:`l \in [0, 1]`, default 1/8.
        upper: :math:`u \in [0, 1]`, at least ``lower``, default 1/3.
        training: draw random slopes (default ``False``: deterministic mean slope).

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> rrelu(torch.tensor([-24.0, 1.0]))
        tensor([-5.5000,  1.0000])
    """
    p = _rrelu_params(lower=lower, upper=upper, training=training)
    return F.rrelu(tensor("rrelu", x), p["lower"], p["upper"], training=p["training"])


def rrelu_derivative(x: torch.Tensor, *, lower: float = 1 / 8, upper: float = 1 / 3,
                     training: bool = False) -> torch.Tensor:
    """Evaluation mode: 1 for x > 0, (lower + upper) / 2 for x <= 0."""
    if training:
        raise ParameterError("the derivative of rrelu exists in closed form only for "
                             "`training` False; got True")
    return torch.where(x > 0, torch.ones_like(x), torch.full_like(x, (lower + upper) / 2))


class RReLU(nn.Module):
    """Randomised leaky ReLU as a module: random slopes in ``train()``, mean in ``eval()``.

    Example:
        >>> import torch
        >>> m = RReLU().eval()
        >>> m(torch.tensor([-24.0]))
        tensor([-5.5000])
    """

    def __init__(self, lower: float = 1 / 8, upper: float = 1 / 3) -> None:
        super().__init__()
        p = _rrelu_params(lower=lower, upper=upper)
        self.lower, self.upper = p["lower"], p["upper"]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return rrelu(x, lower=self.lower, upper=self.upper, training=self.training)

    def extra_repr(self) -> str:
        return f"lower={self.lower!r}, upper={self.upper!r}"


RRELU = register(ActivationSpec(
    name="rrelu", fn=rrelu, derivative=rrelu_derivative, module=RReLU, params=RRELU_PARAMS,
    module_params=RRELU_PARAMS[:2],
    aliases=("randomized_relu", "randomised_relu"), family="relu",
    summary="Leaky ReLU whose negative slope is random during training.",
    summary_zh="训练时负区间斜率随机采样的 Leaky ReLU。",
    formula=r"f(x) = \begin{cases} x & x \ge 0 \\ a x & x < 0 \end{cases},\ a \sim U(l, u)",
    derivative_formula=(
        r"f'(x) = \begin{cases} 1 & x > 0 \\ \frac{l + u}{2} & x \le 0 \end{cases} \text{ "
        r"(evaluation)}"
    ),
    output_range=Interval(), bounded=False, monotonic=True, smooth=False,
    kinks=(0.0,), kink_derivative=(
        "the mean slope (lower + upper) / 2 at x = 0 (PyTorch, evaluation)"
    ),
    zero_centred=False, saturates="none", d0=(1 / 8 + 1 / 3) / 2, max_abs_derivative=1.0,
    role=("hidden",), init="he",
    pros=bi(("The random slope acts as a regulariser.", "Units cannot die."),
            ("随机斜率起到正则化作用。", "神经元不会“死亡”。")),
    cons=bi(("Training and evaluation differ; results depend on the random state.",),
            ("训练与推理行为不同;结果依赖随机状态。",)),
    other_defaults={"pytorch": "lower=1/8, upper=1/3", "keras": "not built in",
                    "jax": "not built in"},
    torch_equivalent="torch.nn.functional.rrelu", year=2015,
    reference=(
        "Xu et al., Empirical Evaluation of Rectified Activations in Convolutional Network, 2015."
    ),
    module_example={"lower": 0.125, "upper": 0.25},
))


# ------------------------------------------------------------------------------- elu
ELU_PARAMS = (Param("alpha", 1.0, float, NONNEGATIVE, doc="negative saturation value -alpha"),
              MEMORY_EFFICIENT)


def elu(x: torch.Tensor, *, alpha: float = 1.0, memory_efficient: bool = False) -> torch.Tensor:
    r"""Exponential linear unit.

    .. math::
        f(x) = \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases}, \quad
        f'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}

    ``e^x - 1`` is computed with ``expm1`` (exact for small ``|x|``).

    Args:
        x: input tensor of any shape.
        alpha: :math:`\alpha \in [0, \infty)`, default 1.
        memory_efficient: accepted for a uniform interface; ELU's backward needs only the
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
        >>> elu(torch.tensor([-100.0, 2.0]))
        tensor([-1.,  2.])
    """
    if small_plain(x) and memory_efficient.__class__ is bool \
            and alpha.__class__ is float and 0.0 <= alpha < _INF:
        return F.elu(x, alpha)  # PyTorch's op: see small_plain
    p = params("elu", ELU_PARAMS, alpha=alpha, memory_efficient=memory_efficient)
    x = tensor("elu", x)
    if p["alpha"] == 0.0:
        return F.elu(x, p["alpha"])
    y = _fast.call("elu", x, **p)
    return F.elu(x, p["alpha"]) if y is None else y


def elu_derivative(x: torch.Tensor, *, alpha: float = 1.0,
                   memory_efficient: bool = False) -> torch.Tensor:
    """1 for x > 0, alpha * exp(x) for x <= 0 (exp of min(x, 0) cannot overflow).

    ``memory_efficient`` does not change the derivative.
    """
    xu = up(x)
    return down(torch.where(xu > 0, 1.0, alpha * torch.exp(xu.clamp(max=0))), x)


ELU = register(ActivationSpec(
    name="elu", fn=elu, derivative=elu_derivative, params=ELU_PARAMS,
    family="relu",
    summary="Identity for x > 0, a soft exponential saturation to -alpha for x <= 0.",
    summary_zh="x > 0 时为恒等映射,x <= 0 时以指数方式软饱和到 -α。",
    formula=r"f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}",
    derivative_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha e^{x} & x \le 0 \end{cases}",
    output_range=Interval(-1.0, _INF), bounded=False, monotonic=True, smooth=True,
    kinks=(), kink_derivative="alpha at x = 0 (PyTorch); C1 only when alpha = 1",
    zero_centred=True, saturates="negative", d0=1.0, max_abs_derivative=1.0,
    role=("hidden",), init="he",
    pros=bi(("Combines ReLU and Leaky ReLU: outputs for x < 0, so units do not die.",
             "Mean activation close to 0 (like tanh), which speeds up learning.",
             "Soft saturation for negative inputs gives some robustness to noise."),
            ("融合了 ReLU 和 Leaky ReLU 的优点:在负区间有输出,避免神经元死亡。",
             "输出均值接近于 0(类似 Tanh),有助于加速学习。",
             "在负区间的“软饱和”特性使其对噪声有一定的鲁棒性。")),
    cons=bi(("More expensive than ReLU: an exponential for x < 0.",),
            ("计算上比 ReLU 复杂(涉及指数运算)。",)),
    other_defaults={"pytorch": "alpha=1.0", "keras": "alpha=1.0", "jax": "alpha=1.0"},
    torch_equivalent="torch.nn.functional.elu", year=2015,
    reference=(
        "Clevert, Unterthiner and Hochreiter, Fast and Accurate Deep Network Learning by "
        "Exponential Linear Units (ELUs), ICLR 2016 (arXiv 2015)."
    ),
    in_sources=("003",),
))


# ------------------------------------------------------------------------------ selu
# Constants of Klambauer et al. (2017), eq. 14, to the digits PyTorch uses.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: torch.Tensor) -> torch.Tensor:
    r"""Scaled ELU with the self-normalising constants.

    .. math::
        f(x) = \lambda \begin{cases} x & x > 0 \\ \alpha (e^{x} - 1) & x \le 0 \end{cases},
        \quad \lambda \approx 1.0507,\ \alpha \approx 1.6733

    Derivative :math:`\lambda` for x > 0 and :math:`\lambda\alpha e^{x}` for x <= 0
    (so :math:`\lambda\alpha \approx 1.7581` at 0, PyTorch's convention).

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> selu(torch.tensor([1.0]))
        tensor([1.0507])
    """
    return F.selu(tensor("selu", x))


def selu_derivative(x: torch.Tensor) -> torch.Tensor:
    """scale for x > 0, scale * alpha * exp(x) for x <= 0."""
    xu = up(x)
    neg = SELU_SCALE * SELU_ALPHA * torch.exp(xu.clamp(max=0))
    return down(torch.where(xu > 0, SELU_SCALE, neg), x)


SELU = register(ActivationSpec(
    name="selu", fn=selu, derivative=selu_derivative,
    family="relu",
    summary="Scaled ELU whose constants keep activations near zero mean and unit variance.",
    summary_zh="带特定缩放常数的 ELU,使激活值保持零均值、单位方差(自归一化)。",
    formula=r"f(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}",
    derivative_formula=(
        r"f'(x) = \begin{cases} \lambda & x > 0 \\ \lambda\alpha e^{x} & x \le 0 \end{cases}"
    ),
    output_range=Interval(-SELU_SCALE * SELU_ALPHA, _INF), bounded=False, monotonic=True,
    smooth=False, kinks=(0.0,), kink_derivative="scale * alpha (about 1.7581) at x = 0 (PyTorch)",
    zero_centred=True, saturates="negative", d0=SELU_SCALE * SELU_ALPHA,
    max_abs_derivative=SELU_SCALE * SELU_ALPHA,
    role=("hidden",), init="lecun",
    pros=bi(("Self-normalising: deep fully connected nets train without batch normalisation.",),
            ("自归一化:深层全连接网络无需批归一化即可训练。",)),
    cons=bi(("Needs LeCun-normal initialisation and alpha-dropout to keep its guarantees.",
             "Derivative jumps at 0 (1.0507 vs 1.7581)."),
            ("需要 LeCun 正态初始化和 alpha-dropout 才能保持其理论性质。",
             "导数在 0 处不连续(1.0507 与 1.7581)。")),
    other_defaults={"pytorch": "fixed constants",
                    "keras": "fixed constants",
                    "jax": "fixed constants"},
    torch_equivalent="torch.nn.functional.selu", year=2017,
    reference="Klambauer et al., Self-Normalizing Neural Networks, NeurIPS 2017.",
))


# ------------------------------------------------------------------------------ celu
CELU_PARAMS = (Param("alpha", 1.0, float, POSITIVE, doc="negative saturation value -alpha"),)


def celu(x: torch.Tensor, *, alpha: float = 1.0) -> torch.Tensor:
    r"""Continuously differentiable ELU.

    .. math::
        f(x) = \max(0, x) + \min\bigl(0, \alpha (e^{x/\alpha} - 1)\bigr), \quad
        f'(x) = \begin{cases} 1 & x > 0 \\ e^{x/\alpha} & x \le 0 \end{cases}

    Args:
        x: input tensor of any shape.
        alpha: :math:`\alpha \in (0, \infty)`, default 1.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> celu(torch.tensor([-100.0, 2.0]), alpha=2.0)
        tensor([-2.,  2.])
    """
    p = params("celu", CELU_PARAMS, alpha=alpha)
    return F.celu(tensor("celu", x), p["alpha"])


def celu_derivative(x: torch.Tensor, *, alpha: float = 1.0) -> torch.Tensor:
    """1 for x > 0, exp(x / alpha) for x <= 0."""
    xu = up(x)
    return down(torch.where(xu > 0, 1.0, torch.exp(xu.clamp(max=0) / alpha)), x)


CELU = register(ActivationSpec(
    name="celu", fn=celu, derivative=celu_derivative, params=CELU_PARAMS,
    family="relu",
    summary="ELU reparametrised to be C1 for every alpha.",
    summary_zh="对 ELU 重新参数化,使其对任意 α 都一阶连续可导。",
    formula=r"f(x) = \max(0, x) + \min\bigl(0, \alpha\,(e^{x/\alpha} - 1)\bigr)",
    derivative_formula=r"f'(x) = \begin{cases} 1 & x > 0 \\ e^{x/\alpha} & x \le 0 \end{cases}",
    output_range=Interval(-1.0, _INF), bounded=False, monotonic=True, smooth=True,
    zero_centred=True, saturates="negative", d0=1.0, max_abs_derivative=1.0,
    role=("hidden",), init="he",
    pros=bi(("Continuously differentiable for every alpha.", "Zero-mean-ish outputs like ELU."),
            ("对任意 α 都一阶连续可导。", "与 ELU 一样输出均值接近 0。")),
    cons=bi(("Exponential for x < 0: slower than ReLU.",),
            ("负区间需要指数运算,比 ReLU 慢。",)),
    other_defaults={"pytorch": "alpha=1.0", "keras": "alpha=1.0", "jax": "alpha=1.0"},
    torch_equivalent="torch.nn.functional.celu", year=2017,
    reference=(
        "Barron, Continuously Differentiable Exponential Linear Units, arXiv:1704.07483 (2017)."
    ),
))


# ------------------------------------------------------------------------- threshold
THRESHOLD_PARAMS = (
    Param("threshold", 0.0, float, Interval(), doc="inputs at or below it are replaced"),
    Param("value", 0.0, float, Interval(), doc="the replacement value"),
)


def threshold(x: torch.Tensor, *, threshold: float = 0.0, value: float = 0.0) -> torch.Tensor:
    r"""Replace inputs at or below a threshold by a constant.

    .. math::
        f(x) = \begin{cases} x & x > \theta \\ v & x \le \theta \end{cases}, \quad
        f'(x) = [x > \theta]

    With the defaults (:math:`\theta = v = 0`) it is ReLU; it is monotonic only while
    :math:`v \le \theta`.

    Args:
        x: input tensor of any shape.
        threshold: :math:`\theta`, any float, default 0.
        value: :math:`v`, any float, default 0.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> threshold(torch.tensor([0.5, 2.0]), threshold=1.0, value=-1.0)
        tensor([-1.,  2.])
    """
    p = params("threshold", THRESHOLD_PARAMS, threshold=threshold, value=value)
    return F.threshold(tensor("threshold", x), p["threshold"], p["value"])


def threshold_derivative(x: torch.Tensor, *, threshold: float = 0.0,
                         value: float = 0.0) -> torch.Tensor:
    """1 for x > threshold, else 0."""
    return (x > threshold).to(x.dtype)


THRESHOLD = register(ActivationSpec(
    name="threshold", fn=threshold, derivative=threshold_derivative, params=THRESHOLD_PARAMS,
    family="relu",
    summary="Keeps x above a threshold, replaces the rest by a constant.",
    summary_zh="保留大于阈值的输入,其余替换为常数。",
    formula=r"f(x) = \begin{cases} x & x > \theta \\ v & x \le \theta \end{cases}",
    derivative_formula=r"f'(x) = \begin{cases} 1 & x > \theta \\ 0 & x \le \theta \end{cases}",
    output_range=Interval(0.0, _INF, True), bounded=False, monotonic=True, smooth=False,
    kinks=(0.0,), kink_derivative="0 at x = threshold (PyTorch)",
    zero_centred=False, saturates="negative", d0=0.0, max_abs_derivative=1.0,
    role=("hidden",), init="he",
    pros=bi(("Generalises ReLU with a movable cut-off and fill value.",),
            ("推广了 ReLU:截断点与填充值均可调。",)),
    cons=bi(("Zero gradient below the threshold; discontinuous when value != threshold.",),
            ("阈值以下梯度为 0;当填充值不等于阈值时函数不连续。",)),
    other_defaults={"pytorch": "no defaults (threshold and value required)",
                    "keras": "ReLU(threshold=0.0)", "jax": "not built in"},
    torch_equivalent="torch.nn.functional.threshold", year=1943,
    reference=(
        "McCulloch and Pitts, A logical calculus of the ideas immanent in nervous activity, 1943 "
        "(threshold units)."
    ),
))


# ---------------------------------------------------------------------- squared_relu
def squared_relu(x: torch.Tensor) -> torch.Tensor:
    r"""Squared ReLU, :math:`f(x) = \max(0, x)^2` (Primer).

    Derivative :math:`2\max(0, x)`: continuous, so the function is C1.

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> squared_relu(torch.tensor([-1.0, 3.0]))
        tensor([0., 9.])
    """
    return torch.square(torch.relu(tensor("squared_relu", x)))


def squared_relu_derivative(x: torch.Tensor) -> torch.Tensor:
    """2 * relu(x)."""
    return 2 * torch.relu(x)


SQUARED_RELU = register(ActivationSpec(
    name="squared_relu", fn=squared_relu, derivative=squared_relu_derivative,
    aliases=("relu_squared", "relu2"), family="relu",
    summary="relu(x)^2; found by architecture search for Transformer feed-forward layers.",
    summary_zh="relu(x)²;通过架构搜索为 Transformer 前馈层找到的激活函数。",
    formula=r"f(x) = \max(0, x)^2",
    derivative_formula=r"f'(x) = 2\max(0, x)",
    output_range=Interval(0.0, _INF, True), bounded=False, monotonic=True, smooth=True,
    zero_centred=False, saturates="negative", d0=0.0, max_abs_derivative=_INF,
    role=("hidden",), init="he",
    pros=bi(("Improves Transformer language models at no extra cost (Primer).",
             "Continuous derivative, sparse like ReLU."),
            ("几乎不增加计算量即可提升 Transformer 语言模型(Primer)。",
             "导数连续,并保留 ReLU 的稀疏性。")),
    cons=bi(("Unbounded growth: large inputs give very large outputs and gradients.",
             "Dying units as with ReLU."),
            ("增长无界:大输入会产生很大的输出与梯度。", "与 ReLU 一样存在神经元死亡问题。")),
    other_defaults={"pytorch": "not built in", "keras": "not built in", "jax": "not built in"},
    torch_equivalent=None, year=2021,
    reference=(
        "So et al., Primer: Searching for Efficient Transformers for Language Modeling, NeurIPS "
        "2021."
    ),
))
