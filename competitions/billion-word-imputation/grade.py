"""Mean Levenshtein distance of the sentences, refusing those MLE-bench's grader cannot compare.

MLE-bench reads the submission with pandas and hands each cell to the edit distance as
pandas typed it: an empty cell or a text pandas takes as missing ("NA", "null", "nan",
...) arrives as NaN, the distance fails on it, and MLE-bench counts the submission
invalid. Such a file is invalid here too, with the rows named.
"""

from __future__ import annotations

import pandas as pd

from pytest_mlebench.grading.levenshtein import as_pandas_reads, mean_distance, not_text
from pytest_mlebench.grading.validate import InvalidSubmission

TARGET = "sentence"
ID = "id"


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked and in the answers' row order (validate.score)."""
    values = as_pandas_reads(submission[TARGET])
    bad = not_text(values)
    if bad.any():
        rows = submission.loc[bad, [ID, TARGET]].head(3)
        shown = ", ".join(f"id {i!r} = {v!r}" for i, v in zip(rows[ID], rows[TARGET], strict=True))
        raise InvalidSubmission(
            f"column {TARGET!r} has {int(bad.sum())} values that pandas reads as missing or as numbers "
            f"({shown}); MLE-bench's grader compares only texts, so every sentence must be one")
    return mean_distance(answers[TARGET], values)
