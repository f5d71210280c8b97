"""The command line's contract under malformed files and arguments.

Every failure of every subcommand is one line on stderr starting with ``error:`` and
exit code 2 (``check``: 1 means "errors found"); nothing hangs. Most cases run
in-process through :func:`actloss.cli.main`; ``check`` runs the user's file in a child
process, so its cases and the Ctrl-C case start real processes (a few seconds each).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actloss.cli import main

SRC = Path(__file__).resolve().parents[2] / "src"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_one_error_line(code: int, err: str, *, expect_code: int = 2,
                          match: str | None = None) -> None:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == expect_code, f"exit {code}, stderr: {err!r}"
    assert len(lines) == 1 and lines[0].startswith("error:"), f"stderr: {err!r}"
    assert "Traceback" not in err
    if match is not None:
        assert match in lines[0], lines[0]


# ------------------------------------------------------------------------ fixed cases
@pytest.fixture
def files(tmp_path):
    f = {}

    def w(name: str, data: bytes) -> None:
        p = tmp_path / name
        p.write_bytes(data)
        f[name.removesuffix(".csv")] = str(p)

    w("latin1.csv", "a,label\n1,caf\xe9\n2,na\xefve\n".encode("latin-1"))
    w("binary.csv", bytes(range(256)) * 4)
    w("huge_field.csv", b"a,label\n1," + b"x" * (200 * 1024) + b"\n")
    w("ragged.csv", b"a,b,label\n1,2,0\n3,1\n4,5,1,9\n")
    w("empty.csv", b"")
    w("header_only.csv", b"a,label\n")
    w("mixed_column.csv", b"a,label\n1,0\nfoo,1\n3,0\n")
    w("dup.csv", b"a,a,label\n1,2,0\n")
    w("a_file", b"x")
    f["dir"] = str(tmp_path)
    f["below_file"] = str(tmp_path / "a_file" / "out")
    return f


CASES = [
    # (label, argv with {placeholders}, a part of the expected error line)
    ("unknown command", ["nosuchcmd"], "No such command"),
    ("version extra", ["version", "x"], "unexpected extra argument"),
    ("list bad kind", ["list", "nosuch"], ""),
    ("show unknown", ["show", "hubr"], "did you mean 'huber'"),
    ("show empty", ["show", ""], ""),
    ("show control chars", ["show", "\x01\x02"], ""),
    ("show bad lang", ["show", "relu", "--lang", "fr"], "--lang"),
    ("plot unknown", ["plot", "nosuch", "--out", "{below_file}.png"], "nosuch"),
    ("plot bad suffix", ["plot", "relu", "--out", "{dir}/x.txt"], "must end in"),
    ("plot out below a file", ["plot", "relu", "--out", "{below_file}/p.png"], ""),
    ("plot-loss bad task", ["plot-loss", "mse", "--task", "nosuch"], "--task"),
    ("gallery bad cols", ["gallery", "--cols", "x"], ""),
    ("advise bad task", ["advise", "--task", "binray"], "did you mean 'binary'"),
    ("advise imbalance 2", ["advise", "--task", "binary", "--imbalance", "2"], "imbalance"),
    ("advise imbalance nan", ["advise", "--task", "binary", "--imbalance", "nan"], "imbalance"),
    ("advise quantiles", ["advise", "--task", "quantile", "--quantiles", "a,b"], "quantiles"),
    ("advise missing file", ["advise", "{dir}/nosuch.csv", "-t", "label"], "not found"),
    ("advise target w/o file", ["advise", "-t", "label"], "needs a data file"),
    ("advise latin1", ["advise", "{latin1}", "-t", "label"], "not UTF-8 text"),
    ("advise binary", ["advise", "{binary}", "-t", "label"], "binary file"),
    ("advise huge field", ["advise", "{huge_field}", "-t", "label"], "over 128 KiB"),
    ("advise ragged", ["advise", "{ragged}", "-t", "label"], "line 3"),
    ("advise empty", ["advise", "{empty}", "-t", "label"], "is empty"),
    ("advise header only", ["advise", "{header_only}", "-t", "label"], "no data rows"),
    ("advise mixed column", ["advise", "{mixed_column}", "-t", "label"],
     "holds numbers and text: 'foo' on line 3"),
    ("advise duplicate column", ["advise", "{dup}", "-t", "label"], "two columns"),
    ("advise no target", ["advise", "{ragged}"], "--target is required"),
    ("check missing file", ["check", "{dir}/nosuch.py"], "not found"),
    ("check bad lang", ["check", "{dir}/nosuch.py", "--lang", "fr"], "--lang"),
    ("check bad timeout", ["check", "{dir}/nosuch.py", "--timeout", "0"], "--timeout"),
    ("monitor gated", ["monitor", "--activation", "glu"], "halves its input"),
    ("monitor grouped", ["monitor", "--activation", "maxout"], "pools groups"),
    ("monitor huge", ["monitor", "--hidden", "100000000"], "more than the monitor's limit"),
    ("monitor widths", ["monitor", "--hidden", "a,b"], "--hidden"),
    ("monitor zero width", ["monitor", "--hidden", "0"], "--hidden"),
    ("monitor epochs", ["monitor", "--epochs", "0"], "--epochs"),
    ("monitor batch", ["monitor", "--batch-size", "-1"], "--batch-size"),
    ("monitor every", ["monitor", "--every", "0"], "--every"),
    ("monitor lr", ["monitor", "--lr", "nan"], "--lr"),
    ("monitor unknown activation", ["monitor", "-a", "nosuch"], "unknown activation"),
    ("monitor figure suffix", ["monitor", "--figure", "{dir}/f.txt"], "--figure"),
    ("monitor figure below a file", ["monitor", "--figure", "{below_file}/f.png"], "--figure"),
    ("monitor lang", ["monitor", "--lang", "fr"], "--lang"),
    ("bench out below a file", ["bench", "--out", "{below_file}"], "not writable"),
    ("bench empty only", ["bench", "--only", ",", "--out", "{dir}/b"], "--only"),
    ("kernels extra", ["kernels", "x"], "unexpected extra argument"),
    ("lab run unknown", ["lab", "run", "nosuch"], "unknown"),
    ("lab run bad set", ["lab", "run", "dying_relu", "--set", "nokey"], ""),
    ("lab run bad seed", ["lab", "run", "dying_relu", "--seed", "x"], "--seed"),
    ("report bad lang", ["report", "--lang", "fr", "--out", "{dir}/r"], ""),
]


@pytest.mark.parametrize(("label", "argv", "match"), CASES, ids=[c[0] for c in CASES])
def test_malformed_input_is_one_error_line_and_exit_2(capsys, files, label, argv, match):
    argv = [a.format(**files) if "{" in a else a for a in argv]
    code, _, err = run(capsys, *argv)
    assert_one_error_line(code, err, match=match or None)


def test_bench_only_nosuch_suggests_cases(tmp_path):
    # the suite's own process validates --only before timing anything
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    p = subprocess.run([sys.executable, "-m", "actloss", "bench", "--only", "relx",
                        "--out", str(tmp_path / "b")], capture_output=True, text=True,
                       timeout=120, env=env)
    assert_one_error_line(p.returncode, p.stderr, match="did you mean 'relu'")


# -------------------------------------------------------- check: the user's code isolated
USER_FILES = {
    "exit_import.py": ("import sys\nsys.exit(0)\n", "called sys.exit(0)"),
    "exit_factory.py": ("import sys\ndef make():\n    sys.exit(0)\n", "called sys.exit(0)"),
    "os_exit.py": ("import os\ndef make():\n    os._exit(0)\n", "before reporting"),
    "loop.py": ("def make():\n    while True:\n        pass\n", "did not finish within 4 s"),
    "forward_raises.py": (
        "import torch\n"
        "class M(torch.nn.Module):\n"
        "    def forward(self, x):\n"
        "        raise RuntimeError('forward broke')\n"
        "def make():\n"
        "    return M(), torch.nn.functional.mse_loss, torch.zeros(2, 3), torch.zeros(2, 3)\n",
        "forward broke"),
    "returns_none.py": ("def make():\n    return None\n", "must return (model, loss"),
    "syntax.py": ("def make(:\n", "SyntaxError"),
    "interrupt.py": ("raise KeyboardInterrupt\n", "KeyboardInterrupt"),
}


@pytest.mark.parametrize("fname", sorted(USER_FILES))
def test_check_never_passes_when_nothing_was_checked(capsys, tmp_path, fname):
    text, match = USER_FILES[fname]
    p = tmp_path / fname
    p.write_text(text, encoding="utf-8")
    t0 = time.monotonic()
    # a short limit for the endless loop; a generous one where torch must load first
    code, out, err = run(capsys, "check", f"{p}:make", "--timeout",
                         "4" if fname == "loop.py" else "120")
    assert time.monotonic() - t0 < 60
    assert_one_error_line(code, err, match=match)
    assert "no problems found" not in out


def test_python_dash_m_and_ctrl_c_give_one_line_and_130(tmp_path):
    p = tmp_path / "loop.py"
    p.write_text("def make():\n    while True:\n        pass\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen([sys.executable, "-m", "actloss", "check", str(p), "--timeout",
                             "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            text=True)
    time.sleep(4.0)  # the child is running the user's loop by now
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert_one_error_line(proc.returncode, err, expect_code=130, match="interrupted")


# ------------------------------------------------------------------- Hypothesis: argv
_JUNK = st.one_of(st.text(max_size=12), st.sampled_from(
    ["-1", "0", "nan", "inf", "1e400", "--", "-", "", "relu", "mse", "zh", "fr", "x,y",
     "--json", "--help=1", "\x00"]))
_FAST = {  # subcommands that answer at once whatever their arguments
    "show": ["--lang", "--kind", "--json"],
    "list": ["--json", "--lang"],
    "plot-loss": ["--task", "--out"],
    "advise": ["--task", "--imbalance", "--quantiles", "--lang", "-t"],
    "version": [],
    "kernels": ["--json"],
}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cmd=st.sampled_from(sorted(_FAST)), data=st.data())
def test_random_arguments_keep_the_contract(capsys, tmp_path, cmd, data):
    argv = [cmd]
    for _ in range(data.draw(st.integers(0, 3))):
        opts = _FAST[cmd]
        if opts and data.draw(st.booleans()):
            argv.append(data.draw(st.sampled_from(opts)))
        value = data.draw(_JUNK)
        if "\x00" in value:
            value = value.replace("\x00", "")
        if argv[-1] == "--out" or (cmd == "plot-loss" and value.endswith((".png", ".svg"))):
            value = str(tmp_path / "out.png")
        argv.append(value)
    code, _, err = run(capsys, *argv)
    if code != 0:
        assert_one_error_line(code, err)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.one_of(
    st.binary(max_size=300),
    st.text(alphabet=st.sampled_from("ab,;\"\n\r 0123.-e\t\xe9x"), max_size=300)))
def test_random_csv_files_keep_the_contract(capsys, tmp_path, blob):
    p = tmp_path / "fuzz.csv"
    p.write_bytes(blob.encode("utf-8") if isinstance(blob, str) else blob)
    code, _, err = run(capsys, "advise", str(p), "-t", "a", "--json")
    if code != 0:
        assert_one_error_line(code, err)
