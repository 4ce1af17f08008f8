"""hubmap-kidney-segmentation: MLE-bench's 12/3 split of Kaggle's annotated slides (their files
hard-linked, the test polygons leaked as MLE-bench leaks them) and mean Dice over run-length
encoded masks, on the competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from PIL import Image
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.rle import encode
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "hubmap-kidney-segmentation"
INFO = "HuBMAP-20-dataset_information.csv"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def slide(i: str, polygons: bool = True) -> list[str]:
    return [f"{i}-anatomical-structure.json", *([f"{i}.json"] if polygons else []), f"{i}.tiff"]


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    labels = text(raw / "train.csv")
    train, test = (part.reset_index(drop=True) for part in
                   train_test_split(labels, train_size=12, test_size=3, random_state=0))
    assert text(public / "train.csv").equals(train)
    info = text(raw / INFO)
    sizes = info.assign(id=info["image_file"].str.removesuffix(".tiff"))
    expected = test.merge(sizes[["id", "width_pixels", "height_pixels"]], on="id")
    assert text(prepared.data.answers_path).equals(expected.rename(columns={"encoding": "predicted"}))
    kept = info[info["image_file"].isin(labels["id"] + ".tiff")].reset_index(drop=True)
    assert text(public / INFO).equals(kept)
    assert len(text(public / INFO)) == 15 < len(info)
    assert text(prepared.sample_path).equals(test[["id"]].assign(predicted=""))
    assert (public / "test" / "sample_submission.csv").read_bytes() == prepared.sample_path.read_bytes()
    assert names(public) == ["HuBMAP-20-dataset_information.csv", "description.md", "sample_submission.csv",
                             "test", "train", "train.csv"]
    assert names(public / "train") == sorted(n for i in train["id"] for n in slide(i))
    # MLE-bench's leak: each test slide's glomerulus polygons come along (known issue).
    leaked = [n for i in test["id"] for n in slide(i)]
    assert names(public / "test") == sorted(["sample_submission.csv", *leaked])
    for i in test["id"]:
        assert os.path.samefile(public / "test" / f"{i}.tiff", raw / "train" / f"{i}.tiff")
    row = expected.iloc[0]
    with Image.open(public / "test" / f"{row['id']}.tiff") as image:
        assert image.size == (int(row["width_pixels"]), int(row["height_pixels"]))


def test_the_variant_keeps_the_test_polygons_out(prepared: Prepared, tmp_path: Path) -> None:
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir()
    private.mkdir()
    prepared.competition.with_variant("no-test-annotations").prepare_into(prepared.raw, public, private)
    test_ids = text(private / "answers.csv")["id"]
    assert names(public / "test") == sorted(["sample_submission.csv",
                                             *(n for i in test_ids for n in slide(i, polygons=False))])
    assert (private / "answers.csv").read_bytes() == prepared.data.answers_path.read_bytes()


def test_the_sample_scores_0_and_the_answers_1(prepared: Prepared, tmp_path: Path) -> None:
    assert prepared.score(prepared.sample_path) == 0.0  # empty masks, every slide has glomeruli
    answers = text(prepared.data.answers_path)
    answers[["id", "predicted"]].iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def grader_over(prepared: Prepared, folder: Path, truth: dict[str, tuple[str, int, int]]) -> Grader:
    """A grader over answers given as id -> (encoding, height, width)."""
    rows = [(i, rle, w, h) for i, (rle, h, w) in truth.items()]
    pd.DataFrame(rows, columns=["id", "predicted", "width_pixels", "height_pixels"]).to_csv(
        folder / "answers.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv")


def submit(folder: Path, predictions: dict[str, str]) -> Path:
    pd.DataFrame({"id": list(predictions), "predicted": list(predictions.values())}).to_csv(
        folder / "sub.csv", index=False)
    return folder / "sub.csv"


def test_dice_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Per slide 2|P & T| / (|P| + |T|), both empty 1, then the mean over slides."""
    grader = grader_over(prepared, tmp_path, {"aaa": ("1 4", 3, 4), "bbb": ("", 2, 2), "ccc": ("2 2", 2, 3)})
    # aaa: P = {3..6}, T = {1..4}: 2 * 2 / 8; bbb: both empty, 1; ccc: P empty, 0.
    path = submit(tmp_path, {"aaa": "3 4", "bbb": "", "ccc": "nan"})
    assert grader.score(path) == pytest.approx((0.5 + 1 + 0) / 3)
    path = submit(tmp_path, {"aaa": "1 1 3 2", "bbb": "4 1", "ccc": "1 6"})
    # aaa: |P & T| = 3, 2 * 3 / 7; bbb: T empty, 0; ccc: 2 * 2 / 8.
    assert grader.score(path) == pytest.approx((6 / 7 + 0 + 0.5) / 3)


def test_pixels_run_down_the_columns(prepared: Prepared, tmp_path: Path) -> None:
    """An encoding of the mask taken column by column scores 1 against itself, the
    row-by-row one of the same (non-symmetric) mask does not."""
    mask = np.zeros((3, 4), dtype=bool)
    mask[0, :] = True
    grader = grader_over(prepared, tmp_path, {"aaa": (encode(mask, "F"), 3, 4)})
    assert encode(mask, "F") == "1 1 4 1 7 1 10 1"
    assert grader.score(submit(tmp_path, {"aaa": encode(mask, "F")})) == 1.0
    # Row by row the top row is pixels 1 to 4, of which only 1 and 4 are in the top row.
    assert encode(mask, "C") == "1 4"
    assert grader.score(submit(tmp_path, {"aaa": encode(mask, "C")})) == pytest.approx(2 * 2 / 8)


@pytest.mark.parametrize(("rle", "reason"), [
    ("1 2 5", "has 3 numbers; expected pairs"),
    ("1 2.0", "holds '2.0', not a whole number"),
    ("1 x", "holds 'x', not a whole number"),
    ("0 2", "starts below 1"),
    ("3 0", "lengths below 1"),
    ("5 1 2 1", "starts smaller than the start before them"),
    ("1 3 3 1", "runs overlapping the run before them"),
    ("12 2", r"runs past the image's last pixel \(12\): 12"),
    ("1 1 13 1", r"runs past the image's last pixel \(12\): 13"),
    ("1 99999999999999999999", "a number beyond the image's 12 pixels"),
])
def test_a_malformed_encoding_is_refused_naming_the_row(prepared: Prepared, tmp_path: Path,
                                                        rle: str, reason: str) -> None:
    grader = grader_over(prepared, tmp_path, {"aaa": ("1 4", 3, 4), "bbb": ("", 2, 2)})
    with pytest.raises(InvalidSubmission, match=f"id 'aaa': .*{reason}"):
        grader.score(submit(tmp_path, {"aaa": rle, "bbb": ""}))


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'predicted'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 3 rows"),
    ("extra row", "wrong row count: expected 3 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "id", "predicted")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


@pytest.mark.parametrize("kind", ["blank value", "NaN value"])
def test_a_blank_or_nan_prediction_is_an_empty_mask(prepared: Prepared, tmp_path: Path, kind: str) -> None:
    """MLE-bench fills NaN with "": the slide's mask is empty (Dice 0 here: it has glomeruli)."""
    answers = text(prepared.data.answers_path)[["id", "predicted"]]
    malformed(answers, kind, "id", "predicted").to_csv(tmp_path / "blank.csv", index=False)
    assert prepared.score(tmp_path / "blank.csv") == pytest.approx(2 / 3)
