"""The advice-check experiment: its interval, its rule, and its verdict on the advisor.

The interval is compared with SciPy's own Student-t interval; the rule with hand-made
numbers; the quick run checks that the advisor's choice holds on every data set.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from actloss import advise
from actloss.lab import experiments as E
from actloss.lab.experiments import advice_check as A

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lab")]


def test_t_interval_matches_scipy():
    v = np.array([0.91, 0.94, 0.9, 0.93, 0.95])
    m, lo, hi = A.t_interval(v)
    ref = stats.t.interval(0.95, v.size - 1, loc=v.mean(), scale=stats.sem(v))
    assert m == pytest.approx(float(v.mean()), rel=1e-12)
    assert (lo, hi) == pytest.approx(ref, rel=1e-9)
    # by hand for two values: mean +- t(0.975, 1) * s / sqrt(2), t(0.975, 1) = 12.7062
    m, lo, hi = A.t_interval([1.0, 2.0])
    assert hi - m == pytest.approx(12.7062047 * math.sqrt(0.5) / math.sqrt(2), rel=1e-6)
    assert A.t_interval([3.0]) == (3.0, 3.0, 3.0)


def _rows(**cands):
    return {k: {"mean": m, "lo": lo, "hi": hi} for k, (m, lo, hi) in cands.items()}


def test_rule_per_data_set():
    ds = A.DATASETS[0]  # higher is better
    assert ds.higher_is_better
    rows = _rows(best=(0.9, 0.85, 0.95), advisor=(0.87, 0.83, 0.91))
    assert A._judge_one(ds, rows, "advisor") == "holds"  # inside the best's interval
    rows = _rows(best=(0.9, 0.88, 0.92), advisor=(0.8, 0.75, 0.85))
    assert A._judge_one(ds, rows, "advisor") == "fails"  # intervals apart
    rows = _rows(best=(0.9, 0.88, 0.92), advisor=(0.86, 0.8, 0.89))
    assert A._judge_one(ds, rows, "advisor") == "unclear"  # overlap, mean outside
    low = next(d for d in A.DATASETS if not d.higher_is_better)
    rows = _rows(best=(1.0, 0.9, 1.1), advisor=(2.0, 1.9, 2.1))
    assert A._judge_one(low, rows, "advisor") == "fails"  # lower is better: 2 is worse
    assert A._judge_one(low, rows, "best") == "holds"


def test_verdict_needs_every_data_set():
    def verdict(*outcomes):
        return A.judge({"datasets": {f"d{i}": {"outcome": o}
                                     for i, o in enumerate(outcomes)}}).status

    assert verdict("holds", "holds") == "supported"
    assert verdict("holds", "unclear") == "inconclusive"
    assert verdict("holds", "unclear", "fails") == "not supported"


def test_data_sets_cover_the_tasks():
    assert len(A.DATASETS) >= 8
    assert {d.task for d in A.DATASETS} >= {"binary", "multiclass", "multilabel",
                                             "regression", "count", "quantile"}
    pos = {d.name: float(np.mean(d.build(np.random.default_rng(0))[1]))
           for d in A.DATASETS if d.task == "binary"}
    assert pos["imbalanced-2.7%"] == pytest.approx(0.027, abs=0.003)
    _x, y = next(d for d in A.DATASETS if d.name == "prices-lognormal").build(None)
    assert 1e5 < float(np.median(y)) < 2.5e5 and y.min() > 0


def test_candidate_from_advice_follows_the_transform():
    rng = np.random.default_rng(0)
    a = advise(y=np.exp(12.0 + 0.6 * rng.normal(size=300)))
    c = A.from_advice(a)
    assert (c.loss, c.output, c.transform) == ("mse", "identity", "log")
    b = A.from_advice(advise("binary", imbalance=0.05))
    assert b.output == "identity" and b.params == {"pos_weight": pytest.approx(19.0)}


def test_quick_run_supports_the_advisor():
    exp = E.get("advice-check")
    assert "advice-check" in E.names()
    result = exp.run(exp.config(quick=True))
    data = result.metrics["datasets"]
    assert len(data) == len(A.DATASETS)
    for name, d in data.items():
        assert d["choice"] in d["candidates"], name
        for r in d["candidates"].values():
            assert len(r["values"]) == 2 and r["lo"] <= r["mean"] <= r["hi"]
            assert all(math.isfinite(v) for v in r["values"])
    # the cases the advisor used to get wrong: the diabetes score is not counts, skewed
    # prices are log-transformed
    assert "poisson" not in data["diabetes"]["advice"]
    assert "log(y)" in data["prices-lognormal"]["advice"]
    assert result.verdict.status == "supported", result.verdict.because
    summary, table = result.tables
    assert len(summary.rows) == len(A.DATASETS)
    assert len(table.rows) == sum(len(d["candidates"]) for d in data.values())
    assert all(len(t.columns_zh) == len(t.columns) for t in result.tables)
    assert result.to_json()["verdict"]["status"] == "supported"
    fig = exp.figure(result)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == len(A.DATASETS)
