"""Freesound Audio Tagging 2019: Kaggle's files as they are, and the test labels published after the
competition.

MLE-bench makes no split: the agent gets every file of Kaggle's download (the curated and
noisy training clips and their label lists, the test clips, the sample submission), and the
answers are the "Private" rows of ``test_post_competition.csv`` from FSDKaggle2019.meta.zip,
the metadata the organisers published on Zenodo: one row per test clip, a 0/1 column per
class in the sample submission's order. The archive is read from the raw folder when it is
staged there (as a zip or extracted, for machines without internet) and is otherwise
downloaded, as MLE-bench's prepare does, into a scratch folder beside public/ and private/
that is removed afterwards; it never reaches the agent.

The clips are the bulk of the download (tens of gigabytes of WAV in zips): every raw file is hard-linked,
never copied where a link can be made.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import requests

from pytest_mlebench.data.prepare.files import link_or_copy, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

META = "FSDKaggle2019.meta"
META_URL = "https://zenodo.org/records/3612637/files/FSDKaggle2019.meta.zip?download=1"
_CHUNK = 1 << 20


def _link(source: Path, dest: Path) -> None:
    if not dest.exists():
        link_or_copy(source, dest)


def _link_tree(source: Path, dest: Path) -> None:
    """A raw folder's files linked under ``dest`` (MLE-bench copies folders of raw/ too)."""
    for folder, _dirs, files in os.walk(source):
        target = dest / os.path.relpath(folder, source)
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            _link(Path(folder) / name, target / name)


def _download_meta(scratch: Path) -> Path:
    """FSDKaggle2019.meta.zip from Zenodo into ``scratch``, which is returned."""
    with requests.get(META_URL, stream=True, timeout=60) as response:
        response.raise_for_status()
        with open(scratch / f"{META}.zip", "wb") as out:
            for chunk in response.iter_content(_CHUNK):
                out.write(chunk)
    return scratch


def test_labels(raw: Path, scratch: Path) -> pd.DataFrame:
    """test_post_competition.csv (fname, labels, usage, ...), from raw/ or else downloaded."""
    staged = (raw / META).is_dir() or (raw / f"{META}.zip").is_file()
    with RawImages(raw if staged else _download_meta(scratch), META) as meta, \
            meta.open_file("test_post_competition.csv") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def prepare(raw: Path, public: Path, private: Path) -> None:
    for item in sorted(raw.iterdir()):
        if META in item.name:
            continue
        if item.is_dir():
            _link_tree(item, public / item.name)
        else:
            _link(item, public / item.name)

    with tempfile.TemporaryDirectory(dir=private.parent) as scratch:
        labels = test_labels(raw, Path(scratch))
    scored = labels[labels["usage"] == "Private"]
    classes = list(pd.read_csv(raw / "sample_submission.csv", nrows=0).columns[1:])
    tags = [set(text.split(",")) for text in scored["labels"]]
    unknown = sorted(set().union(*tags) - set(classes))
    if unknown:
        raise ValueError(f"test labels outside the sample submission's classes: {unknown[:3]}")
    answers = pd.DataFrame([[int(c in clip) for c in classes] for clip in tags], columns=classes)
    answers.insert(0, "fname", scored["fname"].to_numpy())
    sample = pd.read_csv(raw / "sample_submission.csv", usecols=["fname"], dtype=str)["fname"]
    if sorted(sample) != sorted(answers["fname"]):
        raise ValueError("the sample submission's clips are not the private test clips of "
                         "test_post_competition.csv")
    write_csv(answers, private / ANSWERS)
