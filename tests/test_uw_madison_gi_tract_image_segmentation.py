"""uw-madison-gi-tract-image-segmentation: MLE-bench's split by case and by day, and its
0.4 x Dice + 0.6 x (1 - 3-D Hausdorff) with rows paired by position, on the competition's own
synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "uw-madison-gi-tract-image-segmentation"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def days(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.glob("*/*") if p.is_dir()}


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    labelled = text(raw / "train.csv")
    case, day = labelled["id"].str.split("_").str[0], labelled["id"].str.split("_").str[1]
    _, test_cases = train_test_split(case.unique(), test_size=0.1, random_state=42)
    is_test = case.isin(test_cases)
    moved = set()
    for name in set(case[~is_test]):
        numbers = sorted({int(d[3:]) for d in day[case == name]})
        moved |= {f"{name}_day{n}" for n in numbers[4:]}
    is_test |= (case + "_" + day).isin(moved)
    assert len(test_cases) == 2 and moved  # whole cases and later days both held out
    train, test = (labelled[m].reset_index(drop=True) for m in (~is_test, is_test))
    assert text(public / "train.csv").equals(train)
    assert text(public / "test.csv").equals(test[["id", "class"]])
    assert text(prepared.sample_path).equals(test[["id", "class"]].assign(predicted="1 1 5 2"))
    answers = text(prepared.data.answers_path)
    assert list(answers.columns) == ["id", "class", "predicted", "image_width", "image_height"]
    assert answers["predicted"].equals(test["segmentation"])
    as_day = lambda ids: {f"{i.split('_')[0]}/{i.rsplit('_', 2)[0]}" for i in ids}  # noqa: E731
    assert days(public / "train") == as_day(train["id"]) and days(public / "test") == as_day(test["id"])
    scan = next((public / "test").rglob("*.png"))
    assert os.path.samefile(scan, raw / "train" / scan.relative_to(public / "test"))
    width, height = map(int, scan.stem.split("_")[2:4])
    row = answers[answers["id"] == f"{scan.parts[-3]}_slice_{scan.stem.split('_')[1]}"].iloc[0]
    assert (int(row["image_width"]), int(row["image_height"])) == (width, height)


def test_the_sample_is_valid_and_the_answers_score_one(prepared: Prepared, tmp_path: Path) -> None:
    assert 0 < prepared.score(prepared.sample_path) < 1
    answers = text(prepared.data.answers_path)
    answers[["id", "class", "predicted"]].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def grader_over(tmp_path: Path, prepared: Prepared, rows: list[tuple[str, str, str]],
                height: int = 4, width: int = 4):
    pd.DataFrame(rows, columns=["id", "class", "predicted"]).assign(
        image_width=width, image_height=height).to_csv(tmp_path / "answers.csv", index=False)
    return prepared.competition.grader(tmp_path / "answers.csv")


def submit(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    pd.DataFrame(rows, columns=["id", "class", "predicted"]).to_csv(tmp_path / "sub.csv", index=False)
    return tmp_path / "sub.csv"


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """One day, two 4x4 slices, two organs. Truth: organ a of slice 1 is pixels 1-2 (column 0,
    rows 0-1), the rest empty. Prediction: pixels 1-4 for that row (the whole first column),
    empty elsewhere but organ b of slice 2, pixel 16 (row 3, column 3). Dice: 2*2/(2+4) for
    the first row, 0 for the last, the others left out: mean 1/3. Hausdorff: 6 predicted
    voxels against 2, coordinates (slice, row, column) divided by (2, 4, 4); the farthest
    predicted voxel (1, 3, 3) is nearest to (0, 1, 0): sqrt(1/4 + 1/4 + 9/16) / sqrt(3)."""
    ids = ["case1_day1_slice_0001", "case1_day1_slice_0002"]
    truth = [(ids[0], "a", "1 2"), (ids[0], "b", ""), (ids[1], "a", ""), (ids[1], "b", "")]
    grader = grader_over(tmp_path, prepared, truth)
    sub = [(ids[0], "a", "1 4"), (ids[0], "b", ""), (ids[1], "a", ""), (ids[1], "b", "16 1")]
    hausdorff = np.sqrt(1 / 4 + 1 / 4 + 9 / 16) / np.sqrt(3)
    assert grader.score(submit(tmp_path, sub)) == pytest.approx(0.4 / 3 + 0.6 * (1 - hausdorff))
    # The slice's organs are joined: organ b predicting organ a's pixels is right for Hausdorff.
    swapped = [(ids[0], "a", ""), (ids[0], "b", "1 2"), (ids[1], "a", ""), (ids[1], "b", "")]
    assert grader.score(submit(tmp_path, swapped)) == pytest.approx(0.4 * 0 + 0.6 * 1)
    # More than 10 times the true voxels (32 against 2): distance 1. Dice 2*2/(2+16), then 0 on
    # the three rows with an empty truth.
    everything = [(i, c, "1 16") for i in ids for c in "ab"]
    assert grader.score(submit(tmp_path, everything)) == pytest.approx(0.4 * (4 / 18) / 4)


def test_rows_pair_by_position_not_by_class(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench's Dice compares the file's i-th row with the answers' i-th row: the right masks
    listed in another order score as wrong ones, whatever their class says."""
    ids = ["case1_day1_slice_0001"]
    truth = [(ids[0], "a", "1 2"), (ids[0], "b", "9 3")]
    grader = grader_over(tmp_path, prepared, truth)
    assert grader.score(submit(tmp_path, truth)) == 1.0
    reordered = [truth[1], truth[0]]
    assert grader.score(submit(tmp_path, reordered)) == pytest.approx(0.4 * 0 + 0.6 * 1)


