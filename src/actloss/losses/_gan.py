"""Losses: generative adversarial networks.

Convention (one for every entry here):

- discriminator / critic losses (``*_d``, ``wgan_critic``): ``input`` = the
  discriminator's outputs on **real** samples, ``target`` = its outputs on **fake**
  (generated) samples, same shape. The unreduced loss is the sum of the real-sample term
  and the fake-sample term, element by element, so ``reduction='mean'`` gives
  ``mean(real term) + mean(fake term)``.
- generator losses (``*_g``): ``input`` = the discriminator's outputs on fake samples;
  ``target`` is not used and must be ``None`` (the default).

``gradient`` returns the derivative with respect to ``input`` (the real-sample outputs for
discriminator losses). The source's example, written with Keras' ``BinaryCrossentropy``
on logits::

    d_loss = bce(ones, real_output) + bce(zeros, fake_output)  ->  gan_minimax_d(real, fake)
    g_loss = bce(ones, fake_output)                            ->  gan_nonsaturating_g(fake)

:func:`gradient_penalty` (WGAN-GP) needs the critic itself, not its outputs, so it is a
plain function and not a catalog entry.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from actloss._i18n import bilingual as _bi
from actloss._reduction import check_reduction, reduce
from actloss._validation import NONNEGATIVE, Param, check_params, check_tensor
from actloss.errors import InputError
from actloss.losses._registry import register
from actloss.losses._spec import LossSpec

__all__ = [
    "gan_hinge_d",
    "gan_hinge_g",
    "gan_minimax_d",
    "gan_minimax_g",
    "gan_nonsaturating_g",
    "gradient_penalty",
    "lsgan_d",
    "lsgan_g",
    "wgan_critic",
    "wgan_g",
]



def _weighted(grad: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """Add ``weight`` (element-wise, broadcast to ``input``) to a closed-form gradient."""

    def wrapped(input: torch.Tensor, target: torch.Tensor | None = None, *,
                weight: torch.Tensor | None = None) -> torch.Tensor:
        g = grad(input, target)
        return g if weight is None else g * torch.broadcast_to(weight.to(g.dtype), g.shape)

    wrapped.__name__ = grad.__name__
    wrapped.__doc__ = grad.__doc__
    return wrapped


def _d_args(owner: str, input: object, target: object, reduction: str
            ) -> tuple[torch.Tensor, torch.Tensor]:
    real = check_tensor(owner, "input", input)
    fake = check_tensor(owner, "target", target)
    if real.shape != fake.shape:
        raise InputError(
            f"`input` (outputs on real samples) and `target` (outputs on fake samples) of "
            f"{owner} must have the same shape; got {tuple(real.shape)} and "
            f"{tuple(fake.shape)} (no silent broadcasting)"
        )
    check_reduction(owner, reduction)
    return real, fake


def _g_args(owner: str, input: object, target: object, reduction: str) -> torch.Tensor:
    fake = check_tensor(owner, "input", input)
    if target is not None:
        raise InputError(
            f"`target` of {owner} must be None (a generator loss reads only the "
            f"discriminator's outputs on fake samples); got {type(target).__name__}"
        )
    check_reduction(owner, reduction)
    return fake


# ---------------------------------------------------------------------------------------
# minimax / non-saturating (Goodfellow et al. 2014), on logits
# ---------------------------------------------------------------------------------------

def gan_minimax_d(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                  weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Discriminator loss of the original GAN, on logits.

    .. math::
        \ell = -\log\sigma(r) - \log(1 - \sigma(f)) = \operatorname{softplus}(-r)
        + \operatorname{softplus}(f)

    It is binary cross-entropy with label 1 on real and 0 on fake outputs.
    Derivative with respect to ``r``: :math:`\sigma(r) - 1`.

    Args:
        input: logits on real samples ``r``.
        target: logits on fake samples ``f``, same shape.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: element-wise weights.

    Shape:
        ``input``, ``target``: ``(*)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> gan_minimax_d(torch.tensor([0.0]), torch.tensor([0.0]))  # 2 log 2
        tensor(1.3863)

    References:
        Goodfellow et al. (2014). Generative adversarial nets. NeurIPS.
    """
    real, fake = _d_args("gan_minimax_d", input, target, reduction)
    # -log(sigmoid(r)) = softplus(-r);  -log(1 - sigmoid(f)) = -log(sigmoid(-f)) = softplus(f)
    loss = F.softplus(-real) + F.softplus(fake)
    return reduce(loss, reduction, weight=weight, owner="gan_minimax_d", mean_by="count")


