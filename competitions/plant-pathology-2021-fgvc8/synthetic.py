"""Plant Pathology 2021: Kaggle's train.csv (image: 16 hex digits and ``.jpg``, labels: one of
the twelve space-separated label sets Kaggle's photos carry), sample_submission.csv (image,
labels ``healthy``), and the photos train_images/<image> and test_images/<image>, small JPEGs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, photo, write_folder

#: The label sets of Kaggle's train.csv, written as Kaggle writes them (not sorted).
LABEL_SETS = ["healthy", "scab", "frog_eye_leaf_spot", "rust", "complex", "powdery_mildew",
              "scab frog_eye_leaf_spot", "scab frog_eye_leaf_spot complex", "frog_eye_leaf_spot complex",
              "rust frog_eye_leaf_spot", "rust complex", "powdery_mildew complex"]


def build(raw: Path, rng: np.random.Generator) -> None:
    n_train, n_test = 100, 3
    images = [f"{i}.jpg" for i in hex_ids(rng, n_train + n_test, 16)]
    pd.DataFrame({"image": images[:n_train], "labels": rng.choice(LABEL_SETS, n_train)}).to_csv(
        raw / "train.csv", index=False)
    pd.DataFrame({"image": images[n_train:], "labels": "healthy"}).to_csv(raw / "sample_submission.csv",
                                                                        index=False)
    write_folder(raw / "train_images", {image: photo(rng) for image in images[:n_train]})
    write_folder(raw / "test_images", {image: photo(rng) for image in images[n_train:]})
