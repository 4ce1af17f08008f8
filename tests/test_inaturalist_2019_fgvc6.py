"""inaturalist-2019-fgvc6: MLE-bench's per-species 12% split of Kaggle's train2019.json, the
COCO-style JSON files and tars it writes, and top-1 error, on the competition's own
synthetic raw files."""

from __future__ import annotations

import json
import random
import shutil
import tarfile
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "inaturalist-2019-fgvc6"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def expected_split(kaggle: dict) -> tuple[list[dict], list[dict]]:
    """MLE-bench's (train, test) image records, from its rules recomputed here."""
    by_category: dict[int, list[dict]] = {}
    for annotation, image in zip(kaggle["annotations"], kaggle["images"], strict=True):
        by_category.setdefault(annotation["category_id"], []).append(image)
    train, test = [], []
    for images in by_category.values():
        if len(images) == 1:
            kept, held_out = images, []
        elif len(images) < 5:
            kept, held_out = images[:-1], images[-1:]
        else:
            kept, held_out = train_test_split(images, test_size=0.12, random_state=0)
        train += kept
        test += held_out
    random.Random(0).shuffle(test)
    return train, test


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    kaggle = load(raw / "train2019.json")
    train, test = expected_split(kaggle)
    label = {a["image_id"]: a["category_id"] for a in kaggle["annotations"]}
    assert len(test) == 15 and len(train) + len(test) == len(kaggle["images"])

    new_train = load(public / "train2019.json")
    assert new_train["images"] == train
    assert new_train["annotations"] == [{"image_id": i["id"], "category_id": label[i["id"]], "id": i["id"]}
                                        for i in train]
    assert {k: new_train[k] for k in ("info", "categories", "licenses")} == {
        k: kaggle[k] for k in ("info", "categories", "licenses")}
    new_test = load(public / "test2019.json")
    assert sorted(new_test) == ["images", "info", "licenses"]
    assert new_test["images"] == [{**i, "file_name": "test2019/" + i["file_name"].rsplit("/", 1)[1]}
                                  for i in test]
    assert (public / "val2019.json").read_bytes() == (raw / "val2019.json").read_bytes()
    assert (public / "train2019.json").read_text().startswith('{\n    "annotations": [')  # indent 4, sorted

    assert text(prepared.data.answers_path).equals(
        pd.DataFrame({"id": [str(i["id"]) for i in test], "predicted": [str(label[i["id"]]) for i in test]}))
    sample = text(prepared.sample_path)
    assert sample["id"].equals(text(prepared.data.answers_path)["id"])
    assert set(sample["predicted"]) == {str(random.Random(42).randint(0, 1009))}
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "kaggle_sample_submission.csv", "test2019.json", "test2019.tar.gz",
        "train2019.json", "train_val2019.tar.gz", "val2019.json"]

    with tarfile.open(raw / "train_val2019.tar.gz") as source:
        for archive, images, rename in (
                ("train_val2019.tar.gz", train, lambda name: name.split("/", 1)[1]),
                ("test2019.tar.gz", test, lambda name: name.rsplit("/", 1)[1])):
            assert (public / archive).read_bytes()[:2] != b"\x1f\x8b"  # a plain tar, as MLE-bench's
            with tarfile.open(public / archive) as tar:
                assert sorted(tar.getnames()) == sorted(rename(i["file_name"]) for i in images)
                first = images[0]["file_name"]
                assert tar.extractfile(rename(first)).read() == source.extractfile(first).read()


def test_an_unpacked_photo_folder_gives_the_same_archives(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench unpacks train_val2019.tar.gz into raw/; a raw folder holding it is read as well."""
    raw = tmp_path / "raw"
    shutil.copytree(prepared.raw, raw)
    with tarfile.open(raw / "train_val2019.tar.gz") as tar:
        # The archive is the test's own; extraction filters came in Python 3.11.4 (Debian's is 3.11.2).
        tar.extractall(raw, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    (raw / "train_val2019.tar.gz").unlink()
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir(), private.mkdir()
    prepared.competition.prepare_into(raw, public, private)
    for archive in ("train_val2019.tar.gz", "test2019.tar.gz"):
        with tarfile.open(public / archive) as ours, tarfile.open(prepared.data.public / archive) as theirs:
            assert sorted(ours.getnames()) == sorted(theirs.getnames())
    assert (private / "answers.csv").read_bytes() == prepared.data.answers_path.read_bytes()


def test_the_answers_score_zero_and_the_sample_badly(prepared: Prepared, tmp_path: Path) -> None:
    answers = text(prepared.data.answers_path)
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 0.0
    assert prepared.score(prepared.sample_path) > 0.8
    # Kaggle's lists of guesses: only the first counts.
    answers.assign(predicted=answers["predicted"] + " 7 8").to_csv(tmp_path / "guesses.csv", index=False)
    assert prepared.score(tmp_path / "guesses.csv") == 0.0


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Two of four first guesses wrong: error 1/2."""
    ids = ["1", "2", "3", "4"]
    pd.DataFrame({"id": ids, "predicted": [5, 6, 7, 8]}).to_csv(tmp_path / "answers.csv", index=False)
    pd.DataFrame({"id": ids, "predicted": ["5", "6 9", "1 7", "0"]}).to_csv(tmp_path / "sub.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    assert grader.score(tmp_path / "sub.csv") == pytest.approx(1 / 2)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'predicted'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "first item is not a whole class number"),
    ("NaN value", "first item is not a whole class number"),
    ("missing row", "wrong row count: expected 15 rows"),
    ("extra row", "wrong row count: expected 15 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "id", "predicted")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
