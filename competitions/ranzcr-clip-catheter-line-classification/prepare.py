"""RANZCR CLiP: MLE-bench's split of Kaggle's labelled chest x-rays.

Kaggle's test set was hidden (a code competition), so, as in MLE-bench, 10% of
train.csv is held out (train_test_split, random_state=0, over the file's rows in
order); the held-out x-rays move to ``test/`` under their own names, and
train_annotations.csv keeps only the training side's rows.

MLE-bench's list of labels lacks ``CVC - Normal`` and ``Swan Ganz Catheter Present``
(its known issue #30), so its sample submission has nine of Kaggle's eleven label
columns, and so does ours by default; the ``kaggle-labels`` variant's has all eleven.
The answers always hold all eleven: the grading block says which are scored.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
ID = "StudyInstanceUID"
LABELS = [
    "ETT - Abnormal", "ETT - Borderline", "ETT - Normal",
    "NGT - Abnormal", "NGT - Borderline", "NGT - Incompletely Imaged", "NGT - Normal",
    "CVC - Abnormal", "CVC - Borderline", "CVC - Normal",
    "Swan Ganz Catheter Present",
]
#: The labels MLE-bench's sample submission has (and its grader scores).
MLEBENCH_LABELS = LABELS[:9]


def prepare(raw: Path, public: Path, private: Path, variant: str | None = None) -> None:
    if variant not in (None, "kaggle-labels"):
        raise ValueError(f"unknown variant {variant!r}")
    submitted = LABELS if variant == "kaggle-labels" else MLEBENCH_LABELS
    labelled = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(labelled, test_size=TEST_SIZE, random_state=SEED)
    annotations = pd.read_csv(raw / "train_annotations.csv", dtype=str, keep_default_na=False)

    with RawImages(raw, "train") as xrays:
        folders = [("train", uid) for uid in train[ID]] + [("test", uid) for uid in test[ID]]
        xrays.place({f"{uid}.jpg": public / folder / f"{uid}.jpg" for folder, uid in folders},
                    "linking chest x-rays")
    write_csv(train, public / "train.csv")
    write_csv(annotations[annotations[ID].isin(train[ID])], public / "train_annotations.csv")
    write_csv(constant_submission(test[ID], submitted, 0), public / "sample_submission.csv")
    write_csv(test[[ID, *LABELS]], private / ANSWERS)
