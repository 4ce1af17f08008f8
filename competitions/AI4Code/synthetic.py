"""AI4Code: Kaggle's extracted download, small. One JSON file per notebook in train/ (and four in
test/), named by a 14-hex-digit id, cells keyed by 8-hex-digit ids: code cells in order, then
the markdown cells shuffled; train_orders.csv with the true orders, train_ancestors.csv with
families of forks (parents often unknown), and the sample submission of the test examples."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids, text, write_file

N_TRAIN, N_TEST = 210, 4
CODE = ["import pandas as pd", "df = pd.read_csv('../input/train.csv')", "df.head()",
        "model.fit(X, y)\nprint(\"done\")", "for i in range(3):\n    print(i, 'é')"]


def notebook(rng: np.random.Generator) -> tuple[dict[str, dict[str, str]], str]:
    """A notebook file's content (Kaggle's layout) and its true cell order."""
    n_code, n_markdown = int(rng.integers(1, 8)), int(rng.integers(1, 5))
    cells = list(dict.fromkeys(hex_ids(rng, n_code + n_markdown + 4, 8)))[: n_code + n_markdown]
    code, markdown = cells[:n_code], cells[n_code:]
    slots = np.sort(rng.integers(0, n_code + 1, n_markdown))  # where each markdown cell goes
    order = list(code)
    for k, (slot, cell) in enumerate(zip(slots, markdown, strict=True)):
        order.insert(int(slot) + k, cell)
    in_file = code + list(rng.permutation(markdown))
    kinds = {cell: "code" if cell in code else "markdown" for cell in in_file}
    sources = {cell: str(rng.choice(CODE)) if kinds[cell] == "code" else f"## {text(rng, 5)}"
               for cell in in_file}
    return {"cell_type": kinds, "source": sources}, " ".join(order)


def families(rng: np.random.Generator, ids: list[str]) -> pd.DataFrame:
    """Forks grouped under an ancestor, most notebooks alone; a parent may be absent from the data."""
    rows, start = [], 0
    while start < len(ids):
        size = int(min(rng.choice([1, 1, 1, 2, 3, 6]), len(ids) - start))
        ancestor = hex_ids(rng, 1, 8)[0]
        members = ids[start:start + size]
        for k, member in enumerate(members):
            if k:
                parent = members[int(rng.integers(0, k))]
            else:  # a root forked from a notebook outside the data, or from none
                parent = hex_ids(rng, 1, 14)[0] if rng.random() < 0.2 else ""
            rows.append((member, ancestor, parent))
        start += size
    frame = pd.DataFrame(rows, columns=["id", "ancestor_id", "parent_id"])
    return frame.sort_values("id", ignore_index=True)


def write_notebook(folder: Path, notebook_id: str, content: dict[str, dict[str, str]]) -> None:
    write_file(folder / f"{notebook_id}.json", json.dumps(content, separators=(",", ":")))


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = sorted(set(hex_ids(rng, N_TRAIN + N_TEST + 10, 14)))
    rng.shuffle(ids)
    train_ids, test_ids = sorted(ids[:N_TRAIN]), sorted(ids[N_TRAIN:N_TRAIN + N_TEST])
    orders = []
    for notebook_id in train_ids:
        content, order = notebook(rng)
        write_notebook(raw / "train", notebook_id, content)
        orders.append((notebook_id, order))
    sample = []
    for notebook_id in test_ids:
        content, _order = notebook(rng)
        write_notebook(raw / "test", notebook_id, content)
        sample.append((notebook_id, " ".join(content["cell_type"])))
    (raw / "train_orders.csv").write_bytes(csv_bytes(pd.DataFrame(orders, columns=["id", "cell_order"])))
    (raw / "train_ancestors.csv").write_bytes(csv_bytes(families(rng, list(rng.permutation(train_ids)))))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(pd.DataFrame(sample, columns=["id", "cell_order"])))
