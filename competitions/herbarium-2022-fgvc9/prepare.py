"""Herbarium 2022: MLE-bench's per-species split of Kaggle's labelled specimen scans.

Kaggle kept its test labels, so MLE-bench holds out 20% of each category of
train_metadata.json by train_test_split(test_size=0.2, random_state=0) (every category has at
least two images, so each keeps one on both sides). Both sides are renamed so that no name
tells a gap left by the other: train image k (from 1) of category c becomes
``<c, 5 digits>__<k, 3 digits>`` filed under train_images/<c // 100>/<c % 100>/, and the
held-out images, shuffled by random.Random(0), become "0", "1", ... filed as
test_images/<i // 1000>/test-<i, 6 digits>.jpg. test_metadata.json is the bare list of their
image records. The sample predicts class 42 everywhere.
"""

from __future__ import annotations

from pathlib import Path

from pytest_mlebench.data.prepare.coco import (
    answers_and_sample,
    by_category,
    category_folder,
    read_json,
    split_by_category,
    write_json,
)
from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.2
SEED = 0
SHUFFLE_SEED = 0
SAMPLE_CLASS = 42


def prepare(raw: Path, public: Path, private: Path) -> None:
    metadata = read_json(raw / "train_metadata.json")
    train, test = split_by_category(by_category(metadata, image_key="image_id"), TEST_SIZE, SEED,
                                    SHUFFLE_SEED, small_rule=False)
    sources: dict[str, Path] = {}
    train_annotations, train_images = [], []
    for category, pairs in train.items():
        for k, (annotation, image) in enumerate(pairs, start=1):
            new_id = f"{category:05d}__{k:03d}"
            file_name = f"{category_folder(category)}/{new_id}.jpg"
            sources[image["file_name"]] = public / "train_images" / file_name
            train_annotations.append({**annotation, "image_id": new_id})
            train_images.append({**image, "image_id": new_id, "file_name": file_name})
    test_images = []
    for i, (_, image) in enumerate(test):
        file_name = f"{i // 1000:03d}/test-{i:06d}.jpg"
        sources[image["file_name"]] = public / "test_images" / file_name
        test_images.append({**image, "image_id": str(i), "file_name": file_name})
    with RawImages(raw, "train_images") as files:
        files.place(sources, "linking herbarium scans")
    write_json({**metadata, "annotations": train_annotations, "images": train_images},
               public / "train_metadata.json")
    write_json(test_images, public / "test_metadata.json")
    answers, sample = answers_and_sample(test, SAMPLE_CLASS)
    write_csv(sample, public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
