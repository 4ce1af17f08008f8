"""TGS Salt: Kaggle's files as MLE-bench reads them. competition_data.zip holds
``competition_data/train.csv`` (id: ten hex digits, rle_mask: column-major 1-indexed runs,
blank for no salt), ``competition_data/train/{images,masks}/<id>.png`` and
``competition_data/test/images/<id>.png``; beside it train.csv (the same table),
depths.csv (id, z for every image) and sample_submission.csv (Kaggle's test ids, ``1 1``).
Images are 101x101 grey PNGs, masks 0/65535 16-bit PNGs, as Kaggle's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids, image_bytes, write_file, write_zip
from pytest_mlebench.grading.rle import encode

SIZE = 101
LABELLED = 40
UNLABELLED = 6


def salt_mask(rng: np.random.Generator, kind: int) -> np.ndarray:
    """No salt, a full image, or a random box (some covering most of the image)."""
    mask = np.zeros((SIZE, SIZE), bool)
    if kind == 1:
        mask[:] = True
    elif kind > 1:
        top, left = rng.integers(0, 60, 2)
        bottom, right = rng.integers(top + 1, SIZE + 1), rng.integers(left + 1, SIZE + 1)
        mask[top:bottom, left:right] = True
    return mask


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = hex_ids(rng, LABELLED + UNLABELLED, 10)
    labelled, unlabelled = ids[:LABELLED], ids[LABELLED:]
    masks = [salt_mask(rng, kind) for kind in rng.choice([0, 0, 1, 2, 2, 2], LABELLED)]
    train = pd.DataFrame({"id": labelled, "rle_mask": [encode(m, "F") for m in masks]})
    members = {"competition_data/train.csv": csv_bytes(train)}
    for image, mask in zip(labelled, masks, strict=True):
        members[f"competition_data/train/images/{image}.png"] = seismic(rng)
        members[f"competition_data/train/masks/{image}.png"] = image_bytes(mask.astype(np.uint16) * 65535,
                                                                           "PNG")
    for image in unlabelled:
        members[f"competition_data/test/images/{image}.png"] = seismic(rng)
    write_zip(raw / "competition_data.zip", members, folder_entries=True)
    write_file(raw / "train.csv", csv_bytes(train))
    depths = pd.DataFrame({"id": ids, "z": rng.integers(50, 960, len(ids))})
    write_file(raw / "depths.csv", csv_bytes(depths.iloc[rng.permutation(len(ids))]))
    write_file(raw / "sample_submission.csv", csv_bytes(pd.DataFrame({"id": unlabelled, "rle_mask": "1 1"})))


def seismic(rng: np.random.Generator) -> bytes:
    return image_bytes(rng.integers(0, 256, (SIZE, SIZE), dtype=np.uint8), "PNG")
