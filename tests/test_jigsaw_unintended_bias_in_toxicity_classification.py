"""jigsaw-unintended-bias-in-toxicity-classification: Kaggle's private test set as MLE-bench takes
it, and its bias-weighted AUC over thresholded predictions, on the competition's synthetic raw
files."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, prepare_one, text

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "jigsaw-unintended-bias-in-toxicity-classification"
IDENTITIES = ["male", "female", "homosexual_gay_or_lesbian", "christian", "jewish", "muslim",
              "black", "white", "psychiatric_or_mental_illness"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """Prepared through the real DataStore from the competition's synthetic raw files."""
    return prepare_one(tmp_path_factory, CID)



def perfect(prepared: Prepared) -> pd.DataFrame:
    answers = text(prepared.data.answers_path)
    return pd.DataFrame({"id": answers["id"], "prediction": answers["toxicity"].astype(float)})


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    assert (public / "train.csv").read_bytes() == (raw / "train.csv").read_bytes()
    expanded = text(raw / "test_private_expanded.csv")
    # pandas (MLE-bench's reader) takes the comment "NA" for a missing value and writes it empty.
    comments = expanded["comment_text"].where(expanded["comment_text"] != "NA", "")
    assert (comments == "").sum() == 1
    assert text(public / "test.csv").equals(pd.DataFrame({"id": expanded["id"], "comment_text": comments}))
    assert text(public / "sample_submission.csv").equals(expanded[["id"]].assign(prediction="0.0"))
    answers = text(prepared.data.answers_path)
    assert answers.equals(expanded.assign(prediction=expanded["toxicity"]))
    assert len(answers) == 200 and sorted(p.name for p in public.iterdir()) == ["description.md",
        "sample_submission.csv", "test.csv", "train.csv"]


def test_the_sample_scores_one_half_and_the_truth_scores_1(prepared: Prepared,
                                                           tmp_path: Path) -> None:
    """A constant prediction ties everywhere (every AUC 0.5); the truth's thresholds match exactly."""
    assert prepared.score(prepared.data.public / "sample_submission.csv") == 0.5
    perfect(prepared).to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_only_the_side_of_one_half_counts(prepared: Prepared, tmp_path: Path) -> None:
    """As in MLE-bench, predictions are cut at 0.5 (0.5 itself is toxic) before the AUCs."""
    truth = perfect(prepared)
    squashed = truth.assign(prediction=np.where(truth["prediction"] >= 0.5, 0.5, 0.49999))
    squashed.sample(frac=1, random_state=0).to_csv(tmp_path / "squashed.csv", index=False)
    assert prepared.score(tmp_path / "squashed.csv") == 1.0


def six_comments(tmp_path: Path, variant: str | None = None) -> float:
    """The score of six comments' predictions 0.5 0.1 0.3 0.99 0.0 0.6 (toxicity 0.5 0.9 0.2 0.7
    0.0 0.4). Every identity but male is mentioned by the first three, male by the last three
    (0.5 is a mention, 0.4 and blank are not)."""
    toxicity = [0.5, 0.9, 0.2, 0.7, 0.0, 0.4]
    first_three, last_three = ["0.5", "1.0", "0.6", "0.4", "", "0.0"], ["0.0", "", "0.4", "0.5", "0.8", "1.0"]
    answers = pd.DataFrame({"id": [f"{7097320 + i}" for i in range(6)], "toxicity": toxicity,
                            "prediction": toxicity,
                            **{name: first_three for name in IDENTITIES if name != "male"},
                            "male": last_three})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    pd.DataFrame({"id": answers["id"], "prediction": [0.5, 0.1, 0.3, 0.99, 0.0, 0.6]}).to_csv(
        tmp_path / "submission.csv", index=False)
    competition = Competition.from_folder(catalog_root() / CID)
    if variant is not None:
        competition = competition.with_variant(variant)
    return competition.grader(tmp_path / "answers.csv").score(tmp_path / "submission.csv")


