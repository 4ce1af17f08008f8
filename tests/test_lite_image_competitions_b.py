"""Six image and audio competitions of the lite split, prepared from Kaggle-shaped raw folders.

Each raw folder is made by the competition's synthetic.py in Kaggle's layout (tiny PNG, JPEG and BMP
images, short WAV and AIFF clips, TFRecord files, nested zips where Kaggle nests them)
and prepared through the real DataStore. The checks are what a user relies on: the
agent's side holds no answers, the shipped sample submission is valid, the truth scores
best, a malformed file is refused with its reason, the score is the metric's textbook
value, the test set is the one MLE-bench's rule picks from the same input, images are
linked rather than copied, and a preparation cut short and run again ends with the same
bytes.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import SAMPLE_NAME, Prepared, prepare_all, synthetic
from PIL import Image
from scipy.stats import rankdata
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.grading.validate import InvalidSubmission, read_csv, score

PLANT_LABELS = synthetic("plant-pathology-2020-fgvc7").LABELS
RANZCR_LABELS = synthetic("ranzcr-clip-catheter-line-classification").LABELS
SIIM = synthetic("siim-isic-melanoma-classification")
SIIM_TEST_RECORDS, siim_records = SIIM.TEST_RECORDS, SIIM.records
WHALE_DAYS = synthetic("the-icml-2013-whale-challenge-right-whale-redux").DAYS

# -- the metrics, computed from their definitions ---------------------------------------------

def _auc(truth: np.ndarray, scores: np.ndarray) -> float:
    """Mann-Whitney: the share of (positive, negative) pairs the scores order right, ties half."""
    ranks = rankdata(scores)
    positive = truth == 1
    n_pos, n_neg = positive.sum(), (~positive).sum()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _mean_auc(truth: pd.DataFrame, scores: pd.DataFrame) -> float:
    return float(np.mean([_auc(truth[c].to_numpy(), scores[c].to_numpy()) for c in truth.columns]))


def _rmse(truth: pd.DataFrame, scores: pd.DataFrame) -> float:
    return float(np.sqrt(np.mean((truth.to_numpy() - scores.to_numpy()) ** 2)))


# -- preparing every case through the DataStore -------------------------------------------------

@dataclass(frozen=True)
class Case:
    #: The metric from its definition: (truth, predictions) with the target columns, rows aligned
    #: (a mean over one column is that column's value).
    metric: Callable[[pd.DataFrame, pd.DataFrame], float]


CASES = {
    "denoising-dirty-documents": Case(_rmse),
    "mlsp-2013-birds": Case(_mean_auc),
    "plant-pathology-2020-fgvc7": Case(_mean_auc),
    "ranzcr-clip-catheter-line-classification": Case(_mean_auc),
    "siim-isic-melanoma-classification": Case(_mean_auc),
    "the-icml-2013-whale-challenge-right-whale-redux": Case(_mean_auc),
}


@pytest.fixture(scope="module")
def prepared_all(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Prepared]:
    return prepare_all(tmp_path_factory.mktemp("raw"), tmp_path_factory.mktemp("data"),
                       {cid: synthetic(cid).build for cid in CASES})


@pytest.fixture(params=list(CASES))
def prepared(request: pytest.FixtureRequest, prepared_all: dict[str, Prepared]) -> Prepared:
    return prepared_all[request.param]


def _tree(root: Path, leave_out: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in leave_out}


def _zip_members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist() if not info.is_dir()}


def _same_file(a: Path, b: Path) -> bool:
    return os.stat(a).st_ino == os.stat(b).st_ino


# -- every competition ------------------------------------------------------------------------------

def test_public_side_holds_no_answers(prepared: Prepared) -> None:
    public, private = prepared.data.public, prepared.data.private
    assert {p.name for p in private.iterdir()} == {"answers.csv"}
    assert (public / "description.md").is_file()
    assert not [p for p in public.rglob("*") if p.name == "answers.csv" or p.name.endswith(".partial")]
    spec = prepared.competition.grading_spec()
    # The scored columns first (ranzcr's answers keep all eleven labels, for its kaggle-labels variant).
    assert list(prepared.answers.columns)[: len(spec.columns)] == list(spec.columns)
    # No public table names a test id together with a target column.
    test_ids = set(prepared.answers[spec.id_column])
    for table in public.rglob("*.csv"):
        frame = read_csv(table)
        if spec.id_column in frame and set(spec.target_columns) & set(frame.columns):
            assert SAMPLE_NAME.fullmatch(table.name) or not test_ids & set(frame[spec.id_column])


def test_sample_submission_is_valid_and_lists_the_test_ids(prepared: Prepared) -> None:
    spec = prepared.competition.grading_spec()
    sample = read_csv(prepared.sample_path)
    assert list(sample.columns) == list(spec.columns)
    assert sorted(sample[spec.id_column]) == sorted(prepared.answers[spec.id_column])
    assert np.isfinite(prepared.score(prepared.sample_path))


def test_answers_submitted_score_best(prepared: Prepared, tmp_path: Path) -> None:
    path = tmp_path / "submission.csv"
    columns = list(prepared.competition.grading_spec().columns)
    prepared.answers[columns].sample(frac=1, random_state=1).to_csv(path, index=False)  # any row order
    assert prepared.score(path) == pytest.approx(prepared.best_score, abs=1e-12)


def test_score_is_the_metric_from_its_definition(prepared: Prepared, tmp_path: Path) -> None:
    spec = prepared.competition.grading_spec()
    answers = prepared.answers
    targets = list(spec.target_columns)
    guesses = pd.DataFrame(np.random.default_rng(5).random((len(answers), len(targets))), columns=targets)
    path = tmp_path / "submission.csv"
    pd.concat([answers[[spec.id_column]], guesses], axis=1).to_csv(path, index=False)
    expected = CASES[prepared.competition.id].metric(answers[targets].astype(float), guesses)
    assert prepared.score(path) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns"),
    ("NaN value", "missing or NaN values"),
    ("missing row", "wrong row count"),
])
def test_malformed_submission_is_refused_with_reason(
    prepared: Prepared, tmp_path: Path, kind: str, reason: str
) -> None:
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score_broken_sample(kind, tmp_path, target_index=-1)


class _Crash(RuntimeError):
    """The stand-in for a kill, a full disk or a lost mount in the middle of preparing."""


def _cut_after(patch: pytest.MonkeyPatch, limit: int) -> None:
    """Raise _Crash at the raw file read or placed after the first ``limit``."""
    calls = itertools.count(1)

    def cutting(original: Callable[..., object]) -> Callable[..., object]:
        def cut(self: RawImages, *args: object) -> object:
            if next(calls) > limit:
                raise _Crash
            return original(self, *args)
        return cut

    for name in ("put", "open_file"):
        patch.setattr(RawImages, name, cutting(getattr(RawImages, name)))


@pytest.mark.parametrize("cid", list(CASES))
def test_interrupted_prepare_resumes_to_the_same_bytes(
    prepared_all: dict[str, Prepared], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cid: str
) -> None:
    """Cut twice after a few raw files (every raw file is read through RawImages.put or open_file),
    then run to the end in the same folders: the result is the uninterrupted DataStore's, byte for byte."""
    p = prepared_all[cid]
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir()
    private.mkdir()
    prepare = p.competition.module("prepare").prepare
    for limit in (2, 5):
        with monkeypatch.context() as patch:
            _cut_after(patch, limit)
            with pytest.raises(_Crash):
                prepare(p.raw, public, private)
    prepare(p.raw, public, private)
    assert _tree(public) == _tree(p.data.public, leave_out=("description.md",))
    assert _tree(private) == _tree(p.data.private)


