"""Plant Pathology 2021: Kaggle's train.csv (image: 16 hex digits and ``.jpg``, labels: one to
three space-separated disease names, or ``healthy``), sample_submission.csv (image, labels
``healthy``), and the photos train_images/<image> and test_images/<image>, small JPEGs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, photo, write_folder

DISEASES = ["scab", "frog_eye_leaf_spot", "rust", "complex", "powdery_mildew"]


def labels(rng: np.random.Generator) -> str:
    """One photo's labels: healthy, or up to three diseases in Kaggle's order of names."""
    if rng.random() < 0.3:
        return "healthy"
    return " ".join(sorted(rng.choice(DISEASES, rng.integers(1, 4), replace=False)))


def build(raw: Path, rng: np.random.Generator) -> None:
    n_train, n_test = 100, 3
    images = [f"{i}.jpg" for i in hex_ids(rng, n_train + n_test, 16)]
    pd.DataFrame({"image": images[:n_train], "labels": [labels(rng) for _ in range(n_train)]}).to_csv(
        raw / "train.csv", index=False)
    pd.DataFrame({"image": images[n_train:], "labels": "healthy"}).to_csv(raw / "sample_submission.csv",
                                                                        index=False)
    write_folder(raw / "train_images", {image: photo(rng) for image in images[:n_train]})
    write_folder(raw / "test_images", {image: photo(rng) for image in images[n_train:]})
