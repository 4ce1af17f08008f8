"""nfl-player-contact-detection: MLE-bench's split of Kaggle's labelled plays, every table and
video routed by play, and the Matthews correlation of the contacts, on the competition's own
synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.partition import distinct_in_order, partition_csv
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "nfl-player-contact-detection"
TABLES = ["baseline_helmets", "player_tracking", "video_metadata"]
VIEWS = ["All29", "Endzone", "Sideline"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def held_out(prepared: Prepared) -> tuple[list[str], list[str]]:
    """(train plays, test plays) as MLE-bench draws them from the labels' plays."""
    plays = text(prepared.raw / "train_labels.csv")["game_play"].unique().tolist()
    train, test = train_test_split(plays, test_size=0.1, random_state=0)
    return list(train), list(test)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train_plays, test_plays = held_out(prepared)
    assert len(test_plays) == 3 and len(train_plays) == 27
    labels = text(raw / "train_labels.csv")
    on = lambda frame, plays: frame[frame["game_play"].isin(plays)].reset_index(drop=True)  # noqa: E731
    assert text(public / "train_labels.csv").equals(on(labels, train_plays))
    assert prepared.answers.equals(on(labels, test_plays))
    for table in TABLES:
        kaggle = text(raw / f"train_{table}.csv")
        assert text(public / f"train_{table}.csv").equals(on(kaggle, train_plays))
        assert text(public / f"test_{table}.csv").equals(on(kaggle, test_plays))
    # Kaggle's tracking has a play without labels: it is on neither side.
    tracked = set(text(raw / "train_player_tracking.csv")["game_play"])
    assert len(tracked - set(train_plays) - set(test_plays)) == 1
    assert sorted(p.name for p in public.iterdir()) == sorted(
        ["description.md", "sample_submission.csv", "train", "test", "train_labels.csv",
         *(f"{side}_{table}.csv" for side in ("train", "test") for table in TABLES)])


def test_small_blocks_route_the_same_rows(prepared: Prepared, tmp_path: Path) -> None:
    """Streaming a few hundred bytes at a time splits plays across blocks: same groups, same rows."""
    source = prepared.raw / "train_labels.csv"
    train_plays, test_plays = held_out(prepared)
    plays = text(source)["game_play"].unique().tolist()
    assert distinct_in_order(source, "game_play", block_size=300) == plays
    parts = {tmp_path / "a.csv": train_plays, tmp_path / "b.csv": test_plays}
    counts = partition_csv(source, "game_play", parts, block_size=300)
    assert (tmp_path / "a.csv").read_bytes() == (prepared.data.public / "train_labels.csv").read_bytes()
    assert (tmp_path / "b.csv").read_bytes() == prepared.data.answers_path.read_bytes()
    assert counts == {tmp_path / "a.csv": 1040, tmp_path / "b.csv": 100}


def test_the_videos_are_linked_by_play(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    for side, plays in zip(("train", "test"), held_out(prepared), strict=True):
        names = sorted(f"{play}_{view}.mp4" for play in plays for view in VIEWS)
        assert sorted(p.name for p in (public / side).iterdir()) == names
        assert all((public / side / name).stat().st_ino == (raw / "train" / name).stat().st_ino
                   for name in names)


def test_the_sample_scores_0_and_the_answers_1(prepared: Prepared, tmp_path: Path) -> None:
    answers = prepared.answers
    assert text(prepared.sample_path).equals(answers[["contact_id"]].assign(contact="0"))
    assert prepared.score(prepared.sample_path) == 0.0
    answers[["contact_id", "contact"]].iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    # The answers file itself carries the labels' other columns, which a submission may not.
    with pytest.raises(InvalidSubmission, match="unexpected columns: 'game_play'"):
        prepared.score(prepared.data.answers_path)


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """MCC = (TP TN - FP FN) / sqrt((TP + FP)(TP + FN)(TN + FP)(TN + FN)) over all rows; 1.0 is
    read as the class 1."""
    ids = [f"58168_003392_0_{38590 + i}_G" for i in range(8)]
    pd.DataFrame({"contact_id": ids, "contact": [1, 1, 1, 0, 0, 0, 0, 1]}).to_csv(tmp_path / "answers.csv",
                                                                                  index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    # TP 3, TN 3, FP 1, FN 1: (9 - 1) / sqrt(4 * 4 * 4 * 4).
    pd.DataFrame({"contact_id": ids, "contact": ["1.0", 1, 0, 0, 0, 1, 0, 1]}).to_csv(tmp_path / "sub.csv",
                                                                                      index=False)
    assert grader.score(tmp_path / "sub.csv") == pytest.approx(0.5)
    pd.DataFrame({"contact_id": ids, "contact": [0, 0, 0, 1, 1, 1, 1, 0]}).to_csv(tmp_path / "sub.csv",
                                                                                  index=False)
    assert grader.score(tmp_path / "sub.csv") == -1.0


@pytest.mark.parametrize(("value", "reason"), [
    ("2", "1 values other than 0 and 1"),
    ("0.7", "non-integer values"),
    ("yes", "non-numeric values"),
])
def test_a_contact_other_than_0_or_1_is_invalid(prepared: Prepared, tmp_path: Path, value: str,
                                                reason: str) -> None:
    """MLE-bench would score a 2 as a third class and fail on a probability."""
    sample = text(prepared.sample_path)
    sample.assign(contact=[value, *sample["contact"][1:]]).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "bad.csv")


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'contact_id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'contact'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("NaN value", "missing or NaN values"),
    ("blank value", "missing or NaN values"),
    ("missing row", "wrong row count: expected 100 rows"),
    ("extra row", "wrong row count: expected 100 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, "contact_id", "contact").to_csv(tmp_path / "broken.csv",
                                                                              index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