# -- each competition's split, against MLE-bench's rule applied to the same raw input -------------

def test_denoising_holds_out_a_fifth_of_the_pages_and_answers_every_pixel(
    prepared_all: dict[str, Prepared]
) -> None:
    p = prepared_all["denoising-dirty-documents"]
    noisy = {k.removeprefix("train/"): v for k, v in _zip_members(p.raw / "train.zip").items()}
    clean = {k.removeprefix("train_cleaned/"): v
             for k, v in _zip_members(p.raw / "train_cleaned.zip").items()}
    train, test = train_test_split(sorted(noisy), test_size=0.2, random_state=0)
    assert _tree(p.data.public / "test") == {page: noisy[page] for page in sorted(test)}
    assert _tree(p.data.public / "train") == {page: noisy[page] for page in sorted(train)}
    assert _tree(p.data.public / "train_cleaned") == {page: clean[page] for page in sorted(train)}

    # MLE-bench's answers.csv: pages in name order, pixels row by row, level / 255, written by pandas.
    pixels = []
    for page in sorted(test):
        levels = np.asarray(Image.open(io.BytesIO(clean[page])))
        stem = page.removesuffix(".png")
        pixels += [(f"{stem}_{r + 1}_{c + 1}", levels[r, c] / 255.0)
                   for r in range(levels.shape[0]) for c in range(levels.shape[1])]
    expected = pd.DataFrame(pixels, columns=["id", "value"])
    assert p.data.answers_path.read_text() == expected.to_csv(index=False)
    sample = read_csv(p.sample_path)
    assert sample["id"].tolist() == expected["id"].tolist() and set(sample["value"]) == {"1"}


