"""The HTML report and results.json, the report's error paths, and the lab CLI."""

from __future__ import annotations

import base64
import json
import re

import pytest
from markupsafe import escape

from actloss.cli import main
from actloss.errors import ParameterError, UnknownNameError
from actloss.lab import experiments as E
from actloss.lab.report import build_report

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lab")]


def test_report_files_exist_and_are_self_contained(quick_report):
    html = quick_report.html_path.read_text(encoding="utf-8")
    assert quick_report.html_path.name == "report.html"
    assert quick_report.json_path.name == "results.json"
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing fetched
    assert "<script src" not in html and "<link" not in html
    for name in E.names():
        assert f'id="{name}"' in html
        assert str(escape(E.get(name).title)) in html
    assert html.count('<img alt="') == len(E.names()) + 1  # every figure and the gallery


def test_report_images_are_png(quick_report):
    html = quick_report.html_path.read_text(encoding="utf-8")
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == len(E.names()) + 1
    for b64 in images:
        data = base64.b64decode(b64)
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(data[16:20], "big")  # IHDR width
        assert width > 100


# t_{0.975, 2} (three seeds): NIST/SEMATECH e-Handbook, table 1.3.6.7.2, 4.303
T975_DF2 = 4.302652729911275


def test_results_json_carries_verdict_records(quick_report, quick_results):
    data = json.loads(quick_report.json_path.read_text(encoding="utf-8"))
    assert data["quick"] is True and data["lang"] == "en"
    assert [e["name"] for e in data["experiments"]] == E.names()
    for e in data["experiments"]:
        exp = E.get(e["name"])
        v = e["verdict"]
        assert {"label", "seeds", "effect", "interval", "deterministic", "rule"} <= set(v)
        assert v["label"] == v["status"] == quick_report.verdicts[e["name"]]
        assert e["claims"] and e["title_zh"] and v["rule"]
        if exp.effect is None and not v["deterministic"]:
            # an experiment that loops over seeds itself (advice-check): one run, its verdict
            assert v["seeds"] >= 2 and e["seeds"] == [0]
            continue
        if exp.deterministic:
            assert v["deterministic"] and v["interval"] is None and v["seeds"] == 1
            assert e["seeds"] == [0] and "deterministic" in v["rule"]
            continue
        # three seeds; seed 0 is the run given in quick_results
        assert not v["deterministic"] and v["seeds"] == 3 and e["seeds"] == [0, 1, 2]
        effects = e["metrics"]["seeds"]["effects"]
        if exp.effect.reference is None:
            assert effects[0] == pytest.approx(exp.effect_value(quick_results[e["name"]]))
        # the mean and the t-interval, recomputed here in float64
        mean = sum(effects) / 3
        sd = (sum((x - mean) ** 2 for x in effects) / 2) ** 0.5
        half = T975_DF2 * sd / 3 ** 0.5
        assert v["effect"] == pytest.approx(mean, rel=1e-9, abs=1e-12)
        assert v["interval"] == pytest.approx([mean - half, mean + half], rel=1e-9, abs=1e-12)
    # the rules give other verdicts than "supported" where the data say so
    assert {v for v in quick_report.verdicts.values()} != {"supported"}
    assert set(quick_report.verdicts) == set(E.names())
    assert set(quick_report.timings) == {*E.names(), "gallery"}


def test_report_shows_intervals_narrative_and_article_titles(quick_report):
    from actloss.lab.report import NARRATIVE, SOURCES

    html = quick_report.html_path.read_text(encoding="utf-8")
    data = json.loads(quick_report.json_path.read_text(encoding="utf-8"))
    for e in data["experiments"]:
        v = e["verdict"]
        if v["interval"] is not None:
            lo, hi = v["interval"]
            assert f"[{lo:.4g}, {hi:.4g}], 3 seeds" in html
    assert str(escape(NARRATIVE["dying-relu"].en)) in html
    assert "Verdicts at a glance" in html
    # articles cited by title, never by file name
    assert "5b08fef0015a8918" not in html
    assert str(escape(SOURCES["003_ee359a0e5008e516.txt"].en)) in html
    # the shoot-out ranks with intervals and groups
    assert "groups of entries whose intervals overlap" in html


def test_verdicts_rules_and_claims_are_shown(quick_report, quick_results):
    html = quick_report.html_path.read_text(encoding="utf-8")
    for r in quick_results.values():
        assert r.verdict.status in html
    # the claim is quoted in Chinese with its translation (HTML-escaped, as jinja2 does)
    claim = E.get("zero-centred").claims[1]
    assert str(escape(claim.zh)) in html and str(escape(claim.en)) in html
    assert "Diagnostics monitor findings" in html and "vanishing_gradient" in html


def test_chinese_report(tmp_path, quick_results):
    res = build_report(quick=True, lang="zh", out_dir=tmp_path,
                       experiments=["backprop-by-hand", "zero-centred"], results=quick_results,
                       workers=1)
    html = res.html_path.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "actloss 实验报告" in html
    assert str(escape(E.get("zero-centred").title_zh)) in html
    assert "支持" in html and "判定规则" in html
    assert str(escape(E.get("zero-centred").effect.rule()[1])) in html
    assert "个随机种子" in html and "确定性检验" in html and "结论一览" in html
    assert "《【AI】激活函数》" in html
    assert str(escape(E.get("zero-centred").claims[0].en)) not in html  # the translation is not repeated


