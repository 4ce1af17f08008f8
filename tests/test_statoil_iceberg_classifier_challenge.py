"""statoil-iceberg-classifier-challenge: MLE-bench's 80/20 split of Kaggle's labelled radar
images (JSON lists in 7z archives, written back as json.dump writes them and compressed again)
and binary log loss, on the competition's own synthetic raw files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import py7zr
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "statoil-iceberg-classifier-challenge"
TEST_FIELDS = ["id", "band_1", "band_2", "inc_angle"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def member(archive: Path, folder: Path) -> tuple[str, bytes]:
    """The one member of a 7z archive: its name and bytes."""
    with py7zr.SevenZipFile(archive) as sz:
        (name,) = sz.getnames()
        sz.extractall(folder)
    return name, (folder / name).read_bytes()


def test_the_split_is_mlebench_s(prepared: Prepared, tmp_path: Path) -> None:
    raw, public = prepared.raw, prepared.data.public
    _, kaggle = member(raw / "train.json.7z", tmp_path / "raw")
    train, test = train_test_split(json.loads(kaggle), test_size=0.2, random_state=0)
    assert (len(train), len(test)) == (80, 20)
    assert member(public / "train.json.7z", tmp_path / "train") == ("train.json", json.dumps(train).encode())
    held_out = [{key: image[key] for key in TEST_FIELDS} for image in test]
    assert member(public / "test.json.7z", tmp_path / "test") == ("test.json", json.dumps(held_out).encode())
    answers = text(prepared.data.answers_path)
    assert answers["id"].tolist() == [image["id"] for image in test]
    assert answers["is_iceberg"].tolist() == [str(image["is_iceberg"]) for image in test]
    assert text(prepared.sample_path).equals(answers.assign(is_iceberg="0.5"))
    assert text(prepared.data.private / "sample_submission.csv").equals(text(prepared.sample_path))
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv.7z", "test.json.7z", "train.json.7z"]


def test_the_answers_score_zero_and_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    assert prepared.score(prepared.sample_path) == pytest.approx(np.log(2))
    answers = text(prepared.data.answers_path)
    answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == pytest.approx(0.0, abs=1e-12)
    # 0.8 on the truth everywhere but one confident miss (clipped to float64 eps).
    truth = answers["is_iceberg"].astype(int).to_numpy()
    guess = np.where(truth == 1, 0.8, 0.2)
    guess[0] = 1 - truth[0]
    answers.assign(is_iceberg=guess).to_csv(tmp_path / "miss.csv", index=False)
    eps = np.finfo(float).eps
    expected = ((len(truth) - 1) * -np.log(0.8) - np.log(eps)) / len(truth)
    assert prepared.score(tmp_path / "miss.csv") == pytest.approx(expected)


def test_a_probability_outside_0_1_is_refused(prepared: Prepared, tmp_path: Path) -> None:
    sample = text(prepared.sample_path)
    sample.assign(is_iceberg=["1.5", *sample["is_iceberg"][1:]]).to_csv(tmp_path / "out.csv", index=False)
    with pytest.raises(InvalidSubmission, match=r"values outside \[0, 1\]"):
        prepared.score(tmp_path / "out.csv")


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'is_iceberg'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "missing or NaN values"),
    ("NaN value", "missing or NaN values"),
    ("missing row", "wrong row count: expected 20 rows"),
    ("extra row", "wrong row count: expected 20 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "id", "is_iceberg")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_the_json_reader_takes_any_chunking_and_refuses_a_cut_list() -> None:
    """py7zr hands the decompressed list over in chunks of any size: an item may span several."""
    prepare = Competition.from_folder(catalog_root() / CID).module("prepare")
    items = [{"id": "a", "band_1": [1.5, -2.25], "inc_angle": "na"}, {"id": "b]", "x": {}}]
    data = json.dumps(items).encode()
    got: list[object] = []
    reader = prepare._ArrayItems("list.json", lambda item: got.append(item) is None)
    for start in range(0, len(data), 3):
        reader.write(data[start:start + 3])
    reader.finish()
    assert got == items
    cut = prepare._ArrayItems("list.json", lambda item: True)
    cut.write(data[:-1])
    with pytest.raises(ValueError, match="ends early or badly after 2 items"):
        cut.finish()
    with pytest.raises(ValueError, match="expected an object after 0 items"):
        prepare._ArrayItems("list.json", lambda item: True).write(b"[12, 3]")
    with pytest.raises(ValueError, match="expected a JSON list"):
        prepare._ArrayItems("list.json", lambda item: True).write(b'{"id": "a"}')
