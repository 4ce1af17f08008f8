"""Random Acts of Pizza: MLE-bench's split of Kaggle's labelled requests.

Kaggle's test labels were never released, so MLE-bench holds out part of
train.json: the same share of requests as Kaggle's test.json had (test / (train +
test)), chosen by train_test_split with random_state=0 over train.json in file
order. Held-out requests keep only the fields test.json has (what was known when
the request was posted). As in MLE-bench, both JSON files also ship zipped
(train.zip, test.zip) and the sample submission is sampleSubmission.csv, Kaggle's name.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.store import ANSWERS

SEED = 0
ID, TARGET = "request_id", "requester_received_pizza"


def _read(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _write(records: list[dict[str, Any]], path: Path) -> None:
    """``path`` and ``<stem>.zip`` holding it."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(records, fh, indent=4)
    with zipfile.ZipFile(path.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(path, arcname=path.name)


def prepare(raw: Path, public: Path, private: Path) -> None:
    requests = _read(raw / "train.json")
    kaggle_test = _read(raw / "test.json")
    test_fields = list(kaggle_test[0])
    test_share = len(kaggle_test) / (len(requests) + len(kaggle_test))
    train, test = train_test_split(requests, test_size=test_share, random_state=SEED)

    _write(train, public / "train.json")
    _write([{field: r[field] for field in test_fields} for r in test], public / "test.json")
    answers = pd.DataFrame({ID: [r[ID] for r in test], TARGET: [int(r[TARGET]) for r in test]})
    write_csv(answers, private / ANSWERS)
    write_csv(answers.assign(**{TARGET: 0}), public / "sampleSubmission.csv")
