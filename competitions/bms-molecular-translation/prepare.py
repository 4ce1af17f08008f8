"""BMS Molecular Translation: MLE-bench's 80/20 split of Kaggle's labelled images.

Kaggle's test labels were never released, so, as in MLE-bench, a fifth of
train_labels.csv is held out with train_test_split(test_size=0.2, random_state=0):
the public train_labels.csv keeps the other rows in that split's (shuffled) order,
and the held-out images move to ``test/``. Images keep Kaggle's three-level folders
(``train/a/b/c/abc....png``, from the id's first three characters). There are 2.4
million of them: each is hard-linked from the raw folder (copied only across
filesystems), never read. The labels (about 300 MB) are read as text, so every InChI
is kept as written.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pytest_mlebench.data.prepare.files import link_or_copy
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.prepare.tabular import read_text_csv, split_table, write_csv
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.2
SEED = 0
ID, TARGET = "image_id", "InChI"
#: MLE-bench's sample answer for every test image: water.
SAMPLE_INCHI = "InChI=1S/H2O/h1H2"
EXTRA = "extra_approved_InChIs.csv"


def image_key(image_id: str) -> str:
    """Where Kaggle keeps an image: ``a/b/c/abc....png`` for id ``abc...``."""
    return f"{image_id[0]}/{image_id[1]}/{image_id[2]}/{image_id}.png"


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = read_text_csv(raw / "train_labels.csv")
    train, test = split_table(labels, TEST_SIZE, SEED)
    write_csv(train, public / "train_labels.csv")
    write_csv(test.select([ID, TARGET]), private / ANSWERS)
    sample = test.set_column(test.column_names.index(TARGET), TARGET,
                             pa.array([SAMPLE_INCHI] * test.num_rows))
    write_csv(sample, public / "sample_submission.csv")
    if not (public / EXTRA).exists():
        link_or_copy(raw / EXTRA, public / EXTRA)
    with RawImages(raw, "train") as images:
        for side, table in (("train", train), ("test", test)):
            keys = [image_key(i) for i in table.column(ID).to_pylist()]
            images.place({key: public / side / key for key in keys}, f"linking {side} images")
