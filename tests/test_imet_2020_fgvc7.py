"""imet-2020-fgvc7: MLE-bench's 85/15 split of Kaggle's labelled photos and its micro F1 over
the answers' attributes, on the competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "imet-2020-fgvc7"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(text(raw / "train.csv"), test_size=0.15, random_state=0))
    assert text(public / "train.csv").equals(train)
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(test.assign(attribute_ids="0 1 2"))
    assert text(public / "labels.csv").equals(text(raw / "labels.csv"))
    assert (len(train), len(test)) == (170, 30)
    for folder, ids in (("train", train["id"]), ("test", test["id"])):
        assert sorted(p.name for p in (public / folder).iterdir()) == sorted(f"{i}.png" for i in ids)
        assert all(os.path.samefile(public / folder / f"{i}.png", raw / "train" / f"{i}.png") for i in ids)


def test_the_answers_score_one_and_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    # Every true attribute kept, plus attribute 999 (no class: dropped) and nothing else wrong.
    extra = answers.assign(attribute_ids=answers["attribute_ids"] + " 999")
    extra.to_csv(tmp_path / "extra.csv", index=False)
    assert prepared.score(tmp_path / "extra.csv") == 1.0
    # Nothing predicted for the first photo: its attributes are false negatives.
    n_true = answers["attribute_ids"].str.split().str.len()
    missed = answers.assign(attribute_ids=["", *answers["attribute_ids"][1:]])
    missed.to_csv(tmp_path / "missed.csv", index=False)
    tp = n_true.sum() - n_true[0]
    assert prepared.score(tmp_path / "missed.csv") == pytest.approx(2 * tp / (2 * tp + n_true[0]))


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'attribute_ids'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 30 rows"),
    ("extra row", "wrong row count: expected 30 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "id", "attribute_ids")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
