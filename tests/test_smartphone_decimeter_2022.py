"""smartphone-decimeter-2022: MLE-bench's split of Kaggle's training drives by date, its leak of
the reference receiver's log (openai/mle-bench#93), and its per-trip haversine score, on the
competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "smartphone-decimeter-2022"
COLUMNS = ["tripId", "UnixTimeMillis", "LatitudeDegrees", "LongitudeDegrees"]
EARTH_RADIUS_M = 6_371_000


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def trips(folder: Path) -> list[str]:
    """``<drive>/<phone>`` of every trip folder under ``folder``."""
    return sorted(f"{p.parent.name}/{p.name}" for p in folder.glob("*/*") if p.is_dir())


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    drives = sorted(p.name for p in (raw / "train").iterdir())
    dates = sorted({drive[:10] for drive in drives})
    _, test_dates = train_test_split(dates, test_size=0.1, random_state=0)
    assert len(dates) == 12 and len(test_dates) == 2
    test_drives = [d for d in drives if d[:10] in test_dates]
    assert sorted(p.name for p in (public / "test").iterdir()) == test_drives
    assert sorted(p.name for p in (public / "train").iterdir()) == [d for d in drives if d not in test_drives]
    assert sorted(p.name for p in public.iterdir()) == ["description.md", "metadata", "sample_submission.csv",
                                                        "test", "train"]
    held_out = [t for t in trips(raw / "train") if t.split("/")[0] in test_drives]
    assert trips(public / "test") == held_out
    # The answers: each held-out trip's ground truth, trips in path order, text as written.
    truth = pd.concat([text(raw / "train" / t / "ground_truth.csv").assign(tripId=t.replace("/", "-"))
                       for t in held_out], ignore_index=True)[COLUMNS]
    assert prepared.answers.equals(truth)
    assert text(prepared.sample_path).equals(truth.assign(LatitudeDegrees="37.904611315634504",
                                                          LongitudeDegrees="-86.48107806249548"))


def test_the_trees_are_hard_links_without_the_test_ground_truth(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    for side in ("train", "test"):
        for file in (p for p in (public / side).rglob("*") if p.is_file()):
            assert file.stat().st_ino == (raw / "train" / file.relative_to(public / side)).stat().st_ino
    assert not list((public / "test").rglob("ground_truth.csv"))
    assert len(list((public / "train").rglob("ground_truth.csv"))) == len(trips(public / "train"))
    assert sorted(p.name for p in (public / "metadata").iterdir()) == sorted(
        p.name for p in (raw / "metadata").iterdir())


def test_the_test_trips_keep_the_span_log_unless_the_variant_drops_it(prepared: Prepared,
                                                                       tmp_path: Path) -> None:
    """openai/mle-bench#93: the reference receiver's fixes, the answers' source, stay in test/."""
    logs = list((prepared.data.public / "test").rglob("span_log.nmea"))
    assert len(logs) == len(trips(prepared.data.public / "test")) > 0
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir(), private.mkdir()
    prepared.competition.with_variant("no-span-log").prepare_into(prepared.raw, public, private)
    assert not list((public / "test").rglob("span_log.nmea"))
    assert list((public / "train").rglob("span_log.nmea"))
    assert (private / "answers.csv").read_bytes() == prepared.data.answers_path.read_bytes()


def test_the_sample_is_valid_and_the_answers_score_0(prepared: Prepared, tmp_path: Path) -> None:
    # Every test epoch is thousands of kilometres from the sample's point in Indiana.
    assert 3e6 < prepared.score(prepared.sample_path) < 4e6
    assert prepared.score(prepared.data.answers_path) == 0.0


def by_hand(prepared: Prepared, folder: Path) -> tuple[Grader, pd.DataFrame]:
    """Trip a with 3 epochs 0.001 degrees of latitude apart, trip b with 2; the grader over them."""
    answers = pd.DataFrame({"tripId": ["a", "a", "a", "b", "b"],
                            "UnixTimeMillis": [1000, 2000, 3000, 500, 1500],
                            "LatitudeDegrees": [40.0, 40.001, 40.002, 41.0, 41.001],
                            "LongitudeDegrees": -122.0})
    answers.to_csv(folder / "answers.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv"), answers


