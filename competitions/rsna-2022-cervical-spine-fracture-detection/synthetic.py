"""RSNA 2022 Cervical Spine Fracture Detection: Kaggle's train.csv (StudyInstanceUID,
patient_overall, C1..C7, 0 or 1), train_bounding_boxes.csv (StudyInstanceUID, x, y, width,
height, slice_number: boxes around fractures, several slices a study), test.csv and
sample_submission.csv (Kaggle's three test studies, a row per study and target),
train_images/<UID>/<n>.dcm and test_images/ (one CT slice a file, numbered from 1; Kaggle's are
512 x 512, hundreds a study; here two to four of 4 x 4 pixels) and segmentations/<UID>.nii
(NIfTI-1 volumes labelling the vertebrae 1..7, for some studies; here 4 x 4 x slices, written by
hand). Studies are split as in Kaggle's: some boxed, some segmented, some both."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pandas as pd
from pydicom.uid import CTImageStorage

from pytest_mlebench.data.prepare.rsna import dicom_bytes
from pytest_mlebench.data.synthetic import write_file

#: Training studies, those with boxes only, with a segmentation only and with both: in
#: Kaggle's data 2,019, 195, 47 and 40.
STUDIES, BOXED, SEGMENTED, BOTH = 60, 15, 5, 10
KAGGLE_TEST = 3
TARGETS = ["patient_overall", *(f"C{k}" for k in range(1, 8))]
SIDE = 4


def study_uids(rng: np.random.Generator, n: int) -> list[str]:
    """Kaggle's form: one root and a distinct four- or five-digit study number."""
    return [f"1.2.826.0.1.3680043.{k}" for k in rng.choice(np.arange(1000, 32000), n, replace=False)]


def ct_slice(study: str, number: int, rng: np.random.Generator) -> bytes:
    return dicom_bytes(CTImageStorage, [study, str(number)], rng.integers(0, 2000, (SIDE, SIDE)),
                       Modality="CT", StudyInstanceUID=study, PatientID=study.rsplit(".", 1)[1],
                       InstanceNumber=number, SliceThickness=1.0, PixelSpacing=[0.25, 0.25],
                       ImagePositionPatient=[-60.0, -60.0, float(number)],
                       ImageOrientationPatient=[1, 0, 0, 0, 1, 0], RescaleIntercept=-1024, RescaleSlope=1)


def nifti(labels: np.ndarray) -> bytes:
    """A NIfTI-1 single file (.nii) of unsigned 8-bit labels: the 348-byte header, an empty
    extension flag, then the voxels, x fastest."""
    dims = [3, *labels.shape, 1, 1, 1, 1]
    header = struct.pack(
        "<i10s18sihbb8h3f4h8f3fh2b4f2i80s24s2h6f12f16s4s",
        348, b"", b"", 0, 0, b"r"[0], 0, *dims, 0.0, 0.0, 0.0, 0, 2, 8, 0,
        1.0, 0.25, 0.25, 1.0, 0.0, 0.0, 0.0, 0.0, 352.0, 1.0, 0.0, 0, 0, 10, 0.0, 0.0, 0.0, 0.0, 0, 0,
        b"synthetic vertebrae labels", b"", 0, 1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
        0.25, 0.0, 0.0, 0.0, 0.0, 0.25, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, b"", b"n+1\0")
    return header + b"\0" * 4 + labels.astype(np.uint8).tobytes(order="F")


def scans(folder: Path, studies: list[str], rng: np.random.Generator) -> dict[str, int]:
    slices = {uid: int(rng.integers(2, 5)) for uid in studies}
    for uid, n in slices.items():
        for number in range(1, n + 1):
            write_file(folder / uid / f"{number}.dcm", ct_slice(uid, number, rng))
    return slices


def build(raw: Path, rng: np.random.Generator) -> None:
    uids = study_uids(rng, STUDIES + KAGGLE_TEST)
    train, test = uids[:STUDIES], uids[STUDIES:]
    vertebrae = (rng.random((STUDIES, 7)) < 0.15).astype(int)
    labels = pd.DataFrame(vertebrae, columns=TARGETS[1:])
    labels.insert(0, "patient_overall", vertebrae.max(axis=1))
    labels.insert(0, "StudyInstanceUID", train)
    labels.to_csv(raw / "train.csv", index=False)
    slices = scans(raw / "train_images", train, rng)
    scans(raw / "test_images", test, rng)
    order = rng.permutation(STUDIES)
    boxed = [train[i] for i in order[:BOXED + BOTH]]
    segmented = [train[i] for i in order[BOXED:BOXED + BOTH + SEGMENTED]]
    boxes = [{"StudyInstanceUID": uid, "x": round(float(rng.uniform(50, 300)), 5),
              "y": round(float(rng.uniform(50, 300)), 5), "width": round(float(rng.uniform(10, 80)), 5),
              "height": round(float(rng.uniform(10, 80)), 5), "slice_number": number}
             for uid in boxed for number in range(1, slices[uid] + 1)]
    pd.DataFrame(boxes).to_csv(raw / "train_bounding_boxes.csv", index=False)
    for uid in segmented:
        write_file(raw / "segmentations" / f"{uid}.nii",
                   nifti(rng.integers(0, 8, (SIDE, SIDE, slices[uid]))))
    rows = pd.DataFrame([(f"{uid}_{target}", uid, target) for uid in test for target in TARGETS],
                        columns=["row_id", "StudyInstanceUID", "prediction_type"])
    rows.to_csv(raw / "test.csv", index=False)
    rows[["row_id"]].assign(fractured=0.5).to_csv(raw / "sample_submission.csv", index=False)
