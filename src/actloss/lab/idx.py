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
``t10k-labels-idx1-ubyte``, each optionally ``.gz``; ``-`` or ``.`` before ``idx``) into
the fields of a data set, pixels scaled to [0, 1]; ``load("idx:DIR")`` in
:mod:`actloss.lab.data` makes its Dataset from them. This module does not import
:mod:`actloss.lab.data`: the dependency goes one way.
"""

from __future__ import annotations

import gzip
import io
import math
import struct
import zlib
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import numpy as np
import torch

from actloss._validation import Interval, Param, check_param
from actloss.errors import InputError

__all__ = ["DTYPES", "MAX_BYTES", "MAX_CLASSES", "load_idx_dir", "read_idx"]

# dtype code -> big-endian numpy dtype
DTYPES: dict[int, str] = {
    0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8",
}
# the most data one file may declare, after decompression (MNIST's training images are
# 47 MB): checked against the header before anything is allocated or decompressed
MAX_BYTES = 1 << 30
# class indices must lie in [0, MAX_CLASSES): a label of 2e9 would size a 2e9-way output
MAX_CLASSES = 100_000


def _open(path: Path) -> tuple[IO[bytes], bool]:
    """The file's byte stream, decompressed on the fly (and so bounded) when gzip."""
    if not path.is_file():
        raise InputError(f"IDX file {str(path)!r} does not exist")
    fh = path.open("rb")
    if fh.read(2) == b"\x1f\x8b":  # the gzip magic number
        fh.seek(0)
        return gzip.GzipFile(fileobj=fh, mode="rb"), True
    fh.seek(0)
    return fh, False


def _read(stream: IO[bytes], n: int, name: str) -> bytes:
    """At most ``n`` bytes; a corrupt gzip stream is an InputError naming the file."""
    try:
        return stream.read(n)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"IDX file {name!r} is a corrupt or truncated gzip "
                         f"stream ({exc})") from None


def read_idx(path: str | Path, *, max_bytes: int = MAX_BYTES) -> np.ndarray:
    """Read one IDX file (optionally gzip-compressed) into a numpy array.

    The header is read first and the size it declares is checked against ``max_bytes``
    and against the file before the data is read: a gzip stream is decompressed only
    up to the declared size (plus one byte, to detect trailing data), never further.

    Args:
        path: the file.
        max_bytes: the most data bytes the file may declare (default 1 GiB).

    Returns:
        An array with the file's shape, in native byte order.

    Raises:
        InputError: missing file, bad magic number, unknown dtype code, truncated header
            or data, trailing bytes, a declared size over ``max_bytes``, a corrupt gzip
            stream; the message names the file.

    Example:
        >>> import struct, tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte"
        >>> _ = p.write_bytes(struct.pack(">BBBBI", 0, 0, 0x08, 1, 3) + bytes([7, 2, 1]))
        >>> read_idx(p)
        array([7, 2, 1], dtype=uint8)
    """
    path = Path(path)
    name = str(path)
    stream, compressed = _open(path)
    with stream:
        head = _read(stream, 4, name)
        if len(head) < 4:
            raise InputError(f"IDX file {name!r} is truncated: {len(head)} bytes, no header")
        zero0, zero1, code, ndim = head[0], head[1], head[2], head[3]
        if zero0 != 0 or zero1 != 0:
            raise InputError(f"IDX file {name!r} has a wrong magic number "
                             f"0x{head.hex()} (must start with 0x0000)")
        if code not in DTYPES:
            raise InputError(f"IDX file {name!r} has an unknown dtype code 0x{code:02x} "
                             f"(known: {', '.join(f'0x{c:02x}' for c in DTYPES)})")
        if ndim == 0:
            raise InputError(f"IDX file {name!r} declares 0 dimensions")
        header = 4 + 4 * ndim
        dims_raw = _read(stream, 4 * ndim, name)
        if len(dims_raw) < 4 * ndim:
            have = 4 + len(dims_raw) + len(_read(stream, 1 << 16, name))
            raise InputError(f"IDX file {name!r} is truncated in its header: {ndim} "
                             f"dimensions need {header} bytes, the file has {have}")
        dims = struct.unpack(f">{ndim}I", dims_raw)
        dtype = np.dtype(DTYPES[code])
        count = math.prod(dims)
        expected = count * dtype.itemsize
        if expected > max_bytes:
            raise InputError(
                f"IDX file {name!r} declares shape {dims} of {dtype.name}: {expected:,} data "
                f"bytes, over the reader's limit of {max_bytes:,} (read_idx(max_bytes=...))"
            )
        if not compressed:  # the file's size tells truncation before anything is read
            body = path.stat().st_size - header
            if body < expected:
                raise InputError(f"IDX file {name!r} is truncated: shape {dims} of "
                                 f"{dtype.name} needs {expected} data bytes, the file has "
                                 f"{body}")
            if body > expected:
                raise InputError(f"IDX file {name!r} is corrupt: {body - expected} bytes "
                                 f"after the data of shape {dims}")
        buf = io.BytesIO()
        while buf.tell() < expected:  # in chunks: a short stream never holds more
            chunk = _read(stream, min(expected - buf.tell(), 1 << 24), name)
            if not chunk:
                break
            buf.write(chunk)
        raw = buf.getvalue()
        if len(raw) < expected:
            raise InputError(f"IDX file {name!r} is truncated: shape {dims} of {dtype.name} "
                             f"needs {expected} data bytes, the file has {len(raw)}")
        extra = _read(stream, 1 << 16, name)
        if extra:
            raise InputError(f"IDX file {name!r} is corrupt: {len(extra)}"
                             f"{'+' if len(extra) == 1 << 16 else ''} bytes after the data of "
                             f"shape {dims}")
    data = np.frombuffer(raw, dtype=dtype, count=count)
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


