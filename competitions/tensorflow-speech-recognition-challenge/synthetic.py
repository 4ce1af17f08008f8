"""TensorFlow Speech Recognition Challenge: Kaggle's download, three 7z archives and a note.
train.7z holds ``train/audio/<word>/<speaker>_nohash_<n>.wav`` for Kaggle's 30 words (the
speaker an 8-hex-digit hash, so one speaker has clips under several words), the long
recordings of ``train/audio/_background_noise_/`` with their README.md, and the speech
commands dataset's LICENSE, README.md, validation_list.txt and testing_list.txt (the
speakers it sets aside); test.7z holds ``test/audio/clip_<hex>.wav``, and
sample_submission.7z the sample for those.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import py7zr

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids, wav_bytes, wav_clip

WORDS = ["bed", "bird", "cat", "dog", "down", "eight", "five", "four", "go", "happy", "house", "left",
         "marvin", "nine", "no", "off", "on", "one", "right", "seven", "sheila", "six", "stop",
         "three", "tree", "two", "up", "wow", "yes", "zero"]
NOISE = ["doing_the_dishes.wav", "dude_miaowing.wav", "exercise_bike.wav", "pink_noise.wav",
         "running_tap.wav", "white_noise.wav"]


def write_7z(path: Path, members: dict[str, bytes]) -> None:
    with py7zr.SevenZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(data, name)


def build(raw: Path, rng: np.random.Generator) -> None:
    speakers = hex_ids(rng, 40, 8)
    clips: list[str] = []
    for word in WORDS:
        for speaker in sorted(rng.choice(speakers, size=int(rng.integers(5, 10)), replace=False)):
            clips += [f"{word}/{speaker}_nohash_{n}.wav" for n in range(int(rng.integers(1, 3)))]
    members = {f"train/audio/{clip}": wav_clip(rng) for clip in clips}
    noise = rng.integers(-3000, 3000, (len(NOISE), 800), dtype=np.int16)  # longer than a word
    members.update({f"train/audio/_background_noise_/{name}": wav_bytes(samples, 16_000)
                    for name, samples in zip(NOISE, noise, strict=True)})
    members["train/audio/_background_noise_/README.md"] = b"Long recordings of noise to mix in.\n"
    held = set(speakers[:4]), set(speakers[4:8])
    for name, chosen in (("validation_list.txt", held[0]), ("testing_list.txt", held[1])):
        members[f"train/{name}"] = "".join(f"{c}\n" for c in clips if c.split("/")[1][:8] in chosen).encode()
    members["train/LICENSE"] = b"Creative Commons BY 4.0\n"
    members["train/README.md"] = b"Speech Commands Data Set v0.01\n"
    write_7z(raw / "train.7z", members)
    test = [f"clip_{h}.wav" for h in hex_ids(rng, 60, 9)]
    write_7z(raw / "test.7z", {f"test/audio/{name}": wav_clip(rng) for name in test})
    write_7z(raw / "sample_submission.7z",
             {"sample_submission.csv": csv_bytes(pd.DataFrame({"fname": test, "label": "silence"}))})
    (raw / "link_to_gcp_credits_form.txt").write_text("A form for cloud credits.\n", encoding="utf-8")
