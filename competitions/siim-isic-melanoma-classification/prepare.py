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

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.prepare.tfrecord import feature_values
from pytest_mlebench.data.store import ANSWERS

TEST_RECORDS = ("train00-2071.tfrec", "train06-2071.tfrec")
TEST_COLUMNS = ["image_name", "patient_id", "sex", "age_approx", "anatom_site_general_challenge"]
ID_FEATURE = "image_name"


# -- TFRecord files of tf.train.Example protocol buffers -------------------------------------------

def tfrecord_ids(records: RawImages, key: str) -> list[str]:
    """The ``image_name`` of every record in the file, in order (a file cut short is refused)."""
    with records.open_file(key) as fh:
        return feature_values(fh, ID_FEATURE, key)


def _count(key: str) -> str:
    """The record count Kaggle writes into a TFRecord file's name: 2071 in train00-2071.tfrec."""
    return key.removesuffix(".tfrec").split("-")[1]


# -- the split --------------------------------------------------------------------------------------

def prepare(raw: Path, public: Path, private: Path) -> None:
    table = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    with RawImages(raw, "tfrecords") as records:
        held_out = {image for key in TEST_RECORDS for image in tfrecord_ids(records, key)}
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
