"""The lab experiments: the framework, each experiment's claim in quick mode, the rules.

The quick results come from one session fixture (``quick_results`` in conftest.py), so
each experiment runs once. Thresholds below were set after measuring the quick runs
(seed 0) and leave a margin; where a number has an independent reference (autograd,
least squares, SciPy, a hand derivation), the test compares against it.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from actloss.errors import ParameterError, UnknownNameError
from actloss.lab import experiments as E
from actloss.lab.experiments import (
    backprop_by_hand,
    dying_relu,
    gan_losses,
    imbalance,
    linear_collapse,
    pairing_matrix,
    quantile,
    vanishing_gradients,
    zero_centred,
)
from actloss.lab.experiments._base import Verdict

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lab")]

ALL = ["linear-collapse", "vanishing-gradients", "dying-relu", "zero-centred",
       "activation-shootout", "pairing-matrix", "loss-robustness", "imbalance", "quantile",
       "source-examples", "advice-check", "gan-losses", "transformer-block", "backprop-by-hand"]


# ----------------------------------------------------------------------------- framework


def test_every_experiment_is_registered_in_report_order():
    assert E.names() == ALL


@pytest.mark.parametrize("name", ALL)
def test_metadata_is_complete(name):
    exp = E.get(name)
    assert exp.title and exp.title_zh and exp.summary and exp.summary_zh
    assert exp.claims
    for c in exp.claims:
        assert c.source.endswith(".txt") and c.source[:3] in {"000", "001", "002", "003", "004"}
        assert c.zh and c.en
    full, quick = exp.config(), exp.config(quick=True)
    assert full.seed == 0 and quick.seed == 0
    assert set(exp.quick) <= set(vars(full))
    js = exp.to_json()
    assert js["name"] == name and {s["name"] for s in js["settings"]} == set(vars(full))


def test_lookup_is_forgiving_and_unknown_names_suggest():
    assert E.get("Linear_Collapse").name == "linear-collapse"
    with pytest.raises(UnknownNameError, match=r"unknown experiment 'zero-center'; did you mean "
                                               r"'zero-centred'\?"):
        E.get("zero-center")
    with pytest.raises(UnknownNameError, match="experiment name must be a str; got int"):
        E.get(3)


def test_set_overrides_are_parsed_and_validated():
    exp = E.get("vanishing-gradients")
    cfg = exp.config(quick=True, seed=7, overrides=E.parse_sets(
        ["depths=3,4", "activations=relu,sigmoid", "width=8"]))
    assert cfg.depths == (3, 4) and cfg.activations == ("relu", "sigmoid")
    assert cfg.width == 8 and cfg.seed == 7
    assert exp.config(overrides={"width": 16}).width == 16  # Python values too
    assert E.get("zero-centred").config(quick=True).steps == 20
    assert E.get("zero-centred").config().steps == 60


@pytest.mark.parametrize(("name", "overrides", "message"), [
    ("zero-centred", {"step": "5"},
     r"experiment zero-centred has no setting `step` \(its settings: seed, hidden, steps, "
     r"batch_size, path_steps\); did you mean 'steps'"),
    ("zero-centred", {"steps": "abc"},
     r"`steps` of experiment zero-centred must be an int in \[1, inf\); got 'abc'"),
    ("zero-centred", {"steps": "0"},
     r"`steps` of experiment zero-centred must be an int in \[1, inf\); got 0"),
    ("zero-centred", {"steps": 2.5},
     r"`steps` of experiment zero-centred must be an int in \[1, inf\); got 2.5"),
    ("loss-robustness", {"fractions": "0.1,0.9"},
     r"`fractions` of experiment loss-robustness must be a float in \[0, 0.5\); got 0.9"),
    ("loss-robustness", {"lr": "-1"},
     r"`lr` of experiment loss-robustness must be a float in \(0, inf\); got -1.0"),
    ("gan-losses", {"losses": "minimax,wgan"},
     r"`losses` of experiment gan-losses must be one of 'minimax', .*; got 'wgan'"),
    ("vanishing-gradients", {"depths": ""},
     r"`depths` of experiment vanishing-gradients must not be empty; got ''"),
    ("source-examples", {"data": " "},
     r"`data` of experiment source-examples must be a non-empty str; got ' '"),
    ("vanishing-gradients", {"seed": "-1"},
     r"`seed` of experiment vanishing-gradients must be an int in \[0, inf\); got -1"),
])
def test_bad_settings_raise_one_clear_error(name, overrides, message):
    with pytest.raises(ParameterError, match=message):
        E.get(name).config(overrides=overrides)


def test_parse_sets_rejects_items_without_equals():
    with pytest.raises(ParameterError, match=r"`--set` must be key=value; got 'steps'"):
        E.parse_sets(["steps"])
    with pytest.raises(ParameterError, match=r"`--set` must be key=value; got '=3'"):
        E.parse_sets(["=3"])


def test_run_rejects_a_config_of_another_experiment():
    other = E.get("zero-centred").config()
    with pytest.raises(ParameterError, match="config of experiment linear-collapse must be a "
                                             "Config; got Config"):
        E.get("linear-collapse").run(other)


@pytest.mark.parametrize(("name", "overrides", "message"), [
    ("vanishing-gradients", {"activations": "tanh,relu"},
     "must include 'sigmoid' and 'relu'"),
    ("dying-relu", {"activations": "relu,gelu"}, "must include 'leaky_relu'"),
    ("loss-robustness", {"losses": "mae,huber"}, "must include 'mse'"),
    ("gan-losses", {"losses": "hinge,minimax"}, "must include 'least squares'"),
    ("quantile", {"quantiles": "0.9,0.1"}, "ascending order"),
    ("transformer-block", {"d_model": "30"}, "divisible by `heads`; got 30 and 4"),
    ("activation-shootout", {"activations": "gelu,silu"}, "must include 'relu'"),
])
def test_settings_the_claim_needs_are_checked_before_training(name, overrides, message):
    exp = E.get(name)
    with pytest.raises(ParameterError, match=message):
        exp.run(exp.config(quick=True, overrides=overrides))


def test_unknown_data_set_of_source_examples():
    with pytest.raises(UnknownNameError, match=r"unknown dataset 'mnistt'; did you mean"):
        E.run("source-examples", quick=True, overrides={"data": "mnistt"})


def test_results_are_deterministic_for_a_seed():
    a = E.run("zero-centred", quick=True, overrides={"steps": 3})
    b = E.run("zero-centred", quick=True, overrides={"steps": 3})
    assert a.metrics == b.metrics and a.verdict == b.verdict


@pytest.mark.parametrize("name", ALL)
def test_result_is_json_ready_and_has_a_figure(quick_results, name):
    import json

    from matplotlib.figure import Figure

    r = quick_results[name]
    text = json.dumps(r.to_json())  # raises on anything not JSON-ready
    assert json.loads(text)["verdict"]["status"] in E.VERDICTS
    assert r.verdict.rule and r.verdict.rule_zh and r.verdict.because
    assert r.tables and all(len(row) == len(t.columns) for t in r.tables for row in t.rows)
    fig = E.get(name).figure(r)
    assert isinstance(fig, Figure) and fig.axes


# ----------------------------------------------------------------------------- claims


def test_linear_collapse(quick_results):
    m = quick_results["linear-collapse"].metrics
    assert m["compose_max_abs_diff"] < 1e-12  # float64 composition, exact up to rounding
    assert m["linear"]["xor"] <= 0.75  # measured 0.70: a line cannot separate XOR
    assert m["relu"]["xor"] >= 0.95  # measured 0.99
    assert m["relu"]["moons"] - m["linear"]["moons"] >= 0.08  # measured 1.00 vs 0.88
    assert quick_results["linear-collapse"].verdict.status == "supported"


def test_compose_matches_hand_composition():
    torch.manual_seed(1)
    stack = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2)).double()
    w, b = linear_collapse.compose(stack)
    w1, b1 = stack[0].weight.detach(), stack[0].bias.detach()
    w2, b2 = stack[1].weight.detach(), stack[1].bias.detach()
    # W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)
    torch.testing.assert_close(w, w2 @ w1, rtol=0, atol=1e-14)
    torch.testing.assert_close(b, w2 @ b1 + b2, rtol=0, atol=1e-14)


def test_vanishing_gradients(quick_results):
    r = quick_results["vanishing-gradients"]
    m = r.metrics
    assert m["ratio"]["sigmoid"]["20"] < 1e-6  # measured 8e-13
    assert 0.1 <= m["ratio"]["relu"]["20"] <= 10  # measured 0.59
    assert m["ratio"]["sigmoid"]["20"] < m["ratio"]["sigmoid"]["5"]  # shrinks with depth
    assert "vanishing_gradient" in m["findings"]["sigmoid"]
    for act in ("relu", "leaky_relu", "selu"):  # healthy runs: the monitor stays silent
        assert not set(m["findings"][act]) & {"vanishing_gradient", "exploding_gradient"}
    assert any(f["activation"] == "sigmoid" and f["code"] == "vanishing_gradient"
               for f in r.findings)
    assert r.verdict.status == "supported"


def test_vanishing_ratio_matches_an_independent_measurement():
    # An independent sigmoid stack: each layer multiplies the back-propagated signal by
    # sigmoid' <= 1/4 times a Xavier matrix (gain about 1), so 20 layers shrink it far
    # below 1e-3.
    torch.manual_seed(0)
    layers = []
    for _ in range(20):
        lin = nn.Linear(32, 32)
        nn.init.xavier_normal_(lin.weight)
        nn.init.zeros_(lin.bias)
        layers += [lin, nn.Sigmoid()]
    net = nn.Sequential(nn.Linear(64, 32), nn.Sigmoid(), *layers, nn.Linear(32, 10))
    x, y = torch.randn(128, 64), torch.randint(0, 10, (128,))
    norms = vanishing_gradients._grad_norms(net, x, y)
    assert norms[0] / norms[-1] < 1e-6


def test_dying_relu(quick_results):
    r = quick_results["dying-relu"]
    dead = r.metrics["dead"]
    assert dead["relu"]["lr=0.01, bias=-3"] >= 0.3  # measured 0.41
    assert dead["relu"]["lr=0.01, bias=0"] <= 0.05  # measured 0.0
    for act in ("leaky_relu", "elu"):  # non-zero slope for x < 0: never dead
        assert max(dead[act].values()) == 0.0
    assert any(f["activation"] == "relu" and f["code"] == "dead_units" for f in r.findings)
    assert not any(f["activation"] in ("leaky_relu", "elu") for f in r.findings)
    assert r.verdict.status == "supported"


def test_dead_fraction_counts_units_with_zero_derivative_everywhere():
    net = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2))
    with torch.no_grad():
        net[0].bias[:3] = -100.0  # 3 of 6 units are negative on every input below
        net[0].bias[3:] = 100.0
    x = torch.rand(50, 4)
    assert dying_relu._dead_fraction(net, "relu", x) == pytest.approx(0.5, abs=0)


def test_zero_centred(quick_results):
    r = quick_results["zero-centred"]
    net, path = r.metrics["network"], r.metrics["path"]
    # sigmoid outputs are positive, so delta * a has the sign of delta in every component
    assert net["sigmoid"]["per_sample"] == pytest.approx(1.0, abs=1e-12)
    assert net["tanh"]["per_sample"] < 0.01  # measured 0.0
    assert path["sigmoid"]["same_sign_steps"] == pytest.approx(1.0, abs=1e-12)
    assert path["sigmoid"]["steps_to_0.05"] >= 3 * path["tanh"]["steps_to_0.05"]  # 62 vs 14
    assert path["sigmoid"]["converged"] and path["tanh"]["converged"]
    assert r.verdict.status == "supported"


def test_same_sign_rows():
    g = torch.tensor([[1.0, 2.0], [-1.0, -0.5], [1.0, -1.0], [0.0, 3.0], [0.0, 0.0]])
    assert zero_centred._same_sign(g).tolist() == [True, True, False, True, False]


def test_activation_shootout(quick_results):
    r = quick_results["activation-shootout"]
    rows = r.metrics["results"]["digits"]
    assert set(rows) == set(E.get("activation-shootout").quick["activations"])
    assert all(0.85 <= v["accuracy"] <= 1.0 for v in rows.values())
    best = max(v["accuracy"] for v in rows.values())
    assert rows["relu"]["accuracy"] >= best - 0.02
    assert r.verdict.status == "supported"
    # one inner seed: no (always zero) spread column; time is thread CPU time
    assert "sd" not in r.tables[0].columns and "CPU ms per epoch" in r.tables[0].columns


def test_activation_shootout_ranks_with_intervals_over_seeds(quick_results):
    exp = E.get("activation-shootout")
    runs = [quick_results["activation-shootout"],
            E.run("activation-shootout", quick=True, seed=1,
                  overrides={"activations": "relu,gelu,tanh,softsign", "epochs": 2}),
            E.run("activation-shootout", quick=True, seed=2,
                  overrides={"activations": "relu,gelu,tanh,softsign", "epochs": 2})]
    with pytest.raises(ParameterError, match="every seed's ranking must score the same entries"):
        exp.combine(runs)  # seed 0 scored other activations
    runs[0] = E.run("activation-shootout", quick=True, seed=0,
                    overrides={"activations": "relu,gelu,tanh,softsign", "epochs": 2})
    res = exp.combine(runs)
    ranking = res.metrics["ranking"]
    assert set(ranking) == {"relu", "gelu", "tanh", "softsign"}
    # every entry sits in exactly one group; groups are ordered by their leader's mean
    groups = res.metrics["groups"]
    assert sorted(a for g in groups for a in g) == sorted(ranking)
    leaders = [ranking[g[0]]["mean"] for g in groups]
    assert leaders == sorted(leaders, reverse=True)
    # the effect: ReLU minus the best other activation by mean, seed by seed
    best = res.metrics["best_other"]
    per_seed = [r.metrics["results"]["digits"] for r in sorted(runs, key=lambda r: r.config["seed"])]
    assert res.metrics["seeds"]["effects"] == pytest.approx(
        [d["relu"]["accuracy"] - d[best]["accuracy"] for d in per_seed])
    assert res.tables[0].columns == ("entry", "mean", "95% interval", "group")
    assert exp.figure(res).axes  # the ranking figure


def test_hidden_activations_are_elementwise_hidden_entries():
    from actloss import activations
    from actloss.lab.experiments.activation_shootout import hidden_activations

    names = hidden_activations()
    assert {"relu", "gelu", "tanh", "elu", "selu", "leaky_relu"} <= set(names)
    assert "softmax" not in names and "swiglu" not in names and "identity" not in names
    assert all(activations.spec(n).kind == "elementwise" for n in names)


def test_pairing_matrix(quick_results):
    r = quick_results["pairing-matrix"]
    s = r.metrics["scores"]
    # softmax over one unit is identically 1: the model predicts class 1 for every input,
    # which is right on exactly the positive half of the balanced test split
    assert s["binary"]["softmax + BCE"] == pytest.approx(0.5, abs=0.01)
    assert s["binary"]["sigmoid + BCE"] >= 0.95
    assert s["multi-label"]["sigmoid + BCE"] - s["multi-label"]["softmax + BCE"] >= 0.2
    assert s["regression"]["linear + MSE"] - s["regression"]["ReLU head + MSE"] >= 0.2
    for rows in s.values():
        rec = next(iter(rows.values()))
        assert all(rec >= v - 0.01 for v in rows.values())
    assert r.verdict.status == "supported"


def test_pairing_scores_are_standard_metrics():
    from sklearn.metrics import f1_score, r2_score

    y = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    p = torch.tensor([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
    assert pairing_matrix._score("multi-label", p, y) == pytest.approx(
        f1_score(y.numpy(), p.numpy(), average="micro"), abs=1e-12)
    yt, yp = torch.tensor([[1.0], [-2.0], [0.5]]), torch.tensor([[0.8], [-1.0], [0.0]])
    assert pairing_matrix._score("regression", yp, yt) == pytest.approx(
        r2_score(yt.numpy(), yp.numpy()), abs=1e-6)


def test_loss_robustness(quick_results):
    r = quick_results["loss-robustness"]
    err = r.metrics["error"]
    assert err["huber"]["0.2"] < 0.5 * err["mse"]["0.2"]
    assert err["mae"]["0.2"] < 0.5 * err["mse"]["0.2"]
    assert err["mse"]["0.2"] > 3 * err["mse"]["0.0"]  # outliers hurt MSE
    assert err["mse"]["0.0"] < 0.15  # clean data: MSE recovers w
    assert r.verdict.status == "supported"


def test_imbalance(quick_results):
    r = quick_results["imbalance"]
    rows = r.metrics["metrics"]
    # focal loss with gamma = 0 and alpha = None is BCE: the same training up to float32
    # rounding (two formulas of one loss), which can swap a near-tie in the ranking of AP
    for k in ("ap", "f1", "recall"):
        assert rows["focal γ=0"][k] == pytest.approx(rows["bce"][k], abs=1e-4)
    assert r.metrics["pos_weight"] == pytest.approx(20.0, rel=0.1)  # 1:20 data
    assert rows["focal γ=2"]["recall"] >= rows["bce"]["recall"] + 0.05
    assert rows["bce pos_weight"]["recall"] >= rows["bce"]["recall"] + 0.05
    assert r.verdict.status == "supported"


def test_imbalance_rule():
    base = {"gamma": -1.0, "ap": 0.9, "f1": 0.8, "recall": 0.7}
    def focal(ap, recall):
        return {"gamma": 2.0, "ap": ap, "f1": 0.8, "recall": recall}
    assert imbalance.judge({"metrics": {"bce": base, "focal γ=2": focal(0.92, 0.7)}}
                           ).status == "supported"
    assert imbalance.judge({"metrics": {"bce": base, "focal γ=2": focal(0.85, 0.6)}}
                           ).status == "not supported"
    assert imbalance.judge({"metrics": {"bce": base, "focal γ=2": focal(0.9, 0.72)}}
                           ).status == "inconclusive"


def test_quantile(quick_results):
    r = quick_results["quantile"]
    for q in (0.1, 0.5, 0.9):
        assert abs(r.metrics["below"][str(q)] - q) <= 0.05
    assert r.metrics["coverage"] == pytest.approx(0.8, abs=0.05)
    assert r.verdict.status == "supported"


def test_quantile_data_noise_grows_with_x():
    from actloss.lab.experiments._common import generator

    x, y = quantile._data(20000, generator(0))
    resid = y - x - torch.sin(2 * x)
    inner, outer = resid[x.abs() < 0.5], resid[x.abs() > 1.5]
    # std of the noise is 0.2 + 0.4|x|: about 0.3 inside |x| < 0.5, about 0.9 outside 1.5
    assert inner.std().item() == pytest.approx(0.3, abs=0.03)
    assert outer.std().item() == pytest.approx(0.9, abs=0.06)


def test_source_examples(quick_results):
    r = quick_results["source-examples"]
    m = r.metrics
    from actloss.lab.data import load

    ds = load("line", seed=0, n_samples=100, test_size=0.2)
    w_ls, b_ls = np.polyfit(ds.x_train[:, 0].double().numpy(), ds.y_train[:, 0].double().numpy(),
                            1)
    # SGD with lr 0.01 converges to the least-squares line of the same data
    assert m["regression"]["w"] == pytest.approx(w_ls, abs=1e-3)
    assert m["regression"]["b"] == pytest.approx(b_ls, abs=1e-2)
    assert m["regression"]["w"] == pytest.approx(2.0, abs=0.1)
    assert m["regression"]["b"] == pytest.approx(3.0, abs=0.3)
    assert m["classification"]["rule"]["accuracy"] >= 0.9
    assert m["classification"]["random"]["accuracy"] <= 0.75  # random labels: no real signal
    assert m["mlp"]["val_accuracy"] >= 0.9
    assert r.verdict.status == "supported"


def test_gan_losses(quick_results):
    r = quick_results["gan-losses"]
    res = r.metrics["results"]
    assert set(res) == {"minimax", "least squares"}
    assert all(v["finite"] for v in res.values())
    assert res["least squares"]["modes"] > res["minimax"]["modes"]
    assert r.verdict.status == "supported"


def test_sliced_wasserstein_matches_scipy_in_one_dimension():
    from scipy.stats import wasserstein_distance

    from actloss.lab.experiments._common import generator

    g = generator(0)
    a, b = torch.randn(500, 1, generator=g), 0.5 + 2 * torch.randn(500, 1, generator=g)
    # in 1-D every unit direction is +-1, so each projected distance is the 1-D W1
    expected = wasserstein_distance(a[:, 0].numpy(), b[:, 0].numpy())
    assert gan_losses.sliced_wasserstein(a, b, generator(1)) == pytest.approx(expected, rel=1e-5)


def test_ring_samples_sit_on_eight_modes():
    from actloss.lab.experiments._common import generator

    x = gan_losses.ring(4000, generator(0))
    radius = x.norm(dim=1)
    assert radius.mean().item() == pytest.approx(2.0, abs=0.01)
    modes, quality = gan_losses._coverage(x)
    assert modes == 8 and quality == pytest.approx(1.0, abs=1e-3)


def test_transformer_block(quick_results):
    r = quick_results["transformer-block"]
    res = r.metrics["results"]
    assert set(res) == {"relu", "gelu", "swiglu"}
    for v in res.values():
        assert v["token_accuracy"] >= 0.9  # chance is 0.1
    assert r.verdict.status == "supported"


def test_block_shapes_and_residual_structure():
    from actloss.lab.experiments.transformer_block import Block

    torch.manual_seed(0)
    block = Block(16, 4, 32, "swiglu")
    x = torch.randn(3, 5, 16)
    y = block(x)
    assert y.shape == x.shape
    # the output of a LayerNorm: zero mean and unit variance over the features
    torch.testing.assert_close(y.mean(-1), torch.zeros(3, 5), atol=1e-5, rtol=0)
    assert block.ff_in.out_features == 64 and block.ff_out.in_features == 32


def test_backprop_by_hand(quick_results):
    r = quick_results["backprop-by-hand"]
    rows = r.metrics["per_activation"]
    assert len(rows) >= 20 and {"sigmoid", "tanh", "relu", "leaky_relu", "elu"} <= set(rows)
    for v in rows.values():
        assert v["grad_rel_diff"] <= 1e-6
        assert v["update_rel_diff"] <= 1e-9
        assert v["loss_after"] < v["loss_before"]
    # with the float64 sigmoid derivative the agreement is at rounding level
    assert rows["sigmoid"]["grad_max_abs_diff"] < 1e-14
    assert r.verdict.status == "supported"


def test_manual_gradients_match_autograd_for_tanh():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(10, 3, generator=g, dtype=torch.float64)
    t = torch.randn(10, 1, generator=g, dtype=torch.float64)
    p = {"W1": torch.randn(4, 3, generator=g, dtype=torch.float64),
         "b1": torch.randn(4, generator=g, dtype=torch.float64),
         "W2": torch.randn(1, 4, generator=g, dtype=torch.float64),
         "b2": torch.randn(1, generator=g, dtype=torch.float64)}
    hand = backprop_by_hand.manual_gradients("tanh", x, t, p)
    q = {k: v.clone().requires_grad_(True) for k, v in p.items()}
    y = torch.tanh(x @ q["W1"].T + q["b1"]) @ q["W2"].T + q["b2"]
    ((y - t) ** 2).mean().backward()
    for k in p:
        torch.testing.assert_close(hand[k], q[k].grad, rtol=1e-12, atol=1e-14)


# ----------------------------------------------------------------------------- rules


def test_rules_turn_numbers_into_verdicts():
    lc = {"compose_max_abs_diff": 1e-16, "linear": {"xor": 0.5, "moons": 0.86},
          "relu": {"xor": 1.0, "moons": 1.0}}
    assert linear_collapse.judge(lc).status == "supported"
    lc["linear"]["xor"] = 0.9
    assert linear_collapse.judge(lc).status == "not supported"
    gl = {"results": {"minimax": {"modes": 3, "swd": 0.2}, "least squares": {"modes": 3,
                                                                             "swd": 0.3}}}
    assert gan_losses.judge(gl).status == "inconclusive"
    gl["results"]["least squares"]["modes"] = 2
    assert gan_losses.judge(gl).status == "not supported"
    pm = {"scores": {"binary": {"a": 0.9, "b": 0.92}}}
    assert pairing_matrix.judge(pm).status == "not supported"
    pm = {"scores": {"binary": {"a": 0.9, "b": 0.895}}}
    assert pairing_matrix.judge(pm).status == "inconclusive"
    v = quantile.judge({"below": {"0.1": 0.1, "0.9": 0.97}, "coverage": 0.87})
    assert isinstance(v, Verdict) and v.status == "not supported" and v.status_zh == "不支持"


def test_verdict_words_in_both_languages():
    assert E.VERDICTS == {"supported": "支持", "not supported": "不支持", "inconclusive": "无定论"}


# ------------------------------------------------------------ verdicts over seeds


def _toy(effect):
    from actloss.lab.experiments._base import Experiment
    from actloss.lab.experiments._common import BaseConfig

    return Experiment("toy", "Toy", "玩具", (), BaseConfig, {}, lambda cfg: None,
                      lambda r: None, effect=effect)


def _toy_result(seed, x, verdict=None):
    from actloss.lab.experiments._base import Result, Table

    v = verdict or Verdict("supported", "own rule", "自身规则", f"x={x}")
    return Result("toy", {"seed": seed}, {"x": x}, (Table("t", "表", ("a",), ((1,),)),), v)


def test_combine_decides_over_seeds_with_a_t_interval():
    from actloss.lab.stats import Effect

    exp = _toy(Effect("x", "x", lambda m: m["x"], minimum=0.5))
    # deliberately out of seed order: combine sorts by seed
    res = exp.combine([_toy_result(2, 1.2), _toy_result(0, 1.0), _toy_result(1, 1.1)])
    v = res.verdict
    # float64 reference: mean 1.1, sd 0.1, t_{0.975,2} = 4.302652729911275 (NIST table 4.303)
    half = 4.302652729911275 * 0.1 / 3 ** 0.5
    assert v.label == "supported" and v.seeds == 3 and not v.deterministic
    assert v.effect == pytest.approx(1.1) and v.interval == pytest.approx((1.1 - half, 1.1 + half))
    assert res.metrics["seeds"]["seeds"] == [0, 1, 2] and "x=1.0" in v.because
    assert res.tables[-1].rows == ((0, 1.0), (1, 1.1), (2, 1.2))
    j = v.to_json()
    assert j["label"] == "supported" and j["interval"] == pytest.approx([1.1 - half, 1.1 + half])
    assert Verdict.from_json(j) == v
    # the same data against a larger stated minimum: the interval excludes it
    assert _toy(Effect("x", "x", lambda m: m["x"], minimum=2.0)).combine(
        [_toy_result(0, 1.0), _toy_result(1, 1.1), _toy_result(2, 1.2)]
    ).verdict.label == "not supported"


def test_combine_deterministic_and_effectless():
    from actloss.lab.stats import Effect

    det = _toy(Effect("x", "x", lambda m: m["x"], minimum=0.5, deterministic=True))
    v = det.combine([_toy_result(0, 0.1)]).verdict
    assert v.deterministic and v.interval is None and v.seeds == 1 and v.effect == 0.1
    assert v.label == "supported" and v.rule.startswith("deterministic")  # its own rule decides
    none = _toy(None)
    assert none.deterministic and none.combine([_toy_result(0, 0.1)]).verdict.deterministic
    # an experiment that ran its own seeds keeps its own statistics
    own = Verdict("inconclusive", "r", "r", seeds=4, effect=0.2, interval=(-0.1, 0.5))
    assert none.combine([_toy_result(0, 0.1, own)]).verdict == own
    with pytest.raises(ParameterError, match="combine of experiment toy needs at least one"):
        none.combine([])
