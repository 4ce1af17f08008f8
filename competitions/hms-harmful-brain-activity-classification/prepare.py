"""HMS - Harmful Brain Activity Classification: MLE-bench's split of Kaggle's labelled windows by
spectrogram.

Kaggle's test EEGs were scored on its servers, so MLE-bench holds out 10% of the spectrograms of
train.csv: ``train_test_split(random_state=0)`` over the spectrogram ids in order of first
appearance. Every row (labelled window) of a held-out spectrogram is a test row, in file order, so
an EEG with several windows has several test rows under the same eeg_id; the public test.csv
keeps their spectrogram_id, eeg_id and patient_id. Each EEG's and spectrogram's parquet file is
hard-linked from Kaggle's train_eegs/ and train_spectrograms/ into the train_ or test_ folder of
its side (tens of gigabytes in all: no recording is copied or read); Kaggle's own one test
example is not used. train.csv (about 100,000 rows) is read whole, as text.

answers.csv is MLE-bench's gold submission: eeg_id and each class's share of the row's votes
(vote / sum of votes, the division its grader applies to the counts), in the test rows' order.

The ``by-eeg`` variant has one test row per EEG instead, as Kaggle's test set had, labelled with
the votes of all its windows added up; test.csv, the sample and the answers then list each test
EEG once, in order of first appearance.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages, place_split
from pytest_mlebench.data.prepare.tabular import read_text_csv, split_positions
from pytest_mlebench.data.prepare.tabular import write_csv as write_table
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
PUBLIC_TEST_COLUMNS = ["spectrogram_id", "eeg_id", "patient_id"]


def vote_shares(test: pa.Table, targets: list[str], by_eeg: bool) -> pd.DataFrame:
    """eeg_id and each class's share of the row's votes (of the EEG's, ``by_eeg``), as floats
    (written exactly by pandas)."""
    votes = test.select(["eeg_id", *targets]).to_pandas().astype({name: "int64" for name in targets})
    if by_eeg:
        votes = votes.groupby("eeg_id", sort=False, as_index=False).sum()
    totals = votes[targets].sum(axis=1)
    if (totals == 0).any():
        raise ValueError(f"test rows without a vote (eeg_id {votes['eeg_id'][totals.idxmin()]})")
    return votes.assign(**votes[targets].div(totals, axis=0))


def unique(column: pa.ChunkedArray) -> list[str]:
    """Distinct values in order of first appearance, as pandas' unique() lists them."""
    return pc.unique(column).to_pylist()


def prepare(raw: Path, public: Path, private: Path, competition: Competition,
            variant: str | None = None) -> None:
    if variant not in (None, "by-eeg"):
        raise ValueError(f"unknown variant {variant!r}")
    targets = list(competition.target_columns)
    labels = read_text_csv(raw / "train.csv")
    spectrograms = unique(labels["spectrogram_id"])
    train_positions, test_positions = split_positions(len(spectrograms), TEST_SIZE, SEED)
    held_out = pc.is_in(labels["spectrogram_id"],
                        value_set=pa.array([spectrograms[i] for i in test_positions]))
    train, test = labels.filter(pc.invert(held_out)), labels.filter(held_out)
    train_eegs, test_eegs = unique(train["eeg_id"]), unique(test["eeg_id"])
    shared = sorted(set(train_eegs) & set(test_eegs))
    if shared:  # MLE-bench's prepare stops on this too
        raise ValueError(f"EEGs recorded in both a train and a test spectrogram: {shared[:3]}")
    answers = vote_shares(test, targets, by_eeg=variant == "by-eeg")
    public_test = test.select(PUBLIC_TEST_COLUMNS)
    if variant == "by-eeg":
        first_rows = pc.index_in(pa.array(test_eegs), value_set=test["eeg_id"].combine_chunks())
        public_test = public_test.take(first_rows)

    place_split(raw, "train_eegs", "EEGs", ".parquet",
                [(train_eegs, public / "train_eegs"), (test_eegs, public / "test_eegs")])
    place_split(raw, "train_spectrograms", "spectrograms", ".parquet",
                [([spectrograms[i] for i in train_positions], public / "train_spectrograms"),
                 ([spectrograms[i] for i in test_positions], public / "test_spectrograms")])
    with RawImages(raw, "example_figures") as figures:
        figures.place({key: public / "example_figures" / key for key in figures.keys}, "example figures")

    write_table(train, public / "train.csv")
    write_table(public_test, public / "test.csv")
    write_csv(constant_submission(answers["eeg_id"], targets, 1 / len(targets)),
              public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
