"""Invasive Species Monitoring: MLE-bench's split of Kaggle's labelled forest photos.

Kaggle's test labels were never released, so, as in MLE-bench, a fifth of
train_labels.csv (``name``, the photo's number, and ``invasive``, 0 or 1) is held out
(``train_test_split(test_size=0.2, random_state=0)`` over the file's rows in order). The
labels and the sample submission (0.5 everywhere) ship zipped, as MLE-bench zips them.

The photos are Kaggle's train.7z members ``train/<name>.jpg``. MLE-bench meant to repack
them into train.7z and test.7z, but wrote each archive with py7zr's ``write`` on the
folder, which stores the folder entry and none of its files: its archives hold no photo
(openai/mle-bench#122). Here the photos are shipped as the folders those archives were
to hold, ``train/<name>.jpg`` and ``test/<name>.jpg``: extracted from train.7z in one
pass and made readable by all (or hard-linked from an unpacked raw ``train/`` folder).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare import sevenzip
from pytest_mlebench.data.prepare.files import write_csv, write_once
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.2
SEED = 0


def write_zipped_csv(frame: pd.DataFrame, archive: Path) -> None:
    """``frame`` as the one CSV member of ``archive``, named like it without ``.zip``."""
    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(archive.name.removesuffix(".zip"), frame.to_csv(index=False))
    write_once(archive, write)


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = pd.read_csv(raw / "train_labels.csv.zip", dtype=str, keep_default_na=False)
    train, test = train_test_split(labels, test_size=TEST_SIZE, random_state=SEED)

    places = {f"{name}.jpg": public / side / f"{name}.jpg"
              for side, names in (("train", train["name"]), ("test", test["name"])) for name in names}
    if (raw / "train").is_dir():
        with RawImages(raw, "train") as photos:
            photos.place(places, "linking forest photos")
    else:
        sevenzip.place(raw / "train.7z", {f"train/{key}": dest for key, dest in places.items()},
                       public.parent, "extracting forest photos from train.7z")
        for dest in places.values():  # a member stored without a mode comes out 0600, which an
            dest.chmod(dest.stat().st_mode | 0o444)  # agent running as another user cannot read

    write_zipped_csv(train, public / "train_labels.csv.zip")
    write_zipped_csv(test.assign(invasive=0.5), public / "sample_submission.csv.zip")
    write_csv(test, private / ANSWERS)
