"""Herbarium 2020: MLE-bench's per-species split of Kaggle's labelled specimen scans.

Kaggle kept its test labels, so MLE-bench holds out 20% of each category of
nybg2020/train/metadata.json (read as Latin-1, since it is not valid UTF-8): a category of one
image stays in train, one of two to four gives its last image, a larger one goes through
train_test_split(test_size=0.2, random_state=0). Train keeps its records and image paths; the
held-out images, shuffled by random.Random(0), are renumbered 0, 1, ... and filed as
nybg2020/test/images/<i // 1000>/<i>.jpg so their names say nothing of their species. The
sample predicts class 0 everywhere.
"""

from __future__ import annotations

from pathlib import Path

from pytest_mlebench.data.prepare.coco import answers_and_sample, split_metadata_folder
from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.store import ANSWERS


def prepare(raw: Path, public: Path, private: Path) -> None:
    test = split_metadata_folder(raw, "nybg2020/train", public, encoding="latin-1")
    answers, sample = answers_and_sample(test, sample_class=0)
    write_csv(sample, public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
