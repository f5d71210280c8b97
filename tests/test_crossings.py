"""Value checks for the classic crossings: probabilities passed where logits are expected.

Expected values come from PyTorch's own ops (``torch.nn.functional``), the reference the
core cross-entropies match.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from actloss import losses
from actloss.errors import InputError


def _probabilities(*shape: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.softmax(torch.randn(*shape, generator=g, dtype=torch.float64), dim=1)


@pytest.mark.parametrize("shape", [(8, 5), (1, 2), (3, 2), (2, 4, 3, 3)])
def test_cross_entropy_refuses_probabilities(shape: tuple[int, ...]) -> None:
    p = _probabilities(*shape)
    target = torch.zeros((shape[0], *shape[2:]), dtype=torch.long)
    with pytest.raises(InputError, match=r"softmax was applied already.*`nll`"):
        losses.cross_entropy(p, target)
    with pytest.raises(InputError, match=r"keras_categorical_crossentropy"):
        losses.cross_entropy(p.float(), target)  # float32 rounding of the sums still caught


def test_cross_entropy_refuses_one_hot_probability_rows() -> None:
    # a saturated softmax: exact one-hot rows are probability distributions too
    x = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    with pytest.raises(InputError, match="must hold logits"):
        losses.cross_entropy(x, torch.tensor([0, 1]))


def test_cross_entropy_check_obeys_value_checks_switch() -> None:
    p = _probabilities(4, 3)
    t = torch.tensor([0, 1, 2, 0])
    with losses.value_checks(False):
        got = losses.cross_entropy(p, t)
    assert float(got) == pytest.approx(float(F.cross_entropy(p, t)), rel=1e-12)


@pytest.mark.parametrize("shape", [(1, 2), (2, 2), (1, 3), (4, 10), (2, 3, 4)])
def test_random_logits_are_never_refused(shape: tuple[int, ...]) -> None:
    for seed in range(50):
        g = torch.Generator().manual_seed(seed)
        for x in (torch.randn(*shape, generator=g, dtype=torch.float64),
                  torch.rand(*shape, generator=g, dtype=torch.float64),  # all >= 0
                  3 * torch.rand(*shape, generator=g, dtype=torch.float64)):
            t = torch.randint(0, shape[1], (shape[0], *shape[2:]), generator=g)
            got = losses.cross_entropy(x, t)
            assert float(got) == pytest.approx(float(F.cross_entropy(x, t)), rel=1e-12)


@pytest.mark.parametrize("rows", [
    [[0.2, 0.3]],                    # non-negative, sums to 0.5
    [[1.0, 2.0], [0.0, 0.5]],        # non-negative, no row sums to 1
    [[0.5, 0.5], [0.2, 0.3]],        # one row sums to 1, not every row
    [[0.0, 0.0, 0.0, 0.0]],          # the zero logits of a fresh model
    [[0.5, 0.5 + 1e-4]],             # sums to 1 + 1e-4: outside the 1e-6 tolerance
])
def test_non_negative_logits_that_are_not_distributions_pass(rows: list) -> None:
    x = torch.tensor(rows, dtype=torch.float64)
    t = torch.zeros(x.shape[0], dtype=torch.long)
    got = losses.cross_entropy(x, t)
    assert float(got) == pytest.approx(float(F.cross_entropy(x, t)), rel=1e-12)


def test_nll_on_log_probabilities_is_the_named_fix() -> None:
    p = _probabilities(5, 4)
    t = torch.tensor([0, 1, 2, 3, 0])
    got = losses.nll(p.log(), t)
    assert float(got) == pytest.approx(float(F.nll_loss(p.log(), t)), rel=1e-12)


def test_keras_cce_from_logits_with_two_class_probabilities_is_refused() -> None:
    # the Keras entry's logits go to the core cross_entropy, whose check covers C = 2
    p = torch.tensor([[0.3, 0.7], [0.9, 0.1]])
    with pytest.raises(InputError, match="must hold logits"):
        losses.keras_categorical_crossentropy(p, torch.tensor([[0.0, 1.0], [1.0, 0.0]]),
                                              from_logits=True)


@pytest.mark.parametrize("x", [
    [[0.6, 0.4], [0.4, 0.6]],        # looks like sigmoid outputs, is a valid logit tensor
    [[0.55, 0.7, 0.9]],
    [[0.0, 1.0]],
])
def test_bce_with_logits_never_refuses_values_in_unit_interval(x: list) -> None:
    # logits in [0, 1] are sigmoid probabilities in [0.5, 0.73]: a weak model's output,
    # so no value pattern is unambiguous and the check is deliberately absent
    xt = torch.tensor(x, dtype=torch.float64)
    t = torch.ones_like(xt)
    got = losses.binary_cross_entropy_with_logits(xt, t)
    want = F.binary_cross_entropy_with_logits(xt, t)
    assert float(got) == pytest.approx(float(want), rel=1e-12)
