"""The dispatch table: every fast implementation, what it supports, how close it is.

One :class:`Impl` per (catalog name, implementation). A catalog function validates its
arguments with its own ``Param`` declarations, then (while the fast paths are enabled)
asks the router for a result: the first implementation of that name whose
:meth:`Impl.supports` accepts the call runs; if none does, the catalog's reference runs.
A narrower parameter range than the catalog's is a ``supports`` rule here (elu needs
``alpha > 0``, leaky ReLU's mask form ``negative_slope <= 1``), never a second
declaration: every value the catalog accepts is accepted, by one path or the other.

``ulp`` is the stated bound: the largest difference from the reference evaluated in
float64 on the same (rounded) input, in units of ``eps * max(|reference|, 1)`` of the
result's dtype: relative ULPs where the value is at least 1, absolute steps of
``eps`` below (a relative measure is meaningless where a function or its derivative
crosses zero, and float32 PyTorch ops themselves lose all relative accuracy in deep
tails). Gradients (with ``reduction='sum'`` for losses) are held to the same bound.
``tests/test_kernels.py`` checks every entry at 2^17 elements and a few at 2^24.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from actloss.kernels import _activations as A
from actloss.kernels import _elementwise_losses as E
from actloss.kernels import _native, _pool
from actloss.kernels import _region_losses as R
from actloss.kernels import _softmax_losses as S

__all__ = ["TABLE", "Impl", "implementations", "lookup"]

F32 = (torch.float32,)
F32_64 = (torch.float32, torch.float64)
ALL_FLOAT = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
MIN_ACT = 1 << 17  # below this, per-call overhead outweighs a gain: PyTorch's op runs
#: where the native form's gain is the reused output storages (PyTorch's op faults in
#: fresh mappings for outputs of 32 MiB and up): only there, and only with the pool on
MIN_POOLED = _pool.POOL_MIN_BYTES // 4
MIN_LOSS = 1 << 16

Rule = Callable[..., bool]


def _always(*args: Any, **params: Any) -> bool:
    return True


@dataclass(frozen=True)
class Impl:
    """One fast implementation of a catalog function.

    Attributes:
        name: the catalog's name (``'silu'``, ``'binary_focal'``...).
        impl: ``'native'`` (the C library, float32 CPU) or ``'eager'`` (PyTorch ops).
        fn: ``fn(*tensors, **validated parameters)``, the catalog's call signature.
        dtypes: dtypes of the first tensor it takes.
        min_elements: fewest elements of the first tensor it takes.
        ulp: stated error bound (see the module documentation).
        rule: further conditions on the tensors and parameters (``supports``).
        devices: device types it runs on.
    """

    name: str
    impl: str
    fn: Callable[..., torch.Tensor]
    dtypes: tuple[torch.dtype, ...]
    min_elements: int
    ulp: float
    rule: Rule = _always
    devices: tuple[str, ...] = ("cpu",)
    doc: str = field(default="", compare=False)

    def supports(self, *args: Any, **params: Any) -> bool:
        """Whether this implementation takes the call (device, dtype, size, parameters)."""
        x = args[0]
        if x.device.type not in self.devices or x.dtype not in self.dtypes \
                or x.numel() < self.min_elements:
            return False
        if self.impl == "native" and _native.library() is None:
            return False
        return self.rule(*args, **params)


# ------------------------------------------------------------------- activations
def _act(name: str, kind: str, p1: str | None = None, p2: str | None = None
         ) -> Callable[..., torch.Tensor]:
    def fn(x: torch.Tensor, **p: Any) -> torch.Tensor:
        return A.native_act(name, kind, x, float(p[p1]) if p1 else 0.0,
                            float(p[p2]) if p2 else 0.0,
                            bool(p.get("memory_efficient", False)), p)

    return fn


def _gelu_fn(x: torch.Tensor, **p: Any) -> torch.Tensor:
    return A.native_act("gelu_tanh", "gelu_tanh", x, 0.0, 0.0,
                        bool(p.get("memory_efficient", False)))


def _mask(name: str) -> Callable[..., torch.Tensor]:
    def fn(x: torch.Tensor, **p: Any) -> torch.Tensor:
        return A.native_mask(name, x, float(p.get("negative_slope", 0.0)), p)

    return fn


def _eager_mish(x: torch.Tensor, **p: Any) -> torch.Tensor:
    return A.eager_mish(x, bool(p.get("memory_efficient", False)))


def _pooled(x: torch.Tensor, **p: Any) -> bool:
    """The outputs come from reused storages (:func:`_pool.output_like`): without them
    the forms routed under this rule are no faster than PyTorch's op."""
    return _pool.pooled(x.numel() * x.element_size(), x.device)


