"""Shrinkage activations: tanhshrink, softshrink, hardshrink (sparse coding)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from actloss._validation import NONNEGATIVE, Interval, Param
from actloss.activations._common import bi, down, params, tensor, up
from actloss.activations._registry import register
from actloss.activations._spec import ActivationSpec

__all__ = ["hardshrink", "softshrink", "tanhshrink"]

_LAMBD = (Param("lambd", 0.5, float, NONNEGATIVE, doc="half-width of the dead zone"),)


# ------------------------------------------------------------------------- tanhshrink
def tanhshrink(x: torch.Tensor) -> torch.Tensor:
    r"""Tanh shrink, :math:`f(x) = x - \tanh(x)`.

    Derivative :math:`\tanh^2(x)`: flat near 0, slope 1 far from it.

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> tanhshrink(torch.tensor([0.0, 30.0]))
        tensor([ 0., 29.])
    """
    return F.tanhshrink(tensor("tanhshrink", x))


def tanhshrink_derivative(x: torch.Tensor) -> torch.Tensor:
    """1 - (1 - tanh^2) = tanh^2."""
    return down(torch.tanh(up(x)).square(), x)


TANHSHRINK = register(ActivationSpec(
    name="tanhshrink", fn=tanhshrink, derivative=tanhshrink_derivative,
    aliases=("tanh_shrink",), family="shrink",
    summary="x - tanh(x): a smooth dead zone around 0.",
    summary_zh="x - tanh(x):在 0 附近形成平滑的“死区”。",
    formula=r"f(x) = x - \tanh(x)",
    derivative_formula=r"f'(x) = \tanh^{2}(x)",
    output_range=Interval(), bounded=False, monotonic=True, smooth=True,
    zero_centred=True, saturates="none", d0=0.0, max_abs_derivative=1.0,
    role=("hidden",), init="xavier",
    pros=bi(("Smooth shrinkage: small inputs are suppressed, large ones pass with slope 1.",),
            ("平滑收缩:小输入被抑制,大输入以斜率 1 通过。",)),
    cons=bi(("Zero gradient at 0: a network initialised near 0 learns slowly.",),
            ("在 0 处梯度为 0:初始化在 0 附近时学习缓慢。",)),
    other_defaults={"pytorch": "torch.nn.functional.tanhshrink",
                    "keras": "activation='tanh_shrink'",
                    "jax": "not built in"},
    torch_equivalent="torch.nn.functional.tanhshrink", year=2010,
    reference="Gregor and LeCun, Learning Fast Approximations of Sparse Coding, ICML 2010.",
))


# ------------------------------------------------------------------------- softshrink
def softshrink(x: torch.Tensor, *, lambd: float = 0.5) -> torch.Tensor:
    r"""Soft thresholding, the proximal operator of :math:`\lambda\|x\|_1`.

    .. math::
        f(x) = \begin{cases} x - \lambda & x > \lambda \\ x + \lambda & x < -\lambda \\
        0 & \text{otherwise} \end{cases}, \quad f'(x) = [|x| > \lambda]

    Args:
        x: input tensor of any shape.
        lambd: :math:`\lambda \in [0, \infty)`, default 0.5.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> softshrink(torch.tensor([-2.0, 0.25, 2.0]))
        tensor([-1.5000,  0.0000,  1.5000])
    """
    p = params("softshrink", _LAMBD, lambd=lambd)
    return F.softshrink(tensor("softshrink", x), p["lambd"])


def softshrink_derivative(x: torch.Tensor, *, lambd: float = 0.5) -> torch.Tensor:
    """1 for |x| > lambd, 0 on [-lambd, lambd] (PyTorch's kink value)."""
    return (x.abs() > lambd).to(x.dtype)


SOFTSHRINK = register(ActivationSpec(
    name="softshrink", fn=softshrink, derivative=softshrink_derivative, params=_LAMBD,
    aliases=("soft_shrink", "soft_threshold"), family="shrink",
    summary="Soft thresholding: shrinks every value towards 0 by lambda.",
    summary_zh="软阈值:把每个值向 0 收缩 λ。",
    formula=r"f(x) = \operatorname{sign}(x)\max(|x| - \lambda, 0)",
    derivative_formula=(
        r"f'(x) = \begin{cases} 1 & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}"
    ),
    output_range=Interval(), bounded=False, monotonic=True, smooth=False,
    kinks=(-0.5, 0.5), kink_derivative="0 at x = +-lambd (PyTorch)",
    zero_centred=True, saturates="none", d0=0.0, max_abs_derivative=1.0,
    role=("hidden",), init="xavier",
    pros=bi(("Produces exact zeros: the L1 proximal step of sparse coding (ISTA).",),
            ("能产生精确的 0:稀疏编码(ISTA)中 L1 近端算子的一步。",)),
    cons=bi(("Zero gradient inside the dead zone.",), ("死区内梯度为 0。",)),
    other_defaults={"pytorch": "lambd=0.5", "keras": "soft_shrink, threshold=0.5",
                    "jax": "not built in"},
    torch_equivalent="torch.nn.functional.softshrink", year=1995,
    reference="Donoho, De-noising by soft-thresholding, IEEE Trans. Inf. Theory 41 (1995).",
))


# ------------------------------------------------------------------------- hardshrink
def hardshrink(x: torch.Tensor, *, lambd: float = 0.5) -> torch.Tensor:
    r"""Hard thresholding: keep x where :math:`|x| > \lambda`, else 0.

    .. math::
        f(x) = x\,[|x| > \lambda], \quad f'(x) = [|x| > \lambda]

    Discontinuous at :math:`\pm\lambda` (but non-decreasing).

    Args:
        x: input tensor of any shape.
        lambd: :math:`\lambda \in [0, \infty)`, default 0.5.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> hardshrink(torch.tensor([-2.0, 0.25, 2.0]))
        tensor([-2.,  0.,  2.])
    """
    p = params("hardshrink", _LAMBD, lambd=lambd)
    return F.hardshrink(tensor("hardshrink", x), p["lambd"])


def hardshrink_derivative(x: torch.Tensor, *, lambd: float = 0.5) -> torch.Tensor:
    """1 for |x| > lambd, else 0."""
    return (x.abs() > lambd).to(x.dtype)


HARDSHRINK = register(ActivationSpec(
    name="hardshrink", fn=hardshrink, derivative=hardshrink_derivative, params=_LAMBD,
    aliases=("hard_shrink", "hard_threshold"), family="shrink",
    summary="Hard thresholding: zeroes values with |x| <= lambda, keeps the rest.",
    summary_zh="硬阈值:|x| <= λ 的值置 0,其余保持不变。",
    formula=r"f(x) = \begin{cases} x & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}",
    derivative_formula=(
        r"f'(x) = \begin{cases} 1 & |x| > \lambda \\ 0 & |x| \le \lambda \end{cases}"
    ),
    output_range=Interval(), bounded=False, monotonic=True, smooth=False,
    kinks=(-0.5, 0.5), kink_derivative="0 at x = +-lambd (PyTorch); the function jumps there",
    zero_centred=True, saturates="none", d0=0.0, max_abs_derivative=1.0,
    role=("hidden",), init="xavier",
    pros=bi(("Keeps large values unbiased while zeroing small ones.",),
            ("大值保持无偏,小值被置零。",)),
    cons=bi(("Discontinuous at +-lambda; zero gradient inside the dead zone.",),
            ("在 ±λ 处不连续;死区内梯度为 0。",)),
    other_defaults={"pytorch": "lambd=0.5", "keras": "hard_shrink, threshold=0.5",
                    "jax": "not built in"},
    torch_equivalent="torch.nn.functional.hardshrink", year=1994,
    reference=(
        "Donoho and Johnstone, Ideal spatial adaptation by wavelet shrinkage, Biometrika 81 "
        "(1994)."
    ),
))
