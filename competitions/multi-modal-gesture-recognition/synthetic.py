"""Multi-modal Gesture Recognition: Kaggle's download as MLE-bench reads it. Seven tar.gz archives
(training1-4, validation1-3) of one zip per recorded sequence (``Sample00300.zip``, with
tiny stand-ins for its audio and videos and a real MATLAB ``Sample00300_data.mat`` whose
``Video`` struct lists the gestures performed), Kaggle's training.csv (``Id,Sequence``, the
sample's last four digits and its gesture numbers), test.csv and randomPredictions.csv for the
validation sequences, two 7z archives of development and validation files and the sample code.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import py7zr
from scipy.io import savemat

from pytest_mlebench.data.synthetic import csv_bytes, wav_clip, write_zip

#: Kaggle's 20 Italian gestures, numbered from 1 in this order.
GESTURES = ["vattene", "vieniqui", "perfetto", "furbo", "cheduepalle", "chevuoi", "daccordo",
            "seipazzo", "combinato", "freganiente", "ok", "cosatifarei", "basta", "prendere",
            "noncenepiu", "fame", "tantotempo", "buonissimo", "messidaccordo", "sonostufo"]
#: The samples of each archive: training1-4 are labelled (training4 is MLE-bench's test set).
SAMPLES = {
    "training1": [1, 3, 4, 5, 6, 8, 9, 10],
    "training2": list(range(101, 109)),
    "training3": list(range(200, 208)),
    "training4": [*range(300, 309), 311, 312, 315],
    "validation1": list(range(410, 415)),
    "validation2": [510, 516, 517, 518],
    "validation3": list(range(621, 625)),
}
FRAME_RATE = 20


def video_struct(gestures: list[int], rng: np.random.Generator) -> dict[str, object]:
    """The ``Video`` struct of a ``_data.mat``: frame counts, a skeleton per frame and the
    gestures performed (name, first and last frame), an empty struct array when unlabelled."""
    frames = 2 * max(len(gestures), 1)
    skeleton = np.zeros((1, frames), dtype=[("Skeleton", object)])
    for f in range(frames):
        skeleton[0, f]["Skeleton"] = {"WorldPosition": rng.normal(size=(20, 3)),
                                      "PixelPosition": rng.integers(0, 480, (20, 2)).astype(float)}
    labels = np.zeros((1, len(gestures)), dtype=[("Name", object), ("Begin", object), ("End", object)])
    for k, gesture in enumerate(gestures):
        labels[0, k] = (GESTURES[gesture - 1], float(2 * k + 1), float(2 * k + 2))
    return {"NumFrames": float(frames), "FrameRate": float(FRAME_RATE), "MaxDepth": 4000.0,
            "Frames": skeleton, "Labels": labels}


def mat_bytes(video: dict[str, object]) -> bytes:
    buffer = io.BytesIO()
    savemat(buffer, {"Video": video})
    return buffer.getvalue()


def sample_zip(name: str, gestures: list[int], labelled: bool, rng: np.random.Generator) -> bytes:
    """One sequence's zip: audio, colour, depth and user-mask stand-ins, and its data file."""
    members = {f"{name}_audio.wav": wav_clip(rng),
               **{f"{name}_{kind}.mp4": bytes(rng.integers(0, 256, 24, dtype=np.uint8))
                  for kind in ("color", "depth", "user")},
               f"{name}_data.mat": mat_bytes(video_struct(gestures if labelled else [], rng))}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return buffer.getvalue()


def write_tar_gz(path: Path, members: dict[str, bytes], root_entry: bool) -> None:
    """A gzipped tar of files; with root_entry, a ``./`` folder first and names under it, as
    Kaggle's training archives are (its validation archives hold bare names)."""
    with tarfile.open(path, "w:gz") as tar:
        if root_entry:
            folder = tarfile.TarInfo("./")
            folder.type, folder.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(folder)
        for name, data in members.items():
            info = tarfile.TarInfo(f"./{name}" if root_entry else name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))


def write_7z(path: Path, members: dict[str, bytes]) -> None:
    with py7zr.SevenZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(data, name)


def build(raw: Path, rng: np.random.Generator) -> None:
    sequences: dict[str, list[int]] = {}
    for archive, numbers in SAMPLES.items():
        labelled = archive.startswith("training")
        members = {}
        for number in numbers:
            gestures = [int(g) for g in rng.permutation(20)[: rng.integers(8, 21)] + 1]
            name = f"Sample{number:05d}"
            members[f"{name}.zip"] = sample_zip(name, gestures, labelled, rng)
            if labelled:
                sequences[f"{number:04d}"] = gestures
        write_tar_gz(raw / f"{archive}.tar.gz", members, root_entry=labelled)
    training = pd.DataFrame({"Id": list(sequences),
                             "Sequence": [" ".join(map(str, s)) for s in sequences.values()]})
    (raw / "training.csv").write_bytes(csv_bytes(training))
    validation = [f"{n:04d}" for a in ("validation1", "validation2", "validation3") for n in SAMPLES[a]]
    (raw / "test.csv").write_bytes(csv_bytes(pd.DataFrame({"Id": validation})))
    guesses = [" ".join(map(str, rng.permutation(20) + 1)) for _ in validation]
    (raw / "randomPredictions.csv").write_bytes(csv_bytes(pd.DataFrame({"Id": validation,
                                                                        "Sequence": guesses})))
    write_7z(raw / "devel01-40.7z", {"devel01/devel01_1.avi": b"not a video", "devel01/train.csv": b"1,2\n"})
    write_7z(raw / "valid_all_files_combined.7z", {"Sample00410_color.mp4": b"not a video"})
    write_zip(raw / "sample_code_mmrgc.zip", {
        "sample_code_mmrgc_working/main.m": b"% Kaggle's sample code\n",
        "sample_code_mmrgc_working/getGestureID.m": b"function id = getGestureID(name)\n"},
        folder_entries=True)
