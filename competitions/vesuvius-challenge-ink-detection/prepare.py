"""Vesuvius Challenge - Ink Detection: MLE-bench's hold-out of Kaggle's third training fragment.

Kaggle's test fragments were only placeholders (its real ones were scored on its servers), so
MLE-bench publishes training fragments 1 and 2 whole and makes fragment 3 the test fragment
``a``: its surface volume (65 TIFF slices) and mask.png go to public test/a/, its labels
(inklabels.png, inklabels_rle.csv) and infrared photo (ir.png) are withheld. Every file is
hard-linked, keeping its path under the fragment's folder; only ir.png's header is read, for
the fragment's width and height. The answers are fragment 3's inklabels_rle.csv with the Id
set to ``a`` and the width and height added, which fix the mask's size for grading. The
sample submission predicts "1 1 5 1" for ``a``. Kaggle's test/
fragments and sample submission are dropped.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pandas as pd
from PIL import Image

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

PUBLIC_FRAGMENTS = ("1", "2")
TEST_FRAGMENT, TEST_ID = "3", "a"
#: The test fragment's files that give its labels away.
WITHHELD = ("inklabels.png", "inklabels_rle.csv", "ir.png")
#: What MLE-bench expects in a fragment's folder (it stops on anything else).
SUFFIXES = (".png", ".csv", ".tif")


def prepare(raw: Path, public: Path, private: Path) -> None:
    with RawImages(raw, "train") as files:
        with files.open_file(f"{TEST_FRAGMENT}/inklabels_rle.csv") as fh:
            labels = pd.read_csv(fh, dtype=str, keep_default_na=False)
        if len(labels) != 1:
            raise ValueError(f"fragment {TEST_FRAGMENT}'s inklabels_rle.csv has {len(labels)} rows, not 1")
        with files.open_file(f"{TEST_FRAGMENT}/ir.png") as fh, Image.open(fh) as photo:
            width, height = photo.size  # the header only: Pillow decodes pixels when asked
        destinations = {}
        for key in files.keys:
            fragment, _, inside = key.partition("/")
            if fragment in PUBLIC_FRAGMENTS:
                destinations[key] = public / "train" / key
            elif fragment == TEST_FRAGMENT:
                if PurePosixPath(key).suffix not in SUFFIXES:
                    raise ValueError(f"{files.path}: {key} is not a .png, .csv or .tif file")
                if PurePosixPath(key).name not in WITHHELD:
                    destinations[key] = public / "test" / TEST_ID / inside
        files.place(destinations, "linking fragment files")
    labels["width"], labels["height"] = width, height
    labels["Id"] = TEST_ID
    write_csv(labels, private / ANSWERS)
    write_csv(pd.DataFrame({"Id": [TEST_ID], "Predicted": ["1 1 5 1"]}), public / "sample_submission.csv")
