"""Micro F1 over the long and short answers, with MLE-bench's reading of each prediction.

MLE-bench turns every row into a pair of 0/1 labels: predicted = the prediction is not
blank; true = the prediction is one of the annotated answers (when not blank) or an
answer exists (when blank). scikit-learn's micro-averaged F1 of two such label lists is
the share of rows where they agree, i.e. the share of rows answered right: a right span
or YES/NO, or a blank where nothing was annotated. The competition.yaml therefore names
the generic ``text_accuracy`` for the checks (text cells, higher is better), and this
module computes the score the way MLE-bench does, with its f1_score call.

Each cell is read as MLE-bench reads it: pandas turns "NA", "null", "None"... into a
missing value, which it treats as blank; the rest is stripped and must be blank, YES, NO
or START:END with two numbers Python's int() reads. Anything else is invalid (MLE-bench
refuses it too, or fails on it, which its grader reports as no score).
"""

from __future__ import annotations

import pandas as pd
from sklearn.metrics import f1_score

from pytest_mlebench.grading.metrics import PANDAS_NA_TEXTS
from pytest_mlebench.grading.validate import InvalidSubmission

#: What this grade computes, for listings (competition.yaml's metric gives only the checks).
SCORE_NAME = "micro_f1_over_answers"


ID, PREDICTION, CORRECT = "example_id", "PredictionString", "CorrectAnswers"
WORDS = ("YES", "NO")

#: A parsed prediction: None (blank), "YES", "NO" or a (start, end) token span.
Answer = str | tuple[int, int] | None


def parse(cell: str) -> Answer:
    """One prediction as MLE-bench parses it; ValueError when it is none of the forms."""
    text = "" if cell in PANDAS_NA_TEXTS else cell.strip()
    if ":" in text and len(parts := text.split(":")) == 2:
        return int(parts[0]), int(parts[1])
    if text in WORDS:
        return text
    if not text:
        return None
    raise ValueError(text)


def _predictions(submission: pd.DataFrame) -> list[Answer]:
    parsed: list[Answer] = []
    bad: list[str] = []
    for example, cell in zip(submission[ID], submission[PREDICTION], strict=True):
        try:
            parsed.append(parse(cell))
        except ValueError:
            bad.append(f"id {example!r} = {cell!r}")
    if bad:
        shown = ", ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
        raise InvalidSubmission(
            f"column {PREDICTION!r} has {len(bad)} predictions that are not START:END token "
            f"indices (two whole numbers), YES, NO or blank: {shown}")
    return parsed


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    predicted = _predictions(submission)
    correct = [{parse(answer) for answer in cell.split()} for cell in answers[CORRECT]]
    y_pred = [int(p is not None) for p in predicted]
    y_true = [int(p in right) if p is not None else int(bool(right))
              for p, right in zip(predicted, correct, strict=True)]
    return float(f1_score(y_true, y_pred, average="micro"))
