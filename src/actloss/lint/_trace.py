"""Record what a model and a loss really compute on one batch.

Two instruments run together:

- forward pre/post hooks on every sub-module keep a stack of module paths, so each
  recorded call knows which module (``net.3``, ``head``) issued it;
- a :class:`torch.overrides.TorchFunctionMode` sees every ``torch.*``, ``F.*`` and
  tensor-method call, including those inside hand-written ``forward`` methods, and
  records it as a node of a data-flow graph (which node produced each argument).

Loss calls are recorded the same way; actloss's own losses are recognised by a
profile hook that watches for the functions registered in the loss catalog.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

__all__ = ["Graph", "LossCall", "Node", "op_name", "trace_forward", "trace_loss"]

# Calls that only read metadata or create tensors unrelated to the data flow.
_IGNORED = frozenset({
    "__get__", "size", "dim", "numel", "__len__", "__format__", "__repr__", "__bool__",
    "__index__", "__int__", "__float__", "item", "tolist", "is_floating_point",
    "_set_grad_enabled", "is_complex", "element_size", "stride", "data_ptr",
    "__setstate__", "__reduce_ex__", "get_device", "__hash__", "__eq__", "__ne__",
})

# Loss functions of torch.nn.functional, by the name under which they are intercepted.
TORCH_LOSSES = frozenset({
    "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "poisson_nll_loss",
    "gaussian_nll_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
    "multilabel_margin_loss", "multi_margin_loss", "hinge_embedding_loss",
    "margin_ranking_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss",
    "cosine_embedding_loss", "ctc_loss",
})


def op_name(func: Any) -> str:
    """A canonical name for an intercepted callable: ``Tensor.__radd__`` -> ``add``."""
    name = getattr(func, "__name__", None) or type(func).__name__
    if name.startswith("__") and name.endswith("__"):
        name = name[2:-2]
        if name.startswith(("r", "i")) and name[1:] in {"add", "sub", "mul", "matmul", "truediv"}:
            name = name[1:]
    if name.endswith("_") and not name.startswith("_") and name not in {"uniform_", "normal_"}:
        name = name[:-1]  # in-place variant: relu_ -> relu
    return name


def _tensors(obj: Any) -> Iterator[torch.Tensor]:
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _tensors(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _tensors(o)


@dataclass
class Node:
    """One recorded call: its canonical name, the module that issued it, its data flow."""

    index: int
    op: str
    module: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    inputs: list[int]  # producing nodes of the tensor arguments (-1: the model input)
    n_params: int  # tensor arguments that are parameters (or computed from parameters only)
    output: Any
    param_only: bool = False  # computed from parameters alone (e.g. ``W.t()``)
    consumers: list[int] = field(default_factory=list)

    @property
    def out(self) -> torch.Tensor | None:
        """The first tensor output."""
        return next(_tensors(self.output), None)

    def arg(self, pos: int, name: str, default: Any = None) -> Any:
        """Argument ``name`` given by position ``pos`` or by keyword."""
        if name in self.kwargs:
            return self.kwargs[name]
        if len(self.args) > pos:
            return self.args[pos]
        return default


@dataclass
class Graph:
    """The data-flow graph of one forward pass."""

    nodes: list[Node] = field(default_factory=list)
    producer: dict[int, int] = field(default_factory=dict)  # id(tensor) -> node index
    keep: list[Any] = field(default_factory=list)  # keeps ids valid while the graph lives
    param_ids: set[int] = field(default_factory=set)
    relu_outputs: list[tuple[str, torch.Tensor]] = field(default_factory=list)

    def producer_of(self, t: Any) -> Node | None:
        if not isinstance(t, torch.Tensor):
            return None
        i = self.producer.get(id(t))
        return None if i is None or i < 0 else self.nodes[i]

    def add(self, op: str, module: str, args: tuple[Any, ...], kwargs: dict[str, Any],
            output: Any) -> Node:
        inputs: list[int] = []
        n_params = 0
        param_only = True
        seen_tensor = False
        for t in _tensors((args, kwargs)):
            seen_tensor = True
            if id(t) in self.param_ids:
                n_params += 1
                continue
            i = self.producer.get(id(t))
            if i is None:
                # a constant tensor made outside the forward; the model input is -1
                if t.requires_grad and t.is_leaf:
                    n_params += 1
                    continue
                param_only = False
                continue
            if i >= 0 and self.nodes[i].param_only:
                n_params += 1
                continue
            param_only = False
            inputs.append(i)
        node = Node(len(self.nodes), op, module, args, kwargs, inputs, n_params, output,
                    param_only=param_only and seen_tensor)
        for i in set(inputs):
            if i >= 0:
                self.nodes[i].consumers.append(node.index)
        self.nodes.append(node)
        self.keep.append(output)
        for t in _tensors(output):
            self.producer[id(t)] = node.index
        return node


class UnsafeCall(RuntimeError):
    """A loss-phase call refused before it runs: on CUDA it would trip a device assert.

    An out-of-range class index (or a probability outside [0, 1]) raises a catchable
    error on the CPU but a device-side assert on CUDA, which poisons the whole CUDA
    context; the linter checks such arguments itself and reports them instead.
    """


def _index_error(index: torch.Tensor, size: int, ignore: int | None = None) -> str | None:
    if index.numel() == 0 or index.is_floating_point() or index.dtype == torch.bool:
        return None
    i = index.detach()
    bad = (i < 0) | (i >= size)
    if ignore is not None:
        bad &= i != ignore
    if bool(bad.any()):
        value = int(i[bad].flatten()[0])
        return f"Target {value} is out of bounds (size {size})."
    return None


def _guard(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Raise :class:`UnsafeCall` for loss-phase arguments that would assert on CUDA."""

    def arg(pos: int, key: str, default: Any = None) -> Any:
        return kwargs[key] if key in kwargs else args[pos] if len(args) > pos else default

    msg = None
    if name in ("cross_entropy", "nll_loss"):
        x, t = arg(0, "input"), arg(1, "target")
        if isinstance(x, torch.Tensor) and isinstance(t, torch.Tensor) and x.dim() >= 1:
            size = int(x.shape[1] if x.dim() >= 2 else x.shape[0])
            msg = _index_error(t, size, int(arg(4, "ignore_index", -100)))
    elif name in ("gather", "take_along_dim"):
        x = arg(0, "input")
        dim = arg(1, "dim") if name == "gather" else arg(2, "dim")
        index = arg(2, "index") if name == "gather" else arg(1, "indices")
        if isinstance(x, torch.Tensor) and isinstance(index, torch.Tensor) and isinstance(dim,
                                                                                     int):
            msg = _index_error(index, int(x.shape[dim]))
    elif name == "one_hot":
        t, k = arg(0, "tensor"), arg(1, "num_classes", -1)
        if isinstance(t, torch.Tensor) and isinstance(k, int) and k > 0:
            msg = _index_error(t, k)
    elif name == "binary_cross_entropy":
        x = arg(0, "input")
        if isinstance(x, torch.Tensor) and x.numel():
            xd = x.detach()
            if not bool(((xd >= 0) & (xd <= 1)).all()):
                msg = "all elements of input should be between 0 and 1"
    if msg is not None:
        raise UnsafeCall(msg)


