"""Sweeps: an experiment's trials over seeds and a settings grid, run in parallel.

A *trial* is one run of one experiment with one seed and one point of the settings
grid. :func:`plan` lists the trials; :func:`run_sweep` runs those not yet recorded and
appends one JSON line per finished trial to ``DIR/trials.jsonl`` (written with one
``write`` call, then flushed to disk), so that

- a rerun of the same sweep resumes: it reads the records and runs no trial twice;
- an interruption (Ctrl-C, a killed process) loses no finished trial; a torn last line
  is skipped when the records are read back.

Two backends run the trials: ``'local'`` (a process pool on this machine,
:mod:`concurrent.futures`) and ``'ray'`` (a local Ray instance, or an existing cluster
at ``address``; Ray is an optional extra, imported only here). Every trial seeds all of
its random draws from its seed and runs single-threaded, so the same seeds give the same
numbers on both backends. :func:`actloss.lab.report.build_report` runs its experiments
through :func:`run_sweep`, and :func:`actloss.lab.report.report_from_sweep` turns a
sweep's directory into the report.
"""

from __future__ import annotations

import itertools
import json
import os
import time
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actloss.errors import ParameterError

__all__ = ["RECORDS", "SweepResult", "Trial", "grid", "load_records", "plan", "run_sweep",
           "run_trial"]

RECORDS = "trials.jsonl"
BACKENDS = ("local", "ray")


@dataclass(frozen=True)
class Trial:
    """One run: an experiment, a seed, quick or full settings and one grid point.

    ``settings`` holds ``--set`` values (strings, or Python values) by setting name;
    ``figure`` asks the trial to render the experiment's figure too (the report shows
    the figure of the first seed).
    """

    experiment: str
    seed: int
    quick: bool = False
    settings: tuple[tuple[str, Any], ...] = ()
    figure: bool = False

    @property
    def key(self) -> str:
        """The trial's identity in the records (the figure flag is not part of it)."""
        return json.dumps([self.experiment, bool(self.quick), sorted(self.settings),
                           int(self.seed)], ensure_ascii=False, default=str)


def grid(experiment: str, sets: Mapping[str, str] | None) -> list[dict[str, str]]:
    """The grid points of ``--set key=v1,v2`` strings, in order.

    A scalar setting's values are separated by commas; a list-valued setting (such as
    ``activations``) takes one comma-separated list per point, points separated by ``/``.

    >>> grid("dying-relu", {"epochs": "1,2", "activations": "relu,leaky_relu,elu"})
    [{'epochs': '1', 'activations': 'relu,leaky_relu,elu'}, {'epochs': '2', \
'activations': 'relu,leaky_relu,elu'}]
    """
    from actloss.lab import experiments as E

    exp = E.get(experiment)
    hints = typing.get_type_hints(exp.config_cls)
    axes: list[list[tuple[str, str]]] = []
    for key, raw in (sets or {}).items():
        if key not in hints:
            exp.config(overrides={key: raw})  # raises the one "no setting" error
        sep = "/" if typing.get_origin(hints[key]) is tuple else ","
        values = [v.strip() for v in str(raw).split(sep) if v.strip()]
        if not values:
            raise ParameterError(f"`--set {key}` of sweep must give at least one value; "
                                 f"got {raw!r}")
        axes.append([(key, v) for v in values])
    return [dict(point) for point in itertools.product(*axes)]


def plan(experiment: str, *, seeds: int | Sequence[int], quick: bool = False,
         sets: Mapping[str, str] | None = None) -> list[Trial]:
    """The trials of ``experiment``: every grid point times every seed.

    ``seeds`` is a count (seeds 0 .. n-1) or the seeds themselves. A deterministic
    experiment (its numbers do not depend on the seed) runs its first seed only. Every
    grid point's configuration is validated here, before anything runs.
    """
    from actloss.lab import experiments as E

    exp = E.get(experiment)
    if isinstance(seeds, bool) or (isinstance(seeds, int) and seeds < 1):
        raise ParameterError(f"`seeds` of sweep must be an int in [1, inf); got {seeds!r}")
    seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if not seed_list or len(set(seed_list)) != len(seed_list) or min(seed_list) < 0:
        raise ParameterError(f"`seeds` of sweep must be distinct ints >= 0; got {seeds!r}")
    if exp.deterministic:
        seed_list = seed_list[:1]
    out = []
    for point in grid(exp.name, sets):
        for s in seed_list:
            exp.config(quick=quick, seed=s, overrides=point)  # validate now
            out.append(Trial(exp.name, s, quick, tuple(sorted(point.items())),
                             figure=s == seed_list[0]))
    return out


