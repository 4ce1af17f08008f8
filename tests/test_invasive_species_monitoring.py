"""invasive-species-monitoring: MLE-bench's 80/20 split of Kaggle's labelled photos, the CSVs
zipped, train.7z and test.7z holding an empty folder entry each as MLE-bench's do
(openai/mle-bench#122; the photos variant ships the photos as train/ and test/), and ROC AUC, on
the competition's own synthetic raw files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import py7zr
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.raw import RawSource
from pytest_mlebench.data.store import DataStore
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "invasive-species-monitoring"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


@pytest.fixture(scope="module")
def photos(prepared: Prepared, tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """The ``photos`` variant prepared through the DataStore from the same raw files."""
    data_dir = tmp_path_factory.mktemp("data")
    variant = prepared.competition.with_variant("photos")
    store = DataStore(data_dir, RawSource(data_dir, raw_dir=prepared.raw.parent))
    return Prepared(variant, prepared.raw, store.prepare(variant))


def mlebench_split(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    train, test = train_test_split(text(raw / "train_labels.csv.zip"), test_size=0.2, random_state=0)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def members(archive: Path) -> list[tuple[str, bool]]:
    """(name, is a folder) of every member of a 7z archive, in its order."""
    with py7zr.SevenZipFile(archive) as sz:
        return [(info.filename, info.is_directory) for info in sz.list()]


def prepare_again(prepared: Prepared, root: Path, **options: object) -> Path:
    """prepare() called directly into ``root/public`` (and ``root/private``): its public folder."""
    for sub in ("public", "private"):
        (root / sub).mkdir(parents=True)
    prepared.competition.module("prepare").prepare(prepared.raw, root / "public", root / "private",
                                                   **options)
    return root / "public"


def test_the_split_is_mlebench_s(prepared: Prepared, photos: Prepared) -> None:
    train, test = mlebench_split(prepared.raw)
    for case in (prepared, photos):
        public = case.data.public
        with zipfile.ZipFile(public / "train_labels.csv.zip") as zf:
            assert zf.namelist() == ["train_labels.csv"]
        assert text(public / "train_labels.csv.zip").equals(train)
        assert text(case.data.answers_path).equals(test)
        assert text(case.sample_path).equals(test.assign(invasive="0.5"))
    assert len(test) == 20


def test_the_archives_are_mlebench_s_one_folder_entry_each(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench's call, py7zr's write on the folder of photos, recomputed here: it stores the
    folder's path as given, leading "/" dropped, and no photo (openai/mle-bench#122)."""
    reference = tmp_path / "mlebench" / "public" / "train"
    reference.mkdir(parents=True)
    (reference / "1.jpg").write_bytes(b"\xff\xd8")
    with py7zr.SevenZipFile(tmp_path / "mlebench" / "train.7z", "w") as sz:
        sz.write(reference)
    assert members(tmp_path / "mlebench" / "train.7z") == [(reference.as_posix().lstrip("/"), True)]

    public = prepare_again(prepared, tmp_path / "ours")
    assert sorted(p.name for p in public.iterdir()) == [
        "sample_submission.csv.zip", "test.7z", "train.7z", "train_labels.csv.zip"]
    for side in ("train", "test"):
        assert members(public / f"{side}.7z") == [((public / side).as_posix().lstrip("/"), True)]

    # through the DataStore, the path is its staging folder's, renamed into place afterwards
    public = prepared.data.public
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv.zip", "test.7z", "train.7z", "train_labels.csv.zip"]
    staging = f"{prepared.data.root.parent.as_posix().lstrip('/')}/.staging-{prepared.data.root.name}-"
    for side in ("train", "test"):
        ((name, is_folder),) = members(public / f"{side}.7z")
        assert is_folder and name.startswith(staging) and name.endswith(f"/public/{side}")


def test_the_photos_variant_ships_the_photo_folders(photos: Prepared) -> None:
    train, test = mlebench_split(photos.raw)
    public = photos.data.public
    assert photos.data.root.name == "v2-photos"
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv.zip", "test", "train", "train_labels.csv.zip"]
    for side, names in (("train", train["name"]), ("test", test["name"])):
        assert sorted(p.name for p in (public / side).iterdir()) == sorted(f"{n}.jpg" for n in names)
    assert (public / "test" / f"{test['name'][0]}.jpg").read_bytes()[:2] == b"\xff\xd8"
    # readable by the agent's user too: py7zr extracts a member stored without a mode as 0600
    assert all(p.stat().st_mode & 0o444 == 0o444 for p in (public / "test").iterdir())


def test_the_photos_variant_links_an_unpacked_raw_folder(photos: Prepared, tmp_path: Path) -> None:
    """MLE-bench extracts train.7z into raw/; such a raw folder is read instead of the archive."""
    raw = tmp_path / "raw"
    (raw / "train").mkdir(parents=True)
    (raw / "train_labels.csv.zip").write_bytes((photos.raw / "train_labels.csv.zip").read_bytes())
    public = photos.data.public
    for side in ("train", "test"):
        for photo in (public / side).iterdir():
            (raw / "train" / photo.name).write_bytes(photo.read_bytes())
    linked = prepare_again(Prepared(photos.competition, raw, photos.data), tmp_path / "again",
                           variant="photos")
    assert sorted(p.name for p in (linked / "test").iterdir()) == sorted(
        p.name for p in (public / "test").iterdir())
    assert next((linked / "test").iterdir()).stat().st_nlink == 2


def test_an_unknown_variant_is_refused(prepared: Prepared, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown variant 'pictures'"):
        prepare_again(prepared, tmp_path, variant="pictures")


def test_the_sample_scores_one_half_and_the_answers_one(prepared: Prepared, tmp_path: Path) -> None:
    assert prepared.score(prepared.sample_path) == 0.5
    text(prepared.data.answers_path).iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """AUC: the share of (invasive, other) pairs ranked the right way, ties counting half."""
    answers = pd.DataFrame({"name": [1, 2, 3, 4], "invasive": [1, 0, 1, 0]})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    # pairs (1,2) right, (1,4) right, (3,2) tie, (3,4) wrong
    submission = pd.DataFrame({"name": [1, 2, 3, 4], "invasive": [0.9, 0.4, 0.4, 0.6]})
    submission.to_csv(tmp_path / "sub.csv", index=False)
    assert grader.score(tmp_path / "sub.csv") == pytest.approx(2.5 / 4)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'name'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'invasive'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'invasive' has 1 missing or NaN values"),
    ("NaN value", "column 'invasive' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 20 rows"),
    ("extra row", "wrong row count: expected 20 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "name", "invasive")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_a_probability_outside_0_and_1_is_refused(prepared: Prepared, tmp_path: Path) -> None:
    """As MLE-bench refuses it."""
    sample = text(prepared.sample_path)
    sample.assign(invasive=["-0.1", *sample["invasive"][1:]]).to_csv(tmp_path / "under.csv", index=False)
    with pytest.raises(InvalidSubmission, match=r"values outside \[0, 1\]"):
        prepared.score(tmp_path / "under.csv")
