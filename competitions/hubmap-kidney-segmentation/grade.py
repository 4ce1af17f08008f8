"""Mean Dice over the test images, as MLE-bench grades it.

Each image's mask is its run-length encoding ("start length" pairs, 1-indexed, pixels taken
top to bottom then left to right) over the image's height x width, both from the answers.
An image scores 2 |P & T| / (|P| + |T|), or 1 when both masks are empty; the score is the
mean over images. An empty cell, or one pandas reads as NaN ("nan", "NA", ...), is an
empty mask, as MLE-bench fills NaN with "". Malformed encodings are refused (grading/rle.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading import rle
from pytest_mlebench.grading.metrics import PANDAS_NA_TEXTS

SCORE_NAME = "dice"


def dice(predicted: str, truth: str, pixels: int, where: str) -> float:
    """One image's Dice coefficient, 1.0 when neither mask holds a pixel."""
    p, t, both = rle.counts(predicted, truth, pixels, where)
    return 1.0 if p + t == 0 else 2 * both / (p + t)


def grade(submission: pd.DataFrame, answers: pd.DataFrame, variant: str | None = None) -> float:
    """``submission`` arrives checked, in the answers' row order; ``variant`` changes only
    what prepare publishes."""
    predicted = ["" if text in PANDAS_NA_TEXTS else text for text in submission["predicted"]]
    sizes = answers["height_pixels"].astype(int) * answers["width_pixels"].astype(int)
    return float(np.mean([dice(p, t, int(n), f"id {i!r}") for i, p, t, n in
                          zip(answers["id"], predicted, answers["predicted"], sizes, strict=True)]))
