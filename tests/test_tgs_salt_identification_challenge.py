"""tgs-salt-identification-challenge: MLE-bench's 75/25 split of Kaggle's labelled seismic images
and its mean precision over IoU thresholds (empty predictions read as MLE-bench's histograms
read them), on the competition's own synthetic raw files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, files, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.rle import encode
from pytest_mlebench.grading.salt_rle import decode
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "tgs-salt-identification-challenge"
PIXELS = 101 * 101


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    with zipfile.ZipFile(raw / "competition_data.zip") as zf:
        labelled = pd.read_csv(io.BytesIO(zf.read("competition_data/train.csv")), dtype=str,
                               keep_default_na=False)
    train, test = (part.sort_values("id").reset_index(drop=True)
                   for part in train_test_split(labelled, test_size=0.25, random_state=0))
    assert len(test) == 10 and text(public / "train.csv").equals(train)
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(test[["id"]].assign(rle_mask="1 1"))
    depths = text(public / "depths.csv")
    assert depths["id"].tolist() == train["id"].tolist()
    assert sorted(p.name for p in public.iterdir()) == [
        "depths.csv", "description.md", "sample_submission.csv", "test", "train", "train.csv"]
    assert files(public / "train") == sorted(f"{kind}/{i}.png" for i in train["id"]
                                             for kind in ("images", "masks"))
    assert files(public / "test") == sorted(f"images/{i}.png" for i in test["id"])


def test_the_sample_is_valid_and_the_answers_score_one(prepared: Prepared, tmp_path: Path) -> None:
    assert 0 <= prepared.score(prepared.sample_path) < 1
    answers = text(prepared.data.answers_path)
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_the_masks_match_their_rle(prepared: Prepared) -> None:
    """The public masks are the train.csv RLEs, decoded down the columns."""
    from PIL import Image

    for image, rle in text(prepared.data.public / "train.csv").head(5).itertuples(index=False):
        mask = np.asarray(Image.open(prepared.data.public / "train" / "masks" / f"{image}.png")) > 0
        assert (mask == decode(rle, 101, 101, image)).all() and encode(mask, "F") == rle


def grader_over(tmp_path: Path, prepared: Prepared, masks: dict[str, str]):
    pd.DataFrame({"id": list(masks), "rle_mask": list(masks.values())}).to_csv(
        tmp_path / "answers.csv", index=False)
    return prepared.competition.grader(tmp_path / "answers.csv")


def submit(tmp_path: Path, masks: dict[str, str]) -> Path:
    pd.DataFrame({"id": list(masks), "rle_mask": list(masks.values())}).to_csv(
        tmp_path / "sub.csv", index=False)
    return tmp_path / "sub.csv"


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """a: empty vs empty, 1. b: empty truth, a pixel predicted, 0. c: 100 true pixels, 80 of them
    predicted: IoU 0.8, above 0.5..0.75 (6 of 10). d: a half-salt image (5200 pixels) predicted
    empty, read as the whole image: IoU 5200/10201 > 0.5, 1 of 10. e: an all-salt image predicted
    empty: IoU 1, full marks. f: 100 true pixels, 40 more predicted: IoU 100/140, 5 of 10."""
    grader = grader_over(tmp_path, prepared, {"a": "", "b": "", "c": "1 100", "d": "1 5200",
                                              "e": f"1 {PIXELS}", "f": "201 100"})
    sub = {"a": "", "b": "7 1", "c": "1 80", "d": "", "e": "", "f": "181 140"}
    expected = (1 + 0 + 0.6 + 0.1 + 1 + 0.5) / 6
    assert grader.score(submit(tmp_path, sub)) == pytest.approx(expected)
    # pandas' NaN texts are MLE-bench's empty masks.
    assert grader.score(submit(tmp_path, {**sub, "b": "NA"})) == pytest.approx(expected + 1 / 6)


@pytest.mark.parametrize(("rle", "reason"), [
    ("1 2 3", "has 3 numbers; expected pairs"),
    ("1 x", "not a whole number"),
    ("1.0 2", "not a whole number"),
    ("0 2", "starts below 1"),
    ("5 0", "lengths below 1"),
    ("10 5 12 3", "runs overlapping the run before them"),
    ("10 5 3 1", "starts smaller than the start before them"),
    (f"{PIXELS} 2", f"runs past the image's last pixel \\({PIXELS}\\)"),
])
def test_a_malformed_rle_is_refused_naming_its_id(prepared: Prepared, tmp_path: Path,
                                                  rle: str, reason: str) -> None:
    sample = text(prepared.sample_path)
    sample.loc[1, "rle_mask"] = rle
    sample.to_csv(tmp_path / "bad.csv", index=False)
    where = f"id '{sample['id'][1]}'"
    with pytest.raises(InvalidSubmission, match=f"{where}: the run-length encoding .*{reason}"):
        prepared.score(tmp_path / "bad.csv")


def test_touching_runs_are_one_run(prepared: Prepared, tmp_path: Path) -> None:
    grader = grader_over(tmp_path, prepared, {"a": "1 10"})
    assert grader.score(submit(tmp_path, {"a": "1 4 5 6"})) == 1.0


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'rle_mask'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 10 rows"),
    ("extra row", "wrong row count: expected 10 rows"),
    ("NaN value", None),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str | None) -> None:
    broken = malformed(text(prepared.sample_path), kind, "id", "rle_mask")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    if reason is None:  # "nan" is an empty mask to MLE-bench's pandas reading: valid
        prepared.score(tmp_path / "broken.csv")
        return
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
