"""SIIM-ISIC Melanoma Classification: Kaggle's train.csv, test.csv and sample, DICOM files in
train/ and test/, JPEGs in jpeg/, and tfrecords/ of 16 training files (their names say how
many images each holds) and a test file, as tf.train.Example records."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, write_file

#: The TFRecord files whose images MLE-bench holds out as its test set.
TEST_RECORDS = ("train00-2071.tfrec", "train06-2071.tfrec")


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _delimited(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def _example(features: dict[str, bytes | int]) -> bytes:
    """A serialized tf.train.Example: bytes features in a BytesList, ints in a packed Int64List."""
    entries = b""
    for name, value in features.items():
        if isinstance(value, bytes):
            feature = _delimited(1, _delimited(1, value))
        else:
            feature = _delimited(3, _delimited(1, _varint(value)))
        entries += _delimited(1, _delimited(1, name.encode()) + _delimited(2, feature))
    return _delimited(1, entries)


def _tfrecord(records: list[bytes]) -> bytes:
    """TFRecord framing: length, its checksum, data, its checksum (left 0: nothing here checks them)."""
    return b"".join(struct.pack("<QL", len(r), 0) + r + struct.pack("<L", 0) for r in records)


def records(rng: np.random.Generator) -> dict[str, list[str]]:
    """TFRecord file name -> the images it holds: 16 training files of 5, as Kaggle's 16 of about 2,071."""
    names = [f"ISIC_{i:07d}" for i in rng.choice(10**7, size=80, replace=False)]
    files = [f"train{i:02d}-2071.tfrec" for i in range(15)] + ["train15-2061.tfrec"]
    return {file: names[5 * i:5 * i + 5] for i, file in enumerate(files)}


def build(raw: Path, rng: np.random.Generator) -> None:
    by_file = records(rng)
    held_out = [name for file in TEST_RECORDS for name in by_file[file]]
    names = [name for file in by_file for name in by_file[file]]
    n = len(names)
    target = (rng.random(n) < 0.3).astype(int)
    target[names.index(held_out[0])], target[names.index(held_out[1])] = 1, 0
    train = pd.DataFrame({
        "image_name": names, "patient_id": [f"IP_{rng.integers(10**7):07d}" for _ in range(n)],
        "sex": rng.choice(["male", "female", ""], size=n),
        "age_approx": rng.choice(["45.0", "60.0", ""], size=n),
        "anatom_site_general_challenge": rng.choice(["torso", "head/neck", ""], size=n),
        "diagnosis": np.where(target == 1, "melanoma", "unknown"),
        "benign_malignant": np.where(target == 1, "malignant", "benign"), "target": target,
    }).sample(frac=1, random_state=3)  # train.csv's order is not the TFRecords' order
    train.to_csv(raw / "train.csv", index=False)
    kaggle_test = [f"ISIC_9{i:06d}" for i in range(4)]
    pd.DataFrame({"image_name": kaggle_test, "target": 0}).to_csv(raw / "sample_submission.csv", index=False)
    train.iloc[:4, :5].assign(image_name=kaggle_test).to_csv(raw / "test.csv", index=False)
    jpegs = {name: photo(rng) for name in [*names, *kaggle_test]}
    for name, jpeg in jpegs.items():
        side = "test" if name in kaggle_test else "train"
        write_file(raw / side / f"{name}.dcm", b"\0" * 128 + b"DICM" + jpeg)
        write_file(raw / "jpeg" / side / f"{name}.jpg", jpeg)
    by_name = train.set_index("image_name")
    for file, members in by_file.items():
        write_file(raw / "tfrecords" / file, _tfrecord([
            _example({"image": jpegs[name], "target": int(by_name.loc[name, "target"]),
                      "image_name": name.encode(), "patient_id": by_name.loc[name, "patient_id"].encode()})
            for name in members]))
    write_file(raw / "tfrecords" / "test00-687.tfrec", _tfrecord([_example({"image_name": b"ISIC_9000000"})]))
