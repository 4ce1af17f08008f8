"""Tiny DICOM files in the form of Kaggle's RSNA downloads (CT slices, mammograms), shared by the
synthetic raw folders of rsna-2022-cervical-spine-fracture-detection and
rsna-breast-cancer-detection and by the cervical preparation benchmark: real DICOM (a preamble,
file meta, the attributes a reader looks at, 16-bit pixels) that pydicom reads back, a few
hundred bytes each."""

from __future__ import annotations

import io

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid


def dicom_bytes(sop_class: str, instance: list[str], pixels: np.ndarray, **attributes: object) -> bytes:
    """One image of class ``sop_class``: its instance UID derived from ``instance`` (so files are
    reproducible), ``pixels`` as unsigned 16-bit MONOCHROME2, and ``attributes`` (by keyword)."""
    uid = generate_uid(entropy_srcs=instance)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID = uid
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = pixels.astype(np.uint16).tobytes()
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
