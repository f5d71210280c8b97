"""The catalog commands: list, show, plot, plot-loss, gallery."""

from __future__ import annotations

import json
import math

import pytest

import actloss.activations as A
import actloss.losses as L
from actloss.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_values(capsys):
    code, out, _ = _run(capsys, "list", "--json")
    assert code == 0
    data = json.loads(out)
    acts = {a["name"]: a for a in data["activations"]}
    losses = {s["name"]: s for s in data["losses"]}
    assert set(acts) == set(A.names()) and set(losses) == set(L.names())
    # sigmoid maps onto [0, 1] (source 000's output-range table: (0, 1), closed in floats)
    assert acts["sigmoid"]["range"] == pytest.approx([0.0, 1.0])
    assert acts["tanh"]["range"] == pytest.approx([-1.0, 1.0])
    assert acts["relu"]["range"] == [0.0, "inf"]  # JSON has no Infinity
    assert acts["tanh"]["zero_centred"] is True and acts["sigmoid"]["zero_centred"] is False
    assert losses["dice"]["input"] == "probabilities" and losses["dice"]["target"] == "masks"
    assert losses["dice"]["imbalance"] is True
    assert losses["huber"]["robust"] is True
    assert losses["binary_cross_entropy_with_logits"]["pairs_with"] == "sigmoid"


def test_list_one_catalog_and_table(capsys):
    code, out, _ = _run(capsys, "list", "losses", "--json")
    assert code == 0 and list(json.loads(out)) == ["losses"]
    code, out, _ = _run(capsys, "list", "activations")
    assert code == 0 and "sigmoid" in out and "monotonic" in out and "dice" not in out
    code, out, _ = _run(capsys, "list")
    assert code == 0 and "gan_minimax_d" in out and "leaky_relu" in out


def test_list_rejects_an_unknown_catalog(capsys):
    code, _, err = _run(capsys, "list", "optimizers")
    assert code == 2
    assert "`WHAT` must be one of 'activations', 'losses', 'all'; got 'optimizers'" in err
    assert len(err.strip().splitlines()) == 1


def test_show_activation_json(capsys):
    code, out, _ = _run(capsys, "show", "logistic", "--json")  # an alias of sigmoid
    assert code == 0
    data = json.loads(out)
    assert data["name"] == "sigmoid" and data["kind_of_entry"] == "activation"
    assert data["range"] == pytest.approx([0.0, 1.0])
    assert data["max_abs_derivative"] == pytest.approx(0.25)  # sigma'(0) = 1/4
    assert data["derivative_formula"] and data["pros"]["zh"]


def test_show_loss_text_in_both_languages(capsys):
    code, out, _ = _run(capsys, "show", "huber")
    assert code == 0
    assert "huber" in out and "delta" in out and "pros" in out and "formula" in out
    code, out, _ = _run(capsys, "show", "dice", "--lang", "zh")
    assert code == 0
    spec = L.spec("dice")
    assert spec.pros.zh[0] in out.replace("\n", "")
    assert "优点" in out and "参数" in out
    code, out, _ = _run(capsys, "show", "tversky", "--json")
    params = {p["name"]: p for p in json.loads(out)["params"]}
    assert params["alpha"]["default"] == pytest.approx(0.3)
    assert params["alpha"]["interval"][:2] == [0.0, "inf"]


def test_show_kind_resolves_and_errors(capsys):
    code, out, _ = _run(capsys, "show", "hinge", "--kind", "loss", "--json")
    assert code == 0 and json.loads(out)["kind_of_entry"] == "loss"
    code, out, _ = _run(capsys, "show", "CategoricalCrossentropy", "--json")  # Keras spelling
    assert code == 0 and json.loads(out)["name"] == "keras_categorical_crossentropy"
    code, _, err = _run(capsys, "show", "sigmoid", "--kind", "loss")
    assert code == 2 and "unknown loss 'sigmoid'" in err
    code, _, err = _run(capsys, "show", "sigmod")
    assert code == 2
    assert "unknown activation or loss 'sigmod'; did you mean 'sigmoid'" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = _run(capsys, "show", "relu", "--lang", "fr")
    assert code == 2 and "`--lang` must be one of 'en', 'zh'; got 'fr'" in err
    code, _, err = _run(capsys, "show", "reluu", "--kind", "activation")
    assert code == 2 and "unknown activation 'reluu'; did you mean 'relu'" in err
    code, _, err = _run(capsys, "show", "relu", "--kind", "layer")
    assert code == 2 and "`--kind` must be one of" in err


