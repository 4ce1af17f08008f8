"""INGV Volcanic Eruption Prediction: MLE-bench's split of Kaggle's labelled segments.

Kaggle's test times were never released, so MLE-bench holds out 10% of train.csv's
segments (train_test_split, random_state=0, over the file's rows in order). The
held-out segments' readings move from train/ to test/; Kaggle's own test/ segments are
left out. As in MLE-bench there is no public test.csv: the sample submission lists the
test segments. Each segment is a CSV file of 60,001 rows (4,431 of them, about 31 GB
unpacked): they are hard-linked, never read or copied. The answers keep train.csv's text.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pytest_mlebench.data.prepare import tabular
from pytest_mlebench.data.prepare.files import write_once
from pytest_mlebench.data.prepare.images import place_split
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
ID = "segment_id"
TARGET = "time_to_eruption"
#: MLE-bench's sample submission predicts 0 for every segment.
SAMPLE_VALUE = "0"


def _write(table: pa.Table, path: Path) -> None:
    write_once(path, lambda tmp: tabular.write_csv(table, tmp))


def prepare(raw: Path, public: Path, private: Path) -> None:
    train, test = tabular.split_table(tabular.read_text_csv(raw / "train.csv"), TEST_SIZE, SEED)
    place_split(raw, "train", "seismic segments", ".csv", [
        (train.column(ID).to_pylist(), public / "train"), (test.column(ID).to_pylist(), public / "test")])
    _write(train, public / "train.csv")
    _write(pa.table({ID: test.column(ID), TARGET: pa.array([SAMPLE_VALUE] * test.num_rows)}),
           public / "sample_submission.csv")
    _write(test, private / ANSWERS)
