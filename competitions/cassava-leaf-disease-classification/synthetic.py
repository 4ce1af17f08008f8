"""Cassava Leaf Disease Classification: Kaggle's train.csv (image_id such as 1000015157.jpg,
label 0-4), train_images/*.jpg, train_tfrecords/ of 16 files ld_train00-1338.tfrec ... whose
names give their record count (tf.train.Example records: image, image_name, target),
test_images/ and test_tfrecords/ with one image, sample_submission.csv (label 4) and
label_num_to_disease_map.json."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, write_file

DISEASES = {"0": "Cassava Bacterial Blight (CBB)", "1": "Cassava Brown Streak Disease (CBSD)",
            "2": "Cassava Green Mottle (CGM)", "3": "Cassava Mosaic Disease (CMD)", "4": "Healthy"}
FILES, PER_FILE = 16, 6


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _example(image: bytes, name: str, target: int) -> bytes:
    """A serialized tf.train.Example: bytes features in a BytesList, the target in an Int64List."""
    features = {"image": _field(1, _field(1, image)), "image_name": _field(1, _field(1, name.encode())),
                "target": _field(3, _field(1, _varint(target)))}
    return _field(1, b"".join(_field(1, _field(1, k.encode()) + _field(2, v)) for k, v in features.items()))


def _tfrecord(records: list[bytes]) -> bytes:
    """TFRecord framing with zero checksums (nothing here verifies them)."""
    return b"".join(struct.pack("<QL", len(r), 0) + r + struct.pack("<L", 0) for r in records)


def build(raw: Path, rng: np.random.Generator) -> None:
    n = FILES * PER_FILE
    ids = [f"{i}.jpg" for i in 10**6 + rng.choice(10**9, size=n + 1, replace=False)]
    names, test_id = ids[:n], ids[n]
    labels = rng.integers(0, 5, size=n)
    jpegs = {name: photo(rng) for name in ids}
    train = pd.DataFrame({"image_id": names, "label": labels})
    train.sample(frac=1, random_state=1).to_csv(raw / "train.csv", index=False)  # not the records' order
    for name in names:
        write_file(raw / "train_images" / name, jpegs[name])
    for f in range(FILES):
        part = range(f * PER_FILE, (f + 1) * PER_FILE)
        write_file(raw / "train_tfrecords" / f"ld_train{f:02d}-{PER_FILE}.tfrec",
                   _tfrecord([_example(jpegs[names[i]], names[i], int(labels[i])) for i in part]))
    write_file(raw / "test_images" / test_id, jpegs[test_id])
    write_file(raw / "test_tfrecords" / "ld_test00-1.tfrec",
               _tfrecord([_example(jpegs[test_id], test_id, 0)]))
    pd.DataFrame({"image_id": [test_id], "label": [4]}).to_csv(raw / "sample_submission.csv", index=False)
    write_file(raw / "label_num_to_disease_map.json", json.dumps(DISEASES))
