"""Mean Levenshtein distance of the InChIs, each prediction read as MLE-bench reads it.

MLE-bench reads the submission with pandas and writes every prediction back as text
(``astype(str)``) before the edit distance: a cell pandas takes as missing (empty,
"NA", "null", "nan", ...) is compared as the three letters "nan", and a column of
numbers as those numbers printed (1.50 as "1.5"). The same happens here.
"""

from __future__ import annotations

import pandas as pd

from pytest_mlebench.grading.levenshtein import as_pandas_reads, as_str, mean_distance

TARGET = "InChI"


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked and in the answers' row order (validate.score)."""
    return mean_distance(answers[TARGET], as_str(as_pandas_reads(submission[TARGET])))
