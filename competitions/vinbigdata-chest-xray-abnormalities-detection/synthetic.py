"""VinBigData Chest X-ray Abnormalities Detection: Kaggle's download as it extracts.

- ``train.csv``: ``image_id`` (32 hex), ``class_name``, ``class_id`` (0-13, 14 for "No
  finding"), ``rad_id`` (``R1``..``R17``), ``x_min``, ``y_min``, ``x_max``, ``y_max`` (pixels,
  written ``691.0``; blank for "No finding"): three radiologists per image, a row per box
  they drew or one "No finding" row each, several boxes of one class on some images;
- ``train/<image_id>.dicom`` and ``test/<image_id>.dicom``: chest radiographs (about 3000
  pixels a side in Kaggle's, 16 x 16 here);
- ``sample_submission.csv``: every test image with ``14 1 0 0 1 1``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.chest import radiograph
from pytest_mlebench.data.synthetic import csv_bytes, hex_ids, write_file

TRAIN, TEST = 60, 6
CLASSES = ("Aortic enlargement", "Atelectasis", "Calcification", "Cardiomegaly", "Consolidation",
           "ILD", "Infiltration", "Lung Opacity", "Nodule/Mass", "Other lesion", "Pleural effusion",
           "Pleural thickening", "Pneumothorax", "Pulmonary fibrosis", "No finding")


def readings(image: str, rng: np.random.Generator) -> list[dict[str, object]]:
    """Three radiologists' rows for one image: half the images have no finding at all."""
    abnormal = rng.random() < 0.5
    findings = rng.choice(14, size=int(rng.integers(1, 3)), replace=False)
    rows: list[dict[str, object]] = []
    for rad in rng.choice(17, size=3, replace=False) + 1:
        drew = [int(c) for c in findings if rng.random() < 0.7] if abnormal else []
        if not drew:
            rows.append({"image_id": image, "class_name": CLASSES[14], "class_id": 14,
                         "rad_id": f"R{rad}", "x_min": "", "y_min": "", "x_max": "", "y_max": ""})
        for c in drew:
            for _ in range(int(rng.choice([1, 1, 2]))):
                x, y = rng.integers(0, 2000, 2)
                w, h = rng.integers(50, 900, 2)
                rows.append({"image_id": image, "class_name": CLASSES[c], "class_id": c,
                             "rad_id": f"R{rad}", "x_min": f"{x}.0", "y_min": f"{y}.0",
                             "x_max": f"{x + w}.0", "y_max": f"{y + h}.0"})
    return rows


def build(raw: Path, rng: np.random.Generator) -> None:
    images = hex_ids(rng, TRAIN + TEST, 32)
    train, test = images[:TRAIN], images[TRAIN:]
    rows = [row for image in train for row in readings(image, rng)]
    order = rng.permutation(len(rows))  # Kaggle's rows are not grouped by image
    write_file(raw / "train.csv", csv_bytes(pd.DataFrame(rows).iloc[order]))
    for side, ids in (("train", train), ("test", test)):
        for image in ids:
            scan = radiograph(image, rng, "MONOCHROME1", 14, PatientSex=str(rng.choice(["M", "F", "O"])),
                              PatientAge="045Y")  # many of Kaggle's are MONOCHROME1
            write_file(raw / side / f"{image}.dicom", scan)
    write_file(raw / "sample_submission.csv",
               csv_bytes(pd.DataFrame({"image_id": test, "PredictionString": "14 1 0 0 1 1"})))
