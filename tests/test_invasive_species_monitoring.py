"""invasive-species-monitoring: MLE-bench's 80/20 split of Kaggle's labelled photos (extracted from
train.7z into train/ and test/, the CSVs zipped) and ROC AUC, on the competition's own synthetic
raw files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "invasive-species-monitoring"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(text(raw / "train_labels.csv.zip"), test_size=0.2, random_state=0))
    with zipfile.ZipFile(public / "train_labels.csv.zip") as zf:
        assert zf.namelist() == ["train_labels.csv"]
    assert text(public / "train_labels.csv.zip").equals(train)
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(test.assign(invasive="0.5"))
    assert len(test) == 20 and sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv.zip", "test", "train", "train_labels.csv.zip"]
    for side, names in (("train", train["name"]), ("test", test["name"])):
        assert sorted(p.name for p in (public / side).iterdir()) == sorted(f"{n}.jpg" for n in names)
    assert (public / "test" / f"{test['name'][0]}.jpg").read_bytes()[:2] == b"\xff\xd8"
    # readable by the agent's user too: py7zr extracts a member stored without a mode as 0600
    assert all(p.stat().st_mode & 0o444 == 0o444 for p in (public / "test").iterdir())


def test_an_unpacked_raw_folder_is_linked(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench extracts train.7z into raw/; such a raw folder is read instead of the archive."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "train_labels.csv.zip").write_bytes((prepared.raw / "train_labels.csv.zip").read_bytes())
    public = prepared.data.public
    (raw / "train").mkdir()
    for side in ("train", "test"):
        for photo in (public / side).iterdir():
            (raw / "train" / photo.name).write_bytes(photo.read_bytes())
    (tmp_path / "public").mkdir()
    (tmp_path / "private").mkdir()
    prepared.competition.module("prepare").prepare(raw, tmp_path / "public", tmp_path / "private")
    assert sorted(p.name for p in (tmp_path / "public" / "test").iterdir()) == sorted(
        p.name for p in (public / "test").iterdir())
    assert (tmp_path / "public" / "test").iterdir().__next__().stat().st_nlink == 2


def test_the_sample_scores_one_half_and_the_answers_one(prepared: Prepared, tmp_path: Path) -> None:
    assert prepared.score(prepared.sample_path) == 0.5
    text(prepared.data.answers_path).iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """AUC: the share of (invasive, other) pairs ranked the right way, ties counting half."""
    answers = pd.DataFrame({"name": [1, 2, 3, 4], "invasive": [1, 0, 1, 0]})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    # pairs (1,2) right, (1,4) right, (3,2) tie, (3,4) wrong
    submission = pd.DataFrame({"name": [1, 2, 3, 4], "invasive": [0.9, 0.4, 0.4, 0.6]})
    submission.to_csv(tmp_path / "sub.csv", index=False)
    assert grader.score(tmp_path / "sub.csv") == pytest.approx(2.5 / 4)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'name'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'invasive'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'invasive' has 1 missing or NaN values"),
    ("NaN value", "column 'invasive' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 20 rows"),
    ("extra row", "wrong row count: expected 20 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "name", "invasive")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_a_probability_outside_0_and_1_is_refused(prepared: Prepared, tmp_path: Path) -> None:
    """As MLE-bench refuses it."""
    sample = text(prepared.sample_path)
    sample.assign(invasive=["-0.1", *sample["invasive"][1:]]).to_csv(tmp_path / "under.csv", index=False)
    with pytest.raises(InvalidSubmission, match=r"values outside \[0, 1\]"):
        prepared.score(tmp_path / "under.csv")
