"""Sweeps: planning, resumable JSONL records, interruption, the Ray backend, the CLI."""

from __future__ import annotations

import json

import pytest

from actloss.cli import main
from actloss.errors import ParameterError, UnknownNameError
from actloss.lab import sweep as S
from actloss.lab.report import report_from_sweep

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lab")]

# A cheap experiment with a random effect: quick quantile regression, few steps.
SETS = {"steps": "60", "n_train": "400"}


def _trials(seeds: int = 3) -> list[S.Trial]:
    return S.plan("quantile", seeds=seeds, quick=True, sets=SETS)


def _numbers(rec: dict) -> tuple:
    r = rec["result"]
    return rec["seed"], rec["effect"], json.dumps(r["metrics"], sort_keys=True)


def test_plan_grid_and_deterministic_experiments() -> None:
    t = S.plan("dying-relu", seeds=2, quick=True,
               sets={"epochs": "1,2", "activations": "relu,leaky_relu,elu/relu,elu,leaky_relu"})
    assert len(t) == 2 * 2 * 2 and len({x.key for x in t}) == 8
    assert {x.seed for x in t} == {0, 1}
    assert sum(x.figure for x in t) == 4  # the first seed of every grid point
    # a deterministic check runs its first seed only
    assert [x.seed for x in S.plan("backprop-by-hand", seeds=5, quick=True)] == [0]
    assert [x.seed for x in S.plan("quantile", seeds=[3, 7], quick=True)] == [3, 7]


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"seeds": 0}, ParameterError, r"`seeds` of sweep must be an int in \[1, inf\); got 0"),
    ({"seeds": [1, 1]}, ParameterError, "`seeds` of sweep must be distinct ints"),
    ({"seeds": 2, "sets": {"stepz": "1"}}, ParameterError, "has no setting `stepz`"),
    ({"seeds": 2, "sets": {"steps": "-1"}}, ParameterError, "`steps` of experiment quantile"),
    ({"seeds": 2, "sets": {"steps": ","}}, ParameterError, "must give at least one value"),
])
def test_plan_errors(kwargs: dict, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        S.plan("quantile", quick=True, **kwargs)


def test_plan_unknown_experiment() -> None:
    with pytest.raises(UnknownNameError, match="unknown experiment 'quantil'; did you mean"):
        S.plan("quantil", seeds=2)


def test_run_sweep_errors(tmp_path) -> None:
    with pytest.raises(ParameterError, match="`backend` of sweep must be one of 'local', 'ray'"):
        S.run_sweep([], tmp_path, backend="dask")
    with pytest.raises(ParameterError, match=r"`workers` of sweep must be an int in \[1, inf\)"):
        S.run_sweep([], tmp_path, workers=0)
    with pytest.raises(ParameterError, match="`address` of sweep needs backend 'ray'"):
        S.run_sweep([], tmp_path, address="ray://x:1")
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ParameterError, match="`out_dir` of sweep must be a directory"):
        S.run_sweep([], f)


def test_resume_after_interruption(tmp_path) -> None:
    trials = _trials(3)
    seen: list[int] = []

    def stop_after_two(rec: dict, done: int, total: int) -> None:
        seen.append(rec["seed"])
        if done == 2:
            raise KeyboardInterrupt  # Ctrl-C after the second finished trial

    with pytest.raises(KeyboardInterrupt):
        S.run_sweep(trials, tmp_path, workers=1, progress=stop_after_two)
    assert len(S.load_records(tmp_path)) == 2  # both finished trials were recorded
    # a write torn by a kill: the partial line is skipped and the next record starts afresh
    with (tmp_path / S.RECORDS).open("a", encoding="utf-8") as fh:
        fh.write('{"key": "torn')
    ran: list[int] = []
    res = S.run_sweep(trials, tmp_path, workers=1,
                      progress=lambda rec, done, total: ran.append(rec["seed"]))
    assert res.ran == 1 and res.skipped == 2
    assert sorted(ran) == sorted({0, 1, 2} - set(seen))  # no trial ran twice
    records = S.load_records(tmp_path)
    assert sorted(r["seed"] for r in records) == [0, 1, 2]
    lines = (tmp_path / S.RECORDS).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and sum(1 for line in lines if line.startswith('{"key":"')) == 3
    # everything recorded: a rerun runs nothing
    assert S.run_sweep(trials, tmp_path, workers=1).ran == 0


def test_local_pool_and_ray_give_the_same_numbers(tmp_path) -> None:
    trials = _trials(2)
    pool = S.run_sweep(trials, tmp_path / "pool", workers=2)
    assert pool.backend == "local" and pool.ran == 2
    # the figure of the first seed travels with its record
    assert [r["seed"] for r in pool.records if r["figure"]] == [0]
    pytest.importorskip("ray")
    # a local Ray instance with 2 CPUs and a 100 MB object store, shut down afterwards
    ray_res = S.run_sweep(trials, tmp_path / "ray", backend="ray", workers=2)
    import ray

    assert not ray.is_initialized()
    assert ray_res.backend == "ray" and ray_res.ran == 2
    assert sorted(map(_numbers, ray_res.records)) == sorted(map(_numbers, pool.records))


def test_report_from_sweep_and_cli(tmp_path, capsys) -> None:
    out = tmp_path / "sweep"
    code = main(["lab", "sweep", "quantile", "--seeds", "2", "--quick", "--workers", "1",
                 "--set", "steps=40,60", "--set", "n_train=400", "--out", str(out)])
    assert code in (0, None)
    assert "4 trial(s) run, 0 already recorded" in capsys.readouterr().out
    main(["lab", "sweep", "quantile", "--seeds", "3", "--quick", "--workers", "1",
          "--set", "steps=40,60", "--set", "n_train=400", "--out", str(out)])
    assert "2 trial(s) run, 4 already recorded" in capsys.readouterr().out
    res = report_from_sweep(out, lang="zh")
    data = json.loads(res.json_path.read_text(encoding="utf-8"))
    assert [e["settings"]["steps"] for e in data["experiments"]] == ["40", "60"]
    for e in data["experiments"]:
        v = e["verdict"]
        assert v["seeds"] == 3 and e["seeds"] == [0, 1, 2] and not v["deterministic"]
        lo, hi = v["interval"]
        assert lo < v["effect"] < hi
        assert v["label"] in ("supported", "not supported", "inconclusive")
    html = res.html_path.read_text(encoding="utf-8")
    assert "steps=40" in html and "个随机种子" in html
    assert "actloss lab run quantile --set n_train=400 --set steps=40<" in html
    main(["report", "--from", str(out), "--out", str(tmp_path / "rep")])
    assert "effect [95% interval]" in capsys.readouterr().out


def test_report_from_empty_dir(tmp_path) -> None:
    with pytest.raises(ParameterError, match="`--from` must be a sweep directory with "
                                             "trials.jsonl; found no trial records"):
        report_from_sweep(tmp_path)
