"""Smooth modern activations: gelu, gelu_tanh, silu (swish), hard_swish, mish, softplus,
squareplus, snake, sine.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from actloss import _fast
from actloss._validation import NONNEGATIVE, POSITIVE, Interval, Param
from actloss.activations._common import bi, down, params, small_plain, tensor, up
from actloss.activations._registry import register
from actloss.activations._spec import ActivationSpec

__all__ = [
    "gelu",
    "gelu_tanh",
    "hard_swish",
    "mish",
    "silu",
    "sine",
    "snake",
    "softplus",
    "squareplus",
]

_INF = math.inf
MEMORY_EFFICIENT = Param("memory_efficient", False, bool,
                         doc="save less for the backward and recompute (same values)")
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_C = 0.044715

# Extremes found with mpmath at 30 digits (the minimiser solves f'(x) = 0).
GELU_MIN = -0.16997120747990366  # at x = -0.7517915
GELU_MAX_DERIVATIVE = 1.1289041451851548  # at x = sqrt(2): Phi(sqrt 2) + sqrt(2) phi(sqrt 2)
GELU_TANH_MIN = -0.17004075057125405  # at x = -0.7524614
GELU_TANH_MAX_DERIVATIVE = 1.1289930686587718  # at x = 1.4185040
SILU_MIN = -0.2784645427610738  # at x = -1.2784645 (x = -1 - W(1/e))
SILU_MAX_DERIVATIVE = 1.0998393201288669  # at x = 2.3993573
MISH_MIN = -0.3088434130172504  # at x = -1.1924312
MISH_MAX_DERIVATIVE = 1.0884981612517279  # at x = 1.4905712


# ------------------------------------------------------------------------------ gelu
GELU_PARAMS = (Param("approximate", "none", str, choices=("none", "tanh"),
                     doc="'none': exact erf form; 'tanh': the tanh approximation"),
               MEMORY_EFFICIENT)


def gelu(x: torch.Tensor, *, approximate: str = "none",
         memory_efficient: bool = False) -> torch.Tensor:
    r"""Gaussian error linear unit, :math:`x\,\Phi(x)` with :math:`\Phi` the normal CDF.

    .. math::
        \mathrm{GELU}(x) = \frac{x}{2}\Bigl(1 + \operatorname{erf}\frac{x}{\sqrt 2}\Bigr),
        \quad \mathrm{GELU}'(x) = \Phi(x) + x\,\varphi(x)

    With ``approximate='tanh'``:
    :math:`\frac{x}{2}\bigl(1 + \tanh(\sqrt{2/\pi}\,(x + 0.044715 x^3))\bigr)`.

    Args:
        x: input tensor of any shape.
        approximate: ``'none'`` (default, PyTorch and Keras) or ``'tanh'`` (JAX's default).
        memory_efficient: save only the input and recompute :math:`f'(x)` in the
            backward when a fast form runs (same values and gradients), default
            ``False``.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Performance:
        The reference path: PyTorch's op, bitwise, at every size and on every run;
        twice differentiable. With the opt-in fast paths enabled (see the *Fast
        paths* page of the documentation) a fast implementation may run instead,
        within its stated error bound.

        Being PyTorch's op, the reference path also keeps its far tails, which are not
        the mathematical limits everywhere: ``gelu(-inf)`` is ``NaN`` (``-inf * 0``) rather
        than 0, and in float32 on CPU ``gelu(inf)`` depends on how PyTorch's kernel is
        vectorised: ``NaN`` in tensors of 7 or more elements, ``inf`` for a single element
        (torch 2.13, with its AVX-512, AVX2 and scalar code alike), and ``gelu(3.4e38)`` may
        overflow to ``inf``. Mapping the tails here
        would cost an extra pass over every input, so it is not done; the fast paths
        return the limits.

    Example:
        >>> import torch
        >>> gelu(torch.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1587,  0.0000,  0.8413])

    References:
        Hendrycks and Gimpel, Gaussian Error Linear Units (GELUs), arXiv:1606.08415.
    """
    if small_plain(x) and memory_efficient.__class__ is bool \
            and approximate.__class__ is str and approximate in ("none", "tanh"):
        # PyTorch's op (see small_plain); passing its default costs about 4 us a call
        return F.gelu(x) if approximate == "none" else F.gelu(x, approximate="tanh")
    p = params("gelu", GELU_PARAMS, approximate=approximate, memory_efficient=memory_efficient)
    x = tensor("gelu", x)
    y = _fast.call("gelu", x, **p)
    return F.gelu(x, approximate=p["approximate"]) if y is None else y


def _gelu_tanh_derivative(xu: torch.Tensor) -> torch.Tensor:
    # Beyond |x| = 10 the derivative equals its asymptote (0 or 1) to 1e-30; clamping
    # keeps x^3 from overflowing.
    xc = xu.clamp(-10.0, 10.0)
    inner = _SQRT_2_OVER_PI * (xc + _GELU_C * xc**3)
    t = torch.tanh(inner)
    dinner = _SQRT_2_OVER_PI * (1 + 3 * _GELU_C * xc * xc)
    return 0.5 * (1 + t) + 0.5 * xc * (1 - t * t) * dinner


def gelu_derivative(x: torch.Tensor, *, approximate: str = "none",
                    memory_efficient: bool = False) -> torch.Tensor:
    """Phi(x) + x phi(x); Phi(x) = erfc(-x / sqrt 2) / 2 keeps the left tail accurate.

    ``memory_efficient`` does not change the derivative.
    """
    xu = up(x)
    if approximate == "tanh":
        return down(_gelu_tanh_derivative(xu), x)
    cdf = 0.5 * torch.erfc(-xu / math.sqrt(2.0))
    pdf = _INV_SQRT_2PI * torch.exp(-0.5 * xu * xu)
    return down(cdf + xu * pdf, x)


_GELU_PROS = bi(
    ((
        "Smooth, non-monotonic self-gating by the Gaussian CDF; the default of BERT/GPT-style "
        "Transformers."
    ),
     "Non-zero gradient for moderately negative inputs: no dead units."),
    ("平滑、非单调,由高斯累积分布函数进行自门控;BERT/GPT 等 Transformer 的默认激活函数。",
     "对适度为负的输入仍有非零梯度,不会出现死神经元。"),
)
_GELU_CONS = bi(
    ("More expensive than ReLU (erf or tanh).",
     "Libraries disagree on the default form (exact erf vs tanh approximation)."),
    ("比 ReLU 计算代价高(需要 erf 或 tanh)。",
     "各框架默认形式不同(精确 erf 与 tanh 近似)。"),
)

GELU = register(ActivationSpec(
    name="gelu", fn=gelu, derivative=gelu_derivative, params=GELU_PARAMS,
    family="smooth",
    summary="x times the standard normal CDF: a smooth, self-gated ReLU.",
    summary_zh="x 乘以标准正态分布函数:平滑的自门控 ReLU。",
    formula=(
        r"\operatorname{GELU}(x) = x\,\Phi(x) = \frac{x}{2}\left(1 + "
        r"\operatorname{erf}\frac{x}{\sqrt{2}}\right)"
    ),
    derivative_formula=r"\operatorname{GELU}'(x) = \Phi(x) + x\,\varphi(x)",
    output_range=Interval(GELU_MIN, _INF, True), bounded=False, monotonic=False, smooth=True,
    zero_centred=False, saturates="negative", d0=0.5, max_abs_derivative=GELU_MAX_DERIVATIVE,
    role=("hidden",), init="he",
    pros=_GELU_PROS, cons=_GELU_CONS,
    other_defaults={"pytorch": "exact (erf)", "keras": "approximate=False",
                    "jax": "approximate=True (tanh)"},
    torch_equivalent="torch.nn.functional.gelu", year=2016,
    reference="Hendrycks and Gimpel, Gaussian Error Linear Units (GELUs), arXiv:1606.08415 (2016).",
))


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    r"""GELU with the tanh approximation (GPT-2, JAX's default).

    .. math::
        f(x) = \frac{x}{2}\Bigl(1 + \tanh\bigl(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\bigr)\Bigr)

    The closed-form derivative is finite for every float32 input; PyTorch's own backward
    of this op returns NaN beyond about :math:`|x| = 1.8 \cdot 10^{19}`, where :math:`x^2`
    overflows.

    Args:
        x: input tensor of any shape.

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
        >>> gelu_tanh(torch.tensor([0.0, 10.0]))
        tensor([ 0., 10.])
    """
    x = tensor("gelu_tanh", x)
    y = _fast.call("gelu_tanh", x)
    return F.gelu(x, approximate="tanh") if y is None else y


def gelu_tanh_derivative(x: torch.Tensor) -> torch.Tensor:
    """(1 + t)/2 + x (1 - t^2) sqrt(2/pi) (1 + 3 c x^2) / 2, t = tanh(sqrt(2/pi)(x + c x^3))."""
    return down(_gelu_tanh_derivative(up(x)), x)


GELU_TANH = register(ActivationSpec(
    name="gelu_tanh", fn=gelu_tanh, derivative=gelu_tanh_derivative,
    aliases=("gelu_new", "gelu_pytorch_tanh", "gelu_approximate", "approximate_gelu"),
    family="smooth",
    summary="GELU computed with the tanh approximation (GPT-2).",
    summary_zh="用 tanh 近似计算的 GELU(GPT-2 使用)。",
    formula=(
        r"f(x) = \frac{x}{2}\left(1 + \tanh\Bigl(\sqrt{2/\pi}\,\bigl(x + "
        r"0.044715\,x^{3}\bigr)\Bigr)\right)"
    ),
    derivative_formula=(
        r"f'(x) = \tfrac12(1 + t) + \tfrac12 x (1 - t^2) \sqrt{2/\pi}\,(1 + 0.134145\,x^2),\ t = "
        r"\tanh\bigl(\sqrt{2/\pi}(x + 0.044715 x^3)\bigr)"
    ),
    output_range=Interval(GELU_TANH_MIN, _INF, True), bounded=False, monotonic=False,
    smooth=True, zero_centred=False, saturates="negative", d0=0.5,
    max_abs_derivative=GELU_TANH_MAX_DERIVATIVE,
    role=("hidden",), init="he",
    pros=bi(("Matches checkpoints trained with the approximation (GPT-2, many JAX models).",
             "Within about 1e-3 of the exact GELU."),
            ("与使用该近似训练的模型权重一致(GPT-2 及许多 JAX 模型)。",
             "与精确 GELU 的差距约在 1e-3 以内。")),
    cons=bi(("An approximation: mixing it with exact GELU changes a trained model slightly.",),
            ("只是近似:与精确 GELU 混用会轻微改变已训练模型的输出。",)),
    other_defaults={"pytorch": "gelu(approximate='tanh')", "keras": "gelu(approximate=True)",
                    "jax": "jax.nn.gelu (approximate=True is the default)"},
    torch_equivalent="torch.nn.functional.gelu", year=2016,
    reference=(
        "Hendrycks and Gimpel, Gaussian Error Linear Units (GELUs), arXiv:1606.08415 (2016), eq. "
        "for the tanh approximation."
    ),
))


# ------------------------------------------------------------------------------ silu
SILU_PARAMS = (Param("beta", 1.0, float, NONNEGATIVE,
                     doc="fixed slope of the gate; learnable in `swish_beta`"),
               MEMORY_EFFICIENT)


def silu(x: torch.Tensor, *, beta: float = 1.0, memory_efficient: bool = False) -> torch.Tensor:
    r"""SiLU / Swish, :math:`x\,\sigma(\beta x)`; :math:`\beta = 1` is PyTorch's SiLU.

    .. math::
        f'(x) = \sigma(\beta x) + \beta x\,\sigma(\beta x)\bigl(1 - \sigma(\beta x)\bigr)

    ``beta`` is a fixed hyper-parameter here; the entry ``swish_beta`` learns it.

    Args:
        x: input tensor of any shape.
        beta: :math:`\beta \in [0, \infty)`, default 1.
        memory_efficient: save only the input and recompute :math:`f'(x)` in the
            backward when a fast form runs (same values and gradients), default
            ``False``.

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
        >>> silu(torch.tensor([0.0, 20.0]))
        tensor([ 0., 20.])

    References:
        Ramachandran, Zoph and Le, Searching for Activation Functions (2017);
        Elfwing, Uchibe and Doya, Sigmoid-Weighted Linear Units (2017).
    """
    if small_plain(x) and memory_efficient.__class__ is bool \
            and beta.__class__ is float and beta == 1.0:
        return F.silu(x)  # PyTorch's op: see small_plain
    p = params("silu", SILU_PARAMS, beta=beta, memory_efficient=memory_efficient)
    x = tensor("silu", x)
    y = _fast.call("silu", x, **p)
    if y is not None:
        return y
    if p["beta"] == 1.0:
        return F.silu(x)
    return x * torch.sigmoid(p["beta"] * x)


def silu_derivative(x: torch.Tensor, *, beta: float = 1.0,
                    memory_efficient: bool = False) -> torch.Tensor:
    """s + beta x s (1 - s), s = sigma(beta x); 1 - s = sigma(-beta x) avoids cancellation.

    ``memory_efficient`` does not change the derivative.
    """
    xu = up(x)
    z = beta * xu
    s = torch.sigmoid(z)
    return down(s + z * s * torch.sigmoid(-z), x)


SILU = register(ActivationSpec(
    name="silu", fn=silu, derivative=silu_derivative, params=SILU_PARAMS,
    aliases=("swish", "swish1"), family="smooth",
    summary="x * sigmoid(beta x): a smooth, self-gated, non-monotonic ReLU.",
    summary_zh="x·sigmoid(βx):平滑、自门控、非单调的 ReLU 变体。",
    formula=r"\operatorname{SiLU}(x) = x\,\sigma(\beta x)",
    derivative_formula=(
        r"f'(x) = \sigma(\beta x) + \beta x\,\sigma(\beta x)\bigl(1 - \sigma(\beta x)\bigr)"
    ),
    output_range=Interval(SILU_MIN, _INF, True), bounded=False, monotonic=False, smooth=True,
    zero_centred=False, saturates="negative", d0=0.5, max_abs_derivative=SILU_MAX_DERIVATIVE,
    role=("hidden",), init="he",
    pros=bi(((
        "Self-gated (2020s trend): smooth and non-monotonic, often better than ReLU in deep nets."
    ),
             "Bounded below, unbounded above; no dead units."),
            ("自门控激活函数(2020 年代的趋势):平滑、非单调,在深层网络中常优于 ReLU。",
             "下有界、上无界;不会出现死神经元。")),
    cons=bi(("A sigmoid per element: slower than ReLU.",
             "Non-monotonic: a small negative dip near x = -1.28."),
            ("每个元素都要计算 sigmoid,比 ReLU 慢。",
             "非单调:在 x≈-1.28 附近有一个小的负值凹陷。")),
    other_defaults={"pytorch": "beta=1 (nn.SiLU)",
                    "keras": "activation='silu' (alias 'swish'), beta=1",
                    "jax": "jax.nn.silu, beta=1"},
    torch_equivalent="torch.nn.functional.silu", year=2017,
    reference=(
        "Ramachandran, Zoph and Le, Searching for Activation Functions, arXiv:1710.05941 (2017); "
        "Elfwing, Uchibe and Doya, arXiv:1702.03118 (2017)."
    ),
    in_sources=("000",),
))


# ------------------------------------------------------------------------ hard_swish
def hard_swish(x: torch.Tensor) -> torch.Tensor:
    r"""Hard swish, :math:`x\,\mathrm{relu6}(x + 3) / 6` (MobileNetV3).

    .. math::
        f'(x) = \begin{cases} 0 & x \le -3 \\ x/3 + 1/2 & -3 < x < 3 \\ 1 & x \ge 3 \end{cases}

    Args:
        x: input tensor of any shape.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> hard_swish(torch.tensor([-4.0, 0.0, 4.0]))
        tensor([-0., 0., 4.])
    """
    return F.hardswish(tensor("hard_swish", x))


def hard_swish_derivative(x: torch.Tensor) -> torch.Tensor:
    """0 for x <= -3, x/3 + 1/2 on (-3, 3), 1 for x >= 3 (PyTorch's kink values)."""
    xu = up(x)
    mid = xu / 3 + 0.5
    return down(torch.where(xu <= -3, 0.0, torch.where(xu >= 3, 1.0, mid)), x)


HARD_SWISH = register(ActivationSpec(
    name="hard_swish", fn=hard_swish, derivative=hard_swish_derivative,
    aliases=("hardswish", "hard_silu", "hardsilu"), family="smooth",
    summary="Piecewise-polynomial swish for mobile networks.",
    summary_zh="面向移动端网络的分段多项式 swish。",
    formula=r"f(x) = x\,\frac{\operatorname{ReLU6}(x + 3)}{6}",
    derivative_formula=(
        r"f'(x) = \begin{cases} 0 & x \le -3 \\ \frac{x}{3} + \frac12 & -3 < x < 3 \\ 1 & x \ge 3 "
        r"\end{cases}"
    ),
    output_range=Interval(-0.375, _INF, True), bounded=False, monotonic=False, smooth=False,
    kinks=(-3.0, 3.0), kink_derivative="0 at x = -3 and 1 at x = 3 (PyTorch)",
    zero_centred=False, saturates="negative", d0=0.5, max_abs_derivative=1.5,
    role=("hidden",), init="he",
    pros=bi(("No exponential: fast on CPUs and accelerators, close to swish in accuracy.",),
            ("无指数运算:在 CPU 和加速器上都很快,精度接近 swish。",)),
    cons=bi(("Derivative jumps at x = 3 (1.5 to 1) and at x = -3 (-0.5 to 0).",),
            ("导数在 x = 3(1.5 跳到 1)和 x = -3(-0.5 跳到 0)处不连续。",)),
    other_defaults={"pytorch": "x * relu6(x + 3) / 6",
                    "keras": "activation='hard_silu' (alias 'hard_swish')",
                    "jax": "jax.nn.hard_silu"},
    torch_equivalent="torch.nn.functional.hardswish", year=2019,
    reference="Howard et al., Searching for MobileNetV3, ICCV 2019.",
))


# ------------------------------------------------------------------------------ mish
MISH_PARAMS = (MEMORY_EFFICIENT,)


def mish(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    r"""Mish, :math:`x\tanh(\mathrm{softplus}(x))`.

    .. math::
        f'(x) = \tanh(\mathrm{sp}(x)) + x\,\mathrm{sech}^2(\mathrm{sp}(x))\,\sigma(x)

    Args:
        x: input tensor of any shape.
        memory_efficient: save only the input and recompute :math:`f'(x)` in the
            backward when a fast form runs (same values and gradients), default
            ``False``.

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
        >>> mish(torch.tensor([0.0, 30.0]))
        tensor([ 0., 30.])

    References:
        Misra, Mish: A Self Regularized Non-Monotonic Activation Function, BMVC 2020.
    """
    if small_plain(x) and memory_efficient.__class__ is bool:
        return F.mish(x)  # PyTorch's op: see small_plain
    p = params("mish", MISH_PARAMS, memory_efficient=memory_efficient)
    x = tensor("mish", x)
    y = _fast.call("mish", x, **p)
    return F.mish(x) if y is None else y


def mish_derivative(x: torch.Tensor, *, memory_efficient: bool = False) -> torch.Tensor:
    """t + x sech^2(sp) sigma(x), from one exponential e = exp(x) (x clamped at 20).

    With n = (1 + e)^2 - 1 = e (e + 2):
    tanh(softplus(x)) = ((1 + e)^2 - 1) / ((1 + e)^2 + 1) = n / (n + 2),
    sech^2(softplus(x)) = 1 - t^2 = 4 (n + 1) / (n + 2)^2, sigma(x) = e / (1 + e).
    For x > 20 the derivative equals 1 to float64 precision. ``memory_efficient`` does
    not change it.
    """
    xu = up(x)
    xc = xu.clamp(max=20.0)
    e = torch.exp(xc)
    n = e * (e + 2)
    t = n / (n + 2)
    sech2 = 4 * (n + 1) / (n + 2).square()
    return down(t + xc * sech2 * (e / (1 + e)), x)


MISH = register(ActivationSpec(
    name="mish", fn=mish, derivative=mish_derivative, params=MISH_PARAMS,
    family="smooth",
    summary="x * tanh(softplus(x)): smooth, non-monotonic, self-regularised.",
    summary_zh="x·tanh(softplus(x)):平滑、非单调、自正则化。",
    formula=r"\operatorname{Mish}(x) = x \tanh\bigl(\ln(1 + e^{x})\bigr)",
    derivative_formula=(
        r"f'(x) = \tanh(\mathrm{sp}(x)) + x\,\operatorname{sech}^2(\mathrm{sp}(x))\,\sigma(x)"
    ),
    output_range=Interval(MISH_MIN, _INF, True), bounded=False, monotonic=False, smooth=True,
    zero_centred=False, saturates="negative", d0=0.6, max_abs_derivative=MISH_MAX_DERIVATIVE,
    role=("hidden",), init="he",
    pros=bi(("Smooth and non-monotonic like swish; strong results in detection (YOLOv4).",),
            ("与 swish 一样平滑、非单调;在目标检测(YOLOv4)中效果突出。",)),
    cons=bi(("Costlier than ReLU and swish (exp, log and tanh).",),
            ("计算代价高于 ReLU 和 swish(需要 exp、log 与 tanh)。",)),
    other_defaults={"pytorch": "torch.nn.functional.mish", "keras": "activation='mish'",
                    "jax": "not built in"},
    torch_equivalent="torch.nn.functional.mish", year=2019,
    reference=(
        "Misra, Mish: A Self Regularized Non-Monotonic Activation Function, arXiv:1908.08681 "
        "(2019), BMVC 2020."
    ),
))


# -------------------------------------------------------------------------- softplus
SOFTPLUS_PARAMS = (
    Param("beta", 1.0, float, POSITIVE, doc="sharpness; softplus(x) = log(1 + exp(beta x)) / beta"),
    Param("threshold", 20.0, float, POSITIVE, doc="linear above beta x > threshold"),
    MEMORY_EFFICIENT,
)


def softplus(x: torch.Tensor, *, beta: float = 1.0, threshold: float = 20.0,
             memory_efficient: bool = False) -> torch.Tensor:
    r"""Softplus, :math:`\frac{1}{\beta}\log(1 + e^{\beta x})`, linear where
    :math:`\beta x > \text{threshold}` (as PyTorch).

    .. math::
        f'(x) = \sigma(\beta x) \ (\beta x \le \text{threshold}), \quad 1 \ \text{otherwise}

    Computed as ``log1p(exp(-|z|)) + max(z, 0)`` (PyTorch's stable form, z = beta x).

    Args:
        x: input tensor of any shape.
        beta: :math:`\beta \in (0, \infty)`, default 1.
        threshold: in :math:`(0, \infty)`, default 20.
        memory_efficient: save only the input and recompute :math:`f'(x)` in the
            backward when a fast form runs (same values and gradients), default
            ``False``.

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
        >>> softplus(torch.tensor([-200.0, 0.0, 200.0]))
        tensor([  0.0000,   0.6931, 200.0000])
    """
    if small_plain(x) and memory_efficient.__class__ is bool \
            and beta.__class__ is float and threshold.__class__ is float \
            and 0.0 < beta < _INF and 0.0 < threshold < _INF:
        # PyTorch's op (see small_plain); passing its defaults costs about 4 us a call
        if beta == 1.0 and threshold == 20.0:
            return F.softplus(x)
        return F.softplus(x, beta, threshold)
    p = params("softplus", SOFTPLUS_PARAMS, beta=beta, threshold=threshold,
               memory_efficient=memory_efficient)
    x = tensor("softplus", x)
    y = _fast.call("softplus", x, **p)
    return F.softplus(x, p["beta"], p["threshold"]) if y is None else y


def softplus_derivative(x: torch.Tensor, *, beta: float = 1.0, threshold: float = 20.0,
                        memory_efficient: bool = False) -> torch.Tensor:
    """sigma(beta x), or exactly 1 above the threshold; ``memory_efficient`` does not
    change it."""
    z = beta * up(x)
    return down(torch.where(z > threshold, 1.0, torch.sigmoid(z)), x)


SOFTPLUS = register(ActivationSpec(
    name="softplus", fn=softplus, derivative=softplus_derivative, params=SOFTPLUS_PARAMS,
    family="smooth",
    summary="log(1 + e^x): a smooth ReLU whose derivative is the sigmoid.",
    summary_zh="log(1 + e^x):平滑版 ReLU,其导数正是 sigmoid。",
    formula=r"f(x) = \frac{1}{\beta}\log\bigl(1 + e^{\beta x}\bigr)",
    derivative_formula=r"f'(x) = \sigma(\beta x)",
    output_range=Interval(0.0, _INF, True), bounded=False, monotonic=True, smooth=True,
    zero_centred=False, saturates="negative", d0=0.5, max_abs_derivative=1.0,
    role=("hidden", "output"), init="he",
    pros=bi(("Smooth everywhere; strictly positive output (scale or rate parameters).",),
            ("处处光滑;输出严格为正(适合尺度或速率参数)。",)),
    cons=bi(("Slower than ReLU; saturates for negative inputs.",),
            ("比 ReLU 慢;负区间饱和。",)),
    other_defaults={"pytorch": "beta=1, threshold=20", "keras": "activation='softplus'",
                    "jax": "jax.nn.softplus"},
    torch_equivalent="torch.nn.functional.softplus", year=2001,
    reference=(
        "Dugas et al., Incorporating Second-Order Functional Knowledge for Better Option Pricing, "
        "NeurIPS 2001."
    ),
))


# ------------------------------------------------------------------------ squareplus
SQUAREPLUS_PARAMS = (Param("b", 4.0, float, NONNEGATIVE,
                           doc="curvature near 0; b = 0 gives ReLU"),)


def squareplus(x: torch.Tensor, *, b: float = 4.0) -> torch.Tensor:
    r"""Squareplus, :math:`\frac{1}{2}\bigl(x + \sqrt{x^2 + b}\bigr)`: softplus-like with
    only a square root.

    .. math::
        f'(x) = \frac{1}{2}\Bigl(1 + \frac{x}{\sqrt{x^2 + b}}\Bigr)

    For x < 0 it is evaluated as :math:`b / (2(\sqrt{x^2 + b} - x))` (no cancellation), and
    :math:`\sqrt{x^2 + b}` as ``hypot(x, sqrt(b))`` (no overflow).

    Args:
        x: input tensor of any shape.
        b: :math:`b \in [0, \infty)`, default 4.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> squareplus(torch.tensor([-1.0, 0.0, 1.5]))
        tensor([0.6180, 1.0000, 2.0000])
    """
    p = params("squareplus", SQUAREPLUS_PARAMS, b=b)
    return _squareplus(tensor("squareplus", x), p["b"])


def _squareplus(x: torch.Tensor, b: float) -> torch.Tensor:
    if b == 0.0:
        return torch.relu(x)
    xu = up(x)
    sb = math.sqrt(b)
    xp, xn = xu.clamp(min=0), xu.clamp(max=0)
    # halves taken before the sum: x + r overflows for x near the dtype's maximum
    pos = xp / 2 + torch.hypot(xp, torch.full_like(xp, sb)) / 2
    # x + r = (r^2 - x^2) / (r - x) = b / (r - x): exact for x < 0; written as
    # (b / 2r) / (1 - x/r) so that r - x (up to 2 |x|) never overflows
    rn = torch.hypot(xn, torch.full_like(xn, sb))
    neg = (b / 2) / rn / (1 - xn / rn)
    return down(torch.where(xu >= 0, pos, neg), x)


def squareplus_derivative(x: torch.Tensor, *, b: float = 4.0) -> torch.Tensor:
    """(1 + x / r) / 2 with r = sqrt(x^2 + b); for x < 0, 1 + x/r = b / (r (r - x))."""
    if b == 0.0:
        return (x > 0).to(x.dtype)
    xu = up(x)
    r = torch.hypot(xu, torch.full_like(xu, math.sqrt(b)))
    pos = (1 + xu / r) / 2
    neg = b / (2 * r * (r - xu.clamp(max=0)))
    return down(torch.where(xu >= 0, pos, neg), x)


SQUAREPLUS = register(ActivationSpec(
    name="squareplus", fn=squareplus, derivative=squareplus_derivative,
    params=SQUAREPLUS_PARAMS, family="smooth",
    summary="(x + sqrt(x^2 + b)) / 2: a softplus shape from one square root.",
    summary_zh="(x + sqrt(x² + b)) / 2:只用一次开方即可得到 softplus 形状。",
    formula=r"f(x) = \frac{x + \sqrt{x^{2} + b}}{2}",
    derivative_formula=r"f'(x) = \frac{1}{2}\left(1 + \frac{x}{\sqrt{x^{2} + b}}\right)",
    output_range=Interval(0.0, _INF), bounded=False, monotonic=True, smooth=True,
    zero_centred=False, saturates="negative", d0=0.5, max_abs_derivative=1.0,
    role=("hidden",), init="he",
    pros=bi(("No exp or log: cheaper than softplus with the same shape.",),
            ("无需 exp 或 log:形状与 softplus 相同但更省计算。",)),
    cons=bi(("Approaches 0 only polynomially for x < 0 (about b / (4|x|)).",),
            ("负区间只以多项式速度趋于 0(约为 b / (4|x|))。",)),
    other_defaults={"pytorch": "not built in", "keras": "activation='squareplus', b=4",
                    "jax": "jax.nn.squareplus, b=4"},
    torch_equivalent=None, year=2021,
    reference="Barron, Squareplus: A Softplus-Like Algebraic Rectifier, arXiv:2112.11687 (2021).",
))


# ----------------------------------------------------------------------------- snake
SNAKE_PARAMS = (Param("a", 1.0, float, POSITIVE, doc="frequency"),)


def snake(x: torch.Tensor, *, a: float = 1.0) -> torch.Tensor:
    r"""Snake, :math:`x + \sin^2(a x) / a`: periodic inductive bias with a linear trend.

    .. math::
        f'(x) = 1 + \sin(2 a x) \in [0, 2]

    Args:
        x: input tensor of any shape.
        a: frequency :math:`a \in (0, \infty)`, default 1.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> snake(torch.tensor([0.0, 3.0]), a=0.5)
        tensor([0.0000, 4.9900])
    """
    p = params("snake", SNAKE_PARAMS, a=a)
    x = tensor("snake", x)
    xu = up(x)
    return down(xu + torch.sin(p["a"] * xu).square() / p["a"], x)


def snake_derivative(x: torch.Tensor, *, a: float = 1.0) -> torch.Tensor:
    """1 + 2 sin(a x) cos(a x) = 1 + sin(2 a x)."""
    xu = up(x)
    return down(1 + torch.sin(2 * a * xu), x)


SNAKE = register(ActivationSpec(
    name="snake", fn=snake, derivative=snake_derivative, params=SNAKE_PARAMS,
    family="smooth",
    summary="x + sin^2(ax)/a: learns periodic functions and extrapolates them.",
    summary_zh="x + sin²(ax)/a:能学习并外推周期函数。",
    formula=r"f(x) = x + \frac{\sin^{2}(a x)}{a}",
    derivative_formula=r"f'(x) = 1 + \sin(2 a x)",
    output_range=Interval(), bounded=False, monotonic=True, smooth=True,
    zero_centred=False, saturates="none", d0=1.0, max_abs_derivative=2.0,
    role=("hidden",), init="he",
    pros=bi(("Extrapolates periodic signals (audio, time series) where ReLU and tanh cannot.",
             "Monotonic despite the oscillation."),
            ("能外推周期信号(音频、时间序列),而 ReLU 与 tanh 做不到。",
             "虽有振荡但仍单调。")),
    cons=bi(("The frequency a needs tuning (or learning).",),
            ("频率 a 需要调节(或学习)。",)),
    other_defaults={"pytorch": "not built in", "keras": "not built in", "jax": "not built in"},
    torch_equivalent=None, year=2020,
    reference=(
        "Ziyin, Hartwig and Ueda, Neural Networks Fail to Learn Periodic Functions and How to Fix "
        "It, NeurIPS 2020."
    ),
))


# ------------------------------------------------------------------------------ sine
SINE_PARAMS = (Param("w0", 30.0, float, POSITIVE, doc="frequency factor omega_0 (SIREN uses 30)"),)


def sine(x: torch.Tensor, *, w0: float = 30.0) -> torch.Tensor:
    r"""SIREN's periodic activation, :math:`\sin(\omega_0 x)`.

    .. math::
        f'(x) = \omega_0 \cos(\omega_0 x)

    Use with SIREN initialisation (``init='siren'``): first layer weights
    :math:`U(-1/n, 1/n)`, later layers :math:`U(-\sqrt{6/n}/\omega_0, \sqrt{6/n}/\omega_0)`.

    Args:
        x: input tensor of any shape.
        w0: :math:`\omega_0 \in (0, \infty)`, default 30.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> sine(torch.tensor([0.0, 1.0]), w0=0.5)
        tensor([0.0000, 0.4794])
    """
    p = params("sine", SINE_PARAMS, w0=w0)
    x = tensor("sine", x)
    return down(torch.sin(p["w0"] * up(x)), x)


def sine_derivative(x: torch.Tensor, *, w0: float = 30.0) -> torch.Tensor:
    """w0 cos(w0 x)."""
    return down(w0 * torch.cos(w0 * up(x)), x)


SINE = register(ActivationSpec(
    name="sine", fn=sine, derivative=sine_derivative, params=SINE_PARAMS,
    aliases=("siren", "sin"), family="smooth",
    summary="sin(w0 x): implicit neural representations (SIREN).",
    summary_zh="sin(ω₀x):用于隐式神经表示(SIREN)。",
    formula=r"f(x) = \sin(\omega_0 x)",
    derivative_formula=r"f'(x) = \omega_0 \cos(\omega_0 x)",
    output_range=Interval(-1.0, 1.0, True, True), bounded=True, monotonic=False, smooth=True,
    zero_centred=True, saturates="none", d0=30.0, max_abs_derivative=30.0,
    role=("implicit",), init="siren",
    pros=bi(("Represents fine detail and derivatives of signals (images, SDFs, PDE solutions).",
             "Every derivative is again a sine: well suited to physics-informed losses."),
            ("能表示信号(图像、SDF、偏微分方程解)的细节及其导数。",
             "任意阶导数仍是正弦函数:适合物理约束损失。")),
    cons=bi(("Needs its special initialisation; with default init training fails.",
             "Not monotonic; unsuited to ordinary classifiers."),
            ("需要专门的初始化;使用默认初始化时训练会失败。",
             "非单调;不适合普通分类网络。")),
    other_defaults={"pytorch": "not built in", "keras": "not built in", "jax": "not built in"},
    torch_equivalent=None, year=2020,
    reference=(
        "Sitzmann et al., Implicit Neural Representations with Periodic Activation Functions, "
        "NeurIPS 2020."
    ),
))
