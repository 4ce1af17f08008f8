"""Plant Seedlings Classification: MLE-bench's split of Kaggle's labelled seedling photos.

Kaggle's test labels were never released, so MLE-bench lists the ``.png`` files of
train/'s species folders, sorted by species and then by file name, and holds out 14% of
them (``train_test_split(test_size=0.14, random_state=0)``), about the share of Kaggle's
own test set. Training photos stay in ``train/<species>/``; held-out photos move, under
their own names, to ``test/``. The sample submission says ``Sugar beet`` for every photo.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.14
SEED = 0
SAMPLE_SPECIES = "Sugar beet"


def labelled_photos(keys: list[str]) -> pd.DataFrame:
    """``file`` and ``species`` of every ``.png`` directly inside a species folder, in
    MLE-bench's order: species first, then file name (a plain sort of the keys would put
    ``Fat Hen/`` before ``Fat/``)."""
    pairs = sorted(tuple(key.split("/")) for key in keys if key.count("/") == 1 and key.endswith(".png"))
    return pd.DataFrame([(name, species) for species, name in pairs], columns=["file", "species"])


def prepare(raw: Path, public: Path, private: Path) -> None:
    with RawImages(raw, "train") as photos:
        labelled = labelled_photos(photos.keys)
        train, test = train_test_split(labelled, test_size=TEST_SIZE, random_state=SEED)
        destinations = {f"{species}/{name}": public / "train" / species / name
                        for name, species in zip(train["file"], train["species"], strict=True)}
        destinations.update({f"{species}/{name}": public / "test" / name
                             for name, species in zip(test["file"], test["species"], strict=True)})
        photos.place(destinations, "linking seedling photos")

    write_csv(test.assign(species=SAMPLE_SPECIES), public / "sample_submission.csv")
    write_csv(test, private / ANSWERS)
