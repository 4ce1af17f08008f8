"""The global Dice coefficient over every pixel of every test record, as MLE-bench grades it.

Each record's predicted and true masks are decoded at the answers' height and width
(contrails_rle.py, MLE-bench's decoder and its quirks); Dice is 2|X ∩ Y| / (|X| + |Y|) with X
and Y the contrail pixels of all records together, summed as whole numbers. With no
contrail pixel on either side it is undefined: MLE-bench's NaN, which is refused here
like any score that is not a number.

The cells are read as MLE-bench's pandas reads them: "-" is an empty mask (so is a cell of
spaces); a cell pandas reads as missing ("", "NA", "nan"...) or a column it types as numbers
makes MLE-bench's decoder fail, so the file is invalid, as it is for a mask the decoder refuses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading.contrails_rle import EMPTY, decode
from pytest_mlebench.grading.jaccard import as_pandas_reads
from pytest_mlebench.grading.validate import InvalidSubmission

SCORE_NAME = "global_dice"
ID, TARGET = "record_id", "encoded_pixels"


def _mask(record: str, cell: object, height: int, width: int) -> np.ndarray:
    if not isinstance(cell, str):
        raise InvalidSubmission(f"record {record!r}: {TARGET} is read as the number {cell!r}, not "
                                "as start-length pairs")
    if cell == "":
        raise InvalidSubmission(f"record {record!r}: {TARGET} is empty (or a missing-value marker "
                                f"such as NA); write {EMPTY!r} for a mask without contrails")
    try:
        return decode("" if cell == EMPTY else cell, height, width)
    except ValueError as exc:
        raise InvalidSubmission(f"record {record!r}: {TARGET} {cell[:60]!r}: {exc}") from None


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    both = together = 0
    rows = zip(answers[ID].astype(str), as_pandas_reads(submission[TARGET]), answers[TARGET],
               answers["height"].astype(int), answers["width"].astype(int), strict=True)
    for record, cell, truth, height, width in rows:
        predicted = _mask(record, cell, height, width)
        true = decode("" if truth == EMPTY else truth, height, width)
        both += int(np.count_nonzero(predicted & true))
        together += int(np.count_nonzero(predicted)) + int(np.count_nonzero(true))
    return 2 * both / together if together else float("nan")