def _check_labels(path: Path, labels: np.ndarray) -> np.ndarray:
    """Class indices in [0, MAX_CLASSES) as int64: no NaN, no fractions, no negatives."""
    name = str(path)
    if labels.dtype.kind == "f":
        if np.isnan(labels).any():
            raise InputError(f"IDX file {name!r} holds NaN labels (sample "
                             f"{int(np.argmax(np.isnan(labels)))})")
        frac = ~np.isfinite(labels) | (labels != np.round(labels))
        if frac.any():
            i = int(np.argmax(frac))
            raise InputError(f"IDX file {name!r} holds a label that is not a class index: "
                             f"{labels[i].item()!r} (sample {i})")
    lo, hi = (labels.min(), labels.max()) if labels.size else (0, 0)
    if lo < 0:
        i = int(np.argmax(labels < 0))
        raise InputError(f"IDX file {name!r} holds the negative label {labels[i].item()!r} (sample "
                         f"{i}); labels must be class indices 0, 1, ...")
    if hi >= MAX_CLASSES:
        i = int(np.argmax(labels >= MAX_CLASSES))
        raise InputError(f"IDX file {name!r} holds the label {labels[i].item()!r} (sample "
                         f"{i}), over the limit of {MAX_CLASSES - 1} for a class index")
    return labels.astype(np.int64)


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
    if images.shape[0] == 0:
        raise InputError(f"IDX file {str(img_path)!r} holds 0 images")
    if images.size == 0:
        raise InputError(f"IDX file {str(img_path)!r} holds images of shape "
                         f"{images.shape[1:]}, with no pixels")
    if images.dtype.kind == "f" and not np.isfinite(images).all():
        raise InputError(f"IDX file {str(img_path)!r} holds NaN or infinite pixels")
    return images, _check_labels(lab_path, labels)


_MAX = Param("max_samples", None, int, Interval(1, math.inf, low_closed=True), optional=True)


def load_idx_dir(directory: str | Path, *, standardize: bool = False,
                 max_train: int | None = None, max_test: int | None = None
                 ) -> dict[str, Any]:
    """The MNIST-layout IDX files of ``directory`` as the fields of a Dataset (pixels / 255,
    flattened).

    Args:
        directory: holds ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
            ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte`` (each optionally .gz).
        standardize: standardise pixels with training statistics instead of [0, 1].
        max_train: keep only the first ``max_train`` training samples.
        max_test: keep only the first ``max_test`` test samples.

    Returns:
        The keyword arguments of :class:`actloss.lab.data.Dataset` (task ``multiclass``)
        with the files' own train/test split.
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
    if n_classes < 2:
        raise InputError(f"IDX labels of {str(root)!r} hold one class (0) only: nothing to "
                         "classify")
    return dict(
        name=f"idx:{root}",
        x_train=torch.as_tensor(x_tr), y_train=torch.as_tensor(y_tr.astype(np.int64)),
        x_test=torch.as_tensor(x_te), y_test=torch.as_tensor(y_te.astype(np.int64)),
        task="multiclass", n_classes=n_classes,
        feature_names=tuple(f"px{i}" for i in range(x_tr.shape[1])),
        description=f"IDX files of {root} ({'x'.join(map(str, shape))} images)",
        x_mean=torch.as_tensor(mean), x_std=torch.as_tensor(std),
        extra={"image_shape": tuple(int(s) for s in shape)},
    )
