"""OSIC Pulmonary Fibrosis Progression: MLE-bench's split of Kaggle's patients.

Kaggle's test patients were scored on its servers, so MLE-bench holds out 10% of the patients of
train.csv: ``train_test_split(random_state=0)`` over the patients in sorted order (pandas'
groupby), each patient's rows kept together, in the split's order. The public test.csv keeps each
test patient's first visit; the sample submission (and the answers) list every test patient at
every week from the test set's earliest visit to its latest, a Patient_Week each. The patients' CT
folders (DICOM slices) are hard-linked from Kaggle's train/ into train/ or test/; Kaggle's own
test files are not used (its five test patients are training patients).

answers.csv holds, per Patient_Week, the measured FVC (0 where the week has no visit), a
Confidence of 70 (the least the metric counts, so that the answers score the best score), the
Patient, the Weeks and whether the week was Measured: grade.py scores each patient's last three
measured weeks, as MLE-bench's grader does.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.prepare.tabular import split_positions
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
#: What MLE-bench's sample submission predicts everywhere.
SAMPLE_FVC, SAMPLE_CONFIDENCE = "2000", "100"
#: The answers' confidence: the metric raises any smaller one to 70.
ANSWER_CONFIDENCE = "70"


def split_patients(visits: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(train, test) patients in the order MLE-bench's train_test_split lists their groups."""
    patients = sorted(visits["Patient"].unique())
    train, test = split_positions(len(patients), TEST_SIZE, SEED)
    return [patients[i] for i in train], [patients[i] for i in test]


def rows_of(visits: pd.DataFrame, patients: list[str]) -> pd.DataFrame:
    """The patients' rows, patient after patient in the given order, each in file order."""
    rank = pd.Series(range(len(patients)), index=patients)
    chosen = visits[visits["Patient"].isin(patients)]
    return chosen.iloc[rank[chosen["Patient"]].to_numpy().argsort(kind="stable")]


def answers_and_sample(test: pd.DataFrame, patients: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every (patient, week) from the test set's first week to its last: the answers and the sample."""
    weeks = test["Weeks"].astype(int)
    span = range(weeks.min(), weeks.max() + 1)
    grid = pd.DataFrame([(p, w) for p in patients for w in span], columns=["Patient", "Weeks"])
    measured = test.assign(Weeks=weeks)[["Patient", "Weeks", "FVC"]]
    merged = grid.merge(measured, on=["Patient", "Weeks"], how="left")
    patient_week = merged["Patient"] + "_" + merged["Weeks"].astype(str)
    answers = pd.DataFrame({
        "Patient_Week": patient_week, "FVC": merged["FVC"].fillna("0"),
        "Confidence": ANSWER_CONFIDENCE, "Patient": merged["Patient"], "Weeks": merged["Weeks"],
        "Measured": merged["FVC"].notna().astype(int),
    })
    sample = pd.DataFrame({"Patient_Week": patient_week, "FVC": SAMPLE_FVC,
                           "Confidence": SAMPLE_CONFIDENCE})
    return answers, sample


def prepare(raw: Path, public: Path, private: Path) -> None:
    visits = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    train_patients, test_patients = split_patients(visits)
    train, test = rows_of(visits, train_patients), rows_of(visits, test_patients)
    repeated = test[test.duplicated(["Patient", "Weeks"], keep=False)]
    if len(repeated):  # MLE-bench's prepare stops here too (its patients' rows would not line up)
        raise ValueError(f"test patients measured twice in one week: "
                         f"{sorted(set(repeated['Patient'] + '_' + repeated['Weeks']))[:3]}")
    first_visits = test.loc[test["Weeks"].astype(int).groupby(test["Patient"]).idxmin()]
    answers, sample = answers_and_sample(test, test_patients)

    with RawImages(raw, "train") as scans:
        folders = {key.split("/", 1)[0] for key in scans.keys}
        missing = sorted(set(visits["Patient"]) - folders)
        if missing:
            raise FileNotFoundError(f"{scans.path} has no scan folder for patients {missing[:3]}")
        side = {**dict.fromkeys(train_patients, public / "train"),
                **dict.fromkeys(test_patients, public / "test")}
        scans.place({key: side[key.split("/", 1)[0]] / key for key in scans.keys
                     if key.split("/", 1)[0] in side}, "CT scans")

    write_csv(train, public / "train.csv")
    write_csv(first_visits.sort_values("Patient"), public / "test.csv")
    write_csv(sample, public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
