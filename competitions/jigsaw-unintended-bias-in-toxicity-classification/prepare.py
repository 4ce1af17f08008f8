"""Jigsaw Unintended Bias: Kaggle's training comments and its private test set, as MLE-bench takes them.

Kaggle released the labels of both halves of its test set after the competition
(test_public_expanded.csv, test_private_expanded.csv). MLE-bench's test set is the
private half, unchanged: its ids and comments become the public test.csv and the whole
file (toxicity, its subtypes, the identity columns, the metadata) is the answer key.
train.csv is Kaggle's, byte for byte. Kaggle's other files (its test.csv, which is the
public half, all_data.csv, the individual annotations, its sample submission) are left
out, as MLE-bench leaves them out.

The answers keep the expanded file's 45 columns and add ``prediction``, a copy of
``toxicity``: the truth in a submission's column, which the generic checks pair with the
submission's; grade.py reads ``toxicity`` and the identity columns.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pytest_mlebench.data.prepare import tabular
from pytest_mlebench.data.prepare.files import constant_submission, link_or_copy, write_csv, write_once
from pytest_mlebench.data.store import ANSWERS
from pytest_mlebench.grading.metrics import PANDAS_NA_TEXT_ARRAY

TEST = "test_private_expanded.csv"


def _as_mlebench_writes(comments: pa.ChunkedArray) -> pa.ChunkedArray:
    """MLE-bench writes test.csv from a frame pandas read with its default missing values: a
    comment that reads as missing ("NA", "null", "N/A", ...) is written empty."""
    return pc.if_else(pc.is_in(comments, value_set=PANDAS_NA_TEXT_ARRAY), "", comments)


def prepare(raw: Path, public: Path, private: Path) -> None:
    if not (public / "train.csv").exists():
        link_or_copy(raw / "train.csv", public / "train.csv")
    test = tabular.read_text_csv(raw / TEST)
    comments = _as_mlebench_writes(test.column("comment_text"))
    write_once(public / "test.csv", lambda tmp: tabular.write_csv(
        pa.table({"id": test.column("id"), "comment_text": comments}), tmp))
    ids = test.column("id").to_pandas().rename("id")
    write_csv(constant_submission(ids, ["prediction"], 0.0), public / "sample_submission.csv")
    answers = test.append_column("prediction", test.column("toxicity"))
    write_once(private / ANSWERS, lambda tmp: tabular.write_csv(answers, tmp))
