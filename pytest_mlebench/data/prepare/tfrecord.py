"""Reading one bytes feature out of TFRecord files of tf.train.Example records, without TensorFlow.

MLE-bench splits some image competitions by TFRecord file and reads each held-out file's
image names with TensorFlow; this reads the same names from the raw bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import IO


def _varint(buf: memoryview, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _payloads(buf: memoryview, wanted: int) -> Iterator[memoryview]:
    """The length-delimited payloads of protobuf field ``wanted``; other fields are skipped."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 2:
            size, pos = _varint(buf, pos)
            if number == wanted:
                yield buf[pos:pos + size]
            pos += size
        elif wire == 0:
            _, pos = _varint(buf, pos)
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")


def bytes_feature(record: bytes, name: str) -> bytes:
    """The first value of bytes feature ``name``: Example.features (1) -> Features.feature map
    entry (key 1, value 2) -> Feature.bytes_list (1) -> BytesList.value (1)."""
    wanted = name.encode()
    for features in _payloads(memoryview(record), 1):
        for entry in _payloads(features, 1):
            if any(bytes(key) == wanted for key in _payloads(entry, 1)):
                for feature in _payloads(entry, 2):
                    for values in _payloads(feature, 1):
                        for value in _payloads(values, 1):
                            return bytes(value)
    raise ValueError(f"a record has no bytes feature {name!r}")


def feature_values(fh: IO[bytes], name: str, label: str) -> list[str]:
    """Feature ``name`` of every record of a TFRecord stream, in order. Each record is framed as
    its length (uint64 LE), a length checksum, the data and a data checksum; checksums are not
    verified, a stream cut short is (``label`` names it in the error)."""
    values = []
    while header := fh.read(12):
        if len(header) < 12:
            raise ValueError(f"{label} ends inside a record header")
        (length,) = struct.unpack("<Q", header[:8])
        data = fh.read(length)
        if len(data) < length or len(fh.read(4)) < 4:
            raise ValueError(f"{label} ends inside a record")
        values.append(bytes_feature(data, name).decode())
    return values
