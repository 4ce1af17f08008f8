"""ventilator-pressure-prediction: MLE-bench's split of Kaggle's train.csv by breath and its MAE
over the inspiratory phase, on the competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.grader import Grader

CID = "ventilator-pressure-prediction"
DTYPES = {"id": "int32", "breath_id": "int32", "R": "int8", "C": "int8", "time_step": "float64",
          "u_in": "float64", "u_out": "int8", "pressure": "float64"}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def expected_split(raw_train: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MLE-bench's split recomputed: whole breaths, sorted by breath_id, through
    train_test_split(test_size=0.1, random_state=0); ids renumbered from 1 on each side."""
    kaggle = pd.read_csv(raw_train, dtype=DTYPES)
    groups = [rows.index.tolist() for _, rows in kaggle.groupby("breath_id")]
    train, test = train_test_split(groups, test_size=0.1, random_state=0)
    sides = [kaggle.loc[[i for group in side for i in group]].reset_index(drop=True)
             for side in (train, test)]
    return tuple(side.assign(id=range(1, len(side) + 1)) for side in sides)


def as_mlebench_writes(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, float_format="%.10g", lineterminator="\n")


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public = prepared.data.public
    train, test = expected_split(prepared.raw / "train.csv")
    assert (public / "train.csv").read_text() == as_mlebench_writes(train)
    assert (public / "test.csv").read_text() == as_mlebench_writes(test.drop(columns=["pressure"]))
    assert prepared.data.answers_path.read_text() == as_mlebench_writes(test)
    assert text(public / "sample_submission.csv").equals(
        pd.DataFrame({"id": [str(i) for i in range(1, len(test) + 1)], "pressure": "0"}))
    assert set(train["breath_id"]).isdisjoint(test["breath_id"])
    assert len(test) == 5 * 80 and sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test.csv", "train.csv"]
    # Ten significant digits, as MLE-bench writes them: Kaggle's file has more.
    assert len(text(public / "train.csv")["pressure"].str.replace("-", "").iloc[1]) <= 11


def test_breaths_are_split_in_breath_id_order_whatever_the_file_order(prepared: Prepared,
                                                                     tmp_path: Path) -> None:
    """pandas' groupby sorts the breaths before MLE-bench shuffles them: so does the split here."""
    kaggle = pd.read_csv(prepared.raw / "train.csv", dtype=str)
    breaths = kaggle["breath_id"].unique()
    order = {b: i for i, b in enumerate(np.random.default_rng(5).permutation(breaths))}
    shuffled = kaggle.iloc[np.argsort(kaggle["breath_id"].map(order).to_numpy(), kind="stable")]
    raw, public, private = (tmp_path / name for name in ("raw", "public", "private"))
    for folder in (raw, public, private):
        folder.mkdir()
    shuffled.to_csv(raw / "train.csv", index=False)
    prepared.competition.prepare_into(raw, public, private)
    train, test = expected_split(raw / "train.csv")
    assert (public / "train.csv").read_text() == as_mlebench_writes(train)
    assert (private / "answers.csv").read_text() == as_mlebench_writes(test)
    assert (private / "answers.csv").read_text() == prepared.data.answers_path.read_text()


def perfect(prepared: Prepared) -> pd.DataFrame:
    return text(prepared.data.answers_path)[["id", "pressure"]]


def test_the_answers_score_0_and_the_sample_the_mean_inspiratory_pressure(prepared: Prepared,
                                                                         tmp_path: Path) -> None:
    perfect(prepared).to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 0.0
    answers = pd.read_csv(prepared.data.answers_path)
    inspiratory = answers[answers["u_out"] == 0]
    assert 0 < len(inspiratory) < len(answers)
    expected = inspiratory["pressure"].abs().mean()
    assert prepared.score(prepared.sample_path) == pytest.approx(expected, rel=1e-12)


def test_only_the_inspiratory_rows_are_scored_and_rows_pair_by_id(prepared: Prepared, tmp_path: Path) -> None:
    answers = pd.read_csv(prepared.data.answers_path)
    # Anything at all on the expiratory rows, and the rows in another order: still perfect.
    wild = answers[["id", "pressure"]].copy()
    wild.loc[answers["u_out"] == 1, "pressure"] = 1e6
    wild.iloc[::-1].to_csv(tmp_path / "wild.csv", index=False)
    assert prepared.score(tmp_path / "wild.csv") == 0.0
    # One inspiratory row off by 3 cmH2O: 3 over the number of inspiratory rows.
    off = answers[["id", "pressure"]].copy()
    first = int(np.flatnonzero(answers["u_out"] == 0)[0])
    off.loc[first, "pressure"] += 3
    off.to_csv(tmp_path / "off.csv", index=False)
    assert prepared.score(tmp_path / "off.csv") == pytest.approx(3 / int((answers["u_out"] == 0).sum()))


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    answers = pd.DataFrame({"id": [1, 2, 3, 4, 5], "breath_id": 7, "R": 20, "C": 50,
                            "time_step": [0.0, 0.03, 0.07, 0.1, 0.13], "u_in": 10.0,
                            "u_out": [0, 0, 1, 0, 1], "pressure": [5.0, 10.0, 20.0, 8.0, 6.0]})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    pd.DataFrame({"id": [5, 4, 3, 2, 1], "pressure": [0.0, 9.5, -100.0, 12.0, 4.0]}).to_csv(
        tmp_path / "submission.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    # Rows 1, 2 and 4 are inspiratory: |4 - 5|, |12 - 10|, |9.5 - 8|.
    assert grader.score(tmp_path / "submission.csv") == pytest.approx((1 + 2 + 1.5) / 3)


def test_answers_without_an_inspiratory_row_are_the_harness_s_error(prepared: Prepared,
                                                                     tmp_path: Path) -> None:
    answers = pd.DataFrame({"id": [1, 2], "breath_id": 7, "R": 5, "C": 10, "time_step": [0.0, 0.03],
                            "u_in": 0.0, "u_out": 1, "pressure": [5.0, 6.0]})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    pd.DataFrame({"id": [1, 2], "pressure": [5.0, 6.0]}).to_csv(tmp_path / "submission.csv", index=False)
    grader: Grader = prepared.competition.grader(tmp_path / "answers.csv")
    with pytest.raises(ValueError, match="no inspiratory row"):
        grader.score(tmp_path / "submission.csv")


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'pressure'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'pressure' has 1 missing or NaN values"),
    ("NaN value", "column 'pressure' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 400 rows"),
    ("extra row", "wrong row count: expected 400 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "id", "pressure")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "broken.csv")
                      or "")


def test_a_non_numeric_pressure_is_invalid(prepared: Prepared, tmp_path: Path) -> None:
    broken = perfect(prepared).assign(pressure=["high", *perfect(prepared)["pressure"][1:]])
    broken.to_csv(tmp_path / "broken.csv", index=False)
    reason = prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "broken.csv") or ""
    assert "column 'pressure' has 1 non-numeric values: id '1' = 'high'" in reason
