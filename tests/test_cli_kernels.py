"""`actloss kernels`: the native library's state, and building it on request."""

from __future__ import annotations

import json

import pytest

from actloss import cli
from actloss.kernels import _native as N


@pytest.fixture
def fresh_state(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """An empty cache directory and a module that has loaded nothing yet."""
    monkeypatch.setenv("ACTLOSS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(N, "_fallback_dir", lambda: tmp_path / "fallback")
    monkeypatch.setattr(N._NATIVE, "on", True)  # as without ACTLOSS_NATIVE=0
    for name, value in (("_lib", None), ("_lib_path", None), ("_tried", False),
                        ("_state", "not built"), ("_reason", ""), ("_build_seconds", None)):
        monkeypatch.setattr(N, name, value)
    return tmp_path / "cache"


def test_status_of_a_fresh_cache_says_not_built(fresh_state, capsys) -> None:
    assert cli.main(["kernels"]) == 0
    out = capsys.readouterr().out
    assert "not built" in out
    assert str(fresh_state) in out


def test_build_then_json_status(fresh_state, capsys) -> None:
    if N._compiler() is None:
        pytest.skip("no C compiler on this machine")
    assert cli.main(["kernels", "--build"]) == 0
    assert "ready" in capsys.readouterr().out
    assert cli.main(["kernels", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["state"] == "ready"
    assert data["path"].startswith(str(fresh_state))
    # one library file and its manifest, nothing temporary left behind
    assert sorted(p.suffix for p in fresh_state.iterdir()) == [".json", ".so"]
    assert fresh_state.stat().st_mode & 0o777 == 0o700
    assert (fresh_state / "manifest.json").stat().st_mode & 0o777 == 0o600


def test_build_without_a_compiler_fails_with_the_reason(fresh_state, monkeypatch,
                                                         capsys) -> None:
    monkeypatch.setenv("CC", "/nonexistent/cc")
    assert cli.main(["kernels", "--build"]) == 1
    captured = capsys.readouterr()
    assert "failed" in captured.out
    assert "no C compiler found (looked for /nonexistent/cc)" in captured.err
    assert not fresh_state.exists() or not any(fresh_state.iterdir())


def test_failing_compiler_reports_its_output(fresh_state, monkeypatch, tmp_path,
                                             capsys) -> None:
    cc = tmp_path / "badcc"
    cc.write_text("#!/bin/sh\necho 'fatal: broken toolchain' >&2\nexit 3\n")
    cc.chmod(0o755)
    monkeypatch.setenv("CC", str(cc))
    assert cli.main(["kernels", "--build", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["state"] == "failed"
    assert "exited with 3" in data["reason"]
    assert "fatal: broken toolchain" in data["reason"]
    assert [p for p in fresh_state.iterdir()] == []  # nothing half-written


def test_a_corrupt_cached_library_is_built_again(fresh_state) -> None:
    cc = N._compiler()
    if cc is None:
        pytest.skip("no C compiler on this machine")
    # a truncated file under the library's name (never loaded: writing over a loaded
    # shared library would break this process)
    target = fresh_state / N._name(cc, N._source())
    target.parent.mkdir(parents=True, mode=0o700)
    target.write_bytes(b"\x7fELF")
    st = N.build()
    assert st.state == "ready"
    assert st.path == str(target)
    assert st.build_seconds is not None and st.build_seconds > 0


def test_bad_argument_to_the_switch_is_refused() -> None:
    from actloss.errors import ParameterError

    with pytest.raises(ParameterError, match="`enabled` of native must be a bool"):
        N.set_native_enabled("yes")  # type: ignore[arg-type]
