"""``python -m actloss ...``: the same as the ``actloss`` command."""

from __future__ import annotations

from actloss.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
