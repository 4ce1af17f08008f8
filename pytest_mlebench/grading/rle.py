"""Run-length-encoded binary masks ("start length" pairs, 1-indexed), checked and compared as runs.

Kaggle's segmentation competitions submit a mask as pairs of numbers: the 1-indexed position of a
run's first pixel and the run's length, over the pixels of the image taken in a fixed order
(column by column in HuBMAP's, row by row in Vesuvius'). MLE-bench's decoder refuses pairs that
are unsorted, not positive or overlapping, and paints a boolean image per mask (1.2 billion
pixels for a large HuBMAP slide). Here a mask stays a list of runs: the counts a Dice or F-score
needs (pixels in each mask, pixels in both) come from the run boundaries, vectorised, so an
image's size costs nothing and no pixel order needs materialising (both scores count pixels, so
the order only fixes which flat positions exist: ``height * width`` of them).

A malformed encoding is the submission's fault and raises InvalidSubmission naming its row:
an odd count of numbers, a token that is not a whole number, a start or length below 1, starts
out of order, a run overlapping the one before it, or a run past the image's last pixel.

:func:`encode` writes a mask in this form (the synthetic raw files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .validate import InvalidSubmission

#: Whole numbers separated by whitespace, as Python's ``int`` reads each of them (ASCII digits).
_NUMBERS = re.compile(r"\s*[+-]?[0-9]+(?:\s+[+-]?[0-9]+)*\s*", re.ASCII)


@dataclass(frozen=True)
class Runs:
    """A mask as sorted, disjoint runs of flat pixel positions: ``[starts[i], ends[i])``, 0-based."""

    starts: np.ndarray
    ends: np.ndarray

    @property
    def area(self) -> int:
        """How many pixels the mask holds."""
        return int((self.ends - self.starts).sum())


EMPTY = Runs(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def parse(text: str, pixels: int, where: str) -> Runs:
    """The runs of ``text`` over an image of ``pixels`` pixels; blank text is an empty mask.

    ``where`` names the row in the reason of an InvalidSubmission ("id 'aaa6a05cc'").
    """
    if not text.strip():
        return EMPTY
    if not _NUMBERS.fullmatch(text):
        bad = next(token for token in text.split() if not re.fullmatch(r"[+-]?[0-9]+", token, re.ASCII))
        raise InvalidSubmission(f"{where}: the run-length encoding holds {bad[:20]!r}, not a whole number")
    tokens = text.split()
    if len(tokens) % 2:
        raise InvalidSubmission(f"{where}: the run-length encoding has {len(tokens)} numbers; "
                                "expected pairs of start and length")
    try:
        numbers = np.array(tokens, dtype=np.int64)
    except OverflowError:
        raise InvalidSubmission(f"{where}: the run-length encoding holds a number beyond the image's "
                                f"{pixels} pixels") from None
    starts, lengths = numbers[0::2], numbers[1::2]
    _refuse(where, starts < 1, starts, "starts below 1 (positions count from 1)")
    _refuse(where, lengths < 1, lengths, "lengths below 1")
    starts = starts - 1
    # Compared before adding, so a huge start or length cannot wrap around 64 bits.
    _refuse(where, lengths > pixels - starts, starts + 1, f"runs past the image's last pixel ({pixels})")
    ends = starts + lengths
    _refuse(where, np.diff(starts) < 0, starts[1:] + 1, "starts smaller than the start before them "
            "(pairs must be sorted)")
    _refuse(where, starts[1:] < ends[:-1], starts[1:] + 1, "runs overlapping the run before them")
    return Runs(starts, ends)


def _refuse(where: str, bad: np.ndarray, values: np.ndarray, what: str) -> None:
    if bad.any():
        shown = ", ".join(str(v) for v in values[bad][:3])
        raise InvalidSubmission(f"{where}: the run-length encoding has {int(bad.sum())} {what}: {shown}")


def _covered_before(runs: Runs, positions: np.ndarray) -> np.ndarray:
    """For each flat position x, how many pixels of ``runs`` (at least one run) lie below x."""
    whole = np.concatenate(([0], np.cumsum(runs.ends - runs.starts)))
    done = np.searchsorted(runs.ends, positions, side="right")  # the runs ending at or before x
    current = runs.starts[np.minimum(done, len(runs.starts) - 1)]
    return whole[done] + np.where(done < len(runs.starts), np.clip(positions - current, 0, None), 0)


def overlap(a: Runs, b: Runs) -> int:
    """How many pixels both masks hold: per run of ``a``, the pixels of ``b`` within it."""
    if not len(a.starts) or not len(b.starts):
        return 0
    return int((_covered_before(b, a.ends) - _covered_before(b, a.starts)).sum())


def encode(mask: np.ndarray, order: str) -> str:
    """A 2-D mask as Kaggle's run-length text: pixels taken in ``order`` ("F": column by column,
    "C": row by row), each run its 1-indexed start and its length; "" for an empty mask."""
    flat = np.concatenate(([False], mask.astype(bool).ravel(order=order), [False]))
    edges = np.flatnonzero(flat[1:] != flat[:-1])
    starts, ends = edges[0::2], edges[1::2]
    return " ".join(f"{s + 1} {e - s}" for s, e in zip(starts, ends, strict=True))


def counts(predicted: str, truth: str, pixels: int, where: str) -> tuple[int, int, int]:
    """(predicted pixels, true pixels, pixels in both) of one image; a malformed prediction is
    InvalidSubmission, a malformed answer the harness's ValueError."""
    prediction = parse(predicted, pixels, where)
    try:
        answer = parse(truth, pixels, f"the answer of {where}")
    except InvalidSubmission as exc:
        raise ValueError(str(exc)) from None
    return prediction.area, answer.area, overlap(prediction, answer)