def test_mlsp_tests_on_a_fifth_of_kaggles_training_fold_renumbered(prepared_all: dict[str, Prepared]) -> None:
    p = prepared_all["mlsp-2013-birds"]
    public = p.data.public
    recs = pd.read_csv(p.raw / "recordings.csv", dtype={"labels": str}, keep_default_na=False)
    kept = recs[recs["fold"] == 0].reset_index(drop=True)
    # pandas' sample(frac, random_state): the first round(frac * n) of RandomState(seed).permutation(n).
    test = np.sort(np.random.RandomState(0).permutation(len(kept))[:round(0.2 * len(kept))])

    folds = pd.read_csv(public / "essential_data" / "CVfolds_2.txt")
    assert folds["rec_id"].tolist() == list(range(len(kept)))
    assert np.flatnonzero(folds["fold"].to_numpy() == 1).tolist() == test.tolist()
    names = pd.read_csv(public / "essential_data" / "rec_id2filename.txt", dtype=str)
    assert names["filename"].tolist() == kept["filename"].tolist()
    lines = (public / "essential_data" / "rec_labels_test_hidden.txt").read_text().splitlines()
    expected = ["rec_id,[labels]"] + [
        f"{i},?" if i in test else (f"{i},{lab}" if lab else str(i)) for i, lab in enumerate(kept["labels"])]
    assert lines == expected

    new_id = dict(zip(kept["rec_id"], range(len(kept)), strict=True))
    features = (public / "supplemental_data" / "segment_features.txt").read_text().splitlines()
    assert features[0] == "rec_id,segment_id,[feature vector]"  # each file keeps its own header
    assert {int(line.split(",")[0]) for line in features[1:]} <= set(new_id.values())
    assert {f.name for f in (public / "essential_data" / "src_wavs").iterdir()} == {
        f"{name}.wav" for name in kept["filename"]}
    assert not (public / "README.txt").exists()

    answers = p.answers
    truth = {new_id[r]: {int(s) for s in lab.split(",") if s}
             for r, lab in kept[["rec_id", "labels"]].itertuples(index=False)}
    assert answers["Id"].tolist() == [str(100 * r + s) for r in test for s in range(19)]
    assert answers["Probability"].tolist() == [str(int(s in truth[r])) for r in test for s in range(19)]


