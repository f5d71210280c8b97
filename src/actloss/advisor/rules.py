"""The rules: task x data facts -> hidden activation, output activation, loss.

The rules are declared as data: :data:`SELECTION_TABLE` holds the rows of the source
articles' selection tables (task x data fact -> loss and alternatives) and
:data:`TASK_RULES` one record per task (its aliases, the target kinds that detect it
or that it accepts, whether it uses ``imbalance``, and its planner). Everything known
about a loss or an activation (the output activation it pairs with, whether it handles
imbalance or outliers, its parameters) is read from the catalog specs
(:func:`actloss.losses.spec`, :func:`actloss.activations.spec`).

Sources cited (the five source articles on activation and loss functions):

- ``000_5b08fef0015a8918.txt`` §3.2: task -> preferred loss -> alternative;
  §8.2: task x data -> loss + output activation; §2.1: output-range table.
- ``002_059dc22d1bcf7a62.txt`` "which activation where": hidden ReLU (Leaky ReLU when
  units die), outputs for binary / multi-class / regression (non-negative -> ReLU,
  signed -> linear or tanh with scaling), RNN gates sigmoid and state tanh.
- ``003_ee359a0e5008e516.txt`` "how to choose": ReLU first, then Leaky ReLU / PReLU /
  ELU; sigmoid, softmax, linear outputs; tanh in RNNs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from actloss._i18n import tr
from actloss._registry import close_matches
from actloss._validation import check_param
from actloss.advisor.inspect import (
    HUBER_K,
    ROBUST_Z,
    TargetFacts,
    _residual_scale,
    _skew_transform,
    _to_array,
    inspect_target,
)
from actloss.advisor.text import S000, S002, S003, Reason, _hidden_reason
from actloss.errors import UnknownNameError

__all__ = [
    "IMBALANCED_BELOW",
    "IMBALANCE_TASKS",
    "OUTLIERS_ABOVE",
    "SELECTION_TABLE",
    "TASKS",
    "TASK_RULES",
    "LossChoice",
    "SelectionRow",
    "TaskRule",
]

IMBALANCED_BELOW = 0.2  # minority share under which a binary task counts as imbalanced
OUTLIERS_ABOVE = 0.01  # share of robust |z| > 3.5 above which regression uses Huber
FOCAL_ALPHA, FOCAL_GAMMA = 0.25, 2.0  # Lin et al. (2017), Table 1a: best alpha at gamma 2


@dataclass(frozen=True)
class SelectionRow:
    """One row of the advisor's selection table: task x data fact -> loss names."""

    task: str
    condition: str  # the data fact that selects the row
    loss: str  # catalog name
    alternatives: tuple[str, ...]  # catalog names
    source: str  # file, section and row of the source table


