"""lmsys-chatbot-arena: MLE-bench's 90/10 split of Kaggle's train.csv and its multi-class log loss
with a row-sum test at 6 decimals, on the competition's synthetic raw files."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "lmsys-chatbot-arena"
CLASSES = ["winner_model_a", "winner_model_b", "winner_tie"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """Prepared through the real DataStore from the competition's synthetic raw files."""
    return prepare_one(tmp_path_factory, CID)



def truth(prepared: Prepared) -> pd.DataFrame:
    answers = text(prepared.data.answers_path)
    return answers[["id"]].join(answers[CLASSES].astype(float))


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    kaggle = text(raw / "train.csv")
    train, test = train_test_split(kaggle, test_size=0.1, random_state=0)
    assert text(public / "train.csv").equals(train.reset_index(drop=True))
    assert text(public / "test.csv").equals(
        test[["id", "prompt", "response_a", "response_b"]].reset_index(drop=True))
    assert text(prepared.data.answers_path).equals(test.reset_index(drop=True))
    sample = text(public / "sample_submission.csv")
    thirds = test[["id"]].assign(**dict.fromkeys(CLASSES, "0.3333333333333333"))
    assert sample.equals(thirds.reset_index(drop=True))
    assert len(test) == 40 and sorted(p.name for p in public.iterdir()) == ["description.md",
        "sample_submission.csv", "test.csv", "train.csv"]


def test_the_sample_scores_log_3_and_the_truth_scores_0(prepared: Prepared,
                                                         tmp_path: Path) -> None:
    sample = prepared.data.public / "sample_submission.csv"
    assert prepared.score(sample) == pytest.approx(math.log(3), abs=1e-15)
    truth(prepared).to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == pytest.approx(0, abs=1e-12)


def test_a_hand_computed_score(prepared: Prepared, tmp_path: Path) -> None:
    """Half the rows give the winner 0.5 (costing log 2), the rest 0.8 (costing -log 0.8);
    columns in another order are matched by name, as MLE-bench matches them."""
    one_hot = truth(prepared)
    confidence = np.where(np.arange(len(one_hot)) % 2 == 0, 0.5, 0.8)[:, None]
    winners = one_hot[CLASSES].to_numpy()
    spread = winners * confidence + (1 - winners) * (1 - confidence) / 2
    submission = one_hot[["id"]].join(pd.DataFrame(spread, columns=CLASSES))
    reordered = submission[["winner_tie", "id", "winner_model_b", "winner_model_a"]]
    reordered.to_csv(tmp_path / "hand.csv", index=False)
    expected = (math.log(2) - math.log(0.8)) / 2
    assert prepared.score(tmp_path / "hand.csv") == pytest.approx(expected, abs=1e-12)


def test_rows_must_sum_to_1_at_6_decimals(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench accepts a row whose sum rounds to 1.000000 and refuses 1.000002, which the
    generic tolerance (1.1e-5) would let through."""
    for excess, valid in ((4e-7, True), (2e-6, False)):
        sample = truth(prepared).assign(winner_tie=lambda f, e=excess: f["winner_tie"] + np.where(
            np.arange(len(f)) == 3, e, 0.0))
        sample.to_csv(tmp_path / "sums.csv", index=False)
        if valid:
            prepared.score(tmp_path / "sums.csv")
        else:
            with pytest.raises(InvalidSubmission, match="rounded to 6 decimals"):
                prepared.score(tmp_path / "sums.csv")


@pytest.mark.parametrize(("change", "reason"), [
    (lambda f: f.iloc[1:], "wrong row count"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "duplicated ids"),
    (lambda f: f.assign(id=["7", *f["id"][1:]]), "ids do not match the test set"),
    (lambda f: f.assign(winner_tie=["nan", *f["winner_tie"][1:]]), "missing or NaN values"),
    (lambda f: f.assign(winner_tie=["-0.1", *f["winner_tie"][1:]]), "outside [0, 1]"),
    (lambda f: f.assign(winner_tie=["0.9", *f["winner_tie"][1:]]), "do not sum to 1"),
    (lambda f: f.drop(columns="winner_tie"), "missing columns"),
    (lambda f: f.rename(columns={"winner_tie": "tie"}), "missing columns"),
    (lambda f: f.assign(model_a="gpt-4"), "unexpected columns"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       change, reason: str) -> None:
    change(text(prepared.data.public / "sample_submission.csv")).to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=re.escape(reason)):
        prepared.score(tmp_path / "broken.csv")
