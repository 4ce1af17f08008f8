"""osic-pulmonary-fibrosis-progression: MLE-bench's split of Kaggle's patients (10%, whole patients,
their DICOM scans with them) and its modified Laplace log likelihood over each test patient's last
three visits, on the competition's own synthetic raw files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pydicom
import pytest
from competition_checks import Prepared, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "osic-pulmonary-fibrosis-progression"
ID, TARGETS = "Patient_Week", ["FVC", "Confidence"]
BEST = -math.log(70 * math.sqrt(2))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def laplace(truth: float, predicted: float, confidence: float) -> float:
    """One row's score, written out from Kaggle's definition."""
    sigma = max(confidence, 70)
    return -math.sqrt(2) * min(abs(truth - predicted), 1000) / sigma - math.log(math.sqrt(2) * sigma)


def mlebench_split(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MLE-bench's split, computed its way: train_test_split over pandas' groups of patients."""
    visits = text(raw / "train.csv")
    train, test = train_test_split(list(visits.groupby("Patient")), test_size=0.1, random_state=0)
    return (pd.concat([group for _, group in train]).reset_index(drop=True),
            pd.concat([group for _, group in test]).reset_index(drop=True))


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public = prepared.data.public
    train, test = mlebench_split(prepared.raw)
    assert text(public / "train.csv").equals(train)
    first = test.assign(w=test["Weeks"].astype(int)).sort_values("w").groupby("Patient").first()
    assert text(public / "test.csv").equals(first.reset_index().drop(columns="w"))
    assert set(train["Patient"]).isdisjoint(test["Patient"]) and test["Patient"].nunique() == 6

    weeks = test["Weeks"].astype(int)
    grid = [f"{p}_{w}" for p in test["Patient"].unique() for w in range(weeks.min(), weeks.max() + 1)]
    sample = text(public / "sample_submission.csv")
    assert sample.equals(pd.DataFrame({ID: grid, "FVC": "2000", "Confidence": "100"}))
    answers = prepared.answers
    assert answers[ID].tolist() == grid and (answers["Confidence"] == "70").all()
    measured = answers[answers["Measured"] == "1"]
    truth = dict(zip(test["Patient"] + "_" + test["Weeks"], test["FVC"], strict=True))
    assert dict(zip(measured[ID], measured["FVC"], strict=True)) == truth
    assert (answers.loc[answers["Measured"] == "0", "FVC"] == "0").all()
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test", "test.csv", "train", "train.csv"]


def test_scans_are_linked_whole_patient_by_patient(prepared: Prepared) -> None:
    public = prepared.data.public
    train, test = mlebench_split(prepared.raw)
    for side, patients in (("train", train["Patient"]), ("test", test["Patient"])):
        assert sorted(p.name for p in (public / side).iterdir()) == sorted(set(patients))
        for folder in (public / side).iterdir():
            kaggle = prepared.raw / "train" / folder.name
            assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in kaggle.iterdir())
            for dcm in folder.iterdir():
                assert dcm.stat().st_ino == (kaggle / dcm.name).stat().st_ino
    scan = pydicom.dcmread(next((public / "test" / test["Patient"][0]).iterdir()))
    assert scan.PatientID == test["Patient"][0] and scan.pixel_array.shape == (4, 4)


def test_the_sample_scores_its_hand_computed_value(prepared: Prepared) -> None:
    answers = prepared.answers
    measured = answers[answers["Measured"] == "1"].assign(w=lambda f: f["Weeks"].astype(int))
    last = measured.sort_values("w").groupby("Patient").tail(3)
    assert len(last) == 18
    expected = np.mean([laplace(float(y), 2000, 100) for y in last["FVC"]])
    assert prepared.score(prepared.sample_path) == pytest.approx(expected, rel=1e-12)


def test_the_answers_score_the_best_possible_score(prepared: Prepared, tmp_path: Path) -> None:
    prepared.answers[[ID, *TARGETS]].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == pytest.approx(BEST, rel=1e-12)
    assert round(BEST, 5) == -4.59507


