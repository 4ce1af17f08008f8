"""Vesuvius Challenge - Ink Detection: Kaggle's download as it extracts.

- ``train/{1,2,3}/``: per fragment, ``surface_volume/00.tif`` to ``64.tif`` (65 greyscale
  16-bit slices of the 3-D x-ray scan; thousands of pixels a side in Kaggle's, a few here,
  written by Pillow), ``mask.png`` (where the fragment has data), ``ir.png`` (8-bit infrared
  photo), ``inklabels.png`` (ink 255, else 0) and ``inklabels_rle.csv`` (Id, the fragment's
  number; Predicted, the ink mask run-length encoded, pixels left to right then top to bottom);
- ``test/{a,b}/``: ``surface_volume/`` and ``mask.png`` only;
- ``sample_submission.csv``: Id (a, b), Predicted ``1 1 5 1``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, image_bytes, write_file
from pytest_mlebench.grading.rle import encode

TRAIN = {"1": (12, 16), "2": (14, 10), "3": (10, 13)}
TEST = {"a": (8, 9), "b": (9, 7)}
SLICES = 65


def fragment(folder: Path, shape: tuple[int, int], labelled: bool, rng: np.random.Generator) -> None:
    """One fragment's folder: its surface volume and mask, with its labels when ``labelled``."""
    for z in range(SLICES):
        write_file(folder / "surface_volume" / f"{z:02d}.tif",
                   image_bytes(rng.integers(0, 65536, shape, dtype=np.uint16), "TIFF"))
    data = np.ones(shape, dtype=bool)
    data[0, :2] = False  # a corner without papyrus
    write_file(folder / "mask.png", image_bytes(data.astype(np.uint8) * 255, "PNG"))
    if labelled:
        ink = rng.random(shape) < 0.3
        write_file(folder / "inklabels.png", image_bytes(ink.astype(np.uint8) * 255, "PNG"))
        write_file(folder / "ir.png", image_bytes(rng.integers(0, 256, shape, dtype=np.uint8), "PNG"))
        write_file(folder / "inklabels_rle.csv",
                   csv_bytes(pd.DataFrame({"Id": [folder.name], "Predicted": [encode(ink, "C")]})))


def build(raw: Path, rng: np.random.Generator) -> None:
    for name, shape in TRAIN.items():
        fragment(raw / "train" / name, shape, True, rng)
    for name, shape in TEST.items():
        fragment(raw / "test" / name, shape, False, rng)
    write_file(raw / "sample_submission.csv",
               csv_bytes(pd.DataFrame({"Id": list(TEST), "Predicted": "1 1 5 1"})))
