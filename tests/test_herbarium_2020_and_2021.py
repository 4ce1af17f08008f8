"""herbarium-2020-fgvc7 and herbarium-2021-fgvc8, which MLE-bench prepares alike: its
per-category 80/20 split of Kaggle's COCO-style metadata (small categories by its rule, test
images shuffled by Random(0) and renumbered) and macro F1, on each competition's own synthetic
raw files. They differ in the folder Kaggle's download unpacks to and the metadata's encoding."""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission


@dataclass(frozen=True)
class Herbarium:
    cid: str
    #: Where Kaggle's train/ and test/ are in the download ("." for the top level).
    root: str
    #: How Kaggle's train metadata.json is encoded (2020's is not valid UTF-8).
    encoding: str
    #: The public folder's entries besides description.md and sample_submission.csv.
    folders: tuple[str, ...]


HERBARIA = [Herbarium("herbarium-2020-fgvc7", "nybg2020", "latin-1", ("nybg2020",)),
            Herbarium("herbarium-2021-fgvc8", ".", "utf-8", ("test", "train"))]


@pytest.fixture(scope="module", params=HERBARIA, ids=lambda h: h.cid)
def herbarium(request: pytest.FixtureRequest) -> Herbarium:
    return request.param


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, herbarium: Herbarium) -> Prepared:
    return prepare_one(tmp_path_factory, herbarium.cid)


def expected_split(metadata: dict) -> tuple[list[dict], list[dict]]:
    """MLE-bench's split recomputed: the train images by category, the test images shuffled."""
    groups: dict[int, list[dict]] = {}
    for annotation, image in zip(metadata["annotations"], metadata["images"], strict=True):
        category = annotation["category_id"]
        groups.setdefault(category, []).append({**image, "category": category})
    train, test = [], []
    for images in groups.values():
        if len(images) == 1:
            kept, held = images, []
        elif len(images) < 5:
            kept, held = images[:-1], images[-1:]
        else:
            kept, held = train_test_split(images, test_size=0.2, random_state=0)
        train += kept
        test += held
    random.Random(0).shuffle(test)
    return train, test


def test_the_split_is_mlebench_s(prepared: Prepared, herbarium: Herbarium) -> None:
    raw, public = prepared.raw / herbarium.root, prepared.data.public / herbarium.root
    metadata = json.loads((raw / "train/metadata.json").read_text(encoding=herbarium.encoding))
    train, test = expected_split(metadata)
    new_train = json.loads((public / "train/metadata.json").read_text())
    assert [image["id"] for image in new_train["images"]] == [image["id"] for image in train]
    assert [a["image_id"] for a in new_train["annotations"]] == [image["id"] for image in train]
    assert sorted(new_train) == sorted(metadata)
    new_test = json.loads((public / "test/metadata.json").read_text())
    assert sorted(new_test) == ["images", "info", "licenses"]
    assert [image["id"] for image in new_test["images"]] == [str(i) for i in range(len(test))]
    answers = text(prepared.data.answers_path)
    assert answers["Predicted"].tolist() == [str(image["category"]) for image in test]
    assert text(prepared.sample_path).equals(answers.assign(Predicted="0"))
    for i, image in enumerate(test):  # the same scan, hard-linked under its new number
        assert os.path.samefile(public / "test" / f"images/{i // 1000:03d}/{i}.jpg",
                                raw / "train" / image["file_name"])
    for image in train:
        assert os.path.samefile(public / "train" / image["file_name"], raw / "train" / image["file_name"])
    assert len(test) == 15 and sorted(p.name for p in prepared.data.public.iterdir()) == sorted([
        "description.md", "sample_submission.csv", *herbarium.folders])


def test_the_sample_scores_zero_and_the_answers_one(prepared: Prepared, tmp_path: Path) -> None:
    assert prepared.score(prepared.sample_path) == 0.0
    text(prepared.data.answers_path).iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


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
    ("missing row", "wrong row count: expected 15 rows"),
    ("extra row", "wrong row count: expected 15 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "Id", "Predicted")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_a_class_that_is_not_a_whole_number_is_refused(prepared: Prepared, tmp_path: Path) -> None:
    sample = text(prepared.sample_path)
    sample.assign(Predicted=["abc", *sample["Predicted"][1:]]).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InvalidSubmission, match="Predicted"):
        prepared.score(tmp_path / "bad.csv")
