"""OpenVaccine: MLE-bench's split of Kaggle's train.json (its test measurements were never released).

MLE-bench holds out a tenth of the 2,400 training sequences (``int(0.1 * n)``: 240), drawn
with pandas' ``sample(n, random_state=0)`` among the sequences that pass the signal-to-noise
filter (``SN_filter > 0``), as Kaggle chose its public test set. The held-out sequences keep
the file's order. Their answers are one row per base, ``<id>_<position>``: the five
measurements at the first ``seq_scored`` positions, 0.0 beyond them, and ``keep`` saying
which rows are scored.

The JSON files are read and written with pandas' read_json/to_json, and the CSV files with
``float_format="%.10f"``, as MLE-bench writes them, so the values are MLE-bench's. Kaggle's
bpps/ folder (a base-pairing matrix per sequence) is not passed on, as in MLE-bench. The
files are small (a few thousand sequences): nothing needs streaming.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.prepare.files import write_once
from pytest_mlebench.data.store import ANSWERS

TEST_SHARE = 0.1
SEED = 0
#: The measurements a submission predicts at every base, in the sample submission's order.
TARGETS = ["reactivity", "deg_Mg_pH10", "deg_pH10", "deg_Mg_50C", "deg_50C"]
FLOAT_FORMAT = "%.10f"


def held_out(train: pd.DataFrame) -> np.ndarray:
    """Whether each training sequence is a test sequence of MLE-bench's split."""
    n_test = int(len(train) * TEST_SHARE)
    chosen = train[train["SN_filter"] > 0].sample(n=n_test, random_state=SEED).index
    return train.index.isin(chosen)


def per_base(test: pd.DataFrame) -> pd.DataFrame:
    """One row per base of each test sequence: its measurements where scored, else 0.0."""
    lengths, scored = test["seq_length"].to_numpy(), test["seq_scored"].to_numpy()
    for column in TARGETS:
        sizes = test[column].map(len).to_numpy()
        if (sizes != scored).any():
            raise ValueError(f"train.json: {column} of {test['id'].iloc[np.argmax(sizes != scored)]} "
                             f"does not hold seq_scored values")
    if (scored >= lengths).any():
        raise ValueError("train.json: a sequence scores every base; MLE-bench expects "
                         "seq_scored < seq_length")
    keep = np.concatenate([np.arange(n) < s for n, s in zip(lengths, scored, strict=True)])
    rows = pd.DataFrame({"id_seqpos": [f"{id_}_{j}" for id_, n in zip(test["id"], lengths, strict=True)
                                       for j in range(n)]})
    for column in TARGETS:
        values = np.zeros(len(rows))
        values[keep] = np.concatenate([np.asarray(v, dtype=float) for v in test[column]])
        rows[column] = values
    rows["keep"] = keep
    return rows


def write_json_lines(frame: pd.DataFrame, path: Path) -> None:
    write_once(path, lambda tmp: frame.to_json(tmp, orient="records", lines=True))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    write_once(path, lambda tmp: frame.to_csv(tmp, index=False, float_format=FLOAT_FORMAT))


def prepare(raw: Path, public: Path, private: Path) -> None:
    train = pd.read_json(raw / "train.json", lines=True)
    with open(raw / "test.json", encoding="utf-8") as fh:
        test_columns = list(json.loads(fh.readline()))
    is_test = held_out(train)
    new_train, new_test = train[~is_test].copy(), train[is_test].copy()
    answers = per_base(new_test)
    write_csv(answers, private / ANSWERS)
    new_train["index"] = range(len(new_train))
    write_json_lines(new_train, public / "train.json")
    unlabelled = new_test[test_columns].copy()
    unlabelled["index"] = range(len(unlabelled))
    write_json_lines(unlabelled, public / "test.json")
    write_csv(answers[["id_seqpos"]].assign(**dict.fromkeys(TARGETS, 0.0)), public / "sample_submission.csv")
