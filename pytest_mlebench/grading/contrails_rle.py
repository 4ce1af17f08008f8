"""Run-length masks as MLE-bench's contrails competition writes and reads them.

Pixels are numbered from 1 down each column, then column after column (column-major: the
mask transposed, then flattened); a mask is ``start length`` pairs of its runs of 1s.

Reading follows MLE-bench's decoder exactly, quirks included (known_issues of
google-research-identify-contrails-reduce-global-warming): the numbers are Python ``int``s of
the whitespace-separated items; starts must be sorted (ties allowed), starts and lengths
positive; the starts are the even items and the lengths the odd ones, paired as numpy
broadcasts them, so a single start with no length is an empty mask and two starts share one
length; a run past the last pixel is cut at the image's end, and two runs may overlap only
beyond it. Everything is array arithmetic, one pass over the runs.
"""

from __future__ import annotations

import numpy as np

#: How MLE-bench's answers (and Kaggle's submissions) write a mask without a pixel.
EMPTY = "-"


def encode(mask: np.ndarray) -> str:
    """The runs of the pixels equal to 1 in ``mask`` (H x W, or H x W x 1), or EMPTY."""
    pixels = np.asarray(mask).T.ravel() == 1
    edges = np.flatnonzero(np.diff(np.concatenate(([False], pixels, [False])).astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    pairs = np.column_stack((starts + 1, ends - starts)).ravel()
    return " ".join(map(str, pairs.tolist())) if len(pairs) else EMPTY


def _numbers(items: list[str]) -> np.ndarray:
    """The items as Python's ``int`` reads them: int64 when they fit, else exact integers."""
    try:
        numbers = np.array(items).astype(np.int64)
    except (ValueError, OverflowError):
        pass
    else:  # a start plus a length must not overflow
        return numbers if numbers.max() < 1 << 62 else numbers.astype(object)
    values = []
    for item in items:
        try:
            values.append(int(item))
        except ValueError:
            raise ValueError(f"{item!r} is not a whole number") from None
    return np.array(values, dtype=object)


def runs(text: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The runs of ``text`` as 0-based ``[first, end)`` pixel offsets cut at ``size``, or
    ValueError saying why MLE-bench's decoder refuses the text."""
    items = text.split()
    if not items:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    numbers = _numbers(items)
    starts, lengths = numbers[0::2], numbers[1::2]
    if (starts[1:] < starts[:-1]).any():
        raise ValueError("the starts are not sorted")
    if (starts <= 0).any() or (lengths <= 0).any():
        raise ValueError("a start or a length is not a positive whole number")
    if len(lengths) not in (len(starts), 1, 0) or (len(lengths) == 0 and len(starts) > 1):
        raise ValueError(f"{len(items)} numbers do not make start-length pairs")
    if len(lengths) == 0:  # numpy broadcasts one start with no length to no run at all
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # Cut at the image's end (bigger integers too): what a slice of the pixels keeps.
    first = np.minimum(starts - 1, size).astype(np.int64)
    end = np.minimum(starts - 1 + lengths, size).astype(np.int64)
    overlapping = first[1:] < end[:-1]
    if overlapping.any():
        at = int(np.argmax(overlapping)) + 1
        raise ValueError(f"run {at + 1} (start {starts[at]}) overlaps the run before it")
    return first, end


def decode(text: str, height: int, width: int) -> np.ndarray:
    """The H x W boolean mask of ``text`` (an empty text, or only spaces, is an empty mask)."""
    first, end = runs(text, height * width)
    steps = np.zeros(height * width + 1, np.int8)
    np.add.at(steps, first, 1)
    np.add.at(steps, end, -1)
    return (np.cumsum(steps[:-1]) > 0).reshape(width, height).T
