"""Vector activations along one dimension: softmax, log_softmax, softmin, sparsemax.

Each has a closed-form vector-Jacobian product ``vjp(x, grad_out, dim=...)`` beside it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from actloss._validation import Interval, Param
from actloss.activations._common import bi, check_dim, down, params, tensor, up
from actloss.activations._registry import register
from actloss.activations._spec import ActivationSpec

__all__ = ["log_softmax", "softmax", "softmin", "sparsemax"]

_DIM = (Param("dim", -1, int, Interval(), doc="the dimension that sums to one"),)


def _prep(owner: str, x: object, dim: int) -> tuple[torch.Tensor, int]:
    p = params(owner, _DIM, dim=dim)
    x = tensor(owner, x)
    return x, check_dim(owner, x, p["dim"])


# --------------------------------------------------------------------------- softmax
def softmax(x: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    r"""Softmax along ``dim``: :math:`\mathrm{softmax}(x)_i = e^{x_i} / \sum_j e^{x_j}`.

    Computed as :math:`e^{x_i - \max x} / \sum_j e^{x_j - \max x}` (shift invariance), so
    it never overflows. Vector-Jacobian product:
    :math:`\bar x = s \odot (\bar y - \langle \bar y, s\rangle)`.

    Args:
        x: input tensor.
        dim: the dimension to normalise, default -1 (PyTorch's implicit choice is
            deprecated; actloss always uses an explicit one).

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        Probabilities in [0, 1] that sum to 1 along ``dim``; dtype and device of ``x``.

    Example:
        >>> import torch
        >>> softmax(torch.tensor([1.0, 3.0]).log())
        tensor([0.2500, 0.7500])
    """
    x, d = _prep("softmax", x, dim)
    # a scalar is its own row: 1 (x - x keeps NaN and inf -> NaN, as PyTorch's op)
    return torch.softmax(x, dim=d) if x.ndim else x - x + 1


def softmax_vjp(x: torch.Tensor, grad_out: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    """J^T g = s * (g - sum(g * s)), with s = softmax(x)."""
    s = torch.softmax(up(x), dim=dim)
    g = up(grad_out)
    return down(s * (g - (g * s).sum(dim, keepdim=True)), x)


SOFTMAX = register(ActivationSpec(
    name="softmax", fn=softmax, vjp=softmax_vjp, kind="vector", params=_DIM,
    family="vector",
    summary="Turns a score vector into a probability distribution.",
    summary_zh="将一个得分向量转换为概率分布。",
    formula=r"\operatorname{softmax}(x)_i = \frac{e^{x_i}}{\sum_{j=1}^{K} e^{x_j}}",
    derivative_formula=r"\frac{\partial s_i}{\partial x_j} = s_i(\delta_{ij} - s_j)",
    output_range=Interval(0.0, 1.0, True, True), bounded=True, monotonic=False, smooth=True,
    zero_centred=False, saturates="both", d0=None,
    role=("output", "normaliser"), init="xavier",
    pros=bi(("Outputs in (0, 1) summing to 1: a distribution over K mutually exclusive classes.",
             "Amplifies differences: the largest input gets a markedly larger probability.",
             (
                 "Pairs with cross-entropy for multi-class classification (fused as log_softmax + "
                 "NLL)."
             )),
            ("输出归一化为概率分布:每个输出值在 (0, 1) 区间,且总和为 1,非常适合表示 K 个互斥类别。",
             "放大差异:最大输入对应的输出概率会被显著放大(指数效应)。",
             "常与交叉熵损失函数结合使用,用于多分类问题。")),
    cons=bi(("Output layer only: normally used only in the last layer of a multi-class network.",
             (
                 "Vanishing gradient when one input dominates: outputs near 1 and 0 have "
                 "gradients near 0."
             ),
             "Numerically unstable if computed naively (needs the max-shift trick)."),
            ("仅用于输出层:通常只在多分类网络的最后一层使用。",
             "梯度消失:当某个输入远大于其他时,其对应的输出趋近于 1,其他趋近于 0,梯度接近 0。",
             "数值不稳定(需技巧):需要减去最大值再做指数运算。")),
    other_defaults={"pytorch": "dim required (implicit dim deprecated)", "keras": "axis=-1",
                    "jax": "axis=-1"},
    torch_equivalent="torch.nn.functional.softmax", year=1990,
    reference=(
        "Bridle, Probabilistic Interpretation of Feedforward Classification Network Outputs, 1990."
    ),
    in_sources=("000", "002", "003"),
))


# ----------------------------------------------------------------------- log_softmax
def log_softmax(x: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    r"""Log of the softmax, :math:`x_i - \operatorname{logsumexp}(x)` (never ``log(softmax)``).

    Vector-Jacobian product: :math:`\bar x = \bar y - e^{y} \sum_j \bar y_j`.

    Args:
        x: input tensor.
        dim: the dimension to normalise, default -1.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        Log-probabilities (<= 0) along ``dim``; dtype and device of ``x``.

    Example:
        >>> import torch
        >>> log_softmax(torch.tensor([0.0, 1000.0]))
        tensor([-1000.,     0.])
    """
    x, d = _prep("log_softmax", x, dim)
    # log softmax(x)_i = x_i - logsumexp(x), as F.log_softmax computes it.
    return F.log_softmax(x, dim=d) if x.ndim else x - x  # 0, or NaN for NaN / inf


def log_softmax_vjp(x: torch.Tensor, grad_out: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    """J^T g = g - softmax(x) * sum(g)."""
    s = torch.softmax(up(x), dim=dim)
    g = up(grad_out)
    return down(g - s * g.sum(dim, keepdim=True), x)


LOG_SOFTMAX = register(ActivationSpec(
    name="log_softmax", fn=log_softmax, vjp=log_softmax_vjp, kind="vector", params=_DIM,
    aliases=("logsoftmax",), family="vector",
    summary="Log-probabilities from scores: x - logsumexp(x).",
    summary_zh="由得分得到对数概率:x - logsumexp(x)。",
    formula=r"\operatorname{log\_softmax}(x)_i = x_i - \log\sum_{j} e^{x_j}",
    derivative_formula=r"\frac{\partial y_i}{\partial x_j} = \delta_{ij} - s_j",
    output_range=Interval(-float("inf"), 0.0, False, True), bounded=False, monotonic=False,
    smooth=True, zero_centred=False, saturates="none", d0=None,
    role=("output",), init="xavier",
    pros=bi(("Stable log-probabilities for NLL / cross-entropy at any logit scale.",),
            ("在任意尺度的 logits 下都能稳定地给出对数概率,供 NLL/交叉熵使用。",)),
    cons=bi(((
        "Do not add it before a loss that already applies log_softmax (e.g. CrossEntropyLoss)."
    ),),
            ("不要放在已包含 log_softmax 的损失(如 CrossEntropyLoss)之前。",)),
    other_defaults={"pytorch": "dim required", "keras": "axis=-1", "jax": "axis=-1"},
    torch_equivalent="torch.nn.functional.log_softmax", year=1990,
    reference=(
        "Bridle (1990); log-sum-exp evaluation as in Goodfellow, Bengio and Courville, Deep "
        "Learning (2016), 4.1."
    ),
))


# --------------------------------------------------------------------------- softmin
def softmin(x: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    r"""Softmin, :math:`\mathrm{softmax}(-x)`: the smallest input gets the largest weight.

    Vector-Jacobian product: :math:`\bar x = -s \odot (\bar y - \langle \bar y, s\rangle)`.

    Args:
        x: input tensor.
        dim: the dimension to normalise, default -1.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> softmin(torch.tensor([0.0, 0.0]))
        tensor([0.5000, 0.5000])
    """
    x, d = _prep("softmin", x, dim)
    return F.softmin(x, dim=d) if x.ndim else x - x + 1  # 1, or NaN for NaN / inf


def softmin_vjp(x: torch.Tensor, grad_out: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    """Chain rule through -x: -(s * (g - sum(g * s))), s = softmin(x)."""
    s = torch.softmax(-up(x), dim=dim)
    g = up(grad_out)
    return down(-(s * (g - (g * s).sum(dim, keepdim=True))), x)


SOFTMIN = register(ActivationSpec(
    name="softmin", fn=softmin, vjp=softmin_vjp, kind="vector", params=_DIM,
    family="vector",
    summary="softmax(-x): weights that favour the smallest inputs.",
    summary_zh="softmax(-x):给最小的输入最大的权重。",
    formula=r"\operatorname{softmin}(x)_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}}",
    derivative_formula=r"\frac{\partial y_i}{\partial x_j} = -y_i(\delta_{ij} - y_j)",
    output_range=Interval(0.0, 1.0, True, True), bounded=True, monotonic=False, smooth=True,
    zero_centred=False, saturates="both", d0=None,
    role=("normaliser",), init="xavier",
    pros=bi(("A differentiable arg-min: soft assignment to the nearest prototype.",),
            ("可微的 arg-min:对最近原型的软分配。",)),
    cons=bi(("Same saturation as softmax when one input dominates.",),
            ("当某个输入占主导时,与 softmax 一样会饱和。",)),
    other_defaults={"pytorch": "dim required", "keras": "not built in", "jax": "not built in"},
    torch_equivalent="torch.nn.functional.softmin", year=1990,
    reference="Bridle (1990), softmax of the negated input.",
))


# ------------------------------------------------------------------------- sparsemax
def sparsemax(x: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    r"""Sparsemax: the Euclidean projection of ``x`` onto the probability simplex.

    .. math::
        \mathrm{sparsemax}(x) = \operatorname*{arg\,min}_{p \in \Delta} \|p - x\|^2
        = \max(x - \tau(x), 0)

    With :math:`x_{(1)} \ge \dots \ge x_{(K)}` sorted, the support size is
    :math:`k(x) = \max\{k : 1 + k x_{(k)} > \sum_{j \le k} x_{(j)}\}` and
    :math:`\tau = (\sum_{j \le k(x)} x_{(j)} - 1) / k(x)`. Unlike softmax it gives exact
    zeros. Vector-Jacobian product on the support S:
    :math:`\bar x_i = \bar y_i - \frac{1}{|S|}\sum_{j \in S} \bar y_j`, else 0.

    Args:
        x: input tensor.
        dim: the dimension to normalise, default -1.

    Shape:
        Input ``(*)``, output ``(*)``.

    Returns:
        :math:`f(x)`, with the dtype and device of ``x``.

    Example:
        >>> import torch
        >>> sparsemax(torch.tensor([1.0, 0.5, -2.0]))
        tensor([0.7500, 0.2500, 0.0000])

    References:
        Martins and Astudillo, From Softmax to Sparsemax, ICML 2016.
    """
    x, d = _prep("sparsemax", x, dim)
    if x.ndim == 0:
        return x - x + 1  # 1, or NaN for NaN / inf
    z = up(x).movedim(d, -1)
    if z.numel() == 0:
        return x.clone()
    # sparsemax(z) = sparsemax(z - c): shifting by the max keeps the sums well scaled and
    # makes the largest entry always pass the support test (1 + 0 > 0).
    z = z - z.amax(dim=-1, keepdim=True)
    zs = torch.sort(z, dim=-1, descending=True).values
    k = torch.arange(1, z.shape[-1] + 1, dtype=z.dtype, device=z.device)
    cums = zs.cumsum(-1) - 1
    support = (k * zs > cums).sum(-1, keepdim=True).clamp(min=1)  # a prefix of the sort
    tau = cums.gather(-1, support - 1) / support.to(z.dtype)
    return down(torch.clamp(z - tau, min=0).movedim(-1, d), x)


def sparsemax_vjp(x: torch.Tensor, grad_out: torch.Tensor, *, dim: int = -1) -> torch.Tensor:
    """On the support S: g - mean_S(g); 0 off the support."""
    y = sparsemax(x, dim=dim)
    on = (y > 0).to(up(x).dtype)
    g = up(grad_out)
    mean_s = (g * on).sum(dim, keepdim=True) / on.sum(dim, keepdim=True)
    return down(on * (g - mean_s), x)


SPARSEMAX = register(ActivationSpec(
    name="sparsemax", fn=sparsemax, vjp=sparsemax_vjp, kind="vector", params=_DIM,
    family="vector",
    summary="Projection onto the simplex: a softmax that outputs exact zeros.",
    summary_zh="向概率单纯形的投影:能输出精确 0 的 softmax。",
    formula=(
        r"\operatorname{sparsemax}(x) = \max\bigl(x - \tau(x), 0\bigr),\ \sum_i "
        r"\operatorname{sparsemax}(x)_i = 1"
    ),
    derivative_formula=(
        r"\frac{\partial y_i}{\partial x_j} = [i, j \in S]\Bigl(\delta_{ij} - \frac{1}{|S|}\Bigr)"
    ),
    output_range=Interval(0.0, 1.0, True, True), bounded=True, monotonic=False, smooth=False,
    zero_centred=False, saturates="both", d0=None,
    role=("output", "normaliser"), init="xavier",
    pros=bi(("Sparse probabilities: irrelevant classes or attention weights get exactly 0.",
             "Interpretable attention; cheap (a sort)."),
            ("稀疏概率:无关类别或注意力权重精确为 0。", "注意力可解释;计算代价低(一次排序)。")),
    cons=bi(("Piecewise linear: zero gradient off the support.",
             (
                 "Needs its own loss (sparsemax loss) rather than cross-entropy, which is "
                 "undefined at p = 0."
             )),
            ("分段线性:支撑集之外梯度为 0。",
             "需要专门的 sparsemax 损失;交叉熵在 p = 0 处无定义。")),
    other_defaults={"pytorch": "not built in", "keras": "keras.ops.sparsemax (Keras 3)",
                    "jax": "not built in (optax has sparsemax loss)"},
    torch_equivalent=None, year=2016,
    reference=(
        "Martins and Astudillo, From Softmax to Sparsemax: A Sparse Model of Attention and "
        "Multi-Label Classification, ICML 2016."
    ),
))
