"""Run-length masks painted as MLE-bench's tgs-salt and uw-madison graders paint them.

Both need the mask itself, not only its pixel counts (IoU bins, Hausdorff coordinates): the
runs checked by grading/rle.py's ``parse`` (pairs, whole numbers, sorted, disjoint, within the
image; a malformed one is InvalidSubmission naming the row) are painted down the columns of a
``(height, width)`` image, as MLE-bench's decoder reshapes. MLE-bench reads submissions with
pandas, so a cell pandas reads as NaN (``NA``, ``nan``, ...) is an empty mask, as a blank is.

MLE-bench's own decoder is looser in two ways, refused here as malformed: it cuts a run past
the image at its end, and pairs an odd count of numbers as numpy broadcasts them (a lone start
is dropped; after one pair, two starts share the length).
"""

from __future__ import annotations

import numpy as np

from . import rle
from .metrics import PANDAS_NA_TEXTS
from .validate import InvalidSubmission


def decode(text: str, height: int, width: int, where: str) -> np.ndarray:
    """The (height, width) boolean mask of ``text``, pixels counted down the columns."""
    pixels = height * width
    runs = rle.EMPTY if text in PANDAS_NA_TEXTS else rle.parse(text, pixels, where)
    edges = (np.bincount(runs.starts, minlength=pixels + 1)
             - np.bincount(runs.ends, minlength=pixels + 1))
    return (np.cumsum(edges[:pixels]) > 0).reshape(width, height).T


def decode_truth(text: str, height: int, width: int, where: str) -> np.ndarray:
    """:func:`decode` of an answer: a malformed one is the harness's fault (ValueError)."""
    try:
        return decode(text, height, width, where)
    except InvalidSubmission as exc:
        raise ValueError(f"the answers are malformed: {exc}") from None
