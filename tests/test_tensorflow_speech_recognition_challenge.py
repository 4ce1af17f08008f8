"""tensorflow-speech-recognition-challenge: MLE-bench's 90/10 split of the clips of Kaggle's train.7z,
its folder-name labels (openai/mle-bench#63) and speakers on both sides, and the kaggle-labels
variant, on the competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import py7zr
import pytest
from competition_checks import Prepared, malformed, prepare_one, synthetic, text
from sklearn.model_selection import train_test_split

CID = "tensorflow-speech-recognition-challenge"
COMMANDS = {"yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


@pytest.fixture(scope="module")
def kaggle_clips(prepared: Prepared) -> dict[str, bytes]:
    """Every member of the raw train.7z, by name."""
    with py7zr.SevenZipFile(prepared.raw / "train.7z") as archive:
        factory = py7zr.io.BytesIOFactory(1 << 20)
        archive.extractall(factory=factory)
        return {name: (io.seek(0), io.read())[1] for name, io in factory.products.items()}


def mlebench_split(clips: dict[str, bytes]) -> tuple[list[Path], list[Path]]:
    """MLE-bench's split, recomputed: the .wav files under train/audio sorted by label_name."""
    wavs = sorted((Path(n) for n in clips if n.startswith("train/audio/") and n.endswith(".wav")),
                  key=lambda p: f"{p.parent.name}_{p.name}")
    train, test = train_test_split(wavs, test_size=0.1, random_state=0)
    return train, test


def test_the_split_is_mlebench_s(prepared: Prepared, kaggle_clips: dict[str, bytes]) -> None:
    public = prepared.data.public
    train, test = mlebench_split(kaggle_clips)
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test", "train"]
    shipped = sorted(str(p.relative_to(public)) for p in (public / "train").rglob("*") if p.is_file())
    assert shipped == sorted(str(p) for p in train)  # same folders and names; no README nor lists
    for clip in train[:20]:
        assert (public / clip).read_bytes() == kaggle_clips[str(clip)]
    names = [f"clip_{i:08d}.wav" for i in range(len(test))]
    assert sorted(p.name for p in (public / "test" / "audio").iterdir()) == names
    for name, clip in zip(names, test, strict=True):
        assert (public / "test" / "audio" / name).read_bytes() == kaggle_clips[str(clip)]
    answers = prepared.answers
    assert answers["fname"].tolist() == names
    assert answers["label"].tolist() == [clip.parent.name for clip in test]
    assert text(prepared.sample_path).equals(answers.assign(label="silence"))
    assert len(test) == 32


def test_the_answers_use_the_folder_names(prepared: Prepared, tmp_path: Path) -> None:
    """openai/mle-bench#63, reproduced: answers in 12 classes score only the command words."""
    answers = prepared.answers
    assert set(answers["label"]) - COMMANDS  # words Kaggle scored as "unknown"
    assert not set(answers["label"]) & {"unknown", "silence"}
    # The sample (silence everywhere) is valid and scores 0.
    assert prepared.score(prepared.sample_path) == 0.0
    as_kaggle_asks = answers.assign(label=[lab if lab in COMMANDS else "unknown" for lab in answers["label"]])
    as_kaggle_asks.to_csv(tmp_path / "twelve.csv", index=False)
    share = answers["label"].isin(COMMANDS).mean()
    assert prepared.score(tmp_path / "twelve.csv") == pytest.approx(share) and share < 1


def test_speakers_are_on_both_sides(prepared: Prepared, kaggle_clips: dict[str, bytes]) -> None:
    """The split is by clip: most test clips' speakers have clips in train."""
    train, test = mlebench_split(kaggle_clips)
    speaker = lambda clip: clip.name.split("_nohash_")[0]  # noqa: E731
    train_speakers = {speaker(clip) for clip in train}
    shared = [clip for clip in test if speaker(clip) in train_speakers]
    assert len(shared) > 0.9 * len(test)


def test_the_answers_score_1(prepared: Prepared, tmp_path: Path) -> None:
    prepared.answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


def test_the_kaggle_labels_variant(prepared: Prepared, tmp_path: Path) -> None:
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir(), private.mkdir()
    prepared.competition.with_variant("kaggle-labels").prepare_into(prepared.raw, public, private)
    answers = text(private / "answers.csv")
    expected = ["silence" if lab == "_background_noise_" else lab if lab in COMMANDS else "unknown"
                for lab in prepared.answers["label"]]
    assert answers["label"].tolist() == expected and "unknown" in expected
    assert text(public / "sample_submission.csv").equals(text(prepared.sample_path))
    default = prepared.data.public
    assert sorted(p.relative_to(public) for p in public.rglob("*")) == sorted(
        p.relative_to(default) for p in default.rglob("*") if p.name != "description.md")
    prepare = prepared.competition.module("prepare")
    assert [prepare.kaggle_label(w) for w in ("yes", "marvin", "_background_noise_")] == [
        "yes", "unknown", "silence"]
    assert set(synthetic(CID).WORDS) >= COMMANDS


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    answers = pd.DataFrame({"fname": ["a.wav", "b.wav", "c.wav", "d.wav"],
                            "label": ["yes", "marvin", "_background_noise_", "no"]})
    answers.to_csv(tmp_path / "answers.csv", index=False)
    # Rows in any order; "unknown" and "silence" are wrong where the answers name the folder.
    submission = pd.DataFrame({"fname": ["d.wav", "c.wav", "b.wav", "a.wav"],
                               "label": ["no", "silence", "unknown", "yes"]})
    submission.to_csv(tmp_path / "submission.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    assert grader.score(tmp_path / "submission.csv") == pytest.approx(2 / 4)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'fname'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'label'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 32 rows"),
    ("extra row", "wrong row count: expected 32 rows"),
    ("blank value", "column 'label' has 1 empty labels"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "fname", "label")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "broken.csv")
                      or "")
