"""Google Research - Identify Contrails: Kaggle's download as it extracts, images 8 x 8.

- ``train/<record_id>/``: ``band_08.npy`` ... ``band_16.npy`` (H x W x 8 float32 brightness
  temperatures: 4 frames before the labelled one, 3 after), ``human_individual_masks.npy``
  (H x W x 1 x R int32, R labellers, 0 or 1) and ``human_pixel_masks.npy`` (H x W x 1 int32,
  1 where more than half of them marked a contrail);
- ``validation/<record_id>/``: the bands and human_pixel_masks.npy;
- ``test/<record_id>/``: the bands of two records;
- ``train_metadata.json`` and ``validation_metadata.json``: one object per record (``row_min``,
  ``row_size``, ``col_min``, ``col_size``, ``timestamp``, ``record_id`` as a string of digits,
  ``projection_wkt``);
- ``sample_submission.csv``: ``record_id``, ``encoded_pixels`` ("1 3 10 5" or "-").

A fifth of the records have no contrail.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, write_file

SIZE, FRAMES = 8, 8
N_TRAIN, N_VALIDATION, N_TEST = 40, 5, 2
BANDS = range(8, 17)
WKT = ('PROJCS["unknown",GEOGCS["unknown",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
       'PRIMEM["Greenwich",0]],PROJECTION["Lambert_Conformal_Conic_2SP"],UNIT["metre",1]]')


def record_ids(rng: np.random.Generator, n: int) -> list[str]:
    """Kaggle's ids: integers of 16 to 19 digits, written as strings."""
    return [str(v) for v in rng.integers(10**15, 9 * 10**18, n)]


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def write_record(folder: Path, rng: np.random.Generator, labelled: bool, individual: bool) -> None:
    for band in BANDS:
        temperatures = rng.uniform(200, 300, (SIZE, SIZE, FRAMES)).astype(np.float32)
        write_file(folder / f"band_{band:02}.npy", npy(temperatures))
    if not labelled:
        return
    labellers = int(rng.integers(3, 6))
    marked = np.zeros((SIZE, SIZE, 1, labellers), np.int32)
    if rng.random() < 0.8:  # a contrail: a line of pixels most labellers mark
        row, column = rng.integers(0, SIZE, 2)
        marked[row, :, 0, :] = rng.random((SIZE, labellers)) < 0.8
        marked[:, column, 0, :] |= rng.random((SIZE, labellers)) < 0.3
    pixel = (marked.sum(axis=3) > labellers / 2).astype(np.int32)
    if individual:
        write_file(folder / "human_individual_masks.npy", npy(marked))
    write_file(folder / "human_pixel_masks.npy", npy(pixel))


def metadata(ids: list[str], rng: np.random.Generator) -> str:
    return json.dumps([{"row_min": float(rng.integers(-4000, 1000)) * 1000.0, "row_size": 2000.0,
                        "col_min": float(rng.integers(-4000, 1000)) * 1000.0, "col_size": 2000.0,
                        "timestamp": float(1555502400 + 600 * rng.integers(0, 50000)),
                        "record_id": rid, "projection_wkt": WKT} for rid in ids])


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = record_ids(rng, N_TRAIN + N_VALIDATION + N_TEST)
    sides = {"train": ids[:N_TRAIN], "validation": ids[N_TRAIN:N_TRAIN + N_VALIDATION],
             "test": ids[N_TRAIN + N_VALIDATION:]}
    for side, side_ids in sides.items():
        for rid in side_ids:
            write_record(raw / side / rid, rng, labelled=side != "test", individual=side == "train")
    write_file(raw / "train_metadata.json", metadata(sides["train"], rng))
    write_file(raw / "validation_metadata.json", metadata(sides["validation"], rng))
    write_file(raw / "sample_submission.csv", csv_bytes(pd.DataFrame(
        {"record_id": sides["test"], "encoded_pixels": ["1 3 10 5", "-"]})))
