"""facebook-recruiting-iii-keyword-extraction: MLE-bench's 90/10 split of Kaggle's Train.csv,
streamed out of Train.zip through on-disk buckets, and its micro F1 over tags, on the
competition's own synthetic raw files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import text
from sklearn.model_selection import train_test_split

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Registry
from pytest_mlebench.data.synthetic import build_raw
from pytest_mlebench.grading.grader import Grader

REGISTRY = Registry()
REGISTRY.add_catalog(catalog_root())
COMPETITION = REGISTRY.competitions["facebook-recruiting-iii-keyword-extraction"]
PREPARE = COMPETITION.module("prepare")
SAMPLE_TAGS = "javascript c# python php java"


def prepare(raw: Path, root: Path, **options: int) -> tuple[Path, Path]:
    public, private = root / "public", root / "private"
    public.mkdir(parents=True)
    private.mkdir(parents=True)
    COMPETITION.prepare_into(raw, public, private, **options)
    return public, private


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Prepared in small blocks, with buckets of a few questions: many of both."""
    root = tmp_path_factory.mktemp("facebook")
    raw = build_raw(COMPETITION, root / "raw")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(PREPARE, "BUCKET_BYTES", 3000)
        mp.setattr(PREPARE, "GATHER_BYTES", 2000)
        public, private = prepare(raw, root, block_size=5000)
    return raw, public, private



def grader(prepared: tuple[Path, Path, Path]) -> Grader:
    return COMPETITION.grader(prepared[2] / "answers.csv")


def test_the_split_is_mlebench_s(prepared: tuple[Path, Path, Path]) -> None:
    raw, public, private = prepared
    # MLE-bench's reading: pandas' missing-value markers ("null") become NaN, written back empty.
    kaggle = pd.read_csv(raw / "Train.zip", dtype=str).fillna("")
    assert (kaggle["Tags"] == "").any() and (kaggle["Title"] == "").any()
    train, test = train_test_split(kaggle, test_size=0.1, random_state=0)
    assert len(test) == 40
    # Training questions keep the file's order; the test questions come in MLE-bench's.
    assert text(public / "train.csv").equals(train.sort_index().reset_index(drop=True))
    assert text(public / "test.csv").equals(test.drop(columns=["Tags"]).reset_index(drop=True))
    assert text(private / "answers.csv").equals(test[["Id", "Tags"]].reset_index(drop=True))
    sample = test.assign(Tags=SAMPLE_TAGS).reset_index(drop=True)
    assert text(public / "sample_submission.csv").equals(sample)
    assert sorted(p.name for p in public.iterdir()) == ["sample_submission.csv", "test.csv", "train.csv"]
    assert [p.name for p in private.iterdir()] == ["answers.csv"], "the buckets are removed"


def test_blocks_and_buckets_do_not_change_the_files(prepared: tuple[Path, Path, Path],
                                                   tmp_path: Path) -> None:
    raw, public, private = prepared
    default_public, default_private = prepare(raw, tmp_path)
    for name in ("train.csv", "test.csv", "sample_submission.csv"):
        assert (default_public / name).read_bytes() == (public / name).read_bytes(), name
    assert (default_private / "answers.csv").read_bytes() == (private / "answers.csv").read_bytes()


def test_multiline_bodies_survive(prepared: tuple[Path, Path, Path]) -> None:
    raw, public, _private = prepared
    with zipfile.ZipFile(raw / "Train.zip") as zf:
        assert b"\r\n" in zf.read("Train.csv") and b"</p>\n" in zf.read("Train.csv")
    bodies = text(public / "test.csv")["Body"]
    assert bodies.str.contains("\n").all() and not bodies.str.contains("\r").any()


def test_the_sample_is_valid_and_the_answers_score_1(prepared: tuple[Path, Path, Path]) -> None:
    _raw, public, private = prepared
    assert 0 < grader(prepared).score(public / "sample_submission.csv") < 1
    assert grader(prepared).score(private / "answers.csv") == 1.0


def test_micro_f1_by_hand(prepared: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """Counts over all questions: unknown tags are dropped, a missing-value marker predicts nothing."""
    answers = text(prepared[2] / "answers.csv")
    truth = [tags.split() for tags in answers["Tags"]]
    first, second, third = truth[0], truth[1], truth[2]
    assert first and second and third
    predicted = answers["Tags"].copy()
    predicted[0] = " ".join([*first, "never-a-test-tag"])  # all right, plus a tag no answer has
    predicted[1] = "null"  # read as missing: every tag of the second question missed
    known_wrong = next(t for tags in truth for t in tags if t not in third)
    predicted[2] = " ".join([*third, known_wrong])  # one false positive
    answers.assign(Tags=predicted).iloc[::-1].to_csv(tmp_path / "mixed.csv", index=False)
    total = sum(len(tags) for tags in truth)
    tp, fp, fn = total - len(second), 1, len(second)
    assert grader(prepared).score(tmp_path / "mixed.csv") == pytest.approx(2 * tp / (2 * tp + fp + fn))
    answers.assign(Tags="").to_csv(tmp_path / "empty.csv", index=False)
    assert grader(prepared).score(tmp_path / "empty.csv") == 0.0


@pytest.mark.parametrize(("change", "reason"), [
    (lambda f: f.iloc[1:], "wrong row count"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "duplicated ids"),
    (lambda f: f.assign(Id=["0", *f["Id"][1:]]), "ids do not match"),
    (lambda f: f.rename(columns={"Tags": "tags"}), "missing columns"),
    (lambda f: f.assign(Score=1), "unexpected columns"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: tuple[Path, Path, Path], tmp_path: Path,
                                                       change, reason: str) -> None:
    change(text(prepared[1] / "sample_submission.csv")).to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (grader(prepared).check(tmp_path / "broken.csv") or "")