def test_report_runs_experiments_itself(tmp_path):
    res = build_report(quick=True, out_dir=tmp_path / "new" / "dir",
                       experiments=["backprop-by-hand"], workers=1)
    assert res.html_path.exists() and res.json_path.exists()
    assert res.verdicts == {"backprop-by-hand": "supported"}
    assert res.timings["backprop-by-hand"] >= 0


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"lang": "fr"}, ParameterError,
     r"`lang` of build_report must be one of 'en', 'zh'; got 'fr'"),
    ({"quick": "yes"}, ParameterError, r"`quick` of build_report must be a bool; got 'yes'"),
    ({"experiments": ["nope"]}, UnknownNameError, r"unknown experiment 'nope'"),
    ({"experiments": "zero-centred"}, ParameterError,
     r"`experiments` of build_report must be a sequence of names; got the str"),
    ({"seeds": 1}, ParameterError, r"`seeds` of build_report must be an int in \[2, inf\)"),
])
def test_bad_arguments_raise_before_anything_runs(tmp_path, kwargs, error, message):
    with pytest.raises(error, match=message):
        build_report(out_dir=tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()


def test_given_results_must_match_the_report_settings(tmp_path):
    other = E.run("zero-centred", quick=True, overrides={"steps": 2})
    with pytest.raises(ParameterError, match="the result of zero-centred was run with other "
                                             "settings than the report's quick settings"):
        build_report(quick=True, out_dir=tmp_path / "out", experiments=["zero-centred"],
                     results={"zero-centred": other})
    assert not (tmp_path / "out").exists()


def test_out_dir_must_not_be_a_file(tmp_path, capsys):
    f = tmp_path / "file.txt"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"`out_dir` of build_report must be a directory; "
                                             r"got the file '.*file.txt'"):
        build_report(out_dir=f, experiments=["backprop-by-hand"])
    assert main(["lab", "run", "backprop-by-hand", "--out", str(f)]) == 2
    assert "`--out` must be a directory; got the file" in capsys.readouterr().err
    assert f.read_text(encoding="utf-8") == "x"


def test_a_failure_leaves_nothing_behind(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("old report", encoding="utf-8")
    exp = E.get("zero-centred")

    def broken(result):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(type(exp), "figure", property(lambda self: broken), raising=False)
    with pytest.raises(RuntimeError, match="figure failed"):
        build_report(quick=True, out_dir=out, experiments=["zero-centred"], workers=1,
                     results={"zero-centred": E.run("zero-centred", quick=True)})
    assert (out / "report.html").read_text(encoding="utf-8") == "old report"  # untouched
    assert not (out / "results.json").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".actloss-report-")]


# ----------------------------------------------------------------------------- CLI


def test_cli_lab_list(capsys):
    assert main(["lab", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in data] == E.names()
    assert main(["lab", "list"]) == 0
    assert "vanishing-gradients" in capsys.readouterr().out


def test_cli_lab_run_json_and_out(capsys, tmp_path):
    rc = main(["lab", "run", "zero-centred", "--quick", "--seed", "1", "--set", "steps=3",
               "--out", str(tmp_path), "--json"])
    assert rc == 0
    data = json.loads(capsys.readouterr().out)
    assert data["config"]["steps"] == 3 and data["config"]["seed"] == 1
    assert data["verdict"]["status"] in E.VERDICTS
    assert json.loads((tmp_path / "zero-centred.json").read_text())["name"] == "zero-centred"
    assert (tmp_path / "zero-centred.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_lab_run_renders_tables(capsys):
    assert main(["lab", "run", "zero-centred", "--quick", "--set", "steps=3"]) == 0
    out = capsys.readouterr().out
    assert "verdict:" in out and "rule:" in out


def test_cli_lab_run_in_chinese(capsys):
    assert main(["lab", "run", "zero-centred", "--quick", "--set", "steps=3",
                 "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    exp = E.get("zero-centred")
    # the Chinese title first (the console may wrap it), Chinese column headers and
    # verdict labels
    assert out.index(exp.title_zh[:12]) < out.index(exp.title[:12])
    assert "输入激活函数" in out and "结论：" in out and "判定规则：" in out
    assert "verdict:" not in out


@pytest.mark.parametrize(("argv", "message"), [
    (["lab", "run", "zero-centred", "--set", "step=3"],
     "experiment zero-centred has no setting `step`"),
    (["lab", "run", "zero-centred", "--set", "steps"], "`--set` must be key=value"),
    (["lab", "run", "zero-centre"], "unknown experiment 'zero-centre'"),
    (["report", "--lang", "fr", "--only", "zero-centred"], "`lang` of build_report"),
    (["lab", "run", "zero-centred", "--lang", "fr"],
     "`lang` of lab run must be one of 'en', 'zh'; got 'fr'"),
])
def test_cli_errors_exit_2_with_one_line(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_report(capsys, tmp_path):
    rc = main(["report", "--quick", "--only", "backprop-by-hand", "--lang", "zh", "--out",
               str(tmp_path)])
    assert rc == 0
    assert "backprop-by-hand" in capsys.readouterr().out
    assert "支持" in (tmp_path / "report.html").read_text(encoding="utf-8")
