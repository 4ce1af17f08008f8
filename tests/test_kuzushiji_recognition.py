"""kuzushiji-recognition: MLE-bench's 90/10 split of Kaggle's labelled pages (repacked into
train_images.zip and test_images.zip) and the Kuzushiji F1, on the competition's own synthetic
raw files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "kuzushiji-recognition"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(text(raw / "train.csv"), test_size=0.1, random_state=0))
    assert len(test) == 6 and (test["labels"] == "").any() | (train["labels"] == "").any()
    assert text(public / "train.csv").equals(train)
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(test.assign(labels="U+003F 1 1 U+FF2F 2 2"))
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test_images.zip", "train.csv",
        "train_images.zip", "unicode_translation.csv"]
    with zipfile.ZipFile(raw / "train_images.zip") as source:
        for side, ids in (("train", train), ("test", test)):
            with zipfile.ZipFile(public / f"{side}_images.zip") as zf:
                assert sorted(zf.namelist()) == sorted(f"{i}.jpg" for i in ids["image_id"])
                assert all(zf.read(name) == source.read(name) for name in zf.namelist())
    assert (public / "unicode_translation.csv").read_bytes() == (raw / "unicode_translation.csv").read_bytes()


def gold(answers: pd.DataFrame) -> pd.DataFrame:
    """Each character's box centre, which lies inside any box."""
    def centres(labels: str) -> str:
        items = labels.split()
        return " ".join(f"{c} {int(x) + int(w) / 2} {int(y) + int(h) / 2}" for c, x, y, w, h in
                        zip(*(items[i::5] for i in range(5)), strict=True))
    return answers.assign(labels=answers["labels"].map(centres))


def test_the_answers_score_one_and_the_sample_zero(prepared: Prepared, tmp_path: Path) -> None:
    gold(text(prepared.data.answers_path)).iloc[::-1].to_csv(tmp_path / "gold.csv", index=False)
    assert prepared.score(tmp_path / "gold.csv") == 1.0
    assert prepared.score(prepared.sample_path) == 0.0


def score_by_hand(prepared: Prepared, folder: Path, truth: dict[str, str], labels: dict[str, str]) -> float:
    pd.DataFrame({"image_id": list(truth), "labels": list(truth.values())}).to_csv(
        folder / "answers.csv", index=False)
    pd.DataFrame({"image_id": list(labels), "labels": list(labels.values())}).to_csv(
        folder / "sub.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv").score(folder / "sub.csv")


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    truth = {"a": "U+3042 10 10 5 5 U+3042 20 10 5 5", "b": "U+3044 0 0 10 10", "c": ""}
    # a: the first box takes the one point inside it; the second box none (FN); the extra
    # point at the box's edge (15, 12) is outside (FP). b: right place, wrong label (FP, FN).
    # c: nothing true, one guess (FP). TP 1, FP 3, FN 2: P 1/4, R 1/3, F1 2/7.
    labels = {"a": "U+3042 12 12 U+3042 15 12", "b": "U+3042 5 5", "c": "U+3042 1 1"}
    assert score_by_hand(prepared, tmp_path, truth, labels) == pytest.approx(2 / 7)
    # One point inside two boxes of the same label serves only the first; "NA" predicts nothing.
    truth = {"a": "U+3042 0 0 10 10 U+3042 5 5 10 10", "b": "U+3044 0 0 4 4"}
    assert score_by_hand(prepared, tmp_path, truth, {"a": "U+3042 7 7", "b": "NA"}) == pytest.approx(
        2 * (1 / 1) * (1 / 3) / (1 + 1 / 3))
    assert score_by_hand(prepared, tmp_path, truth, {"a": "", "b": ""}) == 0.0


@pytest.mark.parametrize(("labels", "reason"), [
    ("U+3042 1", "2 space-separated items"),
    ("U+3042 1 1 ", "4 space-separated items"),
    ("U+3042 x 1", "X and Y must be numbers"),
])
def test_malformed_labels_are_invalid_naming_the_page(prepared: Prepared, tmp_path: Path,
                                                     labels: str, reason: str) -> None:
    sample = text(prepared.sample_path)
    sample.loc[2, "labels"] = labels
    sample.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InvalidSubmission, match=f"page '{sample.loc[2, 'image_id']}'.*{reason}"):
        prepared.score(tmp_path / "bad.csv")


def test_a_column_of_numbers_is_invalid(prepared: Prepared, tmp_path: Path) -> None:
    text(prepared.sample_path).assign(labels="7").to_csv(tmp_path / "numbers.csv", index=False)
    with pytest.raises(InvalidSubmission, match="read as a number"):
        prepared.score(tmp_path / "numbers.csv")


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'image_id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'labels'"),
    ("missing row", "wrong row count: expected 6 rows"),
    ("extra row", "wrong row count: expected 6 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, "image_id", "labels").to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "b.csv")
