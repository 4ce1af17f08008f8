"""Automated Essay Scoring 2.0: Kaggle's train.csv (essay_id, full_text, score), test.csv and
sample_submission.csv; ids of seven hex digits, essays of several paragraphs with quotes and commas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids, text


def essays(rng: np.random.Generator, ids: list[str]) -> list[str]:
    """Paragraphs split by blank lines, as the students' essays are."""
    return ["\n\n".join(text(rng, int(rng.integers(8, 30))) for _ in range(int(rng.integers(1, 4))))
            for _ in ids]


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = sorted(set(hex_ids(rng, 260, 7)))
    train_ids, test_ids = ids[:-3], ids[-3:]
    train = pd.DataFrame({"essay_id": train_ids, "full_text": essays(rng, train_ids),
                          "score": rng.choice(6, len(train_ids), p=[.07, .27, .36, .23, .06, .01]) + 1})
    (raw / "train.csv").write_bytes(csv_bytes(train))
    (raw / "test.csv").write_bytes(csv_bytes(pd.DataFrame({"essay_id": test_ids,
                                                           "full_text": essays(rng, test_ids)})))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(pd.DataFrame({"essay_id": test_ids, "score": 3})))
