"""Tests of actloss.lab.models and actloss.lab.train.

Reference values: initialisation standard deviations from their defining formulas
(He: sqrt(2 / fan_in); Glorot: sqrt(2 / (fan_in + fan_out)); LeCun: sqrt(1 / fan_in));
least squares in float64 numpy for the y = 2x + 3 example; metrics recomputed with
scikit-learn and plain torch ops.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from actloss.errors import InputError, ParameterError, UnknownNameError
from actloss.lab import Callback, EarlyStopping, TrainState, fit, load, mlp
from actloss.lab import train as T
from actloss.lab.models import init_linear

# ------------------------------------------------------------------ initialisation

FAN_IN, FAN_OUT = 1000, 800  # 800k weights: the sample std is within ~0.1% of sigma


def _layer_std(scheme, activation=None):
    torch.manual_seed(0)
    layer = nn.Linear(FAN_IN, FAN_OUT)
    init_linear(layer, scheme, activation=activation)
    return layer.weight.double().std().item(), layer


@pytest.mark.parametrize(("scheme", "expected"), [
    ("he", math.sqrt(2.0 / FAN_IN)),
    ("xavier", math.sqrt(2.0 / (FAN_IN + FAN_OUT))),
    ("lecun", math.sqrt(1.0 / FAN_IN)),
    # uniform(-b, b) has std b / sqrt(3), b = sqrt(6 / fan_in) / 30
    ("siren", math.sqrt(6.0 / FAN_IN) / 30 / math.sqrt(3)),
])
def test_init_std_matches_the_formula(scheme, expected):
    std, _ = _layer_std(scheme)
    assert std == pytest.approx(expected, rel=0.01)


def test_he_init_matches_the_leaky_slope():
    from actloss import activations

    std, _ = _layer_std("he", activations.get("leaky_relu", negative_slope=0.2))
    assert std == pytest.approx(math.sqrt(2.0 / (1 + 0.2**2) / FAN_IN), rel=0.01)


def test_mlp_auto_init_follows_the_activation_metadata():
    from actloss import activations

    expected = {"relu": math.sqrt(2.0 / FAN_IN), "tanh": math.sqrt(2.0 / (FAN_IN + FAN_OUT)),
                "selu": math.sqrt(1.0 / FAN_IN)}
    for name, sigma in expected.items():
        assert activations.spec(name).init in ("he", "xavier", "lecun")
        net = mlp([FAN_IN, FAN_OUT, 3], activation=name, seed=0)
        assert net[0].weight.double().std().item() == pytest.approx(sigma, rel=0.01), name


def test_mlp_sine_activation_gets_siren_init():
    net = mlp([2, FAN_IN, FAN_OUT, 1], activation="sine", seed=0)
    first, hidden = net[0].weight.detach().double(), net[2].weight.detach().double()
    # first layer U(-1/fan_in, 1/fan_in) with fan_in = 2; hidden U(-b, b), b = sqrt(6/fan_in)/w0
    assert float(first.abs().max()) <= 0.5
    b = math.sqrt(6.0 / FAN_IN) / 30.0
    assert float(hidden.abs().max()) <= b
    assert hidden.std().item() == pytest.approx(b / math.sqrt(3), rel=0.01)


def test_mlp_auto_init_reads_torch_modules_through_the_catalog():
    net = mlp([FAN_IN, FAN_OUT, 2], activation=nn.ReLU(), seed=0)
    assert net[0].weight.double().std().item() == pytest.approx(math.sqrt(2 / FAN_IN), rel=0.01)


def test_mlp_structure_bias_init_and_seed():
    a = mlp([4, 16, 8, 3], activation="relu", output_activation="softmax", bias_init=0.1, seed=7)
    b = mlp([4, 16, 8, 3], activation="relu", output_activation="softmax", bias_init=0.1, seed=7)
    assert [type(m).__name__ for m in a][::2] == ["Linear", "Linear", "Linear"]
    assert len(a) == 6
    assert_close(a[0].bias, torch.full((16,), 0.1), rtol=0, atol=0)
    assert_close(a[2].weight, b[2].weight, rtol=0, atol=0)
    out = a(torch.randn(5, 4))
    assert_close(out.sum(1), torch.ones(5), rtol=0, atol=1e-6)  # softmax rows sum to 1
    lin = mlp([3, 2], activation="relu", init="default")
    assert len(lin) == 1  # no output activation: one Linear


def test_mlp_learnable_activation_modules_are_not_shared():
    net = mlp([2, 4, 4, 1], activation=nn.PReLU())
    assert net[1].weight is not net[3].weight


@pytest.mark.parametrize(("kwargs", "exc", "message"), [
    ({"sizes": [4]}, ParameterError, "`sizes` of mlp must be a sequence of at least two"),
    ({"sizes": [4, 0]}, ParameterError, r"`sizes` of mlp must be an int in \[1, inf\); got 0"),
    ({"sizes": [4, 2], "init": "glorot"}, ParameterError, "`init` of mlp must be one of 'auto'"),
    ({"sizes": [4, 2], "activation": 3}, ParameterError, "`activation` of mlp must be a name"),
    ({"sizes": [4, 2], "activation": "rleu"}, UnknownNameError, "did you mean 'relu'"),
])
def test_mlp_errors(kwargs, exc, message):
    sizes = kwargs.pop("sizes")
    kwargs.setdefault("output_activation", kwargs.pop("activation", None))
    with pytest.raises(exc, match=message):
        mlp(sizes, activation="relu", **kwargs)


# ------------------------------------------------------------------ the loop


def _digits_model(seed=0):
    return mlp([64, 32, 10], activation="relu", seed=seed)


@pytest.mark.slow
def test_fit_learns_digits_and_reports_keras_style_history():
    ds = load("digits")
    h = fit(_digits_model(), "cross_entropy", ds, epochs=4, batch_size=64, lr=0.01,
            metrics=["accuracy"], progress=False)
    assert list(h.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(v) == 4 for v in h.history.values()) and h.epoch == [0, 1, 2, 3]
    assert h.history["loss"][-1] < h.history["loss"][0]
    assert h.last("val_accuracy") > 0.85  # chance is 0.1
    # the reported val accuracy is the accuracy of the final model on the test split
    with torch.no_grad():
        pred = h.model(ds.x_test).argmax(1)
    from sklearn.metrics import accuracy_score

    assert h.last("val_accuracy") == pytest.approx(accuracy_score(ds.y_test, pred), abs=1e-6)
    ref_loss = F.cross_entropy(h.model(ds.x_test), ds.y_test).item()
    assert h.last("val_loss") == pytest.approx(ref_loss, rel=1e-5)


def test_same_seed_gives_an_identical_history_and_weights():
    ds = load("moons")
    runs = []
    for _ in range(2):
        model = mlp([2, 16, 1], activation="tanh", seed=1)
        model.insert(1, nn.Dropout(0.2))  # randomness inside the model too
        h = fit(model, "binary_cross_entropy_with_logits", ds, epochs=3, batch_size=16,
                metrics=["accuracy"], seed=5, progress=False)
        runs.append((h, model))
    (h1, m1), (h2, m2) = runs
    for key in h1.history:  # exact equality stated as zero tolerance
        assert_close(torch.tensor(h1.history[key]), torch.tensor(h2.history[key]), rtol=0, atol=0)
    assert_close(m1[0].weight, m2[0].weight, rtol=0, atol=0)
    model = mlp([2, 16, 1], activation="tanh", seed=1)
    h3 = fit(model, "binary_cross_entropy_with_logits", ds, epochs=3, batch_size=16, seed=6,
             progress=False)
    assert h3.history["loss"] != h1.history["loss"]


def test_fit_leaves_the_global_generator_alone():
    model, x, y = nn.Linear(2, 1), torch.randn(8, 2), torch.randn(8, 1)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    fit(model, F.mse_loss, (x, y), epochs=1, progress=False)
    assert_close(torch.rand(3), expected, rtol=0, atol=0)


class Recorder(Callback):
    def __init__(self):
        self.calls = []

    def on_train_begin(self, s):
        self.calls.append("train_begin")

    def on_epoch_begin(self, s):
        self.calls.append(f"epoch_begin{s.epoch}")

    def on_after_backward(self, s):
        # gradients exist and the step has not been taken yet
        assert all(p.grad is not None for p in s.model.parameters())
        self.calls.append(f"after_backward{s.epoch}.{s.batch}")

    def on_batch_end(self, s):
        assert s.loss is not None and s.loss.dim() == 0 and not s.loss.requires_grad
        self.calls.append(f"batch_end{s.epoch}.{s.batch}@{s.step}")

    def on_epoch_end(self, s):
        assert "loss" in s.logs and "val_loss" in s.logs
        self.calls.append(f"epoch_end{s.epoch}")

    def on_train_end(self, s):
        self.calls.append("train_end")


def test_callbacks_are_called_in_order():
    rec = Recorder()
    x, y = torch.randn(8, 3), torch.randn(8, 1)
    fit(nn.Linear(3, 1), F.mse_loss, (x, y), epochs=2, batch_size=4, callbacks=[rec],
        validation=(x, y), progress=False)
    assert rec.calls == [
        "train_begin",
        "epoch_begin0", "after_backward0.0", "batch_end0.0@1", "after_backward0.1",
        "batch_end0.1@2", "epoch_end0",
        "epoch_begin1", "after_backward1.0", "batch_end1.0@3", "after_backward1.1",
        "batch_end1.1@4", "epoch_end1",
        "train_end",
    ]


class StopAt(Callback):
    def __init__(self, epoch, batch=None):
        self.epoch, self.batch, self.ended = epoch, batch, False

    def on_batch_end(self, s):
        if self.batch is not None and s.epoch == self.epoch and s.batch == self.batch:
            s.stop_training = True

    def on_epoch_end(self, s):
        if self.batch is None and s.epoch == self.epoch:
            s.stop_training = True

    def on_train_end(self, s):
        self.ended = True


def test_stop_training_ends_after_the_epoch():
    cb = StopAt(1)
    h = fit(nn.Linear(3, 1), F.mse_loss, (torch.randn(16, 3), torch.randn(16, 1)), epochs=10,
            batch_size=4, callbacks=[cb], progress=False)
    assert len(h.history["loss"]) == 2 and h.stopped_early and cb.ended


def test_stop_training_inside_an_epoch_stops_at_that_batch():
    steps = []

    class Count(Callback):
        def on_batch_end(self, s):
            steps.append(s.step)

    h = fit(nn.Linear(3, 1), F.mse_loss, (torch.randn(16, 3), torch.randn(16, 1)), epochs=10,
            batch_size=4, callbacks=[StopAt(0, batch=1), Count()], progress=False)
    assert steps == [1, 2] and len(h.history["loss"]) == 1 and h.stopped_early


def test_early_stopping_counts_patience_and_restores_the_best_weights():
    model = nn.Linear(1, 1)
    es = EarlyStopping("val_loss", patience=1, restore_best=True)
    state = TrainState(model=model)
    es.on_train_begin(state)
    for epoch, value in enumerate([1.0, 0.5, 0.7, 0.6, 0.8]):
        with torch.no_grad():
            model.weight.fill_(float(epoch))
        state.epoch, state.logs = epoch, {"val_loss": value}
        es.on_epoch_end(state)
        if state.stop_training:
            break
    assert epoch == 3 and es.best_epoch == 1  # 0.7 and 0.6 did not beat 0.5: patience 1
    es.on_train_end(state)
    assert model.weight.item() == pytest.approx(1.0)  # the weights of epoch 1


def test_early_stopping_in_fit_and_its_errors():
    ds = load("iris")
    h = fit(mlp([4, 8, 3], seed=0), "cross_entropy", ds, epochs=200, batch_size=16,
            lr=0.05, callbacks=[EarlyStopping(patience=2, min_delta=0.5)], progress=False)
    assert h.stopped_early and len(h.history["loss"]) < 200
    with pytest.raises(InputError, match="EarlyStopping monitors 'val_acc'"):
        fit(nn.Linear(4, 3), "cross_entropy", ds, epochs=1,
            callbacks=[EarlyStopping("val_acc")], progress=False)
    with pytest.raises(ParameterError, match=r"`patience` of EarlyStopping must be an int"):
        EarlyStopping(patience=-1)


@pytest.mark.slow
def test_line_example_recovers_weight_2_and_bias_3():
    """Source 001, section 4.1: nn.Linear(1, 1), MSE, SGD lr=0.01, 1000 full-batch steps."""
    ds = load("line", n_samples=100, test_size=0.2)
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    fit(model, "mse", (ds.x_train, ds.y_train), epochs=1000, batch_size=80, optimizer="sgd",
        lr=0.01, progress=False)
    w, b = model.weight.item(), model.bias.item()
    x = ds.x_train.double().numpy()[:, 0]
    y = ds.y_train.double().numpy()[:, 0]
    A = np.stack([x, np.ones_like(x)], 1)
    (w_ols, b_ols), *_ = np.linalg.lstsq(A, y, rcond=None)  # float64 least squares
    # gradient descent has converged to the least-squares solution: the slowest mode
    # contracts by (1 - 2 lr) per step, 0.98**1000 ~ 2e-9
    assert w == pytest.approx(w_ols, abs=1e-4) and b == pytest.approx(b_ols, abs=1e-3)
    # and that solution is 2 and 3 within 4 standard errors from the noise (sigma = 1):
    # se(w) = 1 / sqrt(sum (x - mean)^2), se(b) ~ 1 / sqrt(n)
    se_w = 1.0 / math.sqrt(((x - x.mean()) ** 2).sum())
    se_b = math.sqrt(1.0 / len(x) + x.mean() ** 2 / ((x - x.mean()) ** 2).sum())
    assert abs(w - 2.0) < 4 * se_w and abs(b - 3.0) < 4 * se_b


@pytest.mark.slow
def test_sigmoid_bce_example_reaches_high_accuracy_on_a_separable_set():
    """Source 001, section 4.2: Linear(5, 1) + sigmoid + F.binary_cross_entropy, SGD 0.01,
    on labels that a hyperplane separates (the source's labels were random)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(300, 5, generator=g)
    w_true = torch.tensor([1.0, -2.0, 0.5, 1.5, -1.0])
    y = (x @ w_true > 0).long()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 1), nn.Sigmoid())
    h = fit(model, F.binary_cross_entropy, (x[:200], y[:200]), epochs=1000, batch_size=200,
            optimizer="sgd", lr=0.1, metrics=["accuracy"], validation=(x[200:], y[200:]),
            progress=False)
    assert h.last("accuracy") >= 0.95 and h.last("val_accuracy") >= 0.93
    # the accuracy threshold for probability outputs is 0.5 (a sigmoid ends the model)
    with torch.no_grad():
        acc = ((model(x[200:]).squeeze(1) > 0.5).long() == y[200:]).double().mean().item()
    assert h.last("val_accuracy") == pytest.approx(acc, abs=1e-9)


