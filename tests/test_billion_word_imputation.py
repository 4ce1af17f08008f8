"""billion-word-imputation: MLE-bench's line-by-line hold-out of train_v2.txt, a word removed from
each held-out sentence, and its mean Levenshtein grader, on the competition's synthetic raw files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, prepare_one, synthetic

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "billion-word-imputation"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def member_text(archive: Path) -> str:
    with zipfile.ZipFile(archive) as zf:
        (name,) = zf.namelist()
        assert name == archive.name.removesuffix(".zip")
        return zf.read(name).decode()


def text(path: Path | str) -> pd.DataFrame:
    return pd.read_csv(path if isinstance(path, Path) else io.StringIO(path), dtype=str,
                       keep_default_na=False)


def mlebench_split(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """MLE-bench's rule, restated: (train lines, gapped sentences, whole sentences)."""
    rng = np.random.RandomState(0)
    train, gapped, whole = [], [], []
    for line in lines:
        if rng.uniform() <= 0.01 and len(line.split()) > 2:
            words = line.strip().replace('"', '""').split()
            k = rng.randint(1, len(words) - 1)
            whole.append(" ".join(words))
            gapped.append(" ".join(words[:k] + words[k + 1:]))
        else:
            train.append(line)
    return train, gapped, whole


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public = prepared.data.public
    lines = member_text(prepared.raw / "train_v2.txt.zip").splitlines(keepends=True)
    train, gapped, whole = mlebench_split(lines)
    assert member_text(public / "train_v2.txt.zip") == "".join(train)
    expected = "".join(f'{i},"{s}"\n' for i, s in enumerate(gapped))
    assert member_text(public / "test_v2.txt.zip") == '"id","sentence"\n' + expected
    assert (public / "sample_submission.csv").read_text() == '"id","sentence"\n' + expected
    answers = "".join(f'{i},"{s}"\n' for i, s in enumerate(whole))
    assert prepared.data.answers_path.read_text() == '"id","sentence"\n' + answers
    assert 20 <= len(whole) <= 80 and len(train) + len(whole) == len(lines) == 4000
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test_v2.txt.zip", "train_v2.txt.zip"]


def test_each_test_sentence_lacks_one_inner_word(prepared: Prepared) -> None:
    gapped = text(member_text(prepared.data.public / "test_v2.txt.zip"))
    whole = prepared.answers
    assert list(gapped["id"]) == list(whole["id"]) == [str(i) for i in range(len(whole))]
    assert '"' in "".join(whole["sentence"])  # quotes round-trip through the CSV escaping
    for short, full in zip(gapped["sentence"], whole["sentence"], strict=True):
        words, kept = full.split(), short.split()
        assert len(kept) == len(words) - 1 >= 2
        assert any(words[:k] + words[k + 1:] == kept for k in range(1, len(words) - 1))


def test_preparation_stops_at_kaggle_s_line_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MLE-bench reads no further than train_v2.txt's 30,301,028 lines."""
    competition = Competition.from_folder(catalog_root() / CID)
    module = competition.module("prepare")
    monkeypatch.setattr(module, "TOTAL_LINES", 1000)
    raw, public, private = tmp_path / "raw", tmp_path / "public", tmp_path / "private"
    for folder in (raw, public, private):
        folder.mkdir()
    synthetic(CID).build(raw, np.random.default_rng(0))
    competition.prepare_into(raw, public, private)
    train = member_text(public / "train_v2.txt.zip").count("\n")
    assert train + len(text(private / "answers.csv")) == 1000


def test_the_sample_is_valid_and_the_answers_score_0(prepared: Prepared) -> None:
    assert prepared.score(prepared.data.answers_path) == 0.0
    # The sample lacks one word per sentence: at least two characters (a word and its space) each.
    assert prepared.score(prepared.sample_path) >= 2.0


def test_a_hand_computed_score(prepared: Prepared, tmp_path: Path) -> None:
    answers = prepared.answers
    edited = answers.copy()
    first, second = edited.loc[0, "sentence"], edited.loc[1, "sentence"]
    edited.loc[0, "sentence"] = "X" + first[1:]            # one substitution
    edited.loc[1, "sentence"] = "the " + second + " !"     # six insertions
    edited.loc[2, "sentence"] = edited.loc[2, "sentence"][:-2]  # two deletions: " ."
    edited.sample(frac=1, random_state=1).to_csv(tmp_path / "edited.csv", index=False)
    assert first[0] != "X"
    assert prepared.score(tmp_path / "edited.csv") == pytest.approx((1 + 6 + 2) / len(answers))


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns"),
    ("extra column", "unexpected columns"),
    ("missing row", "wrong row count"),
    ("extra row", "wrong row count"),
    # MLE-bench's distance fails on the NaN pandas makes of these: an invalid file there too.
    ("blank value", "pandas reads as missing"),
    ("NaN value", "pandas reads as missing"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score_broken_sample(kind, tmp_path)


@pytest.mark.parametrize("value", ["NA", "null", "N/A", "None"])
def test_a_sentence_pandas_reads_as_missing_is_invalid_and_named(prepared: Prepared, tmp_path: Path,
                                                                value: str) -> None:
    sample = text(prepared.sample_path)
    sample.loc[3, "sentence"] = value
    sample.to_csv(tmp_path / "sub.csv", index=False)
    with pytest.raises(InvalidSubmission, match=f"id '3' = '{value}'"):
        prepared.score(tmp_path / "sub.csv")


def test_a_word_that_looks_missing_inside_a_sentence_is_text(prepared: Prepared, tmp_path: Path) -> None:
    sample = text(prepared.sample_path)
    sample.loc[0, "sentence"] = "NA ."
    sample.to_csv(tmp_path / "sub.csv", index=False)
    assert np.isfinite(prepared.score(tmp_path / "sub.csv"))
