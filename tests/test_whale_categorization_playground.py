"""whale-categorization-playground: MLE-bench's split (two photos of every whale with two or more
on each side, singletons 90/10 at random, the rest train_test_split), new_whale for whales seen
only in test, and MAP@5, on the competition's own synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "whale-categorization-playground"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def mlebench_sides(labels: pd.DataFrame) -> list[str]:
    """The split recomputed whale by whale, in order of first appearance, with MLE-bench's seeds."""
    side = ["undecided"] * len(labels)
    rng = np.random.default_rng(0)
    for whale in labels["Id"].unique():
        photos = labels[labels["Id"] == whale]
        if len(photos) >= 2:
            picked = photos.sample(2, random_state=0).index
            side[picked[0]], side[picked[1]] = "train", "test"
        else:
            side[photos.index[0]] = str(rng.choice(["train", "test"], p=[0.9, 0.1]))
    rest = labels[[s == "undecided" for s in side]]
    train, test = train_test_split(rest, test_size=0.1, random_state=0)
    for i in train.index:
        side[i] = "train"
    for i in test.index:
        side[i] = "test"
    return side


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    labels = text(raw / "train.csv")
    side = pd.Series(mlebench_sides(labels))
    train = labels[side == "train"].reset_index(drop=True)
    test = labels[side == "test"].reset_index(drop=True)
    test.loc[~test["Id"].isin(set(train["Id"])), "Id"] = "new_whale"
    assert text(public / "train.csv").equals(train)
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(
        test.assign(Id="new_whale w_1287fbc w_98baff9 w_7554f44 w_1eafe46"))
    assert (len(train), len(test)) == (149, 51)
    for folder, images in (("train", train["Image"]), ("test", test["Image"])):
        assert sorted(p.name for p in (public / folder).iterdir()) == sorted(images)
        assert all(os.path.samefile(public / folder / i, raw / "train" / i) for i in images)


def test_the_answers_score_one_and_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    # The truth fifth for the first photo, repeated first and second for the second, absent elsewhere.
    guesses = ["w_0"] * len(answers)
    guesses[0] = f"a b c d {answers['Id'][0]} "
    guesses[1] = f"{answers['Id'][1]} {answers['Id'][1]}"
    pd.DataFrame({"Image": answers["Image"], "Id": guesses}).to_csv(tmp_path / "two.csv", index=False)
    assert prepared.score(tmp_path / "two.csv") == pytest.approx((1 / 5 + 1) / len(answers))


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'Image'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'Id'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 51 rows"),
    ("extra row", "wrong row count: expected 51 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "Image", "Id")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
