"""MAP@12 over the customers who bought something in the held-out days, as MLE-bench grades it.

A customer's average precision at 12: of their first 12 predicted articles, each one that
they bought (and that was not predicted earlier) is a hit, worth the share of hits among the
predictions up to it; the sum is divided by min(articles they bought, 12). Customers
without a purchase (an empty answer) are not graded, as MLE-bench leaves them out.

Predictions are split at single spaces, as MLE-bench's ``str.split(" ")`` does (two spaces
make an empty prediction between them, which takes a place). MLE-bench reads the file
with pandas, whose reader types a column a block of 262,144 rows at a time: in a block
where every cell is one number, the cells become integers (``0706016001`` is then
``706016001``, the answers' form), or floats with a blank cell among them. The blocks are
then joined: when all of them are numbers, a single block of floats makes every id a float
(``706016001.0``, which matches nothing); when a block holds text (a row of several ids),
each value keeps its own block's type. That reading is reproduced block by block.

Variant ``numeric-article-ids`` compares article ids as numbers instead: ``0706016001`` and
``706016001`` are the same article, whatever block it is in.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pytest_mlebench.grading.metrics import PANDAS_NA_TEXT_ARRAY

SCORE_NAME = "map_at_12"
K = 12
#: Rows pandas' C reader types at a time in a two-column file (low_memory): the largest power
#: of two below 2**20 // 2.
PANDAS_BLOCK_ROWS = 1 << 18
NUMERIC_IDS = "numeric-article-ids"


def _typed_by_pandas(cells: np.ndarray) -> pd.Series:
    """What pandas reads the cells of one block as (numbers, booleans, or objects for text)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(enumerate(cells))
    text.seek(0)
    column = pd.read_csv(text, header=None, names=["row", "cell"])["cell"]
    return column if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column) \
        else column.astype(object)


def as_mlebench_reads(cells: pd.Series, file_rows: np.ndarray) -> pd.Series:
    """The prediction cells (answers' order) as MLE-bench's pandas reading turns them into text.

    ``file_rows`` is each cell's row in the file, which fixes the blocks pandas types apart.
    Only a block without any cell of several words can become numbers; the others stay text
    (a missing-value marker, NaN there, is one word that matches no article either way).
    The blocks are then joined as pandas joins them: all numeric, they take a common type
    (one block of floats makes every id a float), else each value keeps its block's type.
    Every cell is looked at in C++ (Arrow); Python sees only the blocks that may be numbers.
    """
    cells = cells.astype(str)
    text = pa.array(cells, pa.large_string())
    # A word, spaces, a word: pandas reads no such cell as a number (the NA marker "#N/A N/A"
    # aside). Matched where the cells are, in C++; only the flags are put in file order.
    order = np.argsort(file_rows, kind="stable")
    not_na = pc.invert(pc.is_in(text, value_set=PANDAS_NA_TEXT_ARRAY))
    several = pc.and_(pc.match_substring_regex(text, r"\S +\S"), not_na).to_numpy(zero_copy_only=False)[order]
    starts = range(0, len(cells), PANDAS_BLOCK_ROWS)
    text_blocks = [several[start:start + PANDAS_BLOCK_ROWS].any() for start in starts]
    if all(text_blocks):
        return cells
    in_file = cells.to_numpy(dtype=object)[order]
    blocks = [pd.Series(in_file[start:start + PANDAS_BLOCK_ROWS], dtype=object) if is_text
              else _typed_by_pandas(in_file[start:start + PANDAS_BLOCK_ROWS])
              for start, is_text in zip(starts, text_blocks, strict=True)]
    joined = pd.concat(blocks, ignore_index=True).tolist()
    read = np.empty(len(in_file), dtype=object)
    read[order] = [str(value) for value in joined]
    return pd.Series(read, index=cells.index)


def _as_number(article: str) -> str:
    return str(int(article)) if article.isascii() and article.isdigit() else article


def average_precision(bought: set[str], predicted: list[str]) -> float:
    hits, total = 0, 0.0
    for place, article in enumerate(predicted[:K]):
        if article in bought and article not in predicted[:place]:
            hits += 1
            total += hits / (place + 1)
    return total / min(len(bought), K)


def grade(submission: pd.DataFrame, answers: pd.DataFrame, variant: str | None = None) -> float:
    """``submission`` arrives checked, in the answers' row order, with its layout in the file."""
    truth = answers["prediction"].astype(str)
    graded = (truth != "").to_numpy()
    if variant == NUMERIC_IDS:
        cells = submission["prediction"].astype(str)
    else:
        cells = as_mlebench_reads(submission["prediction"], submission.attrs["layout"].rows)
    truth, cells = truth[graded].tolist(), cells[graded].tolist()
    if variant == NUMERIC_IDS:
        truth, cells = ([" ".join(map(_as_number, text.split(" "))) for text in texts]
                        for texts in (truth, cells))
    scores = [average_precision(set(bought.split(" ")), predicted.split(" "))
              for bought, predicted in zip(truth, cells, strict=True)]
    return float(np.mean(scores))
