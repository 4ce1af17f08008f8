"""RSNA 2022 Cervical Spine Fracture Detection: MLE-bench's split of Kaggle's training studies.

Kaggle scored its test studies on its servers, so MLE-bench keeps 10% of the studies of
train.csv public and holds out the other 90%, keeping the public share of the studies with
bounding boxes, with segmentations and with both at 10% too: with ``random.Random(0)`` it
draws, in this order, 10% of the studies that have both (in UID order), the rest of 10% of the
segmented studies from those with a segmentation only, the rest of 10% of the boxed ones from
those with boxes only, then fills 10% of train.csv's studies from the others, in the file's
order. The held-out studies' labels are melted into one answer per study and target
(``row_id`` = UID, "_", target). A study's CT slices (train_images/<UID>/<n>.dcm, hundreds a
study, some 700,000 in all) are hard-linked a study at a time, so memory does not grow with
their number; only the public studies' segmentations are kept.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from pytest_mlebench.data.prepare.files import constant_submission, progress, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

PUBLIC_SHARE = 0.1
SEED = 0
UID = "StudyInstanceUID"
#: MLE-bench reads the CSVs with pandas' round-trip float parser, so the boxes' coordinates keep
#: their text; pandas 3 parses that way by default (and deprecates the option), pandas 2 does not.
EXACT_FLOATS = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}


def _tenth(items: list[str]) -> int:
    return round(len(items) * PUBLIC_SHARE)  # Python's round, halves to even, as MLE-bench's


def split(studies: list[str], boxed: list[str],
          segmented: list[str]) -> tuple[list[str], list[str], list[str]]:
    """The public studies, the public boxed studies and the public segmented studies, each in
    MLE-bench's order of drawing (``boxed`` and ``segmented`` sorted, ``studies`` in file order)."""
    rng = random.Random(SEED)
    has_segmentation = set(segmented)
    both = [uid for uid in boxed if uid in has_segmentation]
    shared = set(both)
    common = rng.sample(both, _tenth(both))
    more_segmented = rng.sample([uid for uid in segmented if uid not in shared],
                                _tenth(segmented) - len(common))
    more_boxed = rng.sample([uid for uid in boxed if uid not in shared], _tenth(boxed) - len(common))
    public = common + more_segmented + more_boxed
    taken = set(public)
    public += rng.sample([uid for uid in studies if uid not in taken], _tenth(studies) - len(public))
    return public, common + more_boxed, common + more_segmented


def _link_studies(raw: Path, studies: list[tuple[str, Path]]) -> None:
    """Each study's folder of slices, whole, into its side's folder (a missing one is an error,
    as MLE-bench's copytree stops on it): listed and linked one study at a time."""
    with progress("linking CT slices, by study", len(studies)) as advance:
        for study, side in studies:
            (side / study).mkdir(parents=True, exist_ok=True)
            with RawImages(raw / "train_images", study) as slices:
                for key in slices.keys:
                    dest = side / study / key
                    if not dest.exists():
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        slices.put(key, dest)
            advance()


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = pd.read_csv(raw / "train.csv")
    boxes = pd.read_csv(raw / "train_bounding_boxes.csv", **EXACT_FLOATS)
    with RawImages(raw, "segmentations") as segmentations:
        segmented = sorted(key.removesuffix(".nii") for key in segmentations.keys
                           if key.endswith(".nii") and "/" not in key)
        train_ids, boxed_ids, segmented_ids = split(labels[UID].tolist(), sorted(boxes[UID].unique()),
                                                    segmented)
        segmentations.place({f"{uid}.nii": public / "segmentations" / f"{uid}.nii" for uid in segmented_ids},
                            "linking segmentations")
    is_public = labels[UID].isin(set(train_ids))
    answers = labels[~is_public].melt(id_vars=UID, var_name="prediction_type", value_name="fractured")
    answers["row_id"] = answers[UID] + "_" + answers["prediction_type"]
    write_csv(labels[is_public], public / "train.csv")
    write_csv(boxes[boxes[UID].isin(set(boxed_ids))], public / "train_bounding_boxes.csv")
    write_csv(answers, private / ANSWERS)
    write_csv(constant_submission(answers["row_id"], ["fractured"], 0.5), public / "sample_submission.csv")
    write_csv(answers[[UID, "prediction_type", "row_id"]], public / "test.csv")
    _link_studies(raw, [(uid, public / "train_images") for uid in labels.loc[is_public, UID]]
                  + [(uid, public / "test_images") for uid in labels.loc[~is_public, UID]])