def run_trial(trial: Trial) -> dict[str, Any]:
    """Run one trial and return its record (JSON-ready)."""
    from actloss.lab import experiments as E
    from actloss.lab.report import figure_to_base64

    exp = E.get(trial.experiment)
    cfg = exp.config(quick=trial.quick, seed=trial.seed, overrides=dict(trial.settings))
    wall, cpu = time.perf_counter(), time.process_time()
    result = exp.run(cfg)
    cpu = time.process_time() - cpu
    record: dict[str, Any] = {
        "key": trial.key, "experiment": exp.name, "seed": trial.seed, "quick": trial.quick,
        "settings": dict(trial.settings), "effect": exp.effect_value(result),
        "result": result.to_json(), "cpu_seconds": round(cpu, 3),
        "wall_seconds": round(time.perf_counter() - wall, 3), "figure": None,
    }
    if trial.figure:
        record["figure"] = figure_to_base64(exp.figure(result))
    return record


def load_records(out_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The finished trials recorded in ``out_dir`` (a torn or unreadable line is skipped;
    a trial recorded twice counts once)."""
    path = Path(out_dir).expanduser() / RECORDS
    if not path.exists():
        return []
    seen: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                continue  # torn by an interruption mid-write
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict) and "key" in rec:
                seen.setdefault(rec["key"], rec)
    return list(seen.values())


class _Records:
    """Appends one record per line: one ``os.write`` of the whole line, then ``fsync``."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        size = os.fstat(self.fd).st_size
        if size:
            with path.open("rb") as fh:
                fh.seek(size - 1)
                if fh.read(1) != b"\n":  # a torn last line: start the next record afresh
                    os.write(self.fd, b"\n")

    def write(self, record: Mapping[str, Any]) -> None:
        data = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]
        os.fsync(self.fd)

    def close(self) -> None:
        os.close(self.fd)


@dataclass(frozen=True)
class SweepResult:
    """Every record of the sweep (those found and those run now), and what ran now."""

    path: Path
    records: list[dict[str, Any]]
    ran: int
    skipped: int
    seconds: float
    backend: str = "local"
    keys: list[str] = field(default_factory=list)

    def for_trials(self, trials: Iterable[Trial]) -> list[dict[str, Any]]:
        """The records of ``trials``, in their order."""
        by_key = {r["key"]: r for r in self.records}
        return [by_key[t.key] for t in trials if t.key in by_key]


