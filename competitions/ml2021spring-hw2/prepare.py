"""ML2021Spring-hw2: MLE-bench's split of Kaggle's labelled TIMIT frames.

Kaggle's test labels were never released, so MLE-bench holds out a share of train_11.npy's
rows equal to Kaggle's test share (test rows / all rows, about 0.268) with
``train_test_split(random_state=0)`` over the row numbers (the same draw is made here without
scikit-learn: split_positions). Train and test keep the draw's order, and the test frames are
numbered 0, 1, ... in it (the ``Id`` of the answers and the sample).

The features are 2 GB of float32 (1.2 million rows of 429), so they are never loaded whole:
each output array is written through a memory map, a block of rows at a time, each block
gathered from the memory-mapped source in file order. The files are those ``np.save`` writes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.prepare.files import progress, write_csv, write_once
from pytest_mlebench.data.prepare.tabular import split_positions
from pytest_mlebench.data.store import ANSWERS

SEED = 0
TIMIT = Path("timit_11", "timit_11")
#: Rows gathered at a time: 32,768 feature rows are 56 MB.
BLOCK_ROWS = 1 << 15


def write_rows(source: np.ndarray, rows: np.ndarray, path: Path, description: str) -> None:
    """``source[rows]`` saved at ``path`` as ``np.save`` would, through a memory map."""

    def write(tmp: Path) -> None:
        shape = (len(rows), *source.shape[1:])
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=source.dtype, shape=shape)
        blocks = range(0, len(rows), BLOCK_ROWS)
        with progress(description, len(blocks)) as advance:
            for start in blocks:
                chosen = rows[start:start + BLOCK_ROWS]
                order = np.argsort(chosen)
                block = np.empty((len(chosen), *shape[1:]), dtype=source.dtype)
                block[order] = source[chosen[order]]  # read in file order: sequential on disk
                out[start:start + len(chosen)] = block
                advance()
        out.flush()
        del out

    write_once(path, write)


def prepare(raw: Path, public: Path, private: Path) -> None:
    features = np.load(raw / TIMIT / "train_11.npy", mmap_mode="r")
    labels = np.load(raw / TIMIT / "train_label_11.npy", mmap_mode="r")
    kaggle_test_rows = np.load(raw / TIMIT / "test_11.npy", mmap_mode="r").shape[0]
    share = kaggle_test_rows / (len(features) + kaggle_test_rows)
    train_rows, test_rows = split_positions(len(features), share, SEED)

    folder = public / TIMIT
    write_rows(features, train_rows, folder / "train_11.npy", "writing train_11.npy")
    write_rows(labels, train_rows, folder / "train_label_11.npy", "writing train_label_11.npy")
    write_rows(features, test_rows, folder / "test_11.npy", "writing test_11.npy")
    ids = pd.Series(np.arange(len(test_rows)), name="Id")
    write_csv(pd.DataFrame({"Id": ids, "ClassId": 0}), public / "sampleSubmission.csv")
    write_csv(pd.DataFrame({"Id": ids, "ClassId": labels[test_rows]}), private / ANSWERS)