def _mask_rule(x: torch.Tensor, **p: Any) -> bool:
    """The mask form: asked for (``memory_efficient``), or where it is faster."""
    return bool(p.get("memory_efficient", False)) or _pooled(x)


# ------------------------------------------------------------------------ losses
def _constant_weight(x: torch.Tensor, weight: Any) -> bool:
    """No weight, or a constant floating one that broadcasts to ``x`` without enlarging."""
    if weight is None:
        return True
    if not isinstance(weight, torch.Tensor) or weight.requires_grad \
            or not weight.is_floating_point() or weight.device != x.device:
        return False
    try:
        return torch.broadcast_shapes(weight.shape, x.shape) == x.shape
    except RuntimeError:
        return False


def _pair_rule(x: torch.Tensor, t: torch.Tensor, *, weight: Any = None,
               **p: Any) -> bool:
    return (isinstance(t, torch.Tensor) and t.shape == x.shape and t.is_floating_point()
            and t.device == x.device and not t.requires_grad and _constant_weight(x, weight))


def _bce_rule(x: torch.Tensor, t: torch.Tensor, **p: Any) -> bool:
    pw = p.get("pos_weight")
    return (pw is None or isinstance(pw, float)) and _pair_rule(x, t, **p)


def _native_loss(name: str) -> Callable[..., torch.Tensor]:
    def fn(x: torch.Tensor, t: torch.Tensor, **p: Any) -> torch.Tensor:
        return E.native_loss(name, x, t, **p)

    return fn


def _eager_loss(name: str) -> Callable[..., torch.Tensor]:
    def fn(x: torch.Tensor, t: torch.Tensor, **p: Any) -> torch.Tensor:
        return E.eager_loss(name, x, t, **p)

    return fn


def _rows_rule(x: torch.Tensor, t: torch.Tensor, *, weight: Any = None, **p: Any) -> bool:
    return (x.dim() == 2 and isinstance(t, torch.Tensor) and not t.is_floating_point()
            and t.shape == x.shape[:1] and t.device == x.device
            and (weight is None or not weight.requires_grad))


def _ce(x: torch.Tensor, t: torch.Tensor, **p: Any) -> torch.Tensor:
    return S.cross_entropy_rows(x, t, **p)


#: fewest classes the native rows take: below, the per-row work outweighs the gain and
#: the eager row blocks are faster (measured crossing: 32 to 64 classes)
MIN_NATIVE_CLASSES = 64


def _native_rows_rule(x: torch.Tensor, t: torch.Tensor, **p: Any) -> bool:
    return _rows_rule(x, t, **p) and x.shape[1] >= MIN_NATIVE_CLASSES


def _ce_native(x: torch.Tensor, t: torch.Tensor, **p: Any) -> torch.Tensor:
    return S.cross_entropy_native(x, t, **p)


def _focal_rows(x: torch.Tensor, t: torch.Tensor, **p: Any) -> torch.Tensor:
    return S.softmax_focal_rows(x, t, **p)


def _region_rule(p: torch.Tensor, t: torch.Tensor, **kw: Any) -> bool:
    return (p.dim() == 2 and isinstance(t, torch.Tensor) and not t.requires_grad
            and t.shape == p.shape)


def _region(name: str) -> Callable[..., torch.Tensor]:
    def fn(p: torch.Tensor, t: torch.Tensor, **kw: Any) -> torch.Tensor:
        return R.region(name, p, t, **kw)

    return fn


def _lce(h: torch.Tensor, w: torch.Tensor, t: torch.Tensor, **p: Any) -> torch.Tensor:
    return S.linear_cross_entropy(h, w, t, **p)


def _lce_rule(h: torch.Tensor, w: torch.Tensor, t: torch.Tensor, **p: Any) -> bool:
    return h.device == w.device


