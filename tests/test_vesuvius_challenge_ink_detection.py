"""vesuvius-challenge-ink-detection: MLE-bench's hold-out of training fragment 3 as test
fragment ``a`` (every file hard-linked, its labels withheld) and F0.5 over a run-length encoded
mask, on the competition's own synthetic raw files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, files, malformed, prepare_one, text
from PIL import Image

from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.rle import encode
from pytest_mlebench.grading.validate import MAX_LINE_BYTES, InvalidSubmission

CID = "vesuvius-challenge-ink-detection"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_fragment_3_is_the_test_fragment(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test", "train"]
    for fragment in ("1", "2"):
        assert files(public / "train" / fragment) == files(raw / "train" / fragment)
    assert sorted(p.name for p in (public / "train").iterdir()) == ["1", "2"]
    assert files(public / "test") == ["a/mask.png", *(f"a/surface_volume/{z:02d}.tif" for z in range(65))]
    for name in files(public / "test" / "a"):
        assert os.path.samefile(public / "test" / "a" / name, raw / "train" / "3" / name)
    with Image.open(raw / "train" / "3" / "ir.png") as photo:
        width, height = photo.size
    labels = text(raw / "train" / "3" / "inklabels_rle.csv")
    assert text(prepared.data.answers_path).equals(
        pd.DataFrame({"Id": ["a"], "Predicted": labels["Predicted"], "width": [str(width)],
                      "height": [str(height)]}))
    assert text(prepared.sample_path).equals(pd.DataFrame({"Id": ["a"], "Predicted": ["1 1 5 1"]}))


def test_the_answers_score_1_and_the_sample_its_f_half(prepared: Prepared, tmp_path: Path) -> None:
    text(prepared.data.answers_path)[["Id", "Predicted"]].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    ink = np.array(Image.open(prepared.raw / "train" / "3" / "inklabels.png")) > 0
    hits = int(ink.ravel()[[0, 4]].sum())  # the sample's pixels 1 and 5, row by row
    assert prepared.score(prepared.sample_path) == pytest.approx(1.25 * hits / (0.25 * ink.sum() + 2))


def grader_over(prepared: Prepared, folder: Path, truth: str, height: int, width: int) -> Grader:
    pd.DataFrame({"Id": ["a"], "Predicted": [truth], "width": [width], "height": [height]}).to_csv(
        folder / "answers.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv")


def submit(folder: Path, predicted: str) -> Path:
    pd.DataFrame({"Id": ["a"], "Predicted": [predicted]}).to_csv(folder / "sub.csv", index=False)
    return folder / "sub.csv"


def test_f_half_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """1.25 TP / (1.25 TP + 0.25 FN + FP), 0 when nothing is right (or nothing is there)."""
    grader = grader_over(prepared, tmp_path, "1 4 9 2", 3, 4)  # truth: pixels 1-4, 9, 10
    # P = {3..6}: TP 2, FP 2, FN 4.
    assert grader.score(submit(tmp_path, "3 4")) == pytest.approx(2.5 / (2.5 + 1 + 2))
    assert grader.score(submit(tmp_path, "1 4 9 2")) == 1.0
    assert grader.score(submit(tmp_path, "12 1")) == 0.0
    assert grader.score(submit(tmp_path, " ")) == 0.0  # an empty mask, written as a space
    assert grader_over(prepared, tmp_path, " ", 3, 4).score(submit(tmp_path, " ")) == 0.0


def test_pixels_run_along_the_rows(prepared: Prepared, tmp_path: Path) -> None:
    mask = np.zeros((3, 4), dtype=bool)
    mask[:, 0] = True  # the left column: pixels 1, 5 and 9 row by row
    assert encode(mask, "C") == "1 1 5 1 9 1"
    grader = grader_over(prepared, tmp_path, encode(mask, "C"), 3, 4)
    assert grader.score(submit(tmp_path, "1 1 5 1 9 1")) == 1.0
    assert grader.score(submit(tmp_path, encode(mask, "F"))) == pytest.approx(1.25 / (0.75 + 3))


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'Id'"),
    ("renamed column", "missing columns: 'Predicted'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "id 'a': Predicted is '', which MLE-bench reads as NaN"),
    ("NaN value", "id 'a': Predicted is 'nan', which MLE-bench reads as NaN"),
    ("missing row", "wrong row count: expected 1 rows"),
    ("extra row", "wrong row count: expected 1 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "Id", "Predicted")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_a_repeated_id_is_invalid(prepared: Prepared, tmp_path: Path) -> None:
    """The sample has one row: a second row of the same id repeats it."""
    sample = text(prepared.sample_path)
    pd.concat([sample, sample]).to_csv(tmp_path / "twice.csv", index=False)
    with pytest.raises(InvalidSubmission, match="duplicated ids"):
        prepared.score(tmp_path / "twice.csv")


@pytest.mark.parametrize(("rle", "reason"), [
    ("1 2 5", "has 3 numbers; expected pairs"),
    ("1 -2", "lengths below 1"),
    ("4 1 2 1", "starts smaller than the start before them"),
    ("1 3 2 1", "runs overlapping the run before them"),
    ("12 2", r"runs past the image's last pixel \(12\)"),
])
def test_a_malformed_encoding_is_refused(prepared: Prepared, tmp_path: Path, rle: str, reason: str) -> None:
    grader = grader_over(prepared, tmp_path, "1 4", 3, 4)
    with pytest.raises(InvalidSubmission, match=f"id 'a': .*{reason}"):
        grader.score(submit(tmp_path, rle))


def test_an_encoding_of_megabytes_is_one_line_as_in_kaggle_s_format(prepared: Prepared,
                                                                   tmp_path: Path) -> None:
    """A real fragment's encoding is longer than the default line limit: the competition raises
    it (grading.max_line_bytes), so the answers keep it on one line, as MLE-bench's do, and a
    submission written the same way is graded; a line beyond the raised limit is still refused."""
    raw = tmp_path / "raw"
    shutil.copytree(prepared.raw, raw, copy_function=os.link)
    ink = np.zeros((600, 620), dtype=bool)
    ink[:, ::2] = True  # 186,000 runs of one pixel: over 1 MB of text
    for name in ("ir.png", "inklabels_rle.csv"):
        (raw / "train" / "3" / name).unlink()
    Image.fromarray(np.zeros(ink.shape, dtype=np.uint8)).save(raw / "train" / "3" / "ir.png")
    truth = encode(ink, "C")
    assert len(truth) > MAX_LINE_BYTES
    pd.DataFrame({"Id": ["3"], "Predicted": [truth]}).to_csv(raw / "train" / "3" / "inklabels_rle.csv",
                                                             index=False)
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir()
    private.mkdir()
    prepared.competition.prepare_into(raw, public, private)
    assert truth.encode() in (private / "answers.csv").read_bytes().split(b"\n")[1]
    grader = prepared.competition.grader(private / "answers.csv")
    assert grader.score(submit(tmp_path, truth)) == 1.0
    limit = prepared.competition.grading_spec().max_line_bytes
    with pytest.raises(InvalidSubmission, match=f"bytes long; a submission's lines are at most {limit:,}"):
        grader.score(submit(tmp_path, " " * limit + truth))
