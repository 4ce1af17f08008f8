"""MLSP 2013 Birds: MLE-bench's split of Kaggle's labelled recordings, renumbered.

Kaggle's test labels were never released. MLE-bench keeps the recordings of fold 0
(Kaggle's training fold) in CVfolds_2.txt and marks a fifth of them as the new test
fold: ``DataFrame.sample(frac=0.2, random_state=0)`` over those rows in file order.
The kept recordings are numbered afresh from 0 in that order, in every file that
names a ``rec_id``, and the test recordings' labels become ``?``. Only files of the
kept recordings are shipped (wavs, spectrograms, segment features); answers.csv
has one row per (recording, species) pair, ``Id = 100 * rec_id + species``.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from pathlib import Path

import pandas as pd

from pytest_mlebench.data.prepare.files import constant_submission, write_csv, write_once
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

ARCHIVE = "mlsp_contest_dataset"
TEST_SHARE = 0.2
SEED = 0
SPECIES = 19
#: Per-recording images, one ``<filename>.bmp`` per recording in each folder.
SPECTROGRAM_FOLDERS = ["filtered_spectrograms", "spectrograms", "supervised_segmentation"]
#: Text files whose lines start with a rec_id: (folder, name).
PER_RECORDING_TEXT = [
    ("supplemental_data", "histogram_of_segments.txt"),
    ("supplemental_data", "segment_features.txt"),
    ("supplemental_data", "segment_rectangles.txt"),
]


def renumbered_lines(text: str, new_ids: Mapping[int, int], hidden: Set[int] = frozenset()) -> str:
    """The header line, then each line whose leading rec_id is kept, under its new id; the rest
    of a ``hidden`` recording's line (its labels) becomes ``?``."""
    header, *lines = text.splitlines()
    kept = [header]
    for line in lines:
        old, _, rest = line.partition(",")
        if int(old) in new_ids:
            new = new_ids[int(old)]
            rest = "?" if new in hidden else rest
            kept.append(f"{new},{rest}" if rest else str(new))
    return "\n".join(kept) + "\n"


def _label_sets(text: str, new_ids: Mapping[int, int]) -> dict[int, set[int]]:
    """New rec_id -> species present, from rec_labels_test_hidden.txt (``rec_id,s1,s2,...``)."""
    sets = {}
    for line in text.splitlines()[1:]:
        old, *species = line.split(",")
        if int(old) in new_ids:
            sets[new_ids[int(old)]] = {int(s) for s in species if s}
    return sets


def _write_text(path: Path, text: str) -> None:
    write_once(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def prepare(raw: Path, public: Path, private: Path) -> None:
    essential, supplemental = public / "essential_data", public / "supplemental_data"
    with RawImages(raw, ARCHIVE) as data:
        def text(key: str) -> str:
            with data.open_file(key) as fh:
                return fh.read().decode("utf-8")

        with data.open_file("essential_data/CVfolds_2.txt") as fh:
            folds = pd.read_csv(fh)
        folds = folds[folds["fold"] == 0].reset_index(drop=True)
        folds.loc[folds.sample(frac=TEST_SHARE, random_state=SEED).index, "fold"] = 1
        new_ids = {int(old): new for new, old in enumerate(folds["rec_id"])}
        folds["rec_id"] = folds.index
        test_ids = folds.loc[folds["fold"] == 1, "rec_id"].tolist()
        held_out = set(test_ids)
        write_csv(folds, essential / "CVfolds_2.txt")

        with data.open_file("essential_data/rec_id2filename.txt") as fh:
            filenames = pd.read_csv(fh, dtype={"filename": str}, keep_default_na=False)
        filenames = filenames[filenames["rec_id"].isin(list(new_ids))]
        filenames = filenames.assign(rec_id=filenames["rec_id"].map(new_ids))
        write_csv(filenames, essential / "rec_id2filename.txt")

        labels = text("essential_data/rec_labels_test_hidden.txt")
        _write_text(essential / "rec_labels_test_hidden.txt", renumbered_lines(labels, new_ids, held_out))
        for folder, name in PER_RECORDING_TEXT:
            _write_text(public / folder / name, renumbered_lines(text(f"{folder}/{name}"), new_ids))

        files = {key: public / key for key in ("essential_data/species_list.txt",
                                                "supplemental_data/segment_clusters.bmp",
                                                "supplemental_data/segment_mosaic.bmp")}
        present = set(data.keys)
        for name in filenames["filename"]:
            files[f"essential_data/src_wavs/{name}.wav"] = essential / "src_wavs" / f"{name}.wav"
            for folder in SPECTROGRAM_FOLDERS:
                files[f"supplemental_data/{folder}/{name}.bmp"] = supplemental / folder / f"{name}.bmp"
            example = f"supplemental_data/segmentation_examples/{name}.bmp"
            if example in present:  # drawn for a few training recordings only
                files[example] = public / example
        data.place(files, "placing recordings and spectrograms")

    truth = _label_sets(labels, new_ids)
    missing = [rec for rec in test_ids if rec not in truth]
    if missing:
        raise ValueError(f"rec_labels_test_hidden.txt has no line for test recordings {missing[:3]}")
    answers = [(100 * rec + s, int(s in present)) for rec, present in truth.items() if rec in held_out
               for s in range(SPECIES)]
    write_csv(pd.DataFrame(answers, columns=["Id", "Probability"]), private / ANSWERS)
    ids = pd.Series([100 * rec + s for rec in test_ids for s in range(SPECIES)], name="Id")
    write_csv(constant_submission(ids, ["Probability"], 0), public / "sample_submission.csv")
