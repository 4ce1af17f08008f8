"""plant-seedlings-classification: MLE-bench's 86/14 split of Kaggle's photos listed species by
species (hard-linked into train/<species>/ and test/) and micro F1 with MLE-bench's reading of
labels, on the competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, files, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "plant-seedlings-classification"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    listed = pd.DataFrame([(f, s) for s in sorted(os.listdir(raw / "train"))
                           for f in sorted(os.listdir(raw / "train" / s))], columns=["file", "species"])
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(listed, test_size=0.14, random_state=0))
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(test.assign(species="Sugar beet"))
    assert len(test) == 15 and sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test", "train"]
    labelled = zip(train["file"], train["species"], strict=True)
    assert files(public / "train") == sorted(f"{species}/{name}" for name, species in labelled)
    assert files(public / "test") == sorted(test["file"])
    for name, species in zip(test["file"], test["species"], strict=True):
        assert os.path.samefile(public / "test" / name, raw / "train" / species / name)


def test_species_folders_sort_before_their_files(prepared: Prepared) -> None:
    """MLE-bench sorts species, then files: "Fat" before "Fat Hen", though "Fat Hen/" < "Fat/"."""
    keys = ["Fat Hen/a.png", "Fat/b.png", "Fat/notes.txt", "c.png"]
    frame = prepared.competition.module("prepare").labelled_photos(keys)
    assert frame.to_dict("list") == {"file": ["b.png", "a.png"], "species": ["Fat", "Fat Hen"]}


def test_the_answers_score_one(prepared: Prepared, tmp_path: Path) -> None:
    text(prepared.data.answers_path).iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    answers = text(prepared.data.answers_path)
    assert prepared.score(prepared.sample_path) == pytest.approx((answers["species"] == "Sugar beet").mean())


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Micro F1 of single labels: right / all; a blank species is wrong, not refused."""
    pd.DataFrame({"file": ["a.png", "b.png", "c.png", "d.png", "e.png"],
                  "species": ["Maize", "Charlock", "Maize", "Fat Hen", "Cleavers"]}).to_csv(
        tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    pd.DataFrame({"file": ["e.png", "d.png", "c.png", "b.png", "a.png"],
                  "species": ["Cleavers", "", "Maize", "Maize", "Maize"]}).to_csv(tmp_path / "sub.csv",
                                                                                  index=False)
    assert grader.score(tmp_path / "sub.csv") == pytest.approx(3 / 5)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'file'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'species'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 15 rows"),
    ("extra row", "wrong row count: expected 15 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "file", "species")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


@pytest.mark.parametrize(("values", "reason"), [
    ("numbers", "only numbers or booleans"),
    ("blanks", "empty in every row"),
])
def test_what_mlebench_cannot_score_is_refused(prepared: Prepared, tmp_path: Path,
                                               values: str, reason: str) -> None:
    sample = text(prepared.sample_path)
    species = range(len(sample)) if values == "numbers" else ""
    sample.assign(species=species).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "bad.csv")
