"""SIIM-ISIC Melanoma: MLE-bench's split, the images of two of Kaggle's sixteen training TFRecord files.

Kaggle's test labels were never released. MLE-bench holds out every image stored in
``tfrecords/train00-2071.tfrec`` and ``tfrecords/train06-2071.tfrec`` (4,142 of
33,126, about an eighth) and keeps train.csv's order on both sides. The images come
in three forms: DICOM (``train/``), JPEG (``jpeg/train/``) and TFRecord; each held-out
image's DICOM and JPEG move to the test folders, all under its own name.

The real set is over 100 GB, so every image is hard-linked from the raw folder, never
copied where a link can be made, and the two held-out TFRecord files are read with
the small reader below instead of TensorFlow.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.prepare.files import constant_submission, progress, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_RECORDS = ("train00-2071.tfrec", "train06-2071.tfrec")
TEST_COLUMNS = ["image_name", "patient_id", "sex", "age_approx", "anatom_site_general_challenge"]
ID_FEATURE = b"image_name"


# -- TFRecord files of tf.train.Example protocol buffers -------------------------------------------

def _varint(buf: memoryview, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _field(buf: memoryview, wanted: int) -> Iterator[memoryview]:
    """The payloads of field ``wanted`` of a protobuf message, when length-delimited (the
    only kind looked for here); fields of other numbers are skipped whatever their type."""
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


def example_bytes_feature(record: bytes, name: bytes) -> bytes:
    """The first value of the bytes feature ``name`` of a serialized tf.train.Example.

    Example.features (1) -> Features.feature (1, map entries: key 1, value 2)
    -> Feature.bytes_list (1) -> BytesList.value (1).
    """
    for features in _field(memoryview(record), 1):
        for entry in _field(features, 1):
            if any(bytes(key) == name for key in _field(entry, 1)):
                for feature in _field(entry, 2):
                    for bytes_list in _field(feature, 1):
                        for value in _field(bytes_list, 1):
                            return bytes(value)
    raise ValueError(f"a record has no bytes feature {name.decode()!r}")


def tfrecord_ids(records: RawImages, key: str, expected: int) -> list[str]:
    """The ``image_name`` of every record in the file, in order.

    A record is framed as its length (uint64, little-endian), a checksum of the length,
    the data and a checksum of the data; the checksums are not verified, a file cut
    short is.
    """
    ids = []
    with records.open_file(key) as fh, progress(f"reading image names in {key}", expected) as advance:
        while header := fh.read(12):
            if len(header) < 12:
                raise ValueError(f"{key} ends inside a record header")
            (length,) = struct.unpack("<Q", header[:8])
            data = fh.read(length)
            if len(data) < length or len(fh.read(4)) < 4:
                raise ValueError(f"{key} ends inside a record")
            ids.append(example_bytes_feature(data, ID_FEATURE).decode())
            advance()
    return ids


def _count(key: str) -> str:
    """The record count Kaggle writes into a TFRecord file's name: 2071 in train00-2071.tfrec."""
    return key.removesuffix(".tfrec").split("-")[1]


# -- the split --------------------------------------------------------------------------------------

def prepare(raw: Path, public: Path, private: Path) -> None:
    table = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    with RawImages(raw, "tfrecords") as records:
        held_out = {image for key in TEST_RECORDS for image in tfrecord_ids(records, key, int(_count(key)))}
        training_records = [key for key in records.keys
                            if key.startswith("train") and key.endswith(".tfrec") and key not in TEST_RECORDS]
        # Renumbered from 00 as MLE-bench numbers them. The held-out files are not shipped: each
        # record carries its image's target, so on the public side they would give the answers away.
        records.place({key: public / "tfrecords" / f"train{i:02d}-{_count(key)}.tfrec"
                       for i, key in enumerate(training_records)}, "linking training TFRecords")
    unknown = held_out - set(table["image_name"])
    if unknown:
        raise ValueError(f"the held-out TFRecords name images train.csv lacks: {sorted(unknown)[:3]}")

    is_test = table["image_name"].isin(held_out)
    train, test = table[~is_test], table[is_test]
    write_csv(train, public / "train.csv")
    write_csv(test[TEST_COLUMNS], public / "test.csv")
    write_csv(constant_submission(test["image_name"], ["target"], 0), public / "sample_submission.csv")
    write_csv(test[["image_name", "target"]], private / ANSWERS)

    sides = list(zip(table["image_name"], np.where(is_test, "test", "train"), strict=True))
    with RawImages(raw, "train") as dicoms:
        dicoms.place({f"{name}.dcm": public / side / f"{name}.dcm" for name, side in sides},
                     "linking DICOM images")
    with RawImages(raw, "jpeg") as jpegs:
        jpegs.place({f"train/{name}.jpg": public / "jpeg" / side / f"{name}.jpg" for name, side in sides},
                    "linking JPEG images")
