"""U.S. Patent Phrase to Phrase Matching: Kaggle's train.csv, test.csv and sample_submission.csv,
16-hex-digit ids, lower-case anchor and target phrases, CPC contexts such as "A47" and scores in
steps of 0.25 written as Kaggle writes them ("0.0", "0.25", ..., "1.0")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids

CONTEXTS = ["A47", "B60", "C07", "F16", "G06", "H01", "H04"]
WORDS = ["abatement", "pollution", "control", "wireless", "signal", "transmission", "acid",
         "absorption", "valve", "housing", "optical", "fiber", "sensor", "layer", "coating"]
SCORES = ["0.0", "0.25", "0.5", "0.75", "1.0"]


def phrase(rng: np.random.Generator) -> str:
    return " ".join(rng.choice(WORDS, size=int(rng.integers(1, 4))))


def pairs(ids: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Phrase pairs whose score grows with the words they share, so a model has something to find."""
    anchors = [phrase(rng) for _ in ids]
    targets = [a if rng.random() < 0.2 else phrase(rng) for a in anchors]
    shared = [len(set(a.split()) & set(t.split())) / len(set(a.split()) | set(t.split()))
              for a, t in zip(anchors, targets, strict=True)]
    steps = np.clip(np.round(4 * np.array(shared) + rng.normal(0, 0.7, len(ids))), 0, 4).astype(int)
    return pd.DataFrame({"id": ids, "anchor": anchors, "target": targets,
                         "context": rng.choice(CONTEXTS, size=len(ids)),
                         "score": [SCORES[s] for s in steps]})


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = hex_ids(rng, 436, 16)
    (raw / "train.csv").write_bytes(csv_bytes(pairs(ids[:400], rng)))
    test = pairs(ids[400:], rng).drop(columns=["score"])
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["id"]].assign(score=0)))
