"""Wall time and peak memory of preparing rsna-2022-cervical-spine-fracture-detection through the
real DataStore at shares of Kaggle's file count: the preparation's memory stays flat as the
number of files grows.

    python benchmarks/prepare_rsna_2022_cervical.py [--shares 0.05 0.1]

Kaggle's download is 343 GB: 2,019 training studies, each a folder train_images/<UID>/ of
about 350 CT slices (some 700,000 DICOM files in all), with train.csv, about 7,200 bounding boxes
over 235 studies and 87 segmentations (40 of those studies boxed too). The preparation
hard-links every file and reads none, so its cost is per file and per CSV row, not per byte:
for each share this writes a raw folder of Kaggle's layout with that share of the studies,
boxes and segmentations and the same slices per study, each slice a real but tiny DICOM file
(the competition's synthetic.py's, a few hundred bytes; Kaggle's are about 0.5 MB), so the
file count is the real one's share and the bytes are not. It then prepares it in a fresh
child process with DataStore.prepare(): the competition's prepare() (the split, the CSVs, a
link per file) and the DataStore's own work, a sha256 manifest and stats of every prepared
file. Reported: the child's wall time for prepare() and for the whole DataStore.prepare(),
its ru_maxrss once prepare() has returned (the preparation's own peak: it lists and links a
study at a time and holds only the CSVs' rows) and once the DataStore is done, the peak
resident memory of its process tree (sampled from /proc every 20 ms), its RSS before
preparing (Python with pandas and the plugin loaded), and a linear extrapolation of each to
Kaggle's full count (the DataStore's manifest and stats hold an entry per file, so they grow
with the count). The temporary folders are removed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

# Beside this script: the /proc sampler of a process tree's resident memory.
from prepare_facebook_keywords import tree_rss_kb

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition

CID = "rsna-2022-cervical-spine-fracture-detection"
ROOT = Path(__file__).resolve().parents[1]
REAL_STUDIES, REAL_FILES, REAL_BOX_ROWS = 2_019, 700_000, 7_217
#: Studies with boxes only, a segmentation only, and both, in Kaggle's data.
REAL_BOXED, REAL_SEGMENTED, REAL_BOTH = 195, 47, 40
SLICES = round(REAL_FILES / REAL_STUDIES)
#: Distinct tiny slices written over and over (the preparation never reads them).
POOL = 64

#: Run in the child: prints a JSON line with the figures of one preparation.
CHILD = """
import functools, json, resource, sys, time
from pathlib import Path
raw_root, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
import pandas
from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.raw import RawSource
from pytest_mlebench.data.store import DataStore
competition = Competition.from_folder(catalog_root() / {cid!r})
module = competition.module("prepare")
timed = {{}}
inner = module.prepare
@functools.wraps(inner)
def prepare(*args, **kwargs):
    start = time.perf_counter()
    inner(*args, **kwargs)
    timed["prepare"] = time.perf_counter() - start
    timed["prepare_maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
module.prepare = prepare
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
DataStore(data_dir, RawSource(data_dir, raw_dir=raw_root)).prepare(competition)
print(json.dumps({{"store": time.perf_counter() - start, "baseline_kb": baseline, **timed}}))
"""


def write_raw(raw: Path, share: float, seed: int = 0) -> int:
    """Kaggle's layout with ``share`` of its studies, boxes and segmentations; the files written."""
    synthetic = Competition.from_folder(catalog_root() / CID).module("synthetic")
    rng = np.random.default_rng(seed)
    studies = round(REAL_STUDIES * share)
    uids = [f"1.2.826.0.1.3680043.{k}" for k in rng.permutation(np.arange(10_000, 10_000 + studies + 3))]
    train, test = uids[:studies], uids[studies:]
    vertebrae = (rng.random((studies, 7)) < 0.07).astype(int)
    labels = pd.DataFrame(vertebrae, columns=synthetic.TARGETS[1:])
    labels.insert(0, "patient_overall", vertebrae.max(axis=1))
    labels.insert(0, "StudyInstanceUID", train)
    labels.to_csv(raw / "train.csv", index=False)
    pool = [synthetic.ct_slice("1.2.826.0.1.3680043.1", k, rng) for k in range(POOL)]
    written = 0
    for folder, ids in (("train_images", train), ("test_images", test)):
        for uid in ids:
            (raw / folder / uid).mkdir(parents=True)
            for number in range(1, SLICES + 1):
                (raw / folder / uid / f"{number}.dcm").write_bytes(pool[number % POOL])
                written += 1
    boxed_only, segmented_only, both = (round(n * share) for n in (REAL_BOXED, REAL_SEGMENTED, REAL_BOTH))
    boxed = train[:boxed_only + both]
    per_study = round(REAL_BOX_ROWS / (REAL_BOXED + REAL_BOTH))
    pd.DataFrame([{"StudyInstanceUID": uid, "x": 120.5, "y": 98.25, "width": 60.0, "height": 41.75,
                   "slice_number": number} for uid in boxed for number in range(100, 100 + per_study)]
                 ).to_csv(raw / "train_bounding_boxes.csv", index=False)
    (raw / "segmentations").mkdir()
    volume = synthetic.nifti(rng.integers(0, 8, (4, 4, 8)))
    for uid in train[boxed_only:boxed_only + both + segmented_only]:
        (raw / "segmentations" / f"{uid}.nii").write_bytes(volume)
        written += 1
    rows = pd.DataFrame([(f"{u}_{t}", u, t) for u in test for t in synthetic.TARGETS],
                        columns=["row_id", "StudyInstanceUID", "prediction_type"])
    rows.to_csv(raw / "test.csv", index=False)
    rows[["row_id"]].assign(fractured=0.5).to_csv(raw / "sample_submission.csv", index=False)
    return written + 4


def measure(raw_root: Path, data_dir: Path) -> dict[str, float]:
    """DataStore.prepare() in a child; its figures, its tree's sampled peak RSS and its ru_maxrss."""
    out = data_dir.parent / "child.json"
    with open(out, "w") as sink:
        child = subprocess.Popen([sys.executable, "-c", CHILD.format(cid=CID), str(raw_root), str(data_dir)],
                                 stdout=sink, cwd=ROOT)
        peak = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_rss_kb(child.pid))
            time.sleep(0.02)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"preparing failed ({status})")
    figures = json.loads(out.read_text().strip().splitlines()[-1])
    return {**figures, "tree_peak_kb": peak, "maxrss_kb": usage.ru_maxrss}


