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
# Ops whose output range bounds what a model can predict: the range is read from the
# activation catalog (under the catalog's name where it differs from the op's); the
# mathematical range is the fallback for an op the catalog does not hold.
_ACT_NAMES = {"hardsigmoid": "hard_sigmoid"}
_MATH_RANGES = {"relu": (0.0, math.inf), "relu6": (0.0, 6.0), "softplus": (0.0, math.inf),
                "exp": (0.0, math.inf), "sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0),
                "hardtanh": (-1.0, 1.0), "hardsigmoid": (0.0, 1.0), "softmax": (0.0, 1.0)}

# PyTorch's own contract for its functional losses, used to map a torch loss onto its
# catalog entry when no entry names it as ``torch_equivalent``, and when the catalog
# has no such entry at all.
_TORCH_CONTRACT: dict[str, tuple[str, str, str]] = {
    # torch name: (catalog name, input kind, target kind)
    "cross_entropy": ("cross_entropy", "logits", "class_indices"),
    "nll_loss": ("nll", "log_probabilities", "class_indices"),
    "binary_cross_entropy": ("binary_cross_entropy", "probabilities", "binary"),
    "binary_cross_entropy_with_logits": ("binary_cross_entropy_with_logits", "logits",
                                         "binary"),
    "multilabel_soft_margin_loss": ("multilabel_soft_margin", "logits", "multi_hot"),
    "mse_loss": ("mse", "real", "real"),
    "l1_loss": ("mae", "real", "real"),
    "smooth_l1_loss": ("smooth_l1", "real", "real"),
    "huber_loss": ("huber", "real", "real"),
    "kl_div": ("kl_div", "log_probabilities", "distribution"),
    "poisson_nll_loss": ("poisson_nll", "real", "counts"),
    "gaussian_nll_loss": ("gaussian_nll", "real", "real"),
}
_CATEGORICAL_TARGETS = frozenset({"class_indices", "one_hot", "soft_labels"})
_BINARY_TARGETS = frozenset({"binary", "multi_hot"})


@dataclass(frozen=True)
class _Expect:
    """What a loss expects, read from the catalog (or PyTorch's contract)."""

    name: str
    input_kind: str
    target_kind: str


def _catalog() -> Any:
    try:
        import actloss.losses  # noqa: F401  (registers the entries)
        from actloss.losses._registry import REGISTRY
    except Exception:  # pragma: no cover - the catalog is part of the package
        return None
    return REGISTRY


def _expectation(call: LossCall) -> _Expect | None:
    reg = _catalog()
    if call.name.startswith("actloss:"):
        name = call.name.split(":", 1)[1]
        if reg is None or name not in reg:
            return None
        spec = reg.spec(name)
        return _Expect(spec.name, spec.input_kind, spec.target_kind)
    contract = _TORCH_CONTRACT.get(call.name)
    if reg is not None:
        dotted = f"torch.nn.functional.{call.name}"
        for spec in reg:
            if spec.torch_equivalent == dotted:
                return _Expect(spec.name, spec.input_kind, spec.target_kind)
        if contract and contract[0] in reg:
            spec = reg.spec(contract[0])
            return _Expect(spec.name, spec.input_kind, spec.target_kind)
    if contract is None:
        return None
    return _Expect(contract[0], contract[1], contract[2])


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
    rng = _act_range(src.op) if src.op in _MATH_RANGES else None
    return rng is not None and rng[0] == 0 and math.isinf(rng[1])


def _where(node: Node | None) -> str:
    return node.module if node is not None and node.module else "loss"


def _act_range(op: str) -> tuple[float, float] | None:
    """Output range of activation ``op``, read from the activation catalog.

    Ops the catalog does not (yet) hold fall back to their mathematical range.
    """
    try:
        import actloss.activations  # noqa: F401  (registers the entries)
        from actloss.activations._registry import REGISTRY

        for name in (op, _ACT_NAMES.get(op, op)):
            if name in REGISTRY:
                r = REGISTRY.spec(name).output_range
                return (r.low, r.high)
    except Exception:  # pragma: no cover - a broken catalog must not break the linter
        pass
    return _MATH_RANGES.get(op)


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
    return n.op in _AFFINE and n.n_params > 0 and len(n.inputs) == 1


