"""cassava-leaf-disease-classification: MLE-bench's split by TFRecord file (10% of the sorted
files held out, their images moved to test_images/) and accuracy, on synthetic raw files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.tfrecord import feature_values
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "cassava-leaf-disease-classification"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    files = sorted((raw / "train_tfrecords").glob("*.tfrec"))
    kept, held = train_test_split(files, test_size=0.1, random_state=0)
    held_ids = set()
    for path in held:
        with path.open("rb") as fh:
            held_ids.update(feature_values(fh, "image_name", path.name))
    table = text(raw / "train.csv")
    is_test = table["image_id"].isin(held_ids)
    train, test = (part.reset_index(drop=True) for part in (table[~is_test], table[is_test]))
    assert len(held) == 2 and len(test) == 12
    assert text(public / "train.csv").equals(train)
    assert text(prepared.data.answers_path).equals(test)
    assert text(prepared.sample_path).equals(test[["image_id"]].assign(label="4"))
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "label_num_to_disease_map.json", "sample_submission.csv", "test_images",
        "train.csv", "train_images", "train_tfrecords"]
    for side, ids in (("train_images", train["image_id"]), ("test_images", test["image_id"])):
        assert sorted(p.name for p in (public / side).iterdir()) == sorted(ids)
        assert all(os.path.samefile(public / side / i, raw / "train_images" / i) for i in ids)
    shipped = sorted((public / "train_tfrecords").iterdir())
    assert [p.name for p in shipped] == [f"ld_train{i:02d}-6.tfrec" for i in range(14)]
    assert all(os.path.samefile(new, old) for new, old in zip(shipped, kept, strict=True))


def test_the_sample_and_the_answers(prepared: Prepared, tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    assert prepared.score(prepared.sample_path) == pytest.approx((answers["label"] == "4").mean())
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Three of four right; "2.0" is class 2 as pandas reads it for MLE-bench."""
    ids = [f"{i}.jpg" for i in range(4)]
    pd.DataFrame({"image_id": ids, "label": [0, 2, 3, 4]}).to_csv(tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    pd.DataFrame({"image_id": ids, "label": ["0", "2.0", "1", "4"]}).to_csv(tmp_path / "sub.csv", index=False)
    assert grader.score(tmp_path / "sub.csv") == pytest.approx(3 / 4)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'image_id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'label'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'label' has 1 missing or NaN values"),
    ("NaN value", "column 'label' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 12 rows"),
    ("extra row", "wrong row count: expected 12 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "image_id", "label")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
