"""Per-function tests that hold only values and claims stated in the source articles
(shared/seeds beside the repository), plus the behaviour of the learnable entries (maxout, dynamic ReLU,
the learnable a*relu(x)+b).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from actloss import activations as A
from actloss.activations import DynamicReLU, LearnableReLU, Maxout


# ----------------------------------------------------------------- 002: softmax example
def test_softmax_example_printed_in_002():
    # 002 runs nn.Softmax() on two 4-class score rows and prints (4 decimals):
    # [[0.0059, 0.1184, 0.0008, 0.8749], [0.0000, 0.0025, 0.0000, 0.9975]]
    x = torch.tensor([[-1.0, 2.0, -3.0, 4.0], [-2, 3, -3, 9]])
    printed = torch.tensor([[0.0059, 0.1184, 0.0008, 0.8749], [0.0000, 0.0025, 0.0000, 0.9975]])
    for out in (A.softmax(x), A.get("softmax")(x)):
        torch.testing.assert_close(out, printed, atol=5e-5, rtol=0)  # printed rounding
        torch.testing.assert_close(out.sum(-1), torch.ones(2))


# ------------------------------------------------------------- 002/003: sigmoid, tanh
def test_sigmoid_derivative_is_largest_at_zero_where_it_is_one_quarter():
    # 002: "derivative ... maximum 0.25 (when x = 0)"; 0.25 = sigma(0)(1 - sigma(0)) = 1/2 * 1/2
    x = torch.linspace(-10, 10, 2001, dtype=torch.float64)
    d = A.derivative("sigmoid", x)
    assert d.max().item() == pytest.approx(0.25, abs=1e-15)
    assert x[d.argmax()].item() == pytest.approx(0.0, abs=1e-12)
    assert A.spec("sigmoid").d0 == pytest.approx(0.25)
    # 004's FAQ says the sigmoid gradient "tends to 0 as the input approaches 0"; it is the
    # opposite: the derivative is largest at 0 and vanishes for large |x| (002, 003).
    assert A.derivative("sigmoid", torch.tensor([0.0, 20.0]))[1] < 1e-8


def test_tanh_derivative_is_one_at_zero_and_largest_there():
    # 002: "tanh'(x) = 1 - tanh^2(x), maximum 1 (when x = 0)"
    x = torch.linspace(-10, 10, 2001, dtype=torch.float64)
    d = A.derivative("tanh", x)
    assert d.max().item() == pytest.approx(1.0, abs=1e-15)
    torch.testing.assert_close(d, 1 - torch.tanh(x) ** 2)


def test_tanh_is_odd_and_sigmoid_symmetric_about_half():
    # 002: tanh(-x) = -tanh(x); sigmoid is centrally symmetric about (0, 0.5)
    x = torch.linspace(-8, 8, 161, dtype=torch.float64)
    torch.testing.assert_close(A.tanh(-x), -A.tanh(x))
    torch.testing.assert_close(A.sigmoid(-x), 1 - A.sigmoid(x))


def test_sigmoid_saturation_information_loss_from_002():
    # 002: "inputs 100 and 10000 both give almost exactly 1"
    y = A.sigmoid(torch.tensor([100.0, 10000.0]))
    torch.testing.assert_close(y, torch.ones(2), atol=1e-12, rtol=0)


def test_output_range_table_of_000():
    # 000: Sigmoid (0,1); Tanh (-1,1); Linear (-inf, inf)
    s, t, lin = A.spec("sigmoid"), A.spec("tanh"), A.spec("linear")
    assert (s.output_range.low, s.output_range.high) == (0.0, 1.0)
    assert (t.output_range.low, t.output_range.high) == (-1.0, 1.0)
    assert lin.name == "identity"
    assert math.isinf(lin.output_range.low) and math.isinf(lin.output_range.high)


# ------------------------------------------------------------------------- 000: relu
def test_relu_derivative_of_000():
    # 000: def relu_derivative(x): return 1 if x > 0 else 0
    xs = [-2.0, -1e-9, 0.0, 1e-9, 3.0]
    expected = torch.tensor([1.0 if v > 0 else 0.0 for v in xs])
    torch.testing.assert_close(A.derivative("relu", torch.tensor(xs)), expected)


def test_leaky_relu_uses_the_001_002_slope():
    # 001: F.leaky_relu(x, negative_slope=0.01); 002: alpha is "a small constant like 0.01"
    x = torch.tensor([-3.0, 2.0])
    torch.testing.assert_close(A.leaky_relu(x), torch.tensor([-0.03, 2.0]))


def test_elu_of_003():
    # 003: x if x > 0 else alpha (e^x - 1); at x = -1 with alpha = 1: e^-1 - 1
    torch.testing.assert_close(A.elu(torch.tensor([-1.0], dtype=torch.float64)),
                               torch.tensor([math.exp(-1) - 1], dtype=torch.float64))


# ------------------------------------------------------ 000: learnable a * relu(x) + b
def test_learnable_relu_starts_as_relu_and_is_affine_in_relu():
    m = LearnableReLU()
    x = torch.linspace(-3, 3, 13)
    torch.testing.assert_close(m(x), torch.relu(x))  # 000: a initialised to ones, b to zeros
    with torch.no_grad():
        m.a.fill_(2.0)
        m.b.fill_(-0.5)
    torch.testing.assert_close(m(x), 2.0 * torch.relu(x) - 0.5)
    torch.testing.assert_close(A.learnable_relu(x, a=2.0, b=-0.5), 2.0 * torch.relu(x) - 0.5)


def test_learnable_relu_fits_a_scaled_shifted_relu():
    # Gradient descent recovers a and b of y = 3 relu(x) + 1 (d/da = relu(x), d/db = 1).
    torch.manual_seed(0)
    m = LearnableReLU()
    x = torch.randn(256)
    y = 3 * torch.relu(x) + 1
    opt = torch.optim.SGD(m.parameters(), lr=0.3)
    for _ in range(300):
        opt.zero_grad()
        ((m(x) - y) ** 2).mean().backward()
        opt.step()
    assert m.a.item() == pytest.approx(3.0, abs=1e-3)
    assert m.b.item() == pytest.approx(1.0, abs=1e-3)


# -------------------------------------------------------------------------- 003: maxout
def test_maxout_equals_the_max_of_its_linear_pieces():
    # 003: h(x) = max_j (w_j^T x + b_j)
    torch.manual_seed(0)
    m = Maxout(5, 3, k=4)
    x = torch.randn(7, 5, dtype=torch.float64)
    m = m.double()
    w = m.linear.weight.view(3, 4, 5)
    b = m.linear.bias.view(3, 4)
    pieces = torch.einsum("okj,nj->nok", w, x) + b  # every piece written out
    torch.testing.assert_close(m(x), pieces.max(-1).values)
    torch.testing.assert_close(m.pieces(x), pieces)


def test_maxout_represents_relu_and_abs_as_convex_pieces():
    # 003: maxout is piecewise linear and convex; relu = max(0, x), |x| = max(x, -x).
    m = Maxout(1, 2, k=2, bias=False)
    with torch.no_grad():
        m.linear.weight.copy_(torch.tensor([[0.0], [1.0], [1.0], [-1.0]]))
    x = torch.linspace(-2, 2, 9).unsqueeze(1)
    y = m(x)
    torch.testing.assert_close(y[:, 0], torch.relu(x[:, 0]))
    torch.testing.assert_close(y[:, 1], x[:, 0].abs())


def test_functional_maxout_groups_consecutive_entries():
    x = torch.tensor([[1.0, 3.0, -2.0, -5.0, 0.5, 0.25]])
    torch.testing.assert_close(A.maxout(x, k=2), torch.tensor([[3.0, -2.0, 0.5]]))
    torch.testing.assert_close(A.maxout(x, k=3), torch.tensor([[3.0, 0.5]]))
    torch.testing.assert_close(A.maxout(x.T, k=3, dim=0), torch.tensor([[3.0], [0.5]]))


# ----------------------------------------------------------- 000: attention activation
def _dyrelu(channels=6, seed=0):
    torch.manual_seed(seed)
    return DynamicReLU(channels, reduction=2, k=2).double()


def test_dynamic_relu_with_zero_residual_is_relu():
    # a^1 = 1, a^2 = 0, b = 0 when the hyper-function's output layer is zero: max(x, 0).
    m = _dyrelu()
    with torch.no_grad():
        m.fc2.weight.zero_()
        m.fc2.bias.zero_()
    x = torch.randn(4, 6, 3, 3, dtype=torch.float64)
    torch.testing.assert_close(m(x), torch.relu(x))


def test_dynamic_relu_is_the_max_of_its_input_dependent_pieces():
    m = _dyrelu()
    x = torch.randn(4, 6, 5, dtype=torch.float64)
    a, b = m.coefficients(x)
    assert a.shape == b.shape == (4, 6, 2)
    expected = torch.empty_like(x)
    for n in range(4):
        for c in range(6):
            lines = [a[n, c, k] * x[n, c] + b[n, c, k] for k in range(2)]
            expected[n, c] = torch.maximum(lines[0], lines[1])
    torch.testing.assert_close(m(x), expected)
    # residuals stay within lambda_a = 1 and lambda_b = 0.5 of (alpha, beta) = (1, 0; 0, 0)
    assert (a[..., 0] - 1).abs().max() < 1.0 and a[..., 1].abs().max() < 1.0
    assert b.abs().max() < 0.5


def test_dynamic_relu_threshold_adapts_to_the_input():
    # Two inputs with different global context get different coefficients, so the same
    # value x = -0.3 in the same channel is activated differently.
    m = _dyrelu()
    ctx1 = torch.full((1, 6, 4), -2.0, dtype=torch.float64)
    ctx2 = torch.full((1, 6, 4), 2.0, dtype=torch.float64)
    a1, b1 = m.coefficients(ctx1)
    a2, b2 = m.coefficients(ctx2)
    assert (a1 - a2).abs().max() > 1e-3 or (b1 - b2).abs().max() > 1e-3
    probe1, probe2 = ctx1.clone(), ctx2.clone()
    probe1[0, :, 0] = -0.3
    probe2[0, :, 0] = -0.3
    assert (m(probe1)[0, :, 0] - m(probe2)[0, :, 0]).abs().max() > 1e-4


def test_dynamic_relu_accepts_n_c_and_images_and_trains():
    m = DynamicReLU(8)
    for shape in [(3, 8), (3, 8, 5), (2, 8, 4, 4)]:
        assert m(torch.randn(shape)).shape == shape
    assert "channels=8" in repr(m)
    x = torch.randn(16, 8)
    target = torch.relu(x) * 0.5 + 0.1
    opt = torch.optim.Adam(m.parameters(), lr=1e-2)
    first = None
    for _ in range(60):
        opt.zero_grad()
        loss = ((m(x) - target) ** 2).mean()
        first = loss.item() if first is None else first
        loss.backward()
        opt.step()
    assert loss.item() < 0.5 * first


def test_dynamic_relu_closed_form_vjp_matches_autograd_for_fixed_coefficients():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(3, 4, 5, dtype=torch.float64, generator=g, requires_grad=True)
    a = torch.randn(3, 4, 2, dtype=torch.float64, generator=g)
    b = torch.randn(3, 4, 2, dtype=torch.float64, generator=g)
    y = A.dynamic_relu(x, a=a, b=b)
    r = torch.randn(y.shape, dtype=torch.float64, generator=g)
    (grad,) = torch.autograd.grad(y, x, r)
    torch.testing.assert_close(A.vjp("dynamic_relu", x.detach(), r, a=a, b=b), grad)


# -------------------------------------------------------------------- swiglu / swish
def test_swiglu_layer_is_silu_gate_times_value():
    torch.manual_seed(0)
    layer = A.SwiGLU(4, 6, out=3)
    x = torch.randn(5, 4)
    h = layer.proj_in(x)
    a, v = h[:, :6], h[:, 6:]
    torch.testing.assert_close(layer(x), layer.proj_out(a * torch.sigmoid(a) * v))


def test_silu_beta_and_swish_beta_interpolate_between_linear_and_relu():
    # Ramachandran et al.: beta = 0 gives x/2; beta -> inf approaches relu.
    x = torch.linspace(-3, 3, 13, dtype=torch.float64)
    torch.testing.assert_close(A.silu(x, beta=0.0), x / 2)
    torch.testing.assert_close(A.swish_beta(x, beta=50.0), torch.relu(x), atol=1e-3, rtol=0)
    torch.testing.assert_close(A.silu(x, beta=2.0), A.swish_beta(x, beta=2.0))


def test_prelu_module_per_channel_slopes():
    m = A.get("prelu", num_parameters=3)
    with torch.no_grad():
        m.weight.copy_(torch.tensor([0.1, 0.2, 0.3]))
    x = -torch.ones(2, 3, 4)
    expected = -torch.tensor([0.1, 0.2, 0.3]).view(1, 3, 1).expand(2, 3, 4)
    torch.testing.assert_close(m(x), expected)
    torch.testing.assert_close(m(x), torch.nn.functional.prelu(x, m.weight))


def test_sparsemax_gives_exact_zeros_and_sums_to_one():
    # Martins and Astudillo (2016), worked by hand: z = (1, 0.5, -2): tau = 0.25, so
    # p = (0.75, 0.25, 0).
    p = A.sparsemax(torch.tensor([[1.0, 0.5, -2.0]], dtype=torch.float64))
    torch.testing.assert_close(p, torch.tensor([[0.75, 0.25, 0.0]], dtype=torch.float64))
    q = A.sparsemax(torch.randn(10, 7, dtype=torch.float64) * 3)
    torch.testing.assert_close(q.sum(-1), torch.ones(10, dtype=torch.float64))
    assert (q == 0).any()


def test_log_softmax_is_log_of_softmax_without_underflow():
    x = torch.tensor([0.0, 200.0], dtype=torch.float32)
    y = A.log_softmax(x)
    assert y[0].item() == pytest.approx(-200.0)  # log(softmax) would be log(0) = -inf
    assert np.isfinite(y.numpy()).all()


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin", "sparsemax"])
def test_vector_entries_are_shift_invariant(name):
    # softmax(x + c) = softmax(x): e^{x_i + c} / sum_j e^{x_j + c}; the same for softmin and
    # sparsemax (tau(x + c) = tau(x) + c); log_softmax(x + c) = log_softmax(x).
    x = torch.randn(5, 6, dtype=torch.float64)
    fn = A.spec(name).fn
    torch.testing.assert_close(fn(x + 123.0), fn(x))
    torch.testing.assert_close(fn(x.T, dim=0), fn(x).T)
