"""Kaggle's word-level Jaccard score (grading/jaccard.py), refusing a row where it is undefined,
as MLE-bench's grader does.

MLE-bench runs Kaggle's published formula on the texts as pandas reads them: a cell such as
"NA" or "null" is an empty text, and a tweet whose prediction and selected text both have no
word divides zero by zero, which stops its grader. Such a file is refused here with the rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading.jaccard import as_text, row_scores
from pytest_mlebench.grading.validate import InvalidSubmission

ID = "textID"
TARGET = "selected_text"


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    scores = row_scores(as_text(answers[TARGET]), as_text(submission[TARGET]))
    undefined = np.flatnonzero(np.isnan(scores))
    if len(undefined):
        shown = ", ".join(repr(i) for i in answers[ID].iloc[undefined[:3]])
        raise InvalidSubmission(
            f"{len(undefined)} rows have no word in either the prediction or the selected text "
            f"({shown}{' and more' if len(undefined) > 3 else ''}): the Jaccard score divides by "
            f"zero there; predict at least one word of the tweet")
    return float(scores.mean())