class _Recorder(TorchFunctionMode):
    def __init__(self, graph: Graph, stack: list[str], on_loss: Callable[..., None] | None,
                 inside: list[int]) -> None:
        super().__init__()
        self.graph = graph
        self.stack = stack
        self.on_loss = on_loss
        self.inside = inside

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None):
        kwargs = kwargs or {}
        name = op_name(func)
        if self.on_loss is not None:
            if name in TORCH_LOSSES and not self.inside[0]:
                self.on_loss(name, args, kwargs)
            _guard(name, tuple(args), kwargs)
        module = self.stack[-1] if self.stack else ""
        try:
            out = func(*args, **kwargs)
        except Exception:
            if self.on_loss is not None and name not in _IGNORED:
                # a loss-phase op that failed (e.g. a broadcast of mismatched shapes) is
                # kept, output-less, so the rules can say why it failed
                self.graph.add(name, module, tuple(args), dict(kwargs), None)
            raise
        if name in _IGNORED or next(_tensors(out), None) is None:
            return out
        self.graph.add(name, module, tuple(args), dict(kwargs), out)
        return out


@contextmanager
def _module_paths(model: Any, stack: list[str]) -> Iterator[None]:
    handles = []
    if isinstance(model, nn.Module):
        for path, mod in model.named_modules():
            label = path or type(model).__name__

            def pre(_m: nn.Module, _a: Any, label: str = label) -> None:
                stack.append(label)

            def post(_m: nn.Module, _a: Any, _o: Any) -> None:
                if stack:
                    stack.pop()

            handles.append(mod.register_forward_pre_hook(pre))
            handles.append(mod.register_forward_hook(post, always_call=True))
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def call_model(model: Callable[..., Any], example_input: Any) -> Any:
    """``model(x)``, ``model(*x)`` for a tuple or ``model(**x)`` for a dict."""
    if isinstance(example_input, dict):
        return model(**example_input)
    if isinstance(example_input, (tuple, list)):
        return model(*example_input)
    return model(example_input)


