"""Gated linear units: glu, swiglu, geglu, reglu, and the :class:`SwiGLU` feed-forward layer.

Each function splits ``x`` into two halves ``a, b`` along ``dim`` (like ``F.glu``):

- ``glu``:    ``a * sigmoid(b)``  (PyTorch's order: the second half is the gate)
- ``swiglu``: ``silu(a) * b``
- ``geglu``:  ``gelu(a) * b``
- ``reglu``:  ``relu(a) * b``

so the output has half the size of ``x`` along ``dim``. Each has a closed-form
vector-Jacobian product ``vjp(x, grad_out, dim=...)`` beside it.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from actloss._validation import Interval, Param
from actloss.activations._common import bi, check_dim, down, params, tensor, up
from actloss.activations._registry import register
from actloss.activations._smooth import gelu_derivative
from actloss.activations._spec import ActivationSpec
from actloss.errors import InputError

__all__ = ["SwiGLU", "geglu", "glu", "reglu", "swiglu"]

_DIM = (Param("dim", -1, int, Interval(), doc="the dimension split in two halves"),)


def _halves(owner: str, x: object, dim: int) -> tuple[torch.Tensor, torch.Tensor, int]:
    p = params(owner, _DIM, dim=dim)
    x = tensor(owner, x)
    if x.ndim == 0:
        raise InputError(f"`x` of {owner} must have at least 1 dimension; got a 0-d tensor")
    d = check_dim(owner, x, p["dim"])
    if x.shape[d] % 2:
        raise InputError(
            f"`x` of {owner} must have an even size along dim {p['dim']}; got {x.shape[d]}"
        )
    a, b = x.chunk(2, dim=d) if x.shape[d] else (x, x)
    return a, b, d


def _cat(da: torch.Tensor, db: torch.Tensor, dim: int, like: torch.Tensor) -> torch.Tensor:
    return down(torch.cat([da, db], dim=dim), like)


# ------------------------------------------------------------------------------- glu
def glu(x: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    r"""Gated linear unit, :math:`a \odot \sigma(b)` with ``a, b = x.chunk(2, dim)``.

    Vector-Jacobian product: :math:`\bar a = \bar y\,\sigma(b)`,
    :math:`\bar b = \bar y\, a\,\sigma(b)(1 - \sigma(b))`.

    Args:
        x: input tensor with an even size along ``dim``.
        dim: the dimension to split, default -1.

    Shape:
        Input ``(*, 2n, *)``, output ``(*, n, *)``.

    Returns:
        The gated half, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> glu(torch.tensor([4.0, 0.0]))
        tensor([2.])

    References:
        Dauphin et al., Language Modeling with Gated Convolutional Networks, ICML 2017.
    """
    _halves("glu", x, dim)
    return F.glu(x, dim=dim)


def glu_vjp(x: torch.Tensor, grad_out: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    a, b = up(x).chunk(2, dim=dim)
    g = up(grad_out)
    s = torch.sigmoid(b)
    return _cat(g * s, g * a * s * torch.sigmoid(-b), dim, x)


def _activated_half_vjp(
    f: Callable[[torch.Tensor], torch.Tensor], f_prime: Callable[[torch.Tensor], torch.Tensor]
) -> Callable[..., torch.Tensor]:
    """The vjp of ``f(a) * b`` (a, b the halves of x): ``(g b f'(a), g f(a))``."""

    def vjp(x: torch.Tensor, grad_out: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
        a, b = up(x).chunk(2, dim=dim)
        g = up(grad_out)
        return _cat(g * b * f_prime(a), g * f(a), dim, x)

    return vjp



_GATED_CONS_EN = ((
    "Needs twice the width before the gate (or 2/3 of the hidden size to match parameters)."
),)
_GATED_CONS_ZH = ("门控前需要两倍宽度(或把隐藏层缩小到 2/3 以保持参数量)。",)

GLU = register(ActivationSpec(
    name="glu", fn=glu, vjp=glu_vjp, kind="gated", params=_DIM,
    family="gated",
    summary="Half of the input gated by the sigmoid of the other half.",
    summary_zh="输入的一半由另一半的 sigmoid 进行门控。",
    formula=r"\operatorname{GLU}(a, b) = a \otimes \sigma(b)",
    derivative_formula=(
        r"\bar a = \bar y\,\sigma(b),\ \bar b = \bar y\,a\,\sigma(b)\bigl(1 - \sigma(b)\bigr)"
    ),
    output_range=Interval(), bounded=False, monotonic=False, smooth=True,
    zero_centred=False, saturates="none", d0=None,
    role=("gate", "hidden"), init="xavier",
    pros=bi(("A linear path a keeps gradients flowing; the gate selects information.",),
            ("线性通路 a 使梯度顺畅传播;门控负责选择信息。",)),
    cons=bi(_GATED_CONS_EN, _GATED_CONS_ZH),
    other_defaults={"pytorch": "dim=-1",
                    "keras": "keras.ops.glu, axis=-1",
                    "jax": "jax.nn.glu, axis=-1"},
    torch_equivalent="torch.nn.functional.glu", year=2017,
    reference="Dauphin et al., Language Modeling with Gated Convolutional Networks, ICML 2017.",
))


# ---------------------------------------------------------------------------- swiglu
def swiglu(x: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    r"""SwiGLU, :math:`\mathrm{silu}(a) \odot b` with ``a, b = x.chunk(2, dim)``.

    Vector-Jacobian product: :math:`\bar a = \bar y\, b\, \mathrm{silu}'(a)`,
    :math:`\bar b = \bar y\,\mathrm{silu}(a)`.

    Args:
        x: input tensor with an even size along ``dim``.
        dim: the dimension to split, default -1.

    Shape:
        Input ``(*, 2n, *)``, output ``(*, n, *)``.

    Returns:
        The gated half, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> swiglu(torch.tensor([0.0, 3.0]))
        tensor([0.])

    References:
        Shazeer, GLU Variants Improve Transformer, arXiv:2002.05202 (2020).
    """
    a, b, _ = _halves("swiglu", x, dim)
    return F.silu(a) * b


def _silu_prime(a: torch.Tensor) -> torch.Tensor:
    s = torch.sigmoid(a)
    return s + a * s * torch.sigmoid(-a)  # s + a s (1 - s)


swiglu_vjp = _activated_half_vjp(F.silu, _silu_prime)


SWIGLU = register(ActivationSpec(
    name="swiglu", fn=swiglu, vjp=swiglu_vjp, kind="gated", params=_DIM,
    aliases=("silu_glu", "swish_glu"), family="gated",
    summary="silu(a) * b: the gated feed-forward activation of LLaMA-style Transformers.",
    summary_zh="silu(a)·b:LLaMA 等 Transformer 前馈层使用的门控激活。",
    formula=r"\operatorname{SwiGLU}(a, b) = \operatorname{SiLU}(a) \otimes b",
    derivative_formula=(
        r"\bar a = \bar y\,b\,\operatorname{SiLU}'(a),\ \bar b = \bar y\,\operatorname{SiLU}(a)"
    ),
    output_range=Interval(), bounded=False, monotonic=False, smooth=True,
    zero_centred=False, saturates="none", d0=None,
    role=("hidden",), init="he",
    pros=bi(((
        "Best perplexity among the GLU variants in Shazeer's study; standard in modern LLMs."
    ),),
            ("在 Shazeer 的对比中困惑度最优的 GLU 变体;现代大语言模型的标准选择。",)),
    cons=bi(_GATED_CONS_EN, _GATED_CONS_ZH),
    other_defaults={"pytorch": "not built in (silu(a) * b)", "keras": "not built in",
                    "jax": "not built in"},
    torch_equivalent=None, year=2020,
    reference="Shazeer, GLU Variants Improve Transformer, arXiv:2002.05202 (2020).",
))


# ----------------------------------------------------------------------------- geglu
def geglu(x: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    r"""GEGLU, :math:`\mathrm{gelu}(a) \odot b` (exact GELU) with ``a, b = x.chunk(2, dim)``.

    Args:
        x: input tensor with an even size along ``dim``.
        dim: the dimension to split, default -1.

    Shape:
        Input ``(*, 2n, *)``, output ``(*, n, *)``.

    Returns:
        The gated half, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> geglu(torch.tensor([0.0, 3.0]))
        tensor([0.])
    """
    a, b, _ = _halves("geglu", x, dim)
    return F.gelu(a) * b


geglu_vjp = _activated_half_vjp(F.gelu, gelu_derivative)


GEGLU = register(ActivationSpec(
    name="geglu", fn=geglu, vjp=geglu_vjp, kind="gated", params=_DIM,
    aliases=("gelu_glu",), family="gated",
    summary="gelu(a) * b: GLU with a GELU gate (T5.1.1, PaLM-style models).",
    summary_zh="gelu(a)·b:以 GELU 为门的 GLU(T5.1.1 等模型使用)。",
    formula=r"\operatorname{GEGLU}(a, b) = \operatorname{GELU}(a) \otimes b",
    derivative_formula=(
        r"\bar a = \bar y\,b\,\operatorname{GELU}'(a),\ \bar b = \bar y\,\operatorname{GELU}(a)"
    ),
    output_range=Interval(), bounded=False, monotonic=False, smooth=True,
    zero_centred=False, saturates="none", d0=None,
    role=("hidden",), init="he",
    pros=bi(("Close to SwiGLU in quality; smooth gate.",), ("效果接近 SwiGLU;门控平滑。",)),
    cons=bi(_GATED_CONS_EN, _GATED_CONS_ZH),
    other_defaults={"pytorch": "not built in (gelu(a) * b)", "keras": "not built in",
                    "jax": "not built in"},
    torch_equivalent=None, year=2020,
    reference="Shazeer, GLU Variants Improve Transformer, arXiv:2002.05202 (2020).",
))


# ----------------------------------------------------------------------------- reglu
def reglu(x: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    r"""ReGLU, :math:`\mathrm{relu}(a) \odot b` with ``a, b = x.chunk(2, dim)``.

    Args:
        x: input tensor with an even size along ``dim``.
        dim: the dimension to split, default -1.

    Shape:
        Input ``(*, 2n, *)``, output ``(*, n, *)``.

    Returns:
        The gated half, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> reglu(torch.tensor([2.0, 3.0]))
        tensor([6.])
    """
    a, b, _ = _halves("reglu", x, dim)
    return torch.relu(a) * b


reglu_vjp = _activated_half_vjp(torch.relu, lambda a: (a > 0).to(a.dtype))


REGLU = register(ActivationSpec(
    name="reglu", fn=reglu, vjp=reglu_vjp, kind="gated", params=_DIM,
    aliases=("relu_glu",), family="gated",
    summary="relu(a) * b: GLU with a ReLU gate.",
    summary_zh="relu(a)·b:以 ReLU 为门的 GLU。",
    formula=r"\operatorname{ReGLU}(a, b) = \max(0, a) \otimes b",
    derivative_formula=r"\bar a = \bar y\,b\,[a > 0],\ \bar b = \bar y\,\max(0, a)",
    output_range=Interval(), bounded=False, monotonic=False, smooth=False,
    kinks=(0.0,), kink_derivative="0 for the gate half at a = 0 (PyTorch's relu'(0) = 0)",
    zero_centred=False, saturates="none", d0=None,
    role=("hidden",), init="he",
    pros=bi(("Cheapest GLU variant; beats a plain ReLU feed-forward layer.",),
            ("计算最省的 GLU 变体;优于普通 ReLU 前馈层。",)),
    cons=bi(_GATED_CONS_EN, _GATED_CONS_ZH),
    other_defaults={"pytorch": "not built in (relu(a) * b)", "keras": "not built in",
                    "jax": "not built in"},
    torch_equivalent=None, year=2020,
    reference="Shazeer, GLU Variants Improve Transformer, arXiv:2002.05202 (2020).",
))


class SwiGLU(nn.Module):
    r"""The SwiGLU feed-forward layer: :math:`W_o(\mathrm{silu}(W_a x) \odot W_b x)`.

    ``W_a`` and ``W_b`` are one ``Linear(in_features, 2 * hidden)``; its output is split by
    :func:`swiglu`.

    Args:
        in_features: input width.
        hidden: width of the gated layer.
        out: output width (default ``in_features``).
        bias: add biases to the linear maps (default ``True``).

    Shape:
        Input ``(*, in_features)``, output ``(*, out)``.

    Example:
        >>> import torch
        >>> layer = SwiGLU(8, 16)
        >>> layer(torch.zeros(2, 8)).shape
        torch.Size([2, 8])
    """

    def __init__(self, in_features: int, hidden: int, out: int | None = None,
                 bias: bool = True) -> None:
        super().__init__()
        for name, v in (("in_features", in_features), ("hidden", hidden), ("out", out)):
            if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
                from actloss.errors import ParameterError

                raise ParameterError(f"`{name}` of SwiGLU must be an int in [1, inf); got {v!r}")
        self.proj_in = nn.Linear(in_features, 2 * hidden, bias=bias)
        self.proj_out = nn.Linear(hidden, out or in_features, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj_out(swiglu(self.proj_in(x)))
