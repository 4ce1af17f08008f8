"""Freesound Audio Tagging 2019: Kaggle's download (train_curated.zip, train_noisy.zip and test.zip
of WAV clips named by eight hex digits, train_curated.csv and train_noisy.csv with each clip's
comma-separated labels, and sample_submission.csv, a 0 per class for each test clip) and the
organisers' FSDKaggle2019.meta.zip, whose test_post_competition.csv labels the test clips, as
prepare reads it when staged beside Kaggle's files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.synthetic import csv_bytes, hex_ids, wav_clip, write_zip

META = "FSDKaggle2019.meta"
#: Kaggle's 80 classes, in the sample submission's order.
CLASSES = list(Competition.from_folder(Path(__file__).parent).target_columns)


def tags(rng: np.random.Generator, n: int) -> list[str]:
    """One to three classes per clip, comma-separated as Kaggle writes them."""
    return [",".join(rng.choice(CLASSES, size=rng.integers(1, 4), replace=False)) for _ in range(n)]


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = [f"{i}.wav" for i in hex_ids(rng, 420, 8)]
    curated, noisy, public_test, private_test = ids[:120], ids[120:270], ids[270:300], ids[300:]
    for name, clips in (("train_curated", curated), ("train_noisy", noisy)):
        write_zip(raw / f"{name}.zip", {clip: wav_clip(rng) for clip in clips})
        listing = pd.DataFrame({"fname": clips, "labels": tags(rng, len(clips))})
        (raw / f"{name}.csv").write_bytes(csv_bytes(listing))
    # Kaggle's test.zip holds the private test clips only; the public ones were scored in stage 1.
    write_zip(raw / "test.zip", {clip: wav_clip(rng) for clip in private_test})
    sample = pd.DataFrame(0, index=range(len(private_test)), columns=CLASSES)
    sample.insert(0, "fname", private_test)
    (raw / "sample_submission.csv").write_bytes(csv_bytes(sample))
    test = public_test + private_test
    post = pd.DataFrame({"fname": test, "labels": tags(rng, len(test)),
                         "usage": ["Public"] * len(public_test) + ["Private"] * len(private_test),
                         "freesound_id": rng.integers(10**5, 10**6, len(test)), "license": "CC0"})
    post = post.sample(frac=1, random_state=0)  # the organisers' file is not in Kaggle's order
    train = pd.DataFrame({"fname": curated, "labels": tags(rng, len(curated)),
                          "freesound_id": rng.integers(10**5, 10**6, len(curated)), "license": "CC-BY"})
    write_zip(raw / f"{META}.zip", {f"{META}/test_post_competition.csv": csv_bytes(post),
                                    f"{META}/train_curated_post_competition.csv": csv_bytes(train)},
              folder_entries=True)
