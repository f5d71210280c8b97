"""`actloss lab sweep --backend ray --address ADDR` against a real, separately started
Ray head (`ray start --head`): the same numbers as the local backend, and a resumed rerun.

The head is started by this test with 2 CPUs, a 100 MB object store and no dashboard, in
its own temporary directory, and its processes are ended by their ids when the test ends
(``ray stop`` is not used: it would end every Ray instance of this user on the machine).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import actloss
from actloss.errors import ParameterError
from actloss.lab import sweep as S

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ray")]

ray = pytest.importorskip("ray", reason="the Ray backend needs Ray (pip install 'actloss[ray]')")

SRC = str(Path(actloss.__file__).resolve().parents[1])  # the sources under test
TOKEN = uuid.uuid4().hex + uuid.uuid4().hex  # this test's cluster token, not ~/.ray's
SETS = {"steps": "40", "n_train": "300"}
SWEEP = ["lab", "sweep", "quantile", "--quick", *(a for k, v in SETS.items()
                                                   for a in ("--set", f"{k}={v}"))]


def _ray_cli() -> str:
    here = Path(sys.executable).with_name("ray")
    found = str(here) if here.exists() else shutil.which("ray")
    if found is None:
        pytest.skip("Ray is importable but its `ray` command is not on this environment")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([SRC, *filter(None, [env.get("PYTHONPATH")])])
    # a cluster with token authentication, as Ray starts by default: the head and the
    # driver share this test's token (`--address` never turns token auth on by itself)
    env.update(RAY_USAGE_STATS_ENABLED="0", OMP_NUM_THREADS="1", RAY_AUTH_MODE="token",
               RAY_AUTH_TOKEN=TOKEN)
    return env


def _descendants(pid: int) -> list[int]:
    import psutil  # a dependency of Ray

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _end(pids: list[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


@pytest.fixture
def ray_head() -> Iterator[str]:
    """The address of a Ray head started with `ray start --head --block` for this test."""
    port = _free_port()
    temp = tempfile.mkdtemp(prefix="alray")  # short: Ray's socket paths must fit 107 bytes
    cmd = [_ray_cli(), "start", "--head", "--block", "--num-cpus", "2",
           "--object-store-memory", "100000000", "--port", str(port),
           "--include-dashboard=false", "--disable-usage-stats", "--temp-dir", temp]
    head = subprocess.Popen(cmd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    started: set[int] = set()
    try:
        address = f"127.0.0.1:{port}"
        deadline = time.monotonic() + 45
        while True:  # ready once the GCS answers on its port and a raylet is up
            started.update(_descendants(head.pid))
            if head.poll() is not None:
                out = head.stdout.read().decode(errors="replace") if head.stdout else ""
                pytest.fail(f"`ray start --head` exited with {head.returncode}:\n{out[-3000:]}")
            if any("raylet" in _name(p) for p in started) and _listening(port):
                break
            if time.monotonic() > deadline:
                pytest.fail("the Ray head did not come up within 45 s")
            time.sleep(0.5)
        yield address
    finally:
        started.update(_descendants(head.pid))
        _end([head.pid], signal.SIGTERM)  # --block: the command ends the processes it started
        try:
            head.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        started.update(_descendants(head.pid))
        left = [p for p in [head.pid, *started] if _alive(p)]
        _end(left, signal.SIGKILL)
        if head.poll() is None:
            head.wait(timeout=10)
        shutil.rmtree(temp, ignore_errors=True)


def _name(pid: int) -> str:
    import psutil

    try:
        return " ".join(psutil.Process(pid).cmdline())
    except psutil.Error:
        return ""


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _cli(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "actloss", *args], env=_env(), text=True,
                          capture_output=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _numbers(rec: dict) -> tuple:
    return rec["seed"], rec["effect"], json.dumps(rec["result"]["metrics"], sort_keys=True)


def test_sweep_on_an_existing_ray_cluster(ray_head: str, tmp_path: Path) -> None:
    on_ray, local = tmp_path / "ray", tmp_path / "local"
    first = _cli([*SWEEP, "--seeds", "1", "--backend", "ray", "--address", ray_head,
                  "--out", str(on_ray)])
    assert "1 trial(s) run, 0 already recorded" in first.stdout
    # a rerun with one more seed resumes: it runs only the new seed on the cluster
    again = _cli([*SWEEP, "--seeds", "2", "--backend", "ray", "--address", ray_head,
                  "--out", str(on_ray)])
    assert "1 trial(s) run, 1 already recorded" in again.stdout
    assert "seed 1" in again.stderr and "seed 0" not in again.stderr
    # the same trials on this machine, in this process (each trial runs single-threaded)
    S.run_sweep(S.plan("quantile", seeds=2, quick=True, sets=SETS), local, workers=1)
    ray_records, local_records = S.load_records(on_ray), S.load_records(local)
    assert sorted(r["seed"] for r in ray_records) == [0, 1]
    # the same seeds give the same numbers on the cluster and on this machine
    assert sorted(map(_numbers, ray_records)) == sorted(map(_numbers, local_records))
    # the cluster is still there afterwards: the sweep did not shut down what it did not start
    assert _listening(int(ray_head.rsplit(":", 1)[1]))


def test_address_of_a_missing_cluster_is_refused(tmp_path: Path) -> None:
    """Nothing listens there: a clear error at once (``ray.init`` would retry for minutes)."""
    port = _free_port()
    trials = S.plan("quantile", seeds=1, quick=True, sets=SETS)
    with pytest.raises(ParameterError, match=rf"no Ray cluster answers at 127\.0\.0\.1:{port} "
                                             r"\(.*\); start one with `ray start --head`"):
        S.run_sweep(trials, tmp_path, backend="ray", address=f"127.0.0.1:{port}")
    assert S.load_records(tmp_path) == []
    assert not ray.is_initialized()


def test_a_cluster_that_refuses_the_driver_is_named(tmp_path: Path, monkeypatch) -> None:
    """Something listens, but Ray cannot join it (a token-authenticated cluster joined
    without its token fails so after about 40 s of retries: stood in for here)."""
    def refuse(**kwargs):
        raise ConnectionError(f"Failed to connect to Ray cluster at {kwargs['address']}")

    monkeypatch.setattr(ray, "init", refuse)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"127.0.0.1:{server.getsockname()[1]}"
        trials = S.plan("quantile", seeds=1, quick=True, sets=SETS)
        with pytest.raises(ParameterError, match=rf"could not join the Ray cluster at "
                                                 rf"'{address}': Failed to connect .*; a cluster "
                                                 r"with token authentication needs "
                                                 r"RAY_AUTH_MODE=token"):
            S.run_sweep(trials, tmp_path, backend="ray", address=address)
    assert S.load_records(tmp_path) == []
