"""Cdiscount's Image Classification Challenge: MLE-bench's split of Kaggle's train.bson.

Kaggle never released its test labels, so MLE-bench holds out 10% of the products of
train.bson (train_test_split, random_state=0, over the file's products in order) as the new
test set. public/train.bson keeps the other products and public/test.bson the held-out ones
without their category_id, both in the file's order; public/train_example.bson is the first
100 products of the new train.bson; category_names.csv is shipped as it is; Kaggle's
test.bson, train_example.bson and sample submission are dropped. The answers (_id,
category_id) are sorted by _id and the sample submission gives every product 1000010653.

Kaggle's train.bson is 58 GB (7,069,896 products, their JPEG pictures inside), so it is
streamed twice with pymongo's BSON decoder, a product at a time: once for the ids and
categories (two int64 arrays: 16 bytes a product), once to route every product. A product
kept for training is written as the bytes it was read as; a held-out product is decoded,
loses its category_id and is encoded again, as MLE-bench does.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import bson
import numpy as np
import pandas as pd
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import (
    constant_submission,
    link_or_copy,
    partial_path,
    progress,
    write_csv,
)
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
SAMPLE_CATEGORY = 1000010653
EXAMPLE_ROWS = 100
#: Products are read undecoded (their bytes kept); a field is decoded only when asked for.
RAW = CodecOptions(document_class=RawBSONDocument)
_BUFFER = 1 << 20


def products(path: Path) -> Iterator[RawBSONDocument]:
    """The products of a BSON file, one at a time, as raw documents."""
    with open(path, "rb", buffering=_BUFFER) as f:
        yield from bson.decode_file_iter(f, RAW)


def ids_and_categories(path: Path) -> pd.DataFrame:
    """Every product's _id and category_id, in the file's order."""
    ids, categories = array("q"), array("q")
    for product in products(path):
        ids.append(product["_id"])
        categories.append(product["category_id"])
    return pd.DataFrame({"_id": np.frombuffer(ids, np.int64),
                         "category_id": np.frombuffer(categories, np.int64)})


def split_bson(source: Path, held_out: np.ndarray, train: Path, test: Path, example: Path) -> None:
    """Route each product of ``source`` to ``train`` (as read) or, where ``held_out``, to
    ``test`` without its category_id; the first EXAMPLE_ROWS training products also go to
    ``example``. Written under temporary names and renamed once all three are complete."""
    outputs = (train, test, example)
    if all(path.exists() for path in outputs):
        return
    kept = 0
    with ExitStack() as stack:
        out_train, out_test, out_example = (stack.enter_context(open(partial_path(path), "wb"))
                                            for path in outputs)
        advance = stack.enter_context(progress("splitting train.bson", len(held_out)))
        for position, product in enumerate(products(source)):
            if held_out[position]:
                record = bson.decode(product.raw)
                record.pop("category_id", None)
                out_test.write(bson.encode(record))
            else:
                out_train.write(product.raw)
                if kept < EXAMPLE_ROWS:
                    out_example.write(product.raw)
                kept += 1
            advance()
    for path in outputs:
        os.replace(partial_path(path), path)


def prepare(raw: Path, public: Path, private: Path) -> None:
    labels = ids_and_categories(raw / "train.bson")
    _, test_positions = train_test_split(np.arange(len(labels)), test_size=TEST_SIZE, random_state=SEED)
    held_out = np.zeros(len(labels), dtype=bool)
    held_out[test_positions] = True
    answers = labels.iloc[test_positions].sort_values(by="_id")
    split_bson(raw / "train.bson", held_out, public / "train.bson", public / "test.bson",
               public / "train_example.bson")
    if not (public / "category_names.csv").exists():
        link_or_copy(raw / "category_names.csv", public / "category_names.csv")
    write_csv(constant_submission(answers["_id"], ["category_id"], SAMPLE_CATEGORY),
              public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
