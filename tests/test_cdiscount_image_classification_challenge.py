"""cdiscount-image-classification-challenge: MLE-bench's 90/10 split of Kaggle's train.bson
(streamed; held-out products lose their category_id) and the accuracy of the categories, on
the competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import bson
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "cdiscount-image-classification-challenge"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def documents(path: Path) -> list[dict]:
    with open(path, "rb") as f:
        return list(bson.decode_file_iter(f))


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    products = documents(raw / "train.bson")
    labels = pd.DataFrame([{"_id": p["_id"], "category_id": p["category_id"]} for p in products])
    _, test = train_test_split(labels, test_size=0.1, random_state=0)
    held_out = set(test["_id"])
    answers = test.sort_values("_id").astype(str).reset_index(drop=True)
    assert text(prepared.data.answers_path).equals(answers)
    assert text(prepared.sample_path).equals(answers[["_id"]].assign(category_id="1000010653"))
    assert len(test) == 40 and sorted(p.name for p in public.iterdir()) == [
        "category_names.csv", "description.md", "sample_submission.csv", "test.bson", "train.bson",
        "train_example.bson"]
    # Both sides keep the file's order; the held-out products lose only their category.
    kept = [p for p in products if p["_id"] not in held_out]
    assert documents(public / "train.bson") == kept
    assert documents(public / "test.bson") == [
        {"_id": p["_id"], "imgs": p["imgs"]} for p in products if p["_id"] in held_out]
    assert documents(public / "train_example.bson") == kept[:100]
    assert (public / "train.bson").read_bytes() == b"".join(bson.encode(p) for p in kept)
    assert (public / "category_names.csv").read_bytes() == (raw / "category_names.csv").read_bytes()


def test_the_answers_score_one_and_the_sample_its_category_s_share(prepared: Prepared,
                                                                   tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    share = (answers["category_id"] == "1000010653").mean()
    assert prepared.score(prepared.sample_path) == pytest.approx(share)


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Accuracy: right categories over products; "1000010653.0" is category 1000010653."""
    categories = [1000010653, 1000000271, 1000010653, 1000004079]
    answers = pd.DataFrame({"_id": [3, 5, 8, 9], "category_id": categories})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    (tmp_path / "sub.csv").write_text(
        "_id,category_id\n9,1000010653\n3,1000010653.0\n5,1000000271\n8,1000004079\n")
    assert grader.score(tmp_path / "sub.csv") == pytest.approx(2 / 4)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: '_id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'category_id'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'category_id' has 1 missing or NaN values"),
    ("NaN value", "column 'category_id' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 40 rows"),
    ("extra row", "wrong row count: expected 40 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "_id", "category_id")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_a_category_that_is_not_a_whole_number_is_invalid(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench's scikit-learn refuses a "continuous" prediction among class numbers."""
    sample = text(prepared.sample_path)
    half = sample.assign(category_id=["1000010653.5", *sample["category_id"][1:]])
    half.to_csv(tmp_path / "half.csv", index=False)
    with pytest.raises(InvalidSubmission, match="1 non-integer values"):
        prepared.score(tmp_path / "half.csv")
