"""A reader for the IDX format of MNIST and Fashion-MNIST (plain or gzip-compressed).

Layout of an IDX file (all integers big-endian)::

    bytes 0-1   0x00 0x00                   magic: two zero bytes
    byte  2     dtype code                  0x08 uint8, 0x09 int8, 0x0B int16,
                                            0x0C int32, 0x0D float32, 0x0E float64
    byte  3     number of dimensions d
    4 * d       the size of each dimension (uint32)
    then        prod(sizes) values of the dtype, row-major

:func:`read_idx` checks each part and names the file in every error.
:func:`load_idx_dir` reads the four standard files of a directory
(``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
``t10k-labels-idx1-ubyte``, each optionally ``.gz``; ``-`` or ``.`` before ``idx``) into a
:class:`~actloss.lab.data.Dataset` with pixels scaled to [0, 1]; it is what
``load("idx:DIR")`` calls.
"""

from __future__ import annotations

import gzip
import math
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from actloss._validation import Interval, Param, check_param
from actloss.errors import InputError
from actloss.lab.data import Dataset

__all__ = ["DTYPES", "load_idx_dir", "read_idx"]

# dtype code -> big-endian numpy dtype
DTYPES: dict[int, str] = {
    0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8",
}


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise InputError(f"IDX file {str(path)!r} does not exist")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":  # the gzip magic number
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"IDX file {str(path)!r} is a corrupt or truncated gzip "
                             f"stream ({exc})") from exc
    return raw


def read_idx(path: str | Path) -> np.ndarray:
    """Read one IDX file (optionally gzip-compressed) into a numpy array.

    Args:
        path: the file.

    Returns:
        An array with the file's shape, in native byte order.

    Raises:
        InputError: missing file, bad magic number, unknown dtype code, truncated header
            or data, or trailing bytes; the message names the file.

    Example:
        >>> import struct, tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte"
        >>> _ = p.write_bytes(struct.pack(">BBBBI", 0, 0, 0x08, 1, 3) + bytes([7, 2, 1]))
        >>> read_idx(p)
        array([7, 2, 1], dtype=uint8)
    """
    path = Path(path)
    raw = _read_bytes(path)
    name = str(path)
    if len(raw) < 4:
        raise InputError(f"IDX file {name!r} is truncated: {len(raw)} bytes, no header")
    zero0, zero1, code, ndim = raw[0], raw[1], raw[2], raw[3]
    if zero0 != 0 or zero1 != 0:
        raise InputError(f"IDX file {name!r} has a wrong magic number "
                         f"0x{raw[:4].hex()} (must start with 0x0000)")
    if code not in DTYPES:
        raise InputError(f"IDX file {name!r} has an unknown dtype code 0x{code:02x} "
                         f"(known: {', '.join(f'0x{c:02x}' for c in DTYPES)})")
    if ndim == 0:
        raise InputError(f"IDX file {name!r} declares 0 dimensions")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise InputError(f"IDX file {name!r} is truncated in its header: {ndim} dimensions "
                         f"need {header} bytes, the file has {len(raw)}")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = np.dtype(DTYPES[code])
    expected = math.prod(dims) * dtype.itemsize
    body = len(raw) - header
    if body < expected:
        raise InputError(f"IDX file {name!r} is truncated: shape {dims} of {dtype.name} needs "
                         f"{expected} data bytes, the file has {body}")
    if body > expected:
        raise InputError(f"IDX file {name!r} is corrupt: {body - expected} bytes after the "
                         f"data of shape {dims}")
    data = np.frombuffer(raw, dtype=dtype, count=math.prod(dims), offset=header)
    return data.reshape(dims).astype(dtype.newbyteorder("="))


def _find(directory: Path, split: str, kind: str, rank: int) -> Path:
    """The file of ``split`` (train/t10k) and ``kind`` (images/labels) in ``directory``."""
    for sep in ("-", "."):
        for suffix in ("", ".gz"):
            p = directory / f"{split}-{kind}{sep}idx{rank}-ubyte{suffix}"
            if p.is_file():
                return p
    raise InputError(f"IDX directory {str(directory)!r} has no {split}-{kind}-idx{rank}-ubyte "
                     f"file (optionally .gz)")


def _pair(directory: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    img_path = _find(directory, split, "images", 3)
    lab_path = _find(directory, split, "labels", 1)
    images, labels = read_idx(img_path), read_idx(lab_path)
    if images.ndim < 2:
        raise InputError(f"IDX file {str(img_path)!r} holds shape {images.shape}, "
                         f"not a stack of images")
    if labels.ndim != 1:
        raise InputError(f"IDX file {str(lab_path)!r} holds shape {labels.shape}, "
                         f"not a vector of labels")
    if images.shape[0] != labels.shape[0]:
        raise InputError(f"IDX files disagree: {str(img_path)!r} holds {images.shape[0]} "
                         f"images but {str(lab_path)!r} holds {labels.shape[0]} labels")
    return images, labels


_MAX = Param("max_samples", None, int, Interval(1, math.inf, low_closed=True), optional=True)


def load_idx_dir(directory: str | Path, *, standardize: bool = False,
                 max_train: int | None = None, max_test: int | None = None) -> Dataset:
    """The MNIST-layout IDX files of ``directory`` as a Dataset (pixels / 255, flattened).

    Args:
        directory: holds ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
            ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte`` (each optionally .gz).
        standardize: standardise pixels with training statistics instead of [0, 1].
        max_train: keep only the first ``max_train`` training samples.
        max_test: keep only the first ``max_test`` test samples.

    Returns:
        A :class:`~actloss.lab.data.Dataset` (task ``multiclass``) with the files' own
        train/test split.
    """
    max_train = check_param("load_idx_dir", replace(_MAX, name="max_train"), max_train)
    max_test = check_param("load_idx_dir", replace(_MAX, name="max_test"), max_test)
    root = Path(directory).expanduser()
    if not root.is_dir():
        raise InputError(f"IDX directory {str(directory)!r} does not exist")
    x_tr, y_tr = _pair(root, "train")
    x_te, y_te = _pair(root, "t10k")
    x_tr, y_tr = x_tr[:max_train], y_tr[:max_train]
    x_te, y_te = x_te[:max_test], y_te[:max_test]
    shape = x_tr.shape[1:]
    x_tr = x_tr.reshape(len(x_tr), -1).astype(np.float32) / 255.0
    x_te = x_te.reshape(len(x_te), -1).astype(np.float32) / 255.0
    mean = x_tr.mean(axis=0) if standardize else np.zeros(x_tr.shape[1], np.float32)
    std = x_tr.std(axis=0) if standardize else np.ones(x_tr.shape[1], np.float32)
    std = np.where(std > 0, std, 1.0).astype(np.float32)  # blank border pixels stay 0
    x_tr, x_te = (x_tr - mean) / std, (x_te - mean) / std
    n_classes = int(max(y_tr.max(initial=0), y_te.max(initial=0))) + 1
    return Dataset(
        name=f"idx:{root}",
        x_train=torch.as_tensor(x_tr), y_train=torch.as_tensor(y_tr.astype(np.int64)),
        x_test=torch.as_tensor(x_te), y_test=torch.as_tensor(y_te.astype(np.int64)),
        task="multiclass", n_classes=n_classes,
        feature_names=tuple(f"px{i}" for i in range(x_tr.shape[1])),
        description=f"IDX files of {root} ({'x'.join(map(str, shape))} images)",
        x_mean=torch.as_tensor(mean), x_std=torch.as_tensor(std),
        extra={"image_shape": tuple(int(s) for s in shape)},
    )