def north(answers: pd.DataFrame, metres: list[float]) -> pd.DataFrame:
    """The answers moved north by ``metres``: along a meridian the haversine distance is exact."""
    offsets = np.rad2deg(np.array(metres) / EARTH_RADIUS_M)
    return answers.assign(LatitudeDegrees=answers["LatitudeDegrees"] + offsets)


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Per trip the mean of the 50th and 95th percentile errors (linearly interpolated), then the
    mean over trips: trip a's errors 0, 10, 20 m give (10 + 19) / 2, trip b's 4, 8 m (6 + 7.8) / 2."""
    grader, answers = by_hand(prepared, tmp_path)
    north(answers, [0, 10, 20, 4, 8]).to_csv(tmp_path / "submission.csv", index=False)
    assert grader.score(tmp_path / "submission.csv") == pytest.approx((14.5 + 6.9) / 2, abs=1e-6)
    # Trips weigh the same whatever their number of epochs: b alone off by 4 m scores 4 / 2.
    north(answers, [0, 0, 0, 4, 4]).to_csv(tmp_path / "submission.csv", index=False)
    assert grader.score(tmp_path / "submission.csv") == pytest.approx(2.0, abs=1e-6)


def test_a_trip_s_rows_pair_by_position_unless_by_time(prepared: Prepared, tmp_path: Path) -> None:
    """As in MLE-bench, the k-th row of a trip meets the trip's k-th epoch whatever its timestamp
    says; the by-time variant pairs each row with the epoch it names."""
    grader, answers = by_hand(prepared, tmp_path)
    answers.iloc[[2, 1, 0, 3, 4]].to_csv(tmp_path / "reversed.csv", index=False)
    # Trip a's first and last epochs swap places: each is 0.002 degrees (222 m) from the truth.
    apart = np.deg2rad(0.002) * EARTH_RADIUS_M
    assert grader.score(tmp_path / "reversed.csv") == pytest.approx(apart / 2, rel=1e-9)
    by_time = prepared.competition.with_variant("by-time").grader(tmp_path / "answers.csv")
    assert by_time.score(tmp_path / "reversed.csv") == 0.0
    north(answers, [0, 10, 20, 4, 8]).iloc[[4, 3, 1, 2, 0]].to_csv(tmp_path / "shuffled.csv", index=False)
    assert by_time.score(tmp_path / "shuffled.csv") == pytest.approx((14.5 + 6.9) / 2, abs=1e-6)


def test_a_timestamp_that_is_not_a_test_epoch_is_invalid(prepared: Prepared, tmp_path: Path) -> None:
    grader, answers = by_hand(prepared, tmp_path)
    answers.assign(UnixTimeMillis=[1000, 2000, 3001, 500, 1500]).to_csv(tmp_path / "late.csv", index=False)
    with pytest.raises(InvalidSubmission, match=r"1 trips do not list exactly their test epochs .*\('a'\)"):
        grader.score(tmp_path / "late.csv")
    # Each trip's own epochs: b's timestamps under a's id are not a's.
    answers.assign(UnixTimeMillis=[500, 1500, 3000, 1000, 2000]).to_csv(tmp_path / "crossed.csv", index=False)
    with pytest.raises(InvalidSubmission, match=r"2 trips do not list exactly"):
        grader.score(tmp_path / "crossed.csv")


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("LatitudeDegrees", 90.5, r"'LatitudeDegrees' has 1 values outside \[-90, 90\] degrees: 'a' at 1000"),
    ("LongitudeDegrees", -181.0, r"'LongitudeDegrees' has 1 values outside \[-180, 180\]"),
])
def test_a_position_off_the_globe_is_invalid(prepared: Prepared, tmp_path: Path, column: str, value: float,
                                             reason: str) -> None:
    grader, answers = by_hand(prepared, tmp_path)
    answers.assign(**{column: [value, *answers[column][1:]]}).to_csv(tmp_path / "off.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        grader.score(tmp_path / "off.csv")


@pytest.mark.parametrize(("kind", "target", "reason"), [
    ("no id column", "LatitudeDegrees", "missing columns: 'tripId'"),
    ("repeated id", "LatitudeDegrees", "duplicated ids: 1 ids appear more often than in the test set"),
    ("renamed column", "LongitudeDegrees", "missing columns: 'LongitudeDegrees'"),
    ("renamed column", "UnixTimeMillis", "missing columns: 'UnixTimeMillis'"),
    ("extra column", "LatitudeDegrees", "unexpected columns: 'extra'"),
    ("NaN value", "LatitudeDegrees", "'LatitudeDegrees' has 1 missing or NaN values"),
    ("blank value", "UnixTimeMillis", "'UnixTimeMillis' has 1 missing or NaN values"),
    ("missing row", "LatitudeDegrees", "wrong row count"),
    ("extra row", "LatitudeDegrees", "'not-a-test-id' 1 times, expected 0"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path, kind: str,
                                                       target: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, "tripId", target).to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
