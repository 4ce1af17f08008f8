"""RANZCR CLiP: Kaggle's train.csv (11 labels and PatientID), train_annotations.csv and sample,
and the JPEG folders train/ and test/ named by DICOM-style study UIDs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.synthetic import photo, write_file

LABELS = [
    "ETT - Abnormal", "ETT - Borderline", "ETT - Normal", "NGT - Abnormal", "NGT - Borderline",
    "NGT - Incompletely Imaged", "NGT - Normal", "CVC - Abnormal", "CVC - Borderline", "CVC - Normal",
    "Swan Ganz Catheter Present",
]


def build(raw: Path, rng: np.random.Generator) -> None:
    n = 200
    uids = [f"1.2.826.0.1.3680043.8.498.{rng.integers(10**17, 10**18)}{rng.integers(10**17, 10**18)}"
            for _ in range(n + 5)]
    labels = (rng.random((n, len(LABELS))) < 0.3).astype(int)
    # Both classes in every column among the few test rows (MLE-bench's split), so each AUC is defined.
    _, test = train_test_split(np.arange(n), test_size=0.1, random_state=0)
    for i, row in enumerate(test):
        labels[row, i % len(LABELS)], labels[row, (i + 5) % len(LABELS)] = 1, 0
    train = pd.concat([pd.DataFrame({"StudyInstanceUID": uids[:n]}),
                       pd.DataFrame(labels, columns=LABELS),
                       pd.DataFrame({"PatientID": [f"{rng.integers(16**9):09x}" for _ in range(n)]})], axis=1)
    train.to_csv(raw / "train.csv", index=False)
    annotated = rng.choice(n, size=60, replace=False)
    pd.DataFrame({
        "StudyInstanceUID": [uids[i] for i in annotated for _ in range(2)],
        "label": rng.choice(LABELS[:10], size=120),
        "data": [f"[[{x}, {y}], [{y}, 7]]" for x, y in rng.integers(2000, size=(120, 2))],
    }).to_csv(raw / "train_annotations.csv", index=False)
    pd.DataFrame({"StudyInstanceUID": uids[n:], **dict.fromkeys(LABELS, 0)}).to_csv(
        raw / "sample_submission.csv", index=False)
    for i, uid in enumerate(uids):
        write_file(raw / ("train" if i < n else "test") / f"{uid}.jpg", photo(rng))
