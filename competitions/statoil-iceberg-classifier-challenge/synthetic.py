"""Statoil/C-CORE Iceberg Classifier: Kaggle's train.json.7z and test.json.7z, each holding a
JSON list at data/processed/ of images {id: 8 hex digits, band_1 and band_2: the flattened
decibel values, inc_angle: degrees, or "na" on a few training images; train's also
is_iceberg: 0 or 1}, and sample_submission.csv.7z (id, is_iceberg 0.5). Kaggle's images are
75 x 75; these are 8 x 8, so that the tests run in seconds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import py7zr

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids

PIXELS = 8 * 8


def images(rng: np.random.Generator, ids: list[str], labelled: bool) -> bytes:
    """The JSON list of images, written compactly as Kaggle's files are."""
    items = []
    for i in ids:
        angle = "na" if labelled and rng.random() < 0.1 else round(float(rng.uniform(30, 46)), 4)
        item = {"id": i, "band_1": rng.normal(-20, 5, PIXELS).round(6).tolist(),
                "band_2": rng.normal(-26, 4, PIXELS).round(6).tolist(), "inc_angle": angle}
        if labelled:
            item["is_iceberg"] = int(rng.integers(0, 2))
        items.append(item)
    return json.dumps(items, separators=(",", ":")).encode()


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = hex_ids(rng, 106, 8)
    members = {"train.json.7z": ("data/processed/train.json", images(rng, ids[:100], True)),
               "test.json.7z": ("data/processed/test.json", images(rng, ids[100:], False)),
               "sample_submission.csv.7z": ("sample_submission.csv",
                                            csv_bytes(pd.DataFrame({"id": ids[100:], "is_iceberg": 0.5})))}
    for archive, (member, data) in members.items():
        with py7zr.SevenZipFile(raw / archive, "w") as sz:
            sz.writestr(data, member)
