"""Preparation shared by the two text normalization competitions (English and Russian).

MLE-bench holds out a tenth of the *sentences* of Kaggle's training file, so no
sentence is split between train and test, and numbers each side's sentences afresh
from 0 in order of appearance. The training files hold about ten million tokens,
so the file is read twice in chunks (once for the sentence ids, once to write):
memory stays at one chunk plus the list of sentence ids.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from ..store import ANSWERS

#: MLE-bench's split: a tenth of the unique sentence ids, train_test_split seeded with 0.
TEST_SIZE = 0.1
SEED = 0
CHUNK_ROWS = 500_000

TRAIN_COLUMNS = ["sentence_id", "token_id", "class", "before", "after"]
TEST_COLUMNS = ["sentence_id", "token_id", "before"]
#: Tokens are read as written: "NA", "null" or "nan" are tokens to normalize, not missing values.
DTYPES = {"sentence_id": "int64", "token_id": "int64", "class": "str", "before": "str", "after": "str"}


def _chunks(archive: Path, member: str, columns: list[str]) -> Iterator[pd.DataFrame]:
    """The member's rows, chunk by chunk. The member is opened here: given the archive's
    path, pandas would hold the whole decompressed file in memory."""
    with zipfile.ZipFile(archive) as zf, zf.open(member) as fh, pd.read_csv(
        fh, usecols=columns, dtype={c: DTYPES[c] for c in columns}, keep_default_na=False,
        chunksize=CHUNK_ROWS,
    ) as reader:
        yield from reader


def held_out_sentences(sentence_ids: np.ndarray) -> np.ndarray:
    """Whether each unique sentence id (in order of first appearance) goes to the test side."""
    _, test_ids = train_test_split(sentence_ids, test_size=TEST_SIZE, random_state=SEED)
    return np.isin(sentence_ids, test_ids)


def _zip_writer(stack: ExitStack, archive: Path, member: str) -> IO[str]:
    """A text stream written straight into a one-file zip archive, the way Kaggle ships these files."""
    zf = stack.enter_context(zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED))
    return stack.enter_context(
        io.TextIOWrapper(zf.open(member, "w", force_zip64=True), encoding="utf-8", newline="")
    )


def _append(frame: pd.DataFrame, out: IO[str], header: bool) -> None:
    frame.to_csv(out, header=header, index=False, lineterminator="\n")


def prepare_text_normalization(raw: Path, public: Path, private: Path, language: str) -> None:
    """Split Kaggle's ``<language>_train.csv.zip`` as MLE-bench does.

    Public, zipped as MLE-bench ships them: ``<language>_train.csv.zip``,
    ``<language>_test_2.csv.zip`` (no ``class`` nor ``after``) and
    ``<language>_sample_submission_2.csv.zip`` (each token left as it is); private:
    answers.csv. Both submission files are keyed ``<sentence_id>_<token_id>``.
    """
    archive, member = raw / f"{language}_train.csv.zip", f"{language}_train.csv"
    sentences = pd.unique(np.concatenate(
        [pd.unique(chunk["sentence_id"]) for chunk in _chunks(archive, member, ["sentence_id"])]
    ))
    held_out = held_out_sentences(sentences)
    position = pd.Index(sentences)
    # Each side's sentences numbered from 0 in order of first appearance.
    renumbered = np.where(held_out, np.cumsum(held_out) - 1, np.cumsum(~held_out) - 1)

    with ExitStack() as stack:
        train_out = _zip_writer(stack, public / f"{language}_train.csv.zip", f"{language}_train.csv")
        test_out = _zip_writer(stack, public / f"{language}_test_2.csv.zip", f"{language}_test_2.csv")
        sample = f"{language}_sample_submission_2.csv"
        sample_out = _zip_writer(stack, public / f"{sample}.zip", sample)
        answers_out = stack.enter_context(open(private / ANSWERS, "w", encoding="utf-8", newline=""))
        for number, chunk in enumerate(_chunks(archive, member, TRAIN_COLUMNS)):
            at = position.get_indexer(chunk["sentence_id"])
            chunk["sentence_id"] = renumbered[at]
            is_test = held_out[at]
            test = chunk[is_test]
            ids = test["sentence_id"].astype(str) + "_" + test["token_id"].astype(str)
            first = number == 0
            _append(chunk.loc[~is_test, TRAIN_COLUMNS], train_out, first)
            _append(test[TEST_COLUMNS], test_out, first)
            _append(pd.DataFrame({"id": ids, "after": test["before"]}), sample_out, first)
            _append(pd.DataFrame({"id": ids, "after": test["after"]}), answers_out, first)
