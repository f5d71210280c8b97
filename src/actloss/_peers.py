"""The one naming table: the peers' spellings of catalog entries, and their conventions.

``LOSS_NAMES`` and ``ACTIVATION_NAMES`` map each peer (``'keras'``, ``'optax'``,
``'torch'``) to ``{spelling: entry}``. Keras's class names (``KLDivergence``) need no
row: the resolver reads them as their snake_case function names. A spelling whose entry
is not registered is skipped, so a table may name entries that a later family adds.

``TWINS`` pairs an optax entry with the PyTorch-convention entry computing the same
element-wise function (optax returns it unreduced). ``CONVENTIONS`` holds, per entry,
one line per peer on empty inputs, all-zero masks, smoothing and clipping, and says
where actloss deliberately differs from the peer it cites. The rule that reads these
tables is in :mod:`actloss._registry` and ``docs/names.md``.
"""

from __future__ import annotations

__all__ = ["ACTIVATION_NAMES", "CONVENTIONS", "LOSS_NAMES", "TWINS", "conventions"]

_KERAS_LOSSES = {
    # keras.losses function names and the legacy short names keras.losses.get accepts
    "mean_squared_error": "keras_mean_squared_error", "mse": "keras_mean_squared_error",
    "mean_absolute_error": "keras_mean_absolute_error", "mae": "keras_mean_absolute_error",
    "mean_absolute_percentage_error": "keras_mean_absolute_percentage_error",
    "mape": "keras_mean_absolute_percentage_error",
    "mean_squared_logarithmic_error": "keras_mean_squared_logarithmic_error",
    "msle": "keras_mean_squared_logarithmic_error",
    "binary_crossentropy": "keras_binary_crossentropy",
    "binary_focal_crossentropy": "keras_binary_focal_crossentropy",
    "categorical_crossentropy": "keras_categorical_crossentropy",
    "categorical_focal_crossentropy": "keras_categorical_focal_crossentropy",
    "sparse_categorical_crossentropy": "keras_sparse_categorical_crossentropy",
    "kl_divergence": "keras_kl_divergence", "kld": "keras_kl_divergence",
    "kullback_leibler_divergence": "keras_kl_divergence",
    "hinge": "keras_hinge", "squared_hinge": "keras_squared_hinge",
    "categorical_hinge": "keras_categorical_hinge",
    "log_cosh": "keras_log_cosh", "logcosh": "keras_log_cosh",
    "huber": "keras_huber", "poisson": "keras_poisson",
    "cosine_similarity": "keras_cosine_similarity",
    "dice": "keras_dice", "tversky": "keras_tversky",
}

_OPTAX_LOSSES = {
    "sigmoid_binary_cross_entropy": "optax_sigmoid_binary_cross_entropy",
    "softmax_cross_entropy": "optax_softmax_cross_entropy",
    "safe_softmax_cross_entropy": "optax_safe_softmax_cross_entropy",
    "softmax_cross_entropy_with_integer_labels":
        "optax_softmax_cross_entropy_with_integer_labels",
    "poly_loss_cross_entropy": "optax_poly_loss_cross_entropy",
    "sigmoid_focal_loss": "optax_sigmoid_focal_loss",
    "hinge_loss": "optax_hinge_loss",
    "multiclass_hinge_loss": "optax_multiclass_hinge_loss",
    "kl_divergence": "optax_kl_divergence",
    "kl_divergence_with_log_targets": "optax_kl_divergence_with_log_targets",
    "convex_kl_divergence": "optax_convex_kl_divergence",
    "l2_loss": "optax_l2_loss", "squared_error": "optax_squared_error",
    "huber_loss": "optax_huber_loss", "log_cosh": "optax_log_cosh",
    "cosine_similarity": "optax_cosine_similarity",
    "cosine_distance": "optax_cosine_distance",
    "triplet_margin_loss": "optax_triplet_margin_loss",
    "dice_loss": "optax_dice_loss", "binary_dice_loss": "optax_binary_dice_loss",
    "ntxent": "nt_xent",
}

