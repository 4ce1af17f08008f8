"""Kuzushiji Recognition: MLE-bench's 90/10 split of Kaggle's labelled pages.

Kaggle's test labels were never released, so, as in MLE-bench, a tenth of train.csv's rows
is held out (``train_test_split(test_size=0.1, random_state=0)`` over the file's rows in
order). Each side's page images are repacked into an archive of their own,
``train_images.zip`` and ``test_images.zip`` (``<image_id>.jpg`` at the top level, as
Kaggle's and MLE-bench's archives hold them), read straight from Kaggle's train_images.zip
(or an unpacked folder) without an extracted copy. unicode_translation.csv is hard-linked;
Kaggle's own test images and sample submission are not used.

The sample submission puts MLE-bench's two guesses ("U+003F 1 1 U+FF2F 2 2") on every held-out
page; the answers are the held-out rows of train.csv (image_id, labels), MLE-bench's
private/test.csv.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.audio import zip_clips
from pytest_mlebench.data.prepare.files import link_or_copy, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
SAMPLE_LABELS = "U+003F 1 1 U+FF2F 2 2"
TRANSLATION = "unicode_translation.csv"


def prepare(raw: Path, public: Path, private: Path) -> None:
    pages = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train, test = train_test_split(pages, test_size=TEST_SIZE, random_state=SEED)
    write_csv(train, public / "train.csv")
    write_csv(test, private / ANSWERS)
    write_csv(test.assign(labels=SAMPLE_LABELS), public / "sample_submission.csv")
    with RawImages(raw, "train_images") as images:
        for side, ids in (("train", train["image_id"]), ("test", test["image_id"])):
            names = {f"{i}.jpg": f"{i}.jpg" for i in ids}
            zip_clips(images, names, public / f"{side}_images.zip", "", f"zipping {side} pages")
    if not (public / TRANSLATION).exists():
        link_or_copy(raw / TRANSLATION, public / TRANSLATION)
