"""Six image competitions of the lite split, prepared from Kaggle-shaped raw folders.

Each raw folder is made by the competition's synthetic.py in Kaggle's layout (its file names and
columns, zipped where Kaggle zips, a few dozen tiny images drawn with numpy and saved
with Pillow) and prepared through the real DataStore. The checks are what a user relies on: the
agent's side holds no answers, the sample submission is valid, the truth scores best,
a malformed file is refused with its reason, the split is the one MLE-bench's rule
picks from the same input, each metric agrees with its formula computed here, and a
preparation cut short and run again ends with the same bytes as one run in one go.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, prepare_all, synthetic
from sklearn.model_selection import train_test_split

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.prepare import files, images
from pytest_mlebench.data.synthetic import write_folder
from pytest_mlebench.grading.validate import InvalidSubmission

CACTUS = "aerial-cactus-identification"
APTOS = "aptos2019-blindness-detection"
DOG_BREED = "dog-breed-identification"
DOGS_CATS = "dogs-vs-cats-redux-kernels-edition"
HISTO = "histopathologic-cancer-detection"
LEAF = "leaf-classification"

MAKERS: dict[str, Callable[[Path, np.random.Generator], None]] = {
    cid: synthetic(cid).build for cid in (CACTUS, APTOS, DOG_BREED, DOGS_CATS, HISTO, LEAF)}


# -- MLE-bench's split, computed here from the raw files ------------------------------------

@dataclass(frozen=True)
class Expected:
    #: Public and private CSV files (relative to the prepared root) as text frames.
    csvs: dict[str, pd.DataFrame]
    #: Every image of the public side (relative path) and the raw bytes it must hold.
    images: dict[str, bytes]


def _text_csv(source: Path | io.BytesIO) -> pd.DataFrame:
    return pd.read_csv(source, dtype=str, keep_default_na=False)


def _members(archive: Path, folder: str) -> dict[str, bytes]:
    """The files in ``folder/`` of the archive (all of its files when ``folder`` is empty)."""
    prefix = f"{folder}/" if folder else ""
    with zipfile.ZipFile(archive) as zf:
        return {n.removeprefix(prefix): zf.read(n) for n in zf.namelist()
                if n.startswith(prefix) and not n.endswith("/")}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(str).reset_index(drop=True)


def _one_hot(ids: pd.Series, labels: pd.Series, classes: list[str]) -> pd.DataFrame:
    return _as_text(pd.DataFrame({"id": ids, **{c: (labels == c).astype(int) for c in classes}}))


def _uniform(ids: pd.Series, id_column: str, columns: list[str], value: float) -> pd.DataFrame:
    return _as_text(pd.DataFrame({id_column: ids, **dict.fromkeys(columns, value)}))


def _placed(train: dict[str, str], test: dict[str, str], raw_files: dict[str, bytes]) -> dict[str, bytes]:
    return {dest: raw_files[src] for mapping in (train, test) for src, dest in mapping.items()}


def expect_cactus(raw: Path) -> Expected:
    train, test = train_test_split(_text_csv(raw / "train.csv"), test_size=0.19, random_state=0)
    return Expected(
        {"public/train.csv": _as_text(train), "private/answers.csv": _as_text(test),
         "public/sample_submission.csv": _uniform(test["id"], "id", ["has_cactus"], 0.5)},
        # As in MLE-bench: only the archives, the tiles at their top level.
        _placed({i: f"public/train.zip/{i}" for i in train["id"]},
                {i: f"public/test.zip/{i}" for i in test["id"]}, _members(raw / "train.zip", "train")))


def expect_aptos(raw: Path) -> Expected:
    train, test = train_test_split(_text_csv(raw / "train.csv"), test_size=0.1, random_state=0)
    return Expected(
        {"public/train.csv": _as_text(train), "public/test.csv": _as_text(test[["id_code"]]),
         "private/answers.csv": _as_text(test),
         "public/sample_submission.csv": _uniform(test["id_code"], "id_code", ["diagnosis"], 0)},
        _placed({f"{i}.png": f"public/train_images/{i}.png" for i in train["id_code"]},
                {f"{i}.png": f"public/test_images/{i}.png" for i in test["id_code"]},
                _files(raw / "train_images")))


def expect_dog_breed(raw: Path) -> Expected:
    breeds = list(Competition.from_folder(catalog_root() / DOG_BREED).target_columns)
    train, test = train_test_split(_text_csv(raw / "labels.csv"), test_size=0.1, random_state=0)
    return Expected(
        {"public/labels.csv": _as_text(train),
         "private/answers.csv": _one_hot(test["id"], test["breed"], breeds),
         "public/sample_submission.csv": _uniform(test["id"], "id", breeds, 1 / 120)},
        _placed({f"{i}.jpg": f"public/train/{i}.jpg" for i in train["id"]},
                {f"{i}.jpg": f"public/test/{i}.jpg" for i in test["id"]}, _files(raw / "train")))


def expect_dogs_cats(raw: Path) -> Expected:
    photos = _members(raw / "train.zip", "train")
    train, test = train_test_split(sorted(photos), test_size=0.1, random_state=0)
    renamed = {}
    for animal in ("cat", "dog"):
        mine = [name for name in train if name.startswith(f"{animal}.")]
        renamed |= {name: f"{animal}.{k}.jpg" for k, name in enumerate(mine)}
    numbered = {name: f"{k}.jpg" for k, name in enumerate(test, start=1)}
    ids = pd.Series(range(1, len(test) + 1))
    answers = pd.DataFrame({"id": ids, "label": [int(name.startswith("dog.")) for name in test]})
    # As in MLE-bench: the folders and the same files again in train.zip and test.zip.
    placed = {}
    for side, names in (("train", renamed), ("test", numbered)):
        for form in (side, f"{side}.zip"):
            placed |= _placed({src: f"public/{form}/{dest}" for src, dest in names.items()}, {}, photos)
    return Expected(
        {"private/answers.csv": _as_text(answers),
         "public/sample_submission.csv": _uniform(ids, "id", ["label"], 0.5)},
        placed)


def expect_histo(raw: Path) -> Expected:
    labels = _text_csv(raw / "train_labels.csv")
    n_test = len(list((raw / "test").glob("*.tif")))
    train_ids, test_ids = train_test_split(labels["id"], test_size=n_test / (len(labels) + n_test),
                                           random_state=0)
    train, test = labels[labels["id"].isin(train_ids)], labels[labels["id"].isin(test_ids)]
    return Expected(
        {"public/train_labels.csv": _as_text(train), "private/answers.csv": _as_text(test),
         "public/sample_submission.csv": _uniform(test["id"], "id", ["label"], 0)},
        _placed({f"{i}.tif": f"public/train/{i}.tif" for i in train["id"]},
                {f"{i}.tif": f"public/test/{i}.tif" for i in test["id"]}, _files(raw / "train")))


def expect_leaf(raw: Path) -> Expected:
    species = list(Competition.from_folder(catalog_root() / LEAF).target_columns)
    train, test = train_test_split(_text_csv(raw / "train.csv.zip"), test_size=0.1, random_state=0)
    return Expected(
        {"public/train.csv": _as_text(train), "public/test.csv": _as_text(test.drop(columns="species")),
         "private/answers.csv": _one_hot(test["id"], test["species"], species),
         "public/sample_submission.csv": _uniform(test["id"], "id", species, 1 / 99)},
        _placed({f"{i}.jpg": f"public/images/{i}.jpg" for i in train["id"]},
                {f"{i}.jpg": f"public/images/{i}.jpg" for i in test["id"]},
                _members(raw / "images.zip", "images")))


EXPECT: dict[str, Callable[[Path], Expected]] = {
    CACTUS: expect_cactus, APTOS: expect_aptos, DOG_BREED: expect_dog_breed, DOGS_CATS: expect_dogs_cats,
    HISTO: expect_histo, LEAF: expect_leaf,
}
#: The public folder of each competition's test images (leaf keeps them with the training ones).
TEST_IMAGES = {CACTUS: "test.zip", APTOS: "test_images", DOG_BREED: "test", DOGS_CATS: "test", HISTO: "test"}
LABEL_COLUMNS = {CACTUS: "has_cactus", APTOS: "diagnosis", DOG_BREED: "breed", DOGS_CATS: "label",
                 HISTO: "label", LEAF: "species"}


# -- preparing ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def prepared_all(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Prepared]:
    return prepare_all(tmp_path_factory.mktemp("raw"), tmp_path_factory.mktemp("data"), MAKERS)


@pytest.fixture(params=list(MAKERS))
def prepared(request: pytest.FixtureRequest, prepared_all: dict[str, Prepared]) -> Prepared:
    return prepared_all[request.param]


#: Files the DataStore adds around a prepare's own output.
HARNESS_FILES = frozenset({"manifest.json", "stats.json", "public/description.md"})


def _tree(root: Path, skip: frozenset[str] = frozenset()) -> dict[str, bytes]:
    """Every file under root (relative posix path) and its bytes; a zip archive's files appear
    as ``<archive path>/<member>``."""
    tree = {}
    for p in sorted(root.rglob("*")):
        relative = p.relative_to(root).as_posix()
        if not p.is_file() or relative in skip:
            continue
        if p.suffix == ".zip":
            tree |= {f"{relative}/{name}": data for name, data in _members(p, "").items()}
        else:
            tree[relative] = p.read_bytes()
    return tree


def _prepare_into(competition: Competition, raw: Path, root: Path) -> None:
    for side in ("public", "private"):
        (root / side).mkdir(parents=True, exist_ok=True)
    competition.module("prepare").prepare(raw, root / "public", root / "private")


# -- every competition --------------------------------------------------------------------------

def test_public_side_holds_no_answers(prepared: Prepared) -> None:
    cid = prepared.competition.id
    public, private = prepared.data.public, prepared.data.private
    assert {p.name for p in private.iterdir()} == {"answers.csv"}
    assert "answers.csv" not in {p.name for p in public.rglob("*")}
    assert (public / "description.md").is_file()
    if (public / "test.csv").is_file():
        assert LABEL_COLUMNS[cid] not in _text_csv(public / "test.csv").columns
    spec = prepared.competition.grading_spec()
    test_ids = set(prepared.answers[spec.id_column])
    if cid in TEST_IMAGES:  # the test images are named by their id and nothing else
        where = public / TEST_IMAGES[cid]
        names = list(_members(where, "")) if where.suffix == ".zip" else [p.name for p in where.iterdir()]
        assert len(names) == len(test_ids)
        assert all(name in test_ids or name.rsplit(".", 1)[0] in test_ids for name in names)
    assert set(spec.columns) <= set(prepared.answers.columns)


def test_sample_submission_is_valid(prepared: Prepared) -> None:
    assert np.isfinite(prepared.score(prepared.sample_path))


def test_answers_submitted_score_best(prepared: Prepared, tmp_path: Path) -> None:
    spec = prepared.competition.grading_spec()
    path = tmp_path / "submission.csv"
    prepared.answers[list(spec.columns)].to_csv(path, index=False)
    assert prepared.score(path) == pytest.approx(prepared.best_score, abs=1e-9)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns"),
    ("NaN value", "missing or NaN values"),
    ("missing row", "wrong row count"),
    ("extra row", "wrong row count"),
])
def test_malformed_submission_is_refused_with_reason(
    prepared: Prepared, tmp_path: Path, kind: str, reason: str
) -> None:
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score_broken_sample(kind, tmp_path)


def test_split_is_mlebench_rule_applied_to_raw_files(prepared: Prepared) -> None:
    expected = EXPECT[prepared.competition.id](prepared.raw)
    root = prepared.data.root
    assert {p.relative_to(root).as_posix() for p in root.rglob("*.csv")} == set(expected.csvs)
    for relative, frame in expected.csvs.items():
        assert _text_csv(root / relative).equals(frame), relative
    public = _tree(prepared.data.public)
    assert {f"public/{k}": v for k, v in public.items() if not k.endswith((".csv", ".md"))} == expected.images


# -- metrics against their formulas, computed here ---------------------------------------------

def _roc_auc(truth: np.ndarray, pred: np.ndarray) -> float:
    """The share of (positive, negative) pairs ranked right, ties counting half."""
    pos, neg = pred[truth[:, 0] == 1, 0], pred[truth[:, 0] == 0, 0]
    return float(((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])).mean())


def _quadratic_kappa(truth: np.ndarray, pred: np.ndarray) -> float:
    """scikit-learn's (MLE-bench's) definition: weights between the positions of the labels
    that occur, sorted."""
    labels, codes = np.unique(np.concatenate([truth[:, 0], pred[:, 0]]), return_inverse=True)
    t, p, k = codes[: len(truth)], codes[len(truth):], len(labels)
    observed = np.zeros((k, k))
    np.add.at(observed, (t, p), 1)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / len(t)
    weights = (np.arange(k)[:, None] - np.arange(k)[None, :]) ** 2
    return float(1 - (weights * observed).sum() / (weights * expected).sum())


#: scikit-learn's log loss (MLE-bench's) clips at the float64 machine epsilon.
EPS = 2.0**-52


def _multiclass_log_loss(truth: np.ndarray, pred: np.ndarray) -> float:
    p = np.clip(pred, EPS, 1 - EPS)
    return float(-np.mean(np.log((p * truth).sum(axis=1))))


def _binary_log_loss(truth: np.ndarray, pred: np.ndarray) -> float:
    y, p, q = truth[:, 0], np.clip(pred[:, 0], EPS, 1 - EPS), np.clip(1 - pred[:, 0], EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(q)))


FORMULAS = {"roc_auc": _roc_auc, "quadratic_weighted_kappa": _quadratic_kappa,
            "multiclass_log_loss": _multiclass_log_loss, "binary_log_loss": _binary_log_loss}


def test_metric_agrees_with_its_formula(prepared: Prepared, tmp_path: Path) -> None:
    spec = prepared.competition.grading_spec()
    rng = np.random.default_rng(3)
    answers = prepared.answers
    n, columns = len(answers), list(spec.target_columns)
    if spec.metric.value_type == "integer":
        pred = rng.integers(0, 5, (n, len(columns))).astype(float)
    else:
        pred = rng.uniform(0.02, 0.98, (n, len(columns))).round(4)
    if spec.metric.value_type == "distribution":  # rows must sum to 1 (within 1e-6 + 1e-5)
        pred = pred / pred.sum(axis=1, keepdims=True)
    submission = pd.DataFrame(pred, columns=columns)
    submission.insert(0, spec.id_column, answers[spec.id_column])
    path = tmp_path / "submission.csv"
    submission.sample(frac=1, random_state=1).to_csv(path, index=False)  # rows in another order
    truth = answers[columns].astype(float).to_numpy()
    assert prepared.score(path) == pytest.approx(FORMULAS[spec.metric.name](truth, pred), rel=1e-9)


# -- resumable and link-based preparation --------------------------------------------------------

def test_interrupted_prepare_resumes_to_identical_bytes(
    prepared: Prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cut short after a few files, as a crash in the middle of one would leave it, then run again."""
    put = images.RawImages.put
    calls = {"n": 0}

    def crash_after_five(self: images.RawImages, key: str, dest: Path) -> None:
        calls["n"] += 1
        if calls["n"] > 5:
            files.partial_path(dest).write_bytes(b"half a file")
            raise KeyboardInterrupt
        put(self, key, dest)

    open_file = images.RawImages.open_file

    def crash_after_five_read(self: images.RawImages, key: str) -> IO[bytes]:
        calls["n"] += 1
        if calls["n"] > 5:
            raise KeyboardInterrupt
        return open_file(self, key)

    monkeypatch.setattr(images.RawImages, "put", crash_after_five)
    monkeypatch.setattr(images.RawImages, "open_file", crash_after_five_read)  # archives being packed
    with pytest.raises(KeyboardInterrupt):
        _prepare_into(prepared.competition, prepared.raw, tmp_path)
    placed = [p for p in tmp_path.rglob("*") if p.suffix in (".jpg", ".png", ".tif")]
    # Five files placed, or an archive being packed from five of them and not shown yet.
    assert len(placed) == 5 if prepared.competition.id != CACTUS else not list(tmp_path.rglob("*.zip"))
    monkeypatch.setattr(images.RawImages, "put", put)
    monkeypatch.setattr(images.RawImages, "open_file", open_file)
    _prepare_into(prepared.competition, prepared.raw, tmp_path)

    reference = _tree(prepared.data.root, skip=HARNESS_FILES)
    assert _tree(tmp_path) == reference
    assert not [p for p in tmp_path.rglob("*.partial")]


