"""RSNA Screening Mammography: MLE-bench's split of Kaggle's training patients.

Kaggle scored its test patients on its servers, so MLE-bench holds out 10% of the
patients of train.csv (``train_test_split`` over the distinct patient ids in the file's
order, ``test_size=0.1``, ``random_state=42``); every image of a held-out patient moves to
test_images/. The answers have one row per breast (``prediction_id`` = patient id, "_",
laterality), sorted by it, with the breast's label; the sample submission predicts the
public training images' cancer rate everywhere. Images are hard-linked, never copied.

CSV files are read with pandas' type inference (as MLE-bench does), so the public files
write numbers as pandas does (BIRADS ``1.0``), as MLE-bench's do.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 42
TEST_COLUMNS = ["site_id", "patient_id", "image_id", "laterality", "view", "age", "implant",
                "machine_id", "prediction_id"]


def prepare(raw: Path, public: Path, private: Path) -> None:
    table = pd.read_csv(raw / "train.csv")
    _, held_out = train_test_split(table["patient_id"].unique(), test_size=TEST_SIZE, random_state=SEED)
    is_test = table["patient_id"].isin(set(held_out))
    train = table[~is_test]
    test = table.loc[is_test, TEST_COLUMNS[:-1]].assign(
        prediction_id=table.loc[is_test, "patient_id"].astype(str) + "_" + table.loc[is_test, "laterality"])
    # A breast's images share its label: the first one stands for the breast.
    answers = (test[["prediction_id"]].assign(cancer=table.loc[is_test, "cancer"])
               .groupby("prediction_id").first().reset_index())
    write_csv(train, public / "train.csv")
    write_csv(test, public / "test.csv")
    write_csv(answers, private / ANSWERS)
    write_csv(constant_submission(answers["prediction_id"], ["cancer"], train["cancer"].mean()),
              public / "sample_submission.csv")
    sides = [(train, "train_images"), (test, "test_images")]
    with RawImages(raw, "train_images") as images:
        images.place({f"{p}/{i}.dcm": public / side / str(p) / f"{i}.dcm"
                      for rows, side in sides
                      for p, i in zip(rows["patient_id"], rows["image_id"], strict=True)},
                     "linking mammograms")
