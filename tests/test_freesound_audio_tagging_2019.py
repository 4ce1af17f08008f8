"""freesound-audio-tagging-2019: Kaggle's files unchanged, the organisers' published labels of the
private test clips as the answers, and MLE-bench's lwlrap with its column rule, on the
competition's own synthetic raw files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, synthetic, text

CID = "freesound-audio-tagging-2019"
KAGGLE_FILES = ["sample_submission.csv", "test.zip", "train_curated.csv", "train_curated.zip",
                "train_noisy.csv", "train_noisy.zip"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def post_competition_labels(raw: Path) -> pd.DataFrame:
    with zipfile.ZipFile(raw / "FSDKaggle2019.meta.zip") as zf, \
            zf.open("FSDKaggle2019.meta/test_post_competition.csv") as fh:
        return pd.read_csv(fh)


def test_kaggle_s_files_are_shipped_as_they_are(prepared: Prepared) -> None:
    public = prepared.data.public
    assert sorted(p.name for p in public.iterdir()) == sorted([*KAGGLE_FILES, "description.md"])
    for name in KAGGLE_FILES:
        assert (public / name).samefile(prepared.raw / name), name
    assert not list(prepared.data.root.glob("**/*meta*"))  # the scratch download is gone


def test_the_answers_are_the_private_test_labels(prepared: Prepared) -> None:
    labels = post_competition_labels(prepared.raw)
    private = labels[labels["usage"] == "Private"].reset_index(drop=True)
    answers = prepared.answers
    classes = synthetic(CID).CLASSES
    assert list(answers.columns) == ["fname", *classes] == list(text(prepared.sample_path).columns)
    assert answers["fname"].tolist() == private["fname"].tolist()
    with zipfile.ZipFile(prepared.raw / "test.zip") as zf:
        assert sorted(answers["fname"]) == sorted(zf.namelist())
    for row, tags in zip(answers.itertuples(index=False), private["labels"], strict=True):
        assert {c for c, v in zip(classes, row[1:], strict=True) if v == "1"} == set(tags.split(","))
    assert len(answers) == 120


def test_the_sample_and_the_answers_score_as_lwlrap_says(prepared: Prepared, tmp_path: Path) -> None:
    """A constant row ties every class, so each true label ranks last: k true labels of 80
    score k / 80 each, and lwlrap is then the mean over all true labels of k / 80."""
    truth = prepared.answers.iloc[:, 1:].astype(int).to_numpy()
    per_label = np.repeat(truth.sum(axis=1) / 80, truth.sum(axis=1))
    assert prepared.score(prepared.sample_path) == pytest.approx(per_label.mean())
    prepared.answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Two clips: the first's one label ranked 2nd (1/2), the second's two labels ranked 1st and
    3rd (1 and 2/3); the mean over the three labels, not over the clips."""
    classes = synthetic(CID).CLASSES
    answers = pd.DataFrame(0, index=range(2), columns=classes)
    answers.insert(0, "fname", ["a.wav", "b.wav"])
    answers.loc[0, classes[0]] = 1
    answers.loc[1, [classes[1], classes[2]]] = 1
    answers.to_csv(tmp_path / "answers.csv", index=False)
    scores = answers.copy()
    scores[classes] = -1.0  # scores need not be probabilities
    scores.loc[0, [classes[0], classes[5]]] = [0.5, 0.9]
    scores.loc[1, [classes[1], classes[2], classes[7]]] = [0.8, 0.2, 0.5]
    scores.to_csv(tmp_path / "submission.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    assert grader.score(tmp_path / "submission.csv") == pytest.approx((1 / 2 + 1 + 2 / 3) / 3)


def test_class_columns_out_of_order_are_invalid(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench's grader refuses them: fname first, then the classes in the sample's order."""
    sample = text(prepared.sample_path)
    classes = list(sample.columns[1:])
    sample[["fname", classes[1], classes[0], *classes[2:]]].to_csv(tmp_path / "swapped.csv", index=False)
    reason = prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "swapped.csv") or ""
    assert f"column 2 is {classes[1]!r} where {classes[0]!r} belongs" in reason
    sample[[*classes, "fname"]].to_csv(tmp_path / "fname_last.csv", index=False)
    reason = prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "fname_last.csv") or ""
    assert "column 1 is 'Accelerating_and_revving_and_vroom' where 'fname' belongs" in reason


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'fname'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'Accordion'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 120 rows"),
    ("extra row", "wrong row count: expected 120 rows"),
    ("NaN value", "column 'Accordion' has 1 missing or NaN values"),
    ("blank value", "column 'Accordion' has 1 missing or NaN values"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "fname", "Accordion")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "broken.csv")
                      or "")


def test_without_the_staged_labels_prepare_downloads_them_to_a_scratch_folder(
        prepared: Prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As MLE-bench's prepare does; the download never reaches public/ nor private/."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in KAGGLE_FILES:
        (raw / name).hardlink_to(prepared.raw / name)
    served = (prepared.raw / "FSDKaggle2019.meta.zip").read_bytes()
    asked: list[str] = []

    class Response:
        def __enter__(self) -> Response:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def raise_for_status(self) -> None:
            pass

        def iter_content(self, size: int) -> list[bytes]:
            return [served[:size], served[size:]]

    def get(url: str, stream: bool, timeout: float) -> Response:
        asked.append(url)
        return Response()

    prepare = prepared.competition.module("prepare")
    monkeypatch.setattr(prepare.requests, "get", get)
    public, private = tmp_path / "stage" / "public", tmp_path / "stage" / "private"
    public.mkdir(parents=True), private.mkdir()
    prepared.competition.prepare_into(raw, public, private)
    assert asked == [prepare.META_URL]
    assert text(private / "answers.csv").equals(prepared.answers)
    assert sorted(p.name for p in (tmp_path / "stage").iterdir()) == ["private", "public"]
    assert sorted(p.name for p in public.iterdir()) == KAGGLE_FILES