def run_sweep(trials: Sequence[Trial], out_dir: str | os.PathLike[str], *,
              backend: str = "local", address: str | None = None, workers: int = 2,
              progress: Callable[[dict[str, Any], int, int], None] | None = None
              ) -> SweepResult:
    """Run the ``trials`` not yet recorded in ``out_dir`` and record each as it finishes.

    Args:
        trials: from :func:`plan` (several plans may be concatenated).
        out_dir: the sweep's directory; ``trials.jsonl`` inside it holds the records.
        backend: ``'local'`` (process pool) or ``'ray'``.
        address: with ``backend='ray'``, an existing cluster's address (default: start a
            local instance with ``workers`` CPUs and shut it down afterwards).
        workers: parallel trials (local pool size; CPUs of a local Ray instance);
            1 runs the trials in this process.
        progress: called as ``progress(record, done, total)`` after each finished trial.

    Raises:
        ParameterError: an unknown backend, ``workers`` < 1, ``address`` without Ray,
            nothing answers at ``address`` (or the cluster there refuses this process),
            or ``out_dir`` is a file.
        KeyboardInterrupt: passed on after the pending trials are cancelled; every
            finished trial is already recorded.
    """
    if backend not in BACKENDS:
        raise ParameterError(f"`backend` of sweep must be one of 'local', 'ray'; got {backend!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ParameterError(f"`workers` of sweep must be an int in [1, inf); got {workers!r}")
    if address is not None and backend != "ray":
        raise ParameterError(f"`address` of sweep needs backend 'ray'; got backend {backend!r}")
    out = Path(out_dir).expanduser()
    if out.exists() and not out.is_dir():
        raise ParameterError(f"`out_dir` of sweep must be a directory; got the file {str(out)!r}")
    start = time.perf_counter()
    found = {r["key"]: r for r in load_records(out)}
    todo, seen = [], set()
    for t in trials:
        if t.key not in found and t.key not in seen:
            todo.append(t)
            seen.add(t.key)
    new: list[dict[str, Any]] = []
    total = len(todo)
    writer = _Records(out / RECORDS)

    def finished(record: dict[str, Any]) -> None:
        writer.write(record)
        new.append(record)
        if progress is not None:
            progress(record, len(new), total)

    try:
        if not todo:
            pass
        elif backend == "ray":
            _run_ray(todo, finished, address, workers)
        elif workers == 1 or total == 1:
            for t in todo:
                finished(run_trial(t))
        else:
            _run_pool(todo, finished, workers)
    finally:
        writer.close()
    records = list(found.values()) + new
    return SweepResult(out / RECORDS, records, len(new), len(trials) - len(todo),
                       round(time.perf_counter() - start, 3), backend,
                       [t.key for t in trials])


def _init_worker() -> None:
    import matplotlib

    matplotlib.use("Agg")


def _run_pool(todo: Sequence[Trial], finished: Callable[[dict[str, Any]], None],
              workers: int) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # spawn: a fresh interpreter per worker (forking a process whose torch/OpenMP threads
    # are running can deadlock)
    pool = ProcessPoolExecutor(max_workers=min(workers, len(todo)),
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker)
    try:
        pending = {pool.submit(run_trial, t) for t in todo}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                finished(fut.result())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """A clear error at once where nothing listens at a ``host:port`` address (``ray.init``
    would retry for minutes); ``'auto'`` and other forms are left to Ray."""
    import socket

    hostport = address.removeprefix("ray://")
    host, sep, port = hostport.rpartition(":")
    if not sep or not host or not port.isdigit():
        return
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except OSError as exc:
        raise ParameterError(f"no Ray cluster answers at {address} ({exc.strerror or exc}); "
                             "start one with `ray start --head` or pass its address") from None


def _run_ray(todo: Sequence[Trial], finished: Callable[[dict[str, Any]], None],
             address: str | None, workers: int) -> None:
    try:
        import ray
    except ImportError:  # pragma: no cover - ray is installed by `make`
        raise ParameterError("backend 'ray' needs Ray: pip install 'actloss[ray]'") from None
    started = False
    if not ray.is_initialized():
        if address is not None:
            _check_reachable(address)
            try:
                ray.init(address=address, log_to_driver=False)
            except ConnectionError as exc:
                raise ParameterError(
                    f"could not join the Ray cluster at {address!r}: {exc}; a cluster with "
                    "token authentication needs RAY_AUTH_MODE=token and its token "
                    "(RAY_AUTH_TOKEN, or ~/.ray/auth_token) in this environment") from None
        else:
            # a small local instance: `workers` CPUs, a 100 MB object store, no dashboard
            ray.init(num_cpus=workers, object_store_memory=100 * 1024 * 1024,
                     include_dashboard=False, log_to_driver=False)
        started = True
    refs: list[Any] = []
    try:
        remote = ray.remote(num_cpus=1, max_retries=0)(run_trial)
        refs = [remote.remote(t) for t in todo]
        pending = list(refs)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                finished(ray.get(ref))
    except BaseException:
        for ref in refs:
            ray.cancel(ref, force=True)
        raise
    finally:
        if started:
            ray.shutdown()
