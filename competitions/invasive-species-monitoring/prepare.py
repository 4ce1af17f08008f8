"""Invasive Species Monitoring: MLE-bench's split of Kaggle's labelled forest photos.

Kaggle's test labels were never released, so, as in MLE-bench, a fifth of
train_labels.csv (``name``, the photo's number, and ``invasive``, 0 or 1) is held out
(``train_test_split(test_size=0.2, random_state=0)`` over the file's rows in order). The
labels and the sample submission (0.5 everywhere) ship zipped, as MLE-bench zips them.

The photos are Kaggle's train.7z members ``train/<name>.jpg``. MLE-bench means to repack
them into public train.7z and test.7z, but writes each archive with py7zr's ``write`` on
the folder, which stores the folder's own entry (named by its path as given, leading "/"
dropped) and none of its files (openai/mle-bench#122). Reproduced by default: the same
call on the same path gives the same one-member archives, and no photo is placed. The
``photos`` variant ships the photos as the folders those archives were to hold,
``train/<name>.jpg`` and ``test/<name>.jpg``: extracted from train.7z in one pass and made
readable by all (or hard-linked from an unpacked raw ``train/`` folder).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import py7zr
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare import sevenzip
from pytest_mlebench.data.prepare.files import write_csv, write_once
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.2
SEED = 0
VARIANTS = (None, "photos")
SIDES = ("train", "test")


def write_zipped_csv(frame: pd.DataFrame, archive: Path) -> None:
    """``frame`` as the one CSV member of ``archive``, named like it without ``.zip``."""
    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(archive.name.removesuffix(".zip"), frame.to_csv(index=False))
    write_once(archive, write)


def write_folder_entry_archive(folder: Path) -> None:
    """``<folder>.7z`` as MLE-bench writes it: py7zr's ``write`` on the folder, which archives
    the folder's entry alone, so the (empty) folder exists only while it is written."""
    def write(tmp: Path) -> None:
        folder.mkdir(exist_ok=True)
        with py7zr.SevenZipFile(tmp, "w") as archive:
            archive.write(folder)
        folder.rmdir()
    write_once(folder.parent / f"{folder.name}.7z", write)


def place_photos(raw: Path, public: Path, names: dict[str, pd.Series]) -> None:
    """The photos as ``public/<side>/<name>.jpg``, from an unpacked raw folder or train.7z."""
    places = {f"{name}.jpg": public / side / f"{name}.jpg" for side in SIDES for name in names[side]}
    if (raw / "train").is_dir():
        with RawImages(raw, "train") as photos:
            photos.place(places, "linking forest photos")
        return
    sevenzip.place(raw / "train.7z", {f"train/{key}": dest for key, dest in places.items()},
                   public.parent, "extracting forest photos from train.7z")
    for dest in places.values():  # a member stored without a mode comes out 0600, which an
        dest.chmod(dest.stat().st_mode | 0o444)  # agent running as another user cannot read


def prepare(raw: Path, public: Path, private: Path, *, variant: str | None = None) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    labels = pd.read_csv(raw / "train_labels.csv.zip", dtype=str, keep_default_na=False)
    train, test = train_test_split(labels, test_size=TEST_SIZE, random_state=SEED)

    if variant == "photos":
        place_photos(raw, public, {"train": train["name"], "test": test["name"]})
    else:
        for side in SIDES:
            write_folder_entry_archive(public / side)

    write_zipped_csv(train, public / "train_labels.csv.zip")
    write_zipped_csv(test.assign(invasive=0.5), public / "sample_submission.csv.zip")
    write_csv(test, private / ANSWERS)
