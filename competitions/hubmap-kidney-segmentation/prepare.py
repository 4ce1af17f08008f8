"""HuBMAP - Hacking the Kidney: MLE-bench's split of Kaggle's 15 annotated slides.

Kaggle scored its test slides on its servers, so MLE-bench splits train.csv (id, encoding)
into 12 training and 3 test slides (train_test_split, train_size=12, test_size=3,
random_state=0, over the file's rows in order). Each slide's three files, {id}.tiff (a
gigabyte-sized image), {id}.json (glomerulus polygons) and {id}-anatomical-structure.json,
are hard-linked into public train/ or test/, test/ included {id}.json as MLE-bench copies it
(see known_issues; variant ``no-test-annotations`` leaves it out). Nothing reads a TIFF.

HuBMAP-20-dataset_information.csv keeps the rows of the 15 slides (its text unchanged); the
answers are MLE-bench's test.csv: the test rows of train.csv with each slide's width_pixels
and height_pixels from that file, which fix the mask's size for grading, the encoding column
named ``predicted`` as in the submissions. The sample submission,
every test id with an empty prediction, is also in test/, as MLE-bench puts it there.
Kaggle's test/ folder and sample submission are dropped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import link_or_copy, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TRAIN_SIZE, TEST_SIZE, SEED = 12, 3, 0
INFO = "HuBMAP-20-dataset_information.csv"
#: The variant that keeps the test slides' glomerulus polygons out of public test/.
NO_TEST_ANNOTATIONS = "no-test-annotations"


def slide_files(image_id: str, annotations: bool = True) -> list[str]:
    """The files of one slide in Kaggle's train/ folder."""
    return [f"{image_id}.tiff", *([f"{image_id}.json"] if annotations else []),
            f"{image_id}-anatomical-structure.json"]


def prepare(raw: Path, public: Path, private: Path, variant: str | None = None) -> None:
    labels = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    info = pd.read_csv(raw / INFO, dtype=str, keep_default_na=False)
    train, test = train_test_split(labels, train_size=TRAIN_SIZE, test_size=TEST_SIZE, random_state=SEED)
    slide = info["image_file"].str.replace(".tiff", "", regex=False)
    info = info[slide.isin(labels["id"])]
    sizes = info.assign(id=slide)[["id", "width_pixels", "height_pixels"]]
    answers = test.merge(sizes, on="id").rename(columns={"encoding": "predicted"})
    sample = answers[["id"]].assign(predicted="")

    write_csv(info, public / INFO)
    write_csv(train, public / "train.csv")
    write_csv(answers, private / ANSWERS)
    write_csv(sample, public / "sample_submission.csv")
    with RawImages(raw, "train") as files:
        destinations = {name: public / "train" / name for i in train["id"] for name in slide_files(i)}
        destinations |= {name: public / "test" / name for i in test["id"]
                         for name in slide_files(i, annotations=variant != NO_TEST_ANNOTATIONS)}
        files.place(destinations, "linking slides")
    if not (public / "test" / "sample_submission.csv").exists():
        link_or_copy(public / "sample_submission.csv", public / "test" / "sample_submission.csv")
