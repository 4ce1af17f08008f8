"""Run-length masks as MLE-bench's segmentation graders read them (tgs-salt, uw-madison).

A mask is written as ``start length start length ...``: 1-indexed pixel numbers counted
down each column, then column after column (column-major), as MLE-bench decodes every RLE
with ``(height, width)`` and reshapes in that order. An empty cell (or one pandas reads as
NaN, which MLE-bench turns into "") is an empty mask.

MLE-bench refuses runs out of order, overlapping, or with a start or length below 1, and
fails on text that is not whole numbers. It also accepts, silently, a run past the end of
the image (cut at the end) and an odd number of values (a lone last start is dropped, or,
after one pair, given the first length); both are refused here, naming the row, as a
malformed submission. Decoding is vectorised: a few array operations per mask.
"""

from __future__ import annotations

import numpy as np

from .metrics import PANDAS_NA_TEXTS
from .validate import InvalidSubmission


def is_empty(text: str) -> bool:
    """Whether MLE-bench reads the cell as no mask at all: blank, or one of pandas' NaN texts."""
    return text in PANDAS_NA_TEXTS or not text.strip()


def runs(text: str, pixels: int, where: str) -> tuple[np.ndarray, np.ndarray]:
    """The runs' 0-based starts and lengths, checked; InvalidSubmission names ``where``."""
    if is_empty(text):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    tokens = text.split()
    try:
        numbers = np.array(tokens, dtype=np.int64)
    except (ValueError, OverflowError):
        raise InvalidSubmission(f"{where}: the RLE {_short(text)} holds values that are not whole "
                                "numbers") from None
    if len(numbers) % 2:
        raise InvalidSubmission(f"{where}: the RLE {_short(text)} has {len(numbers)} values; "
                                "expected pairs of start and length")
    starts, lengths = numbers[0::2], numbers[1::2]
    if (starts < 1).any() or (lengths < 1).any():
        raise InvalidSubmission(f"{where}: the RLE {_short(text)} has a start or length below 1")
    ends = starts + lengths  # 1 past the last pixel, 1-indexed
    if (starts[1:] < ends[:-1]).any():
        raise InvalidSubmission(f"{where}: the RLE {_short(text)} has runs out of order or "
                                "overlapping; starts must increase, each after the previous run")
    if ends[-1] - 1 > pixels:
        raise InvalidSubmission(f"{where}: the RLE {_short(text)} runs to pixel {ends[-1] - 1}, "
                                f"past the image's {pixels} pixels")
    return starts - 1, lengths


def decode(text: str, height: int, width: int, where: str) -> np.ndarray:
    """The (height, width) boolean mask of ``text``, pixels counted down the columns."""
    starts, lengths = runs(text, height * width, where)
    pixels = height * width
    edges = (np.bincount(starts, minlength=pixels + 1)
             - np.bincount(starts + lengths, minlength=pixels + 1))
    return (np.cumsum(edges[:pixels]) > 0).reshape(width, height).T


def decode_truth(text: str, height: int, width: int, where: str) -> np.ndarray:
    """:func:`decode` of an answer: a malformed one is the harness's fault (ValueError)."""
    try:
        return decode(text, height, width, where)
    except InvalidSubmission as exc:
        raise ValueError(f"the answers are malformed: {exc}") from None


def encode(mask: np.ndarray) -> str:
    """The RLE of a 2-D mask, pixels counted down the columns (the inverse of :func:`decode`)."""
    flat = np.concatenate(([False], np.asarray(mask, bool).T.ravel(), [False]))
    changes = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    starts, stops = changes[0::2], changes[1::2]
    return " ".join(f"{s} {e - s}" for s, e in zip(starts, stops, strict=True))


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")