# ------------------------------------------------------------------ metrics and plumbing


def test_regression_metrics_match_independent_formulas():
    from sklearn.metrics import r2_score

    ds = load("diabetes")
    model = mlp([10, 16, 1], seed=0)
    h = fit(model, "mse", ds, epochs=3, batch_size=32, metrics=["mse", "mae", "r2"],
            progress=False)
    with torch.no_grad():
        pred = model(ds.x_test).double()
    y = ds.y_test.double()
    assert h.last("val_mse") == pytest.approx(((pred - y) ** 2).mean().item(), rel=1e-5)
    assert h.last("val_mae") == pytest.approx((pred - y).abs().mean().item(), rel=1e-5)
    assert h.last("val_r2") == pytest.approx(r2_score(y.numpy(), pred.numpy()), abs=1e-5)
    assert h.last("val_loss") == pytest.approx(h.last("val_mse"), rel=1e-5)


def test_binary_accuracy_thresholds_logits_at_zero():
    # outputs are logits: 0.3 and -0.2 predict 1 and 0; targets 1 and 1 -> accuracy 0.5
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(1.0)
        model.bias.zero_()
    x, y = torch.tensor([[0.3], [-0.2]]), torch.tensor([1, 1])
    logs = T.evaluate(model, "binary_cross_entropy_with_logits", x, y, metrics=["accuracy"])
    assert logs["accuracy"] == pytest.approx(0.5)
    # log(1 + e^-0.3) and log(1 + e^0.2), averaged (BCE with logits, by hand)
    ref = (math.log1p(math.exp(-0.3)) + math.log1p(math.exp(0.2))) / 2
    assert logs["loss"] == pytest.approx(ref, rel=1e-6)


