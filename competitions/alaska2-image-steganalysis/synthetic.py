"""ALASKA2 Image Steganalysis: Kaggle's Cover/, JMiPOD/, JUNIWARD/ and UERD/ folders, each with
the same names 00001.jpg ... (75,000 there: a cover photo and its three stego versions), Test/
with 0001.jpg ... (5,000 unlabelled), and sample_submission.csv (Id, Label 0).

MLE-bench's split holds out exactly 5,000 covers, so there are 5,040 here; the photos are
drawn from a small pool to keep building cheap."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, write_folder

COVERS = 5040
KAGGLE_TEST = 4
FOLDERS = ("Cover", "JMiPOD", "JUNIWARD", "UERD")


def build(raw: Path, rng: np.random.Generator) -> None:
    pool = [photo(rng, shape=(4, 4)) for _ in range(16)]
    for folder in FOLDERS:
        picks = rng.integers(0, len(pool), COVERS)
        write_folder(raw / folder, {f"{i:05d}.jpg": pool[p] for i, p in enumerate(picks, start=1)})
    test_ids = [f"{i:04d}.jpg" for i in range(1, KAGGLE_TEST + 1)]
    write_folder(raw / "Test", {name: pool[0] for name in test_ids})
    pd.DataFrame({"Id": test_ids, "Label": 0}).to_csv(raw / "sample_submission.csv", index=False)
