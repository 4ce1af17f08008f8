"""SIIM-FISABIO-RSNA COVID-19 Detection: Kaggle's download as it extracts.

- ``train_study_level.csv``: ``id`` (``<12 hex>_study``) and the one-hot columns
  ``Negative for Pneumonia``, ``Typical Appearance``, ``Indeterminate Appearance``,
  ``Atypical Appearance``;
- ``train_image_level.csv``: ``id`` (``<12 hex>_image``), ``boxes`` (a Python-literal list of
  ``{'x', 'y', 'width', 'height'}`` dicts, blank without opacity), ``label`` (``opacity 1 xmin
  ymin xmax ymax`` per box, or ``none 1 0 0 1 1``) and ``StudyInstanceUID`` (12 hex);
- ``train/<study>/<series>/<image>.dcm`` and ``test/...``: chest radiographs (thousands of
  pixels a side in Kaggle's, 16 x 16 here), some studies with several series or images;
- ``sample_submission.csv``: the test studies (``negative 1 0 0 1 1``) and images
  (``none 1 0 0 1 1``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pydicom.uid import generate_uid

from pytest_mlebench.data.chest import radiograph
from pytest_mlebench.data.synthetic import csv_bytes, hex_ids, write_file

TRAIN, TEST = 60, 8
STUDY_COLUMNS = ("Negative for Pneumonia", "Typical Appearance", "Indeterminate Appearance",
                 "Atypical Appearance")


def opacities(rng: np.random.Generator) -> tuple[str, str]:
    """(boxes, label) of an image with one or two opacities, in Kaggle's five-decimal floats."""
    boxes, label = [], []
    for _ in range(int(rng.integers(1, 3))):
        x, y = np.round(rng.uniform(0, 2000, 2), 5)
        w, h = np.round(rng.uniform(300, 1500, 2), 5)
        boxes.append(f"{{'x': {x}, 'y': {y}, 'width': {w}, 'height': {h}}}")
        label.append(f"opacity 1 {x} {y} {round(x + w, 5)} {round(y + h, 5)}")
    return f"[{', '.join(boxes)}]", " ".join(label)


def studies(folder: Path, count: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``count`` studies' files under ``folder``, their one-hot rows and their images' rows."""
    study_rows, image_rows = [], []
    for study in hex_ids(rng, count, 12):
        kind = int(rng.choice(4, p=[0.3, 0.45, 0.15, 0.1]))
        onehot = {c: int(i == kind) for i, c in enumerate(STUDY_COLUMNS)}
        study_rows.append({"id": f"{study}_study", **onehot})
        for series in hex_ids(rng, int(rng.choice([1, 1, 2])), 12):
            for image in hex_ids(rng, int(rng.choice([1, 1, 1, 2])), 12):
                scan = radiograph(image, rng, PatientID=study,
                                  StudyInstanceUID=generate_uid(entropy_srcs=[study]),
                                  SeriesInstanceUID=generate_uid(entropy_srcs=[study, series]))
                write_file(folder / study / series / f"{image}.dcm", scan)
                boxes, label = opacities(rng) if kind and rng.random() < 0.8 else ("", "none 1 0 0 1 1")
                image_rows.append({"id": f"{image}_image", "boxes": boxes, "label": label,
                                   "StudyInstanceUID": study})
    return pd.DataFrame(study_rows), pd.DataFrame(image_rows)


def build(raw: Path, rng: np.random.Generator) -> None:
    train_studies, train_images = studies(raw / "train", TRAIN, rng)
    test_studies, test_images = studies(raw / "test", TEST, rng)
    write_file(raw / "train_study_level.csv", csv_bytes(train_studies))
    write_file(raw / "train_image_level.csv", csv_bytes(train_images))
    sample = pd.DataFrame({"id": [*test_studies["id"], *test_images["id"]],
                           "PredictionString": ["negative 1 0 0 1 1"] * len(test_studies)
                           + ["none 1 0 0 1 1"] * len(test_images)})
    write_file(raw / "sample_submission.csv", csv_bytes(sample))
