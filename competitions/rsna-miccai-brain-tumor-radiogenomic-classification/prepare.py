"""RSNA-MICCAI Brain Tumor Radiogenomic Classification: MLE-bench's split of Kaggle's patients.

Kaggle scored its test patients on its servers, so MLE-bench holds out 10% of the rows of
train_labels.csv (train_test_split, random_state=0, over the file's rows in order) and moves
the held-out patients' folders from train/ to test/. A patient's folder holds four MRI
series (FLAIR/, T1w/, T1wCE/, T2w/), a DICOM file per slice; every file is hard-linked,
keeping its path under the patient's folder. Kaggle's test/ folders and sample submission are
dropped. Ids stay the five-digit, zero-padded texts of Kaggle's file (the folders' names).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = pd.read_csv(raw / "train_labels.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(labels, test_size=TEST_SIZE, random_state=SEED)
    with RawImages(raw, "train") as scans:
        by_patient: dict[str, list[str]] = defaultdict(list)
        for key in scans.keys:
            by_patient[key.split("/", 1)[0]].append(key)
        destinations = {}
        for side, ids in (("train", train["BraTS21ID"]), ("test", test["BraTS21ID"])):
            for patient in ids:
                if not by_patient[patient]:  # MLE-bench's copytree stops on a missing folder
                    raise FileNotFoundError(f"{scans.path} has no files for patient {patient}")
                destinations.update({key: public / side / key for key in by_patient[patient]})
        scans.place(destinations, "linking MRI slices")
    write_csv(train, public / "train_labels.csv")
    write_csv(constant_submission(test["BraTS21ID"], ["MGMT_value"], 0.5), public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
