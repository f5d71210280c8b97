"""The wording of every diagnostic, in English and Chinese, with its remedy.

One table, so the command line, the report and the tests see the same text. Messages
are ``str.format`` templates filled from the finding's ``where`` and ``evidence``; both
languages have the same fields, and each pair goes through :mod:`actloss._i18n`.
"""

from __future__ import annotations

from typing import Any

from actloss._i18n import Text, Words, say
from actloss.findings import Finding, Severity

__all__ = ["FIX_VARIANTS", "REMEDIES", "TEXT", "finding"]

# code -> (severity, message, fix, message_zh, fix_zh)
TEXT: dict[str, tuple[Severity, str, str, str, str]] = {
    "dead_units": (
        "warning",
        "{dead_fraction:.0%} of the units of {where} ({activation}) had zero derivative "
        "for every sample of the last epoch: they no longer learn",
        "replace {activation} by leaky_relu or elu, initialise with He (kaiming) init, "
        "avoid large negative biases, and lower the learning rate",
        "{where}({activation})中 {dead_fraction:.0%} 的神经元在最后一个 epoch 对所有样本的"
        "导数都为 0:这些神经元已经死亡,不再学习",
        "把 {activation} 换成 leaky_relu 或 elu,使用 He(kaiming)初始化,避免很大的负偏置,"
        "并降低学习率",
    ),
    "saturated_activations": (
        "warning",
        "{saturation_fraction:.0%} of the activations of {where} ({activation}) are "
        "saturated (|f'(x)| < {saturation_rel:g} x sup|f'| = {saturation_level:.3g})",
        "normalise the inputs of {where} (BatchNorm/LayerNorm), use Xavier init for "
        "{activation}, or switch to a non-saturating activation such as relu",
        "{where}({activation})中 {saturation_fraction:.0%} 的激活值处于饱和区"
        "(|f'(x)| < {saturation_rel:g} × sup|f'| = {saturation_level:.3g})",
        "对 {where} 的输入做归一化(BatchNorm/LayerNorm),{activation} 使用 Xavier 初始化,"
        "或换成 relu 等不饱和的激活函数",
    ),
    "vanishing_gradient": (
        "warning",
        "gradients vanish: ||grad|| of the first layer {first} is {ratio:.2e} times that "
        "of the last layer {last} (threshold {threshold:g})",
        "use relu-family activations with He init, add normalisation layers or residual "
        "connections",
        "梯度消失:第一层 {first} 的梯度范数只有最后一层 {last} 的 {ratio:.2e} 倍"
        "(阈值 {threshold:g})",
        "改用 relu 系列激活函数并配合 He 初始化,加入归一化层或残差连接",
    ),
    "exploding_gradient": (
        "warning",
        "gradients explode: ||grad|| of the first layer {first} is {ratio:.3g} times that "
        "of the last layer {last} (threshold {threshold:g})",
        "clip the gradient norm (torch.nn.utils.clip_grad_norm_), lower the learning rate, "
        "add normalisation layers",
        "梯度爆炸:第一层 {first} 的梯度范数是最后一层 {last} 的 {ratio:.3g} 倍"
        "(阈值 {threshold:g})",
        "裁剪梯度范数(torch.nn.utils.clip_grad_norm_),降低学习率,加入归一化层",
    ),
    "learning_rate_high": (
        "warning",
        "the learning rate is too high: {detail}",
        "lower the learning rate (try a tenth of it), clip gradients "
        "(torch.nn.utils.clip_grad_norm_) and warm the learning rate up over the first steps",
        "学习率过高:{detail}",
        "降低学习率(先试原来的十分之一),裁剪梯度(torch.nn.utils.clip_grad_norm_),"
        "并在最初的若干步中逐步升高学习率(warm-up)",
    ),
    "learning_rate_low": (
        "info",
        "the learning rate is too low: the largest median ||dW||/||W|| per step over all "
        "layers is {ratio:.3g} (about 1e-3 is healthy; threshold {threshold:g}) and the "
        "loss fell by only {relative_decrease:.1%}",
        "raise the learning rate (try ten times it)",
        "学习率过低:所有层每步 ||dW||/||W|| 中位数的最大值仅为 {ratio:.3g}"
        "(1e-3 左右较健康;阈值 {threshold:g}),损失只下降了 {relative_decrease:.1%}",
        "提高学习率(先试原来的十倍)",
    ),
    "nonfinite": (
        "error",
        "{where} is the first module whose output holds NaN or Inf "
        "(epoch {epoch}, batch {batch}{op_text})",
        "lower the learning rate, clip gradients, and look for exp, log or a division of "
        "large values in {where}",
        "{where} 是第一个输出 NaN 或 Inf 的模块(第 {epoch} 个 epoch,第 {batch} 个批次"
        "{op_text})",
        "降低学习率,裁剪梯度,并检查 {where} 中的 exp、log 或对很大数值的除法",
    ),
    "divergence": (
        "error",
        "the loss diverges: {detail}",
        "lower the learning rate (try a tenth of it), clip gradients, check the loss for "
        "log(0) or division by zero",
        "损失发散:{detail}",
        "降低学习率(先试原来的十分之一),裁剪梯度,检查损失中是否有 log(0) 或除以 0",
    ),
    "plateau": (
        "warning",
        "the loss is on a plateau: it fell by {relative_decrease:.2%} from {first:.4g} to "
        "{last:.4g}",
        "check the learning rate (too low, or so high that units died), the initialisation "
        "and normalisation; check that targets match the loss",
        "损失停滞:仅从 {first:.4g} 降到 {last:.4g}(下降 {relative_decrease:.2%})",
        "检查学习率(过低,或过高导致神经元死亡)、初始化与归一化;检查目标值与损失是否匹配",
    ),
    "oscillation": (
        "warning",
        "the loss oscillates: {swings_up} of {moves} moves between windows went up",
        "lower the learning rate or enlarge the batch",
        "损失振荡:相邻窗口之间的 {moves} 次变化中有 {swings_up} 次上升",
        "降低学习率或增大批大小",
    ),
}

