"""movie-review-sentiment-analysis-kernels-only: MLE-bench's 70/30 split of Kaggle's phrases and
accuracy over class numbers, on the competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Registry
from pytest_mlebench.data.synthetic import build_raw
from pytest_mlebench.grading.grader import Grader

REGISTRY = Registry()
REGISTRY.add_catalog(catalog_root())
COMPETITION = REGISTRY.competitions["movie-review-sentiment-analysis-kernels-only"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("movie")
    raw = build_raw(COMPETITION, root / "raw")
    public, private = root / "public", root / "private"
    public.mkdir()
    private.mkdir()
    COMPETITION.prepare_into(raw, public, private)
    return raw, public, private


def text(path: Path, sep: str = ",") -> pd.DataFrame:
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)


def grader(prepared: tuple[Path, Path, Path]) -> Grader:
    return COMPETITION.grader(prepared[2] / "answers.csv")


def test_the_split_is_mlebench_s(prepared: tuple[Path, Path, Path]) -> None:
    raw, public, private = prepared
    kaggle = pd.read_csv(raw / "train.tsv.zip", sep="\t")  # MLE-bench's reading: "null" is missing
    assert kaggle["Phrase"].isna().any(), "the synthetic phrases include a missing-value marker"
    train, test = train_test_split(kaggle.fillna(""), test_size=0.3, random_state=0)
    as_text = train.astype(str).reset_index(drop=True)
    assert text(public / "train.tsv.zip", "\t").equals(as_text)
    expected_test = test.drop(columns=["Sentiment"]).astype(str).reset_index(drop=True)
    assert text(public / "test.tsv.zip", "\t").equals(expected_test)
    answers = text(private / "answers.csv")
    assert answers.equals(test[["PhraseId", "Sentiment"]].astype(str).reset_index(drop=True))
    assert len(answers) == -(-len(kaggle) * 3 // 10)
    sample = text(public / "sampleSubmission.csv")
    assert sample["PhraseId"].equals(answers["PhraseId"]) and set(sample["Sentiment"]) == {"2"}
    assert sorted(p.name for p in public.iterdir()) == ["sampleSubmission.csv", "test.tsv.zip",
                                                        "train.tsv.zip"]


def test_the_sample_is_valid_and_the_answers_score_1(prepared: tuple[Path, Path, Path]) -> None:
    _raw, public, private = prepared
    answers = text(private / "answers.csv")
    assert grader(prepared).score(public / "sampleSubmission.csv") == pytest.approx(
        (answers["Sentiment"] == "2").mean())
    assert grader(prepared).score(private / "answers.csv") == 1.0


def test_labels_are_class_numbers(prepared: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """As pandas types them for MLE-bench: "3.0" is class 3; rows may come in any order."""
    answers = text(prepared[2] / "answers.csv")
    floats = answers.assign(Sentiment=answers["Sentiment"] + ".0").iloc[::-1]
    floats.to_csv(tmp_path / "floats.csv", index=False)
    assert grader(prepared).score(tmp_path / "floats.csv") == 1.0
    # Three rows wrong, by hand: (n - 3) / n.
    wrong = answers.copy()
    wrong.loc[:2, "Sentiment"] = [str((int(v) + 1) % 5) for v in wrong["Sentiment"][:3]]
    wrong.to_csv(tmp_path / "wrong.csv", index=False)
    assert grader(prepared).score(tmp_path / "wrong.csv") == pytest.approx((len(answers) - 3) / len(answers))


@pytest.mark.parametrize(("change", "reason"), [
    (lambda f: f.iloc[1:], "wrong row count"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "duplicated ids"),
    (lambda f: f.assign(Sentiment=["nan", *f["Sentiment"][1:]]), "missing or NaN"),
    (lambda f: f.assign(Sentiment=["2.5", *f["Sentiment"][1:]]), "non-integer"),
    (lambda f: f.assign(Sentiment=["positive", *f["Sentiment"][1:]]), "non-numeric"),
    (lambda f: f.rename(columns={"Sentiment": "sentiment"}), "missing columns"),
    (lambda f: f.assign(PhraseId=["1", *f["PhraseId"][1:]]), "ids do not match"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: tuple[Path, Path, Path], tmp_path: Path,
                                                       change, reason: str) -> None:
    change(text(prepared[2] / "answers.csv")).to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (grader(prepared).check(tmp_path / "broken.csv") or "")
