"""TensorFlow Speech Recognition Challenge: MLE-bench's split of Kaggle's labelled clips (train.7z).

Kaggle's test labels were never released. MLE-bench takes every ``.wav`` under
``train/audio/`` in train.7z, labelled by its folder (the 30 words and
``_background_noise_``), sorts them by ``<label>_<file name>`` and holds out a tenth with
``train_test_split(random_state=0)``. Training clips keep their folder and name; test clips
become ``test/audio/clip_<8-digit index>.wav`` in the split's order, their folder name going
to answers.csv as the label; the sample submission says ``silence`` for every clip. Only the
clips are shipped (not the archive's README, LICENSE or its validation and testing lists).

train.7z holds about 64,000 clips: the split is computed from the archive's listing, and the
clips are extracted in one pass straight to their places (data/prepare/sevenzip.py), the
raw folder left as it is.

The answers keep the folder names, as MLE-bench's do (openai/mle-bench#63); the
``kaggle-labels`` variant maps them to Kaggle's 12 classes: the ten command words as they
are, ``_background_noise_`` to ``silence`` and every other word to ``unknown``.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pandas as pd

from pytest_mlebench.data.prepare import sevenzip
from pytest_mlebench.data.prepare.files import write_csv
from pytest_mlebench.data.prepare.tabular import split_positions
from pytest_mlebench.data.store import ANSWERS

AUDIO = PurePosixPath("train/audio")
TEST_SIZE = 0.1
SEED = 0
#: Kaggle's command words; every other folder is an "unknown" word, the noise is "silence".
COMMANDS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
NOISE = "_background_noise_"
VARIANT = "kaggle-labels"


def kaggle_label(folder: str) -> str:
    """The class Kaggle scored a clip of this folder as."""
    return folder if folder in COMMANDS else "silence" if folder == NOISE else "unknown"


def labelled_clips(names: list[str]) -> list[PurePosixPath]:
    """The ``.wav`` files below train/audio/ (at any depth, as MLE-bench's rglob finds them),
    sorted by ``<folder>_<file name>`` as MLE-bench sorts them."""
    clips = [PurePosixPath(n) for n in names if n.endswith(".wav") and PurePosixPath(n).is_relative_to(AUDIO)]
    return sorted(clips, key=lambda clip: f"{clip.parent.name}_{clip.name}")


def prepare(raw: Path, public: Path, private: Path, variant: str | None = None) -> None:
    if variant not in (None, VARIANT):
        raise ValueError(f"unknown variant {variant!r}")
    clips = labelled_clips(sevenzip.member_names(raw / "train.7z"))
    train, test = split_positions(len(clips), TEST_SIZE, SEED)
    test_names = [f"clip_{i:08d}.wav" for i in range(len(test))]
    destinations = {str(clips[i]): public / "train" / "audio" / clips[i].parent.name / clips[i].name
                    for i in train}
    destinations.update({str(clips[i]): public / "test" / "audio" / name
                         for i, name in zip(test, test_names, strict=True)})
    sevenzip.place(raw / "train.7z", destinations, public.parent, "extracting the clips of train.7z")

    labels = [clips[i].parent.name for i in test]
    if variant == VARIANT:
        labels = [kaggle_label(label) for label in labels]
    write_csv(pd.DataFrame({"fname": test_names, "label": labels}), private / ANSWERS)
    write_csv(pd.DataFrame({"fname": test_names, "label": "silence"}), public / "sample_submission.csv")
