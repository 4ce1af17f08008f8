"""ml2021spring-hw2 (dev): MLE-bench's split of Kaggle's labelled TIMIT frames, written through
memory maps, and the accuracy of the classes, on the competition's own synthetic raw files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "ml2021spring-hw2"
TIMIT = Path("timit_11", "timit_11")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def saved(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw / TIMIT, prepared.data.public
    features, labels = np.load(raw / "train_11.npy"), np.load(raw / "train_label_11.npy")
    kaggle_test = len(np.load(raw / "test_11.npy"))
    share = kaggle_test / (len(features) + kaggle_test)
    train, test = train_test_split(range(len(features)), test_size=share, random_state=0)
    assert (len(train), len(test)) == (174, 66)
    # The very bytes np.save writes of MLE-bench's arrays.
    assert (public / TIMIT / "train_11.npy").read_bytes() == saved(features[train])
    assert (public / TIMIT / "train_label_11.npy").read_bytes() == saved(labels[train])
    assert (public / TIMIT / "test_11.npy").read_bytes() == saved(features[test])
    answers = prepared.answers
    assert answers.equals(pd.DataFrame({"Id": [str(i) for i in range(66)], "ClassId": list(labels[test])}))
    assert text(prepared.sample_path).equals(answers.assign(ClassId="0"))
    assert sorted(p.name for p in public.iterdir()) == ["description.md", "sampleSubmission.csv", "timit_11"]
    assert sorted(p.name for p in (public / TIMIT).iterdir()) == ["test_11.npy", "train_11.npy",
                                                                  "train_label_11.npy"]


def test_blocks_of_rows_write_the_same_files(prepared: Prepared, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows gathered a few at a time (a real split's blocks) give the same bytes."""
    module = prepared.competition.module("prepare")
    monkeypatch.setattr(module, "BLOCK_ROWS", 7)
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir(), private.mkdir()
    module.prepare(prepared.raw, public, private)
    for name in ("train_11.npy", "train_label_11.npy", "test_11.npy"):
        assert (public / TIMIT / name).read_bytes() == (prepared.data.public / TIMIT / name).read_bytes()


def test_the_sample_is_valid_and_the_answers_score_1(prepared: Prepared) -> None:
    share_of_zeros = (prepared.answers["ClassId"] == "0").mean()
    assert prepared.score(prepared.sample_path) == pytest.approx(share_of_zeros)
    assert prepared.score(prepared.data.answers_path) == 1.0


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Classes compare as numbers, as pandas reads them for MLE-bench: "36.0" is class 36."""
    answers = pd.DataFrame({"Id": range(4), "ClassId": ["36", "9", "0", "38"]})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    pd.DataFrame({"Id": [3, 2, 1, 0], "ClassId": ["38", "1", "9", "36.0"]}).to_csv(tmp_path / "sub.csv",
                                                                                 index=False)
    assert grader.score(tmp_path / "sub.csv") == 0.75


@pytest.mark.parametrize(("kind", "target", "reason"), [
    ("no id column", "ClassId", "missing columns: 'Id'"),
    ("repeated id", "ClassId", "duplicated ids"),
    ("renamed column", "ClassId", "missing columns: 'ClassId'"),
    ("extra column", "ClassId", "unexpected columns: 'extra'"),
    ("NaN value", "ClassId", "missing or NaN values"),
    ("missing row", "ClassId", "wrong row count: expected 66 rows"),
    ("extra row", "ClassId", "wrong row count: expected 66 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path, kind: str,
                                                       target: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, "Id", target).to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("Class", "0", "missing columns: 'ClassId'"),  # Kaggle's name for the column
    ("ClassId", "3.5", "non-integer values"),
    ("ClassId", "aa", "non-numeric values"),
])
def test_a_class_that_is_not_a_class_number_is_invalid(prepared: Prepared, tmp_path: Path, column: str,
                                                       value: str, reason: str) -> None:
    sample = text(prepared.sample_path)
    pd.DataFrame({"Id": sample["Id"], column: [value, *sample["ClassId"][1:]]}).to_csv(tmp_path / "bad.csv",
                                                                                     index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "bad.csv")
