"""Mean Levenshtein distance between predicted and true texts, as MLE-bench's graders take it.

Shared by billion-word-imputation (sentences) and bms-molecular-translation (InChI
strings). The distance counts single-character insertions, deletions and substitutions
between Unicode code points, as the ``Levenshtein`` package MLE-bench calls does;
rapidfuzz computes the same distance, in C++, a whole column at once. Between lists
(multi-modal-gesture-recognition's sequences of gesture numbers) it counts the same
edits of whole items, as the ``Levenshtein`` package does when handed lists.

MLE-bench reads a submission with pandas' default CSV rules before its grader sees it,
so a cell such as "NA" or an empty one arrives as NaN, and a column of numbers arrives
as numbers. :func:`as_pandas_reads` gives each value as pandas would, so each grader can
treat them as MLE-bench's does: refused, or written back as text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas._libs.parsers import STR_NA_VALUES
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cpdist

#: The cells pandas' reader takes as missing by default.
_NA_TEXTS = pa.array(sorted(STR_NA_VALUES), type=pa.large_string())
#: A character that no number, boolean or missing value holds: one cell with it makes pandas
#: read the whole column as texts, each kept as written (a generous set: more only costs time).
_BEYOND_NUMBERS = r"[^0-9+\-.eEdD \tinfatyrulsINFATYRULS]"


def distances(truth: Sequence[str] | pd.Series, predicted: Sequence[str] | pd.Series) -> np.ndarray:
    """The edit distance of each pair (truth[i], predicted[i])."""
    return cpdist(np.asarray(truth, dtype=object), np.asarray(predicted, dtype=object),
                  scorer=Levenshtein.distance)


def item_distances(truth: Sequence[Sequence[int]], predicted: Sequence[Sequence[int]]) -> np.ndarray:
    """The edit distance of each pair of item lists: an edit inserts, deletes or replaces an item."""
    return cpdist(list(truth), list(predicted), scorer=Levenshtein.distance)


def mean_distance(truth: Sequence[str] | pd.Series, predicted: Sequence[str] | pd.Series) -> float:
    """The mean edit distance over the pairs (lower is better, 0 is perfect)."""
    if len(truth) == 0:
        raise ValueError("the mean Levenshtein distance of no texts is undefined")
    return float(np.mean(distances(truth, predicted)))


def as_pandas_reads(text: pd.Series) -> np.ndarray:
    """Each text as pandas' ``read_csv`` gives it beside an id column: a str, NaN for a cell
    it takes as missing ("", "NA", "null", "nan", ...), or a number when every cell of the
    column is one.

    The usual column (no missing cell, some cell plainly text) comes back as it is. Any
    other goes through pandas' own writer and reader, so its rules are applied, not
    re-stated: the values are read back in one piece, where MLE-bench's reader types a
    large file in chunks of rows (a chunk of numbers among texts would keep its numbers).
    """
    values = pa.array(text.to_numpy(dtype=object), type=pa.large_string())
    if (len(values) and not pc.any(pc.is_in(values, value_set=_NA_TEXTS)).as_py()
            and pc.any(pc.match_substring_regex(values, _BEYOND_NUMBERS)).as_py()):
        return text.to_numpy(dtype=object)
    frame = pd.DataFrame({"row": np.arange(len(text)), "value": text.to_numpy(dtype=object)})
    read = pd.read_csv(io.StringIO(frame.to_csv(index=False)))["value"]
    return read.to_numpy(dtype=object)


def not_text(values: np.ndarray) -> np.ndarray:
    """Which values (from :func:`as_pandas_reads`) are not texts: NaN or numbers."""
    return np.fromiter((not isinstance(value, str) for value in values), dtype=bool, count=len(values))


def as_str(values: np.ndarray) -> list[str]:
    """The values as pandas 2's ``astype(str)`` writes them: NaN as "nan", 1.5 as "1.5"."""
    return [value if isinstance(value, str) else str(value) for value in values]
