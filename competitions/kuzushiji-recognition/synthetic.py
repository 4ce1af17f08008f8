"""Kuzushiji Recognition: Kaggle's download as it extracts.

- ``train.csv``: ``image_id`` (page names such as ``100241706_00004_2`` or ``umgy001-016``)
  and ``labels``, repeated ``<Unicode> <X> <Y> <Width> <Height>`` quintuples in whole pixels,
  blank for a page without characters;
- ``train_images.zip`` and ``test_images.zip``: ``<image_id>.jpg`` at the archive's top level;
- ``sample_submission.csv``: the test pages with the same two guesses on each;
- ``unicode_translation.csv``: ``Unicode``, ``char``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, photo, write_file, write_zip

N_TRAIN, N_TEST = 60, 4
CODES = ["U+306F", "U+304C", "U+3044", "U+306B", "U+3057", "U+0031", "U+FF2F", "U+003F"]
CHARS = ["は", "が", "い", "に", "し", "1", "Ｏ", "?"]
SAMPLE_LABELS = "U+003F 1 1 U+FF2F 2 2"


def page_ids(rng: np.random.Generator, n: int) -> list[str]:
    """Kaggle's three naming schemes: book number, frame and side; or a book code and page."""
    ids: set[str] = set()
    while len(ids) < n:
        kind = rng.integers(3)
        if kind == 0:
            ids.add(f"{rng.integers(100241706, 200022050)}_{rng.integers(1, 60):05d}_{rng.integers(1, 3)}")
        elif kind == 1:
            ids.add(f"{rng.choice(['umgy', 'brsk', 'hnsd', 'hnsd', 'bsdo'])}{rng.integers(1, 12):03d}-"
                    f"{rng.integers(1, 90):03d}")
        else:
            ids.add(f"{rng.integers(200003076, 200025000)}-{rng.integers(1, 60):05d}_{rng.integers(1, 3)}")
    return sorted(ids)


def page_labels(rng: np.random.Generator) -> str:
    """A page's characters; a tenth of the pages have none (a blank cell)."""
    if rng.random() < 0.1:
        return ""
    boxes = []
    for _ in range(rng.integers(1, 12)):
        x, y = rng.integers(0, 3000, 2)
        width, height = rng.integers(1, 200, 2)
        boxes.append(f"{rng.choice(CODES)} {x} {y} {width} {height}")
    return " ".join(boxes)


def build(raw: Path, rng: np.random.Generator) -> None:
    train_ids, test_ids = page_ids(rng, N_TRAIN), page_ids(rng, N_TEST)
    train = pd.DataFrame({"image_id": rng.permutation(train_ids),
                          "labels": [page_labels(rng) for _ in train_ids]})
    write_file(raw / "train.csv", csv_bytes(train))
    write_zip(raw / "train_images.zip", {f"{i}.jpg": photo(rng) for i in train_ids})
    write_zip(raw / "test_images.zip", {f"{i}.jpg": photo(rng) for i in test_ids})
    write_file(raw / "sample_submission.csv",
               csv_bytes(pd.DataFrame({"image_id": test_ids, "labels": SAMPLE_LABELS})))
    write_file(raw / "unicode_translation.csv",
               csv_bytes(pd.DataFrame({"Unicode": CODES, "char": CHARS})))
