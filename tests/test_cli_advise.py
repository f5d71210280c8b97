"""Tests of ``actloss advise`` and ``actloss check`` (exit codes, JSON, messages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actloss.cli import main

CORPUS = Path(__file__).resolve().parent / "lint_corpus"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def csv_file(tmp_path):
    rows = ["age,income,city,label"]
    for i in range(40):
        label = "yes" if i % 10 == 0 else "no"
        rows.append(f"{20 + i},{1000 + 50 * i},c{i % 3},{label}")
    rows.append("61,,c1,no")  # a missing feature value
    path = tmp_path / "data.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- advise
def test_advise_task_imbalance_json(capsys):
    code, out, _ = run(capsys, "advise", "--task", "binary", "--imbalance", "0.05", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["loss"] == "binary_cross_entropy_with_logits"
    assert data["loss_params"]["pos_weight"] == pytest.approx(19.0)  # 0.95 / 0.05
    assert data["output_activation"] == "sigmoid"
    assert "binary_focal" in data["alternatives"]


def test_advise_panel_and_chinese(capsys):
    code, out, _ = run(capsys, "advise", "--task", "regression")
    assert code == 0 and "mse" in out and "actloss advise" in out
    code, out, _ = run(capsys, "advise", "--task", "multiclass", "--lang", "zh")
    assert code == 0 and "理由" in out and "分类交叉熵" in out


def test_advise_csv(capsys, csv_file):
    code, out, _ = run(capsys, "advise", str(csv_file), "--target", "label", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["task"] == "binary" and data["task_source"] == "detected from y"
    # 4 'yes' among 41 rows: positive share 4/41 < 0.2 -> pos_weight = 37 / 4
    assert data["facts"]["class_counts"] == [37, 4]
    assert data["loss"] == "binary_cross_entropy_with_logits"
    assert data["loss_params"]["pos_weight"] == pytest.approx(37 / 4, abs=1e-4)
    # numeric columns become x; the text column 'city' is left out
    assert data["features"]["n_features"] == 2


def test_advise_csv_quantiles(capsys, csv_file):
    code, out, _ = run(capsys, "advise", str(csv_file), "--target", "income", "--task",
                       "quantile", "--quantiles", "0.25,0.75", "--json")
    assert code == 0
    assert json.loads(out)["loss_params"] == {"q": 0.75}


def test_advise_usage_errors(capsys, csv_file):
    code, _, err = run(capsys, "advise", str(csv_file), "--target", "labl")
    assert code == 2 and "column 'labl' not found" in err and "did you mean 'label'" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "advise", str(csv_file.with_name("dta.csv")), "--target", "x")
    assert code == 2 and "not found" in err and "'data.csv'" in err
    code, _, err = run(capsys, "advise", str(csv_file))
    assert code == 2 and "--target is required" in err and "label" in err
    code, _, err = run(capsys, "advise", "--target", "label")
    assert code == 2 and "needs a data file" in err
    code, _, err = run(capsys, "advise", "--task", "binray")
    assert code == 2 and "did you mean 'binary'" in err
    code, _, err = run(capsys, "advise", "--task", "binary", "--imbalance", "2")
    assert code == 2 and "`imbalance` of advise must be a float in (0, 1); got 2.0" in err
    code, _, err = run(capsys, "advise", "--task", "quantile", "--quantiles", "a,b")
    assert code == 2 and "--quantiles must be comma-separated numbers" in err


def test_advise_several_targets_make_a_multilabel_task(capsys, tmp_path):
    rows = ["f1,f2,tag_a,tag_b,tag_c"]
    for i in range(30):
        rows.append(f"{i},{(i * 7) % 11},{i % 2},{int(i % 3 == 0)},{int(i % 10 == 0)}")
    path = tmp_path / "tags.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "advise", str(path), "-t", "tag_a", "-t", "tag_b", "-t",
                       "tag_c", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["task"] == "multilabel"
    assert data["loss"] == "binary_cross_entropy_with_logits"
    # tag_c is on in 3 of 30 rows (share 0.1 < 0.2): one pos_weight per label,
    # n_neg / n_pos = 15/15, 20/10, 27/3
    assert data["loss_params"]["pos_weight"] == pytest.approx([1.0, 2.0, 9.0])
    assert data["facts"]["shape"] == [30, 3]
    assert data["features"]["n_features"] == 2  # the targets are not features
    code, _, err = run(capsys, "advise", str(path), "-t", "tag_a", "-t", "tag_a")
    assert code == 2 and "--target 'tag_a' is given more than once" in err


def test_advise_one_class_and_misapplied_imbalance(capsys, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("x,y\n" + "".join(f"{i},yes\n" for i in range(5)), encoding="utf-8")
    code, _, err = run(capsys, "advise", str(path), "-t", "y")
    assert code == 2 and "holds a single value ('yes' in all 5 rows)" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "advise", "--task", "regression", "--imbalance", "0.1")
    assert code == 2 and "`imbalance` of advise applies to the tasks binary" in err
    assert len(err.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- check
def test_check_buggy_program_exits_1(capsys):
    spec = f"{CORPUS / 'bug_double_softmax_sequential.py'}:make"
    code, out, _ = run(capsys, "check", spec, "--json")
    assert code == 1
    found = json.loads(out)
    assert [f["code"] for f in found] == ["double_softmax"]
    assert found[0]["where"] == "3" and found[0]["message_zh"]


def test_check_clean_program_exits_0(capsys):
    code, out, _ = run(capsys, "check", str(CORPUS / "ok_mlp_cross_entropy.py"))
    assert code == 0 and "no problems found" in out


def test_check_warning_only_exits_0_and_renders_table(capsys):
    code, out, _ = run(capsys, "check", f"{CORPUS / 'bug_linear_linear_sequential.py'}:make",
                       "--lang", "zh")
    assert code == 0 and "linear_linear" in out and "仿射" in out


def test_check_lr_probe(capsys):
    spec = f"{CORPUS / 'bug_dead_relu_learning_rate.py'}:make"
    code, out, _ = run(capsys, "check", spec, "--lr", "3.0", "--json")
    assert code == 0  # a warning
    assert [f["code"] for f in json.loads(out)] == ["dead_relu_lr"]


def test_check_usage_errors(capsys, tmp_path):
    target = CORPUS / "bug_double_softmax_sequential.py"
    code, _, err = run(capsys, "check", f"{target}:mkae")
    assert code == 2 and "has no factory 'mkae'" in err and "did you mean 'make'" in err
    code, _, err = run(capsys, "check", str(target.with_name("bug_double_softmax_sequentail.py")))
    assert code == 2 and "not found" in err and "bug_double_softmax_sequential.py" in err
    bad = tmp_path / "bad.py"
    bad.write_text("def make():\n    return 1\n", encoding="utf-8")
    code, _, err = run(capsys, "check", f"{bad}:make")
    assert code == 2 and "must return (model, loss, example_input, example_target)" in err
    broken = tmp_path / "broken.py"
    broken.write_text("import nonexistent_module_xyz\n", encoding="utf-8")
    code, _, err = run(capsys, "check", f"{broken}:make")
    assert code == 2 and "ModuleNotFoundError" in err
    code, _, err = run(capsys, "check", f"{target}:make", "--lang", "fr")
    assert code == 2 and "--lang must be one of 'en', 'zh'" in err
    code, _, err = run(capsys, "check", f"{target}:make", "--lr", "-1")
    assert code == 2 and "`lr` of check must be a float in (0, inf); got -1.0" in err
