"""movie-review-sentiment-analysis-kernels-only: MLE-bench's 70/30 split of Kaggle's phrases and
accuracy over class numbers, on the competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, prepare_one
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "movie-review-sentiment-analysis-kernels-only"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def text(path: Path, sep: str = ",") -> pd.DataFrame:
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public = prepared.data.public
    kaggle = pd.read_csv(prepared.raw / "train.tsv.zip", sep="\t")  # MLE-bench's reading: "null" is missing
    assert kaggle["Phrase"].isna().any(), "the synthetic phrases include a missing-value marker"
    train, test = train_test_split(kaggle.fillna(""), test_size=0.3, random_state=0)
    as_text = train.astype(str).reset_index(drop=True)
    assert text(public / "train.tsv.zip", "\t").equals(as_text)
    expected_test = test.drop(columns=["Sentiment"]).astype(str).reset_index(drop=True)
    assert text(public / "test.tsv.zip", "\t").equals(expected_test)
    answers = text(prepared.data.answers_path)
    assert answers.equals(test[["PhraseId", "Sentiment"]].astype(str).reset_index(drop=True))
    assert len(answers) == -(-len(kaggle) * 3 // 10)
    sample = text(public / "sampleSubmission.csv")
    assert sample["PhraseId"].equals(answers["PhraseId"]) and set(sample["Sentiment"]) == {"2"}
    assert sorted(p.name for p in public.iterdir()) == ["description.md", "sampleSubmission.csv",
                                                        "test.tsv.zip", "train.tsv.zip"]


def test_the_sample_is_valid_and_the_answers_score_1(prepared: Prepared) -> None:
    answers = text(prepared.data.answers_path)
    assert prepared.score(prepared.sample_path) == pytest.approx((answers["Sentiment"] == "2").mean())
    assert prepared.score(prepared.data.answers_path) == 1.0


def test_labels_are_class_numbers(prepared: Prepared, tmp_path: Path) -> None:
    """As pandas types them for MLE-bench: "3.0" is class 3; rows may come in any order."""
    answers = text(prepared.data.answers_path)
    floats = answers.assign(Sentiment=answers["Sentiment"] + ".0").iloc[::-1]
    floats.to_csv(tmp_path / "floats.csv", index=False)
    assert prepared.score(tmp_path / "floats.csv") == 1.0
    # Three rows wrong, by hand: (n - 3) / n.
    wrong = answers.copy()
    wrong.loc[:2, "Sentiment"] = [str((int(v) + 1) % 5) for v in wrong["Sentiment"][:3]]
    wrong.to_csv(tmp_path / "wrong.csv", index=False)
    assert prepared.score(tmp_path / "wrong.csv") == pytest.approx((len(answers) - 3) / len(answers))


@pytest.mark.parametrize(("change", "reason"), [
    (lambda f: f.iloc[1:], "wrong row count"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "duplicated ids"),
    (lambda f: f.assign(Sentiment=["nan", *f["Sentiment"][1:]]), "missing or NaN"),
    (lambda f: f.assign(Sentiment=["2.5", *f["Sentiment"][1:]]), "non-integer"),
    (lambda f: f.assign(Sentiment=["positive", *f["Sentiment"][1:]]), "non-numeric"),
    (lambda f: f.rename(columns={"Sentiment": "sentiment"}), "missing columns"),
    (lambda f: f.assign(PhraseId=["1", *f["PhraseId"][1:]]), "ids do not match"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       change, reason: str) -> None:
    change(text(prepared.data.answers_path)).to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