def trace_forward(model: Callable[..., Any], example_input: Any) -> tuple[Graph, Any]:
    """Run ``model`` once on ``example_input``; return the graph and the output."""
    graph = Graph()
    if isinstance(model, nn.Module):
        graph.param_ids = {id(p) for p in model.parameters()}
    for t in _tensors(example_input):
        graph.producer[id(t)] = -1
        graph.keep.append(t)
    stack: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with _module_paths(model, stack), _Recorder(graph, stack, None, [0]):
            out = call_model(model, example_input)
    return graph, out


@dataclass
class LossCall:
    """One loss function as it was called: its name, input and target, its options."""

    name: str  # torch name (``cross_entropy``) or ``actloss:<catalog name>``
    input: Any
    target: Any
    kwargs: dict[str, Any]


def _actloss_loss_codes() -> dict[Any, str]:
    try:
        from actloss.losses._registry import REGISTRY
    except ImportError:  # pragma: no cover - the catalog is part of the package
        return {}
    try:
        import actloss.losses  # noqa: F401  (registers the catalog)
    except Exception:  # pragma: no cover - a broken catalog must not break the linter
        pass
    codes: dict[Any, str] = {}
    for spec in REGISTRY:
        fn = getattr(spec.fn, "__wrapped__", spec.fn)
        code = getattr(fn, "__code__", None)
        if code is not None:
            codes[code] = spec.name
    return codes


def _call_loss(loss_fn: Callable[..., Any], output: Any, target: Any,
               calls: list[LossCall]) -> Any:
    """``loss_fn(output, target)``; without a target ``loss_fn(output)``, or
    ``loss_fn(output, None)`` for a two-argument loss."""
    if target is not None:
        return loss_fn(output, target)
    try:
        return loss_fn(output)
    except TypeError as exc:
        if "positional argument" not in str(exc):
            raise
    calls.clear()
    return loss_fn(output, None)


def trace_loss(loss_fn: Callable[..., Any], output: Any, target: Any,
               graph: Graph) -> tuple[list[LossCall], Any, BaseException | None]:
    """Call ``loss_fn(output, target)`` once; record every loss function it calls.

    Returns the outermost loss calls, the loss value (``None`` if the call failed) and
    the exception the call raised, if any.
    """
    calls: list[LossCall] = []
    inside = [0]
    codes = _actloss_loss_codes()
    frames: set[int] = set()

    def on_loss(name: str, args: Any, kwargs: dict[str, Any]) -> None:
        inp = args[0] if args else kwargs.get("input")
        tgt = args[1] if len(args) > 1 else kwargs.get("target")
        rest = dict(kwargs)
        calls.append(LossCall(name, inp, tgt, rest))

    def profiler(frame: Any, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code in codes:
            co = frame.f_code
            names = co.co_varnames[: co.co_argcount]
            loc = frame.f_locals
            inp = loc.get(names[0]) if names else None
            tgt = loc.get(names[1]) if len(names) > 1 else None
            if not inside[0]:
                kw = {k: loc[k] for k in co.co_varnames[co.co_argcount:
                                                        co.co_argcount + co.co_kwonlyargcount]
                      if k in loc}
                calls.append(LossCall("actloss:" + codes[co], inp, tgt, kw))
            inside[0] += 1
            frames.add(id(frame))
        elif event == "return" and id(frame) in frames:
            frames.discard(id(frame))
            inside[0] -= 1

    stack: list[str] = ["loss"]
    value: Any = None
    error: BaseException | None = None
    old = sys.getprofile()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with _Recorder(graph, stack, on_loss, inside):
                if codes:
                    sys.setprofile(profiler)
                try:
                    value = _call_loss(loss_fn, output, target, calls)
                finally:
                    sys.setprofile(old)
        except Exception as exc:  # the linter reports it; it does not crash
            error = exc
    return calls, value, error
