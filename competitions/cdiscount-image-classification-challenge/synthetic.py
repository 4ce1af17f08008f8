"""Cdiscount's Image Classification Challenge: Kaggle's train.bson (7,069,896 products, 58 GB),
test.bson (1,768,182 products, 14 GB) and train_example.bson (train.bson's first 100
products): a BSON document per product, ``{"_id": int32, "category_id": int32, "imgs":
[{"picture": <JPEG bytes, binary subtype 0>}, ...]}`` with one to four 180 x 180 pictures
(tiny ones here), test.bson's without category_id. Train and test ids interleave in one
ascending sequence. category_names.csv (category_id, category_level1, category_level2,
category_level3: 5,270 ten-digit categories, in French) and sample_submission.csv (_id,
category_id, every row 1000010653)."""

from __future__ import annotations

from pathlib import Path

import bson
import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, write_file

TRAIN, TEST, CATEGORIES = 400, 80, 12
SAMPLE_CATEGORY = 1000010653
LEVEL1 = ["ABONNEMENT / SERVICES", "AUTO - MOTO", "INFORMATIQUE", "TELEPHONIE - GPS"]


def category_ids(rng: np.random.Generator, n: int) -> list[int]:
    """Ten-digit ids like Kaggle's, the sample submission's among them."""
    others = rng.choice(np.arange(1000000271, 1000023760), n - 1, replace=False)
    return sorted({SAMPLE_CATEGORY, *map(int, others)})


def product(rng: np.random.Generator, product_id: int, category: int | None) -> bytes:
    pictures = [{"picture": photo(rng)} for _ in range(int(rng.integers(1, 5)))]
    fields = {"_id": product_id} | ({} if category is None else {"category_id": category})
    return bson.encode(fields | {"imgs": pictures})


def build(raw: Path, rng: np.random.Generator) -> None:
    categories = category_ids(rng, CATEGORIES)
    names = pd.DataFrame({"category_id": categories,
                          "category_level1": rng.choice(LEVEL1, CATEGORIES),
                          "category_level2": [f"RAYON {i}" for i in range(CATEGORIES)],
                          "category_level3": [f"ARTICLE {i}" for i in range(CATEGORIES)]})
    names.to_csv(raw / "category_names.csv", index=False)
    # One ascending run of ids, some of them gaps, dealt to train and test at random.
    ids = np.sort(rng.choice(np.arange(2 * (TRAIN + TEST)), TRAIN + TEST, replace=False))
    in_test = np.zeros(len(ids), dtype=bool)
    in_test[rng.choice(len(ids), TEST, replace=False)] = True
    train = [product(rng, int(i), int(rng.choice(categories))) for i in ids[~in_test]]
    write_file(raw / "train.bson", b"".join(train))
    write_file(raw / "train_example.bson", b"".join(train[:100]))
    write_file(raw / "test.bson", b"".join(product(rng, int(i), None) for i in ids[in_test]))
    pd.DataFrame({"_id": ids[in_test], "category_id": SAMPLE_CATEGORY}).to_csv(
        raw / "sample_submission.csv", index=False)
