"""Tests of the Keras-style front (actloss.lab.keras).

Reference values: float64 cross-entropies computed from logits in the tests
(``log softmax(z) = z - logsumexp(z)``), Glorot-uniform's standard deviation
``sqrt(2 / (fan_in + fan_out))``, and parameter counts by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.testing import assert_close

from actloss.errors import InputError, ParameterError, UnknownNameError
from actloss.lab.data import digits784
from actloss.lab.keras import Activation, Dense, Dropout, Sequential, to_categorical


@pytest.fixture(scope="module")
def digits():
    ds = digits784()
    return (ds.x_train.numpy(), to_categorical(ds.y_train.numpy(), 10),
            ds.x_test.numpy(), to_categorical(ds.y_test.numpy(), 10))


@pytest.mark.slow
def test_source_000_mnist_example_runs_unchanged(digits):
    X_train, y_train, X_test, y_test = digits
    torch.manual_seed(0)
    # ---- the example of source 000, section 6.1, verbatim except for its imports ----
    model = Sequential([Dense(512, input_shape=(784,), activation='relu'),  # 激活函数
                        Dense(256, activation='relu'),
                        Dense(10, activation='softmax')
                        ])
    model.compile(loss='categorical_crossentropy',  # 损失函数
                  optimizer='adam',
                  metrics=['accuracy'])
    history = model.fit(X_train, y_train, epochs=10, batch_size=128, validation_split=0.2)
    # ---- end of the example ----
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 10 for v in history.history.values())
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, acc = model.evaluate(X_test, y_test)
    assert acc > 0.85  # held-out digits; chance is 0.1
    # evaluate's loss is the categorical cross-entropy of predict's probabilities (float64)
    p = torch.from_numpy(model.predict(X_test)).double()
    ref = -(torch.from_numpy(y_test).double() * p.clamp_min(1e-300).log()).sum(1).mean().item()
    assert loss == pytest.approx(ref, rel=1e-4)
    assert_close(p.sum(1), torch.ones(len(p), dtype=torch.float64), rtol=0, atol=1e-5)


def test_validation_split_takes_the_last_fraction():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(50, 3, generator=g)
    y = x.sum(1, keepdim=True)
    torch.manual_seed(0)
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    h = model.fit(x, y, epochs=1, batch_size=10, validation_split=0.2, verbose=0)
    with torch.no_grad():
        ref = ((model(x[40:]).double() - y[40:].double()) ** 2).mean().item()  # float64 MSE
    assert h.history["val_loss"][0] == pytest.approx(ref, rel=1e-5)
    assert h.params["samples"] == 40


def _saturated_softmax_model():
    """Dense(3) + softmax whose logits are z = 60 * x: probabilities round to 0 in float32."""
    model = Sequential([Dense(3, input_shape=(3,), activation="softmax")])
    with torch.no_grad():
        model.layers[0].linear.weight.copy_(60.0 * torch.eye(3))
        model.layers[0].linear.bias.zero_()
    return model


def test_final_softmax_loss_is_computed_from_logits():
    model = _saturated_softmax_model()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    x = torch.eye(3)
    y = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    loss, acc = model.evaluate(x, y)
    # float64 reference from the logits: -z_y + logsumexp(z); rows 0: 60 + log(e^60+2)-60...
    z = 60.0 * torch.eye(3, dtype=torch.float64)
    ref = (-(y.double() * (z - torch.logsumexp(z, 1, keepdim=True))).sum(1)).mean().item()
    assert ref == pytest.approx((60 + math.log1p(2 * math.exp(-60))) * 2 / 3
                                + math.log1p(2 * math.exp(-60)) / 3, rel=1e-12)
    assert loss == pytest.approx(ref, rel=1e-6)  # ~40, not a clipped log(1e-7) ~ 16.1
    assert acc == pytest.approx(1 / 3)  # argmax of row i is i: only the last row is right
    # the probabilities themselves underflow: the loss could not come from them
    assert float(model.predict(x)[0, 1]) < 1e-20


def test_training_from_logits_stays_finite_where_probabilities_round_to_zero():
    model = _saturated_softmax_model()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    x = torch.eye(3).repeat(4, 1)
    y = torch.roll(torch.eye(3), 1, dims=1).repeat(4, 1)  # every label is wrong
    h = model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    assert all(math.isfinite(v) for v in h.history["loss"])
    assert h.history["loss"][-1] < h.history["loss"][0]
    # gradient of the CE from logits is softmax(z) - y: finite and nonzero
    assert torch.isfinite(model.layers[0].linear.weight).all()


def test_final_sigmoid_binary_crossentropy_from_logits():
    model = Sequential([Dense(1, input_shape=(1,), activation="sigmoid")])
    with torch.no_grad():
        model.layers[0].linear.weight.fill_(1.0)
        model.layers[0].linear.bias.zero_()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    x = torch.tensor([[40.0], [-3.0]])
    y = torch.tensor([[0.0], [0.0]])
    loss, acc = model.evaluate(x, y)
    # accuracy thresholds the probability at 0.5, i.e. the logit at 0: z = 0.3 -> class 1
    assert model.evaluate(torch.tensor([[0.3]]), torch.tensor([[1.0]]))[1] == pytest.approx(1.0)
    # -log(1 - sigmoid(z)) = softplus(z) = z + log1p(e^-z) for z = 40 and log1p(e^-3) for -3
    ref = (40.0 + math.log1p(math.exp(-40.0)) + math.log1p(math.exp(-3.0))) / 2
    assert loss == pytest.approx(ref, rel=1e-6)
    assert acc == pytest.approx(0.5)


def test_sparse_categorical_crossentropy_with_integer_labels():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0).astype(np.int64)  # classes 0, 1, 2
    torch.manual_seed(0)
    model = Sequential([Dense(16, input_shape=(4,), activation="relu"),
                        Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  learning_rate=0.01)
    h = model.fit(x, y, epochs=40, batch_size=16, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
    assert model.evaluate(x, y)[1] > 0.85
    probs = model.predict(x)
    assert isinstance(probs, np.ndarray) and probs.shape == (60, 3)
    ref = -np.log(probs[np.arange(60), y].astype(np.float64)).mean()  # CE of probabilities
    loss, _ = model.evaluate(x, y)
    assert loss == pytest.approx(ref, rel=1e-4)


def test_lazy_dense_learns_its_input_size_and_starts_glorot_uniform():
    torch.manual_seed(0)
    layer = Dense(800)
    assert isinstance(layer.linear.weight, nn.parameter.UninitializedParameter)
    layer(torch.zeros(2, 1000))
    w = layer.linear.weight.detach().double()
    assert w.shape == (800, 1000)
    assert w.std().item() == pytest.approx(math.sqrt(2.0 / 1800), rel=0.01)  # Glorot
    bound = math.sqrt(6.0 / 1800)
    assert float(w.abs().max()) <= bound
    assert_close(layer.linear.bias, torch.zeros(800), rtol=0, atol=0)
    model = Sequential([Dense(4, activation="tanh"), Dense(2)])
    assert "?" in model.summary()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((8, 5), np.float32), np.zeros((8, 2), np.float32), verbose=0)
    assert model.layers[0].linear.weight.shape == (4, 5)
    assert "(None, 4)" in model.summary()


def test_summary_counts_parameters():
    model = Sequential([Dense(512, input_shape=(784,), activation="relu"),
                        Dropout(0.2), Dense(256, activation="relu"),
                        Dense(10), Activation("softmax")])
    text = model.summary()
    # 784*512+512 = 401,920; 512*256+256 = 131,328; 256*10+10 = 2,570; total 535,818
    for part in ("401,920", "131,328", "2,570", "Total params: 535,818", "dropout (Dropout)",
                 "dense_2 (Dense)", "activation (Activation)", "(None, 10)"):
        assert part in text, part
    # a final Activation('softmax') layer is also trained from logits
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    assert model._compiled["logits_loss"] is not None


def test_evaluate_without_metrics_returns_a_float_and_predict_keeps_tensors():
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    x, y = torch.randn(5, 3), torch.randn(5, 2)
    loss = model.evaluate(x, y)
    with torch.no_grad():
        ref = ((model(x).double() - y.double()) ** 2).mean().item()
    assert isinstance(loss, float) and loss == pytest.approx(ref, rel=1e-5)
    out = model.predict(x)
    assert isinstance(out, torch.Tensor) and out.shape == (5, 2)


def test_fit_with_validation_data_and_callable_loss():
    x, y = torch.randn(20, 2), torch.randn(20, 1)
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer=lambda p: torch.optim.SGD(p, lr=0.1),
                  loss=lambda out, t: ((out - t) ** 2).mean())
    h = model.fit(x, y, epochs=2, validation_data=(x[:5], y[:5]), verbose=0)
    assert len(h.history["val_loss"]) == 2


def test_to_categorical():
    assert_close(torch.from_numpy(to_categorical(np.array([2, 0]))),
                 torch.tensor([[0.0, 0, 1], [1, 0, 0]]), rtol=0, atol=0)
    with pytest.raises(InputError, match=r"class indices in \[0, 2\); got values from 0 to 3"):
        to_categorical([0, 3], 2)


@pytest.mark.parametrize(("make", "exc", "message"), [
    (lambda: Dense(0), ParameterError, r"`units` of Dense must be an int in \[1, inf\); got 0"),
    (lambda: Dense(3, input_shape=(2, 2)), ParameterError, "`input_shape` of Dense must be a "
                                                           "1-tuple"),
    (lambda: Dropout(1.0), ParameterError, r"`rate` of Dropout must be a float in \[0, 1\)"),
    (lambda: Sequential([Dense(2, input_shape=(2,))]).fit(np.zeros((2, 2)), np.zeros((2, 2))),
     InputError, r"call compile\(optimizer=..., loss=...\) before fit\(\)"),
    (lambda: Sequential([Dense(2, input_shape=(2,))]).compile(loss="categorical_crossentrpy"),
     UnknownNameError, "did you mean"),
    (lambda: Sequential([Dense(2, input_shape=(2,))]).compile(loss="mse", metrics=["acuracy"]),
     UnknownNameError, "unknown metric 'acuracy'; did you mean 'accuracy'"),
    (lambda: Sequential([Dense(2, input_shape=(2,))]).compile(loss=None),
     ParameterError, "`loss` of compile must be a loss name or a callable; got None"),
    (lambda: Sequential(["dense"]), InputError, "`layer` of Sequential.add must be an nn.Module"),
])
def test_errors(make, exc, message):
    with pytest.raises(exc, match=message):
        make()


def test_bad_validation_split():
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ParameterError, match=r"`validation_split` of fit must be a float in "
                                             r"\[0, 1\); got 1.0"):
        model.fit(np.zeros((10, 2)), np.zeros((10, 1)), validation_split=1.0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_keras_model_on_cuda_takes_host_arrays():
    torch.manual_seed(0)
    model = Sequential([Dense(8, input_shape=(4,), activation="relu"),
                        Dense(3, activation="softmax")]).to("cuda")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(32, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    h = model.fit(x, y, epochs=2, verbose=0, validation_split=0.25)
    assert len(h.history["val_accuracy"]) == 2
    assert next(model.parameters()).device.type == "cuda"
    out = model.predict(x)
    assert isinstance(out, np.ndarray) and out.shape == (32, 3)
