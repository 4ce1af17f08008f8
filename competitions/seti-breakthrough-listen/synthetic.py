"""SETI Breakthrough Listen: Kaggle's train_labels.csv (15-hex-digit ids, target 0 or 1),
train/<first digit>/<id>.npy and test/<first digit>/<id>.npy cadence snippets (float16, six
panels of a spectrogram: (6, 16, 16) here instead of Kaggle's (6, 273, 256)), sample_submission.csv,
and old_leaky_data/ with the pre-relaunch data: train_old/ and test_old/ snippets under 12-hex-digit
ids, and train_labels_old.csv and test_labels_old.csv."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, write_folder

SHAPE = (6, 16, 16)


def snippet(rng: np.random.Generator) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, rng.normal(size=SHAPE).astype(np.float16))
    return buffer.getvalue()


def cadences(folder: Path, ids: list[str], rng: np.random.Generator) -> None:
    write_folder(folder, {f"{i[0]}/{i}.npy": snippet(rng) for i in ids})


def labelled(ids: list[str], rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame({"id": ids, "target": (rng.random(len(ids)) < 0.25).astype(int)})


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = hex_ids(rng, 500, 15)
    labelled(ids[:400], rng).to_csv(raw / "train_labels.csv", index=False)
    cadences(raw / "train", ids[:400], rng)
    cadences(raw / "test", ids[400:], rng)
    pd.DataFrame({"id": ids[400:], "target": 0.5}).to_csv(raw / "sample_submission.csv", index=False)
    old, leaky = hex_ids(rng, 50, 12), raw / "old_leaky_data"
    for side, part in (("train", old[:30]), ("test", old[30:])):
        cadences(leaky / f"{side}_old", part, rng)
        labelled(part, rng).to_csv(leaky / f"{side}_labels_old.csv", index=False)
