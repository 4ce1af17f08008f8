"""SIIM-FISABIO-RSNA COVID-19 Detection: MLE-bench's 90/10 split of Kaggle's training studies.

Kaggle scored its test studies on its servers, so MLE-bench holds out 10% of the rows of
train_study_level.csv (train_test_split, random_state=0, over the file's rows) and every
image of those studies. Both public CSVs are sorted by ``id``; a study's folder
(``<study>/<series>/<image>.dcm``) is hard-linked whole into train/ or test/. Kaggle's own
test/ folder and sample submission are dropped.

The answers (and the sample) have a row per held-out study, then a row per held-out image,
each part sorted by id: a study's row is the class of its first 1 among the four columns
(``negative``, ``typical``, ``indeterminate``, ``atypical``) with the box ``1 0 0 1 1``; an
image's row is its ``label`` as Kaggle wrote it. The sample predicts ``negative 1 0 0 1 1``
for studies and ``none 1 0 0 1 1`` for images.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
STUDY_CLASSES = ("negative", "typical", "indeterminate", "atypical")
WHOLE_IMAGE = "1 0 0 1 1"


def _read(path: Path) -> pd.DataFrame:
    """A CSV as written (blank boxes stay blank, ids stay text)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _study_labels(studies: pd.DataFrame) -> pd.Series:
    """Each study's class: the first of the four one-hot columns holding the row's maximum."""
    onehot = studies.iloc[:, 1:1 + len(STUDY_CLASSES)].astype(float).to_numpy()
    return pd.Series(np.array(STUDY_CLASSES)[onehot.argmax(axis=1)], index=studies.index)


def _place_studies(raw: Path, public: Path, sides: dict[str, pd.Series]) -> None:
    """Hard-link each study's folder into its side (MLE-bench's copytree fails on a missing one)."""
    with RawImages(raw, "train") as files:
        by_study: dict[str, list[str]] = defaultdict(list)
        for key in files.keys:
            by_study[key.split("/", 1)[0]].append(key)
        destinations = {}
        for side, studies in sides.items():
            for study in studies:
                if not by_study[study]:
                    raise FileNotFoundError(f"{files.path} has no folder for study {study}")
                destinations.update({key: public / side / key for key in by_study[study]})
        files.place(destinations, "linking radiographs")


def prepare(raw: Path, public: Path, private: Path) -> None:
    studies = _read(raw / "train_study_level.csv")
    train, test = (part.sort_values("id") for part in
                   train_test_split(studies, test_size=TEST_SIZE, random_state=SEED))
    images = _read(raw / "train_image_level.csv")
    in_study = images["StudyInstanceUID"] + "_study"
    train_images, test_images = (images[in_study.isin(part["id"])].sort_values("id")
                                 for part in (train, test))
    if len(train_images) + len(test_images) != len(images):
        raise ValueError("train_image_level.csv has images of studies not in train_study_level.csv")
    _place_studies(raw, public, {side: part["id"].str.removesuffix("_study")
                                 for side, part in (("train", train), ("test", test))})
    write_csv(train, public / "train_study_level.csv")
    write_csv(train_images, public / "train_image_level.csv")
    ids = pd.concat([test["id"], test_images["id"]], ignore_index=True)
    truth = pd.concat([_study_labels(test) + f" {WHOLE_IMAGE}", test_images["label"]], ignore_index=True)
    write_csv(pd.DataFrame({"id": ids, "PredictionString": truth}), private / ANSWERS)
    sample = [f"negative {WHOLE_IMAGE}"] * len(test) + [f"none {WHOLE_IMAGE}"] * len(test_images)
    write_csv(pd.DataFrame({"id": ids, "PredictionString": sample}), public / "sample_submission.csv")
