"""The child process of ``actloss check``: import the user's file, call its factory, lint.

Run as ``python -m actloss._cli._check_child RESULT FILE FACTORY LR OPTIMIZER``. The
user's code runs here, never in the ``actloss`` process: whatever it does (raise, call
``sys.exit``, loop forever, crash) the parent reports one line. The outcome is written
as JSON to ``RESULT`` only when this process gets to report it:

- ``{"status": "ok", "findings": [...]}`` once :func:`actloss.lint.check` returned;
- ``{"status": "error", "kind": ..., "message": ...}`` when something kept the check
  from running (``kind``: ``exited``, ``raised``, ``no_factory``, ``bad_return``,
  ``invalid``).

No file at all means the process ended before it could report (``os._exit``, a crash,
a kill), which the parent reports as such; so a check can only pass with a result that
this module wrote after ``check`` returned.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

from actloss._registry import close_matches


def _write(result: Path, data: dict[str, Any]) -> None:
    tmp = result.with_name(result.name + ".tmp")
    tmp.write_text(json.dumps(data, default=str), encoding="utf-8")
    os.replace(tmp, result)  # whole or not at all


def _exit_text(exc: SystemExit) -> str:
    code = exc.code
    return f"sys.exit({code!r})" if code is not None else "sys.exit()"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def run(result: Path, path: Path, name: str, lr: float | None, optimizer: str) -> None:
    def error(kind: str, message: str) -> None:
        _write(result, {"status": "error", "kind": kind, "message": message})

    sys.path.insert(0, str(path.resolve().parent))  # the file's own imports
    module_name = f"actloss_check_{path.stem}"
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
    except Exception as exc:
        return error("invalid", f"'{path}' cannot be loaded: {_describe(exc)}")
    if spec is None or spec.loader is None:
        return error("invalid", f"'{path}' is not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SystemExit as exc:
        return error("exited", f"importing '{path}' called {_exit_text(exc)}; "
                               "nothing was checked")
    except BaseException as exc:  # SyntaxError, KeyboardInterrupt, ...
        return error("raised", f"importing '{path}' raised {_describe(exc)}")
    factory = getattr(module, name, None)
    if not callable(factory):
        names = [k for k, v in vars(module).items() if callable(v) and not k.startswith("_")
                 and getattr(v, "__module__", None) == module_name]
        close = close_matches(name, names, n=3, cutoff=0.5)
        hint = (f"; did you mean {', '.join(repr(c) for c in close)}?" if close
                else f"; callables: {', '.join(names) or 'none'}")
        return error("no_factory", f"'{path}' has no factory '{name}'{hint}")
    try:
        made = factory()
    except SystemExit as exc:
        return error("exited", f"the factory '{name}' called {_exit_text(exc)}; "
                               "nothing was checked")
    except BaseException as exc:
        return error("raised", f"calling the factory raised {_describe(exc)}")
    if not isinstance(made, (tuple, list)) or len(made) not in (3, 4):
        return error("bad_return",
                     "the factory must return (model, loss, example_input, example_target); "
                     f"got {type(made).__name__}"
                     + (f" of length {len(made)}" if isinstance(made, (tuple, list)) else ""))
    from actloss.errors import ActlossError
    from actloss.lint import check

    try:
        findings = check(*made, lr=lr, optimizer=optimizer)
    except ActlossError as exc:
        return error("invalid", str(exc))
    except SystemExit as exc:
        return error("exited", f"the model or loss called {_exit_text(exc)} during the "
                               "check; nothing was checked")
    except BaseException as exc:
        return error("raised", f"the check raised {_describe(exc)} while running the model "
                               "and the loss")
    _write(result, {"status": "ok", "findings": [f.to_json() for f in findings]})


def main(argv: list[str]) -> int:
    result, path, name, lr, optimizer = argv
    run(Path(result), Path(path), name, None if lr == "" else float(lr), optimizer)
    return 0


if __name__ == "__main__":
    # os._exit: no atexit hooks or thread joins of the user's code after the report
    _code = main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(_code)
