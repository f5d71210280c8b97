"""The advisor: from a task and (optionally) the data, an activation and a loss.

:func:`advise` inspects the targets ``y`` (and the features ``x``), detects the task
when none is given, picks the hidden activation, the output activation and the loss
with parameters derived from the data (``pos_weight = n_neg / n_pos``, the Huber
``delta`` from a robust residual scale, quantiles, a log transform for skewed positive
targets, ...), lists alternatives, gives a reason for every choice (each tied to a
measured data fact, a row of a selection table in the source articles or a measured
result) and writes a runnable PyTorch snippet.

The package reads in one direction: :mod:`~actloss.advisor.inspect` (data facts) ->
:mod:`~actloss.advisor.rules` (the rules, declared as data, and the catalog specs) ->
:mod:`~actloss.advisor.text` (the bilingual reasons) -> :mod:`~actloss.advisor.codegen`
(the snippet); this module puts them together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from actloss import activations, losses
from actloss._i18n import check_lang, tr
from actloss._validation import OPEN_UNIT, Param, check_param
from actloss.advisor import codegen, rules, text
from actloss.advisor.inspect import (
    FeatureFacts,
    TargetFacts,
    _as_classes,
    _is_float_or_int,
    _to_array,
    inspect_features,
    inspect_target,
)
from actloss.advisor.rules import (
    IMBALANCE_TASKS,
    SELECTION_TABLE,
    TASK_RULES,
    TASKS,
    LossChoice,
    SelectionRow,
)
from actloss.advisor.text import Reason
from actloss.errors import InputError, ParameterError

__all__ = [
    "SELECTION_TABLE",
    "TASKS",
    "Advice",
    "FeatureFacts",
    "LossChoice",
    "Reason",
    "SelectionRow",
    "TargetFacts",
    "advise",
    "inspect_features",
    "inspect_target",
]

_IMBALANCE = Param("imbalance", None, float, OPEN_UNIT, optional=True)
_QUANTILE = Param("quantiles", 0.5, float, OPEN_UNIT)


@dataclass(frozen=True)
class Advice:
    """The recommendation :func:`advise` returns.

    ``output_activation`` is the catalog name of the output activation; when
    ``output_in_loss`` is true the model outputs logits and the loss applies that
    activation itself (apply it at inference time only). ``code`` is a runnable
    PyTorch snippet. ``target_transform`` (``'log'`` or ``'log1p'``) is part of the
    recommendation for skewed positive targets: the model is trained on the transformed
    targets with ``loss`` and ``output_activation`` on that scale, and its predictions
    are mapped back with ``exp`` (``expm1``).
    """

    task: str
    task_source: str  # "given" or "detected from y"
    hidden_activation: str
    hidden_alternatives: tuple[str, ...]
    output_activation: str
    output_in_loss: bool
    loss: str
    loss_params: dict[str, Any]
    extra_losses: tuple[LossChoice, ...]
    alternatives: tuple[str, ...]
    reasons: tuple[Reason, ...]
    notes: tuple[str, ...]
    code: str
    facts: TargetFacts | None = None
    features: FeatureFacts | None = None
    lang: str = "en"
    target_transform: str | None = None  # 'log' / 'log1p': train on the transformed y

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["facts"] = self.facts.to_json() if self.facts else None
        out["features"] = self.features.to_json() if self.features else None
        return out


def advise(task: str | None = None, y: Any = None, x: Any = None, *,
           imbalance: float | None = None, quantiles: Sequence[float] | None = None,
           lang: str = "en") -> Advice:
    """Recommend the hidden activation, the output activation and the loss.

    The task is given or detected from ``y``; ``y`` and ``x`` refine the choice
    (class balance, outliers, sign and range, counts). Each row of the selection
    tables of the sources is encoded in :data:`SELECTION_TABLE`; loss metadata
    (paired output activation, imbalance and outlier handling, parameters) is read
    from the loss catalog.

    Args:
        task: one of :data:`TASKS` (or an alias, e.g. ``'binary_classification'``,
            ``'二分类'``); ``None`` detects it from ``y``.
        y: targets (numpy array, tensor, list, pandas Series / DataFrame).
        x: features, ``(n_samples, n_features)``; its scale is checked and, for
            regression, a least-squares fit gives the residuals behind Huber's delta.
        imbalance: share of the minority (positive) class in (0, 1), when ``y`` is
            not given; with ``y`` the measured share is used. Only the tasks that use
            it (binary, segmentation, rnn) take it; any other task raises
            :class:`~actloss.errors.ParameterError`.
        quantiles: quantile levels in (0, 1) for ``task='quantile'``
            (default 0.1, 0.5, 0.9).
        lang: ``'en'`` or ``'zh'`` for the reasons and notes.

    Whole-numbered targets are read as counts only with evidence (an integer dtype,
    or a variance / mean near 1 as for a Poisson variable; ``facts.count_evidence``
    says which); skewed positive targets get ``advice.target_transform`` (``'log'`` or
    ``'log1p'``) with the output activation and the loss on that scale. A target with
    a single value raises :class:`~actloss.errors.InputError`.

    Returns:
        An :class:`Advice`; ``advice.code`` runs as is.

    Example:
        >>> a = advise("binary", imbalance=0.05)
        >>> a.loss, a.loss_params, a.output_activation
        ('binary_cross_entropy_with_logits', {'pos_weight': 19.0}, 'sigmoid')
        >>> advise("regression", y=[1.0, 2.0, 3.0, 2.5, 1.5]).loss
        'mse'
    """
    lang = check_lang("advise", lang)
    imbalance = check_param("advise", _IMBALANCE, imbalance)
    if quantiles is not None:
        if isinstance(quantiles, (int, float)):
            quantiles = (quantiles,)
        if not isinstance(quantiles, Sequence) or not quantiles:
            raise ParameterError(f"`quantiles` of advise must be a non-empty sequence of "
                                 f"floats in (0, 1); got {quantiles!r}")
        quantiles = tuple(check_param("advise", _QUANTILE, q) for q in quantiles)
    if task is None and y is None:
        if imbalance is not None:
            task = "binary"
        else:
            raise InputError("advise needs a `task` or targets `y` to detect it from; got "
                             "neither (tasks: " + ", ".join(TASKS) + ")")
    canonical = rules._canonical_task(task) if task is not None else None

    facts = inspect_target(y) if y is not None else None
    y_arr = None
    if y is not None and facts is not None and _is_float_or_int(_to_array(y, "y")):
        y_arr = _to_array(y, "y").astype(np.float64)
    x_arr = None
    features = None
    if x is not None:
        features = inspect_features(x)
        x_arr = _to_array(x, "x").astype(np.float64)
        if facts is not None and x_arr.shape[0] != facts.shape[0]:
            raise InputError(f"`x` and `y` of advise must have the same number of rows; "
                             f"got {x_arr.shape[0]} and {facts.shape[0]}")
    if facts is not None and facts.n_distinct < 2:
        value = facts.labels[0] if facts.labels else f"{facts.minimum:g}"
        raise InputError(f"`y` of advise holds a single value ({value!r} in all "
                         f"{facts.n} rows): there is nothing to learn; a classifier needs "
                         "at least two classes and a regression a varying target")
    rule = TASK_RULES[canonical] if canonical is not None else None
    if facts is not None and rule is not None and rule.reads == "labels" \
            and facts.kind == "counts":
        facts = _as_classes(facts, y)  # the task says these integers are labels
    if (facts is not None and rule is not None and rule.reads == "counts"
            and facts.kind == "real" and facts.integer and facts.minimum >= 0):
        facts = replace(facts, kind="counts", count_evidence=f"given: task={canonical!r}")
    if y is not None and y_arr is None and rule is not None and rule.reads in ("numbers",
                                                                                "counts"):
        raise InputError(f"`y` of advise holds text labels (dtype {facts.dtype}); task "
                         f"{canonical!r} needs numbers")
    if canonical is None:
        assert facts is not None
        canonical = next(r.task for r in TASK_RULES.values() if facts.kind in r.detects)
        task_source = "detected from y"
    else:
        task_source = "given"
        accepts = TASK_RULES[canonical].accepts
        if facts is not None and accepts and facts.kind not in accepts:
            raise InputError(
                f"`y` of advise looks like {facts.kind.replace('_', '-')} targets "
                f"({facts.n_distinct} distinct values, shape {facts.shape}); task "
                f"{canonical!r} needs {' or '.join(sorted(accepts))} targets")

    if imbalance is not None and canonical not in IMBALANCE_TASKS:
        raise ParameterError(
            f"`imbalance` of advise applies to the tasks {', '.join(IMBALANCE_TASKS)}; "
            f"got imbalance={imbalance:g} for task {canonical!r} "
            f"({task_source})")
    plan = TASK_RULES[canonical].plan(facts, y_arr, x_arr, imbalance, quantiles, lang)
    reasons = list(plan.reasons)
    notes = list(plan.notes)
    if facts is not None and task_source == "detected from y":
        reasons.insert(0, Reason(
            tr(lang, f"task {canonical!r} detected: y holds {facts.kind.replace('_', '-')} "
                     f"targets ({facts.n_distinct} distinct values, shape {facts.shape})",
               f"根据 y 判定任务为 {canonical!r}:目标类型为 {facts.kind.replace('_', '-')}"
               f"({facts.n_distinct} 个不同取值,形状 {facts.shape})"),
            f"data: kind = {facts.kind}"))
    if facts is not None and facts.n_missing:
        notes.append(tr(lang, f"{facts.n_missing} missing or non-finite target value(s) were "
                              "ignored; drop or impute them before training",
                        f"忽略了 {facts.n_missing} 个缺失或非有限的目标值,训练前请删除或填补"))
    if features is not None:
        reasons += text._feature_reasons(features, lang)

    spec = losses.spec(plan.loss)
    output = plan.output or spec.pairs_with or "identity"
    output_in_loss = plan.output is None and (spec.input_kind == "logits"
                                              or plan.params.get("from_logits") is True)
    if output_in_loss:
        reasons.append(Reason(
            tr(lang, f"{spec.name} takes logits (catalog: input_kind = {spec.input_kind!r}, "
                     f"pairs_with = {spec.pairs_with!r}"
                     + (", from_logits=True" if plan.params.get("from_logits") else "")
                     + f"): the last layer stays linear and {output} "
                     f"(range {_range_text(output)}) is applied inside the loss, and "
                     "explicitly only at inference",
               f"{spec.name} 接收 logits(目录:input_kind = {spec.input_kind!r},pairs_with = "
               f"{spec.pairs_with!r}"
               + (", from_logits=True" if plan.params.get("from_logits") else "")
               + f"):最后一层保持线性,{output}(值域 {_range_text(output)})"
               "在损失内部计算,推理时再显式使用"),
            f"catalog: losses.spec({spec.name!r}); {text.S000} §2.1 output-range table"))
    hidden_spec = activations.spec(plan.hidden)
    code = codegen.snippet(plan, output, output_in_loss, features)
    return Advice(
        task=canonical, task_source=task_source, hidden_activation=hidden_spec.name,
        hidden_alternatives=tuple(activations.spec(a).name for a in plan.hidden_alternatives),
        output_activation=activations.spec(output).name, output_in_loss=output_in_loss,
        loss=spec.name, loss_params=dict(plan.params), extra_losses=tuple(plan.extra),
        alternatives=tuple(dict.fromkeys(a for a in plan.alternatives if a != spec.name)),
        reasons=tuple(reasons), notes=tuple(notes), code=code, facts=facts,
        features=features, lang=lang, target_transform=plan.transform)


def _range_text(act: str) -> str:
    r = activations.spec(act).output_range
    return str(r)
