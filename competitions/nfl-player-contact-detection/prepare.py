"""NFL Player Contact Detection: MLE-bench's split of Kaggle's labelled plays.

Kaggle's test plays were hidden (a code competition), so MLE-bench holds out 10% of the plays
of train_labels.csv: ``train_test_split(random_state=0)`` over its ``game_play`` values in the
order they first occur (the same draw is made here without scikit-learn: split_positions).
Every table (labels, helmet boxes, tracking, video metadata) keeps, on each side, the rows of
that side's plays in the file's order, and each play's three videos go to ``train/`` or
``test/`` under their own names (hard links). Plays without labels are in neither side.
Kaggle's mock test set is left out, as in MLE-bench.

The tables are large (millions of label and helmet-box rows, hundreds of megabytes), so they
are streamed a block at a time (data/prepare/partition.py), every cell kept as Kaggle wrote it.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.prepare.partition import distinct_in_order, partition_csv
from pytest_mlebench.data.prepare.tabular import read_text_csv, split_positions, write_csv
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
PLAY = "game_play"
VIEWS = ["All29", "Endzone", "Sideline"]
TABLES = ["baseline_helmets", "player_tracking", "video_metadata"]


def prepare(raw: Path, public: Path, private: Path) -> None:
    plays = distinct_in_order(raw / "train_labels.csv", PLAY)
    train_plays, test_plays = ([plays[i] for i in side]
                               for side in split_positions(len(plays), TEST_SIZE, SEED))

    partition_csv(raw / "train_labels.csv", PLAY,
                  {public / "train_labels.csv": train_plays, private / ANSWERS: test_plays})
    for table in TABLES:
        partition_csv(raw / f"train_{table}.csv", PLAY,
                      {public / f"train_{table}.csv": train_plays, public / f"test_{table}.csv": test_plays})

    with RawImages(raw, "train") as videos:
        videos.place({f"{play}_{view}.mp4": public / side / f"{play}_{view}.mp4"
                      for side, chosen in (("train", train_plays), ("test", test_plays))
                      for play in chosen for view in VIEWS}, "linking play videos")

    contacts = read_text_csv(private / ANSWERS).column("contact_id")
    write_csv(pa.table({"contact_id": contacts, "contact": pa.array(["0"] * len(contacts))}),
              public / "sample_submission.csv")
