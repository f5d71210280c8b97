"""Chinese column headers and setting names in the lab report.

The rendering tests build a small result by hand and render it through the report's
own section and page code, so they run in well under a second; the tests that look at
every experiment's tables use the session fixture ``quick_results`` (shared with
test_report.py and test_experiments.py, so they add no training when the suite runs).
"""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from actloss.errors import ParameterError
from actloss.lab import experiments as E
from actloss.lab import report as R
from actloss.lab.experiments import advice_check
from actloss.lab.experiments._base import CELLS, Result, Table, Verdict

CJK = re.compile(r"[\u4e00-\u9fff]")


def _fake_result() -> Result:
    measured = Table("Training curve", "训练曲线", ("epoch", "loss", "dead units"),
                     ((1, 0.5, 0.25), (2, 0.25, 0.5)), columns_zh=("轮次", "损失", "死亡单元比例"))
    untranslated = Table("Raw", "原始数据", ("gradient norm",), ((1.0,),))
    finding = {"code": "dead_units", "severity": "warning", "where": "0",
               "message": "half the units are dead", "message_zh": "一半单元已死亡",
               "fix": "lower the learning rate", "fix_zh": "降低学习率"}
    return Result("dying-relu", {"seed": 0, "epochs": 3}, {}, (measured, untranslated),
                  Verdict("supported", "rule", "规则"), findings=(finding,))


def _html(lang: str) -> str:
    section = R._section(E.get("dying-relu"), _fake_result(), lang, "AAAA", 1.0)
    meta = {"actloss": "0", "torch": "0", "quick": True, "lang": lang, "seed": None}
    return R.render_html(R._page_context(lang, True, [section], "AAAA", meta, 1.0))


def _headers(html: str) -> list[str]:
    return re.findall(r"<th>([^<]*)</th>", html)


# --- Table.columns_zh ---------------------------------------------------------------


def test_columns_zh_defaults_to_empty_and_goes_into_json():
    plain = Table("t", "表", ("a", "b"), ((1, 2),))
    assert plain.columns_zh == ()
    assert plain.to_json()["columns_zh"] == []
    zh = Table("t", "表", ("epoch", "loss"), ((1, 2),), columns_zh=("轮次", "损失"))
    assert zh.to_json() == {"title": "t", "title_zh": "表", "columns": ["epoch", "loss"],
                            "columns_zh": ["轮次", "损失"], "rows": [[1, 2]]}


@pytest.mark.parametrize("columns_zh", [("轮次",), ("轮次", "损失", "准确率")])
def test_columns_zh_must_match_columns(columns_zh):
    with pytest.raises(ParameterError,
                       match=r"`columns_zh` of table 'Loss' must have one header per column "
                             rf"\(2\); got {len(columns_zh)}"):
        Table("Loss", "损失", ("epoch", "loss"), (), columns_zh=columns_zh)


# --- rendering -----------------------------------------------------------------------


def test_zh_page_shows_the_chinese_headers_and_not_the_english_ones():
    html = _html("zh")
    headers = _headers(html)
    for zh in ("轮次", "损失", "死亡单元比例"):
        assert zh in headers
    for en in ("epoch", "loss", "dead units"):
        assert en not in headers
    # a table without Chinese headers falls back to its English ones
    assert "gradient norm" in headers


def test_en_page_keeps_the_english_headers_and_layout():
    html = _html("en")
    headers = _headers(html)
    assert ["epoch", "loss", "dead units"] == headers[4:7]  # after the summary's four
    assert not any(CJK.search(h) for h in headers)
    # the settings table as it always was: name and value, no header row
    assert '<table><tr><td class="code">seed</td><td>0</td></tr>' in html
    assert "[warning]" in html and "Rule:</b>" in html and " s</div>" in html


def test_zh_page_names_settings_and_severity_in_chinese():
    html = _html("zh")
    assert ("<tr><th>设置项</th><th>含义</th><th>取值</th></tr>"
            '<tr><td class="code">seed</td><td>随机种子</td><td>0</td></tr>'
            '<tr><td class="code">epochs</td><td>训练轮数</td><td>3</td></tr>') in html
    assert "[警告]" in html and "[warning]" not in html
    assert "判定规则：</b>" in html and "出处：" in html and " 秒</div>" in html
    assert str(escape("一半单元已死亡")) in html and "降低学习率" in html


def test_interface_strings_exist_in_both_languages():
    assert set(R.LABELS.table("en")) == set(R.LABELS.table("zh"))
    assert all(CJK.search(R.LABELS(k, "zh")) for k in
               ("setting_name", "setting_meaning", "setting_value", "seconds_unit",
                "severity_info", "severity_warning", "severity_error"))


def test_every_setting_of_every_experiment_has_a_chinese_name():
    for name in E.names():
        for s in E.get(name).settings():
            assert CJK.search(R.SETTINGS.get(s["name"], "zh", "")), (name, s["name"])