@pytest.mark.parametrize("cid", [APTOS, DOG_BREED, HISTO])
def test_unpacked_images_are_hard_links_not_copies(prepared_all: dict[str, Prepared], cid: str) -> None:
    p = prepared_all[cid]
    raw_inodes = {f.stat().st_ino for f in p.raw.rglob("*") if f.is_file()}
    placed = [f for f in p.data.public.rglob("*") if f.is_file() and f.suffix in (".png", ".jpg", ".tif")]
    assert placed and all(f.stat().st_ino in raw_inodes for f in placed)


@pytest.mark.parametrize("cid", [CACTUS, DOGS_CATS])
def test_unpacked_archive_prepares_the_same_files(
    prepared_all: dict[str, Prepared], cid: str, tmp_path: Path
) -> None:
    """Kaggle zips the images; a raw folder with them already unpacked gives the same result."""
    p = prepared_all[cid]
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in p.raw.iterdir():
        if f.name == "train.zip":
            with zipfile.ZipFile(f) as zf:
                zf.extractall(raw)
        else:
            os.link(f, raw / f.name)
    (raw / "train.zip").write_bytes(b"not used: the folder comes first")
    _prepare_into(p.competition, raw, tmp_path / "prepared")
    reference = _tree(p.data.root, skip=HARNESS_FILES)
    assert _tree(tmp_path / "prepared") == reference


