"""Toxic Comment Classification: Kaggle released the test labels, so the test set is Kaggle's own.

As in MLE-bench, train.csv and test.csv are Kaggle's, and test.csv keeps the
comments Kaggle added to deter hand labelling: test_labels.csv marks them with -1
in every column and they are not scored. answers.csv flags them (``scored`` = 0,
labels 0) so that grade.py can leave them out while the strict checks still see
valid probabilities for every test id.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.store import ANSWERS

LABELS = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def prepare(raw: Path, public: Path, private: Path) -> None:
    # Extracted byte for byte: the comments are not re-encoded by a CSV round trip.
    for name in ("train.csv", "test.csv"):
        with zipfile.ZipFile(raw / f"{name}.zip") as zf:
            zf.extract(name, public)
    truth = pd.read_csv(raw / "test_labels.csv.zip", dtype={"id": str})
    ignored = truth[LABELS].eq(-1).all(axis=1)
    truth.loc[ignored, LABELS] = 0
    truth["scored"] = (~ignored).astype(int)
    write_csv(truth[["id", *LABELS, "scored"]], private / ANSWERS)
    write_csv(truth[["id"]].assign(**dict.fromkeys(LABELS, 0.5)), public / "sample_submission.csv")