# ------------------------------------------------------------------------- table
TABLE: dict[str, tuple[Impl, ...]] = {
    "silu": (Impl("silu", "native", _act("silu", "silu"), F32, MIN_POOLED, 4.0,
                  lambda x, **p: p.get("beta", 1.0) == 1.0 and _pooled(x)),),
    "mish": (Impl("mish", "native", _act("mish", "mish"), F32, MIN_ACT, 16.0),
             Impl("mish", "eager", _eager_mish, F32_64, MIN_ACT, 32.0)),
    "tanh": (Impl("tanh", "native", _act("tanh", "tanh"), F32, MIN_ACT, 4.0),),
    "elu": (Impl("elu", "native", _act("elu", "elu", "alpha"), F32, MIN_ACT, 4.0,
                 lambda x, **p: p.get("alpha", 1.0) > 0.0),),
    "softplus": (Impl("softplus", "native", _act("softplus", "softplus", "beta", "threshold"),
                      F32, MIN_POOLED, 4.0, _pooled),),
    "gelu_tanh": (Impl("gelu_tanh", "native", _gelu_fn, F32, MIN_ACT, 4.0),),
    "gelu": (Impl("gelu", "native", _gelu_fn, F32, MIN_ACT, 4.0,
                  lambda x, **p: p.get("approximate") == "tanh"),
             Impl("gelu", "native", _act("gelu", "gelu"), F32, MIN_POOLED, 4.0,
                  lambda x, **p: p.get("approximate", "none") == "none" and _pooled(x))),
    "sigmoid": (Impl("sigmoid", "native", _act("sigmoid", "sigmoid"), F32, MIN_POOLED, 4.0,
                     _pooled),),
    "relu": (Impl("relu", "native", _mask("relu"), F32, MIN_ACT, 1.0, _mask_rule),),
    "leaky_relu": (Impl("leaky_relu", "native", _mask("leaky_relu"), F32, MIN_ACT, 1.0,
                        lambda x, **p: p.get("negative_slope", 0.01) <= 1.0
                        and _mask_rule(x, **p)),),
    "bce_with_logits": (Impl("bce_with_logits", "native", _native_loss("bce_with_logits"),
                             F32, MIN_LOSS, 8.0, _bce_rule),),
    "binary_focal": (Impl("binary_focal", "native", _native_loss("binary_focal"), F32,
                          MIN_LOSS, 8.0, _pair_rule),
                     Impl("binary_focal", "eager", _eager_loss("binary_focal"), F32_64,
                          MIN_LOSS, 8.0, _pair_rule)),
    "huber": (Impl("huber", "native", _native_loss("huber"), F32, MIN_LOSS, 4.0,
                   _pair_rule),),
    "smooth_l1": (Impl("smooth_l1", "native", _native_loss("smooth_l1"), F32, MIN_LOSS, 4.0,
                       _pair_rule),),
    "log_cosh": (Impl("log_cosh", "native", _native_loss("log_cosh"), F32, MIN_LOSS, 4.0,
                      _pair_rule),
                 Impl("log_cosh", "eager", _eager_loss("log_cosh"), F32_64, MIN_LOSS, 4.0,
                      _pair_rule)),
    "cross_entropy": (Impl("cross_entropy", "native", _ce_native, F32, MIN_LOSS, 64.0,
                           _native_rows_rule),
                      Impl("cross_entropy", "eager", _ce, F32_64, MIN_LOSS, 64.0,
                           _rows_rule)),
    "softmax_focal": (Impl("softmax_focal", "eager", _focal_rows, F32_64, MIN_LOSS, 64.0,
                           _rows_rule),),
    "dice": (Impl("dice", "eager", _region("dice"), F32_64, MIN_LOSS, 64.0, _region_rule),),
    "tversky": (Impl("tversky", "eager", _region("tversky"), F32_64, MIN_LOSS, 64.0,
                     _region_rule),),
    "linear_cross_entropy": (Impl("linear_cross_entropy", "eager", _lce, ALL_FLOAT, 1, 64.0,
                                  _lce_rule, ("cpu", "cuda", "mps", "xpu")),),
}


def implementations() -> list[Impl]:
    """Every fast implementation, in table order."""
    return [impl for impls in TABLE.values() for impl in impls]


def lookup(name: str, *args: Any, **params: Any) -> Impl | None:
    """The implementation that takes this call, or ``None`` (the reference runs)."""
    for impl in TABLE.get(name, ()):
        if impl.supports(*args, **params):
            return impl
    return None
