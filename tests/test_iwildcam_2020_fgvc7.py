"""iwildcam-2020-fgvc7: MLE-bench's split of Kaggle's labelled camera-trap images by camera
location (22% by its own ratio, random_state=0, then its location moves), the COCO-style JSON
files rewritten, and accuracy, on the competition's own synthetic raw files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "iwildcam-2020-fgvc7"
TRAIN_JSON = "iwildcam2020_train_annotations.json"
TEST_JSON = "iwildcam2020_test_information.json"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    kaggle = load(raw / TRAIN_JSON)
    locations = np.array([image["location"] for image in kaggle["images"]])
    train_loc, test_loc = train_test_split(pd.unique(locations), test_size=0.22, random_state=0)
    share = lambda test: np.isin(locations, test).sum() / (len(locations) + np.isin(locations, test).sum())  # noqa: E731
    while share(test_loc) < 0.22:
        train_loc, test_loc = train_loc[:-1], np.append(test_loc, train_loc[-1])
    while share(test_loc) > 0.22:
        train_loc, test_loc = np.append(train_loc, test_loc[-1]), test_loc[:-1]
    test_images = [image for image in kaggle["images"] if image["location"] in set(test_loc)]
    train_images = [image for image in kaggle["images"] if image["location"] not in set(test_loc)]
    test_ids = {image["id"] for image in test_images}
    assert 0 < len(test_images) < len(train_images)

    new_train, new_test = load(public / TRAIN_JSON), load(public / TEST_JSON)
    assert new_train == {"annotations": [a for a in kaggle["annotations"] if a["image_id"] not in test_ids],
                         "images": train_images, "categories": kaggle["categories"], "info": kaggle["info"]}
    kaggle_test = load(raw / TEST_JSON)
    assert new_test == {"images": test_images, "categories": kaggle_test["categories"],
                        "info": kaggle_test["info"]}
    truth = [(a["image_id"], str(a["category_id"])) for a in kaggle["annotations"]
             if a["image_id"] in test_ids]
    assert text(prepared.data.answers_path).equals(pd.DataFrame(truth, columns=["Id", "Category"]))
    sample = text(prepared.sample_path)
    expected = np.random.RandomState(0).randint(0, 676, size=len(truth))
    assert sample["Id"].tolist() == [i for i, _ in truth]
    assert sample["Category"].astype(int).tolist() == list(expected)

    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "iwildcam2020_megadetector_results.json", TEST_JSON, TRAIN_JSON,
        "sample_submission.csv", "test", "train"]
    for side, chosen in (("train", train_images), ("test", test_images)):
        names = sorted(image["file_name"] for image in chosen)
        assert sorted(p.name for p in (public / side).iterdir()) == names
        assert os.path.samefile(public / side / names[0], raw / "train" / names[0])
    assert (public / "iwildcam2020_megadetector_results.json").read_bytes() == (
        raw / "iwildcam2020_megadetector_results.json").read_bytes()


def test_the_answers_score_one(prepared: Prepared, tmp_path: Path) -> None:
    text(prepared.data.answers_path).iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0
    assert prepared.score(prepared.sample_path) < 0.2


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Three of four right; 3.0 is class 3, as pandas reads it for MLE-bench's grader."""
    ids = list("abcd")
    pd.DataFrame({"Id": ids, "Category": [0, 3, 372, 0]}).to_csv(tmp_path / "answers.csv", index=False)
    pd.DataFrame({"Id": ids, "Category": ["0", "3.0", "372", "6"]}).to_csv(tmp_path / "sub.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    assert grader.score(tmp_path / "sub.csv") == pytest.approx(3 / 4)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'Id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'Category'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'Category' has 1 missing or NaN values"),
    ("NaN value", "column 'Category' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 53 rows"),
    ("extra row", "wrong row count: expected 53 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, "Id", "Category").to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
