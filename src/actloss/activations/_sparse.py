"""Keras 3's piecewise-polynomial activations and its ``exponential``.

``sparse_plus`` and ``sparse_sigmoid`` are the 1-D sparsemax-style counterparts of
``softplus`` and ``sigmoid`` (Martins and Astudillo 2016, the entropy replaced by the
Gini entropy): exact zeros below -1, exact linear pieces above 1.
"""

from __future__ import annotations

import torch

from actloss._validation import Interval
from actloss.activations._common import bi, down, tensor, up
from actloss.activations._registry import register
from actloss.activations._spec import ActivationSpec

__all__ = ["exponential", "sparse_plus", "sparse_sigmoid"]


# ------------------------------------------------------------------------ sparse_plus
def sparse_plus(x: torch.Tensor) -> torch.Tensor:
    r"""SparsePlus, Keras 3's ``keras.activations.sparse_plus``.

    .. math::
        f(x) = \begin{cases} 0 & x \le -1 \\ \tfrac14 (x + 1)^2 & -1 < x < 1 \\
        x & x \ge 1 \end{cases}, \quad
        f'(x) = \begin{cases} 0 & x \le -1 \\ \tfrac12 (x + 1) & -1 < x < 1 \\
        1 & x \ge 1 \end{cases}

    The derivative is continuous (it meets 0 at -1 and 1 at 1): a smooth function.

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> sparse_plus(torch.tensor([-2.0, 0.0, 0.5, 3.0]))
        tensor([0.0000, 0.2500, 0.5625, 3.0000])
    """
    x = tensor("sparse_plus", x)
    # (x + 1)^2 / 4 with x clamped to [-1, 1] is 0 below and 1 at the top; above 1 the
    # identity continues it with slope 1
    middle = (x.clamp(-1.0, 1.0) + 1).square() * 0.25
    return torch.where(x >= 1, x, middle)


def sparse_plus_derivative(x: torch.Tensor) -> torch.Tensor:
    """0 below -1, (x + 1)/2 on (-1, 1), 1 from 1 on."""
    return down(((up(x).clamp(-1.0, 1.0) + 1) * 0.5), x)


SPARSE_PLUS = register(ActivationSpec(
    name="sparse_plus", fn=sparse_plus, derivative=sparse_plus_derivative,
    aliases=("sparseplus",), family="sparse",
    summary="SparsePlus: 0 below -1, a parabola on (-1, 1), the identity above 1.",
    summary_zh="SparsePlus:-1 以下为 0,(-1, 1) 上为抛物线,1 以上为恒等映射。",
    formula=(r"f(x) = \begin{cases} 0 & x \le -1 \\ (x+1)^2/4 & -1 < x < 1 \\ x & x \ge 1"
             r"\end{cases}"),
    derivative_formula=(r"f'(x) = \begin{cases} 0 & x \le -1 \\ (x+1)/2 & -1 < x < 1 \\"
                        r" 1 & x \ge 1 \end{cases}"),
    output_range=Interval(0.0, float("inf"), low_closed=True), bounded=False,
    monotonic=True, smooth=True, zero_centred=False, saturates="negative", d0=0.5,
    max_abs_derivative=1.0, role=("hidden",), init="he",
    pros=bi(("Exact zeros below -1 and an exact identity above 1, with a continuous slope "
             "in between (a sparse softplus).",),
            ("-1 以下精确为 0,1 以上精确为恒等,中间斜率连续(稀疏版 softplus)。",)),
    cons=bi(("Zero gradient below -1, as ReLU below 0.",),
            ("-1 以下梯度为 0,与 ReLU 在 0 以下相同。",)),
    other_defaults={"pytorch": "not built in", "keras": "keras.activations.sparse_plus",
                    "jax": "jax.nn.sparse_plus"},
    year=2016,
    reference="Martins and Astudillo, From Softmax to Sparsemax, ICML 2016; Keras 3 "
              "keras.activations.sparse_plus.",
))


# --------------------------------------------------------------------- sparse_sigmoid
def sparse_sigmoid(x: torch.Tensor) -> torch.Tensor:
    r"""Sparse sigmoid, Keras 3's ``keras.activations.sparse_sigmoid``.

    .. math::
        f(x) = \begin{cases} 0 & x \le -1 \\ \tfrac12 (x + 1) & -1 < x < 1 \\
        1 & x \ge 1 \end{cases}, \quad f'(x) = \tfrac12 [-1 < x < 1]

    At the kinks -1 and 1 the derivative is 0, as Keras's ``where`` takes the outer
    branch there.

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> sparse_sigmoid(torch.tensor([-2.0, 0.0, 0.5, 3.0]))
        tensor([0.0000, 0.5000, 0.7500, 1.0000])
    """
    x = tensor("sparse_sigmoid", x)
    half = (x + 1) * 0.5
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x >= 1, torch.ones_like(x),
                                                                 half))


