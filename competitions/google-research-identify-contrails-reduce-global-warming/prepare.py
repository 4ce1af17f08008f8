"""Google Research - Identify Contrails: MLE-bench's hold-out of Kaggle's training records.

Kaggle's test masks were never released, so, as in MLE-bench, as many training records as
there are validation records are held out (``train_test_split(train_metadata,
test_size=len(validation_metadata), random_state=0)`` over train_metadata.json's list in
order). Every file is hard-linked (copied only across filesystems):

- ``train/<record_id>/``: the kept records' nine bands (band_08.npy ... band_16.npy),
  human_individual_masks.npy and human_pixel_masks.npy;
- ``test/<record_id>/``: the held-out records' nine bands only;
- ``validation/`` and validation_metadata.json: Kaggle's, as they are.

train_metadata.json lists the kept records in the split's order (``json.dumps`` of them, as
MLE-bench writes it); no metadata of the held-out records is given. Kaggle's own test/ and
sample submission are not used. The answers hold, per held-out record, the run-length
encoding of human_pixel_masks.npy ("-" when empty) and the image's height and width, which
grading needs; the sample submission repeats those columns with "1 3 10 5" or "-" in
encoded_pixels, drawn by Python's ``random`` seeded with 0, as MLE-bench draws them.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import link_or_copy, progress, write_csv, write_once
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS
from pytest_mlebench.grading.contrails_rle import EMPTY, encode

SEED = 0
BANDS = tuple(f"band_{band:02}.npy" for band in range(8, 17))
MASKS = ("human_individual_masks.npy", "human_pixel_masks.npy")
SAMPLE_GUESSES = ("1 3 10 5", EMPTY)


def answers(raw: Path, ids: list[str]) -> pd.DataFrame:
    """Each held-out record's mask, run-length encoded, and its image size (band_08's)."""
    rows = []
    with progress("encoding held-out masks", len(ids)) as advance:
        for rid in ids:
            folder = raw / "train" / rid
            height, width, _ = np.load(folder / "band_08.npy", mmap_mode="r").shape
            mask = np.load(folder / "human_pixel_masks.npy")
            rows.append({"record_id": rid, "encoded_pixels": encode(mask), "height": height, "width": width})
            advance()
    return pd.DataFrame(rows, columns=["record_id", "encoded_pixels", "height", "width"])


def prepare(raw: Path, public: Path, private: Path) -> None:
    train_metadata = json.loads((raw / "train_metadata.json").read_text())
    validation_metadata = json.loads((raw / "validation_metadata.json").read_text())
    train, test = train_test_split(train_metadata, test_size=len(validation_metadata), random_state=SEED)
    train_ids, test_ids = [r["record_id"] for r in train], [r["record_id"] for r in test]

    if not (private / ANSWERS).exists():
        truth = answers(raw, test_ids)
        guesses = random.Random(SEED)
        write_csv(truth.assign(encoded_pixels=[guesses.choice(SAMPLE_GUESSES) for _ in test_ids]),
                  public / "sample_submission.csv")
        write_csv(truth, private / ANSWERS)
    write_once(public / "train_metadata.json", lambda tmp: tmp.write_text(json.dumps(train)))
    places = {f"{rid}/{name}": public / side / rid / name
              for side, ids, names in (("train", train_ids, BANDS + MASKS), ("test", test_ids, BANDS))
              for rid in ids for name in names}
    with RawImages(raw, "train") as records:
        records.place(places, "linking training and held-out records")
    (public / "validation").mkdir(exist_ok=True)
    with RawImages(raw, "validation") as records:
        records.place({key: public / "validation" / key for key in records.keys},
                      "linking validation records")
    if not (public / "validation_metadata.json").exists():
        link_or_copy(raw / "validation_metadata.json", public / "validation_metadata.json")
