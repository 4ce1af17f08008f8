"""Google Smartphone Decimeter Challenge 2022: MLE-bench's split of Kaggle's training drives by date.

Kaggle's test trips have no ground truth, so MLE-bench takes the dates of Kaggle's training
drives (a drive id starts with its date, ``2021-04-28-US-MTV-1``), sorted, holds out 10% of
them with ``train_test_split(random_state=0)`` (the same draw is made here without
scikit-learn: split_positions), and moves every drive of a held-out date,
all its phones, to ``test/``. The folder trees are hard-linked here (copied only across
filesystems) rather than copied; Kaggle's own ``test/`` and sample are left out, as in
MLE-bench. The answers are the held-out trips' ground_truth.csv files, in the order of their
paths, with the trip id ``<drive>-<phone>``; those files are not in ``test/``.

MLE-bench leaves ``supplemental/span_log.nmea``, the reference receiver's positions the ground
truth was interpolated from, in the test trips (openai/mle-bench#93): reproduced by default;
the ``no-span-log`` variant leaves it out.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pyarrow as pa

from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.prepare.tabular import read_text_csv, split_positions, write_csv
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
GROUND_TRUTH = "ground_truth.csv"
SPAN_LOG = "span_log.nmea"
COLUMNS = ["tripId", "UnixTimeMillis", "LatitudeDegrees", "LongitudeDegrees"]
#: The point MLE-bench's sample submission puts every epoch at (as pandas writes the floats).
SAMPLE_POINT = {"LatitudeDegrees": "37.904611315634504", "LongitudeDegrees": "-86.48107806249548"}


def drive_date(drive: str) -> str:
    """``YYYY-MM-DD`` of a drive id, as MLE-bench reads it (month and day padded to two digits)."""
    parts = drive.split("-")
    if len(parts) < 3 or not all(part.isdigit() for part in parts[:3]):
        raise ValueError(f"drive id {drive!r} does not start with a date YYYY-MM-DD")
    year, month, day = parts[:3]
    return f"{year}-{month.zfill(2)}-{day.zfill(2)}"


def prepare(raw: Path, public: Path, private: Path, variant: str | None = None) -> None:
    if variant not in (None, "no-span-log"):
        raise ValueError(f"unknown variant {variant!r}")
    drives = {folder.name for folder in (raw / "train").iterdir() if folder.is_dir()}
    dates = sorted({drive_date(drive) for drive in drives})
    test_dates = {dates[i] for i in split_positions(len(dates), TEST_SIZE, SEED)[1]}
    test_drives = {drive for drive in drives if drive_date(drive) in test_dates}

    with RawImages(raw, "train") as trips:
        # Files of the drives' folders only: MLE-bench copies folders, not loose files.
        keys = [PurePosixPath(key) for key in trips.keys if key.split("/")[0] in drives]
        truths = sorted((key for key in keys if key.parts[0] in test_drives and key.name == GROUND_TRUTH),
                        key=lambda key: key.parts)
        hidden = {GROUND_TRUTH, SPAN_LOG} if variant == "no-span-log" else {GROUND_TRUTH}
        destinations = {str(key): public / ("test" if key.parts[0] in test_drives else "train") / key
                        for key in keys if key.parts[0] not in test_drives or key.name not in hidden}
        trips.place(destinations, "linking drives")
        answers = [_trip_answers(trips, key) for key in truths]
    with RawImages(raw, "metadata") as metadata:
        metadata.place({key: public / "metadata" / key for key in metadata.keys}, "linking metadata")

    truth = pa.concat_tables(answers)
    point = {column: pa.array([value] * truth.num_rows) for column, value in SAMPLE_POINT.items()}
    sample = pa.table({**{column: truth[column] for column in COLUMNS[:2]}, **point})
    write_csv(sample, public / "sample_submission.csv")
    write_csv(truth, private / ANSWERS)


def _trip_answers(trips: RawImages, key: PurePosixPath) -> pa.Table:
    """One held-out trip's ground truth: its epochs and positions, under its trip id."""
    if len(key.parts) != 3:
        raise ValueError(f"{key}: expected <drive>/<phone>/{GROUND_TRUTH}")
    drive, phone, _ = key.parts
    with trips.open_file(str(key)) as file:
        truth = read_text_csv(file.read())
    return pa.table({"tripId": pa.array([f"{drive}-{phone}"] * truth.num_rows),
                     **{column: truth[column] for column in COLUMNS[1:]}})
