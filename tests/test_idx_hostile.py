"""The IDX reader distrusts its input: sizes, gzip bombs, labels, empty files."""

from __future__ import annotations

import ast
import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from actloss.errors import InputError
from actloss.lab import data as D
from actloss.lab.idx import MAX_CLASSES, read_idx


def _idx(code: int, dims: tuple[int, ...], payload: bytes) -> bytes:
    return struct.pack(">BBBB", 0, 0, code, len(dims)) + \
        struct.pack(f">{len(dims)}I", *dims) + payload


def _write_dir(root, labels: bytes, label_code: int = 0x08, n: int = 4, side: int = 2,
               test_labels: bytes | None = None):
    for split, lab in (("train", labels), ("t10k", test_labels or labels)):
        (root / f"{split}-images-idx3-ubyte").write_bytes(
            _idx(0x08, (n, side, side), bytes(range(n * side * side))))
        (root / f"{split}-labels-idx1-ubyte").write_bytes(_idx(label_code, (n,), lab))


def test_gzip_bomb_is_refused_from_its_header_before_decompressing(tmp_path):
    # a header declaring 4 GiB of uint8, followed by 16 MiB of zeros: about 16 KiB of
    # gzip; the declared size exceeds the cap, so nothing past the header is inflated
    blob = _idx(0x08, (65536, 65536), b"") + bytes(16 << 20)
    p = tmp_path / "bomb-idx2-ubyte.gz"
    p.write_bytes(gzip.compress(blob, compresslevel=9))
    assert p.stat().st_size < 1 << 20
    with pytest.raises(InputError, match=r"bomb-idx2-ubyte.gz.*declares shape \(65536, 65536\)"
                                         r" of uint8: 4,294,967,296 data bytes, over the "
                                         r"reader's limit"):
        read_idx(p)


def test_gzip_stream_longer_than_declared_is_corrupt_without_inflating_it_all(tmp_path):
    blob = _idx(0x08, (4,), bytes(4)) + bytes(8 << 20)
    p = tmp_path / "long-idx1-ubyte.gz"
    p.write_bytes(gzip.compress(blob))
    with pytest.raises(InputError, match=r"long-idx1-ubyte.gz.* is corrupt: 65536\+ bytes "
                                         r"after the data of shape \(4,\)"):
        read_idx(p)


def test_declared_size_checked_against_a_plain_file_before_reading(tmp_path):
    p = tmp_path / "big-idx3-ubyte"
    p.write_bytes(_idx(0x08, (1000, 28, 28), bytes(10)))
    with pytest.raises(InputError, match=r"is truncated: shape \(1000, 28, 28\) of uint8 needs "
                                         r"784000 data bytes, the file has 10"):
        read_idx(p)
    with pytest.raises(InputError, match="over the reader's limit of 100"):
        read_idx(p, max_bytes=100)


def test_negative_int8_labels_are_refused(tmp_path):
    _write_dir(tmp_path, struct.pack(">4b", 0, 1, -1, 1), label_code=0x09)
    with pytest.raises(InputError, match=r"holds the negative label -1 \(sample 2\); labels "
                                         r"must be class indices"):
        D.load(f"idx:{tmp_path}")


def test_huge_int32_labels_are_refused_before_any_allocation(tmp_path):
    _write_dir(tmp_path, struct.pack(">4i", 0, 1, 2_000_000_000, 1), label_code=0x0C)
    with pytest.raises(InputError, match=rf"holds the label 2000000000 \(sample 2\), over the "
                                         rf"limit of {MAX_CLASSES - 1}"):
        D.load(f"idx:{tmp_path}")


def test_nan_and_fractional_float_labels_are_refused(tmp_path):
    _write_dir(tmp_path, struct.pack(">4f", 0.0, float("nan"), 1.0, 1.0), label_code=0x0D)
    with pytest.raises(InputError, match=r"holds NaN labels \(sample 1\)"):
        D.load(f"idx:{tmp_path}")
    _write_dir(tmp_path, struct.pack(">4f", 0.0, 1.5, 1.0, 1.0), label_code=0x0D)
    with pytest.raises(InputError, match=r"holds a label that is not a class index: 1.5"):
        D.load(f"idx:{tmp_path}")


def test_integral_float_labels_are_read_as_classes(tmp_path):
    _write_dir(tmp_path, struct.pack(">4f", 0.0, 2.0, 1.0, 1.0), label_code=0x0D)
    ds = D.load(f"idx:{tmp_path}")
    assert ds.y_train.tolist() == [0, 2, 1, 1] and ds.n_classes == 3


def test_zero_samples_and_one_class_are_clear_errors(tmp_path):
    _write_dir(tmp_path, b"", n=0)
    with pytest.raises(InputError, match=r"holds 0 images"):
        D.load(f"idx:{tmp_path}")
    _write_dir(tmp_path, bytes(4))
    with pytest.raises(InputError, match=r"hold one class \(0\) only"):
        D.load(f"idx:{tmp_path}")


def test_read_idx_round_trip_still_exact(tmp_path):
    p = tmp_path / "ok-idx1-ubyte.gz"
    p.write_bytes(gzip.compress(_idx(0x0B, (3,), struct.pack(">3h", -5, 0, 300))))
    np.testing.assert_array_equal(read_idx(p), np.array([-5, 0, 300], dtype=np.int16))


def _top_level_imports(module) -> set[str]:
    """Modules imported at import time (``if TYPE_CHECKING:`` blocks excluded)."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_no_import_cycle_between_idx_and_data():
    import actloss.lab.data as data_mod
    import actloss.lab.idx as idx_mod

    assert "actloss.lab.data" not in _top_level_imports(idx_mod)
    assert "actloss.lab.idx" not in _top_level_imports(data_mod)
    # nor anywhere below: idx never reaches back into data (not even lazily)
    tree = ast.parse(Path(idx_mod.__file__).read_text(encoding="utf-8"))
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                and (n.module or "").startswith("actloss.lab")]
