"""actloss._csv: the CSV reader behind ``actloss advise DATA.csv``."""

from __future__ import annotations

import math

import pytest

from actloss._csv import read_header, read_table
from actloss.errors import InputError


def _write(tmp_path, data: bytes | str, name: str = "d.csv"):
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def test_reads_numeric_features_labels_and_missing_values(tmp_path):
    p = _write(tmp_path, "\ufeffa, b ,city,label\n1,2,x,yes\n3,,y,no\n\n5,6,z,yes\n")
    t = read_table(p, "label")
    assert t.y == ["yes", "no", "yes"]
    assert t.feature_names == ["a", "b"] and t.text_columns == ["city"]
    assert t.x[0] == [1.0, 2.0] and t.x[2] == [5.0, 6.0]
    assert t.x[1][0] == 3.0 and math.isnan(t.x[1][1])
    assert read_header(p) == ["a", "b", "city", "label"]


def test_numeric_target_reads_as_floats(tmp_path):
    t = read_table(_write(tmp_path, "x,y\n1,0.5\n2,NA\n3,2e3\n"), "y")
    assert t.y[0] == 0.5 and math.isnan(t.y[1]) and t.y[2] == 2000.0


@pytest.mark.parametrize(("data", "message"), [
    ("a,label\n1,caf\xe9\n".encode("latin-1"), r"is not UTF-8 text \(byte 0xe9 on line 2\)"),
    (b"a,label\n\x00\x01\x02", r"holds NUL bytes: a binary file"),
    ("a,label\n1," + "x" * (130 * 1024) + "\n", r"line 2 of .* has a field over 128 KiB"),
    ("a,b,label\n1,2,0\n3,1\n", r"line 3 of .* has 2 field\(s\), the header has 3"),
    ("a,b,label\n1,2,0,7\n", r"line 2 of .* has 4 field\(s\), the header has 3"),
    ("", r"is empty: expected a header row"),
    ("\n\n", r"is empty: expected a header row"),
    ("a,label\n", r"has a header but no data rows"),
    ("a,label\n1,0\nfoo,1\n", r"column 'a' of .* holds numbers and text: 'foo' on line 3"),
    ("a,a,label\n1,2,0\n", r"has two columns named 'a'"),
    ("a,label\n1,\n2,\n", r"column 'label' of .* has no values"),
    ("a,lable\n1,0\n", r"column 'label' not found in .*; did you mean 'lable'\?"),
    ('a,label\n"1,0\n', r"line \d of .* is not valid CSV|has 1 field"),
])
def test_malformed_files_are_clear_errors(tmp_path, data, message):
    with pytest.raises(InputError, match=message):
        read_table(_write(tmp_path, data), "label")


def test_size_cap(tmp_path):
    p = _write(tmp_path, "a,label\n" + "1,0\n" * 1000)
    with pytest.raises(InputError, match=r"over the reader's limit of 0 MiB"):
        read_table(p, "label", max_bytes=100)
