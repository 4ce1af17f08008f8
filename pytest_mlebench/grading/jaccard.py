"""Kaggle's word-level Jaccard score, the metric of chaii and of Tweet Sentiment Extraction.

Kaggle publishes it as a few lines of Python: each text is lower-cased and split on
whitespace into a set of words, a row scores ``|A & B| / |A | B|`` and the score is the
mean over rows. Python's own ``str.lower`` and ``str.split`` are what define a word there,
so they are used here, on Python sets, rather than a binarized vocabulary.

MLE-bench's two graders agree on that formula and part where it is undefined (neither
text has a word) and on cells pandas does not read as text; :func:`row_scores` leaves
those rows as NaN for each competition's grade.py to settle its grader's way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import numpy as np
import pandas as pd


def words(text: str) -> frozenset[str]:
    """The text's words as Kaggle's formula counts them: lower-cased, split on any whitespace."""
    return frozenset(text.lower().split())


def row_scores(truth: Iterable[str], predicted: Iterable[str]) -> np.ndarray:
    """Each row's Jaccard score of the two texts' words; NaN where neither text has a word,
    since Kaggle's formula then divides zero by zero."""
    scores = []
    for true_text, predicted_text in zip(truth, predicted, strict=True):
        a, b = words(true_text), words(predicted_text)
        union = len(a | b)
        scores.append(len(a & b) / union if union else np.nan)
    return np.array(scores, dtype=float)


def as_pandas_reads(cells: pd.Series) -> pd.Series:
    """The cells as MLE-bench's ``pandas.read_csv`` types a column of them, a missing value as ""
    (as both its graders fill them): "", "NA", "null" and pandas' other missing-value texts
    are empty, and a column whose other cells are all numbers (or all booleans) holds numbers
    (or booleans); anything else stays text.

    The cells go through pandas' own reader rather than a copy of its rules: beside a row
    number, so no row is blank, and every one quoted, so a carriage return stays inside its
    cell (quotes change neither what pandas reads as missing nor how it types a column).
    """
    frame = pd.DataFrame({"row": range(len(cells)), "cell": cells.to_numpy()})
    read = pd.read_csv(io.StringIO(frame.to_csv(index=False, quoting=csv.QUOTE_ALL)))["cell"]
    return read.astype(object).fillna("").set_axis(cells.index)


def as_text(cells: pd.Series) -> list[str]:
    """The cells as the text MLE-bench's tweet grader (and Kaggle's formula) takes: read as
    pandas reads them, and anything but text by ``str`` (the float 3.0 is "3.0")."""
    return as_pandas_reads(cells).astype(str).tolist()


def mean_word_jaccard(truth: pd.Series, predicted: pd.Series) -> float:
    """Kaggle's score: the mean of :func:`row_scores` over the texts as :func:`as_text` reads
    them; NaN (refused by the caller) when a row has no word on either side."""
    return float(np.mean(row_scores(as_text(truth), as_text(predicted))))
