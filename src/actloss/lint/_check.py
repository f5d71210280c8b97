"""``check``: lint a model and its loss by running them once on real tensors."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from actloss._validation import POSITIVE, Param, check_param
from actloss.errors import InputError
from actloss.findings import Finding
from actloss.lint._facts import catalog_loss, loss_spec, output_range
from actloss.lint._rules import finding
from actloss.lint._trace import Graph, LossCall, Node, trace_forward, trace_loss
from actloss.lint._values import TargetFacts, ValueFacts, describe_target, describe_values

__all__ = ["check"]

_LR = Param("lr", None, float, POSITIVE, optional=True)
_LR_KILL = 0.2  # share of a layer's units newly dead after one step
_OPTIMIZER = Param("optimizer", "sgd", str, choices=("sgd", "adam"))

# Ops that move values without changing them (the chain "linear -> dropout -> linear"
# is still two affine maps in a row).
_PASS = frozenset({
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
    "view", "reshape", "flatten", "contiguous", "clone", "to", "float", "double", "half",
    "bfloat16", "squeeze", "unsqueeze", "type_as", "type", "identity", "view_as", "reshape_as",
    "expand", "expand_as", "unflatten",
})
_AFFINE = frozenset({"linear", "matmul", "mm", "addmm", "bilinear"})
_SATURATING = frozenset({"sigmoid", "tanh", "hardtanh", "hardsigmoid", "softsign", "logsigmoid"})
_SQUASH = frozenset({"sigmoid", "softmax", "hardsigmoid", "exp", "softmin"})
_NORMS = frozenset({"layer_norm", "batch_norm", "group_norm", "instance_norm", "rms_norm",
                    "local_response_norm", "normalize"})
_ADDS = frozenset({"add", "sub"})
_RELU = frozenset({"relu", "relu6"})
_SOFTMAX = frozenset({"softmax", "log_softmax", "softmin"})
# Attention-score consumers: a projection that feeds these is an attention projection.
_ATTENTION = frozenset({"scaled_dot_product_attention", "bmm", "baddbmm", "einsum",
                        "multi_head_attention_forward"})
_CONV = frozenset({"conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                   "conv_transpose3d"})
# Ops that are linear in their input: an affine map followed by one of these and another
# affine map is still one affine map (batch statistics are constants of the batch).
_LINEAR_OPS = frozenset({"batch_norm", "avg_pool1d", "avg_pool2d", "avg_pool3d",
                         "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
                         "max_pool1d", "max_pool2d", "max_pool3d", "pad", "interpolate",
                         "upsample", "pixel_shuffle"})
_RESHAPE = frozenset({"transpose", "permute", "chunk", "split", "unbind", "getitem",
                      "movedim", "t"})
# Ops that keep probabilities probabilities: ``p + eps``, ``p.clamp(min=eps)``.
_EPS_OPS = frozenset({"add", "clamp", "clamp_min", "clip"})
_CATEGORICAL_TARGETS = frozenset({"class_indices", "one_hot", "soft_labels"})
_BINARY_TARGETS = frozenset({"binary", "multi_hot"})


@dataclass(frozen=True)
class _Expect:
    """What a loss expects, read from its catalog entry."""

    name: str
    input_kind: str
    target_kind: str


def _expectation(call: LossCall) -> _Expect | None:
    """What the called loss expects, from its catalog entry (``None``: not in the catalog)."""
    if call.name.startswith("actloss:"):
        spec = catalog_loss(call.name.split(":", 1)[1])
    else:
        spec = loss_spec(call.name)
    if spec is None:
        return None
    return _Expect(spec.name, spec.input_kind, spec.target_kind)


def _source(graph: Graph, t: Any) -> Node | None:
    """The node that defined ``t``, looking through value-preserving ops."""
    node = graph.producer_of(t)
    while node is not None and node.op in _PASS and node.inputs and node.inputs[0] >= 0:
        node = graph.nodes[node.inputs[0]]
    return node


def _squashed(src: Node | None) -> bool:
    """Values in (0, 1) from a squashing op, or of unknown origin (judged by value)."""
    return src is None or src.op in _SQUASH or src.op not in _AFFINE | {"conv1d", "conv2d",
                                                                          "conv3d", "add"}


def _nonnegative_head(src: Node | None, v: ValueFacts) -> bool:
    """Values >= 0 produced by an op whose range (from the catalog) is [0, inf)."""
    if src is None or not v.nonnegative or src.op in _SQUASH:
        return False
    rng = output_range(src.op)
    return rng is not None and rng[0] == 0 and math.isinf(rng[1])


def _where(node: Node | None) -> str:
    return node.module if node is not None and node.module else "loss"


def _fmt_range(r: tuple[float, float]) -> str:
    def f(v: float) -> str:
        return ("inf" if v > 0 else "-inf") if math.isinf(v) else f"{v:g}"

    return f"({f(r[0])}, {f(r[1])})"


# ----------------------------------------------------------------------------- structure
def _softmax_rules(graph: Graph) -> list[Finding]:
    out: list[Finding] = []
    for n in graph.nodes:
        if n.op not in _SOFTMAX or not n.args or not isinstance(n.args[0], torch.Tensor):
            continue
        x = n.args[0]
        dim = n.arg(1, "dim")
        if dim is None:
            guess = 0 if x.dim() in (0, 1, 3) else 1  # torch's legacy _get_softmax_dim
            out.append(finding("softmax_implicit_dim", n.module, op=n.op, guess=guess,
                               ndim=x.dim()))
            dim = guess
        if x.dim() > 0 and isinstance(dim, int) and x.shape[dim] == 1:
            out.append(finding("softmax_single_unit", n.module, op=n.op, dim=dim,
                               shape=tuple(x.shape)))
        src = _source(graph, x)
        if src is not None and src.op == "softmax" and n.op in ("softmax", "log_softmax"):
            k = int(x.shape[dim]) if isinstance(dim, int) and x.dim() > 0 else 1
            out.append(finding("double_softmax", n.module, loss=n.op, ln_k=math.log(max(k, 1)),
                               k=k, lo=float(x.detach().min()), hi=float(x.detach().max()),
                               detail="", detail_zh=""))
    return out


def _is_affine(n: Node) -> bool:
    return n.op in _AFFINE | _CONV and n.n_params > 0 and len(n.inputs) == 1


def _grouped(n: Node) -> bool:
    """A grouped (e.g. depthwise) convolution: depthwise -> pointwise is one separable
    convolution, written without an activation on purpose."""
    if n.op not in _CONV:
        return False
    groups = n.arg(7 if n.op.startswith("conv_transpose") else 6, "groups", 1)
    return isinstance(groups, int) and groups > 1


def _feeds_attention(graph: Graph, n: Node, depth: int = 4) -> bool:
    """Whether ``n``'s output reaches attention scores or weights (looking through
    reshapes and transposes): such projections are linear on purpose."""
    if depth == 0:
        return False
    for c in n.consumers:
        node = graph.nodes[c]
        if node.op in _ATTENTION:
            return True
        if node.op in _SOFTMAX:
            # softmax weights that are applied to values are attention; a softmax that
            # ends the model (or feeds the loss) is a classifier head
            if any(graph.nodes[k].op in _ATTENTION | {"mul"} for k in node.consumers):
                return True
            continue
        if node.op in _PASS | _RESHAPE and _feeds_attention(graph, node, depth - 1):
            return True
    return False


def _width(t: torch.Tensor, op: str, flat: bool) -> int:
    if flat:
        return int(t[0].numel()) if t.dim() >= 1 and t.shape[0] > 0 else int(t.numel())
    return int(t.shape[1]) if op in _CONV and t.dim() >= 2 else int(t.shape[-1])


def _linear_linear(graph: Graph) -> list[Finding]:
    out: list[Finding] = []
    for second in graph.nodes:
        if not _is_affine(second) or second.module == "loss":
            continue
        prev = graph.nodes[second.inputs[0]] if second.inputs[0] >= 0 else None
        while prev is not None and prev.op in _PASS | _LINEAR_OPS and prev.inputs \
                and prev.inputs[0] >= 0 and len(prev.inputs) == 1:
            if len(prev.consumers) > 1:
                break
            prev = graph.nodes[prev.inputs[0]]
        if prev is None or not _is_affine(prev):
            continue
        if len(prev.consumers) > 1:  # fan-out: q/k/v projections, residual branches
            continue
        if _grouped(prev) or _grouped(second) or _feeds_attention(graph, second):
            continue
        x_in = next((a for a in prev.args if isinstance(a, torch.Tensor)
                     and graph.producer.get(id(a)) is not None
                     and id(a) not in graph.param_ids), None)
        mid, y = prev.out, second.out
        if x_in is None or mid is None or y is None or mid.dim() == 0:
            continue
        flat = (prev.op in _CONV) != (second.op in _CONV)  # conv -> flatten -> linear
        d_in, d_mid = _width(x_in, prev.op, flat), _width(mid, prev.op, flat)
        d_out = _width(y, second.op, flat)
        if d_mid < min(d_in, d_out):  # a low-rank factorisation is deliberate
            continue
        same = prev.module == second.module
        out.append(finding("linear_linear", second.module or prev.module,
                           first=f"{prev.op} in {prev.module}" if same else prev.module,
                           second=f"{second.op} in {second.module}" if same else second.module,
                           d_in=d_in, d_mid=d_mid, d_out=d_out))
    return out


def _is_residual_add(graph: Graph, n: Node) -> bool:
    if n.op not in _ADDS:
        return False
    ts = [a for a in n.args if isinstance(a, torch.Tensor)]
    if len(ts) < 2 or ts[0].shape != ts[1].shape:
        return False
    return all(graph.producer.get(id(t)) is not None and id(t) not in graph.param_ids
               for t in ts[:2])


def _saturating_depth(graph: Graph, output: Any) -> tuple[int, list[Node]]:
    """Longest chain of sigmoid/tanh ops (the final output activation excluded)."""
    depth: dict[int, int] = {}
    for n in graph.nodes:
        if n.module == "loss":
            continue
        d = max((depth.get(i, 0) for i in n.inputs if i >= 0), default=0)
        depth[n.index] = d + (1 if n.op in _SATURATING and not _is_gate(graph, n) else 0)
    final = graph.producer_of(output)
    best = 0
    for i, d in depth.items():
        n = graph.nodes[i]
        if final is not None and i == final.index and n.op in _SATURATING:
            d -= 1
        best = max(best, d)
    return best, [n for n in graph.nodes if n.op in _SATURATING and n.module != "loss"
                  and not _is_gate(graph, n)]


def _is_gate(graph: Graph, n: Node) -> bool:
    """A sigmoid/tanh whose output only multiplies another signal (squeeze-excitation,
    GLU, LSTM gates): a gate, not a layer of a saturating stack."""
    if not n.consumers:
        return False
    for c in n.consumers:
        m = graph.nodes[c]
        if m.op in _PASS | _RESHAPE and len(m.inputs) == 1:
            if not _is_gate(graph, m):
                return False
        elif m.op != "mul" or len([i for i in m.inputs if i != n.index]) == 0:
            return False
    return True


def _feeds_gate(graph: Graph, n: Node, depth: int = 3) -> bool:
    """Whether ``n`` is the hidden layer of a gate's branch (squeeze-excitation:
    pool -> linear -> ReLU -> linear -> sigmoid -> multiply). Its input is a pooled
    summary of non-negative features, so at initialisation many units share one sign
    across the batch; that is how such branches start, not a defect."""
    if depth == 0:
        return False
    for c in n.consumers:
        m = graph.nodes[c]
        if m.op in _SATURATING and _is_gate(graph, m):
            return True
        # through reshapes, the branch's affine layers, and the sum of two pooled
        # branches (CBAM: mlp(avg) + mlp(max))
        if (m.op in _PASS | _RESHAPE | _ADDS or _is_affine(m)) \
                and _feeds_gate(graph, m, depth - 1):
            return True
    return False


def _log_of_softmax(graph: Graph) -> list[Finding]:
    """``log(softmax(x))`` written in two steps (also through ``+ eps`` or a clamp)."""
    out: list[Finding] = []
    for n in graph.nodes:
        if n.op not in ("log", "log2", "log10") or len(n.inputs) != 1 or n.inputs[0] < 0:
            continue
        src = graph.nodes[n.inputs[0]]
        while src.op in _PASS | _EPS_OPS and len(src.inputs) == 1 and src.inputs[0] >= 0:
            src = graph.nodes[src.inputs[0]]
        if src.op not in ("softmax", "softmin"):
            continue
        # p * log(p): an entropy term, which needs the probabilities anyway
        if any(graph.nodes[c].op == "mul" and src.index in _origins(graph, graph.nodes[c])
               for c in n.consumers):
            continue
        x = src.args[0] if src.args and isinstance(src.args[0], torch.Tensor) else None
        dim = src.arg(1, "dim")
        out.append(finding("log_of_softmax", n.module or src.module, op=n.op, softmax=src.op,
                           dim="dim" if dim is None else dim,
                           k=int(x.shape[dim]) if x is not None and isinstance(dim, int)
                           and x.dim() > 0 else None))
    return out


def _origins(graph: Graph, n: Node) -> set[int]:
    """Nodes that feed ``n`` directly or through value-preserving ops."""
    found: set[int] = set()
    for i in n.inputs:
        while i >= 0:
            found.add(i)
            m = graph.nodes[i]
            if m.op in _PASS | _EPS_OPS and len(m.inputs) == 1:
                i = m.inputs[0]
            else:
                break
    return found


def _dead_units(graph: Graph, n: Node) -> tuple[int, int]:
    """(dead units, units) of a ReLU node on the batch.

    A unit is a feature of the last dim after an affine layer, a channel (dim 1)
    otherwise (convolutions); it is dead when it is 0 for every example and position.
    """
    x = n.out.detach() if n.out is not None else None
    if x is None or x.dim() < 2 or x.shape[0] < 2:
        return 0, 0
    src = _source(graph, n.args[0]) if n.args else None
    dim = x.dim() - 1 if src is not None and src.op in _AFFINE else 1
    alive = (x != 0).movedim(dim, 0).reshape(x.shape[dim], -1).any(dim=1)
    return int((~alive).sum()), int(alive.numel())


def _relu_nodes(graph: Graph) -> list[Node]:
    return [n for n in graph.nodes if n.op in _RELU and n.module != "loss"
            and n.out is not None]


# --------------------------------------------------------------------------------- loss
def _loss_rules(graph: Graph, call: LossCall, exp: _Expect, value: Any) -> list[Finding]:
    """Compare what the loss received (by value) with what the catalog says it expects."""
    z, y = call.input, call.target
    if not isinstance(z, torch.Tensor) or not z.is_floating_point():
        return []
    v = describe_values(z)
    src = _source(graph, z)
    where = _where(src)
    name = exp.name
    out: list[Finding] = []
    tf = describe_target(y) if isinstance(y, torch.Tensor) else None
    common = {"loss": name, "lo": v.lo, "hi": v.hi}
    categorical = exp.target_kind in _CATEGORICAL_TARGETS

    def shape_mismatch(consequence: str, consequence_zh: str, fix: str | None = None,
                       fix_zh: str | None = None) -> Finding:
        assert tf is not None
        return finding("target_shape_mismatch", "loss", loss=name, out_shape=v.shape,
                       t_shape=tf.shape, consequence=consequence, consequence_zh=consequence_zh,
                       fix=fix, fix_zh=fix_zh)

    input_kind = exp.input_kind
    if call.kwargs.get("from_logits") is True:  # Keras-style losses that take either form
        input_kind = "logits"
    softmaxed = src is not None and src.op == "softmax" and v.width > 1 and v.probabilities
    if input_kind == "logits" and categorical:
        if v.width == 1 and z.dim() >= 2:
            out.append(finding("softmax_single_unit", where, op=name, dim=1,
                               shape=v.shape))
        elif v.probabilities:
            ev = _double_softmax_evidence(graph, call, z)
            out.append(finding("double_softmax", where, **common, **ev, **_detail(ev)))
        elif v.in_open_unit and _squashed(src):
            out.append(_squashed_finding(where, common, src))
        elif _nonnegative_head(src, v):
            out.append(finding(
                "relu_before_logits_loss", where, **common, act=src.op,
                consequence="classes whose logit is clamped at 0 get no gradient and cannot "
                            "be pushed below the others",
                consequence_zh="被截断在 0 的类别 logit 没有梯度,也无法压到其他类别之下"))
        if tf is not None:
            out += _class_target_rules(call, v, tf, name, shape_mismatch)
        out += _initial_loss(call, v, value, name)
    elif input_kind == "logits" and exp.target_kind in _BINARY_TARGETS:
        if softmaxed:
            out.append(_softmax_binary(where, name, v, tf))
        elif v.in_open_unit and _squashed(src):
            out.append(_squashed_finding(where, common, src))
        elif _nonnegative_head(src, v):
            out.append(finding(
                "relu_before_logits_loss", where, **common, act=src.op,
                consequence="sigmoid(x) >= 0.5 for x >= 0, so no probability below one half "
                            "can be predicted",
                consequence_zh="x >= 0 时 sigmoid(x) >= 0.5,模型无法预测低于一半的概率"))
        if tf is not None:
            out += _elementwise_target_rules(v, tf, name, shape_mismatch, want_float=True)
            if tf.lo < 0 or tf.hi > 1:
                out.append(_binary_target_range(name, tf, "the sigmoid inside " + name))
    elif input_kind in ("log_probabilities", "log_distribution"):
        is_kl = categorical is False and name.startswith("kl")
        if v.probabilities or (is_kl and v.nonnegative and v.in_unit):
            code = "kl_div_on_probabilities" if is_kl else "nll_on_probabilities"
            out.append(finding(code, where, **common))
        elif not v.log_probabilities and not (v.width == 1):
            code = "kl_div_on_logits" if is_kl else "nll_on_logits"
            if not (is_kl and v.nonpositive):
                out.append(finding(code, where, **common))
        if tf is not None and not is_kl:
            out += _class_target_rules(call, v, tf, name, shape_mismatch)
        if is_kl and isinstance(y, torch.Tensor) and not call.kwargs.get("log_target"):
            out += _log_prob_target(name, v, y, kl=True)
    elif input_kind == "probabilities" and exp.target_kind in _BINARY_TARGETS:
        if not v.in_unit:
            out.append(finding("bce_on_logits", where, **common))
        elif src is not None and src.op == "softmax" and v.width == 1:
            pass  # softmax over one unit: reported by softmax_single_unit
        elif softmaxed:
            out.append(_softmax_binary(where, name, v, tf))
        elif (src is not None and src.op in ("sigmoid", "softmax")) or v.in_open_unit:
            no_sigmoid = src is None or src.op not in ("sigmoid", "hardsigmoid")
            out.append(finding(
                "bce_on_probabilities", where, **common,
                fix="compute the loss from the raw scores with "
                    "binary_cross_entropy_with_logits (BCEWithLogitsLoss)" if no_sigmoid
                else None,
                fix_zh="改为对原始得分使用 binary_cross_entropy_with_logits(BCEWithLogitsLoss)"
                if no_sigmoid else None))
        if tf is not None:
            out += _elementwise_target_rules(v, tf, name, shape_mismatch, want_float=True)
            if tf.lo < 0 or tf.hi > 1:
                out.append(_binary_target_range(name, tf, name))
    elif input_kind in ("real", "positive") and exp.target_kind in ("real", "positive",
                                                                     "counts"):
        if tf is not None:
            out += _regression_rules(graph, y, v, tf, src, name, shape_mismatch)
    if categorical and isinstance(y, torch.Tensor) and y.is_floating_point() \
            and tuple(y.shape) == v.shape and v.width > 1:
        out += _log_prob_target(name, v, y, kl=False)
    return out


def _squashed_finding(where: str, common: dict[str, Any], src: Node | None) -> Finding:
    """Values in (0, 1) fed to a logits loss; the fix names the op that squashed them."""
    if src is not None and src.op in ("sigmoid", "hardsigmoid"):
        return finding("sigmoid_before_logits_loss", where, **common,
                       cause="a sigmoid was applied before a loss that applies it itself",
                       cause_zh="在自带 sigmoid 的损失之前又做了一次 sigmoid")
    op = src.op if src is not None else "an earlier step"
    return finding("sigmoid_before_logits_loss", where, **common,
                   cause=f"the scores were squashed (by {op}) before a loss that applies "
                         "its own sigmoid or softmax",
                   cause_zh=f"得分在交给自带 sigmoid/softmax 的损失之前已被({op})压缩",
                   fix=f"feed the raw scores to the loss: take them before {op}",
                   fix_zh=f"把原始得分交给损失函数:取 {op} 之前的值")


def _softmax_binary(where: str, name: str, v: ValueFacts, tf: TargetFacts | None) -> Finding:
    """Softmax outputs under a per-class binary loss; the fix follows the targets."""
    common = {"loss": name, "k": v.width, "lo": v.lo, "hi": v.hi}
    if tf is not None and tf.kind == "multi_hot":
        return finding(
            "softmax_binary_loss", where, **common,
            detail=", and the targets are multi-hot: the labels compete for one unit of "
                   "probability",
            detail_zh=",而目标是多标签:各标签被迫争夺同一份概率",
            fix="drop the softmax and use binary_cross_entropy_with_logits (one sigmoid per "
                "label) on the raw scores",
            fix_zh="去掉 softmax,对原始得分使用 binary_cross_entropy_with_logits(每个标签一个 "
                   "sigmoid)")
    if tf is not None and tf.kind == "one_hot":
        return finding(
            "softmax_binary_loss", where, **common,
            detail=", and every target row holds exactly one positive: a single-label task, "
                   "whose loss is cross-entropy over the classes",
            detail_zh=",而每行目标恰有一个正例:这是单标签任务,应使用类别上的交叉熵",
            fix="drop the softmax and use cross_entropy on the logits with class indices "
                "(target.argmax(1)), e.g. nn.CrossEntropyLoss()(logits, y.argmax(1))",
            fix_zh="去掉 softmax,对 logits 和类别索引(target.argmax(1))使用 cross_entropy,"
                   "例如 nn.CrossEntropyLoss()(logits, y.argmax(1))")
    return finding("softmax_binary_loss", where, **common, detail="", detail_zh="")


def _binary_target_range(name: str, tf: TargetFacts, act: str) -> Finding:
    """Binary targets outside [0, 1]; the fix names the encoding seen."""
    fix = fix_zh = None
    if tf.integral_values and tf.lo == 0 and tf.hi == 255 and tf.n_distinct <= 2:
        fix = "the targets are a 0/255 mask: divide it by 255 (mask / 255, a float 0/1 target)"
        fix_zh = "目标是 0/255 掩码:除以 255(mask / 255,得到 0/1 的 float 目标)"
    elif tf.integral_values and tf.lo == -1 and tf.hi == 1 and tf.n_distinct <= 2:
        fix = "the targets are -1/1 labels: map them to 0/1 with (y + 1) / 2"
        fix_zh = "目标是 -1/1 标签:用 (y + 1) / 2 映射到 0/1"
    elif tf.integral_values and tf.lo >= 0:
        fix = ("the targets look like class indices, not 0/1 labels: for one label among "
               "K classes use cross_entropy with K outputs")
        fix_zh = "目标像是类别索引而不是 0/1 标签:K 类单标签请用 K 个输出配 cross_entropy"
    else:
        fix = "rescale the targets into [0, 1] (probabilities or 0/1 labels)"
        fix_zh = "把目标缩放到 [0, 1](概率或 0/1 标签)"
    return finding("target_out_of_range", "loss", act=act, range="(0, 1)", t_lo=tf.lo,
                   t_hi=tf.hi, fix=fix, fix_zh=fix_zh)


def _log_prob_target(name: str, v: ValueFacts, y: torch.Tensor, *, kl: bool) -> list[Finding]:
    """Soft targets that are log-probabilities (the loss wants probabilities)."""
    t = describe_values(y)
    if not t.log_probabilities or tuple(y.shape) != v.shape or t.lo >= -1e-6:
        return []
    alt = ", or keep them and pass log_target=True" if kl else ""
    alt_zh = ",或保留它们并传入 log_target=True" if kl else ""
    return [finding("target_log_probabilities", "loss", loss=name, t_lo=t.lo,
                    detail="", detail_zh="", alt=alt, alt_zh=alt_zh)]


def _class_target_rules(call: LossCall, v: ValueFacts, tf: TargetFacts, name: str,
                        shape_mismatch: Callable[..., Finding]) -> list[Finding]:
    out: list[Finding] = []
    if tf.integer_dtype:
        expected = v.shape[:1] + v.shape[2:] if len(v.shape) >= 2 else ()
        if tf.shape != expected:
            if tf.kind == "one_hot" and tf.shape == v.shape:
                out.append(shape_mismatch(
                    f"the targets are one-hot rows of integers, not class indices of shape "
                    f"{expected}",
                    f"目标是整数 one-hot 行,而不是形状为 {expected} 的类别索引",
                    fix="the targets are one-hot: pass class indices target.argmax(-1) "
                        "(or probability rows target.float())",
                    fix_zh="目标是 one-hot:传入类别索引 target.argmax(-1)"
                           "(或概率行 target.float())"))
                return out
            out.append(shape_mismatch(
                f"class-index targets must have shape {expected}",
                f"类别索引目标的形状应为 {expected}",
                fix=f"give one class index per example, shape {expected} "
                    "(e.g. target.view(-1) for a column of indices)",
                fix_zh=f"每个样本一个类别索引,形状为 {expected}"
                       "(例如对一列索引用 target.view(-1))"))
        ignore = call.kwargs.get("ignore_index", -100)
        yd = call.target.detach()
        kept = yd[yd != ignore] if isinstance(ignore, int) else yd.flatten()
        hi = float(kept.max()) if kept.numel() else tf.lo
        if v.width > 1 and hi >= v.width:
            out.append(_class_count(call, v, tf, name, ignore))
        elif tf.lo < 0 and tf.lo != ignore:
            out.append(finding("class_count_mismatch", "loss", loss=name, width=v.width,
                               t_hi=tf.lo, need=v.width,
                               fix="class indices run from 0 to K - 1: map the negative "
                                   "labels to classes (or pass them as ignore_index)",
                               fix_zh="类别索引取值 0 到 K - 1:把负标签映射为类别"
                                      "(或设为 ignore_index)"))
        return out
    if tf.shape == v.shape:
        if tf.kind == "multi_hot":
            y = call.target.detach().to(torch.float64)
            pos = y.sum(1)
            out.append(finding("softmax_multilabel", "loss", loss=name,
                               min_pos=float(pos.min()), max_pos=float(pos.max())))
        return out
    expected = v.shape[:1] + v.shape[2:] if len(v.shape) >= 2 else ()
    if tf.shape == expected and tf.integral_values:
        out.append(finding("target_dtype_mismatch", "loss", loss=name,
                           want="integer (torch.long) class-index", dtype=tf.dtype,
                           fix_detail="convert the targets with target.long()",
                           fix_detail_zh="用 target.long() 转换目标"))
    else:
        out.append(shape_mismatch(
            f"targets must be class indices of shape {expected} or probabilities of "
            f"shape {v.shape}",
            f"目标应为形状 {expected} 的类别索引或形状 {v.shape} 的概率"))
    return out


def _class_count(call: LossCall, v: ValueFacts, tf: TargetFacts, name: str,
                 ignore: Any) -> Finding:
    """Indices beyond the output width; the fix names the label encoding it sees."""
    y = call.target.detach()
    values = torch.unique(y[y != ignore]) if isinstance(ignore, int) else torch.unique(y)
    k = v.width
    fix = fix_zh = None
    if values.numel() <= 2 and int(values.max()) == 255 and int(values.min()) == 0:
        fix = ("the targets are a 0/255 mask: turn it into class indices 0/1 with "
               "mask // 255 (or (mask > 0).long())")
        fix_zh = "目标是 0/255 掩码:用 mask // 255(或 (mask > 0).long())转成类别索引 0/1"
    elif int(values.max()) == 255 and values.numel() > 2 and int(values[-2]) < k:
        fix = ("255 marks pixels to ignore (void borders in VOC-style masks): pass "
               "ignore_index=255 to the loss")
        fix_zh = "255 标记的是应忽略的像素(VOC 式掩码的边界):给损失函数传入 ignore_index=255"
    elif int(values.min()) >= 1 and int(values.max()) == k:
        fix = (f"the labels run from 1 to {k}: shift them to 0..{k - 1} with y - 1 "
               "(keep the output width)")
        fix_zh = f"标签取值 1 到 {k}:用 y - 1 平移到 0..{k - 1}(输出宽度不变)"
    hi = int(values.max())
    return finding("class_count_mismatch", "loss", loss=name, width=k, t_hi=float(hi),
                   need=hi + 1, fix=fix, fix_zh=fix_zh)


def _elementwise_target_rules(v: ValueFacts, tf: TargetFacts, name: str,
                              shape_mismatch: Callable[[str, str], Finding],
                              *, want_float: bool) -> list[Finding]:
    out: list[Finding] = []
    if tf.shape != v.shape:
        out.append(shape_mismatch(*_broadcast_consequence(v, tf)))
    if want_float and tf.integer_dtype:
        out.append(finding("target_dtype_mismatch", "loss", loss=name,
                           want="floating-point", dtype=tf.dtype,
                           fix_detail="convert the targets with target.float()",
                           fix_detail_zh="用 target.float() 转换目标"))
    return out


def _regression_rules(graph: Graph, y: torch.Tensor, v: ValueFacts, tf: TargetFacts,
                      src: Node | None, name: str,
                      shape_mismatch: Callable[..., Finding]) -> list[Finding]:
    out: list[Finding] = []
    index_shape = v.shape[:1] + v.shape[2:] if len(v.shape) >= 2 else ()
    class_like = tf.integral_values and tf.lo >= 0 and tf.n_distinct <= max(2, v.width) and (
        tf.integer_dtype or tf.kind in ("binary", "one_hot")
        or (v.width > 1 and tf.shape == index_shape and tf.hi < v.width))
    classy = (tf.kind == "one_hot" and v.width > 1) or (
        class_like and v.in_unit and src is not None
        and src.op in ("sigmoid", "softmax", "hardsigmoid"))
    # one class index per example against K output columns, or integer labels cast to
    # float and regressed by one output unit
    index_target = tf.integral_values and tf.lo >= 0 and (
        (v.width > 1 and tf.shape in (index_shape, (*index_shape, 1)) and tf.hi < v.width
         and tf.n_distinct >= 2)
        # labels counted from 0 (ages, ratings and counts rarely are integer labels
        # that start at 0 and stay small)
        or (v.width == 1 and tf.n_distinct >= 3 and tf.lo == 0 and tf.hi < 50
            and (tf.integer_dtype or _cast_from_int(graph, y))))
    if index_target and not classy:
        k = v.width if v.width > 1 else int(tf.hi) + 1
        out.append(finding(
            "mse_for_classification", _where(src), loss=name, target_kind="class-index",
            lo=v.lo, hi=v.hi,
            fix=f"treat it as classification: {k} output units (one per class) and "
                f"cross_entropy on the integer class indices",
            fix_zh=f"按分类处理:{k} 个输出单元(每类一个),对整数类别索引使用 cross_entropy"))
        if tf.shape != v.shape and not _broadcasts(v, tf):
            out.append(shape_mismatch(*_broadcast_consequence(v, tf)))
        return out  # the shapes follow once it is a classification loss
    elif classy:
        kind = "class-index" if tf.shape == index_shape else tf.kind.replace("_", "-")
        out.append(finding("mse_for_classification", _where(src), loss=name,
                           target_kind=kind, lo=v.lo, hi=v.hi))
        if tf.shape == index_shape and _broadcasts(v, tf):
            return out  # the shapes follow once it is a classification loss
    if tf.shape != v.shape:
        out.append(shape_mismatch(*_broadcast_consequence(v, tf)))
    act = src.op if src is not None else None
    rng = output_range(act)
    if rng is None or classy:
        return out
    eps = 1e-6
    if tf.lo < rng[0] - eps and rng[0] == 0 and math.isinf(rng[1]):
        out.append(finding("relu_output_signed_target", _where(src), act=act,
                           range=_fmt_range(rng), t_lo=tf.lo,
                           neg_fraction=float((y.detach() < 0).double().mean())))
    elif tf.lo < rng[0] - eps or tf.hi > rng[1] + eps:
        out.append(finding("target_out_of_range", _where(src), act=act, range=_fmt_range(rng),
                           t_lo=tf.lo, t_hi=tf.hi))
    return out


def _cast_from_int(graph: Graph, y: torch.Tensor) -> bool:
    """Whether the loss received ``y`` as a cast of an integer tensor (``y.float()``)."""
    node = graph.producer_of(y)
    while node is not None and node.op in _PASS:
        x = node.args[0] if node.args and isinstance(node.args[0], torch.Tensor) else None
        if x is None:
            return False
        if not (x.is_floating_point() or x.is_complex() or x.dtype == torch.bool):
            return True
        node = graph.producer_of(x)
    return False


def _broadcasts(v: ValueFacts, tf: TargetFacts) -> bool:
    try:
        torch.broadcast_shapes(v.shape, tf.shape)
    except RuntimeError:
        return False
    return True


def _broadcast_consequence(v: ValueFacts, tf: TargetFacts) -> tuple[str, str]:
    """What different output and target shapes do to an element-wise loss."""
    try:
        shape = tuple(torch.broadcast_shapes(v.shape, tf.shape))
    except RuntimeError:
        return ("the shapes do not broadcast and the call fails", "两者无法广播,调用会失败")
    return (f"an element-wise loss broadcasts them into a {shape} table of all pairs "
            "(or refuses them)",
            f"逐元素损失会把两者广播成形状为 {shape} 的所有配对(或直接拒绝)")


def _scalar(value: Any) -> torch.Tensor | None:
    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        return None
    return value if value.dim() == 0 else value.mean()


def _double_softmax_evidence(graph: Graph, call: LossCall, z: torch.Tensor) -> dict[str, Any]:
    """Initial mean loss, ln K and the gradient at the logits, against the corrected form."""
    k = int(z.shape[1])
    ev: dict[str, Any] = {"ln_k": math.log(k), "k": k}
    src = _source(graph, z)
    logits = src.args[0] if src is not None and src.op == "softmax" and src.args else None
    y = call.target
    if not isinstance(logits, torch.Tensor) or not isinstance(y, torch.Tensor):
        return ev
    dim = src.arg(1, "dim") if src is not None else 1
    try:
        # the same batch through mean cross-entropy, with and without the extra softmax
        bad_leaf = logits.detach().to(torch.float32).requires_grad_(True)
        bad = F.cross_entropy(F.softmax(bad_leaf, dim=dim), y)
        (g_bad,) = torch.autograd.grad(bad, bad_leaf)
        leaf = logits.detach().to(torch.float32).requires_grad_(True)
        good = F.cross_entropy(leaf, y)
        (g_good,) = torch.autograd.grad(good, leaf)
    except (RuntimeError, IndexError, TypeError):
        return ev
    n_bad, n_good = float(g_bad.norm()), float(g_good.norm())
    ev.update(initial_loss=float(bad.detach()), grad_norm_logits=n_bad, grad_norm_fixed=n_good,
              fixed_loss=float(good.detach()),
              grad_ratio=n_bad / n_good if n_good > 0 else float("nan"))
    return ev


def _detail(ev: dict[str, Any]) -> dict[str, str]:
    """The measured part of the double-softmax message, in both languages."""
    if "grad_ratio" not in ev:
        return {"detail": "", "detail_zh": ""}
    return {
        "detail": f"; the initial loss {ev['initial_loss']:.3f} is pinned near ln K = "
                  f"{ev['ln_k']:.3f} and the gradient at the logits is "
                  f"{ev['grad_ratio']:.2g}x the one without the extra softmax",
        "detail_zh": f";初始损失 {ev['initial_loss']:.3f} 被钉在 ln K = {ev['ln_k']:.3f} 附近,"
                     f"logits 处的梯度只有去掉多余 softmax 时的 {ev['grad_ratio']:.2g} 倍",
    }


def _initial_loss(call: LossCall, v: ValueFacts, value: Any, name: str) -> list[Finding]:
    """Initial loss against chance level ln K (uniform predictions over K classes)."""
    loss = _scalar(value)
    if loss is None or v.width < 2 or v.probabilities or v.in_open_unit:
        return []
    if call.kwargs.get("reduction", "mean") != "mean":
        return []
    if not (isinstance(call.target, torch.Tensor) and describe_target(call.target).integer_dtype):
        return []  # chance level ln K holds for one-hot class targets
    k = v.width
    ln_k = math.log(k)
    lv = float(loss.detach())
    if lv > 2 * ln_k + 1:
        return [finding("high_initial_loss", "loss", loss=name, loss_value=lv, ln_k=ln_k, k=k)]
    return []


def _multilabel_margin(call: LossCall) -> list[Finding]:
    """0/1 rows given to multilabel_margin_loss, which reads rows as -1-padded indices."""
    z, y = call.input, call.target
    if not isinstance(z, torch.Tensor) or not isinstance(y, torch.Tensor) or y.dim() < 1:
        return []
    if y.numel() == 0 or tuple(y.shape) != tuple(z.shape) or int(y.shape[-1]) <= 2:
        return []
    yd = y.detach()
    if not bool(((yd == 0) | (yd == 1)).all()):
        return []  # holds a -1 pad or indices above 1: the documented format
    return [finding("multilabel_margin_multi_hot", "loss", loss="multilabel_margin_loss",
                    k=int(y.shape[-1]))]


def _from_target(graph: Graph, t: torch.Tensor) -> bool:
    """Whether ``t`` was made in the loss from tensors the model did not produce."""
    i = graph.producer.get(id(t))
    while i is not None:
        if i < 0:
            return False  # the model input
        node = graph.nodes[i]
        if node.module != "loss":
            return False
        if not node.inputs:
            return True
        i = node.inputs[0]
    return True


def _hand_written_soft_targets(graph: Graph) -> list[Finding]:
    """``-(target * log_softmax(logits)).sum(1)`` written by hand: check the target."""
    out: list[Finding] = []
    for n in graph.nodes:
        if n.module != "loss" or n.op != "mul":
            continue
        ts = [a for a in n.args if isinstance(a, torch.Tensor)]
        if len(ts) != 2:
            continue
        for lp, t in (ts, ts[::-1]):
            if not lp.is_floating_point() or lp.dim() < 2 or _from_target(graph, lp):
                continue
            if not _from_target(graph, t):
                continue
            node = graph.producer_of(t)
            while node is not None and node.op == "neg" and node.args:
                t = node.args[0]  # -target * log p
                node = graph.producer_of(t)
            v = describe_values(lp)
            if not v.log_probabilities:
                continue
            k = v.width
            index_shape = v.shape[:1] + v.shape[2:]
            if tuple(t.shape) in (index_shape, (*index_shape, 1)) and t.numel():
                tf = describe_target(t)
                int_like = tf.integer_dtype or _cast_from_int(graph, t) or tf.hi >= 2
                if tf.integral_values and tf.lo >= 0 and tf.hi < k and int_like:
                    out.append(finding("soft_target_index", "loss", out_shape=v.shape,
                                       t_shape=tuple(t.shape), t_lo=tf.lo, t_hi=tf.hi, k=k))
            elif tuple(t.shape) == v.shape and t.is_floating_point():
                out += _log_prob_target("the soft-target cross-entropy", v, t, kl=False)
            break
    return out


# -------------------------------------------------------------------------------- check
def _validate(model: Any, loss_fn: Any, example_input: Any) -> None:
    if not callable(model):
        raise InputError(f"`model` of check must be an nn.Module or a callable; got "
                         f"{type(model).__name__}")
    if not callable(loss_fn):
        raise InputError(f"`loss_fn` of check must be a callable; got "
                         f"{type(loss_fn).__name__}")
    items = (example_input.values() if isinstance(example_input, dict)
             else example_input if isinstance(example_input, (tuple, list))
             else [example_input])
    if not any(isinstance(t, torch.Tensor) for t in items):
        raise InputError(f"`example_input` of check must be a torch.Tensor (or a tuple or "
                         f"dict of tensors); got {type(example_input).__name__}")


def check(model: Callable[..., Any], loss_fn: Callable[..., Any], example_input: Any,
          example_target: Any = None, *, lr: float | None = None,
          optimizer: str = "sgd") -> list[Finding]:
    """Run ``model`` and ``loss_fn`` once on real tensors and report what is wrong.

    The forward pass and the loss call are recorded with module hooks and a
    :class:`torch.overrides.TorchFunctionMode`, so activations written as modules or
    as ``F.*`` calls, and losses written as modules, functions or actloss catalog
    entries, are all seen. Findings are judged by value: rows that are non-negative
    and sum to 1 are probabilities, values inside (0, 1) came from a sigmoid, values
    <= 0 whose exponentials sum to 1 are log-probabilities. What a loss expects is
    read from the loss catalog (``input_kind``, ``target_kind``); output ranges from
    the activation catalog.

    Args:
        model: an ``nn.Module`` (or any callable) mapping ``example_input`` to outputs.
        loss_fn: called as ``loss_fn(output, example_target)``.
        example_input: one batch: a tensor, a tuple of tensors (``model(*x)``) or a
            dict (``model(**x)``).
        example_target: the batch's targets (``None``: ``loss_fn(output)``).
        lr: optional learning rate in (0, inf): one optimiser step at this rate is
            simulated on a copy of the model and the ReLU units it kills are reported.
        optimizer: ``'sgd'`` (step ``-lr * g``) or ``'adam'`` (first step
            ``-lr * sign(g)``) for the ``lr`` probe.

    Returns:
        A list of :class:`~actloss.findings.Finding`, errors first.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from actloss.lint import check
        >>> _ = torch.manual_seed(0)
        >>> model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))
        >>> found = check(model, nn.CrossEntropyLoss(), torch.randn(8, 4),
        ...               torch.randint(0, 3, (8,)))
        >>> [(f.code, f.severity, f.where) for f in found]
        [('double_softmax', 'error', '1')]
    """
    _validate(model, loss_fn, example_input)
    lr = check_param("check", _LR, lr)
    optimizer = check_param("check", _OPTIMIZER, optimizer)
    findings: list[Finding] = []
    try:
        graph, output = trace_forward(model, example_input)
    except Exception as exc:
        return [finding("forward_error", "model", error=f"{type(exc).__name__}: {exc}")]

    findings += _softmax_rules(graph)
    findings += _linear_linear(graph)
    relus = _relu_nodes(graph)
    dead_before: list[tuple[int, int]] = []
    for n in relus:
        dead, units = _dead_units(graph, n)
        dead_before.append((dead, units))
        if units >= 2 and dead / units >= 0.5 and not _feeds_gate(graph, n):
            findings.append(finding("dead_relu_init", n.module, dead_fraction=dead / units,
                                    units=units, dead=dead))

    calls, value, error = trace_loss(loss_fn, output, example_target, graph)
    for call in calls:
        if call.name == "multilabel_margin_loss":
            findings += _multilabel_margin(call)
        exp = _expectation(call)
        if exp is None:
            continue
        findings += _loss_rules(graph, call, exp, value)
    findings += _log_of_softmax(graph)
    findings += _hand_written_soft_targets(graph)

    depth, sat_nodes = _saturating_depth(graph, output)
    has_norm = any(n.op in _NORMS for n in graph.nodes)
    has_residual = any(_is_residual_add(graph, n) for n in graph.nodes if n.module != "loss")
    if depth >= 4 and not has_norm and not has_residual:
        findings.append(finding("deep_saturating_stack", sat_nodes[0].module if sat_nodes
                                else "model", depth=depth,
                                grad_ratio=_first_last_grad_ratio(model, value)))

    if error is not None and not any(f.severity == "error" for f in findings):
        findings.append(finding("loss_error", "loss", error=f"{type(error).__name__}: "
                                f"{str(error).splitlines()[0] if str(error) else ''}"))
    if lr is not None and error is None and isinstance(model, nn.Module):
        findings += _lr_probe(model, example_input, value, lr, optimizer, relus, dead_before)
    order = {"error": 0, "warning": 1, "info": 2}
    # one finding per (code, where)
    unique: dict[tuple[str, str], Finding] = {}
    for f in findings:
        unique.setdefault((f.code, f.where), f)
    return sorted(unique.values(), key=lambda f: order[f.severity])


def _first_last_grad_ratio(model: Any, value: Any) -> float:
    loss = _scalar(value)
    if loss is None or not isinstance(model, nn.Module):
        return float("nan")
    weights = [p for p in model.parameters() if p.dim() >= 2 and p.requires_grad]
    if len(weights) < 2:
        return float("nan")
    try:
        grads = torch.autograd.grad(loss, [weights[0], weights[-1]], retain_graph=True,
                                    allow_unused=True)
    except RuntimeError:
        return float("nan")
    if grads[0] is None or grads[1] is None:
        return float("nan")
    last = float(grads[1].norm())
    return float(grads[0].norm()) / last if last > 0 else float("nan")


def _lr_probe(model: nn.Module, example_input: Any, value: Any, lr: float, optimizer: str,
              relus: list[Node], dead_before: list[tuple[int, int]]) -> list[Finding]:
    loss = _scalar(value)
    params = [p for p in model.parameters() if p.requires_grad]
    if loss is None or not params or not relus:
        return []
    try:
        grads = torch.autograd.grad(loss, params, retain_graph=True, allow_unused=True)
    except RuntimeError:
        return []
    twin = copy.deepcopy(model)
    twin_params = [p for p in twin.parameters() if p.requires_grad]
    with torch.no_grad():
        for p, g in zip(twin_params, grads):
            if g is None:
                continue
            # SGD: p <- p - lr g.  Adam's first step: m/sqrt(v) = g/|g|, so p <- p - lr sign(g).
            p.sub_(lr * (g if optimizer == "sgd" else torch.sign(g)))
    try:
        graph2, _ = trace_forward(twin, example_input)
    except Exception:
        return []
    relus2 = _relu_nodes(graph2)
    out: list[Finding] = []
    for n, (d0, u0), n2 in zip(relus, dead_before, relus2):
        d1, u1 = _dead_units(graph2, n2)
        if u1 < 2 or u0 < 2:
            continue
        before, after = d0 / u0, d1 / u1
        # one step that silences a fifth of a layer's units for the whole batch
        if after - before >= _LR_KILL:
            out.append(finding("dead_relu_lr", n.module, lr=lr, optimizer=optimizer.upper()
                               if optimizer == "sgd" else "Adam", units=u1,
                               dead_before=before, dead_after=after))
    return out
