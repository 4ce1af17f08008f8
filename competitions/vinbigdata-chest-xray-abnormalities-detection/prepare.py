"""VinBigData Chest X-ray Abnormalities Detection: MLE-bench's 90/10 split of Kaggle's images.

Kaggle scored its test images on its servers, so MLE-bench holds out 10% of the distinct
``image_id`` of train.csv (train_test_split, random_state=0, over the ids in order of first
appearance). The public train.csv keeps the other images' rows, in the file's order and as
Kaggle wrote them; their DICOM files are hard-linked into train/, the held-out ones' into
test/. Kaggle's own test/ folder and sample submission are dropped.

Kaggle's training images were read by three radiologists each (a row per box, or a row of
class 14 "No finding" without a box). MLE-bench makes one reading of each held-out image:
the first row of each (image, class), class by class in numeric order, a missing coordinate
becoming 0 and class 14's box ``0 0 1 1``. The answers hold that reading as a PredictionString
per image (``class 1.0 xmin ymin xmax ymax`` per box), the images sorted by id: MLE-bench's
gold submission. The sample predicts ``14 1 0 0 1 1`` for every held-out image, in split order.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import place_split
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
COORDS = ["x_min", "y_min", "x_max", "y_max"]
NO_FINDING = 14


def _number(text: str) -> float:
    """A coordinate as pandas' round-trip reading gives it (blank: NaN)."""
    return float(text) if text.strip() else np.nan


def consensus(rows: pd.DataFrame) -> pd.DataFrame:
    """One box per (image, class): the first non-blank value of each column, in the file's order,
    sorted by image and numeric class; blanks 0 and class 14's box ``0 0 1 1``."""
    typed = rows.assign(class_id=rows["class_id"].astype(int),
                        **{c: rows[c].map(_number) for c in COORDS})
    first = typed.groupby(["image_id", "class_id"])[COORDS].first().reset_index().fillna(0)
    first.loc[first["class_id"] == NO_FINDING, ["x_max", "y_max"]] = 1.0
    return first


def gold(boxes: pd.DataFrame) -> pd.DataFrame:
    """The boxes as a PredictionString per image, confidence 1.0, in the boxes' order."""
    strings = [f"{c} 1.0 {x0!r} {y0!r} {x1!r} {y1!r}" for c, x0, y0, x1, y1 in
               zip(boxes["class_id"], *(boxes[c].astype(float) for c in COORDS), strict=True)]
    joined = pd.Series(strings).groupby(boxes["image_id"].to_numpy(), sort=True).agg(" ".join)
    return pd.DataFrame({"image_id": joined.index, "PredictionString": joined.to_numpy()})


def prepare(raw: Path, public: Path, private: Path) -> None:
    rows = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    unique = np.asarray(rows["image_id"].unique(), dtype=object)  # in order of first appearance
    train_ids, test_ids = train_test_split(unique, test_size=TEST_SIZE,
                                           random_state=SEED)
    held_out = rows["image_id"].isin(test_ids)
    place_split(raw, "train", "linking X-rays", ".dicom",
                [(train_ids, public / "train"), (test_ids, public / "test")])
    write_csv(rows[~held_out], public / "train.csv")
    write_csv(pd.DataFrame({"image_id": test_ids, "PredictionString": f"{NO_FINDING} 1 0 0 1 1"}),
              public / "sample_submission.csv")
    write_csv(gold(consensus(rows[held_out])), private / ANSWERS)
