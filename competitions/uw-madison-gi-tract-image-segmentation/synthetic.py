"""UW-Madison GI Tract: Kaggle's train.csv (id ``case123_day20_slice_0001``, class
large_bowel / small_bowel / stomach, segmentation: runs of 1-indexed pixels counted along
the rows, as Kaggle encodes them, blank for none), sample_submission.csv (its header only:
Kaggle's test is hidden) and train/<case>/<case>_<day>/scans/slice_<n>_<W>_<H>_1.50_1.50.png,
tiny 16-bit grey PNGs, some of them not square."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, image_bytes, write_file
from pytest_mlebench.grading.rle import encode

CLASSES = ("large_bowel", "small_bowel", "stomach")
#: Days per case: some training cases have more than the four MLE-bench keeps.
DAYS = (1, 2, 3, 6, 5, 2, 3, 1, 4, 6, 2, 3)
SLICES = 4
SIZES = ((16, 16), (20, 14), (12, 12))  # (width, height), as in the file names


def organ(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """Nothing half the time, else a box."""
    mask = np.zeros((height, width), bool)
    if rng.random() < 0.5:
        top, left = rng.integers(0, height - 1), rng.integers(0, width - 1)
        mask[top:rng.integers(top + 1, height + 1), left:rng.integers(left + 1, width + 1)] = True
    return mask


def build(raw: Path, rng: np.random.Generator) -> None:
    rows = []
    cases = rng.choice(np.arange(2, 160), len(DAYS), replace=False)
    for case, n_days in zip(cases, rng.permutation(DAYS), strict=True):
        for day in rng.choice(np.arange(0, 40), n_days, replace=False):
            width, height = SIZES[rng.integers(len(SIZES))]
            folder = raw / "train" / f"case{case}" / f"case{case}_day{day}" / "scans"
            for n in range(1, SLICES + 1):
                scan = rng.integers(0, 4000, (height, width), dtype=np.uint16)
                write_file(folder / f"slice_{n:04d}_{width}_{height}_1.50_1.50.png", image_bytes(scan, "PNG"))
                for organ_class in CLASSES:
                    # Kaggle's runs go along the rows.
                    rows.append((f"case{case}_day{day}_slice_{n:04d}", organ_class,
                                 encode(organ(rng, height, width), "C")))
    write_file(raw / "train.csv", csv_bytes(pd.DataFrame(rows, columns=["id", "class", "segmentation"])))
    write_file(raw / "sample_submission.csv", "id,class,predicted\n")
