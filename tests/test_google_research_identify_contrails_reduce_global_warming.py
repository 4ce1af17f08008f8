"""google-research-identify-contrails-reduce-global-warming: MLE-bench's hold-out of Kaggle's
training records (hard-linked), the run-length masks and the global Dice, on the competition's
own synthetic raw files."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.contrails_rle import decode, encode
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "google-research-identify-contrails-reduce-global-warming"
BANDS = [f"band_{b:02}.npy" for b in range(8, 17)]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    metadata = json.loads((raw / "train_metadata.json").read_text())
    validation = json.loads((raw / "validation_metadata.json").read_text())
    train, test = train_test_split(metadata, test_size=len(validation), random_state=0)
    assert len(test) == 5 and (public / "train_metadata.json").read_text() == json.dumps(train)
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test", "train", "train_metadata.json",
        "validation", "validation_metadata.json"]
    for side, records, names in (("train", train, [*BANDS, "human_individual_masks.npy",
                                                   "human_pixel_masks.npy"]), ("test", test, BANDS)):
        assert sorted(os.listdir(public / side)) == sorted(r["record_id"] for r in records)
        for record in records:
            folder = public / side / record["record_id"]
            assert sorted(os.listdir(folder)) == sorted(names)
            assert all(os.path.samefile(folder / n, raw / "train" / record["record_id"] / n) for n in names)
    assert sorted(os.listdir(public / "validation")) == sorted(r["record_id"] for r in validation)
    answers = text(prepared.data.answers_path)
    assert list(answers["record_id"]) == [r["record_id"] for r in test]
    for rid, pixels in zip(answers["record_id"], answers["encoded_pixels"], strict=True):
        mask = np.load(raw / "train" / rid / "human_pixel_masks.npy")[:, :, 0]
        assert (decode(pixels.replace("-", ""), 8, 8) == (mask == 1)).all()
    assert (answers[["height", "width"]] == "8").all().all()
    guesses = random.Random(0)
    expected = answers.assign(encoded_pixels=[guesses.choice(["1 3 10 5", "-"]) for _ in range(5)])
    assert text(prepared.sample_path).equals(expected)


def test_the_answers_score_one_and_the_sample_is_valid(prepared: Prepared, tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    answers[["record_id", "encoded_pixels"]].iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    assert 0.0 <= prepared.score(prepared.sample_path) < 1.0


def test_run_length_encoding_is_column_major_from_one() -> None:
    mask = np.zeros((3, 4), np.int32)
    mask[0, 0] = mask[1, 0] = mask[2, 1] = mask[0, 2] = 1  # pixels 1, 2, 6, 7
    assert encode(mask) == "1 2 6 2" and encode(mask[:, :, None]) == "1 2 6 2"
    assert (decode("1 2 6 2", 3, 4) == mask.astype(bool)).all()
    assert encode(np.zeros((2, 2))) == "-"
    # MLE-bench's decoder: one number is no run; three share the one length; runs are cut at
    # the last pixel, where overlapping is not looked at.
    assert not decode("5", 3, 4).any()
    assert decode("1 2 7", 3, 4).T.ravel().nonzero()[0].tolist() == [0, 1, 6, 7]
    assert decode("11 5 13 1", 3, 4).T.ravel().nonzero()[0].tolist() == [10, 11]


def score_by_hand(prepared: Prepared, folder: Path, truth: list[str], predicted: list[str]) -> float:
    ids = [f"10{i}" for i in range(len(truth))]
    pd.DataFrame({"record_id": ids, "encoded_pixels": truth, "height": 3, "width": 4}).to_csv(
        folder / "answers.csv", index=False)
    pd.DataFrame({"record_id": ids, "encoded_pixels": predicted}).to_csv(folder / "sub.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv").score(folder / "sub.csv")


def test_the_dice_is_global(prepared: Prepared, tmp_path: Path) -> None:
    # Record 1: 3 true pixels, 2 of them predicted and 2 more; record 2: nothing true, 1 predicted.
    # Global: 2 * 2 / (5 + 3); the mean of per-record Dice would differ.
    assert score_by_hand(prepared, tmp_path, ["1 3", "-"], ["2 4", "12 1"]) == pytest.approx(0.5)
    assert score_by_hand(prepared, tmp_path, ["1 3", "-"], ["-", " "]) == 0.0


@pytest.mark.parametrize(("cell", "reason"), [
    ("", "is empty"),
    ("NA", "is empty"),
    ("3 1 1 1", "not sorted"),
    ("0 2", "not a positive"),
    ("1 0", "not a positive"),
    ("1 5 3 1", "overlaps"),
    ("1 1 3 1 5", "do not make start-length pairs"),
    ("1.5 2", "not a whole number"),
])
def test_a_malformed_mask_is_invalid_naming_the_record(prepared: Prepared, tmp_path: Path,
                                                      cell: str, reason: str) -> None:
    sample = text(prepared.sample_path)
    sample.loc[1, "encoded_pixels"] = cell
    sample.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InvalidSubmission, match=f"record '{sample.loc[1, 'record_id']}'.*{reason}"):
        prepared.score(tmp_path / "bad.csv")


def test_a_column_of_numbers_is_invalid(prepared: Prepared, tmp_path: Path) -> None:
    text(prepared.sample_path).assign(encoded_pixels="5").to_csv(tmp_path / "numbers.csv", index=False)
    with pytest.raises(InvalidSubmission, match="read as the number"):
        prepared.score(tmp_path / "numbers.csv")


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'record_id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'encoded_pixels'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 5 rows"),
    ("extra row", "wrong row count: expected 5 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, "record_id", "encoded_pixels").to_csv(
        tmp_path / "b.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "b.csv")
