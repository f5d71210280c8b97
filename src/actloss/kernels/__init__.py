"""Fused, memory-light kernels for activations and losses.

Every function here has the semantics of the plain form in the catalog and falls back
to PyTorch's op (or the plain composition) where the fused path is not faster: small
tensors, half precision, and devices other than the CPU (see
:func:`actloss.kernels._common.use_fused`). ``linear_cross_entropy`` runs blocked on
every device, since its point is memory. Which fused forms run by default is decided
per kernel by measurement: ``actloss.kernels._common.FUSED_WINS``. ``fused(False)``
(a context manager) and ``set_fused_enabled(False)`` turn every fused path off, for code
that differentiates twice (``create_graph=True``).

Large CPU outputs (32 MiB and up) come from a pool of reused mappings
(:mod:`actloss.kernels._pool`): it keeps up to ``pool_limit()`` bytes of idle buffers
(256 MiB by default, ``ACTLOSS_POOL_MB`` or ``set_pool_limit``), which ``empty_cache()``
gives back to the system.
"""

from __future__ import annotations

from actloss.kernels._activations import (
    elu,
    gelu,
    leaky_relu,
    mish,
    relu,
    sigmoid,
    silu,
    softplus,
    tanh,
)
from actloss.kernels._common import (
    GradientConsumedError,
    fused,
    fused_enabled,
    set_fused_enabled,
    use_fused,
)
from actloss.kernels._elementwise_losses import (
    bce_with_logits,
    binary_focal_with_logits,
    huber,
    log_cosh,
    sigmoid_focal,
    smooth_l1,
)
from actloss.kernels._pool import (
    PoolStats,
    empty_cache,
    pool_limit,
    pool_stats,
    set_pool_limit,
)
from actloss.kernels._region_losses import dice, tversky
from actloss.kernels._softmax_losses import cross_entropy, linear_cross_entropy, softmax_focal

__all__ = [
    "GradientConsumedError",
    "PoolStats",
    "bce_with_logits",
    "binary_focal_with_logits",
    "cross_entropy",
    "dice",
    "elu",
    "empty_cache",
    "fused",
    "fused_enabled",
    "gelu",
    "huber",
    "leaky_relu",
    "linear_cross_entropy",
    "log_cosh",
    "mish",
    "pool_limit",
    "pool_stats",
    "relu",
    "set_fused_enabled",
    "set_pool_limit",
    "sigmoid",
    "sigmoid_focal",
    "silu",
    "smooth_l1",
    "softmax_focal",
    "softplus",
    "tanh",
    "tversky",
    "use_fused",
]