def test_plot_writes_a_png_atomically(capsys, tmp_path):
    out_file = tmp_path / "acts.png"
    code, out, _ = _run(capsys, "plot", "sigmoid", "relu", "--out", str(out_file))
    assert code == 0 and f"wrote {out_file}" in out.replace("\n", "")
    assert out_file.read_bytes()[:8] == PNG_MAGIC
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acts.png"]  # no temporary left


def test_plot_errors_leave_no_file(capsys, tmp_path):
    missing = tmp_path / "nope" / "x.png"
    code, _, err = _run(capsys, "plot", "relu", "--out", str(missing))
    assert code == 2 and "output directory" in err and "does not exist" in err
    assert not missing.parent.exists()
    code, _, err = _run(capsys, "plot", "relu", "--out", str(tmp_path / "x.jpg2"))
    assert code == 2 and "`--out` must end in one of .png, .svg, .pdf" in err
    code, _, err = _run(capsys, "plot", "softmax", "--out", str(tmp_path / "s.png"))
    assert code == 2 and "'softmax' is a vector activation" in err
    code, _, err = _run(capsys, "plot", "reluu", "--out", str(tmp_path / "s.png"))
    assert code == 2 and "did you mean 'relu'" in err
    code, _, err = _run(capsys, "plot", "relu", "--xmin", "3", "--xmax", "1",
                        "--out", str(tmp_path / "s.png"))
    assert code == 2 and "low < high" in err
    assert list(tmp_path.iterdir()) == []


def test_plot_loss_and_gallery(capsys, tmp_path):
    f = tmp_path / "losses.svg"
    code, _, _ = _run(capsys, "plot-loss", "bce", "focal", "hinge", "mse", "--out", str(f))
    assert code == 0 and f.read_text().lstrip().startswith("<?xml")
    f = tmp_path / "reg.png"
    code, _, _ = _run(capsys, "plot-loss", "mse", "mae", "huber", "--task", "regression",
                      "--out", str(f))
    assert code == 0 and f.read_bytes()[:8] == PNG_MAGIC
    code, _, err = _run(capsys, "plot-loss", "mse", "--task", "ranking",
                        "--out", str(tmp_path / "r.png"))
    assert code == 2 and "`--task` must be one of 'binary', 'regression'; got 'ranking'" in err
    code, _, err = _run(capsys, "plot-loss", "dice", "--out", str(tmp_path / "d.png"))
    assert code == 2 and "cannot be drawn against the margin" in err
    g = tmp_path / "gallery.png"
    code, _, _ = _run(capsys, "gallery", "--out", str(g), "--cols", "8")
    assert code == 0 and g.read_bytes()[:8] == PNG_MAGIC
    assert math.isfinite(g.stat().st_size) and g.stat().st_size > 10_000


def test_show_zh_translates_property_words(capsys):
    # sigmoid is monotonic and not zero-centred (both checked numerically by the generic
    # activation suite); in Chinese the property line says so in Chinese words.
    code, out, _ = _run(capsys, "show", "sigmoid", "--lang", "zh")
    assert code == 0
    flat = " ".join(out.split())
    assert "单调 是" in flat and "零中心 否" in flat
    assert "monotonic" not in flat and "zero-centred" not in flat
    code, out, _ = _run(capsys, "show", "huber", "--lang", "zh")
    flat = " ".join(out.split())
    assert code == 0 and "对离群点稳健 是" in flat and "robust to outliers" not in flat