def by_hand(prepared: Prepared, folder: Path) -> Grader:
    """Two patients over weeks 0-5: A measured at weeks 0, 1, 2, 4 and 5, B at weeks 1 and 3."""
    measured = {("A", 0): 3000, ("A", 1): 2900, ("A", 2): 2800, ("A", 4): 2700, ("A", 5): 2600,
                ("B", 1): 1500, ("B", 3): 1450}
    rows = [(f"{p}_{w}", measured.get((p, w), 0), 70, p, w, int((p, w) in measured))
            for p in "AB" for w in range(6)]
    pd.DataFrame(rows, columns=[ID, *TARGETS, "Patient", "Weeks", "Measured"]).to_csv(
        folder / "answers.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv")


def submit(folder: Path, rows: dict[str, tuple[float, float]]) -> Path:
    """Every Patient_Week of the hand case, at (FVC, Confidence) from ``rows`` or (0, 100)."""
    ids = [f"{p}_{w}" for p in "AB" for w in range(6)]
    values = [rows.get(i, (0.0, 100.0)) for i in ids]
    path = folder / "submission.csv"
    pd.DataFrame({ID: ids, "FVC": [v[0] for v in values], "Confidence": [v[1] for v in values]}
                 ).to_csv(path, index=False)
    return path


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Only A's weeks 2, 4, 5 and both of B's count; confidence is raised to 70, errors cut at 1000."""
    grader = by_hand(prepared, tmp_path)
    rows = {"A_2": (2850, 50),     # sigma 50 counts as 70
            "A_4": (2700, -5),     # a negative confidence too
            "A_5": (5000, 300),    # an error of 2400 counts as 1000
            "B_1": (1500, 70),
            "B_3": (1400, 120)}
    expected = np.mean([laplace(2800, 2850, 70), laplace(2700, 2700, 70), laplace(2600, 3600, 300),
                        laplace(1500, 1500, 70), laplace(1450, 1400, 120)])
    assert grader.score(submit(tmp_path, rows)) == pytest.approx(expected, rel=1e-12)
    # A's first two visits and every unmeasured week are ignored, whatever is predicted there.
    ignored = {"A_0": (-1e9, 1e-3), "A_1": (7, 7), "A_3": (1e6, 1), "B_0": (0, 0), "B_5": (1, 1e9)}
    assert grader.score(submit(tmp_path, {**rows, **ignored})) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'Patient_Week'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'FVC'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'FVC' has 1 missing or NaN values"),
    ("NaN value", "column 'FVC' has 1 missing or NaN values"),
    ("missing row", "wrong row count"),
    ("extra row", "wrong row count"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score_broken_sample(kind, tmp_path)


def test_a_missing_confidence_is_invalid(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench fills it with 0 (then 70); here it is refused, as any missing value."""
    with pytest.raises(InvalidSubmission, match="column 'Confidence' has 1 missing or NaN values"):
        prepared.score_broken_sample("blank value", tmp_path, target_index=1)
    sample = text(prepared.sample_path)
    sample.assign(FVC=["2000 ml", *sample["FVC"][1:]]).to_csv(tmp_path / "unit.csv", index=False)
    with pytest.raises(InvalidSubmission, match="column 'FVC' has 1 non-numeric values"):
        prepared.score(tmp_path / "unit.csv")


def test_a_test_patient_measured_twice_in_a_week_stops_the_prepare(prepared: Prepared,
                                                                    tmp_path: Path) -> None:
    """MLE-bench's prepare stops on its row-count assertion; Kaggle's repeated weeks are training
    patients' (the synthetic file has one, on the training side)."""
    visits = text(prepared.raw / "train.csv")
    assert visits.duplicated(["Patient", "Weeks"]).sum() == 1
    _, test = mlebench_split(prepared.raw)
    raw = tmp_path / "raw"
    raw.mkdir()
    pd.concat([visits, test.iloc[[1]]]).to_csv(raw / "train.csv", index=False)
    with pytest.raises(ValueError, match=f"test patients measured twice in one week: "
                                         f"\\['{test['Patient'][1]}_{test['Weeks'][1]}'\\]"):
        prepared.competition.prepare_into(raw, tmp_path, tmp_path)
