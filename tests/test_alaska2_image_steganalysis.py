"""alaska2-image-steganalysis: MLE-bench's 5,000 held-out covers (split, seeded shuffle and
draws of cover or stego version) and the TPR-band weighted AUC, on synthetic raw files."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission

CID = "alaska2-image-steganalysis"
ALGORITHMS = ["JMiPOD", "JUNIWARD", "UERD"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, test = train_test_split(sorted(p.name for p in (raw / "Cover").iterdir()),
                                   test_size=5000, random_state=42)
    random.seed(0)
    random.shuffle(test)
    sources = [name if random.choice([True, False]) else f"{random.choice(ALGORITHMS)}/{name}"
               for name in test]
    answers = text(prepared.data.answers_path)
    assert answers["Id"].tolist() == [f"{i:04d}.jpg" for i in range(1, 5001)]
    assert answers["Label"].tolist() == ["0" if "/" not in s else "1" for s in sources]
    assert text(prepared.sample_path).equals(answers.assign(Label="0"))
    for i, source in enumerate(sources[:200], start=1):
        folder, name = source.split("/") if "/" in source else ("Cover", source)
        assert os.path.samefile(public / "Test" / f"{i:04d}.jpg", raw / folder / name)
    for folder in ["Cover", *ALGORITHMS]:
        assert sorted(p.name for p in (public / folder).iterdir()) == [f"{i:05d}.jpg" for i in range(1, 41)]
        assert all(os.path.samefile(public / folder / f"{i:05d}.jpg", raw / folder / name)
                   for i, name in enumerate(train, start=1))
    assert sorted(p.name for p in public.iterdir()) == [
        "Cover", "JMiPOD", "JUNIWARD", "Test", "UERD", "description.md", "sample_submission.csv"]


def test_the_sample_and_the_answers(prepared: Prepared, tmp_path: Path) -> None:
    """A constant ranks nothing: the ROC curve is the diagonal, (2 x 0.32 + 0.18) / 1.4."""
    assert prepared.score(prepared.sample_path) == pytest.approx(0.82 / 1.4)
    text(prepared.data.answers_path).iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """FPR 0 up to TPR 0.5, then 0.5: band [0, 0.4] 0.4 (x2), band [0.4, 1] 0.1 + 0.25."""
    ids = [f"{i:04d}.jpg" for i in range(1, 5)]
    pd.DataFrame({"Id": ids, "Label": [1, 0, 1, 0]}).to_csv(tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    pd.DataFrame({"Id": ids, "Label": [9, 8, 3, -1]}).to_csv(tmp_path / "sub.csv", index=False)
    assert grader.score(tmp_path / "sub.csv") == pytest.approx(1.15 / 1.4)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'Id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'Label'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "column 'Label' has 1 missing or NaN values"),
    ("NaN value", "column 'Label' has 1 missing or NaN values"),
    ("missing row", "wrong row count: expected 5000 rows"),
    ("extra row", "wrong row count: expected 5000 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, "Id", "Label").to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")