def _linear_linear(graph: Graph) -> list[Finding]:
    out: list[Finding] = []
    for second in graph.nodes:
        if not _is_affine(second) or second.module == "loss":
            continue
        prev = graph.nodes[second.inputs[0]] if second.inputs[0] >= 0 else None
        chain = [prev]
        while prev is not None and prev.op in _PASS and prev.inputs and prev.inputs[0] >= 0:
            if len(prev.consumers) > 1:
                break
            prev = graph.nodes[prev.inputs[0]]
            chain.append(prev)
        if prev is None or not _is_affine(prev):
            continue
        if len(prev.consumers) > 1:  # fan-out: q/k/v projections, residual branches
            continue
        if any(graph.nodes[c].op in _ATTENTION | _SOFTMAX for c in second.consumers):
            continue
        x_in = next((a for a in prev.args if isinstance(a, torch.Tensor)
                     and graph.producer.get(id(a)) is not None
                     and id(a) not in graph.param_ids), None)
        mid, y = prev.out, second.out
        if x_in is None or mid is None or y is None or mid.dim() == 0:
            continue
        d_in, d_mid, d_out = int(x_in.shape[-1]), int(mid.shape[-1]), int(y.shape[-1])
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
        depth[n.index] = d + (1 if n.op in _SATURATING else 0)
    final = graph.producer_of(output)
    best = 0
    for i, d in depth.items():
        n = graph.nodes[i]
        if final is not None and i == final.index and n.op in _SATURATING:
            d -= 1
        best = max(best, d)
    return best, [n for n in graph.nodes if n.op in _SATURATING and n.module != "loss"]


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

    def shape_mismatch(consequence: str, consequence_zh: str) -> Finding:
        assert tf is not None
        return finding("target_shape_mismatch", "loss", loss=name, out_shape=v.shape,
                       t_shape=tf.shape, consequence=consequence, consequence_zh=consequence_zh)

    input_kind = exp.input_kind
    if call.kwargs.get("from_logits") is True:  # Keras-style losses that take either form
        input_kind = "logits"
    if input_kind == "logits" and categorical:
        if v.width == 1 and z.dim() >= 2:
            out.append(finding("softmax_single_unit", where, op=name, dim=1,
                               shape=v.shape))
        elif v.probabilities:
            ev = _double_softmax_evidence(graph, call, z)
            out.append(finding("double_softmax", where, **common, **ev, **_detail(ev)))
        elif v.in_open_unit and _squashed(src):
            out.append(finding("sigmoid_before_logits_loss", where, **common))
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
        if v.in_open_unit and _squashed(src):
            out.append(finding("sigmoid_before_logits_loss", where, **common))
        elif _nonnegative_head(src, v):
            out.append(finding(
                "relu_before_logits_loss", where, **common, act=src.op,
                consequence="sigmoid(x) >= 0.5 for x >= 0, so no probability below one half "
                            "can be predicted",
                consequence_zh="x >= 0 时 sigmoid(x) >= 0.5,模型无法预测低于一半的概率"))
        if tf is not None:
            out += _elementwise_target_rules(v, tf, name, shape_mismatch, want_float=True)
            if tf.lo < 0 or tf.hi > 1:
                out.append(finding("target_out_of_range", "loss", act="sigmoid",
                                   range="(0, 1)", t_lo=tf.lo, t_hi=tf.hi))
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
    elif input_kind == "probabilities" and exp.target_kind in _BINARY_TARGETS:
        if not v.in_unit:
            out.append(finding("bce_on_logits", where, **common))
        elif src is not None and src.op == "softmax" and v.width == 1:
            pass  # softmax over one unit: reported by softmax_single_unit
        elif (src is not None and src.op in ("sigmoid", "softmax")) or v.in_open_unit:
            out.append(finding("bce_on_probabilities", where, **common))
        if tf is not None:
            out += _elementwise_target_rules(v, tf, name, shape_mismatch, want_float=True)
    elif input_kind in ("real", "positive") and exp.target_kind in ("real", "positive",
                                                                     "counts"):
        if tf is not None:
            out += _regression_rules(y, v, tf, src, name, shape_mismatch)
    return out


def _class_target_rules(call: LossCall, v: ValueFacts, tf: TargetFacts, name: str,
                        shape_mismatch: Callable[[str, str], Finding]) -> list[Finding]:
    out: list[Finding] = []
    if tf.integer_dtype:
        expected = v.shape[:1] + v.shape[2:] if len(v.shape) >= 2 else ()
        if tf.shape != expected:
            out.append(shape_mismatch(
                f"class-index targets must have shape {expected}",
                f"类别索引目标的形状应为 {expected}"))
        ignore = call.kwargs.get("ignore_index", -100)
        if v.width > 1 and tf.hi >= v.width:
            out.append(finding("class_count_mismatch", "loss", loss=name, width=v.width,
                               t_hi=tf.hi, need=int(tf.hi) + 1))
        elif tf.lo < 0 and tf.lo != ignore:
            out.append(finding("class_count_mismatch", "loss", loss=name, width=v.width,
                               t_hi=tf.lo, need=v.width))
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


def _regression_rules(y: torch.Tensor, v: ValueFacts, tf: TargetFacts, src: Node | None,
                      name: str, shape_mismatch: Callable[[str, str], Finding]
                      ) -> list[Finding]:
    out: list[Finding] = []
    index_shape = v.shape[:1] + v.shape[2:] if len(v.shape) >= 2 else ()
    class_like = tf.integral_values and tf.lo >= 0 and tf.n_distinct <= max(2, v.width) and (
        tf.integer_dtype or tf.kind in ("binary", "one_hot")
        or (v.width > 1 and tf.shape == index_shape and tf.hi < v.width))
    classy = (tf.kind == "one_hot" and v.width > 1) or (
        class_like and v.in_unit and src is not None
        and src.op in ("sigmoid", "softmax", "hardsigmoid"))
    if classy:
        kind = "class-index" if tf.shape == index_shape else tf.kind.replace("_", "-")
        out.append(finding("mse_for_classification", _where(src), loss=name,
                           target_kind=kind, lo=v.lo, hi=v.hi))
    if tf.shape != v.shape:
        out.append(shape_mismatch(*_broadcast_consequence(v, tf)))
    act = src.op if src is not None else None
    rng = _act_range(act) if act in _MATH_RANGES else None
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
        if units >= 2 and dead / units >= 0.5:
            findings.append(finding("dead_relu_init", n.module, dead_fraction=dead / units,
                                    units=units, dead=dead))

    calls, value, error = trace_loss(loss_fn, output, example_target, graph)
    for call in calls:
        exp = _expectation(call)
        if exp is None:
            continue
        findings += _loss_rules(graph, call, exp, value)

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