_TORCH_LOSSES = {
    "binary_cross_entropy": "binary_cross_entropy",
    "binary_cross_entropy_with_logits": "binary_cross_entropy_with_logits",
    "poisson_nll_loss": "poisson_nll", "cross_entropy": "cross_entropy",
    "gaussian_nll_loss": "gaussian_nll", "kl_div": "kl_div", "l1_loss": "mae",
    "mse_loss": "mse", "multilabel_soft_margin_loss": "multilabel_soft_margin",
    "multi_margin_loss": "multi_margin", "nll_loss": "nll", "huber_loss": "huber",
    "smooth_l1_loss": "smooth_l1", "triplet_margin_loss": "triplet",
    # with its default distance_function (pairwise_distance), triplet_margin_loss itself
    "triplet_margin_with_distance_loss": "triplet",
}

LOSS_NAMES: dict[str, dict[str, str]] = {
    "keras": _KERAS_LOSSES, "optax": _OPTAX_LOSSES, "torch": _TORCH_LOSSES,
}

ACTIVATION_NAMES: dict[str, dict[str, str]] = {
    "keras": {
        "hard_shrink": "hardshrink", "soft_shrink": "softshrink", "tanh_shrink": "tanhshrink",
        "hard_silu": "hard_swish", "hard_swish": "hard_swish", "hard_tanh": "hardtanh",
        "swish": "silu", "linear": "identity", "log_sigmoid": "log_sigmoid",
    },
    "optax": {},
    "torch": {"logsigmoid": "log_sigmoid", "hardswish": "hard_swish",
              "hardsigmoid": "hard_sigmoid"},
}

TWINS: dict[str, str] = {
    "optax_squared_error": "mse", "optax_huber_loss": "huber", "optax_log_cosh": "log_cosh",
    "optax_triplet_margin_loss": "triplet",
    "optax_multiclass_hinge_loss": "multiclass_hinge",
    "optax_sigmoid_binary_cross_entropy": "binary_cross_entropy_with_logits",
    # Keras's per-sample means of a core element-wise function with Keras's definition
    "keras_mean_absolute_percentage_error": "mape", "keras_log_cosh": "log_cosh",
}

_CE_CLIP = ("Keras: probabilities are clipped to [1e-7, 1 - 1e-7] before the log; "
            "PyTorch's binary_cross_entropy clamps the log at -100 instead (actloss's "
            "`binary_cross_entropy` follows PyTorch, `keras_…` follows Keras)")