@dataclass(frozen=True)
class LossChoice:
    """A loss of the recommendation with its parameters (catalog name + params)."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    role: str = "main"  # main, boxes, overlap, generator, discriminator, ...


def _row(task: str, condition: str, loss: str, alternatives: tuple[str, ...],
         source: str) -> SelectionRow:
    return SelectionRow(task, condition, loss, alternatives, source)

SELECTION_TABLE: tuple[SelectionRow, ...] = (
    _row("binary", "balanced", "binary_cross_entropy_with_logits", ("hinge",),
         f"{S000} §8.2, row 二分类 | 平衡 | 二元交叉熵 | Sigmoid; §3.2, row 二分类 | "
         "二元交叉熵 | Hinge Loss"),
    _row("binary", "imbalanced", "binary_cross_entropy_with_logits", ("binary_focal",),
         "lab experiment 'imbalance' (1:20): BCE with pos_weight reaches the focal loss's "
         f"average precision with a higher recall; {S000} §8.2, row 二分类 | 不平衡 | "
         "Focal Loss | Sigmoid (the alternative)"),
    _row("multiclass", "single_label", "cross_entropy", ("kl_div",),
         f"{S000} §8.2, row 多分类 | 单标签 | 分类交叉熵 | Softmax; §3.2, row 多分类 | "
         "分类交叉熵 | KL散度"),
    _row("multiclass", "imbalanced", "cross_entropy", ("categorical_focal", "kl_div"),
         f"{S000} §8.2, row 多分类 | 单标签 | 分类交叉熵 | Softmax; §2.2 类别不平衡:Focal Loss"),
    _row("multilabel", "multi_label", "binary_cross_entropy_with_logits",
         ("asymmetric", "multilabel_soft_margin"),
         f"{S000} §8.2, row 多分类 | 多标签 | 二元交叉熵 | Sigmoid"),
    _row("regression", "gaussian", "mse", ("huber",),
         f"{S000} §8.2, row 回归 | 高斯分布 | MSE | 线性; §3.2, row 回归 | MSE | Huber Loss"),
    _row("regression", "outliers", "huber", ("mse",),
         f"{S000} §8.2, row 回归 | 离群点多 | Huber Loss | 线性"),
    _row("regression", "nonnegative", "mse", ("huber", "msle"),
         f"{S002} 输出层 / 回归 / 输出非负(如销量):ReLU; {S000} §8.2, row 回归 | 高斯分布 | MSE"),
    _row("regression", "bounded", "mse", ("binary_cross_entropy_with_logits",),
         f"{S000} §2.1 output-range table, row Sigmoid | (0,1); {S002} 输出层 / 回归"),
    _row("quantile", "quantile", "quantile", ("huber",),
         f"{S000} §8.2, row 回归 | 分位数预测 | Quantile Loss | 线性"),
    _row("count", "counts", "poisson_nll", ("msle", "mse"),
         f"{S002} 输出层 / 回归 / 输出非负:ReLU; Poisson likelihood for integer counts"),
    _row("detection", "boxes", "binary_focal", ("giou_loss", "ciou_loss", "iou_loss"),
         f"{S000} §3.2, row 目标检测 | Focal Loss | 交并比损失"),
    _row("segmentation", "masks", "dice", ("binary_cross_entropy_with_logits", "jaccard",
                                           "tversky", "focal_tversky"),
         f"{S000} §8.2, row 多分类 | 多标签 | 二元交叉熵 | Sigmoid (per pixel) + Dice overlap"),
    _row("gan", "adversarial", "lsgan_d", ("wgan_critic", "gan_minimax_d"),
         f"{S000} §3.2, row 生成对抗 | 最小二乘损失 | Wasserstein距离; §7.2 GAN losses"),
    _row("metric_learning", "embeddings", "triplet", ("info_nce", "contrastive"),
         "triplet / InfoNCE objectives of metric and self-supervised learning"),
    _row("rnn", "sequence", "cross_entropy", ("mse",),
         f"{S002} 循环网络(RNN/LSTM):门控用Sigmoid,状态用Tanh"),
)


def _table(task: str, condition: str) -> SelectionRow:
    for row in SELECTION_TABLE:
        if row.task == task and row.condition == condition:
            return row
    raise KeyError((task, condition))  # pragma: no cover - table is complete


def _loss_spec(name: str) -> Any:
    from actloss import losses

    return losses.spec(name)


def _act_spec(name: str) -> Any:
    from actloss import activations

    return activations.spec(name)


def _loss_params(name: str, **wanted: Any) -> dict[str, Any]:
    """Keep the parameters the catalog entry declares; validate them there."""
    spec = _loss_spec(name)
    declared = {p.name: p for p in spec.params}
    out: dict[str, Any] = {}
    for k, v in wanted.items():
        if k in declared:
            out[k] = check_param(spec.name, declared[k], v)
    return out


def _catalog_alternatives(task_tag: str, *, imbalance: bool = False,
                          outliers: bool = False, exclude: Sequence[str] = ()) -> list[str]:
    """Losses the catalog marks for ``task_tag`` and the data fact (imbalance, outliers)."""
    import actloss.losses  # noqa: F401  (registers the entries)
    from actloss.losses._registry import REGISTRY

    out = []
    for s in REGISTRY:
        if s.name.startswith("keras_") or s.name in exclude or task_tag not in s.tasks:
            continue
        if imbalance and not s.handles_imbalance:
            continue
        if outliers and not s.robust_to_outliers:
            continue
        out.append(s.name)
    return out


@dataclass
class _Plan:
    task: str
    loss: str
    params: dict[str, Any] = field(default_factory=dict)
    alternatives: list[str] = field(default_factory=list)
    extra: list[LossChoice] = field(default_factory=list)
    output: str | None = None  # None: the loss's pairs_with
    hidden: str = "relu"
    hidden_alternatives: tuple[str, ...] = ("leaky_relu", "prelu", "elu")
    reasons: list[Reason] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    out_width: int = 1
    quantiles: tuple[float, ...] = ()
    transform: str | None = None  # 'log' / 'log1p' of the targets


def _plan_binary(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                 quantiles: Any, lang: str) -> _Plan:
    share = facts.minority_fraction if facts is not None else imbalance
    counts = facts.class_counts if facts is not None else ()
    imbalanced = share is not None and share < IMBALANCED_BELOW
    row = _table("binary", "imbalanced" if imbalanced else "balanced")
    plan = _Plan("binary", row.loss, alternatives=list(row.alternatives))
    plan.reasons.append(_hidden_reason(lang))
    if facts is not None and len(counts) == 2:
        # 0/1 targets keep their meaning; other labels: the minority class is positive
        i_pos = 1 if facts.labels in ((), ("0", "1")) else int(np.argmin(counts))
        n_pos, n_neg = counts[i_pos], counts[1 - i_pos]
        pos = n_pos / (n_neg + n_pos)
        fact = f"data: class counts {counts[0]} / {counts[1]} (positive share {pos:.3g})"
        if facts.labels and facts.labels != ("0", "1"):
            neg_l, pos_l = facts.labels[1 - i_pos], facts.labels[i_pos]
            plan.notes.append(tr(lang, f"map the labels {neg_l!r} -> 0 and {pos_l!r} -> 1 "
                                       "(float targets; the minority class is positive)",
                                 f"把标签 {neg_l!r} 映射为 0,{pos_l!r} 映射为 1"
                                 "(浮点目标;少数类为正类)"))
    else:
        pos = share if share is not None else 0.5
        n_neg = n_pos = 0
        fact = (f"given: imbalance = {share:g} (positive share)" if share is not None
                else "no class counts given: assumed balanced")
    if imbalanced:
        pw = round((1 - pos) / pos, 4)
        plan.params = _loss_params(row.loss, pos_weight=pw)
        plan.reasons.append(Reason(
            tr(lang, f"imbalanced (positive share {pos:.3g} < {IMBALANCED_BELOW}): binary "
                     f"cross-entropy with pos_weight = n_neg / n_pos = {pw:g}, so the rare "
                     "positives weigh as much as the negatives in the loss",
               f"类别不平衡(正类比例 {pos:.3g} < {IMBALANCED_BELOW}):二元交叉熵,"
               f"pos_weight = n_neg / n_pos = {pw:g},使少数的正类在损失中与负类同等重要"),
            f"{row.source}; {fact}"))
        plan.reasons.append(Reason(
            tr(lang, f"alternative: binary_focal(alpha={FOCAL_ALPHA:g}, gamma={FOCAL_GAMMA:g})"
                     " down-weights the many easy negatives; alpha = 0.25 at gamma = 2 is "
                     "the focal-loss paper's best setting (it is not 1 - positive share)",
               f"备选:binary_focal(alpha={FOCAL_ALPHA:g}, gamma={FOCAL_GAMMA:g}) 降低大量易分"
               "负例的权重;gamma = 2 时 alpha = 0.25 是 focal loss 论文的最佳设置"
               "(不是 1 - 正类比例)"),
            f"Lin et al. (2017) Focal Loss for Dense Object Detection, Table 1a; {S000} "
            "§2.2 类别不平衡:Focal Loss"))
        plan.alternatives += _catalog_alternatives("binary_classification", imbalance=True,
                                                   exclude=(row.loss,))
    else:
        plan.reasons.append(Reason(
            tr(lang, f"balanced enough (positive share {pos:.3g} >= {IMBALANCED_BELOW}): "
                     "plain binary cross-entropy on one logit (no pos_weight)",
               f"类别基本平衡(正类比例 {pos:.3g} >= {IMBALANCED_BELOW}):单个 logit 上的"
               "普通二元交叉熵(不加 pos_weight)"),
            f"{row.source}; {fact}"))
    plan.reasons.append(Reason(
        tr(lang, "output: one unit with a sigmoid (a single probability)",
           "输出层:一个单元 + Sigmoid(输出单个概率)"),
        f"{S002} 输出层 / 二分类: Sigmoid; {S003} 二元分类:使用 Sigmoid"))
    return plan


def _plan_multiclass(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                     quantiles: Any, lang: str) -> _Plan:
    k = facts.n_classes if facts is not None and facts.n_classes else 10
    ratio = facts.imbalance_ratio if facts is not None else None
    imbalanced = ratio is not None and ratio > 1 / IMBALANCED_BELOW - 1
    row = _table("multiclass", "imbalanced" if imbalanced else "single_label")
    plan = _Plan("multiclass", row.loss, alternatives=list(row.alternatives), out_width=k)
    plan.reasons.append(_hidden_reason(lang))
    plan.reasons.append(Reason(
        tr(lang, f"single-label with K = {k} classes: softmax over K logits with categorical "
                 "cross-entropy; the initial loss should be near ln K = "
                 f"{math.log(k):.3f}",
           f"单标签 K = {k} 类:K 个 logits 上做 softmax 配分类交叉熵;初始损失应接近 "
           f"ln K = {math.log(k):.3f}"),
        row.source))
    if facts is not None and facts.kind == "one_hot":
        plan.notes.append(tr(lang, "targets are one-hot: pass class indices "
                                   "(y.argmax(1)) or keep them as probabilities",
                             "目标为 one-hot:可传类别索引(y.argmax(1)),或保持为概率"))
    if facts is not None and facts.kind == "soft_labels":
        plan.notes.append(tr(lang, "targets are soft labels (rows sum to 1): cross_entropy "
                                   "accepts them as class probabilities",
                             "目标为软标签(每行和为 1):cross_entropy 可直接接受类别概率"))
    if imbalanced and facts is not None:
        counts = np.asarray(facts.class_counts, dtype=np.float64)
        present = counts > 0
        weights = np.zeros_like(counts)
        weights[present] = counts.sum() / (present.sum() * counts[present])
        plan.params = {"weight": [round(float(w), 4) for w in weights]}
        plan.reasons.append(Reason(
            tr(lang, f"classes are imbalanced (largest / smallest count = {ratio:.3g}): "
                     "class weights n / (K n_c) (inverse frequency), or a focal loss",
               f"类别不平衡(最大/最小类别数 = {ratio:.3g}):类别权重 n / (K n_c)"
               "(频率倒数),或使用 Focal Loss"),
            f"data: class counts {tuple(int(c) for c in counts)}; {row.source}"))
        plan.alternatives += _catalog_alternatives("multiclass_classification",
                                                   imbalance=True, exclude=(row.loss,))
    plan.reasons.append(Reason(
        tr(lang, "output: softmax (outputs sum to 1 over K mutually exclusive classes)",
           "输出层:Softmax(K 个互斥类别的概率和为 1)"),
        f"{S002} 输出层 / 多分类: Softmax; {S003} 多元分类:使用 Softmax"))
    return plan


def _plan_multilabel(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                     quantiles: Any, lang: str) -> _Plan:
    row = _table("multilabel", "multi_label")
    width = facts.n_classes if facts is not None and facts.n_classes else 5
    plan = _Plan("multilabel", row.loss, alternatives=list(row.alternatives), out_width=width)
    plan.reasons.append(_hidden_reason(lang))
    plan.reasons.append(Reason(
        tr(lang, f"multi-label ({width} labels, each present or not): one sigmoid per label "
                 "with binary cross-entropy; labels do not compete as under softmax",
           f"多标签({width} 个标签,各自独立出现):每个标签一个 sigmoid,配二元交叉熵;"
           "标签之间不像 softmax 那样互相竞争"),
        row.source))
    if facts is not None and facts.label_positive_fraction:
        pos = np.asarray(facts.label_positive_fraction)
        constant = [i for i, p in enumerate(pos) if p in (0.0, 1.0)]
        varying = pos[(pos > 0) & (pos < 1)]
        # as for one binary target: weights only when some label is imbalanced
        imbalanced = bool(varying.size) and float(
            np.minimum(varying, 1 - varying).min()) < IMBALANCED_BELOW
        shares = ", ".join(f"{p:.2g}" for p in pos)
        if constant:
            plan.notes.append(tr(lang, f"label column(s) {constant} never change in y; they "
                                       "carry no signal",
                                 f"标签列 {constant} 在 y 中恒定不变,不含信息"))
        if imbalanced:
            # n_neg / n_pos per label; a label that is always (or never) on gets weight 1
            pw = [1.0 if i in constant else round(float((1 - p) / p), 4)
                  for i, p in enumerate(pos)]
            plan.params = {"pos_weight": pw}
            plan.reasons.append(Reason(
                tr(lang, f"some labels are imbalanced (label shares {shares}; a share under "
                         f"{IMBALANCED_BELOW} or over {1 - IMBALANCED_BELOW:g}): pos_weight "
                         "per label = n_neg / n_pos (1 for a constant label)",
                   f"部分标签不平衡(各标签正例比例 {shares};低于 {IMBALANCED_BELOW} 或高于 "
                   f"{1 - IMBALANCED_BELOW:g}):每个标签的 pos_weight = n_neg / n_pos"
                   "(恒定标签取 1)"),
                "data: label_positive_fraction"))
            plan.alternatives += _catalog_alternatives("multi_label_classification",
                                                       imbalance=True, exclude=(row.loss,))
        else:
            plan.reasons.append(Reason(
                tr(lang, f"every label is balanced enough (label shares {shares}, each "
                         f"within [{IMBALANCED_BELOW}, {1 - IMBALANCED_BELOW:g}]): plain "
                         "binary cross-entropy per label (no pos_weight)",
                   f"每个标签都基本平衡(各标签正例比例 {shares},均在 [{IMBALANCED_BELOW}, "
                   f"{1 - IMBALANCED_BELOW:g}] 内):每个标签用普通二元交叉熵(不加 pos_weight)"),
                "data: label_positive_fraction"))
    return plan


def _plan_transformed(facts: TargetFacts, y: Any, x: Any, imbalance: float | None,
                      quantiles: Any, lang: str, name: str, ty: np.ndarray) -> _Plan:
    """Regression on ``log(y)`` / ``log1p(y)``: the rules applied on that scale."""
    tfacts = inspect_target(ty)
    plan = _plan_regression(tfacts, ty, x, imbalance, quantiles, lang, transformed=True)
    plan.transform = name
    plan.output = "identity"
    inverse = "exp" if name == "log" else "expm1"
    plan.alternatives = [a for a in [*plan.alternatives, "msle"] if a != plan.loss]
    plan.reasons.insert(1, Reason(
        tr(lang, f"y is positive and right-skewed (skewness {facts.skewness:.2f}, "
                 f"{facts.minimum:.4g} to {facts.maximum:.4g}); {name}(y) has skewness "
                 f"{tfacts.skewness:.2f}: train on {name}(y) with a linear output and "
                 f"{plan.loss} on that scale, and predict {inverse}(output) (errors become "
                 "relative errors; on the log scale the prediction estimates the median)",
           f"y 为正且右偏(偏度 {facts.skewness:.2f},范围 {facts.minimum:.4g} 到 "
           f"{facts.maximum:.4g});{name}(y) 的偏度为 {tfacts.skewness:.2f}:在 {name}(y) 上"
           f"用线性输出和 {plan.loss} 训练,预测时取 {inverse}(输出)(误差变为相对误差;"
           "在对数尺度上预测的是中位数)"),
        f"data: skewness = {facts.skewness:.3g}, skewness of {name}(y) = "
        f"{tfacts.skewness:.3g}; {S002} 回归 / 输出非负(如销量)"))
    return plan


def _plan_regression(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                     quantiles: Any, lang: str, transformed: bool = False) -> _Plan:
    hidden = _hidden_reason(lang)
    width = 1
    if facts is not None and len(facts.shape) == 2 and facts.shape[1] > 1:
        width = facts.shape[1]
    if facts is None:
        row = _table("regression", "gaussian")
        plan = _Plan("regression", row.loss, alternatives=list(row.alternatives))
        plan.reasons += [hidden, Reason(
            tr(lang, "regression without data: MSE with a linear output (Gaussian noise); "
                     "pass y to check outliers, sign and range",
               "没有数据的回归:MSE + 线性输出(高斯噪声);传入 y 可检查离群点、符号与范围"),
            row.source)]
        return plan
    if facts.kind == "counts":
        return _plan_count(facts, y, x, imbalance, quantiles, lang)
    skewed = None if transformed else _skew_transform(facts, y)
    if skewed is not None:
        return _plan_transformed(facts, y, x, imbalance, quantiles, lang, *skewed)
    outliers = facts.outlier_fraction > OUTLIERS_ABOVE
    bounded = (facts.minimum >= 0 and facts.maximum <= 1 and facts.n_distinct > 2
               and not transformed)
    nonneg = facts.minimum >= 0 and not bounded and not transformed
    if outliers:
        row = _table("regression", "outliers")
    elif bounded:
        row = _table("regression", "bounded")
    elif nonneg:
        row = _table("regression", "nonnegative")
    else:
        row = _table("regression", "gaussian")
    plan = _Plan("regression", row.loss, alternatives=list(row.alternatives), out_width=width)
    plan.reasons.append(hidden)
    if facts.count_evidence and facts.kind == "real":
        plan.reasons.append(Reason(
            tr(lang, f"whole-numbered targets read as real values, not counts: "
                     f"variance / mean = {facts.dispersion:.3g} is far from the Poisson 1 "
                     f"and the dtype is {facts.dtype}; pass task='count' if they are counts",
               f"目标虽为整数值,但按实数回归处理而非计数:方差/均值 = {facts.dispersion:.3g},"
               f"远离 Poisson 的 1,且数据类型为 {facts.dtype};若确为计数请传 task='count'"),
            f"data: {facts.count_evidence}"))
    fact_out = (f"data: outlier_fraction = {facts.outlier_fraction:.3g} (modified z-score "
                f"|0.6745 (y - median) / MAD| > {ROBUST_Z})")
    if outliers:
        sigma, how = _residual_scale(y, x)
        delta = HUBER_K * sigma if sigma > 0 else 1.0
        plan.params = _loss_params("huber", delta=round(delta, 6))
        plan.reasons.append(Reason(
            tr(lang, f"{facts.outlier_fraction:.1%} of the targets are outliers: Huber is "
                     "quadratic near 0 and linear beyond delta, so they do not dominate",
               f"{facts.outlier_fraction:.1%} 的目标是离群点:Huber 在 0 附近是二次的、"
               "超过 delta 后是线性的,离群点不会主导训练"),
            f"{row.source}; {fact_out}"))
        plan.reasons.append(Reason(
            tr(lang, f"delta = 1.345 x robust sigma = 1.345 x 1.4826 x MAD = {delta:.4g} "
                     f"(MAD of {how})",
               f"delta = 1.345 × 稳健 sigma = 1.345 × 1.4826 × MAD = {delta:.4g}"
               f"(MAD 取自 {how})"),
            f"data: robust sigma = {sigma:.4g}"))
        plan.alternatives += _catalog_alternatives("regression", outliers=True,
                                                   exclude=(row.loss,))
    else:
        plan.reasons.append(Reason(
            tr(lang, f"few outliers ({facts.outlier_fraction:.1%}): MSE (the Gaussian "
                     "maximum-likelihood loss)",
               f"离群点很少({facts.outlier_fraction:.1%}):MSE(高斯噪声下的最大似然)"),
            f"{_table('regression', 'gaussian').source}; {fact_out}"))
    fact_range = f"data: y in [{facts.minimum:.4g}, {facts.maximum:.4g}]"
    if bounded:
        plan.output = "sigmoid"
        plan.reasons.append(Reason(
            tr(lang, "targets lie in [0, 1]: a sigmoid output matches that range "
                     "(or binary_cross_entropy_with_logits with soft targets)",
               "目标位于 [0, 1]:sigmoid 输出与该范围一致(或对软目标用 "
               "binary_cross_entropy_with_logits)"),
            f"{row.source}; {fact_range}"))
    elif transformed:
        plan.output = "identity"
    elif nonneg:
        plan.output = "relu"
        plan.reasons.append(Reason(
            tr(lang, "targets are non-negative: ReLU output (softplus avoids a dead output "
                     "unit)",
               "目标非负:输出层用 ReLU(softplus 可避免输出单元死亡)"),
            f"{S002} 回归 / 输出非负(如销量):ReLU; {fact_range}"))
        if facts.skewness > 1:
            plan.notes.append(tr(
                lang, f"y is right-skewed (skewness {facts.skewness:.2f}): consider "
                      "predicting log1p(y) or the msle loss",
                f"y 右偏(偏度 {facts.skewness:.2f}):可考虑预测 log1p(y) 或使用 msle"))
    elif not transformed:
        plan.reasons.append(Reason(
            tr(lang, "targets take both signs: a linear output (identity); tanh with "
                     "scaling only when the range is known and bounded",
               "目标有正有负:线性输出(恒等);只有当范围已知且有界时才用带缩放的 tanh"),
            f"{S002} 回归 / 输出可正可负(如温度):线性激活(y=x) 或Tanh(配合缩放); "
            f"{fact_range}"))
        plan.output = "identity"
    return plan


def _plan_quantile(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                   quantiles: Any, lang: str) -> _Plan:
    row = _table("quantile", "quantile")
    qs = tuple(quantiles) if quantiles else (0.1, 0.5, 0.9)
    plan = _Plan("quantile", row.loss, alternatives=list(row.alternatives), out_width=len(qs),
                 quantiles=qs)
    plan.params = _loss_params(row.loss, q=qs[len(qs) // 2])
    plan.output = "identity"
    plan.reasons += [_hidden_reason(lang), Reason(
        tr(lang, f"quantile regression at q = {', '.join(f'{q:g}' for q in qs)}: one linear "
                 "output per quantile, each trained with the pinball loss at its q",
           f"分位数回归 q = {', '.join(f'{q:g}' for q in qs)}:每个分位数一个线性输出,"
           "各自使用对应 q 的 pinball 损失"),
        row.source)]
    if facts is not None:
        emp = np.quantile(_to_array(y, "y").astype(np.float64).reshape(-1), qs)
        plan.reasons.append(Reason(
            tr(lang, "empirical quantiles of y (a baseline to beat): "
                     + ", ".join(f"q{q:g} = {v:.4g}" for q, v in zip(qs, emp)),
               "y 的经验分位数(基线):" + ", ".join(f"q{q:g} = {v:.4g}"
                                              for q, v in zip(qs, emp))),
            "data: np.quantile(y, q)"))
    return plan


def _plan_count(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                quantiles: Any, lang: str) -> _Plan:
    row = _table("count", "counts")
    plan = _Plan("count", row.loss, alternatives=list(row.alternatives))
    plan.params = _loss_params(row.loss, log_input=True)
    plan.output = "identity"
    plan.reasons += [_hidden_reason(lang), Reason(
        tr(lang, "non-negative integer counts: Poisson negative log-likelihood on the log "
                 "rate (log_input=True); the linear output is log(lambda), so the rate "
                 "exp(output) is always positive",
           "非负整数计数:在对数速率上用 Poisson 负对数似然(log_input=True);线性输出为 "
           "log(lambda),速率 exp(输出) 恒为正"),
        row.source)]
    if facts is not None:
        var = facts.std ** 2
        disp = var / facts.mean if facts.mean > 0 else float("nan")
        plan.reasons.append(Reason(
            tr(lang, f"counts from {facts.minimum:.0f} to {facts.maximum:.0f}, mean "
                     f"{facts.mean:.3g}, variance / mean = {disp:.3g} (1 for a Poisson "
                     "variable)",
               f"计数范围 {facts.minimum:.0f} 到 {facts.maximum:.0f},均值 {facts.mean:.3g},"
               f"方差/均值 = {disp:.3g}(Poisson 变量为 1)"),
            f"data: counts because {facts.count_evidence or 'integer values'}; "
            f"sign = {facts.sign}"))
        if disp > 2:
            plan.notes.append(tr(lang, "over-dispersed counts (variance >> mean): a negative "
                                       "binomial likelihood may fit better",
                                 "计数过度离散(方差远大于均值):负二项似然可能更合适"))
    return plan


def _plan_detection(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                    quantiles: Any, lang: str) -> _Plan:
    row = _table("detection", "boxes")
    plan = _Plan("detection", row.loss, alternatives=list(row.alternatives))
    alpha = FOCAL_ALPHA
    plan.params = _loss_params(row.loss, alpha=alpha, gamma=FOCAL_GAMMA)
    plan.extra.append(LossChoice("giou_loss", _loss_params("giou_loss"), role="boxes"))
    plan.reasons += [_hidden_reason(lang), Reason(
        tr(lang, "detection: focal loss on the per-anchor class logits (most anchors are "
                 "easy background) plus an IoU-family loss (GIoU; CIoU/DIoU alternatives) "
                 "on the boxes (x1, y1, x2, y2)",
           "目标检测:每个锚框的类别 logits 用 Focal Loss(多数锚框是容易的背景),"
           "边框 (x1, y1, x2, y2) 用交并比类损失(GIoU;备选 CIoU/DIoU)"),
        row.source), Reason(
        tr(lang, f"focal alpha = {alpha:g}, gamma = {FOCAL_GAMMA:g}: the focal-loss paper's "
                 "best setting (RetinaNet), whatever the foreground share",
           f"focal alpha = {alpha:g},gamma = {FOCAL_GAMMA:g}:focal loss 论文的最佳设置"
           "(RetinaNet),与前景比例无关"),
        "Lin et al. (2017) Focal Loss for Dense Object Detection, Table 1a: alpha = 0.25, "
        "gamma = 2")]
    return plan


def _plan_segmentation(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                       quantiles: Any, lang: str) -> _Plan:
    row = _table("segmentation", "masks")
    plan = _Plan("segmentation", row.loss, alternatives=list(row.alternatives))
    plan.params = _loss_params(row.loss, from_logits=True)
    pos = None
    if facts is not None and facts.label_positive_fraction:
        pos = facts.label_positive_fraction[0]
    elif imbalance is not None:
        pos = imbalance
    bce_params = {}
    if pos is not None and 0 < pos < 1:
        bce_params = _loss_params("binary_cross_entropy_with_logits",
                                  pos_weight=round((1 - pos) / pos, 4))
    plan.extra.append(LossChoice("binary_cross_entropy_with_logits", bce_params,
                                 role="pixels"))
    plan.reasons += [_hidden_reason(lang), Reason(
        tr(lang, "binary masks: Dice (overlap, insensitive to the foreground share) + "
                 "per-pixel binary cross-entropy on logits (smooth, well-behaved gradients)",
           "二值掩码:Dice(衡量重叠,不受前景比例影响)+ 逐像素 logits 上的二元交叉熵"
           "(梯度平滑稳定)"),
        row.source)]
    if pos is not None:
        plan.reasons.append(Reason(
            tr(lang, f"foreground share {pos:.3g}: pos_weight = n_bg / n_fg = "
                     f"{(1 - pos) / pos:.4g} for the BCE term",
               f"前景比例 {pos:.3g}:BCE 项的 pos_weight = n_bg / n_fg = {(1 - pos) / pos:.4g}"),
            "data: label_positive_fraction" if facts is not None else
            f"given: imbalance = {imbalance:g}"))
    return plan


def _plan_gan(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
              quantiles: Any, lang: str) -> _Plan:
    row = _table("gan", "adversarial")
    plan = _Plan("gan", row.loss, alternatives=[*row.alternatives, "wgan_g", "gan_nonsaturating_g"],
                 hidden="leaky_relu", hidden_alternatives=("relu",))
    plan.output = "identity"
    plan.extra.append(LossChoice("lsgan_g", {}, role="generator"))
    plan.reasons += [Reason(
        tr(lang, "least-squares GAN: the discriminator regresses real -> 1 and fake -> 0 "
                 "on raw scores (no sigmoid); the generator pushes D(G(z)) to 1; the "
                 "Wasserstein critic (1-Lipschitz) is the alternative",
           "最小二乘 GAN:判别器在原始得分上把真样本回归到 1、假样本到 0(不加 sigmoid);"
           "生成器把 D(G(z)) 推向 1;备选为 Wasserstein 距离(1-Lipschitz 评论器)"),
        row.source), Reason(
        tr(lang, "discriminator hidden layers: Leaky ReLU (0.2) keeps gradients for "
                 "negative inputs; generator output: tanh for data scaled to [-1, 1]",
           "判别器隐藏层:Leaky ReLU(0.2)让负输入也有梯度;生成器输出:tanh(数据缩放到 "
           "[-1, 1])"),
        f"{S002} Leaky ReLU 缓解死亡ReLU; Tanh (-1, 1); Radford et al. (2016) DCGAN")]
    return plan


def _plan_metric(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
                 quantiles: Any, lang: str) -> _Plan:
    row = _table("metric_learning", "embeddings")
    plan = _Plan("metric_learning", row.loss, alternatives=list(row.alternatives))
    plan.params = _loss_params(row.loss, margin=0.2)
    plan.output = "identity"
    plan.reasons += [_hidden_reason(lang), Reason(
        tr(lang, "metric learning: L2-normalised embeddings (no output activation) with the "
                 "triplet margin loss on (anchor, positive, negative); margin 0.2 on the "
                 "unit sphere; InfoNCE over in-batch negatives is the alternative",
           "度量学习:L2 归一化的嵌入(输出层无激活),对 (anchor, positive, negative) 用三元组"
           "间隔损失;单位球面上 margin 取 0.2;备选为批内负例的 InfoNCE"),
        row.source)]
    return plan


def _plan_rnn(facts: TargetFacts | None, y: Any, x: Any, imbalance: float | None,
              quantiles: Any, lang: str) -> _Plan:
    if facts is not None and facts.kind not in ("binary", "class_indices", "one_hot",
                                                "soft_labels"):
        inner = _plan_regression(facts, y, x, imbalance, quantiles, lang)
    elif facts is not None and facts.kind == "binary":
        inner = _plan_binary(facts, y, x, imbalance, quantiles, lang)
    else:
        inner = _plan_multiclass(facts, y, x, imbalance, quantiles, lang)
    inner.task = "rnn"
    inner.hidden = "tanh"
    inner.hidden_alternatives = ("sigmoid",)
    inner.reasons = [r for r in inner.reasons if S003 not in r.source]
    inner.reasons.insert(0, Reason(
        tr(lang, "recurrent cells: gates use sigmoid (switches in (0, 1)), the state uses "
                 "tanh (bounded in (-1, 1)); nn.LSTM / nn.GRU implement both",
           "循环单元:门控用 Sigmoid(0 到 1 之间的开关),状态用 Tanh(限制在 (-1, 1));"
           "nn.LSTM / nn.GRU 已内置"),
        f"{_table('rnn', 'sequence').source}; {S003} Tanh 在 RNN 中仍会见到"))
    return inner


def _canonical_task(task: str) -> str:
    if not isinstance(task, str):
        raise UnknownNameError(f"task of advise must be a str; got {type(task).__name__}",
                               name=repr(task))
    key = task.strip().lower().replace("-", "_").replace(" ", "_")
    lookup = {k: k for k in TASKS}
    for k, aliases in TASKS.items():
        for a in aliases:
            lookup[a.lower().replace("-", "_")] = k
    if key in lookup:
        return lookup[key]
    close = tuple(close_matches(key, list(lookup), n=3, cutoff=0.6))
    hint = ("; did you mean " + " or ".join(repr(c) for c in close) + "?" if close
            else "; tasks: " + ", ".join(TASKS))
    raise UnknownNameError(f"unknown task {task!r}{hint}", name=task, suggestions=close)


# ------------------------------------------------------------------------ task rules
Planner = Callable[[TargetFacts | None, Any, Any, "float | None", Any, str], _Plan]


@dataclass(frozen=True)
class TaskRule:
    """One task: its names, the target kinds that detect it or that it accepts, its plan.

    ``detects``: target kinds (:attr:`TargetFacts.kind`) for which this task is
    detected when none is given; ``accepts``: target kinds the task takes when it is
    given (empty: any); ``uses_imbalance``: whether ``advise(imbalance=...)`` applies;
    ``reads``: how the task reads integer targets (``'labels'``: as class indices,
    ``'counts'``: as counts, ``'numbers'``: as real numbers; ``''``: no preference).
    """

    task: str
    aliases: tuple[str, ...]
    plan: Planner
    detects: tuple[str, ...] = ()
    accepts: tuple[str, ...] = ()
    uses_imbalance: bool = False
    reads: str = ""


TASK_RULES: dict[str, TaskRule] = {r.task: r for r in (
    TaskRule("binary", ("binary_classification", "binary-classification", "二分类"),
             _plan_binary, detects=("binary",), accepts=("binary",), uses_imbalance=True,
             reads="labels"),
    TaskRule("multiclass", ("multi_class", "multiclass_classification", "classification",
                            "多分类"), _plan_multiclass,
             detects=("class_indices", "one_hot", "soft_labels"),
             accepts=("binary", "class_indices", "one_hot", "soft_labels"), reads="labels"),
    TaskRule("multilabel", ("multi_label", "multilabel_classification", "多标签"),
             _plan_multilabel, detects=("multi_hot",),
             accepts=("multi_hot", "one_hot", "binary")),
    TaskRule("regression", ("regress", "回归"), _plan_regression, detects=("real",),
             reads="numbers"),
    TaskRule("quantile", ("quantile_regression", "分位数"), _plan_quantile, reads="numbers"),
    TaskRule("count", ("counts", "poisson", "count_regression", "计数"), _plan_count,
             detects=("counts",), accepts=("counts", "class_indices", "binary"),
             reads="counts"),
    TaskRule("detection", ("object_detection", "boxes", "目标检测"), _plan_detection,
             detects=("boxes",)),
    TaskRule("segmentation", ("masks", "semantic_segmentation", "分割"),
             _plan_segmentation, detects=("masks",), accepts=("masks",),
             uses_imbalance=True),
    TaskRule("gan", ("generative_adversarial", "生成对抗"), _plan_gan),
    TaskRule("metric_learning", ("metric", "embedding", "triplet", "contrastive",
                                 "度量学习"), _plan_metric),
    TaskRule("rnn", ("sequence", "lstm", "gru", "recurrent", "循环网络"), _plan_rnn,
             uses_imbalance=True, reads="labels"),
)}

TASKS: dict[str, tuple[str, ...]] = {k: r.aliases for k, r in TASK_RULES.items()}
IMBALANCE_TASKS: tuple[str, ...] = tuple(k for k, r in TASK_RULES.items() if r.uses_imbalance)
