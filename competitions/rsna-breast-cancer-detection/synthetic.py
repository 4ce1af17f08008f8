"""RSNA Screening Mammography: Kaggle's train.csv (one row per image, 14 columns), test.csv,
sample_submission.csv and train_images/<patient_id>/<image_id>.dcm (test_images/ likewise).
Kaggle's images are JPEG 2000 DICOM mammograms of thousands of pixels a side; here 8 x 6
uncompressed ones. Ids are numbers as Kaggle's: five-digit patients, up to ten-digit images."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pydicom.uid import DigitalMammographyXRayImageStorageForPresentation as MAMMOGRAM
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.rsna import dicom_bytes
from pytest_mlebench.data.synthetic import write_file

PATIENTS, KAGGLE_TEST_PATIENTS = 60, 2
VIEWS = ("CC", "MLO")
MACHINES = (21, 29, 48, 49, 93, 170, 190, 197, 210, 216)


def mammogram(patient: int, image: int, laterality: str, view: str, rng: np.random.Generator) -> bytes:
    return dicom_bytes(MAMMOGRAM, [str(patient), str(image)], rng.integers(0, 4096, (8, 6)),
                       Modality="MG", PatientID=str(patient), ImageLaterality=laterality,
                       ViewPosition=view, InstanceNumber=1)


def images(patients: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Two to three images per breast, both breasts of each patient, the patient's facts repeated."""
    rows = []
    for patient in patients:
        site, machine = int(rng.integers(1, 3)), rng.choice(MACHINES)
        age = rng.choice([np.nan, *range(38, 90)])
        implant, density = int(rng.random() < 0.05), rng.choice(["A", "B", "C", "D", ""])
        for laterality in ("L", "R"):
            cancer = int(rng.random() < 0.3)
            for view in [*VIEWS, *(["MLO"] if rng.random() < 0.3 else [])]:
                rows.append({"site_id": site, "patient_id": int(patient),
                             "image_id": int(rng.integers(1, 2**31)), "laterality": laterality,
                             "view": view, "age": age, "cancer": cancer,
                             "biopsy": max(cancer, int(rng.random() < 0.05)),
                             "invasive": cancer * int(rng.random() < 0.7),
                             "BIRADS": np.nan if cancer else rng.choice([np.nan, 0.0, 1.0, 2.0]),
                             "implant": implant, "density": density, "machine_id": int(machine),
                             "difficult_negative_case": bool(not cancer and rng.random() < 0.1)})
    return pd.DataFrame(rows)


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = rng.choice(np.arange(10_000, 65_535), PATIENTS + KAGGLE_TEST_PATIENTS, replace=False)
    train = images(ids[:PATIENTS], rng)
    # MLE-bench's held-out patients must hold a cancer, or probabilistic F1 has no positives.
    _, held_out = train_test_split(train["patient_id"].unique(), test_size=0.1, random_state=42)
    first = train.index[train["patient_id"] == held_out[0]][0]
    breast = (train["patient_id"] == held_out[0]) & (train["laterality"] == train.at[first, "laterality"])
    train.loc[breast, ["cancer", "biopsy", "BIRADS", "difficult_negative_case"]] = [1, 1, np.nan, False]
    train.to_csv(raw / "train.csv", index=False)
    test = images(ids[PATIENTS:], rng)[["site_id", "patient_id", "image_id", "laterality", "view", "age",
                                        "implant", "machine_id"]]
    test["prediction_id"] = test["patient_id"].astype(str) + "_" + test["laterality"]
    test.to_csv(raw / "test.csv", index=False)
    pd.DataFrame({"prediction_id": test["prediction_id"].unique(), "cancer": 0}).to_csv(
        raw / "sample_submission.csv", index=False)
    for folder, rows in (("train_images", train), ("test_images", test)):
        for row in rows.itertuples():
            write_file(raw / folder / str(row.patient_id) / f"{row.image_id}.dcm",
                       mammogram(row.patient_id, row.image_id, row.laterality, row.view, rng))
