"""herbarium-2022-fgvc9: MLE-bench's per-category 80/20 split of Kaggle's train_metadata.json
(train renamed <category>__<k>, test shuffled by Random(0) and renumbered) and macro F1, on the
competition's own synthetic raw files."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "herbarium-2022-fgvc9"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def expected_split(metadata: dict) -> tuple[dict[int, list[dict]], list[dict]]:
    """MLE-bench's split recomputed: the train images by category, the test images shuffled."""
    groups: dict[int, list[dict]] = {}
    for annotation, image in zip(metadata["annotations"], metadata["images"], strict=True):
        category = annotation["category_id"]
        groups.setdefault(category, []).append({**image, "category": category})
    train, test = {}, []
    for category, images in groups.items():
        train[category], held = train_test_split(images, test_size=0.2, random_state=0)
        test += held
    random.Random(0).shuffle(test)
    return train, test


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    metadata = json.loads((raw / "train_metadata.json").read_text())
    train, test = expected_split(metadata)
    new_train = json.loads((public / "train_metadata.json").read_text())
    assert sorted(new_train) == sorted(metadata) and new_train["genera"] == metadata["genera"]
    olds = [image for images in train.values() for image in images]
    news = [f"{c:05d}__{k:03d}" for c, images in train.items() for k in range(1, len(images) + 1)]
    assert [image["image_id"] for image in new_train["images"]] == news
    assert [a["image_id"] for a in new_train["annotations"]] == news
    for old, new in zip(olds, new_train["images"], strict=True):
        assert new["file_name"] == f"{old['file_name'][:6]}/{new['image_id']}.jpg"
        assert os.path.samefile(public / "train_images" / new["file_name"],
                                raw / "train_images" / old["file_name"])
    new_test = json.loads((public / "test_metadata.json").read_text())
    assert new_test == [{"file_name": f"000/test-{i:06d}.jpg", "image_id": str(i), "license": 0}
                        for i in range(len(test))]
    for i, image in enumerate(test):
        assert os.path.samefile(public / "test_images" / f"000/test-{i:06d}.jpg",
                                raw / "train_images" / image["file_name"])
    answers = text(prepared.data.answers_path)
    assert answers["Predicted"].tolist() == [str(image["category"]) for image in test]
    assert text(prepared.sample_path).equals(answers.assign(Predicted="42"))
    assert len(test) == 13 and sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test_images", "test_metadata.json", "train_images",
        "train_metadata.json"]


def test_the_answers_score_one_and_the_sample_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    text(prepared.data.answers_path).iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    answers = text(prepared.data.answers_path)["Predicted"]
    classes, hits = answers.nunique(), int((answers == "42").sum())  # class 42 is in the synthetic data
    # Only class 42 scores: precision hits/13, recall 1, among all the truth's classes.
    f1 = 2 * (hits / 13) / (hits / 13 + 1)
    assert prepared.score(prepared.sample_path) == pytest.approx(f1 / classes)


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Macro F1 over the classes of truth and predictions: 5 -> 2/3, 7 -> 2/3, 9 -> 0, 11 -> 0."""
    ids = [str(i) for i in range(4)]
    pd.DataFrame({"Id": ids, "Predicted": [5, 5, 7, 9]}).to_csv(tmp_path / "answers.csv", index=False)
    pd.DataFrame({"Id": ids, "Predicted": [5, 7, 7, 11]}).to_csv(tmp_path / "sub.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    assert grader.score(tmp_path / "sub.csv") == pytest.approx((2 / 3 + 2 / 3) / 4)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'Id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'Predicted'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("NaN value", "column 'Predicted' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 13 rows"),
    ("extra row", "wrong row count: expected 13 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "Id", "Predicted")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
