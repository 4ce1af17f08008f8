"""google-quest-challenge: MLE-bench's 90/10 split of Kaggle's train.csv with its swap that keeps
question_type_spelling from being constant, and the mean column-wise Spearman correlation, on
the competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import MakeRaw, Prepared, prepare_all, synthetic, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.grading.grader import Grader

COMPETITION = Competition.from_folder(catalog_root() / "google-quest-challenge")
TARGETS = list(COMPETITION.target_columns)
SPELLING = "question_type_spelling"


def prepare_from(root: Path, make: MakeRaw | None = None) -> Prepared:
    """The competition prepared from its synthetic raw files, changed by ``make`` if given."""
    (root / "raw").mkdir()
    makers = {COMPETITION.id: make or synthetic(COMPETITION.id).build}
    return prepare_all(root / "raw", root / "data", makers)[COMPETITION.id]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_from(tmp_path_factory.mktemp("quest"))



def grader(prepared: Prepared) -> Grader:
    return COMPETITION.grader(prepared.data.answers_path)


def expected_split(kaggle: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """train_test_split(0.1, random_state=0), then MLE-bench's swap when the test's spelling is constant."""
    train, test = (part.reset_index(drop=True)
                   for part in train_test_split(kaggle, test_size=0.1, random_state=0))
    swapped = test[SPELLING].astype(float).nunique() == 1
    if swapped:
        donor = train.index[train[SPELLING].astype(float) != 0][0]
        row = test.loc[0].copy()
        test.loc[0], train.loc[donor] = train.loc[donor], row
    return train, test, swapped


def check_split(prepared: Prepared) -> bool:
    raw, public, private = prepared.raw, prepared.data.public, prepared.data.private
    train, test, swapped = expected_split(text(raw / "train.csv"))
    assert text(public / "train.csv").equals(train)
    assert text(public / "test.csv").equals(test.drop(columns=TARGETS))
    assert text(private / "answers.csv").equals(test[["qa_id", *TARGETS]])
    sample = pd.read_csv(public / "sample_submission.csv")
    assert list(sample.columns) == ["qa_id", *TARGETS]
    assert list(sample["qa_id"].astype(str)) == list(test["qa_id"])
    ramp = np.linspace(0, 1, len(test))
    assert all(np.array_equal(sample[c].to_numpy(), ramp) for c in TARGETS)
    assert text(private / "answers.csv")[SPELLING].astype(float).nunique() > 1
    return swapped


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    check_split(prepared)
    public = prepared.data.public
    assert len(text(public / "train.csv")) == 270 and len(text(public / "test.csv")) == 30
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test.csv", "train.csv"]


@pytest.mark.parametrize("constant", [True, False])
def test_a_constant_spelling_column_is_swapped_away(tmp_path: Path, constant: bool) -> None:
    """Spelling 0 on every held-out row: the first one trades places with the first training row
    whose spelling is not 0. Spelling varied there: nothing is swapped."""
    def make(raw: Path, rng: np.random.Generator) -> None:
        synthetic(COMPETITION.id).build(raw, rng)
        kaggle = text(raw / "train.csv")
        _train, test_rows = train_test_split(np.arange(len(kaggle)), test_size=0.1, random_state=0)
        kaggle[SPELLING] = np.where(np.arange(len(kaggle)) % 3, "0", "0.333333333333333")
        if constant:
            kaggle.loc[test_rows, SPELLING] = "0"
        kaggle.to_csv(raw / "train.csv", index=False)

    assert check_split(prepare_from(tmp_path, make)) is constant


def test_the_sample_is_valid_and_the_answers_score_1(prepared: Prepared) -> None:
    public, private = prepared.data.public, prepared.data.private
    assert -1 < grader(prepared).score(public / "sample_submission.csv") < 1
    assert grader(prepared).score(private / "answers.csv") == 1.0


def test_one_reversed_column_of_30_scores_28_over_30(tmp_path: Path) -> None:
    """By hand: 29 columns ranked right (rho 1) and one reversed (rho -1): (29 - 1) / 30. Rows in
    another order than the answers', columns too."""
    ids = [6, 8, 18, 21]
    answers = pd.DataFrame({"qa_id": ids, **{c: [0.0, 1 / 3, 0.5, 1.0] for c in TARGETS}})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    submission = answers.iloc[::-1].assign(**{TARGETS[3]: [0.6, 0.7, 0.8, 0.9]})  # id 21 lowest
    submission[["qa_id", *TARGETS[::-1]]].to_csv(tmp_path / "submission.csv", index=False)
    score = COMPETITION.grader(tmp_path / "answers.csv").score(tmp_path / "submission.csv")
    assert score == pytest.approx(28 / 30)


def test_only_the_ranks_count(prepared: Prepared, tmp_path: Path) -> None:
    """As in MLE-bench, values outside [0, 1] are scored: Spearman sees their ranks only."""
    sample = pd.read_csv(prepared.data.public / "sample_submission.csv")
    sample.assign(**{c: sample[c] * 10 - 3 for c in TARGETS}).to_csv(tmp_path / "scaled.csv", index=False)
    assert grader(prepared).score(tmp_path / "scaled.csv") == grader(prepared).score(
        prepared.data.public / "sample_submission.csv")


@pytest.mark.parametrize(("change", "reason"), [
    (lambda f: f.iloc[1:], "wrong row count"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "duplicated ids"),
    (lambda f: f.assign(qa_id=[99_999, *f["qa_id"][1:]]), "ids do not match the test set"),
    (lambda f: f.drop(columns=[SPELLING]), "missing columns"),
    (lambda f: f.assign(extra=1), "unexpected columns"),
    (lambda f: f.assign(**{SPELLING: ["nan", *f[SPELLING][1:]]}), "missing or NaN values"),
    (lambda f: f.assign(**{SPELLING: ["", *f[SPELLING][1:]]}), "missing or NaN values"),
    (lambda f: f.assign(**{SPELLING: ["high", *f[SPELLING][1:]]}), "non-numeric values"),
    (lambda f: f.assign(**{SPELLING: ["inf", *f[SPELLING][1:]]}), "infinite values"),
    (lambda f: f.assign(**{SPELLING: 0.5}), "hold a single value"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       change, reason: str) -> None:
    sample = pd.read_csv(prepared.data.public / "sample_submission.csv")
    change(sample).to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (grader(prepared).check(tmp_path / "broken.csv") or "")