# --- the experiments' tables ---------------------------------------------------------


def _check_headers(name: str, table: Table) -> None:
    assert len(table.columns_zh) == len(table.columns), (name, table.title)
    translated = 0
    for en, zh in zip(table.columns, table.columns_zh):
        # each header is Chinese, or a name/symbol kept as Chinese texts write it
        # (an activation's catalog name, q, F1 @0.5)
        assert CJK.search(zh) or zh == en, (name, en, zh)
        translated += bool(CJK.search(zh))
    assert translated >= 1, (name, table.title)


@pytest.mark.parametrize("name", ["zero-centred", "backprop-by-hand"])
def test_fast_experiments_have_chinese_headers(name):
    result = E.run(name, quick=True)  # each well under a second
    assert result.tables
    for t in result.tables:
        _check_headers(name, t)


@pytest.mark.slow
@pytest.mark.xdist_group("lab")
def test_every_table_of_every_experiment_has_chinese_headers(quick_results):
    assert set(quick_results) == set(E.names())
    for name, result in quick_results.items():
        for t in result.tables:
            _check_headers(name, t)
    # headers built from the settings follow them
    vg = quick_results["vanishing-gradients"]
    depths = vg.config["depths"]
    assert vg.tables[0].columns_zh == ("激活函数", *(f"深度 {d}" for d in depths))
    lr = quick_results["loss-robustness"]
    assert lr.tables[0].columns_zh[1:] == tuple(f"离群值 {f:.0%}" for f in lr.config["fractions"])


@pytest.mark.slow
@pytest.mark.xdist_group("lab")
def test_built_zh_report_uses_chinese_headers(tmp_path, quick_results, monkeypatch):
    monkeypatch.setattr(R, "_gallery_figure", lambda: _TinyFigure())
    names = ["vanishing-gradients", "imbalance"]
    res = R.build_report(quick=True, lang="zh", out_dir=tmp_path, experiments=names,
                         results=quick_results, workers=1)
    headers = _headers(res.html_path.read_text(encoding="utf-8"))
    for n in names:
        for t in quick_results[n].tables:
            zh = [str(escape(c)) for c in t.columns_zh]
            assert all(c in headers for c in zh)
    assert "average precision" not in headers and "平均精度(AP)" in headers


class _TinyFigure:
    """Stands in for the gallery figure: writes a fixed PNG signature."""

    def savefig(self, buf, format, dpi):
        buf.write(b"\x89PNG\r\n\x1a\n")


def test_word_cells_and_notes_are_chinese_on_chinese_pages(quick_results):
    pm = R._section(E.get("pairing-matrix"), quick_results["pairing-matrix"], "zh", "", 0.0)
    cells = {c for t in pm["tables"] for row in t["rows"] for c in row}
    assert {"推荐", "常见错误", "二分类", "多分类", "多标签", "回归"} <= cells
    assert not cells & {"recommended", "mistake", "binary", "regression", "accuracy"}
    en = R._section(E.get("pairing-matrix"), quick_results["pairing-matrix"], "en", "", 0.0)
    assert "recommended" in {c for t in en["tables"] for row in t["rows"] for c in row}
    # the verdict's Chinese text names the pairings in Chinese too
    because = quick_results["pairing-matrix"].verdict.because_zh
    assert "两次 softmax" in because and "double softmax" not in because
    gan = quick_results["gan-losses"]
    zh_notes = R._section(E.get("gan-losses"), gan, "zh", "", 0.0)["notes"]
    assert zh_notes == list(gan.notes_zh) and CJK.search(zh_notes[0])
    assert R._section(E.get("gan-losses"), gan, "en", "", 0.0)["notes"] == list(gan.notes)


def test_every_note_has_a_chinese_twin(quick_results):
    for name, result in quick_results.items():
        if result.notes:
            assert len(result.notes_zh) == len(result.notes), name
            assert all(CJK.search(n) for n in result.notes_zh), name
        assert result.to_json()["notes_zh"] == list(result.notes_zh)


def test_every_translated_cell_word_occurs_in_some_table(quick_results):
    # no stale entries: each word of CELLS is a cell of some experiment's table
    cells = {R.cell_text(c) for r in quick_results.values() for t in r.tables
             for row in t.rows for c in row}
    cells |= set(advice_check.OUTCOMES)  # any of them may be a data set's outcome
    assert set(CELLS.texts) <= cells, set(CELLS.texts) - cells


def test_notes_zh_must_pair_with_notes():
    with pytest.raises(ParameterError, match=r"`notes_zh` of result 'x' must have one "
                                             r"Chinese note per note \(1\); got 2"):
        Result("x", {}, {}, (), Verdict("supported", "r", "r"), notes=("a",),
               notes_zh=("甲", "乙"))
