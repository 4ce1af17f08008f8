"""Right Whale Redux: MLE-bench's split of Kaggle's four days of labelled clips by day.

Kaggle's test labels were never released. MLE-bench groups the clips of train2.zip
by recording date (the first field of a name like
``20090328_000000_002s3ms_TRAIN0_0.aif``), trains on the first two days and tests
on the last two, so no test clip shares a day with a training clip. Each side is
sorted by name (time order) and numbered afresh from 0: a training clip keeps its
label suffix (``..._TRAIN<i>_<label>.aif``), a test clip becomes
``..._Test<i>.aif`` and its label moves to answers.csv. The sample submission is
sampleSubmission.csv, Kaggle's name (and MLE-bench's).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pytest_mlebench.data.prepare.audio import zip_clips
from pytest_mlebench.data.prepare.files import constant_submission, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

#: A training clip's name: recording date, time, offset, index and label.
CLIP = re.compile(r"(?P<date>\d{8})_[^/]*?_TRAIN\d+_(?P<label>[01])\.aif")
DAYS = 4


def prepare(raw: Path, public: Path, private: Path) -> None:
    with RawImages(raw, "train2") as clips:
        matches = {key: CLIP.fullmatch(key) for key in clips.keys}
        odd = [key for key, match in matches.items() if match is None]
        if odd:
            raise ValueError(f"train2 holds files not named like Kaggle's training clips: {odd[:3]}")
        dates = sorted({match["date"] for match in matches.values()})
        if len(dates) != DAYS:
            raise ValueError(f"expected {DAYS} recording days in train2, found {len(dates)}: {dates}")
        train_days = set(dates[: DAYS // 2])
        train = [key for key in clips.keys if matches[key]["date"] in train_days]
        test = [key for key in clips.keys if matches[key]["date"] not in train_days]

        train_names = {key: re.sub(r"TRAIN\d+", f"TRAIN{i}", key) for i, key in enumerate(train)}
        test_names = {key: f"{key.split('TRAIN')[0]}Test{i}.aif" for i, key in enumerate(test)}
        zip_clips(clips, train_names, public / "train2.zip", "train2", "packing training clips")
        zip_clips(clips, test_names, public / "test2.zip", "test2", "packing test clips")

    test_clips = pd.Series(list(test_names.values()), name="clip")
    labels = [int(matches[key]["label"]) for key in test]
    write_csv(pd.DataFrame({"clip": test_clips, "probability": labels}), private / ANSWERS)
    write_csv(constant_submission(test_clips, ["probability"], 0), public / "sampleSubmission.csv")