def test_plant_pathology_holds_out_a_tenth_renamed(prepared_all: dict[str, Prepared]) -> None:
    p = prepared_all["plant-pathology-2020-fgvc7"]
    labelled = pd.read_csv(p.raw / "train.csv", dtype=str)
    train, test = train_test_split(labelled, test_size=0.1, random_state=0)
    public_train = pd.read_csv(p.data.public / "train.csv", dtype=str)
    assert public_train["image_id"].tolist() == [f"Train_{i}" for i in range(len(train))]
    assert public_train[PLANT_LABELS].equals(train[PLANT_LABELS].reset_index(drop=True))
    assert p.answers["image_id"].tolist() == [f"Test_{i}" for i in range(len(test))]
    assert p.answers[PLANT_LABELS].equals(test[PLANT_LABELS].reset_index(drop=True))
    assert pd.read_csv(p.data.public / "test.csv").columns.tolist() == ["image_id"]
    images = p.data.public / "images"
    assert len(list(images.iterdir())) == len(labelled)  # Kaggle's own test images are not shipped
    for side, frame in (("Train", train), ("Test", test)):
        for i, old in enumerate(frame["image_id"]):
            assert _same_file(images / f"{side}_{i}.jpg", p.raw / "images" / f"{old}.jpg")


def test_ranzcr_holds_out_a_tenth_and_submits_mlebench_nine_labels(prepared_all: dict[str, Prepared]) -> None:
    p = prepared_all["ranzcr-clip-catheter-line-classification"]
    public = p.data.public
    labelled = pd.read_csv(p.raw / "train.csv", dtype=str)
    train, test = train_test_split(labelled, test_size=0.1, random_state=0)
    assert pd.read_csv(public / "train.csv", dtype=str).equals(train.reset_index(drop=True))
    assert p.answers.equals(test[["StudyInstanceUID", *RANZCR_LABELS]].reset_index(drop=True))
    sample = read_csv(public / "sample_submission.csv")
    assert list(sample.columns) == ["StudyInstanceUID", *RANZCR_LABELS[:9]]  # as MLE-bench's, not Kaggle's 11
    annotations = pd.read_csv(p.raw / "train_annotations.csv", dtype=str)
    kept = annotations[annotations["StudyInstanceUID"].isin(train["StudyInstanceUID"])].reset_index(drop=True)
    assert pd.read_csv(public / "train_annotations.csv", dtype=str).equals(kept)
    for side, frame in (("train", train), ("test", test)):
        uids = frame["StudyInstanceUID"]
        assert {f.name for f in (public / side).iterdir()} == {f"{uid}.jpg" for uid in uids}
        assert all(_same_file(public / side / f"{uid}.jpg", p.raw / "train" / f"{uid}.jpg") for uid in uids)


def test_ranzcr_scores_the_mean_of_mlebench_nine_aucs(prepared_all: dict[str, Prepared],
                                                    tmp_path: Path) -> None:
    """MLE-bench's grader averages the AUCs of its nine labels; a 9-column submission is valid."""
    p = prepared_all["ranzcr-clip-catheter-line-classification"]
    answers = p.answers
    rng = np.random.default_rng(5)
    submission = answers[["StudyInstanceUID"]].assign(
        **{label: rng.uniform(0, 1, len(answers)).round(3) for label in RANZCR_LABELS[:9]})
    path = tmp_path / "submission.csv"
    submission.to_csv(path, index=False)
    truth = answers[RANZCR_LABELS[:9]].astype(int)
    assert p.score(path) == pytest.approx(_mean_auc(truth, submission[RANZCR_LABELS[:9]]), rel=1e-12)
    eleven = tmp_path / "eleven.csv"
    submission.assign(**{label: 0.5 for label in RANZCR_LABELS[9:]}).to_csv(eleven, index=False)
    with pytest.raises(InvalidSubmission, match="unexpected columns"):
        p.score(eleven)