# (code, variant) -> (fix, fix_zh): fixes that depend on what produced the problem
FIX_VARIANTS: dict[tuple[str, str], tuple[str, str]] = {
    ("nonfinite", "affine"): (
        "check the scale of the inputs of {where} (normalise them), lower the learning rate "
        "and clip gradients (torch.nn.utils.clip_grad_norm_)",
        "检查 {where} 输入的尺度(做归一化),降低学习率并裁剪梯度(torch.nn.utils.clip_grad_norm_)",
    ),
    ("nonfinite", "log_space"): (
        "compute {op} in log space in {where} (logsumexp, logsigmoid, log_softmax, "
        "softplus) or clamp its input",
        "在 {where} 中用对数空间的写法计算 {op}(logsumexp、logsigmoid、log_softmax、softplus),"
        "或限制其输入范围",
    ),
}

_DETAIL = {
    "nonfinite": ("a non-finite loss ({value}) at step {first_nonfinite_step}",
                  "第 {first_nonfinite_step} 步出现非有限的损失值({value})"),
    "rise": ("it fell to {best:.4g} and rose again to {last:.4g} (started at {first:.4g})",
             "损失从 {first:.4g} 降到 {best:.4g} 后又回升到 {last:.4g}"),
    "updates": ("the median ||dW||/||W|| per step of {where} is {ratio:.3g} (about 1e-3 is "
                "healthy; threshold {threshold:g})",
                "{where} 每步 ||dW||/||W|| 的中位数为 {ratio:.3g}(1e-3 左右较健康;阈值 "
                "{threshold:g})"),
    "peak": ("single optimizer steps moved weights by {ratio:.3g} of their norm "
             "(||dW||/||W||; about 1e-3 is healthy; threshold {threshold:g})",
             "单次优化器更新使权重移动了其范数的 {ratio:.3g} 倍(||dW||/||W||;1e-3 左右较健康;"
             "阈值 {threshold:g})"),
    "curve": ("the loss {curve} while the largest median ||dW||/||W|| per step is "
              "{ratio:.3g}",
              "损失{curve},同时每步 ||dW||/||W|| 中位数的最大值为 {ratio:.3g}"),
    "blowup": ("training ran until step {step}, then {what} became NaN or Inf right after "
               "an optimizer step",
               "训练正常进行到第 {step} 步,随后一次优化器更新后{what}出现 NaN 或 Inf"),
}

# code -> remedies try_remedies() applies, in order
REMEDIES: dict[str, tuple[str, ...]] = {
    "dead_units": ("leaky_relu", "elu", "he_init", "lower_lr"),
    "saturated_activations": ("normalisation", "relu_he"),
    "vanishing_gradient": ("relu_he", "normalisation", "residual"),
    "exploding_gradient": ("gradient_clipping", "lower_lr", "normalisation"),
    "learning_rate_high": ("lower_lr", "gradient_clipping"),
    "nonfinite": ("lower_lr", "gradient_clipping"),
    "divergence": ("lower_lr", "gradient_clipping"),
    "oscillation": ("lower_lr",),
    "plateau": ("he_init", "normalisation"),
}


# every message and fix above as a registered pair of texts (checked at import)
_WORDS = Words("diagnostics", {
    **{f"{code}.message": (msg, msg_zh) for code, (_, msg, _, msg_zh, _) in TEXT.items()},
    **{f"{code}.fix": (fix, fix_zh) for code, (_, _, fix, _, fix_zh) in TEXT.items()},
    **{f"{code}.fix.{variant}": pair for (code, variant), pair in FIX_VARIANTS.items()},
    **{f"detail.{reason}": pair for reason, pair in _DETAIL.items()},
})


def finding(code: str, where: str, *, evidence: dict[str, Any], reason: str = "",
            variant: str = "", **fmt: Any) -> Finding:
    """Build the :class:`Finding` of ``code`` at ``where`` from the table above.

    ``reason`` picks the detail sentence of the message, ``variant`` a fix from
    :data:`FIX_VARIANTS` that fits what produced the problem. A field the values lack
    shows as ``?``.
    """
    severity = TEXT[code][0]
    msg: Text = _WORDS[f"{code}.message"]
    fix: Text = _WORDS[f"{code}.fix.{variant}" if variant else f"{code}.fix"]
    values = {**evidence, **fmt, "where": where}
    if reason:
        detail = _WORDS[f"detail.{reason}"]
        values["detail"] = say(detail, "en", values)
        values["detail_zh"] = say(detail, "zh", values)
    return Finding(
        code=code,
        severity=severity,
        where=where,
        message=say(msg, "en", values),
        fix=say(fix, "en", values),
        message_zh=say(msg, "zh", values),
        fix_zh=say(fix, "zh", values),
        evidence=dict(evidence),
    )