def test_a_day_of_different_sizes_out_of_order_is_refused(prepared: Prepared, tmp_path: Path) -> None:
    """Masks are decoded at the size of the answers' row at their position: a file whose order
    mixes two slices of different sizes fails in MLE-bench, and is refused here."""
    small, large = "case1_day1_slice_0001", "case1_day2_slice_0001"
    rows = [(small, "a", "1 1"), (small, "b", ""), (large, "a", "1 1"), (large, "b", "")]
    pd.DataFrame(rows, columns=["id", "class", "predicted"]).assign(
        image_width=[4, 4, 6, 6], image_height=[4, 4, 6, 6]).to_csv(tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    assert grader.score(submit(tmp_path, rows)) == 1.0
    with pytest.raises(InvalidSubmission, match=f"the rows of id '{small}' sit where the answers hold "
                                                "slices of different sizes"):
        grader.score(submit(tmp_path, [rows[0], rows[2], rows[1], rows[3]]))


@pytest.mark.parametrize(("rle", "reason"), [
    ("1 2 3", "has 3 numbers; expected pairs"),
    ("a 2", "not a whole number"),
    ("0 1", "starts below 1"),
    ("4 2 5 1", "runs overlapping the run before them"),
    ("1 100000", "runs past the image's last pixel"),
])
def test_a_malformed_rle_is_refused_naming_its_row(prepared: Prepared, tmp_path: Path,
                                                   rle: str, reason: str) -> None:
    sample = text(prepared.sample_path)
    sample.loc[4, "predicted"] = rle
    sample.to_csv(tmp_path / "bad.csv", index=False)
    where = f"row 5 \\(id '{sample['id'][4]}'\\)"
    with pytest.raises(InvalidSubmission, match=f"{where}: the run-length encoding .*{reason}"):
        prepared.score(tmp_path / "bad.csv")


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'id'"),
    ("renamed column", "missing columns: 'predicted'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 120 rows"),
    ("extra row", "duplicated ids|wrong row count"),
    ("repeated id", "duplicated ids"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "id", "predicted")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_nan_texts_and_blanks_are_empty_masks(prepared: Prepared, tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)[["id", "class", "predicted"]]
    blank = answers.index[answers["predicted"] == ""][0]
    answers.loc[blank, "predicted"] = "nan"
    answers.to_csv(tmp_path / "nan.csv", index=False)
    assert prepared.score(tmp_path / "nan.csv") == 1.0


def test_the_k_d_tree_finds_scipy_s_directed_hausdorff(prepared: Prepared) -> None:
    """grade.py's farthest() is the distance MLE-bench's scipy call returns, on random volumes."""
    from scipy.spatial.distance import directed_hausdorff

    farthest = prepared.competition.module("grade").farthest
    rng = np.random.default_rng(0)
    for _ in range(20):
        a, b = (np.argwhere(rng.random((5, 9, 7)) < rng.uniform(0.05, 0.6)) / (5, 9, 7) for _ in "ab")
        assert farthest(a, b) == pytest.approx(directed_hausdorff(a, b)[0], abs=1e-12)
