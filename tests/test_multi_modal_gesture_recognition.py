"""multi-modal-gesture-recognition: MLE-bench's test set (Kaggle's training4 archive), its sample
drawn from Python's random, Kaggle's edit distance per true gesture, and the labels the test
archive leaks, on the competition's own synthetic raw files."""

from __future__ import annotations

import io
import random
import tarfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, synthetic, text
from scipy.io import loadmat

from pytest_mlebench.grading.grader import Grader

CID = "multi-modal-gesture-recognition"
ARCHIVES = ["devel01-40.7z", "randomPredictions.csv", "sample_code_mmrgc.zip", "test.csv", "test.tar.gz",
            "training.csv", "training1.tar.gz", "training2.tar.gz", "training3.tar.gz",
            "valid_all_files_combined.7z", "validation1.tar.gz", "validation2.tar.gz",
            "validation3.tar.gz"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def sample_path(prepared: Prepared) -> Path:
    return prepared.data.public / "randomPredictions.csv"


def edit_distance(a: list[int], b: list[int]) -> int:
    """The textbook dynamic programme, one row at a time."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def by_hand(prepared: Prepared, folder: Path, truth: list[str]) -> Grader:
    answers = pd.DataFrame({"Id": [f"{i:04d}" for i in range(len(truth))], "Sequence": truth})
    answers.to_csv(folder / "answers.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv")


def submit(folder: Path, sequences: list[str]) -> Path:
    path = folder / "submission.csv"
    pd.DataFrame({"Id": [f"{i:04d}" for i in range(len(sequences))], "Sequence": sequences}).to_csv(
        path, index=False)
    return path


def leaked_answers(archive: Path) -> pd.DataFrame:
    """What openai/mle-bench#77 describes: each test sample's Video.Labels, sorted by Begin, with
    the names numbered in the vocabulary's order."""
    numbers = {name: i for i, name in enumerate(synthetic(CID).GESTURES, start=1)}
    rows = []
    with tarfile.open(archive) as tar:
        for member in (m for m in tar.getmembers() if m.isfile()):
            sample = zipfile.ZipFile(io.BytesIO(tar.extractfile(member).read()))
            name = Path(member.name).stem
            video = loadmat(io.BytesIO(sample.read(f"{name}_data.mat")), squeeze_me=True,
                            struct_as_record=False)["Video"]
            labels = sorted(video.Labels, key=lambda label: label.Begin)
            rows.append((name[-4:], " ".join(str(numbers[label.Name]) for label in labels)))
    return pd.DataFrame(rows, columns=["Id", "Sequence"])


def test_the_test_set_is_kaggle_s_training4_archive(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    with tarfile.open(raw / "training4.tar.gz") as tar:
        test_ids = sorted(Path(m.name).stem[-4:] for m in tar.getmembers() if m.name.endswith(".zip"))
    training = text(raw / "training.csv")
    held_out = training["Id"].isin(test_ids)
    assert sorted(p.name for p in public.iterdir()) == sorted([*ARCHIVES, "description.md"])
    assert text(public / "training.csv").equals(training[~held_out].reset_index(drop=True))
    assert prepared.answers.equals(training[held_out].reset_index(drop=True))
    assert text(public / "test.csv")["Id"].tolist() == test_ids == prepared.answers["Id"].tolist()
    assert len(test_ids) == 12 and test_ids[0] == "0300"
    # The test archive and the others are Kaggle's files, linked.
    assert (public / "test.tar.gz").read_bytes() == (raw / "training4.tar.gz").read_bytes()
    for name in ARCHIVES:
        if name.endswith(("gz", "7z", "zip")) and name != "test.tar.gz":
            assert (public / name).samefile(raw / name), name


def test_the_sample_is_mlebench_s_random_shuffles_and_valid(prepared: Prepared) -> None:
    random.seed(0)
    expected = [" ".join(str(x) for x in random.sample(range(1, 21), 20)) for _ in range(12)]
    sample = text(sample_path(prepared))
    assert sample["Sequence"].tolist() == expected
    truth = [list(map(int, s.split())) for s in prepared.answers["Sequence"]]
    guess = [list(map(int, s.split())) for s in expected]
    by_dp = sum(edit_distance(t, g) for t, g in zip(truth, guess, strict=True)) / sum(map(len, truth))
    assert prepared.score(sample_path(prepared)) == pytest.approx(by_dp)


def test_the_answers_score_0(prepared: Prepared, tmp_path: Path) -> None:
    prepared.answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 0.0


def test_the_test_archive_leaks_the_answers(prepared: Prepared, tmp_path: Path) -> None:
    """openai/mle-bench#77, reproduced: the answers read off test.tar.gz score perfectly."""
    leaked = leaked_answers(prepared.data.public / "test.tar.gz")
    assert leaked.equals(prepared.answers)
    leaked.to_csv(tmp_path / "leaked.csv", index=False)
    assert prepared.score(tmp_path / "leaked.csv") == 0.0


def test_the_variant_empties_the_test_labels(prepared: Prepared, tmp_path: Path) -> None:
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir(), private.mkdir()
    prepared.competition.with_variant("test-labels-removed").prepare_into(prepared.raw, public, private)
    assert leaked_answers(public / "test.tar.gz")["Sequence"].tolist() == [""] * 12
    assert text(private / "answers.csv").equals(prepared.answers)
    # Every other member of every sample is as Kaggle shipped it.
    with tarfile.open(public / "test.tar.gz") as ours, tarfile.open(prepared.raw / "training4.tar.gz") as raw:
        assert ours.getnames() == raw.getnames()
        member = ours.getnames()[1]
        before, after = (zipfile.ZipFile(io.BytesIO(t.extractfile(member).read())) for t in (raw, ours))
        assert before.namelist() == after.namelist()
        others = before.namelist()[:-1]  # all but the data file
        assert [before.read(n) for n in others] == [after.read(n) for n in others]
        video = loadmat(io.BytesIO(after.read(after.namelist()[-1])))["Video"][0, 0]
        assert video["Labels"].shape == (0, 0) and video["Labels"].dtype.names == ("Name", "Begin", "End")
        assert video["NumFrames"][0, 0] > 0


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    """Kaggle's examples: L([1 2 4], [3 2]) = 2, L([1], [2]) = 1, L([2 2 2], [2]) = 2, summed and
    divided by the 2 + 1 + 1 true gestures, not averaged over the rows."""
    grader = by_hand(prepared, tmp_path, ["3 2", "2", "2"])
    assert grader.score(submit(tmp_path, ["1 2 4", "1", "2 2 2"])) == pytest.approx(5 / 4)
    # A gesture number is one item: 12 against 1 2 is one substitution and one deletion.
    grader = by_hand(prepared, tmp_path, ["1 2", "20"])
    assert grader.score(submit(tmp_path, ["12", "20"])) == pytest.approx(2 / 3)


@pytest.mark.parametrize("sequence", ["", "1,2", "one", "NA"])
def test_a_sequence_that_is_not_whole_numbers_is_invalid(prepared: Prepared, tmp_path: Path,
                                                        sequence: str) -> None:
    """MLE-bench's grader refuses these too, an empty one included (pandas reads it as NaN)."""
    grader = by_hand(prepared, tmp_path, ["3 2", "2"])
    reason = grader.check(submit(tmp_path, ["3 2", sequence])) or ""
    assert f"not whole numbers separated by spaces (an empty sequence included): id '0001' = {sequence!r}" \
        in reason


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'Id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'Sequence'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 12 rows"),
    ("extra row", "wrong row count: expected 12 rows"),
    ("blank value", "1 values that are not whole numbers"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(sample_path(prepared)), kind, "Id", "Sequence")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    grader = prepared.competition.grader(prepared.data.answers_path)
    assert reason in (grader.check(tmp_path / "broken.csv") or "")
