"""The linter's rules: code, severity, message and fix in English and Chinese."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from actloss._i18n import Text, Words, say
from actloss.findings import Finding, Severity

__all__ = ["RULES", "Rule", "finding"]


@dataclass(frozen=True)
class Rule:
    """One rule. Messages are ``str.format`` templates over the finding's evidence, with
    the same fields in English and Chinese (a value ``name_zh`` fills ``name`` in Chinese)."""

    code: str
    severity: Severity
    summary: str
    message: str
    message_zh: str
    fix: str
    fix_zh: str


_RULES = (
    Rule("double_softmax", "error",
         "probabilities (a softmax output) fed to a loss that applies softmax itself",
         "{loss} expects logits but received probabilities (rows are non-negative and sum "
         "to 1): softmax is applied twice{detail}",
         "{loss} 需要 logits,却收到了概率(每行非负且和为 1):softmax 被做了两次{detail}",
         "remove the softmax from the model and feed the raw scores (logits) to the loss",
         "去掉模型里的 softmax,把原始得分(logits)直接交给损失函数"),
    Rule("sigmoid_before_logits_loss", "error",
         "squashed values in (0, 1) fed to a loss that expects logits",
         "{loss} expects logits but every value lies in ({lo:.3g}, {hi:.3g}) inside (0, 1): "
         "{cause}",
         "{loss} 需要 logits,但所有值都在 (0, 1) 内 ({lo:.3g} 到 {hi:.3g}):{cause}",
         "remove the sigmoid from the model (apply it only at inference time)",
         "去掉模型里的 sigmoid(只在推理时使用)"),
    Rule("relu_before_logits_loss", "error",
         "a non-negative activation (ReLU) in front of a loss that expects logits",
         "{loss} expects logits (any sign) but the values come from {act} and are >= 0: "
         "{consequence}",
         "{loss} 需要 logits(可正可负),但输入来自 {act},全部 >= 0:{consequence}",
         "remove the activation after the last layer: it must output raw scores",
         "去掉最后一层之后的激活函数:它应输出原始得分"),
    Rule("softmax_single_unit", "error",
         "softmax over a dimension of size 1 (always outputs 1)",
         "softmax over a dimension of size 1 always returns 1, so the output carries no "
         "information and its gradient is zero",
         "在大小为 1 的维度上做 softmax 恒等于 1,输出不含信息且梯度为零",
         "for one output unit use a sigmoid (binary_cross_entropy_with_logits), or give "
         "the layer one unit per class",
         "单个输出单元请用 sigmoid(配 binary_cross_entropy_with_logits),或每个类别一个输出单元"),
    Rule("nll_on_probabilities", "error",
         "probabilities fed to the negative log-likelihood loss",
         "{loss} expects log-probabilities but received probabilities (rows sum to 1); "
         "it then maximises p instead of log p",
         "{loss} 需要对数概率,却收到了概率(每行和为 1),优化的是 p 而不是 log p",
         "use log_softmax instead of softmax (or cross_entropy on the logits)",
         "用 log_softmax 代替 softmax(或对 logits 用 cross_entropy)"),
    Rule("nll_on_logits", "error",
         "raw scores fed to the negative log-likelihood loss",
         "{loss} expects log-probabilities but received unnormalised scores in "
         "[{lo:.3g}, {hi:.3g}]; the loss is unbounded below",
         "{loss} 需要对数概率,却收到未归一化的得分 [{lo:.3g}, {hi:.3g}],损失没有下界",
         "apply log_softmax before nll_loss, or use cross_entropy on the logits",
         "在 nll_loss 之前加 log_softmax,或直接对 logits 用 cross_entropy"),
    Rule("kl_div_on_probabilities", "error",
         "probabilities fed to kl_div, which expects log-probabilities",
         "{loss} expects log-probabilities as input but received probabilities in "
         "[{lo:.3g}, {hi:.3g}]",
         "{loss} 的输入应为对数概率,却收到了概率 [{lo:.3g}, {hi:.3g}]",
         "pass log_softmax(logits) as the input of kl_div (the target stays a distribution)",
         "把 log_softmax(logits) 作为 kl_div 的输入(目标仍是概率分布)"),
    Rule("kl_div_on_logits", "error",
         "unnormalised scores fed to kl_div",
         "{loss} expects log-probabilities but received unnormalised scores in "
         "[{lo:.3g}, {hi:.3g}]",
         "{loss} 需要对数概率,却收到未归一化的得分 [{lo:.3g}, {hi:.3g}]",
         "apply log_softmax before kl_div",
         "在 kl_div 之前加 log_softmax"),
    Rule("bce_on_probabilities", "info",
         "binary_cross_entropy on sigmoid outputs: the with-logits form is more stable",
         "{loss} receives sigmoid outputs; log(sigmoid(x)) loses precision and is clamped "
         "for |x| > ~17 in float32",
         "{loss} 接收 sigmoid 输出;log(sigmoid(x)) 在 float32 下 |x| > ~17 时精度丢失并被截断",
         "drop the sigmoid and use binary_cross_entropy_with_logits (BCEWithLogitsLoss)",
         "去掉 sigmoid,改用 binary_cross_entropy_with_logits(BCEWithLogitsLoss)"),
    Rule("bce_on_logits", "error",
         "values outside [0, 1] fed to binary_cross_entropy",
         "{loss} expects probabilities but received values in [{lo:.3g}, {hi:.3g}]",
         "{loss} 需要概率,却收到 [{lo:.3g}, {hi:.3g}] 范围的值",
         "use binary_cross_entropy_with_logits on the raw scores",
         "对原始得分使用 binary_cross_entropy_with_logits"),
    Rule("mse_for_classification", "warning",
         "a regression loss on classification targets",
         "{loss} (a regression loss) is used with {target_kind} targets on outputs in "
         "[{lo:.3g}, {hi:.3g}]; on probabilities its gradient vanishes for confident "
         "mistakes, on class indices it treats the classes as ordered numbers",
         "{loss}(回归损失)被用于 {target_kind} 分类目标,输出范围 [{lo:.3g}, {hi:.3g}];"
         "对概率而言,模型错得越自信梯度越小;对类别索引而言,它把类别当作有序的数",
         "use cross_entropy on logits (class indices) or binary_cross_entropy_with_logits",
         "改用 logits 上的 cross_entropy(类别索引)或 binary_cross_entropy_with_logits"),
    Rule("relu_output_signed_target", "error",
         "a non-negative output activation (ReLU) for targets that take negative values",
         "the output comes from {act} (range {range}) but {neg_fraction:.0%} of the targets "
         "are negative (min {t_lo:.3g}); those can never be fitted",
         "输出来自 {act}(值域 {range}),但 {neg_fraction:.0%} 的目标为负(最小 {t_lo:.3g}),"
         "永远无法拟合",
         "use a linear output (no activation) for signed targets, or tanh with scaling",
         "有正有负的目标请用线性输出(不加激活),或配合缩放的 tanh"),
    Rule("target_out_of_range", "error",
         "targets outside the range of the output activation",
         "the output comes from {act} (range {range}) but the targets lie in "
         "[{t_lo:.3g}, {t_hi:.3g}]",
         "输出来自 {act}(值域 {range}),但目标位于 [{t_lo:.3g}, {t_hi:.3g}]",
         "use a linear output, or rescale the targets into the activation's range",
         "改用线性输出,或把目标缩放到激活函数的值域内"),
    Rule("linear_linear", "warning",
         "two affine maps composed with no non-linearity between them",
         "{first} ({d_in} -> {d_mid}) feeds {second} ({d_mid} -> {d_out}) with no "
         "non-linearity in between; the "
         "two collapse into one affine map (w2*(w1*x + b1) + b2 = (w2*w1)*x + (w2*b1 + b2))",
         "{first}({d_in} -> {d_mid})直接接 {second}({d_mid} -> {d_out}),"
         "两个仿射变换会合并成一个",
         "insert a non-linearity (e.g. ReLU) between the two layers, or merge them",
         "在两层之间加入非线性激活(如 ReLU),或把两层合并"),
    Rule("softmax_implicit_dim", "warning",
         "softmax called without dim (legacy implicit dimension)",
         "{op} was called with dim=None; PyTorch then guesses dim={guess} from the tensor's "
         "number of dimensions ({ndim}), which changes with batching",
         "{op} 调用时没有指定 dim,PyTorch 按张量维数({ndim})猜测 dim={guess},"
         "批处理方式一变结果就变",
         "pass dim explicitly, e.g. softmax(x, dim=-1) or nn.Softmax(dim=-1)",
         "显式指定 dim,例如 softmax(x, dim=-1) 或 nn.Softmax(dim=-1)"),
    Rule("deep_saturating_stack", "warning",
         "a deep stack of sigmoid/tanh layers without normalisation or residual connections",
         "{depth} sigmoid/tanh layers in series without normalisation or residual "
         "connections; gradient norm at the first layer is {grad_ratio:.2g}x the last",
         "{depth} 层 sigmoid/tanh 串联且没有归一化或残差连接,"
         "第一层梯度范数只有最后一层的 {grad_ratio:.2g} 倍",
         "use ReLU-family hidden activations, or add normalisation / residual connections",
         "隐藏层改用 ReLU 族激活,或加入归一化 / 残差连接"),
    Rule("dead_relu_init", "warning",
         "ReLU units that are zero for the whole example batch at initialisation",
         "{dead_fraction:.0%} of the {units} ReLU units output 0 for every example of the "
         "batch; they receive no gradient",
         "{units} 个 ReLU 单元中有 {dead_fraction:.0%} 对整批样本都输出 0,收不到梯度",
         "check the initialisation (bias, weight scale) and input scaling, or use Leaky ReLU",
         "检查初始化(偏置、权重尺度)与输入缩放,或改用 Leaky ReLU"),
    Rule("dead_relu_lr", "warning",
         "one optimiser step at the given learning rate kills ReLU units",
         "after one {optimizer} step with lr={lr:g}, {dead_after:.0%} of the {units} ReLU "
         "units are zero for the whole batch (before: {dead_before:.0%})",
         "以 lr={lr:g} 做一步 {optimizer} 更新后,{units} 个 ReLU 单元中有 "
         "{dead_after:.0%} 对整批样本输出 0(更新前 {dead_before:.0%})",
         "lower the learning rate (or warm it up), or use Leaky ReLU",
         "降低学习率(或使用预热),或改用 Leaky ReLU"),
    Rule("class_count_mismatch", "error",
         "target class indices beyond the output width",
         "{loss} gets {width} output columns but the targets hold class index {t_hi:.0f}; "
         "the model needs at least {need} outputs",
         "{loss} 的输出只有 {width} 列,但目标中出现类别索引 {t_hi:.0f},至少需要 {need} 个输出",
         "set the output layer's width to the number of classes",
         "把输出层宽度设为类别数"),
    Rule("softmax_multilabel", "warning",
         "multi-hot targets with a softmax-based loss",
         "{loss} normalises across classes but the targets are multi-hot (rows hold "
         "{min_pos:.0f} to {max_pos:.0f} positives); the labels compete instead of being "
         "independent",
         "{loss} 在类别间归一化,但目标是多标签(每行 {min_pos:.0f} 到 {max_pos:.0f} 个正例),"
         "标签之间会互相竞争",
         "use binary_cross_entropy_with_logits (one sigmoid per label)",
         "改用 binary_cross_entropy_with_logits(每个标签一个 sigmoid)"),
    Rule("target_dtype_mismatch", "error",
         "target dtype does not fit the loss",
         "{loss} needs {want} targets but got dtype {dtype}",
         "{loss} 需要 {want} 目标,却得到 dtype {dtype}",
         "{fix_detail}",
         "{fix_detail}"),
    Rule("target_shape_mismatch", "error",
         "target shape does not fit the output shape",
         "{loss} gets output of shape {out_shape} and target of shape {t_shape}; "
         "{consequence}",
         "{loss} 的输出形状为 {out_shape},目标形状为 {t_shape}:{consequence}",
         "reshape the target (or the output) so the shapes match, e.g. output.squeeze(-1)",
         "调整目标(或输出)的形状使其一致,例如 output.squeeze(-1)"),
    Rule("high_initial_loss", "warning",
         "initial loss far above chance level",
         "initial {loss} is {loss_value:.3g}, far above the chance level ln K = {ln_k:.3g} "
         "for K = {k}; the logits start too large (init scale or unscaled inputs)",
         "初始 {loss} 为 {loss_value:.3g},远高于随机水平 ln K = {ln_k:.3g}(K = {k}),"
         "初始 logits 过大(初始化尺度或输入未缩放)",
         "scale the inputs, shrink the last layer's init, or check the logit scale",
         "缩放输入、减小最后一层的初始化尺度,或检查 logits 的尺度"),
    Rule("log_of_softmax", "warning",
         "the log of a softmax computed in two steps",
         "{op}({softmax}(x)) is computed in two steps: a probability that rounds to 0 "
         "gives log 0 = -inf (and NaN gradients), and small probabilities lose their "
         "precision before the log",
         "{op}({softmax}(x)) 分两步计算:概率舍入为 0 时得到 log 0 = -inf(梯度为 NaN),"
         "小概率在取对数之前就已丢失精度",
         "use log_softmax(x, dim={dim}) in one step (or cross_entropy on the logits) "
         "instead of log(softmax(x)); an added eps only hides the problem",
         "用一步完成的 log_softmax(x, dim={dim})(或对 logits 用 cross_entropy)代替 "
         "log(softmax(x));加 eps 只是掩盖问题"),
    Rule("softmax_binary_loss", "warning",
         "softmax outputs fed to a per-class binary loss",
         "{loss} scores each of the {k} columns as an independent yes/no, but they come "
         "from a softmax (every row sums to 1){detail}",
         "{loss} 把 {k} 列各自当作独立的是/否来评分,但它们来自 softmax(每行和为 1){detail}",
         "for one label per example: drop the softmax and use cross_entropy on the logits "
         "with class indices; for several labels: drop the softmax and use "
         "binary_cross_entropy_with_logits",
         "每个样本一个标签:去掉 softmax,对 logits 和类别索引用 cross_entropy;"
         "多标签:去掉 softmax,改用 binary_cross_entropy_with_logits"),
    Rule("target_log_probabilities", "error",
         "soft targets given as log-probabilities",
         "{loss} expects target probabilities but the targets are log-probabilities "
         "(all <= 0, min {t_lo:.3g}, their exponentials sum to 1 per row){detail}",
         "{loss} 需要概率形式的目标,但目标是对数概率(全部 <= 0,最小 {t_lo:.3g},"
         "每行指数和为 1){detail}",
         "pass probabilities as the target (softmax, not log_softmax, of the teacher "
         "logits, or target.exp()){alt}",
         "目标请传概率(对教师 logits 用 softmax 而不是 log_softmax,或 target.exp()){alt}"),
    Rule("soft_target_index", "error",
         "class indices given to a soft-target cross-entropy",
         "the loss multiplies log-probabilities of shape {out_shape} by targets of shape "
         "{t_shape} that hold class indices ({t_lo:.0f} to {t_hi:.0f}); broadcasting "
         "turns index c into the weight c on every class instead of picking class c",
         "损失把形状为 {out_shape} 的对数概率与形状为 {t_shape} 的类别索引"
         "({t_lo:.0f} 到 {t_hi:.0f})相乘;广播后索引 c 变成了每个类别上的权重 c,"
         "而不是选出类别 c",
         "turn the indices into probability rows first: "
         "F.one_hot(y.view(-1).long(), {k}).float(), or use "
         "F.cross_entropy(logits, y.view(-1).long())",
         "先把索引转成概率行:F.one_hot(y.view(-1).long(), {k}).float(),"
         "或直接用 F.cross_entropy(logits, y.view(-1).long())"),
    Rule("multilabel_margin_multi_hot", "error",
         "multi-hot 0/1 rows given to multilabel_margin_loss",
         "{loss} reads each target row as class indices padded with -1 ([3, 0, -1, -1] "
         "means classes 3 and 0), but the targets are 0/1 rows of width {k}: a row "
         "[0, 1, 1, 0] is read as classes 0 and 1, whatever the labels are",
         "{loss} 把每行目标读成以 -1 补齐的类别索引([3, 0, -1, -1] 表示类别 3 和 0),"
         "但目标是宽度为 {k} 的 0/1 行:[0, 1, 1, 0] 会被读成类别 0 和 1,与真实标签无关",
         "keep the 0/1 rows and use MultiLabelSoftMarginLoss or BCEWithLogitsLoss with "
         "float targets, or convert each row to its positive indices padded with -1",
         "保留 0/1 行并改用 MultiLabelSoftMarginLoss 或 BCEWithLogitsLoss(float 目标),"
         "或把每行转换成以 -1 补齐的正类索引"),
    Rule("loss_error", "error",
         "the loss call raised an error",
         "calling the loss raised {error}",
         "调用损失函数时报错:{error}",
         "check the loss input and target (shape, dtype, range)",
         "检查损失函数的输入与目标(形状、dtype、取值范围)"),
    Rule("forward_error", "error",
         "the model's forward raised an error",
         "the forward pass raised {error}",
         "前向传播报错:{error}",
         "check that example_input matches what the model expects",
         "检查 example_input 是否符合模型的输入要求"),
)

RULES: dict[str, Rule] = {r.code: r for r in _RULES}


# every message and fix as a registered pair of texts (checked at import)
_WORDS = Words("lint", {
    **{f"{r.code}.message": (r.message, r.message_zh) for r in _RULES},
    **{f"{r.code}.fix": (r.fix, r.fix_zh) for r in _RULES},
})


def _fmt(text: Text, lang: str, ev: dict[str, Any]) -> str:
    """``text`` in ``lang`` over the evidence; a value not measured shows as ``n/a``."""
    return say(text, lang, ev, missing="n/a", lenient=True)


def _jsonable(value: Any) -> Any:
    """Evidence values as JSON-ready data: tuples to lists, NaN and infinities to None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def finding(code: str, where: str, *, fix: str | None = None, fix_zh: str | None = None,
            **evidence: Any) -> Finding:
    """Build the :class:`Finding` of rule ``code`` from its evidence.

    ``fix`` / ``fix_zh`` replace the rule's general fix where the evidence shows the
    precise one (a label-encoding fix such as ``y - 1`` instead of a wider layer).
    """
    rule = RULES[code]
    message, general_fix = _WORDS[f"{code}.message"], _WORDS[f"{code}.fix"]
    return Finding(
        code=code, severity=rule.severity, where=where or "model",
        message=_fmt(message, "en", evidence),
        fix=fix if fix is not None else _fmt(general_fix, "en", evidence),
        message_zh=_fmt(message, "zh", evidence),
        fix_zh=fix_zh if fix_zh is not None else _fmt(general_fix, "zh", evidence),
        evidence={k: _jsonable(v) for k, v in evidence.items() if not k.endswith("_zh")},
    )
