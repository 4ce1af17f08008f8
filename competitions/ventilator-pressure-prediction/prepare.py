"""Google Brain - Ventilator Pressure Prediction: MLE-bench's split of Kaggle's train.csv by breath.

Kaggle's test pressures were never released, so MLE-bench holds out 10% of the *breaths*
of train.csv (every row of a breath on the same side): the breaths, sorted by breath_id
as pandas' groupby sorts them, go through train_test_split(test_size=0.1,
random_state=0), and each side lists its breaths in that shuffled order, each breath's
rows in the file's order. The ids are then renumbered from 1 on each side, and the
floats written with 10 significant digits (pandas' ``float_format="%.10g"``), as MLE-bench
writes them; so are the rows, the order and the values here.

Kaggle's file has six million rows: it is read once into typed Arrow columns (about
35 bytes a row), never as a pandas frame of Python objects, and each output is
written a chunk of rows at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv

from pytest_mlebench.data.prepare.files import progress, write_csv, write_once
from pytest_mlebench.data.prepare.tabular import split_positions
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
#: The types MLE-bench reads Kaggle's columns as (and so writes them back as).
TYPES = {"id": pa.int32(), "breath_id": pa.int32(), "R": pa.int8(), "C": pa.int8(),
         "time_step": pa.float64(), "u_in": pa.float64(), "u_out": pa.int8(), "pressure": pa.float64()}
COLUMNS = tuple(TYPES)
TARGET = "pressure"
FLOAT_FORMAT = "%.10g"
#: Rows turned into CSV text at a time.
CHUNK_ROWS = 1 << 18


def breath_split(breath_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (train, test) of MLE-bench's split, in its order: whole breaths, the
    sorted breaths permuted as train_test_split permutes them, rows kept in file order
    within a breath."""
    breaths, breath_of_row = np.unique(breath_ids, return_inverse=True)
    train, test = split_positions(len(breaths), TEST_SIZE, SEED)
    place = np.empty(len(breaths), dtype=np.int64)
    place[np.concatenate([train, test])] = np.arange(len(breaths))
    place_of_row = place[breath_of_row]
    rows = np.argsort(place_of_row, kind="stable")
    n_train = int((place_of_row < len(train)).sum())
    return rows[:n_train], rows[n_train:]


def write_rows(table: pa.Table, rows: np.ndarray, path: Path, columns: Sequence[str]) -> None:
    """``columns`` of the table's ``rows`` as MLE-bench writes them: ids renumbered from 1,
    floats with 10 significant digits (the same pandas call, a chunk at a time)."""
    def write(tmp: Path) -> None:
        starts = range(0, len(rows), CHUNK_ROWS)
        with open(tmp, "w", encoding="utf-8", newline="") as out, \
                progress(f"writing {path.name}", len(starts)) as advance:
            for start in starts:
                chunk = table.take(rows[start:start + CHUNK_ROWS]).select(list(columns)).to_pandas()
                if "id" in chunk.columns:
                    chunk["id"] = np.arange(start + 1, start + 1 + len(chunk), dtype=np.int64)
                chunk.to_csv(out, index=False, header=start == 0, float_format=FLOAT_FORMAT,
                             lineterminator="\n")
                advance()
    write_once(path, write)


def prepare(raw: Path, public: Path, private: Path) -> None:
    table = pcsv.read_csv(raw / "train.csv", convert_options=pcsv.ConvertOptions(
        column_types=TYPES, include_columns=list(COLUMNS)))
    train, test = breath_split(table.column("breath_id").to_numpy())
    write_rows(table, train, public / "train.csv", COLUMNS)
    features = [c for c in COLUMNS if c != TARGET]
    write_rows(table, test, public / "test.csv", features)
    # MLE-bench's sample predicts a pressure of 0 (written "0") for every test row.
    write_csv(pd.DataFrame({"id": np.arange(1, len(test) + 1), TARGET: 0}), public / "sample_submission.csv")
    write_rows(table, test, private / ANSWERS, COLUMNS)