def test_accuracy_of_two_logit_binary_models_uses_argmax():
    out = torch.tensor([[2.0, -1.0], [0.1, 0.4], [1.0, 3.0]])
    y = torch.tensor([0, 0, 1])  # argmax 0, 1, 1: two right
    stats = T.METRICS.spec("accuracy").stats(out, y, "binary", 0.0)
    assert stats.tolist() == pytest.approx([2.0, 3.0])


def test_multilabel_accuracy_is_per_label():
    out = torch.tensor([[2.0, -1.0, 0.5], [-3.0, 1.0, -0.5]])  # logits
    y = torch.tensor([[1, 0, 0], [0, 0, 0]])
    stats = T.METRICS.spec("accuracy").stats(out, y.float(), "multilabel", 0.0)
    assert stats.tolist() == pytest.approx([4.0, 6.0])  # 4 of 6 labels right


def test_infer_task_and_match_target():
    out2 = torch.zeros(4, 3)
    assert T.infer_task(out2, torch.tensor([0, 1, 2, 0])) == "multiclass"
    assert T.infer_task(out2, torch.eye(3)[[0, 1, 2, 0]]) == "multiclass"
    assert T.infer_task(out2, torch.tensor([[1.0, 1, 0]] * 4)) == "multilabel"
    assert T.infer_task(torch.zeros(4, 1), torch.tensor([0, 1, 1, 0])) == "binary"
    assert T.infer_task(torch.zeros(4, 1), torch.randn(4, 1) + 5) == "regression"
    t = T.match_target(torch.zeros(4, 1), torch.tensor([0, 1, 1, 0]))
    assert t.dtype == torch.float32 and t.shape == (4, 1)
    # float (N,) regression targets for an (N, 1) output: (N, 1), not an (N, N) broadcast
    assert T.match_target(torch.zeros(4, 1), torch.arange(4.0)).shape == (4, 1)
    idx = torch.tensor([0, 2, 1, 0])
    assert T.match_target(out2, idx) is idx  # class indices stay int64


