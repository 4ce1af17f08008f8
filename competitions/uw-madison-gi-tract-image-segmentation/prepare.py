"""UW-Madison GI Tract: MLE-bench's split of Kaggle's labelled MRI scans by case, then by day.

Kaggle's test scans were never released. As in MLE-bench, a tenth of the cases (the case
numbers in order of first appearance in train.csv, ``train_test_split(test_size=0.1,
random_state=42)``) is held out whole; of every other case, the days after its first four
(by day number) are held out too. train.csv's rows keep their order on both sides.

Scans are hard-linked under their own paths, ``train/<case>/<case>_<day>/scans/`` or
``test/...``. Public: train.csv (id, class, segmentation), test.csv (id, class) and a
sample submission predicting ``1 1 5 2`` for every test row. The answers are the held-out
rows with their mask as ``predicted`` and each slice's ``image_width`` and
``image_height``, read from its scan's file name (``slice_0001_266_266_1.50_1.50.png``),
which grading needs to decode the masks.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 42
#: Days of a training case kept in train; later ones are held out.
KEPT_DAYS = 4
SAMPLE_MASK = "1 1 5 2"


def held_out(case: pd.Series, day: pd.Series) -> tuple[pd.Series, set[str]]:
    """Whether each row is a test row (its case is held out, or its day is past the case's
    4th), and the cases held out whole."""
    _train_cases, test_cases = train_test_split(case.unique(), test_size=TEST_SIZE,
                                                random_state=SEED)
    test = case.isin(test_cases)
    for name, days in day[~test].groupby(case[~test]):
        later = sorted(set(days), key=lambda d: int(d[len("day"):]))[KEPT_DAYS:]
        test |= (case == name) & day.isin(later)
    return test, set(test_cases)


def scan_sizes(keys: list[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(``<case>_<day>``, slice number) -> (width, height), from the scans' file names."""
    sizes: dict[tuple[str, str], tuple[int, int]] = {}
    for key in keys:
        path = PurePosixPath(key)
        fields = path.stem.split("_")
        if len(path.parts) != 4 or path.parts[2] != "scans" or fields[0] != "slice":
            continue
        where = (path.parts[1], fields[1])
        if where in sizes:
            raise ValueError(f"two scans of slice {fields[1]} in {path.parent}")
        sizes[where] = int(fields[2]), int(fields[3])
    return sizes


def prepare(raw: Path, public: Path, private: Path) -> None:
    labelled = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    parts = labelled["id"].str.split("_")
    is_test, test_cases = held_out(parts.str[0], parts.str[1])
    train, test = labelled[~is_test], labelled[is_test]
    case_days = parts.str[0] + "_" + parts.str[1]
    test_days, cases = set(case_days[is_test]), set(parts.str[0])

    with RawImages(raw, "train") as scans:
        keys = scans.keys
        destinations = {}
        for key in keys:
            case, case_day = PurePosixPath(key).parts[:2]
            if case in cases:  # MLE-bench copies the listed cases whole, then moves the test days
                side = "test" if case in test_cases or case_day in test_days else "train"
                destinations[key] = public / side / key
        scans.place(destinations, "linking GI tract scans")

    sizes = scan_sizes(keys)
    slices = list(zip(case_days[is_test], parts[is_test].str[-1], strict=True))
    missing = [f"{day}_slice_{number}" for day, number in slices if (day, number) not in sizes]
    if missing:
        raise ValueError(f"no scan for {len(missing)} test slices: {missing[:3]}")
    answers = test.rename(columns={"segmentation": "predicted"}).assign(
        image_width=[sizes[where][0] for where in slices],
        image_height=[sizes[where][1] for where in slices])

    write_csv(train, public / "train.csv")
    write_csv(test[["id", "class"]], public / "test.csv")
    write_csv(test[["id", "class"]].assign(predicted=SAMPLE_MASK), public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
