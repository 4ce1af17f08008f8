"""Synthetic chest radiographs as DICOM files, for the chest X-ray competitions' synthetic.py
(owner: chest): tiny, but real files pydicom reads, with the tags a model's loader looks at."""

from __future__ import annotations

import io

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import DigitalXRayImageStorageForPresentation, ExplicitVRLittleEndian, generate_uid

SIDE = 16


def radiograph(key: str, rng: np.random.Generator, photometric: str = "MONOCHROME2",
               bits: int = 12, **tags: object) -> bytes:
    """One DX image of ``SIDE`` x ``SIDE`` unsigned pixels of ``bits`` bits, its SOP instance UID
    derived from ``key``; ``tags`` (PatientID, StudyInstanceUID...) are set as given."""
    sop = DigitalXRayImageStorageForPresentation
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop
    meta.MediaStorageSOPInstanceUID = uid = generate_uid(entropy_srcs=[key])
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = sop, uid
    ds.Modality, ds.BodyPartExamined = "DX", "CHEST"
    for name, value in tags.items():
        setattr(ds, name, value)
    ds.Rows = ds.Columns = SIDE
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, photometric
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, bits, bits - 1, 0
    ds.PixelData = rng.integers(0, 1 << bits, (SIDE, SIDE), dtype=np.uint16).tobytes()
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