@pytest.mark.slow
def test_bfloat16_model_trains_and_counts_exactly():
    ds = load("iris")
    model = mlp([4, 16, 3], seed=0).to(torch.bfloat16)
    data = (ds.x_train.to(torch.bfloat16), ds.y_train)
    val = (ds.x_test.to(torch.bfloat16), ds.y_test)
    h = fit(model, F.cross_entropy, data, epochs=20, batch_size=16, lr=0.01,
            metrics=["accuracy"], validation=val, progress=False)
    assert all(math.isfinite(v) for v in h.history["loss"])
    assert h.history["loss"][-1] < h.history["loss"][0]
    with torch.no_grad():
        right = int((model(val[0]).argmax(1) == val[1]).sum())
    # 38 test samples: the accuracy is an exact fraction k / 38 (bf16 would round counts)
    assert h.last("val_accuracy") == pytest.approx(right / 38, abs=1e-12)


def test_validation_fraction_takes_the_last_samples():
    x = torch.randn(50, 2)
    y = x.sum(1, keepdim=True)
    model = nn.Linear(2, 1)
    h = fit(model, F.mse_loss, (x, y), epochs=1, batch_size=8, validation=0.2, progress=False)
    assert h.params["samples"] == 40
    with torch.no_grad():
        ref = F.mse_loss(model(x[40:]), y[40:]).item()
    assert h.last("val_loss") == pytest.approx(ref, rel=1e-6)