def test_a_label_without_its_image_stops_before_anything_is_placed(
    prepared_all: dict[str, Prepared], tmp_path: Path
) -> None:
    p = prepared_all[HISTO]
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in p.raw.iterdir():
        if f.is_file():
            os.link(f, raw / f.name)
    write_folder(raw / "test", _files(p.raw / "test"))
    write_folder(raw / "train", dict(list(_files(p.raw / "train").items())[1:]))
    with pytest.raises(FileNotFoundError, match="lacks 1 files"):
        _prepare_into(p.competition, raw, tmp_path / "prepared")
    assert not list((tmp_path / "prepared" / "public").iterdir())


def test_write_once_shows_a_file_only_complete_and_never_rewrites_it(tmp_path: Path) -> None:
    path = tmp_path / "out" / "answers.csv"

    def half_then_crash(tmp: Path) -> None:
        tmp.write_text("id,label\n1,")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        files.write_once(path, half_then_crash)
    assert list(path.parent.iterdir()) == []
    files.write_once(path, lambda tmp: tmp.write_text("id,label\n1,0\n"))
    files.write_once(path, lambda tmp: tmp.write_text("something else\n"))
    assert path.read_text() == "id,label\n1,0\n"


def test_link_or_copy_copies_where_no_link_can_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "a.jpg"
    source.write_bytes(b"jpeg bytes")

    def other_filesystem(_src: object, _dst: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(images.os, "link", other_filesystem)
    files.link_or_copy(source, tmp_path / "b.jpg")
    copied = tmp_path / "b.jpg"
    assert copied.read_bytes() == b"jpeg bytes" and copied.stat().st_ino != source.stat().st_ino
