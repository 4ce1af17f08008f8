"""bms-molecular-translation: MLE-bench's 80/20 split of the labelled images (hard-linked in their
three-level folders) and its mean Levenshtein grader, on the competition's synthetic raw files."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.levenshtein import as_pandas_reads, as_str
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "bms-molecular-translation"
WATER = "InChI=1S/H2O/h1H2"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)



def nested(image_id: str) -> str:
    return f"{image_id[0]}/{image_id[1]}/{image_id[2]}/{image_id}.png"


def edit_distance(a: str, b: str) -> int:
    """The textbook dynamic programme, to check the library's distance against."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    labels = text(raw / "train_labels.csv")
    train, test = train_test_split(labels, test_size=0.2, random_state=0)
    assert text(public / "train_labels.csv").equals(train.reset_index(drop=True))
    assert prepared.answers.equals(test.reset_index(drop=True))
    assert text(public / "sample_submission.csv").equals(test.assign(InChI=WATER).reset_index(drop=True))
    extra = "extra_approved_InChIs.csv"
    assert (public / extra).read_bytes() == (raw / extra).read_bytes()
    assert len(test) == 12 and len(train) == 48
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "extra_approved_InChIs.csv", "sample_submission.csv", "test", "train",
        "train_labels.csv"]


def test_images_are_hard_linked_in_kaggle_s_folders(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test = text(public / "train_labels.csv"), prepared.answers
    for side, ids in (("train", train["image_id"]), ("test", test["image_id"])):
        placed = sorted(str(p.relative_to(public / side)) for p in (public / side).rglob("*.png"))
        assert placed == sorted(nested(i) for i in ids)
        for image_id in ids:
            assert os.path.samefile(public / side / nested(image_id), raw / "train" / nested(image_id))
    kaggle_test = {p.name for p in (raw / "test").rglob("*.png")}
    assert not kaggle_test & {p.name for p in public.rglob("*.png")}


def test_the_sample_is_valid_and_the_answers_score_0(prepared: Prepared) -> None:
    assert prepared.score(prepared.data.answers_path) == 0.0
    truth = prepared.answers["InChI"]
    expected = np.mean([edit_distance(t, WATER) for t in truth])
    assert prepared.score(prepared.sample_path) == pytest.approx(expected)


def test_a_hand_computed_score(prepared: Prepared, tmp_path: Path) -> None:
    answers = prepared.answers
    edited = answers.copy()
    edited.loc[0, "InChI"] = edited.loc[0, "InChI"][:-1]      # one deletion
    edited.loc[1, "InChI"] = edited.loc[1, "InChI"] + "/b2-"  # four insertions
    edited.loc[2, "InChI"] = "InChI=1S/CH4/h1H4" if answers.loc[2, "InChI"] == WATER else WATER
    edited.iloc[::-1].to_csv(tmp_path / "edited.csv", index=False)
    third = edit_distance(answers.loc[2, "InChI"], edited.loc[2, "InChI"])
    assert edit_distance("kitten", "sitting") == 3
    assert prepared.score(tmp_path / "edited.csv") == pytest.approx((1 + 4 + third) / len(answers))


@pytest.mark.parametrize("value", ["", "NA", "null", "nan", "None"])
def test_a_cell_pandas_reads_as_missing_is_compared_as_nan(prepared: Prepared, tmp_path: Path,
                                                          value: str) -> None:
    """MLE-bench writes the NaN pandas makes of these back as the text "nan"."""
    answers = prepared.answers
    answers.assign(InChI=[value, *answers["InChI"][1:]]).to_csv(tmp_path / "sub.csv", index=False)
    expected = edit_distance(answers.loc[0, "InChI"], "nan") / len(answers)
    assert prepared.score(tmp_path / "sub.csv") == pytest.approx(expected)


def test_a_column_of_numbers_is_compared_as_pandas_prints_them(prepared: Prepared, tmp_path: Path) -> None:
    answers = prepared.answers
    answers.assign(InChI="1.50").to_csv(tmp_path / "sub.csv", index=False)
    expected = np.mean([edit_distance(t, "1.5") for t in answers["InChI"]])
    assert prepared.score(tmp_path / "sub.csv") == pytest.approx(expected)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns"),
    ("extra column", "unexpected columns"),
    ("missing row", "wrong row count"),
    ("extra row", "wrong row count"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score_broken_sample(kind, tmp_path)


def test_an_unknown_id_is_named(prepared: Prepared, tmp_path: Path) -> None:
    sample = text(prepared.sample_path)
    sample.loc[0, "image_id"] = "ffffffffffff"
    sample.to_csv(tmp_path / "sub.csv", index=False)
    with pytest.raises(InvalidSubmission, match="'ffffffffffff'"):
        prepared.score(tmp_path / "sub.csv")


@pytest.mark.parametrize("cells", [
    ["InChI=1S/H2O/h1H2", "InChI=1S/CH4/h1H4"], ["InChI=1S/H2O/h1H2", "NA", ""], ["1.50", "2"],
    ["true", "False"], ["1.5", "x"], [" 1", "2 "], ["inf", "-1e3"], ["nan", "1"], ["None", "null"],
])
def test_cells_are_written_back_as_mlebench_s_pandas_reading_makes_them(cells: list[str]) -> None:
    """As a file of ``image_id,InChI`` read by pandas, then ``astype(str)`` (pandas 2's)."""
    body = "".join(f'{i},"{cell}"\n' for i, cell in enumerate(cells))
    read = pd.read_csv(io.StringIO("image_id,InChI\n" + body))["InChI"].to_numpy(dtype=object)
    expected = ["nan" if isinstance(v, float) and np.isnan(v) else str(v) for v in read]
    assert as_str(as_pandas_reads(pd.Series(cells, dtype="str"))) == expected
