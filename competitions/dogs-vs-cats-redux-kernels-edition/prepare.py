"""Dogs vs. Cats Redux: MLE-bench's split of Kaggle's labelled photos.

Kaggle's test labels were never released, so MLE-bench holds out 10% of the photos
in train.zip: train_test_split (random_state=0) over the photos' names sorted as
strings. Kaggle names a photo after its label (cat.123.jpg); as in MLE-bench, the
training photos are numbered afresh per animal in split order (cat.0.jpg, dog.0.jpg,
...) and the held-out ones 1.jpg, 2.jpg, ... in split order, which is also their
id. As in MLE-bench, they ship twice: in the folders train/ and test/, and in
train.zip and test.zip (the same files at the archives' top level).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.audio import zip_clips
from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
ANIMALS = ("cat", "dog")


def _animal(name: str) -> str:
    animal = name.split(".", 1)[0]
    if animal not in ANIMALS:
        raise ValueError(f"train photo {name!r} is named after neither of {ANIMALS}")
    return animal


def prepare(raw: Path, public: Path, private: Path) -> None:
    with RawImages(raw, "train") as photos:
        names = [key for key in photos.keys if "/" not in key and key.endswith(".jpg")]
        train, test = train_test_split(names, test_size=TEST_SIZE, random_state=SEED)
        seen = dict.fromkeys(ANIMALS, 0)
        train_names = {}
        for name in train:
            animal = _animal(name)
            train_names[name] = f"{animal}.{seen[animal]}.jpg"
            seen[animal] += 1
        test_names = {name: f"{i}.jpg" for i, name in enumerate(test, start=1)}
        photos.place({key: public / "train" / name for key, name in train_names.items()}
                     | {key: public / "test" / name for key, name in test_names.items()},
                     "dog and cat photos")
        zip_clips(photos, train_names, public / "train.zip", "", "packing training photos")
        zip_clips(photos, test_names, public / "test.zip", "", "packing test photos")

    ids = pd.Series(range(1, len(test) + 1), name="id")
    write_csv(constant_submission(ids, ["label"], 0.5), public / "sample_submission.csv")
    labels = [int(_animal(name) == "dog") for name in test]
    write_csv(pd.DataFrame({"id": ids, "label": labels}), private / ANSWERS)
