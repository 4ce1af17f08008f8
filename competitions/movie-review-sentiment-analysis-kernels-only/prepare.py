"""Movie Review Sentiment Analysis: MLE-bench's split of Kaggle's labelled phrases.

Kaggle's test labels were never released, so MLE-bench holds out 30% of train.tsv
(the share Kaggle's test.tsv had: 66,293 of 222,353 phrases) with
train_test_split(random_state=0) over the file's rows in order. The file is read as
MLE-bench reads it (pandas, tab-separated, its default missing-value markers), and
the public train.tsv and test.tsv ship zipped, as Kaggle's did.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv, write_once
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.3
SEED = 0
ID, TARGET = "PhraseId", "Sentiment"
#: The sample submission's class for every phrase: 2, neutral.
NEUTRAL = 2


def _zipped_tsv(frame: pd.DataFrame, archive: Path) -> None:
    """``frame`` as ``<name>.tsv`` inside ``archive`` (``<name>.tsv.zip``), the only copy public."""
    member = archive.name.removesuffix(".zip")
    text = frame.to_csv(sep="\t", index=False)

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(member, text)

    write_once(archive, write)


def prepare(raw: Path, public: Path, private: Path) -> None:
    phrases = pd.read_csv(raw / "train.tsv.zip", sep="\t")
    train, test = train_test_split(phrases, test_size=TEST_SIZE, random_state=SEED)
    _zipped_tsv(train, public / "train.tsv.zip")
    _zipped_tsv(test.drop(columns=[TARGET]), public / "test.tsv.zip")
    write_csv(test[[ID]].assign(**{TARGET: NEUTRAL}), public / "sampleSubmission.csv")
    write_csv(test[[ID, TARGET]], private / ANSWERS)
