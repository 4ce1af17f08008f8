"""iWildCam 2020: MLE-bench's split of Kaggle's labelled camera-trap images by camera location.

Kaggle kept its test labels, so MLE-bench holds out 22% of the training images' locations
(their order of first appearance, train_test_split with random_state=0) with every image taken
there, then moves the last location of one side to the other until held-out / (all + held-out)
first reaches 0.22 and then no longer exceeds it (MLE-bench's own ratio, which counts the
held-out images twice). The JSON files keep Kaggle's layout: the training annotations hold
the kept images, the test information the held-out ones (with Kaggle's test categories);
their photos move from train/ to test/, and MegaDetector's boxes ship unchanged. The sample
submission draws each Category uniformly from 0-675 with numpy's legacy generator, seed 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import link_or_copy, write_csv, write_once
from pytest_mlebench.data.prepare.images import place_split
from pytest_mlebench.data.store import ANSWERS

TRAIN_JSON = "iwildcam2020_train_annotations.json"
TEST_JSON = "iwildcam2020_test_information.json"
MEGADETECTOR_JSON = "iwildcam2020_megadetector_results.json"
TEST_SIZE = 0.22
SEED = 0
SAMPLE_SEED = 0
#: The sample's classes are drawn from range(SAMPLE_CLASSES).
SAMPLE_CLASSES = 676


def _split_locations(images: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """MLE-bench's locations (train, test): the seeded split, then its moves towards 22%."""
    train, test = train_test_split(images["location"].unique(), test_size=TEST_SIZE, random_state=SEED)

    def share(test: np.ndarray) -> float:
        held_out = int(images["location"].isin(test).sum())
        return held_out / (len(images) + held_out)

    while share(test) < TEST_SIZE:
        train, test = train[:-1], np.append(test, train[-1])
    while share(test) > TEST_SIZE:
        train, test = np.append(train, test[-1]), test[:-1]
    return train, test


def _write_json(content: dict, path: Path) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(content, out)

    write_once(path, write)


def prepare(raw: Path, public: Path, private: Path) -> None:
    with open(raw / TRAIN_JSON, encoding="utf-8") as f:
        kaggle_train = json.load(f)
    with open(raw / TEST_JSON, encoding="utf-8") as f:
        kaggle_test = json.load(f)
    # Frames and back, as MLE-bench does: a key some records lack comes out as NaN in all of them.
    annotations = pd.DataFrame(kaggle_train["annotations"])
    images = pd.DataFrame(kaggle_train["images"])
    train_locations, test_locations = _split_locations(images)
    train_images = images[images["location"].isin(train_locations)]
    test_images = images[images["location"].isin(test_locations)]
    train_annotations = annotations[annotations["image_id"].isin(train_images["id"].unique())]
    test_annotations = annotations[annotations["image_id"].isin(test_images["id"].unique())]

    place_split(raw, "train", "camera-trap photos", ".jpg", [(train_images["id"].unique(), public / "train"),
                                                             (test_images["id"].unique(), public / "test")])
    _write_json({"annotations": train_annotations.to_dict(orient="records"),
                 "images": train_images.to_dict(orient="records"),
                 "categories": pd.DataFrame(kaggle_train["categories"]).to_dict(orient="records"),
                 "info": kaggle_train["info"]}, public / TRAIN_JSON)
    _write_json({"images": test_images.to_dict(orient="records"),
                 "categories": pd.DataFrame(kaggle_test["categories"]).to_dict(orient="records"),
                 "info": kaggle_test["info"]}, public / TEST_JSON)
    if not (public / MEGADETECTOR_JSON).exists():
        link_or_copy(raw / MEGADETECTOR_JSON, public / MEGADETECTOR_JSON)

    answers = pd.DataFrame({"Id": test_annotations["image_id"].to_numpy(),
                            "Category": test_annotations["category_id"].to_numpy()})
    drawn = np.random.RandomState(SAMPLE_SEED).randint(0, SAMPLE_CLASSES, len(answers))  # np.random.seed's
    sample = answers.assign(Category=drawn)
    write_csv(sample, public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