def _extrapolated(values: list[float], files: list[int]) -> float:
    """The line through the first and last size, at Kaggle's file count."""
    slope = (values[-1] - values[0]) / (files[-1] - files[0]) if len(files) > 1 else values[0] / files[0]
    return values[-1] + slope * (REAL_FILES - files[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shares", type=float, nargs="+", default=[0.05, 0.1],
                        help="shares of Kaggle's 2,019 studies (and about 700,000 files) to prepare")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to build (default: a temporary folder; the filesystem matters)")
    args = parser.parse_args()
    print(f"Kaggle's: {REAL_STUDIES:,} studies, about {REAL_FILES:,} files; {SLICES} slices a study here")
    print("| share | files | prepare() | ru_maxrss by the end of prepare() | DataStore.prepare() "
          "| peak RSS, process tree | ru_maxrss | RSS before |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    rows = []
    for share in args.shares:
        with tempfile.TemporaryDirectory(prefix="rsna-cervical-bench-", dir=args.dir) as tmp:
            raw = Path(tmp) / "raw" / CID
            raw.mkdir(parents=True)
            started = time.perf_counter()
            files = write_raw(raw, share)
            print(f"(input of {files:,} files written in {time.perf_counter() - started:.0f} s)",
                  file=sys.stderr, flush=True)
            figures = measure(raw.parent, Path(tmp) / "data")
        rows.append((files, figures))
        print(f"| {share:.1%} | {files:,} | {figures['prepare']:.1f} s "
              f"| {figures['prepare_maxrss_kb'] / 1024:,.0f} MB | {figures['store']:.1f} s "
              f"| {figures['tree_peak_kb'] / 1024:,.0f} MB | {figures['maxrss_kb'] / 1024:,.0f} MB "
              f"| {figures['baseline_kb'] / 1024:,.0f} MB |", flush=True)
    counts = [files for files, _ in rows]
    full = {key: _extrapolated([figures[key] for _, figures in rows], counts)
            for key in ("prepare", "prepare_maxrss_kb", "store", "tree_peak_kb", "maxrss_kb")}
    print(f"| 100%, extrapolated | {REAL_FILES:,} | {full['prepare']:.0f} s "
          f"| {full['prepare_maxrss_kb'] / 1024:,.0f} MB | {full['store']:.0f} s "
          f"| {full['tree_peak_kb'] / 1024:,.0f} MB | {full['maxrss_kb'] / 1024:,.0f} MB | |")


if __name__ == "__main__":
    main()
