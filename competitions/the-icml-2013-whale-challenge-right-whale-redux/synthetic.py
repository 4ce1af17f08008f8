"""The ICML 2013 Whale Challenge: Kaggle's train2.zip and test2.zip of AIFF clips named by day,
time and label (``..._TRAIN7_1.aif``), and sampleSubmission.csv."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import aiff_clip, write_zip

DAYS = ("20090328", "20090329", "20090330", "20090331")


def build(raw: Path, rng: np.random.Generator) -> None:
    clips = [(day, int(second)) for day in DAYS for second in sorted(rng.choice(900, 6, replace=False))]
    order = rng.permutation(len(clips))  # Kaggle's TRAIN numbers do not follow time
    names = [f"{day}_000000_{s:03d}s{s % 10}ms_TRAIN{order[i]}_{i % 2}.aif"
             for i, (day, s) in enumerate(clips)]
    write_zip(raw / "train2.zip", {f"train2/{name}": aiff_clip(rng) for name in names}, folder_entries=True)
    test = [f"20090401_000000_{s:03d}s0ms_Test{i}.aif" for i, s in enumerate((5, 17))]
    write_zip(raw / "test2.zip", {f"test2/{name}": aiff_clip(rng) for name in test}, folder_entries=True)
    pd.DataFrame({"clip": test, "probability": 0}).to_csv(raw / "sampleSubmission.csv", index=False)
