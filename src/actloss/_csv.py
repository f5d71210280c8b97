r"""A CSV reader that distrusts its input: the data behind ``actloss advise DATA.csv``.

Every way a file can be unreadable becomes an :class:`~actloss.errors.InputError` with
the file, the line and what to do: bytes that are not UTF-8 text (Latin-1, a binary
file), a field over 128 KiB, rows with more or fewer fields than the header, a column
that is numeric except for a few cells, an empty file, a header without rows, duplicate
column names, a file over the size cap. Nothing is padded, truncated or guessed.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
>>> _ = p.write_text("a,b,label\n1,2,yes\n3,4,no\n", encoding="utf-8")
>>> t = read_table(p, "label")
>>> t.y, t.x, t.feature_names
(['yes', 'no'], [[1.0, 2.0], [3.0, 4.0]], ['a', 'b'])
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actloss._registry import close_matches
from actloss.errors import InputError

__all__ = ["MAX_BYTES", "MAX_FIELD", "Table", "read_header", "read_table"]

MAX_FIELD = 128 * 1024  # bytes in one field (the csv module's own default limit)
MAX_BYTES = 512 * 1024 * 1024  # the whole file
_MISSING = ("", "nan", "na", "n/a", "null", "none")


@dataclass(frozen=True)
class Table:
    """What :func:`read_table` read: ``y`` (floats, or strings when the target column is
    not numeric), ``x`` (rows of the numeric feature columns, or ``None``), their names,
    and the text columns left out of ``x``."""

    y: list[Any]
    x: list[list[float]] | None
    feature_names: list[str]
    text_columns: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)


def _text(path: Path, max_bytes: int) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"'{path}' cannot be read: {exc.strerror or exc}") from None
    if size > max_bytes:
        raise InputError(f"'{path}' is {size / 2**20:.0f} MiB, over the reader's limit of "
                         f"{max_bytes / 2**20:.0f} MiB; pass a sample of the rows")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"'{path}' cannot be read: {exc.strerror or exc}") from None
    if b"\x00" in data[:65536]:
        raise InputError(f"'{path}' holds NUL bytes: a binary file, not CSV text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"'{path}' is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as UTF-8, e.g. `iconv -f latin1 -t utf-8`"
        ) from None


def _rows(path: Path, text: str, max_field: int) -> list[tuple[int, list[str]]]:
    """``(line number, fields)`` for every non-blank row, header first."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    old = csv.field_size_limit()
    csv.field_size_limit(max_field)
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                where = f"line {reader.line_num} of '{path}'"
                if "field larger than field limit" in str(exc):
                    raise InputError(f"{where} has a field over {max_field // 1024} KiB; is "
                                     "this a CSV file?") from None
                raise InputError(f"{where} is not valid CSV: {exc}") from None
            if any(c.strip() for c in row):
                rows.append((reader.line_num, row))
    finally:
        csv.field_size_limit(old)
    return rows


def _number(v: str) -> float | None:
    if v.lower() in _MISSING:
        return math.nan
    try:
        return float(v)
    except ValueError:
        return None


def read_header(path: str | Path, *, max_field: int = MAX_FIELD,
                max_bytes: int = MAX_BYTES) -> list[str]:
    """The column names of ``path`` (its first non-blank row)."""
    path = Path(path)
    rows = _rows(path, _text(path, max_bytes), max_field)
    if not rows:
        raise InputError(f"'{path}' is empty: expected a header row and data rows")
    return [h.strip() for h in rows[0][1]]


def read_table(path: str | Path, target: str, *, max_field: int = MAX_FIELD,
               max_bytes: int = MAX_BYTES) -> Table:
    """Read ``target`` as y and every numeric column as a feature of x.

    A column is numeric when each non-missing cell parses as a float (missing: empty,
    ``nan``, ``NA``, ``null``; read as NaN). A feature column with no number at all is
    text and is left out of ``x`` (listed in ``text_columns``); one with numbers and a
    few words is an error naming the first word's line, since it is probably a typo or
    a shifted row.
    """
    path = Path(path)
    rows = _rows(path, _text(path, max_bytes), max_field)
    if not rows:
        raise InputError(f"'{path}' is empty: expected a header row and data rows")
    header = [h.strip() for h in rows[0][1]]
    seen: set[str] = set()
    for h in header:
        if h in seen:
            raise InputError(f"'{path}' has two columns named {h!r}")
        seen.add(h)
    if target not in header:
        close = close_matches(target, header, n=3, cutoff=0.5)
        hint = (f"; did you mean {', '.join(repr(c) for c in close)}?" if close
                else f"; columns: {', '.join(header)}")
        raise InputError(f"column '{target}' not found in '{path}'{hint}")
    data = rows[1:]
    if not data:
        raise InputError(f"'{path}' has a header but no data rows")
    for line, r in data:
        if len(r) != len(header):
            raise InputError(
                f"line {line} of '{path}' has {len(r)} field(s), the header has "
                f"{len(header)}; fix the row (a stray or missing comma?)"
            )
    columns = {h: [r[i].strip() for _, r in data] for i, h in enumerate(header)}
    lines = [line for line, _ in data]

    def numeric(name: str) -> tuple[list[float] | None, int | None]:
        """(values, None) if numeric; (None, index of the first word) otherwise."""
        out: list[float] = []
        first_word = None
        n_num = 0
        for i, v in enumerate(columns[name]):
            f = _number(v)
            if f is None:
                if first_word is None:
                    first_word = i
                continue
            if not math.isnan(f):
                n_num += 1
            out.append(f)
        if first_word is None:
            return out, None
        if n_num:
            word = columns[name][first_word]
            raise InputError(
                f"column '{name}' of '{path}' holds numbers and text: {word!r} on line "
                f"{lines[first_word]}; fix the cell or make the whole column text"
            )
        return None, first_word

    y_num, _ = numeric(target)
    y: list[Any] = y_num if y_num is not None else columns[target]
    if all((isinstance(v, float) and math.isnan(v)) or v == "" for v in y):
        raise InputError(f"column '{target}' of '{path}' has no values")
    names, cols, text = [], [], []
    for h in header:
        if h == target:
            continue
        values, _ = numeric(h)
        if values is None:
            text.append(h)
        else:
            names.append(h)
            cols.append(values)
    x = [list(row) for row in zip(*cols)] if cols else None
    return Table(y=y, x=x, feature_names=names, text_columns=text, header=header)