def test_a_hand_computed_score(tmp_path: Path) -> None:
    """Predictions cut at 0.5 are 1 0 0 1 0 1.

    overall: toxic {1, 0, 1} against non-toxic {0, 0, 1}: (4 wins + 4 ties / 2) / 9 = 2/3.
    Other identities: subgroup {1, 0} vs {0} = 0.75; BPSN {1} vs {0} = 1; BNSP {1, 0} vs {0, 1} = 0.5.
    male: subgroup {1} vs {0, 1} = 0.75; BPSN {1, 0} vs {0, 1} = 0.5; BNSP {1} vs {0} = 1.
    """
    bpsn = ((8 * 1.0 + 0.5**-5) / 9) ** (-1 / 5)
    bnsp = ((8 * 0.5**-5 + 1.0) / 9) ** (-1 / 5)
    assert six_comments(tmp_path) == pytest.approx(0.25 * (2 / 3 + 0.75 + bpsn + bnsp), abs=1e-12)


def test_a_bias_auc_of_zero_is_invalid_as_mlebench_scores_nothing(prepared: Prepared,
                                                                  tmp_path: Path) -> None:
    truth = perfect(prepared)
    truth.assign(prediction=(truth["prediction"] < 0.5).astype(float)).to_csv(tmp_path / "inverted.csv",
                                                                             index=False)
    with pytest.raises(InvalidSubmission, match=re.escape("subgroup AUC of male")):
        prepared.score(tmp_path / "inverted.csv")
    # Kaggle's ranking scores it: every AUC, and so every power mean, is 0.
    ranked = prepared.competition.with_variant("ranked").grader(prepared.data.answers_path)
    assert ranked.score(tmp_path / "inverted.csv") == 0.0


@pytest.mark.parametrize(("change", "reason"), [
    (lambda f: f.iloc[1:], "wrong row count"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "duplicated ids"),
    (lambda f: f.assign(id=["1", *f["id"][1:]]), "ids do not match the test set"),
    (lambda f: f.assign(prediction=["nan", *f["prediction"][1:]]), "missing or NaN values"),
    (lambda f: f.assign(prediction=["", *f["prediction"][1:]]), "missing or NaN values"),
    (lambda f: f.assign(prediction=["toxic", *f["prediction"][1:]]), "non-numeric values"),
    (lambda f: f.assign(prediction=["1.5", *f["prediction"][1:]]), "outside [0, 1]"),
    (lambda f: f.rename(columns={"prediction": "toxicity"}), "missing columns"),
    (lambda f: f.drop(columns="id"), "missing columns"),
    (lambda f: f.assign(comment_text="x"), "unexpected columns"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       change, reason: str) -> None:
    change(text(prepared.data.public / "sample_submission.csv")).to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=re.escape(reason)):
        prepared.score(tmp_path / "broken.csv")


def test_the_ranked_variant_scores_the_predictions_as_given(tmp_path: Path) -> None:
    """Kaggle's ranking of the same six comments.

    overall: toxic {0.5, 0.1, 0.99} against non-toxic {0.3, 0.0, 0.6}: 6 of 9 pairs ordered = 2/3.
    Other identities: subgroup {0.5, 0.1} vs {0.3} = 0.5; BPSN {0.99} vs {0.3} = 1;
    BNSP {0.5, 0.1} vs {0.0, 0.6} = 0.5. male: subgroup {0.99} vs {0.0, 0.6} = 1;
    BPSN {0.5, 0.1} vs {0.0, 0.6} = 0.5; BNSP {0.99} vs {0.3} = 1.
    """
    subgroup = bnsp = ((8 * 0.5**-5 + 1.0) / 9) ** (-1 / 5)
    bpsn = ((8 * 1.0 + 0.5**-5) / 9) ** (-1 / 5)
    expected = 0.25 * (2 / 3 + subgroup + bpsn + bnsp)
    assert six_comments(tmp_path, "ranked") == pytest.approx(expected, abs=1e-12)