def test_numpy_inputs_and_validation_pair():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3))  # float64 numpy becomes float32
    y = rng.integers(0, 2, size=32)
    h = fit(nn.Linear(3, 1), "binary_cross_entropy_with_logits", (x, y), epochs=2,
            validation=(x[:8], y[:8]), metrics=["acc"], progress=False)
    assert "val_accuracy" in h.history


def test_progress_bar_only_when_asked_or_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setenv("CI", "1")
    assert T._want_progress(None) is False
    monkeypatch.delenv("CI")
    assert T._want_progress(True) is True and T._want_progress(False) is False
    fit(nn.Linear(2, 1), F.mse_loss, (torch.randn(8, 2), torch.randn(8, 1)), epochs=2,
        progress=True)
    assert capsys.readouterr().out == ""  # library output never goes to stdout


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad"])
def test_every_optimizer_trains(name):
    x = torch.randn(64, 2)
    y = x @ torch.tensor([[1.0], [-1.0]])
    torch.manual_seed(0)
    h = fit(nn.Linear(2, 1), F.mse_loss, (x, y), epochs=5, batch_size=16, optimizer=name,
            progress=False)
    assert h.history["loss"][-1] < h.history["loss"][0]


def test_optimizer_defaults_and_instances():
    p = nn.Linear(2, 1).parameters()
    opt = T.make_optimizer("adamw", p, lr=0.02)
    assert isinstance(opt, torch.optim.AdamW) and opt.defaults["lr"] == pytest.approx(0.02)
    model = nn.Linear(2, 1)
    mine = torch.optim.SGD(model.parameters(), lr=0.3)
    h = fit(model, F.mse_loss, (torch.randn(4, 2), torch.randn(4, 1)), optimizer=mine,
            epochs=1, progress=False)
    assert h.params["optimizer"] == "SGD" and h.params["lr"] == pytest.approx(0.3)