def test_ranzcr_kaggle_labels_variant_submits_and_scores_all_eleven(
    prepared_all: dict[str, Prepared], tmp_path: Path
) -> None:
    p = prepared_all["ranzcr-clip-catheter-line-classification"]
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir(), private.mkdir()
    p.competition.module("prepare").prepare(p.raw, public, private, variant="kaggle-labels")
    assert list(read_csv(public / "sample_submission.csv").columns) == ["StudyInstanceUID", *RANZCR_LABELS]
    variant = p.competition.with_variant("kaggle-labels")
    answers = read_csv(private / "answers.csv")
    rng = np.random.default_rng(6)
    submission = answers[["StudyInstanceUID"]].assign(
        **{label: rng.uniform(0, 1, len(answers)).round(3) for label in RANZCR_LABELS})
    path = tmp_path / "submission.csv"
    submission.to_csv(path, index=False)
    expected = _mean_auc(answers[RANZCR_LABELS].astype(int), submission[RANZCR_LABELS])
    assert score(path, answers, variant.grading_spec()) == pytest.approx(expected, rel=1e-12)


def test_siim_holds_out_the_images_of_two_tfrecord_files(prepared_all: dict[str, Prepared]) -> None:
    p = prepared_all["siim-isic-melanoma-classification"]
    public = p.data.public
    records = siim_records(np.random.default_rng(list(CASES).index(p.competition.id)))
    held_out = {name for file in SIIM_TEST_RECORDS for name in records[file]}
    labelled = pd.read_csv(p.raw / "train.csv", dtype=str, keep_default_na=False)
    is_test = labelled["image_name"].isin(held_out)
    assert pd.read_csv(public / "train.csv", dtype=str, keep_default_na=False).equals(
        labelled[~is_test].reset_index(drop=True))
    test = pd.read_csv(public / "test.csv", dtype=str, keep_default_na=False)
    assert test.equals(labelled.loc[is_test, test.columns].reset_index(drop=True))
    assert "target" not in test and "diagnosis" not in test
    assert p.answers.equals(labelled.loc[is_test, ["image_name", "target"]].reset_index(drop=True))

    # The other fourteen files renumbered in name order; the held-out two (they carry targets) not shipped.
    kept = [f for f in sorted(records) if f not in SIIM_TEST_RECORDS]
    shipped = sorted((public / "tfrecords").iterdir())
    assert [f.name for f in shipped] == [f"train{i:02d}-{f.split('-')[1]}" for i, f in enumerate(kept)]
    assert all(_same_file(new, p.raw / "tfrecords" / old) for new, old in zip(shipped, kept, strict=True))
    for name, side in zip(labelled["image_name"], np.where(is_test, "test", "train"), strict=True):
        assert _same_file(public / side / f"{name}.dcm", p.raw / "train" / f"{name}.dcm")
        assert _same_file(public / "jpeg" / side / f"{name}.jpg", p.raw / "jpeg" / "train" / f"{name}.jpg")
    assert len(list((public / "test").iterdir())) == len(held_out)


def test_whale_trains_on_the_first_two_days_and_tests_on_the_last_two(
    prepared_all: dict[str, Prepared]
) -> None:
    p = prepared_all["the-icml-2013-whale-challenge-right-whale-redux"]
    clips = {k.removeprefix("train2/"): v for k, v in _zip_members(p.raw / "train2.zip").items()}
    train = sorted(name for name in clips if name[:8] in WHALE_DAYS[:2])
    test = sorted(name for name in clips if name[:8] in WHALE_DAYS[2:])
    assert _zip_members(p.data.public / "train2.zip") == {
        "train2/" + re.sub(r"TRAIN\d+", f"TRAIN{i}", name): clips[name] for i, name in enumerate(train)}
    new_names = [f"{name.split('TRAIN')[0]}Test{i}.aif" for i, name in enumerate(test)]
    assert _zip_members(p.data.public / "test2.zip") == {
        f"test2/{new}": clips[old] for new, old in zip(new_names, test, strict=True)}
    assert p.answers["clip"].tolist() == new_names
    assert p.answers["probability"].tolist() == [name.removesuffix(".aif")[-1] for name in test]
