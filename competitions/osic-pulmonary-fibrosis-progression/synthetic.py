"""OSIC Pulmonary Fibrosis Progression: Kaggle's train.csv (a patient's FVC measurements over the
weeks around their CT scan), test.csv (five training patients' first visits), the sample submission
(every week from -12 to 133 for those five) and a folder of DICOM slices per patient under train/
and test/, each a real CT image of 4 x 4 pixels written with pydicom.

As in Kaggle's file, one training patient has two measurements in the same week; it is placed on
the training side of MLE-bench's split, whose prepare stops on a test patient with a repeated week.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

from pytest_mlebench.data.prepare.tabular import split_positions
from pytest_mlebench.data.synthetic import csv_bytes, write_folder

PATIENTS = 60
#: Kaggle's five test patients, copied from train.csv with their first visit only.
KAGGLE_TEST = 5
#: The weeks Kaggle's sample submission lists for each test patient.
SAMPLE_WEEKS = range(-12, 134)
SMOKING = ["Ex-smoker", "Never smoked", "Currently smokes"]
#: MLE-bench's split of the patients (sorted, as pandas' groupby lists them).
TEST_SHARE, SEED = 0.1, 0


def patient_ids(rng: np.random.Generator, n: int) -> list[str]:
    """Kaggle's 25-character ids (``ID00007637202177411956430``), in increasing order."""
    numbers = np.sort(rng.choice(1000, size=n, replace=False))
    return [f"ID00{k:03d}637202{rng.integers(10**11, 10**12)}" for k in numbers]


def measurements(patient: str, rng: np.random.Generator) -> pd.DataFrame:
    """Six to ten visits, the first around the scan (week 0), FVC drifting down from a baseline."""
    visits = int(rng.integers(6, 11))
    weeks = int(rng.integers(-5, 6)) + np.cumsum(np.r_[0, rng.integers(3, 14, visits - 1)])
    baseline, decline = rng.uniform(1500, 4500), rng.uniform(0, 8)
    fvc = np.round(baseline - decline * (weeks - weeks[0]) + rng.normal(0, 80, visits)).astype(int)
    expected = baseline / rng.uniform(0.5, 1.0)  # the FVC of a healthy peer: Percent's denominator
    return pd.DataFrame({
        "Patient": patient, "Weeks": weeks, "FVC": fvc, "Percent": 100 * fvc / expected,
        "Age": int(rng.integers(49, 89)), "Sex": rng.choice(["Male", "Female"], p=[0.8, 0.2]),
        "SmokingStatus": rng.choice(SMOKING, p=[0.65, 0.3, 0.05]),
    })


def dicom_slice(patient: str, number: int, rng: np.random.Generator) -> bytes:
    """One CT slice as Kaggle's files hold it: signed 16-bit pixels, rescaled to Hounsfield units."""
    uid = generate_uid(entropy_srcs=[patient, str(number)])
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, uid
    ds.Modality, ds.BodyPartExamined = "CT", "CHEST"
    ds.PatientID = ds.PatientName = patient
    ds.StudyInstanceUID = generate_uid(entropy_srcs=[patient, "study"])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=[patient, "series"])
    ds.InstanceNumber = number
    ds.SliceThickness, ds.PixelSpacing = 1.25, [0.7, 0.7]
    ds.ImagePositionPatient = [-180.0, -180.0, -1.25 * number]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.Rows = ds.Columns = 4
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
    ds.WindowCenter, ds.WindowWidth = -500, 1500
    ds.PixelData = rng.integers(0, 2000, (4, 4), dtype=np.int16).tobytes()
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def scan(patient: str, rng: np.random.Generator) -> dict[str, bytes]:
    """A patient's folder: slices named 1.dcm, 2.dcm, ... as Kaggle names them."""
    return {f"{patient}/{k}.dcm": dicom_slice(patient, k, rng) for k in range(1, int(rng.integers(2, 5)))}


def build(raw: Path, rng: np.random.Generator) -> None:
    patients = patient_ids(rng, PATIENTS)
    visits = [measurements(p, rng) for p in patients]
    repeated = int(split_positions(PATIENTS, TEST_SHARE, SEED)[0][0])  # a training patient
    visits[repeated] = pd.concat([visits[repeated], visits[repeated].iloc[[2]]]).sort_values(
        "Weeks", kind="stable")
    train = pd.concat(visits, ignore_index=True)
    (raw / "train.csv").write_bytes(csv_bytes(train))
    kaggle_test = sorted(rng.choice(patients, size=KAGGLE_TEST, replace=False))
    first = train[train["Patient"].isin(kaggle_test)].groupby("Patient").head(1)
    (raw / "test.csv").write_bytes(csv_bytes(first))
    sample = pd.DataFrame({"Patient_Week": [f"{p}_{w}" for p in kaggle_test for w in SAMPLE_WEEKS],
                           "FVC": 2000, "Confidence": 100})
    (raw / "sample_submission.csv").write_bytes(csv_bytes(sample))
    slices = {p: scan(p, rng) for p in patients}
    write_folder(raw / "train", {key: data for p in patients for key, data in slices[p].items()})
    write_folder(raw / "test", {key: data for p in kaggle_test for key, data in slices[p].items()})
