"""Cassava Leaf Disease Classification: MLE-bench's split by TFRecord file.

Kaggle's test labels were never released. MLE-bench splits the sorted list of training
TFRecord files (train_test_split, test_size=0.1, random_state=0), holds out every image
named in the held-out files, and keeps train.csv's order on both sides. The images move
from train_images/ to train_images/ or test_images/ under their own names (hard-linked);
the kept TFRecord files are renumbered from 00 (``ld_train00-1338.tfrec``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import constant_submission, link_or_copy, write_csv
from pytest_mlebench.data.prepare.images import RawImages, place_split
from pytest_mlebench.data.prepare.tfrecord import feature_values
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
SAMPLE_LABEL = 4


def _count(key: str) -> str:
    """The record count in a TFRecord file's name: 1338 in ld_train00-1338.tfrec."""
    return key.removesuffix(".tfrec").split("-")[1]


def prepare(raw: Path, public: Path, private: Path) -> None:
    table = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    with RawImages(raw, "train_tfrecords") as records:
        files = sorted(key for key in records.keys if "/" not in key and key.endswith(".tfrec"))
        kept, held = train_test_split(files, test_size=TEST_SIZE, random_state=SEED)
        held_out: set[str] = set()
        for key in held:
            with records.open_file(key) as fh:
                held_out.update(feature_values(fh, "image_name", key))
        # The held-out files are not shipped: each record carries its image's target.
        records.place({key: public / "train_tfrecords" / f"ld_train{i:02d}-{_count(key)}.tfrec"
                       for i, key in enumerate(kept)}, "linking training TFRecords")
    is_test = table["image_id"].isin(held_out)
    train, test = table[~is_test], table[is_test]
    write_csv(train, public / "train.csv")
    write_csv(constant_submission(test["image_id"], ["label"], SAMPLE_LABEL),
              public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
    place_split(raw, "train_images", "linking leaf images", "",
                [(train["image_id"], public / "train_images"), (test["image_id"], public / "test_images")])
    link_or_copy(raw / "label_num_to_disease_map.json", public / "label_num_to_disease_map.json")
