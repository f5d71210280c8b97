"""The advice's words: reasons with their sources, in English and Chinese.

Every sentence the advisor shows is written once as an English text and its Chinese
twin (:func:`actloss._i18n.tr`) next to each other, at the place where its numbers are
known; the reasons shared by several tasks and the words of the command line live here.
"""

from __future__ import annotations

from dataclasses import dataclass

from actloss._i18n import Words, tr
from actloss.advisor.inspect import FeatureFacts

__all__ = ["LABELS", "S000", "S002", "S003", "Reason"]

S000 = "000_5b08fef0015a8918.txt"
S002 = "002_059dc22d1bcf7a62.txt"
S003 = "003_ee359a0e5008e516.txt"


@dataclass(frozen=True)
class Reason:
    """Why one choice was made: the statement and what it rests on.

    ``source`` is either a data fact (``data: minority_fraction = 0.05``) or a row of a
    source table (``000_5b08fef0015a8918.txt §8.2, row 二分类 | 不平衡 | Focal Loss | Sigmoid``).
    """

    text: str
    source: str


def _hidden_reason(lang: str) -> Reason:
    return Reason(
        tr(lang, "hidden layers: ReLU first (fast, no saturation for x > 0); switch to "
                 "Leaky ReLU / PReLU / ELU if many units die (output stuck at 0)",
           "隐藏层优先用 ReLU(计算快,正区间不饱和);若出现大量死神经元(输出恒为 0),"
           "换 Leaky ReLU / PReLU / ELU"),
        f"{S002} 隐藏层:优先用ReLU…换Leaky ReLU; {S003} 如何选择激活函数?首选 ReLU")


def _feature_reasons(f: FeatureFacts, lang: str) -> list[Reason]:
    out = []
    if f.needs_standardisation:
        out.append(Reason(
            tr(lang, f"standardise x (z-score per feature): feature std ranges from "
                     f"{f.std_min:.3g} to {f.std_max:.3g} and |mean| reaches "
                     f"{f.abs_mean_max:.3g}; unscaled inputs saturate sigmoid/tanh units, "
                     "kill ReLU units and inflate the initial loss",
               f"请标准化 x(逐特征 z-score):特征标准差从 {f.std_min:.3g} 到 "
               f"{f.std_max:.3g},|均值| 最大 {f.abs_mean_max:.3g};未缩放的输入会使 "
               "sigmoid/tanh 饱和、ReLU 死亡并抬高初始损失"),
            f"data: x std in [{f.std_min:.3g}, {f.std_max:.3g}]"))
    if f.constant_features:
        out.append(Reason(
            tr(lang, f"{f.constant_features} constant feature(s) carry no information; "
                     "drop them",
               f"{f.constant_features} 个常数特征不含信息,请删除"),
            f"data: x constant_features = {f.constant_features}"))
    return out


LABELS = Words("actloss advise", {
    "task": ("task", "任务"),
    "hidden": ("hidden activation", "隐藏层激活"),
    "output": ("output activation", "输出激活"),
    "loss": ("loss", "损失"),
    "also": ("also", "附加损失"),
    "alternatives": ("alternatives", "备选"),
    "transform": ("target transform", "目标变换"),
    "reasons": ("Reasons", "理由"),
    "note": ("note", "注意"),
    "or": ("or", "或"),
    "in_loss": ("inside the loss; the model outputs logits", "在损失内部;模型输出 logits"),
})