def test_lazy_modules_are_materialised_before_the_optimizer():
    model = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.Linear(4, 1))
    h = fit(model, F.mse_loss, (torch.randn(16, 5), torch.randn(16, 1)), epochs=2,
            progress=False)
    assert model[0].weight.shape == (4, 5) and len(h.history["loss"]) == 2


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_fit_on_cuda_keeps_everything_on_the_device():
    ds = load("digits")
    model = _digits_model()
    h = fit(model, "cross_entropy", ds, epochs=2, metrics=["accuracy"], device="cuda",
            progress=False)
    assert next(model.parameters()).device.type == "cuda" and h.last("val_accuracy") > 0.5


@pytest.mark.parametrize(("kwargs", "exc", "message"), [
    ({"optimizer": "adm"}, UnknownNameError, "unknown optimizer 'adm'; did you mean 'adam'"),
    ({"lr": -1.0}, ParameterError, r"`lr` of fit must be a float in \(0, inf\); got -1.0"),
    ({"epochs": 0}, ParameterError, r"`epochs` of fit must be an int in \[1, inf\); got 0"),
    ({"batch_size": 2.5}, ParameterError, r"`batch_size` of fit must be an int"),
    ({"seed": -3}, ParameterError, r"`seed` of fit must be an int in \[0, inf\); got -3"),
    ({"metrics": ["acuracy"]}, UnknownNameError, "did you mean 'accuracy'"),
    ({"validation": 1.5}, ParameterError, r"`validation` of fit must be a float in \(0, 1\)"),
    ({"validation": 0.01}, InputError, "leaves 0 for validation"),
    ({"task": "ranking"}, ParameterError, "`task` of fit must be one of 'binary'"),
    ({"optimizer": 3}, ParameterError, "`optimizer` of fit must be a name"),
    ({"loss": 3}, ParameterError, "`loss` of fit must be a loss name or a callable; got int"),
    ({"loss": "msee"}, UnknownNameError, "unknown loss 'msee'"),
    ({"data": (torch.zeros(4, 2), torch.zeros(3, 1))}, InputError, "has 4 inputs but 3 targets"),
    ({"data": torch.zeros(4, 2)}, InputError, "must be a Dataset or an"),
    ({"data": (np.array(["a", "b"]), np.zeros(2))}, InputError, "must hold numbers"),
    ({"model": "mlp"}, InputError, "`model` of fit must be a torch.nn.Module; got str"),
])
def test_fit_errors(kwargs, exc, message):
    args = {"model": nn.Linear(2, 1), "loss": F.mse_loss,
            "data": (torch.zeros(20, 2), torch.zeros(20, 1))}
    args.update({k: kwargs.pop(k) for k in ("model", "loss", "data") if k in kwargs})
    with pytest.raises(exc, match=message):
        fit(args["model"], args["loss"], args["data"], progress=False, **kwargs)


def test_history_errors_and_json():
    h = T.History(history={"loss": [1.0, 0.5]}, epoch=[0, 1])
    import json

    assert json.loads(json.dumps(h.to_json()))["history"]["loss"] == pytest.approx([1.0, 0.5])
    assert h.best("loss") == pytest.approx(0.5) and h.best("loss", "max") == pytest.approx(1.0)
    with pytest.raises(InputError, match=r"history has no values for 'val_loss' \(its keys: "
                                         r"loss\)"):
        h.last("val_loss")
