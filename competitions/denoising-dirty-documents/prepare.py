"""Denoising Dirty Documents: MLE-bench's split of Kaggle's noisy pages with clean twins, graded per pixel.

Kaggle's test pages have no clean versions, so, as in MLE-bench, a fifth of the
training pages are held out: train_test_split(test_size=0.2, random_state=0) over
the page names sorted as text. Their noisy scans go to ``test/``; their clean
versions become answers.csv, one row per pixel, ``<page>_<row>_<col>`` numbered from
1, row by row, pages in name order, with the intensity scaled to [0, 1]. The sample
submission (a white page everywhere) is sampleSubmission.csv, Kaggle's name and MLE-bench's.

A page is about 230,000 pixels, so the per-pixel files (millions of rows) are built a
page at a time with array operations.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.dtypes import StringDType
from PIL import Image
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import progress, write_once
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.2
SEED = 0
#: Variable-width text: numpy joins it several times faster than fixed-width unicode.
TEXT = StringDType()
#: Each of the 256 grey levels as MLE-bench writes it: level / 255 printed as pandas prints floats.
INTENSITIES = np.array([repr(level / 255) for level in range(256)], dtype=TEXT)


def pixel_lines(page: str, values: np.ndarray | str, height: int, width: int) -> np.ndarray:
    """``<page>_<row>_<col>,<value>`` for every pixel, row by row, rows and columns counted from 1;
    ``values`` is one text per pixel (height x width) or one text for all."""
    rows = np.strings.add(np.strings.add(f"{page}_", np.arange(1, height + 1).astype(TEXT)), "_")
    cols = np.strings.add(np.arange(1, width + 1).astype(TEXT), ",")
    return np.strings.add(np.strings.add(rows[:, None], cols[None, :]), values).ravel()


def _write_per_pixel(path: Path, clean: RawImages, pages: list[str],
                     value: Callable[[np.ndarray], np.ndarray | str]) -> None:
    """``id,value`` for every pixel of the clean ``pages``; ``value(levels)`` is a page's values as text."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as out, \
                progress(f"writing {path.name}", len(pages)) as advance:
            out.write("id,value\n")
            for key in pages:
                with clean.open_file(key) as fh:
                    levels = np.asarray(Image.open(fh).convert("L"))
                lines = pixel_lines(key.removesuffix(".png"), value(levels), *levels.shape)
                out.write("\n".join(lines.tolist()))
                out.write("\n")
                advance()

    write_once(path, write)


def prepare(raw: Path, public: Path, private: Path) -> None:
    with RawImages(raw, "train") as noisy, RawImages(raw, "train_cleaned") as clean:
        names = [key for key in noisy.keys if key.endswith(".png")]
        train, test = train_test_split(names, test_size=TEST_SIZE, random_state=SEED)
        sides = [("train", key) for key in train] + [("test", key) for key in test]
        noisy.place({key: public / side / key for side, key in sides}, "placing noisy pages")
        clean.place({key: public / "train_cleaned" / key for key in train}, "placing clean training pages")
        held_out = sorted(test)
        _write_per_pixel(private / ANSWERS, clean, held_out, lambda levels: INTENSITIES[levels])
        _write_per_pixel(public / "sampleSubmission.csv", clean, held_out, lambda _levels: "1")
