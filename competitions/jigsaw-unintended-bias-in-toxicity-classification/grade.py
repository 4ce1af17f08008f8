"""Kaggle's bias-weighted AUC as MLE-bench computes it.

A quarter of the overall ROC AUC plus a quarter of each of three power means (p = -5)
over nine identities: the AUC within the comments that mention the identity
(subgroup), the AUC of its non-toxic mentions against the toxic comments that do not
mention it (BPSN), and of its toxic mentions against the non-toxic others (BNSP).

MLE-bench's grader turns the truth, the identities *and the predictions* into 0/1 at
0.5 (``>= 0.5`` is 1; a blank identity is 0) before it ranks them, so only which side of
0.5 a prediction falls on counts: each AUC is that of a single threshold, not of the
ranking Kaggle scored. That is reproduced, and recorded in competition.yaml; the
``ranked`` variant ranks the predictions as given, as Kaggle's metric does (the truth and
the identities are cut at 0.5 there too).

A bias AUC of exactly 0 (every prediction of an identity's comments on the wrong side)
makes MLE-bench's power mean divide by zero, and its grader then scores nothing: such a
submission is invalid here, with that reason. Under ``ranked`` that power mean is 0, its
limit, as Kaggle's numpy arithmetic gives it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import pmean
from sklearn.metrics import roc_auc_score

from pytest_mlebench.grading.validate import InvalidSubmission

#: What this grade computes, for listings (competition.yaml's metric gives only the checks).
SCORE_NAME = "bias_weighted_auc"


#: The identities Kaggle's metric averages over, in its order.
IDENTITIES = ("male", "female", "homosexual_gay_or_lesbian", "christian", "jewish", "muslim",
              "black", "white", "psychiatric_or_mental_illness")
POWER = -5
WEIGHT = 0.25
THRESHOLD = 0.5


def _flags(values: np.ndarray) -> np.ndarray:
    """``values >= 0.5`` as MLE-bench tests it: a missing value (NaN) is False."""
    return values >= THRESHOLD


def _answer_flags(answers: pd.DataFrame, column: str) -> np.ndarray:
    """An answer column (text, as the answers are read) as flags; a blank cell is missing."""
    text = answers[column].astype(str).str.strip()
    return _flags(pd.to_numeric(text.where(text != ""), errors="raise").to_numpy(dtype=float))


def _auc(truth: np.ndarray, predicted: np.ndarray, rows: np.ndarray, name: str) -> float:
    if len(np.unique(truth[rows])) < 2:
        raise ValueError(f"the {name} AUC is undefined: its {int(rows.sum())} test comments "
                         f"are all toxic or all non-toxic")
    return float(roc_auc_score(truth[rows], predicted[rows]))


def _refuse_zeros(bias_aucs: dict[str, list[float]]) -> None:
    """MLE-bench's power mean raises 0 to a negative power on an AUC of 0 and its grader then
    returns no score: the submission is refused instead."""
    for kind, aucs in bias_aucs.items():
        zero = [identity for identity, auc in zip(IDENTITIES, aucs, strict=True) if auc == 0]
        if zero:
            raise InvalidSubmission(
                f"the {kind} AUC of {', '.join(zero)} is 0 (every thresholded prediction on the "
                f"wrong side): MLE-bench's power mean then divides by zero and scores nothing")


def grade(submission: pd.DataFrame, answers: pd.DataFrame, variant: str | None = None) -> float:
    """``submission`` arrives checked and in the answers' row order (validate.score)."""
    if variant not in (None, "ranked"):
        raise ValueError(f"unknown variant {variant!r}")
    predicted = submission["prediction"].to_numpy(dtype=float)
    if variant is None:
        predicted = _flags(predicted).astype(int)
    toxic = _answer_flags(answers, "toxicity")
    truth = toxic.astype(int)
    everyone = np.ones(len(truth), dtype=bool)
    overall = _auc(truth, predicted, everyone, "overall")
    subgroup, bpsn, bnsp = [], [], []
    for identity in IDENTITIES:
        mentioned = _answer_flags(answers, identity)
        subgroup.append(_auc(truth, predicted, mentioned, f"{identity} subgroup"))
        bpsn.append(_auc(truth, predicted, mentioned != toxic, f"{identity} BPSN"))
        bnsp.append(_auc(truth, predicted, mentioned == toxic, f"{identity} BNSP"))
    if variant is None:
        _refuse_zeros({"subgroup": subgroup, "BPSN": bpsn, "BNSP": bnsp})
    return WEIGHT * overall + sum(WEIGHT * float(pmean(aucs, POWER)) for aucs in (subgroup, bpsn, bnsp))
