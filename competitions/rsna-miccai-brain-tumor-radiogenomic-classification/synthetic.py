"""RSNA-MICCAI Brain Tumor Radiogenomic Classification: Kaggle's train_labels.csv (BraTS21ID, a
five-digit zero-padded patient id, ascending with gaps; MGMT_value, 0 or 1), sample_submission.csv
(BraTS21ID, MGMT_value 0.5) and a folder per patient under train/ (585 patients) and test/ (87):
<id>/FLAIR/, <id>/T1w/, <id>/T1wCE/ and <id>/T2w/, each an MRI series of Image-<n>.dcm slices
(tens to hundreds of 256 x 256 or 512 x 512 images in Kaggle's; one to three of 4 x 4 pixels here,
real DICOM files written with pydicom)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid

from pytest_mlebench.data.synthetic import write_folder

TRAIN, TEST = 100, 15
SERIES = ("FLAIR", "T1w", "T1wCE", "T2w")


def mri_slice(patient: str, series: str, number: int, rng: np.random.Generator) -> bytes:
    """One slice of an MRI series: unsigned 16-bit pixels, as Kaggle's files hold them."""
    uid = generate_uid(entropy_srcs=[patient, series, str(number)])
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MRImageStorage
    meta.MediaStorageSOPInstanceUID = uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = MRImageStorage, uid
    ds.Modality, ds.SeriesDescription = "MR", series
    ds.PatientID = ds.PatientName = patient
    ds.StudyInstanceUID = generate_uid(entropy_srcs=[patient, "study"])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=[patient, series])
    ds.InstanceNumber = number
    ds.SliceThickness, ds.PixelSpacing = 1.0, [0.5, 0.5]
    ds.ImagePositionPatient = [-120.0, -120.0, float(number)]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.Rows = ds.Columns = 4
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = rng.integers(0, 1000, (4, 4), dtype=np.uint16).tobytes()
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def scans(folder: Path, patients: list[str], rng: np.random.Generator) -> None:
    write_folder(folder, {f"{p}/{s}/Image-{k}.dcm": mri_slice(p, s, k, rng)
                          for p in patients for s in SERIES for k in range(1, int(rng.integers(2, 5)))})


def build(raw: Path, rng: np.random.Generator) -> None:
    numbers = np.sort(rng.choice(2 * (TRAIN + TEST), TRAIN + TEST, replace=False))
    ids = [f"{n:05d}" for n in numbers]
    train, test = ids[:TRAIN], ids[TRAIN:]
    labels = pd.DataFrame({"BraTS21ID": train, "MGMT_value": (rng.random(TRAIN) < 0.5).astype(int)})
    labels.to_csv(raw / "train_labels.csv", index=False)
    pd.DataFrame({"BraTS21ID": test, "MGMT_value": 0.5}).to_csv(raw / "sample_submission.csv", index=False)
    scans(raw / "train", train, rng)
    scans(raw / "test", test, rng)
