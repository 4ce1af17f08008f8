"""Multi-modal Gesture Recognition: MLE-bench's split, Kaggle's fourth training archive as the test set.

Kaggle's final evaluation data was never released with labels. MLE-bench keeps training1-3
for training and makes training4.tar.gz the test set (``test.tar.gz``): its samples
(``Sample00300.zip`` -> Id ``0300``, the last four digits, sorted) leave training.csv for the
answers, test.csv lists them, and randomPredictions.csv (the sample submission) gives each a
shuffle of the 20 gesture numbers drawn by Python's ``random`` seeded with 0, as MLE-bench
draws them. The validation archives (unlabelled), the 7z archives and the sample code are
shipped as Kaggle has them.

The archives are the bulk of the download (gigabytes of video): each is hard-linked, never
copied where a link can be made. training4.tar.gz is read once, streamed, to list its samples.
The test sequences' .mat files still name their gestures (openai/mle-bench#77); the
``test-labels-removed`` variant writes test.tar.gz again with each ``Video.Labels`` emptied,
streaming one sample at a time, as Kaggle ships its unlabelled validation sequences.
"""

from __future__ import annotations

import io
import random
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
from scipy.io import loadmat, savemat

from pytest_mlebench.data.prepare.files import link_or_copy, progress, write_csv, write_once
from pytest_mlebench.data.store import ANSWERS

TEST_ARCHIVE = "training4.tar.gz"
#: Shipped as Kaggle has them (the test archive goes as test.tar.gz).
SHIPPED = ["training1.tar.gz", "training2.tar.gz", "training3.tar.gz", "validation1.tar.gz",
           "validation2.tar.gz", "validation3.tar.gz", "devel01-40.7z", "valid_all_files_combined.7z",
           "sample_code_mmrgc.zip"]
SEED = 0
GESTURES = 20
VARIANT = "test-labels-removed"


def sample_ids(archive: Path) -> list[str]:
    """The Ids of the sample zips at the archive's top level (``./Sample00300.zip`` -> ``0300``),
    sorted, as MLE-bench takes them from the extracted folder."""
    with tarfile.open(archive, "r|gz") as tar:
        names = [PurePosixPath(m.name) for m in tar if m.isfile()]
    return sorted(p.stem[-4:] for p in names if len(p.parts) == 1 and p.suffix == ".zip")


def random_predictions(count: int) -> list[str]:
    """MLE-bench's sample sequences: each a shuffle of 1-20 from one ``random.Random(0)``."""
    draw = random.Random(SEED)
    return [" ".join(str(g) for g in draw.sample(range(1, GESTURES + 1), GESTURES)) for _ in range(count)]


def _mat_without_labels(data: bytes) -> bytes:
    """A ``_data.mat`` with ``Video.Labels`` an empty struct array of the same fields."""
    mat = loadmat(io.BytesIO(data))
    video = mat["Video"]
    labels = video[0, 0]["Labels"]
    video[0, 0]["Labels"] = np.zeros((0, 0), dtype=labels.dtype if labels.dtype.names else
                                     [("Name", object), ("Begin", object), ("End", object)])
    out = io.BytesIO()
    savemat(out, {"Video": video})
    return out.getvalue()


def _sample_without_labels(data: bytes) -> bytes:
    """A sample zip with its data file's labels emptied; every other member as it was."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dest:
        for info in src.infolist():
            member = src.read(info)
            if info.filename.endswith("_data.mat"):
                member = _mat_without_labels(member)
            dest.writestr(info, member)
    return out.getvalue()


def _test_archive_without_labels(source: Path, dest: Path, count: int) -> None:
    with tarfile.open(source, "r|gz") as src, tarfile.open(dest, "w:gz") as out, \
            progress("emptying the test sequences' labels", count) as advance:
        for member in src:
            if not member.isfile():
                out.addfile(member)
                continue
            data = src.extractfile(member).read()  # type: ignore[union-attr]  # a file has content
            if member.name.endswith(".zip"):
                data = _sample_without_labels(data)
                advance()
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def _link(source: Path, dest: Path) -> None:
    if not dest.exists():
        link_or_copy(source, dest)


def prepare(raw: Path, public: Path, private: Path, variant: str | None = None) -> None:
    if variant not in (None, VARIANT):
        raise ValueError(f"unknown variant {variant!r}")
    test_ids = sample_ids(raw / TEST_ARCHIVE)
    training = pd.read_csv(raw / "training.csv", dtype=str, keep_default_na=False)
    held_out = training["Id"].isin(test_ids)
    missing = sorted(set(test_ids) - set(training.loc[held_out, "Id"]))
    if missing:
        raise ValueError(f"training.csv has no sequence for the test samples {missing[:3]}")
    write_csv(training[~held_out], public / "training.csv")
    write_csv(training[held_out], private / ANSWERS)
    write_csv(pd.DataFrame({"Id": test_ids}), public / "test.csv")
    write_csv(pd.DataFrame({"Id": test_ids, "Sequence": random_predictions(len(test_ids))}),
              public / "randomPredictions.csv")
    if variant == VARIANT:
        write_once(public / "test.tar.gz",
                   lambda tmp: _test_archive_without_labels(raw / TEST_ARCHIVE, tmp, len(test_ids)))
    else:
        _link(raw / TEST_ARCHIVE, public / "test.tar.gz")
    for name in SHIPPED:
        _link(raw / name, public / name)
