"""Jigsaw Toxic Comment Classification: Kaggle's four zipped CSVs, 16-hex-digit ids, comments
with line breaks, and test labels of -1 for the rows Kaggle did not score."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import text, zip_csv

LABELS = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = [f"{x:016x}" for x in rng.choice(2**40, size=500, replace=False)]
    comments = [text(rng, 8).replace(" lol ", "\nlol\n") for _ in ids]
    labels = pd.DataFrame((rng.random((500, 6)) < 0.3).astype(int), columns=LABELS)
    train = pd.concat([pd.DataFrame({"id": ids[:300], "comment_text": comments[:300]}), labels[:300]], axis=1)
    test_labels = pd.concat([pd.DataFrame({"id": ids[300:]}), labels[300:].reset_index(drop=True)], axis=1)
    test_labels.loc[rng.random(200) < 0.5, LABELS] = -1
    zip_csv(raw / "train.csv.zip", train)
    zip_csv(raw / "test.csv.zip", pd.DataFrame({"id": ids[300:], "comment_text": comments[300:]}))
    zip_csv(raw / "test_labels.csv.zip", test_labels)
    sample = test_labels[["id"]].assign(**dict.fromkeys(LABELS, 0.5))
    zip_csv(raw / "sample_submission.csv.zip", sample)
