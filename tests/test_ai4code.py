"""AI4Code: MLE-bench's split of Kaggle's notebooks by families of forks, and Kendall tau over cell
orders pooled across notebooks, on the competition's own synthetic raw files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, prepare_all, synthetic, text

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.grading.grader import Grader

COMPETITION = Competition.from_folder(catalog_root() / "AI4Code")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    makers = {COMPETITION.id: synthetic(COMPETITION.id).build}
    raw, data = tmp_path_factory.mktemp("raw"), tmp_path_factory.mktemp("data")
    return prepare_all(raw, data, makers)[COMPETITION.id]



def grader(prepared: Prepared) -> Grader:
    return COMPETITION.grader(prepared.data.answers_path)


def expected_test_ids(ancestors: pd.DataFrame, size: int) -> tuple[pd.DataFrame, set[str]]:
    """MLE-bench's rule, written out: rows shuffled by RandomState(0), families taken in the
    order they first appear while they fit."""
    shuffled = ancestors.iloc[np.random.RandomState(0).permutation(len(ancestors))].reset_index(drop=True)
    families: dict[str, list[str]] = {}
    for notebook, ancestor in zip(shuffled["id"], shuffled["ancestor_id"], strict=True):
        families.setdefault(ancestor, []).append(notebook)
    test: list[str] = []
    for members in families.values():
        if len(test) + len(members) <= size:
            test += members
    return shuffled, set(test)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public, private = prepared.raw, prepared.data.public, prepared.data.private
    ancestors = text(raw / "train_ancestors.csv")
    # 210 notebooks: Kaggle's share of held-out notebooks, 20,000 of 139,256, is 30.
    shuffled, test_ids = expected_test_ids(ancestors, 30)
    assert len(test_ids) == 30
    assert {p.stem for p in (public / "test").iterdir()} == test_ids
    assert {p.stem for p in (public / "train").iterdir()} == set(ancestors["id"]) - test_ids
    orders = text(raw / "train_orders.csv")
    held = orders["id"].isin(test_ids)
    assert text(private / "answers.csv").equals(orders[held].reset_index(drop=True))
    assert text(public / "train_orders.csv").equals(orders[~held].reset_index(drop=True))
    assert text(public / "train_ancestors.csv").equals(
        shuffled[~shuffled["id"].isin(test_ids)].reset_index(drop=True))
    for notebook in test_ids:  # the files are Kaggle's, unchanged
        kaggle = raw / "train" / f"{notebook}.json"
        assert (public / "test" / kaggle.name).read_bytes() == kaggle.read_bytes()
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test", "train", "train_ancestors.csv", "train_orders.csv"]


def test_kaggle_s_139256_notebooks_hold_out_20000() -> None:
    prepare = COMPETITION.module("prepare")
    assert prepare.held_out_count(139_256) == 20_000
    assert prepare.held_out_count(210) == 30


def test_the_sample_keeps_each_file_s_order(prepared: Prepared) -> None:
    public, private = prepared.data.public, prepared.data.private
    sample = text(public / "sample_submission.csv")
    assert list(sample["id"]) == list(text(private / "answers.csv")["id"])
    for notebook, order in zip(sample["id"], sample["cell_order"], strict=True):
        cells = json.loads((public / "test" / f"{notebook}.json").read_text())["cell_type"]
        assert order == " ".join(cells)


def test_the_sample_is_valid_and_the_answers_score_1(prepared: Prepared) -> None:
    public, private = prepared.data.public, prepared.data.private
    assert -1 < grader(prepared).score(public / "sample_submission.csv") < 1
    assert grader(prepared).score(private / "answers.csv") == 1.0


def test_swaps_are_pooled_over_notebooks(tmp_path: Path) -> None:
    """By hand: "c b a" needs 3 swaps of n(n-1) = 6, "x y" none of 2: 1 - 4 * 3 / 8 = -0.5
    (the mean of the notebooks' own taus, -1 and 1, would be 0). Rows in another order, and
    cells split on any whitespace, as MLE-bench splits them."""
    answers = tmp_path / "answers.csv"
    pd.DataFrame({"id": ["n1", "n2"], "cell_order": ["a b c", "x y"]}).to_csv(answers, index=False)
    submission = tmp_path / "submission.csv"
    pd.DataFrame({"id": ["n2", "n1"], "cell_order": ["x  y", "c b a "]}).to_csv(submission, index=False)
    assert COMPETITION.grader(answers).score(submission) == pytest.approx(-0.5)


def test_one_adjacent_swap_costs_4_over_the_pooled_pairs(prepared: Prepared,
                                                         tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    cells = answers.loc[0, "cell_order"].split()
    cells[0], cells[1] = cells[1], cells[0]
    answers.loc[0, "cell_order"] = " ".join(cells)
    answers.to_csv(tmp_path / "swapped.csv", index=False)
    n = answers["cell_order"].str.split().str.len()
    assert grader(prepared).score(tmp_path / "swapped.csv") == pytest.approx(1 - 4 / (n * (n - 1)).sum())


def first_order(frame: pd.DataFrame, change) -> pd.DataFrame:
    cells = frame.loc[0, "cell_order"].split()
    return frame.assign(cell_order=[change(cells), *frame["cell_order"][1:]])


@pytest.mark.parametrize(("change", "reason"), [
    (lambda f: f.iloc[1:], "wrong row count"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "duplicated ids"),
    (lambda f: f.assign(id=["0" * 14, *f["id"][1:]]), "ids do not match the test set"),
    (lambda f: f.rename(columns={"cell_order": "order"}), "missing columns"),
    (lambda f: f.assign(extra=1), "unexpected columns"),
    (lambda f: f.assign(cell_order=["", *f["cell_order"][1:]]), "lists 0 cells"),
    (lambda f: f.assign(cell_order=["nan", *f["cell_order"][1:]]), "lists 1 cells"),
    (lambda f: first_order(f, lambda c: " ".join(c[:-1])), "lists"),
    (lambda f: first_order(f, lambda c: " ".join([c[0], *c[:-1]])), "repeats cells"),
    (lambda f: first_order(f, lambda c: " ".join(["ffffffff", *c[1:]])), "lacks, ['ffffffff']"),
    (lambda f: first_order(f, lambda c: ",".join(c)), "lists 1 cells"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       change, reason: str) -> None:
    change(text(prepared.data.public / "sample_submission.csv")).to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (grader(prepared).check(tmp_path / "broken.csv") or "")
