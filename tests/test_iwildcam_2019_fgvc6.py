"""iwildcam-2019-fgvc6: MLE-bench's split of Kaggle's labelled camera-trap images by camera
location (10% of the locations, random_state=8) and macro F1, on the competition's own
synthetic raw files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "iwildcam-2019-fgvc6"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def plain_sample(prepared: Prepared) -> pd.DataFrame:
    """The sample without its unnamed first column (pandas calls it 'Unnamed: 0' on reading)."""
    return text(prepared.sample_path).drop(columns="Unnamed: 0")


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    images = text(raw / "train.csv")
    _, held_out = train_test_split(pd.unique(images["location"].to_numpy()), test_size=0.1, random_state=8)
    test = images[images["location"].isin(held_out)].reset_index(drop=True)
    train = images[~images["location"].isin(held_out)].reset_index(drop=True)
    assert len(held_out) == 4 and set(train["location"]).isdisjoint(test["location"])
    assert text(public / "train.csv").equals(train)
    assert text(public / "test.csv").equals(test.drop(columns="category_id"))
    assert text(prepared.data.answers_path).equals(
        pd.DataFrame({"Id": test["id"], "Category": test["category_id"]}))
    sample = text(prepared.sample_path)
    assert list(sample.columns) == ["Unnamed: 0", "Id", "Category"]
    assert sample["Id"].equals(test["id"]) and set(sample["Category"]) == {"0"}
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test.csv", "test_images.zip", "train.csv",
        "train_images.zip"]
    with zipfile.ZipFile(raw / "train_images.zip") as source:
        for side, frame in (("train", train), ("test", test)):
            with zipfile.ZipFile(public / f"{side}_images.zip") as zf:
                assert sorted(zf.namelist()) == sorted(f"{i}.jpg" for i in frame["id"])
                name = zf.namelist()[0]
                assert zf.read(name) == source.read(name)


def test_the_answers_score_one_and_the_sample_little(prepared: Prepared, tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    assert prepared.score(prepared.sample_path) < 0.2
    # Without the sample's unnamed column, or with the name pandas gives it, the same score.
    plain_sample(prepared).to_csv(tmp_path / "plain.csv", index=False)
    text(prepared.sample_path).to_csv(tmp_path / "named.csv", index=False)
    assert (tmp_path / "named.csv").read_text().startswith("Unnamed: 0,Id,Category\n")
    for path in (tmp_path / "plain.csv", tmp_path / "named.csv"):
        assert prepared.score(path) == prepared.score(prepared.sample_path)


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Truth 0 0 5 5, predicted 0 5 5 22: class 0 has P 1, R 1/2, F1 2/3; class 5 has P 1/2, R 1/2,
    F1 1/2; class 22, never true, F1 0."""
    pd.DataFrame({"Id": list("abcd"), "Category": [0, 0, 5, 5]}).to_csv(tmp_path / "answers.csv", index=False)
    pd.DataFrame({"Id": list("abcd"), "Category": [0, 5, 5, 22]}).to_csv(tmp_path / "sub.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    assert grader.score(tmp_path / "sub.csv") == pytest.approx((2 / 3 + 1 / 2 + 0) / 3)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'Id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'Category'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'Category' has 1 missing or NaN values"),
    ("NaN value", "column 'Category' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 22 rows"),
    ("extra row", "wrong row count: expected 22 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    malformed(plain_sample(prepared), kind, "Id", "Category").to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_a_class_that_is_not_a_whole_number_is_refused(prepared: Prepared, tmp_path: Path) -> None:
    sample = plain_sample(prepared)
    sample.assign(Category=["2.5", *sample["Category"][1:]]).to_csv(tmp_path / "half.csv", index=False)
    with pytest.raises(InvalidSubmission, match="non-integer values"):
        prepared.score(tmp_path / "half.csv")