CONVENTIONS: dict[str, tuple[str, ...]] = {
    "mse": ("Empty input: 'mean' gives nan as PyTorch's mse_loss; the keras_ entries give "
            "0 (Keras divides with divide_no_nan).",),
    "keras_mean_squared_error": (
        "Keras: sample_weight of shape (N,), (N, 1), (N, T) or (N, T, 1); a trailing 1 is "
        "squeezed (never broadcast to (N, N)).",
        "Empty input: 0 for 'mean' (Keras's divide_no_nan), not nan."),
    "keras_mean_squared_logarithmic_error": (
        "Keras: both inputs are clamped at 1e-7 before log(1 + x): no error on negative "
        "values; actloss's own `msle` refuses values <= -1 instead.",),
    "msle": ("Differs from Keras on purpose: values <= -1 raise instead of being clamped "
             "at 1e-7; use keras_mean_squared_logarithmic_error for Keras's numbers.",),
    "binary_cross_entropy": (_CE_CLIP,),
    "keras_binary_crossentropy": (
        _CE_CLIP, "Label smoothing (Keras): y (1 - s) + s / 2."),
    "keras_categorical_crossentropy": (
        "Keras: probabilities are divided by their sum, then clipped to [1e-7, 1 - 1e-7].",
        "Label smoothing (Keras, also PyTorch's cross_entropy): y (1 - s) + s / C."),
    "cross_entropy": ("Label smoothing as PyTorch and Keras: y (1 - s) + s / C; optax's "
                      "smooth_labels uses the same definition.",
                      "Differs from PyTorch on purpose: an input (N, C, ...) whose every row "
                      "is non-negative and sums to 1 is refused (a softmax applied twice); "
                      "losses.value_checks(False) gives PyTorch's number.",),
    "keras_sparse_categorical_crossentropy": (
        "Keras: labels of shape (N,) or (N, 1); ignore_class entries count neither in the "
        "sum nor in the divisor of 'sum_over_batch_size'.",),
    "kl_div": ("PyTorch: input is log-probabilities; 0 log 0 = 0 (xlogy). Positive "
               "'log-probabilities' are refused: Keras's kl_divergence takes probabilities "
               "(use keras_kl_divergence).",),
    "keras_kl_divergence": ("Keras: both distributions clipped to [1e-7, 1]; input is "
                            "probabilities, not log-probabilities.",),
    "optax_kl_divergence": ("optax: input is log-probabilities, target probabilities; "
                            "0 log 0 = 0; summed over `axis`, unreduced over the batch.",),
    "dice": ("All-zero target and prediction: 0 with the default smooth (as MONAI); "
             "Keras's dice gives 1 there (eps only in the denominator).",
             "Per sample, then reduced; Keras computes one value over `axis` (None: the "
             "whole batch): see keras_dice."),
    "keras_dice": ("Keras: 1 - 2 sum(y p) / (sum y + sum p + 1e-7) over `axis` (None: the "
                   "whole batch); all-zero masks give 1.",),
    "tversky": ("alpha weighs false positives, beta false negatives (Salehi et al., 2017; "
                "current Keras agrees).",),
    "keras_tversky": ("Current Keras: alpha on false positives, beta on false negatives "
                      "(Keras before its fix swapped them); all-zero masks give 1.",),
    "cosine_similarity": ("actloss: 1 - cos (PyTorch's CosineEmbeddingLoss for similar "
                          "pairs); Keras's loss is -cos (keras_cosine_similarity), optax's "
                          "cosine_similarity is cos itself (optax_cosine_similarity).",),
    "keras_cosine_similarity": ("Keras: -sum(l2_normalize(y) l2_normalize(p)), norms "
                                "floored at sqrt(1e-12); a zero vector gives 0.",),
    "hinge": ("Labels must be -1/1: {0, 1} labels are refused (a batch of all ones is "
              "ambiguous); Keras converts all-{0, 1} labels to 2y - 1 (keras_hinge).",),
    "keras_hinge": ("Keras: if every label is 0 or 1, labels become 2y - 1.",),
    "multi_margin": ("PyTorch's Weston-Watkins multi-class hinge, divided by C; optax's "
                     "multiclass_hinge_loss is Crammer-Singer (multiclass_hinge).",),
    "multiclass_hinge": ("optax's multiclass_hinge_loss (Crammer-Singer): "
                         "max_j(s_j + 1[j != y]) - s_y; PyTorch's multi_margin_loss is "
                         "Weston-Watkins.",),
    "poisson_nll": ("PyTorch: input is the log-rate by default (log_input=True); Keras's "
                    "poisson takes the rate (keras_poisson).",),
    "optax_l2_loss": ("optax: 0.5 (p - t)^2, unreduced; PyTorch's mse_loss has no 0.5.",),
    "triplet": ("PyTorch's triplet_margin_loss (reduction 'mean'); optax's "
                "triplet_margin_loss is the same per sample, unreduced "
                "(optax_triplet_margin_loss). triplet_margin_with_distance_loss maps here "
                "with its default distance only.",),
    "nt_xent": ("optax's ntxent takes (embeddings, labels); actloss takes two views "
                "(input, target): same loss, another calling convention.",),
    "binary_focal": ("torchvision's sigmoid_focal_loss (alpha=0.25 by default); optax's "
                     "sigmoid_focal_loss leaves alpha off by default "
                     "(optax_sigmoid_focal_loss).",),
    # activations
    "leaky_relu": ("Keras's activations.leaky_relu defaults to negative_slope=0.2; actloss "
                   "(as PyTorch) to 0.01: pass negative_slope=0.2 for Keras's numbers.",),
    "hard_sigmoid": ("relu6(x + 3) / 6, as PyTorch and Keras 3 (Keras 2's was "
                     "clip(0.2 x + 0.5, 0, 1)).",),
}


def conventions(name: str) -> tuple[str, ...]:
    """The edge-convention lines recorded for the entry ``name`` (may be empty)."""
    return CONVENTIONS.get(name, ())