@_weighted
def gan_minimax_d_gradient(input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """d(sum of the unreduced loss)/d(input): ``sigmoid(r) - 1 = -sigmoid(-r)``."""
    real, _ = _d_args("gan_minimax_d", input, target, "none")
    return -torch.sigmoid(-real)


def gan_minimax_g(input: torch.Tensor, target: None = None, *, reduction: str = "mean",
                  weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Generator loss of the original minimax game (saturating), on logits.

    .. math::
        \ell = \log(1 - \sigma(f)) = -\operatorname{softplus}(f)

    Derivative: :math:`-\sigma(f)`, which vanishes exactly when the discriminator rejects
    the fakes (``f`` very negative): the saturation that :func:`gan_nonsaturating_g` avoids.

    Args:
        input: logits on fake samples ``f``.
        target: unused; must be ``None``.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: element-wise weights.

    Shape:
        ``(*)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> gan_minimax_g(torch.tensor([0.0]))  # log(1/2)
        tensor(-0.6931)

    References:
        Goodfellow et al. (2014). Generative adversarial nets. NeurIPS.
    """
    fake = _g_args("gan_minimax_g", input, target, reduction)
    # log(1 - sigmoid(f)) = log(sigmoid(-f)) = -softplus(f)
    return reduce(-F.softplus(fake), reduction, weight=weight, owner="gan_minimax_g",
                  mean_by="count")


@_weighted
def gan_minimax_g_gradient(input: torch.Tensor, target: None = None) -> torch.Tensor:
    """d(sum)/d(input) = ``-sigmoid(f)``."""
    return -torch.sigmoid(_g_args("gan_minimax_g", input, target, "none"))


def gan_nonsaturating_g(input: torch.Tensor, target: None = None, *, reduction: str = "mean",
                        weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Non-saturating generator loss, on logits: :math:`\ell = -\log\sigma(f)
    = \operatorname{softplus}(-f)`.

    Binary cross-entropy of the fake logits against label 1 (the source's
    ``g_loss = bce(ones, fake_output)``). Derivative: :math:`\sigma(f) - 1`, large when the
    discriminator rejects the fakes.

    Args:
        input: logits on fake samples ``f``.
        target: unused; must be ``None``.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: element-wise weights.

    Shape:
        ``(*)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> gan_nonsaturating_g(torch.tensor([0.0]))  # log 2
        tensor(0.6931)

    References:
        Goodfellow et al. (2014). Generative adversarial nets. NeurIPS.
    """
    fake = _g_args("gan_nonsaturating_g", input, target, reduction)
    # -log(sigmoid(f)) = softplus(-f)
    return reduce(F.softplus(-fake), reduction, weight=weight, owner="gan_nonsaturating_g",
                  mean_by="count")


@_weighted
def gan_nonsaturating_g_gradient(input: torch.Tensor, target: None = None) -> torch.Tensor:
    """d(sum)/d(input) = ``sigmoid(f) - 1 = -sigmoid(-f)``."""
    return -torch.sigmoid(-_g_args("gan_nonsaturating_g", input, target, "none"))


# ---------------------------------------------------------------------------------------
# least squares (Mao et al. 2017), on raw scores with labels real = 1, fake = 0
# ---------------------------------------------------------------------------------------

def lsgan_d(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
            weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Least-squares GAN discriminator loss (labels ``b = 1`` real, ``a = 0`` fake).

    .. math::
        \ell = \tfrac12 (D(x) - 1)^2 + \tfrac12 D(G(z))^2

    Derivative with respect to ``D(x)``: :math:`D(x) - 1`.

    Args:
        input: raw discriminator outputs on real samples (no sigmoid).
        target: raw outputs on fake samples, same shape.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: element-wise weights.

    Shape:
        ``(*)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> lsgan_d(torch.tensor([1.0]), torch.tensor([1.0]))  # 0 + 1/2
        tensor(0.5000)

    References:
        Mao et al. (2017). Least squares generative adversarial networks. ICCV.
    """
    real, fake = _d_args("lsgan_d", input, target, reduction)
    loss = 0.5 * (real - 1) ** 2 + 0.5 * fake**2
    return reduce(loss, reduction, weight=weight, owner="lsgan_d", mean_by="count")


@_weighted
def lsgan_d_gradient(input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """d(sum)/d(input) = ``D(x) - 1``."""
    real, _ = _d_args("lsgan_d", input, target, "none")
    return real - 1


def lsgan_g(input: torch.Tensor, target: None = None, *, reduction: str = "mean",
            weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Least-squares GAN generator loss: :math:`\ell = \tfrac12 (D(G(z)) - 1)^2`.

    Args:
        input: raw discriminator outputs on fake samples.
        target: unused; must be ``None``.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: element-wise weights.

    Shape:
        ``(*)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> lsgan_g(torch.tensor([0.0]))
        tensor(0.5000)

    References:
        Mao et al. (2017). Least squares generative adversarial networks. ICCV.
    """
    fake = _g_args("lsgan_g", input, target, reduction)
    return reduce(0.5 * (fake - 1) ** 2, reduction, weight=weight, owner="lsgan_g",
                  mean_by="count")


@_weighted
def lsgan_g_gradient(input: torch.Tensor, target: None = None) -> torch.Tensor:
    """d(sum)/d(input) = ``D(G(z)) - 1``."""
    return _g_args("lsgan_g", input, target, "none") - 1


# ---------------------------------------------------------------------------------------
# Wasserstein (Arjovsky et al. 2017) and hinge (Lim & Ye 2017; Miyato et al. 2018)
# ---------------------------------------------------------------------------------------

def wgan_critic(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Wasserstein critic loss: :math:`\ell = D(G(z)) - D(x)` (minimised by the critic).

    Its negative mean estimates the Wasserstein-1 distance when the critic is 1-Lipschitz
    (weight clipping or :func:`gradient_penalty`). Derivative with respect to ``D(x)``: -1.

    Args:
        input: critic scores on real samples.
        target: critic scores on fake samples, same shape.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: element-wise weights.

    Shape:
        ``(*)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> wgan_critic(torch.tensor([2.0, 4.0]), torch.tensor([-1.0, 1.0]))
        tensor(-3.)

    References:
        Arjovsky, Chintala, Bottou (2017). Wasserstein GAN. ICML.
    """
    real, fake = _d_args("wgan_critic", input, target, reduction)
    return reduce(fake - real, reduction, weight=weight, owner="wgan_critic",
                  mean_by="count")


@_weighted
def wgan_critic_gradient(input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """d(sum)/d(input) = -1."""
    real, _ = _d_args("wgan_critic", input, target, "none")
    return -torch.ones_like(real)


def wgan_g(input: torch.Tensor, target: None = None, *, reduction: str = "mean",
           weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Wasserstein (and hinge) generator loss: :math:`\ell = -D(G(z))`.

    The hinge GAN uses the same generator loss, so ``gan_hinge_g`` is this function.

    Args:
        input: critic scores on fake samples.
        target: unused; must be ``None``.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: element-wise weights.

    Shape:
        ``(*)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> wgan_g(torch.tensor([1.0, 3.0]))
        tensor(-2.)

    References:
        Arjovsky, Chintala, Bottou (2017). Wasserstein GAN. ICML.
    """
    fake = _g_args("wgan_g", input, target, reduction)
    return reduce(-fake, reduction, weight=weight, owner="wgan_g", mean_by="count")


@_weighted
def wgan_g_gradient(input: torch.Tensor, target: None = None) -> torch.Tensor:
    """d(sum)/d(input) = -1."""
    return -torch.ones_like(_g_args("wgan_g", input, target, "none"))


gan_hinge_g = wgan_g


def gan_hinge_d(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Hinge discriminator loss: :math:`\ell = \max(0, 1 - D(x)) + \max(0, 1 + D(G(z)))`.

    Derivative with respect to ``D(x)``: ``-1`` where ``D(x) < 1``, else ``0``.

    Args:
        input: raw scores on real samples.
        target: raw scores on fake samples, same shape.
        reduction: ``'none' | 'mean' | 'sum'``.
        weight: element-wise weights.

    Shape:
        ``(*)``; output ``(*)`` with ``reduction='none'``.

    Example:
        >>> import torch
        >>> gan_hinge_d(torch.tensor([0.5]), torch.tensor([-0.5]))  # 0.5 + 0.5
        tensor(1.)

    References:
        Lim, Ye (2017). Geometric GAN. arXiv:1705.02894. Miyato et al. (2018). Spectral
        normalization for GANs. ICLR.
    """
    real, fake = _d_args("gan_hinge_d", input, target, reduction)
    loss = F.relu(1 - real) + F.relu(1 + fake)
    return reduce(loss, reduction, weight=weight, owner="gan_hinge_d", mean_by="count")


@_weighted
def gan_hinge_d_gradient(input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """d(sum)/d(input) = ``-[D(x) < 1]`` (0 at the kink, as ``relu``'s backward)."""
    real, _ = _d_args("gan_hinge_d", input, target, "none")
    return -(real < 1).to(real.dtype)


# ---------------------------------------------------------------------------------------
# WGAN-GP gradient penalty (a function of the critic, not a catalog entry)
# ---------------------------------------------------------------------------------------

GRADIENT_PENALTY_PARAMS = (Param("lambda_", 10.0, float, NONNEGATIVE,
                                 doc="weight of the penalty"),)


def gradient_penalty(critic: Callable[[torch.Tensor], torch.Tensor], real: torch.Tensor,
                     fake: torch.Tensor, *, lambda_: float = 10.0,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    r"""WGAN-GP gradient penalty on random interpolates of real and fake samples.

    .. math::
        \lambda\,\mathbb{E}_{\hat x}\big[(\lVert\nabla_{\hat x} D(\hat x)\rVert_2 - 1)^2\big],
        \quad \hat x = \epsilon x + (1 - \epsilon)\tilde x,\ \epsilon \sim U[0, 1]

    One ``epsilon`` per sample. The graph is kept (``create_graph=True``) so the penalty
    trains the critic's parameters; ``real`` and ``fake`` are detached. Add the result to
    :func:`wgan_critic`.

    Args:
        critic: a callable mapping a batch to scores, e.g. an ``nn.Module``.
        real: real samples ``(N, *)``.
        fake: generated samples, same shape.
        lambda_: penalty weight in ``[0, inf)``, default ``10``.
        generator: optional ``torch.Generator`` for the interpolation weights.

    Returns:
        A scalar tensor.

    Example:
        >>> import torch
        >>> critic = torch.nn.Linear(2, 1, bias=False)
        >>> with torch.no_grad():
        ...     _ = critic.weight.copy_(torch.tensor([[3.0, 4.0]]))
        >>> x, y = torch.randn(5, 2), torch.randn(5, 2)
        >>> gradient_penalty(critic, x, y)  # 10 * (|(3, 4)| - 1)**2 for a linear critic
        tensor(160., grad_fn=<MulBackward0>)

    References:
        Gulrajani et al. (2017). Improved training of Wasserstein GANs. NeurIPS.
    """
    lam = check_params("gradient_penalty", GRADIENT_PENALTY_PARAMS, {"lambda_": lambda_})
    real = check_tensor("gradient_penalty", "real", real)
    fake = check_tensor("gradient_penalty", "fake", fake)
    if real.shape != fake.shape or real.dim() == 0:
        raise InputError(
            f"`real` and `fake` of gradient_penalty must have the same shape (N, *); got "
            f"{tuple(real.shape)} and {tuple(fake.shape)}"
        )
    if not callable(critic):
        raise InputError(
            f"`critic` of gradient_penalty must be callable; got {type(critic).__name__}"
        )
    shape = (real.shape[0],) + (1,) * (real.dim() - 1)
    eps = torch.rand(shape, dtype=real.dtype, device=real.device, generator=generator)
    x_hat = (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(True)
    out = critic(x_hat)
    (grad,) = torch.autograd.grad(out.sum(), x_hat, create_graph=True)
    norm = grad.flatten(1).norm(2, dim=1)
    return lam["lambda_"] * ((norm - 1) ** 2).mean()


# ---------------------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------------------

_D_NOTE = "input = D outputs on real samples, target = D outputs on fake samples"
_G_NOTE = "input = D outputs on fake samples, target = None"
_D_NOTE_ZH = "input 为真实样本上的输出, target 为生成样本上的输出"

register(LossSpec(
    name="gan_minimax_d", fn=gan_minimax_d, aliases=("gan_d", "gan_bce_d"), family="gan",
    summary=f"Original GAN discriminator loss on logits ({_D_NOTE}).",
    summary_zh=f"原始 GAN 判别器损失 (logits; {_D_NOTE_ZH})。",
    formula=r"\operatorname{softplus}(-r) + \operatorname{softplus}(f)",
    gradient=gan_minimax_d_gradient, tasks=("gan",), pairs_with="sigmoid",
    input_kind="logits",
    target_kind="real", convex=True,
    pros=_bi(("Probabilistic: the optimal discriminator outputs p_data/(p_data + p_g)",
              "Computed in log space, stable for any logit"),
             ("有概率解释: 最优判别器输出 p_data/(p_data + p_g)",
              "在对数空间计算, 任意 logit 都稳定")),
    cons=_bi(("Discriminator can win too easily; the generator's gradient then vanishes",),
             ("判别器容易过强, 生成器梯度随之消失",)),
    other_defaults={"keras": "BinaryCrossentropy(from_logits=True) on ones/zeros"},
    year=2014, reference="Goodfellow et al. (2014). Generative adversarial nets. NeurIPS.",
    in_sources=("000_5b08fef0015a8918.txt",),
))
register(LossSpec(
    name="gan_minimax_g", fn=gan_minimax_g, aliases=("gan_saturating_g",), family="gan",
    summary=f"Saturating minimax generator loss log(1 - D(G(z))) ({_G_NOTE}).",
    summary_zh="饱和的极小极大生成器损失 log(1 - D(G(z))) (input 为生成样本上的 logits)。",
    formula=r"-\operatorname{softplus}(f)",
    gradient=gan_minimax_g_gradient, tasks=("gan",), pairs_with="sigmoid",
    input_kind="logits", target_kind="none",
    pros=_bi(("The exact game analysed in the original paper",), ("即原论文分析的博弈本身",)),
    cons=_bi(("Saturates: almost no gradient early in training when D rejects fakes",),
             ("会饱和: 训练初期判别器拒绝生成样本时几乎没有梯度",)),
    year=2014, reference="Goodfellow et al. (2014). Generative adversarial nets. NeurIPS.",
))
register(LossSpec(
    name="gan_nonsaturating_g", fn=gan_nonsaturating_g, aliases=("gan_g", "gan_ns_g"),
    family="gan",
    summary=f"Non-saturating generator loss -log D(G(z)) ({_G_NOTE}).",
    summary_zh="非饱和生成器损失 -log D(G(z)) (input 为生成样本上的 logits)。",
    formula=r"\operatorname{softplus}(-f)",
    gradient=gan_nonsaturating_g_gradient, tasks=("gan",), pairs_with="sigmoid",
    input_kind="logits",
    target_kind="none", convex=True,
    pros=_bi(("Strong gradient exactly when the generator is losing", "The common default"),
             ("生成器落后时梯度正强", "最常用的默认选择")),
    cons=_bi(("No longer a zero-sum game; training can still be unstable",),
             ("不再是零和博弈; 训练仍可能不稳定",)),
    other_defaults={"keras": "BinaryCrossentropy(from_logits=True)(ones, fake_output)"},
    year=2014, reference="Goodfellow et al. (2014). Generative adversarial nets. NeurIPS.",
    in_sources=("000_5b08fef0015a8918.txt",),
))
register(LossSpec(
    name="lsgan_d", fn=lsgan_d, aliases=("least_squares_gan_d",), family="gan",
    summary=f"Least-squares GAN discriminator loss ({_D_NOTE}).",
    summary_zh=f"最小二乘 GAN 判别器损失 ({_D_NOTE_ZH})。",
    formula=r"\tfrac12 (D(x) - 1)^2 + \tfrac12 D(G(z))^2",
    gradient=lsgan_d_gradient, tasks=("gan",), pairs_with="identity",
    input_kind="scores", target_kind="real",
    convex=True,
    pros=_bi(("Penalises samples far from the decision boundary; steadier training",),
             ("惩罚远离决策边界的样本; 训练更稳定",)),
    cons=_bi(("Unbounded scores; can over-penalise confident correct outputs",),
             ("分数无界; 可能过度惩罚置信且正确的输出",)),
    year=2017, reference="Mao et al. (2017). Least squares GANs. ICCV.",
    in_sources=("000_5b08fef0015a8918.txt",),
))
register(LossSpec(
    name="lsgan_g", fn=lsgan_g, aliases=("least_squares_gan_g",), family="gan",
    summary=f"Least-squares GAN generator loss ({_G_NOTE}).",
    summary_zh="最小二乘 GAN 生成器损失 (input 为生成样本上的输出)。",
    formula=r"\tfrac12 (D(G(z)) - 1)^2",
    gradient=lsgan_g_gradient, tasks=("gan",), pairs_with="identity",
    input_kind="scores", target_kind="none",
    convex=True,
    pros=_bi(("Gradient does not vanish for fakes on the correct side of the boundary",),
             ("位于边界正确一侧的生成样本梯度也不消失",)),
    cons=_bi(("Pull towards the label value, not towards the data",),
             ("把输出拉向标签值, 而非直接拉向数据分布",)),
    year=2017, reference="Mao et al. (2017). Least squares GANs. ICCV.",
    in_sources=("000_5b08fef0015a8918.txt",),
))
register(LossSpec(
    name="wgan_critic", fn=wgan_critic, aliases=("wgan_d", "wasserstein_critic"),
    family="gan",
    summary=f"Wasserstein critic loss D(G(z)) - D(x) ({_D_NOTE}).",
    summary_zh=f"Wasserstein 评论家损失 D(G(z)) - D(x) ({_D_NOTE_ZH})。",
    formula=r"D(G(z)) - D(x)",
    gradient=wgan_critic_gradient, tasks=("gan",), pairs_with="identity",
    input_kind="scores", target_kind="real",
    convex=True,
    pros=_bi(("Meaningful loss curve that tracks sample quality", "Reduces mode collapse"),
             ("损失曲线有意义, 与样本质量相关", "缓解模式崩溃")),
    cons=_bi(("Needs a 1-Lipschitz critic (clipping or gradient penalty)",),
             ("需要 1-Lipschitz 的评论家 (权重裁剪或梯度惩罚)",)),
    year=2017, reference="Arjovsky, Chintala, Bottou (2017). Wasserstein GAN. ICML.",
    in_sources=("000_5b08fef0015a8918.txt",),
))
register(LossSpec(
    name="wgan_g", fn=wgan_g, aliases=("gan_hinge_g", "wasserstein_g"), family="gan",
    summary=f"Wasserstein (and hinge) generator loss -D(G(z)) ({_G_NOTE}).",
    summary_zh="Wasserstein (及 hinge) 生成器损失 -D(G(z)) (input 为生成样本上的分数)。",
    formula=r"-D(G(z))",
    gradient=wgan_g_gradient, tasks=("gan",), pairs_with="identity",
    input_kind="scores", target_kind="none",
    convex=True,
    pros=_bi(("Constant gradient: never saturates",), ("梯度恒定: 从不饱和",)),
    cons=_bi(("Only meaningful with a constrained critic",), ("只有评论家受约束时才有意义",)),
    year=2017, reference="Arjovsky, Chintala, Bottou (2017). Wasserstein GAN. ICML.",
    in_sources=("000_5b08fef0015a8918.txt",),
))
register(LossSpec(
    name="gan_hinge_d", fn=gan_hinge_d, aliases=("hinge_gan_d",), family="gan",
    summary=f"Hinge discriminator loss ({_D_NOTE}).",
    summary_zh=f"Hinge 判别器损失 ({_D_NOTE_ZH})。",
    formula=r"\max(0, 1 - D(x)) + \max(0, 1 + D(G(z)))",
    gradient=gan_hinge_d_gradient, tasks=("gan",), pairs_with="identity",
    input_kind="scores", target_kind="real",
    convex=True,
    pros=_bi(("Used by SN-GAN and BigGAN; stable with spectral normalisation",),
             ("SN-GAN 与 BigGAN 采用; 配合谱归一化训练稳定",)),
    cons=_bi(("No gradient from samples already beyond the margin",),
             ("已越过间隔的样本不再提供梯度",)),
    year=2017, reference="Lim, Ye (2017). Geometric GAN. arXiv:1705.02894.",
))
