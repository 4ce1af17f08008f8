"""ML2021Spring-hw2: Kaggle's ``timit_11/timit_11/`` folder of numpy arrays (the zip holds the
folder twice over) and its sampleSubmission.csv.

Each row of ``train_11.npy`` and ``test_11.npy`` is 11 frames of 39 MFCC features (429 float32
values); ``train_label_11.npy`` holds the frames' phoneme classes 0-38 as two-character text,
as Kaggle's file does. 240 training and 90 test frames keep MLE-bench's test share
(90 / 330) of the rows.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, write_file

FEATURES = 11 * 39
CLASSES = 39


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def build(raw: Path, rng: np.random.Generator) -> None:
    folder = raw / "timit_11" / "timit_11"
    labels = rng.integers(0, CLASSES, 240)
    # Features that carry the class a little, so a model can beat chance.
    train = (rng.normal(0, 1, (240, FEATURES)) + labels[:, None] / CLASSES).astype(np.float32)
    write_file(folder / "train_11.npy", npy_bytes(train))
    write_file(folder / "train_label_11.npy", npy_bytes(labels.astype(str).astype("<U2")))
    write_file(folder / "test_11.npy", npy_bytes(rng.normal(0, 1, (90, FEATURES)).astype(np.float32)))
    write_file(raw / "sampleSubmission.csv", csv_bytes(pd.DataFrame({"Id": range(90), "Class": 0})))
