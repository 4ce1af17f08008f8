"""ALASKA2 Image Steganalysis: MLE-bench's test set of 5,000 Cover images, each shown as itself or
as one of its three stego versions.

Kaggle's test labels were never released. MLE-bench splits the sorted Cover/ file names
(train_test_split, test_size=5000, random_state=42); each training image keeps its Cover and
its JMiPOD, JUNIWARD and UERD versions, renumbered 00001.jpg on in split order. The held-out
names are shuffled with Python's ``random`` seeded 0; then, per image in that order, a coin
(random.choice([True, False])) keeps the Cover (label 0) or a draw among the three algorithms
picks a stego version (label 1), placed as Test/0001.jpg on. Every image is hard-linked.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 5000
SEED = 42
SHUFFLE_SEED = 0
COVER = "Cover"
ALGORITHMS = ("JMiPOD", "JUNIWARD", "UERD")


def prepare(raw: Path, public: Path, private: Path) -> None:
    with RawImages(raw, COVER) as covers:
        names = sorted(key for key in covers.keys if "/" not in key and key.endswith(".jpg"))
    train, test = train_test_split(names, test_size=TEST_SIZE, random_state=SEED)
    draw = random.Random(SHUFFLE_SEED)  # the same stream as MLE-bench's random.seed(0)
    draw.shuffle(test)
    sources: dict[str, dict[str, Path]] = {folder: {} for folder in (COVER, *ALGORITHMS)}
    for i, name in enumerate(train, start=1):
        for folder in sources:
            sources[folder][name] = public / folder / f"{i:05d}.jpg"
    rows = []
    for i, name in enumerate(test, start=1):
        test_id = f"{i:04d}.jpg"
        folder = COVER if draw.choice([True, False]) else draw.choice(ALGORITHMS)
        # A held-out name is not in the training side, so each folder's mapping stays one-to-one.
        sources[folder][name] = public / "Test" / test_id
        rows.append((test_id, int(folder != COVER)))
    for folder, destinations in sources.items():
        with RawImages(raw, folder) as images:
            images.place(destinations, f"linking {folder} images")
    answers = pd.DataFrame(rows, columns=["Id", "Label"])
    write_csv(constant_submission(answers["Id"], ["Label"], 0), public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
