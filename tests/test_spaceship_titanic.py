"""spaceship-titanic (dev): MLE-bench's 90/10 split of Kaggle's train.csv and its reading of
True/False, on the competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from competition_checks import text
from sklearn.model_selection import train_test_split

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Registry
from pytest_mlebench.data.synthetic import build_raw
from pytest_mlebench.grading.grader import Grader

REGISTRY = Registry()
REGISTRY.add_catalog(catalog_root())
COMPETITION = REGISTRY.competitions["spaceship-titanic"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("spaceship")
    raw = build_raw(COMPETITION, root / "raw")
    public, private = root / "public", root / "private"
    public.mkdir()
    private.mkdir()
    COMPETITION.prepare_into(raw, public, private)
    return raw, public, private



def grader(prepared: tuple[Path, Path, Path]) -> Grader:
    return COMPETITION.grader(prepared[2] / "answers.csv")


def test_the_split_is_mlebench_s(prepared: tuple[Path, Path, Path]) -> None:
    raw, public, private = prepared
    kaggle = text(raw / "train.csv")
    train, test = train_test_split(kaggle, test_size=0.1, random_state=0)
    assert text(public / "train.csv").equals(train.reset_index(drop=True))
    assert text(public / "test.csv").equals(test.drop(columns=["Transported"]).reset_index(drop=True))
    answers = text(private / "answers.csv")
    assert answers.equals(test[["PassengerId", "Transported"]].reset_index(drop=True))
    assert len(answers) == 30 and sorted(p.name for p in public.iterdir()) == [
        "sample_submission.csv", "test.csv", "train.csv"]


def test_the_sample_is_valid_and_the_answers_score_1(prepared: tuple[Path, Path, Path]) -> None:
    _raw, public, private = prepared
    assert 0 <= grader(prepared).score(public / "sample_submission.csv") < 1
    assert grader(prepared).score(private / "answers.csv") == 1.0


def test_values_are_compared_as_pandas_reads_them(prepared: tuple[Path, Path, Path],
                                                  tmp_path: Path) -> None:
    """As in MLE-bench: "true" is True, and a 0/1 column compares equal to the booleans."""
    answers = text(prepared[2] / "answers.csv")
    lower = answers.assign(Transported=answers["Transported"].str.lower())
    lower.to_csv(tmp_path / "lower.csv", index=False)
    numbers = answers.assign(Transported=(answers["Transported"] == "True").astype(int))
    numbers.to_csv(tmp_path / "numbers.csv", index=False)
    assert grader(prepared).score(tmp_path / "lower.csv") == 1.0
    assert grader(prepared).score(tmp_path / "numbers.csv") == 1.0
    # 2 of 30 wrong, by hand: 28/30.
    wrong = answers.copy()
    wrong.loc[[0, 1], "Transported"] = ["False" if v == "True" else "True" for v in wrong["Transported"][:2]]
    wrong.to_csv(tmp_path / "wrong.csv", index=False)
    assert grader(prepared).score(tmp_path / "wrong.csv") == pytest.approx(28 / 30)


@pytest.mark.parametrize(("change", "reason"), [
    (lambda f: f.assign(Transported=["maybe", *f["Transported"][1:]]), "cannot be compared"),
    (lambda f: f.iloc[1:], "wrong row count"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "duplicated ids"),
    (lambda f: f.assign(Transported=["", *f["Transported"][1:]]), "empty labels"),
    (lambda f: f.rename(columns={"Transported": "transported"}), "missing columns"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: tuple[Path, Path, Path], tmp_path: Path,
                                                       change, reason: str) -> None:
    change(text(prepared[2] / "answers.csv")).to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (grader(prepared).check(tmp_path / "broken.csv") or "")
