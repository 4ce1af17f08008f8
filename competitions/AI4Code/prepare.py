"""AI4Code: MLE-bench's split of Kaggle's training notebooks (its test notebooks were never released).

MLE-bench holds out 20,000 of Kaggle's 139,256 training notebooks, whole families of forks
at a time, so that no test notebook has a relative in train: train_ancestors.csv is
shuffled (``sample(frac=1, random_state=0)``), its rows are grouped by ``ancestor_id`` in
the order each ancestor first appears, and each group in turn joins the test side if it
still fits in 20,000 (a group that does not fit goes to train, and smaller groups after
it may still fill the test side). A raw set too small for that (the synthetic one) holds
out the same share of its notebooks instead.

Kaggle's notebook files have the code cells in order and the markdown cells shuffled after
them; they are hard-linked unchanged. train_orders.csv and the answers keep Kaggle's row
order, train_ancestors.csv the shuffled one, and the sample submission lists each test
notebook's cells as its file has them (no reordering).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pytest_mlebench.data.prepare.files import progress, write_csv
from pytest_mlebench.data.prepare.images import place_split
from pytest_mlebench.data.store import ANSWERS

SEED = 0
TEST_NOTEBOOKS = 20_000
KAGGLE_NOTEBOOKS = 139_256


def held_out_count(n_notebooks: int) -> int:
    """MLE-bench's 20,000 on Kaggle's data; Kaggle's share of a set below twice that."""
    if n_notebooks > 2 * TEST_NOTEBOOKS:
        return TEST_NOTEBOOKS
    return max(1, round(n_notebooks * TEST_NOTEBOOKS / KAGGLE_NOTEBOOKS))


def held_out(ancestors: pd.DataFrame, size: int) -> set[str]:
    """The notebooks of the families that fit, in turn, into ``size`` test notebooks."""
    test: set[str] = set()
    for _, family in ancestors.groupby("ancestor_id", sort=False)["id"]:
        if len(test) + len(family) <= size:
            test.update(family)
    if len(test) != size:
        raise ValueError(f"the families of train_ancestors.csv fill {len(test)} test notebooks, "
                         f"not {size}")
    return test


def cell_order_of_file(path: Path) -> str:
    """The notebook's cell ids in the order its file lists them."""
    with open(path, encoding="utf-8") as fh:
        return " ".join(json.load(fh)["cell_type"])


def prepare(raw: Path, public: Path, private: Path) -> None:
    ancestors = pd.read_csv(raw / "train_ancestors.csv", dtype=str, keep_default_na=False)
    ancestors = ancestors.sample(frac=1, random_state=SEED).reset_index(drop=True)
    test_ids = held_out(ancestors, held_out_count(len(ancestors)))
    in_test = ancestors["id"].isin(test_ids)
    train, test = ancestors[~in_test], ancestors[in_test]
    place_split(raw, "train", "notebooks", ".json",
                [(train["id"], public / "train"), (test["id"], public / "test")])

    orders = pd.read_csv(raw / "train_orders.csv", dtype=str, keep_default_na=False)
    test_orders = orders[orders["id"].isin(test_ids)]
    write_csv(orders[~orders["id"].isin(test_ids)], public / "train_orders.csv")
    write_csv(test_orders, private / ANSWERS)
    write_csv(train, public / "train_ancestors.csv")

    cell_orders = []
    with progress("sample submission", len(test_orders)) as advance:
        for notebook in test_orders["id"]:
            cell_orders.append(cell_order_of_file(public / "test" / f"{notebook}.json"))
            advance()
    write_csv(pd.DataFrame({"id": test_orders["id"].to_numpy(), "cell_order": cell_orders}),
              public / "sample_submission.csv")