def sparse_sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    """1/2 on (-1, 1), 0 elsewhere (0 at the kinks, Keras's branches)."""
    return ((x > -1) & (x < 1)).to(x.dtype) * 0.5


SPARSE_SIGMOID = register(ActivationSpec(
    name="sparse_sigmoid", fn=sparse_sigmoid, derivative=sparse_sigmoid_derivative,
    aliases=("sparsesigmoid",), family="sparse",
    summary="Sparse sigmoid: (x + 1)/2 clipped to [0, 1]; exact 0 and 1 outside (-1, 1).",
    summary_zh="稀疏 sigmoid:(x + 1)/2 截断到 [0, 1];在 (-1, 1) 之外精确为 0 或 1。",
    formula=(r"f(x) = \begin{cases} 0 & x \le -1 \\ (x+1)/2 & -1 < x < 1 \\ 1 & x \ge 1"
             r"\end{cases}"),
    derivative_formula=r"f'(x) = \tfrac12\,[-1 < x < 1]",
    output_range=Interval(0.0, 1.0, low_closed=True, high_closed=True), bounded=True,
    monotonic=True, smooth=False, kinks=(-1.0, 1.0),
    kink_derivative="0 at x = -1 and x = 1 (Keras's outer branches)",
    zero_centred=False, saturates="both", d0=0.5, max_abs_derivative=0.5,
    role=("output", "gate"), init="xavier",
    pros=bi(("Exact probabilities 0 and 1 outside (-1, 1): sparse gates and outputs.",),
            ("在 (-1, 1) 之外输出精确的 0 和 1:适合稀疏的门控与输出。",)),
    cons=bi(("Zero gradient outside (-1, 1): saturated units stop learning.",),
            ("在 (-1, 1) 之外梯度为 0:饱和单元停止学习。",)),
    other_defaults={"pytorch": "not built in", "keras": "keras.activations.sparse_sigmoid",
                    "jax": "jax.nn.sparse_sigmoid"},
    year=2016,
    reference="Martins and Astudillo, From Softmax to Sparsemax, ICML 2016; Keras 3 "
              "keras.activations.sparse_sigmoid.",
))


# ------------------------------------------------------------------------ exponential
def exponential(x: torch.Tensor) -> torch.Tensor:
    r"""Exponential activation, :math:`f(x) = e^x = f'(x)`; Keras's ``exponential``.

    It overflows as ``torch.exp`` does: to ``inf`` beyond about 88.7 in float32 (709.8 in
    float64).

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`e^x`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> exponential(torch.tensor([0.0, 1.0]))
        tensor([1.0000, 2.7183])
    """
    return torch.exp(tensor("exponential", x))


def exponential_derivative(x: torch.Tensor) -> torch.Tensor:
    """d e^x/dx = e^x."""
    return torch.exp(x)


EXPONENTIAL = register(ActivationSpec(
    name="exponential", fn=exponential, derivative=exponential_derivative,
    aliases=("exp",), family="exponential",
    summary="e^x: a positive output with a positive, growing slope.",
    summary_zh="e^x:输出为正,斜率为正且不断增大。",
    formula=r"f(x) = e^{x}",
    derivative_formula=r"f'(x) = e^{x}",
    output_range=Interval(0.0, float("inf")), bounded=False, monotonic=True, smooth=True,
    zero_centred=False, saturates="negative", d0=1.0, max_abs_derivative=float("inf"),
    role=("output",), init="xavier",
    pros=bi(("A positive output: rates and scales (the log link of Poisson regression).",),
            ("输出恒为正:适合速率与尺度(泊松回归的对数连接)。",)),
    cons=bi(("Overflows to inf past about 88.7 in float32; unbounded gradient.",),
            ("float32 下约 88.7 以上溢出为 inf;梯度无界。",)),
    other_defaults={"pytorch": "torch.exp", "keras": "keras.activations.exponential",
                    "jax": "jax.numpy.exp"},
    torch_equivalent="torch.exp", year=2015,
    reference="Chollet et al., Keras (2015): keras.activations.exponential.",
))
