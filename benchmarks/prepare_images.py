"""Wall time and peak memory of preparing an image competition of many small files.

    python benchmarks/prepare_images.py [--files 50000] [--size 2048] [--layout folder zip]

Builds a raw folder in Kaggle's layout holding --files image files of --size random
bytes each, then runs a real competition's prepare() (built on
pytest_mlebench/kaggle_prepare/images.py) in a fresh child process, four times:

1. ``first``: into empty public/ and private/ folders;
2. ``re-run``: again into the prepared folders (every file is there: all skipped);
3. ``killed``: into new folders, stopped with SIGKILL once half the images are in
   place, as a crash or an OOM kill would stop it;
4. ``resumed``: again into the killed run's folders, which must then hold exactly the
   bytes of the first run (compared by sha256 of every file, DataStore's manifest).

Layouts: ``folder`` is histopathologic-cancer-detection (train/ and test/ folders of
.tif files: the images are hard-linked), ``zip`` is aerial-cactus-identification
(train.zip: the images are extracted member by member). The time DataStore spends
checking a prepared folder (the sha256 manifest of every file) is reported too.
Times are the step's own (prepare() or the manifest) and the child's wall time with its
start-up and imports. Peak RSS is the child's ru_maxrss; "baseline" is its RSS with
Python, pandas and scikit-learn loaded, before the step.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = {"folder": "histopathologic-cancer-detection", "zip": "aerial-cactus-identification"}
#: Share of the raw images that the folder layout puts in Kaggle's own test/ folder.
KAGGLE_TEST_SHARE = 0.2

#: Run in the child: prints one JSON line with the figures of one step.
CHILD = """
import json, resource, sys, time
from pathlib import Path
step, competition, raw, root = sys.argv[1:5]
raw, root = Path(raw), Path(root)
import pandas, sklearn.model_selection
from pytest_mlebench.data.store import build_manifest
from pytest_mlebench.catalog.registry import Competition
prepare = Competition.from_folder(Path({catalog!r}) / competition).module("prepare").prepare
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if step == "manifest":
    (root / "manifest.json").write_text(json.dumps(build_manifest(root)))
else:
    (root / "public").mkdir(parents=True, exist_ok=True)
    (root / "private").mkdir(parents=True, exist_ok=True)
    print("started", flush=True)
    prepare(raw, root / "public", root / "private")
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "baseline_kb": baseline, "peak_kb": peak}}))
"""


def _payloads(count: int, size: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(count, size), dtype=np.uint8)


def make_folder_raw(raw: Path, files: int, size: int) -> None:
    """histopathologic-cancer-detection: train_labels.csv, train/<id>.tif, test/<id>.tif."""
    n_test = int(files * KAGGLE_TEST_SHARE)
    ids = [f"{i:040x}" for i in range(files)]
    labels = np.random.default_rng(0).integers(0, 2, files - n_test)
    (raw / "train_labels.csv").write_text(
        "id,label\n" + "".join(f"{i},{y}\n" for i, y in zip(ids[n_test:], labels, strict=True)))
    for folder, names in (("test", ids[:n_test]), ("train", ids[n_test:])):
        (raw / folder).mkdir()
        for k, name in enumerate(names):
            if k % 10_000 == 0:
                block = _payloads(min(10_000, len(names) - k), size, k)
            (raw / folder / f"{name}.tif").write_bytes(block[k % 10_000].tobytes())


def make_zip_raw(raw: Path, files: int, size: int) -> None:
    """aerial-cactus-identification: train.csv and train.zip holding train/<id>.jpg."""
    ids = [f"{i:032x}.jpg" for i in range(files)]
    labels = np.random.default_rng(0).integers(0, 2, files)
    (raw / "train.csv").write_text(
        "id,has_cactus\n" + "".join(f"{i},{y}\n" for i, y in zip(ids, labels, strict=True)))
    with zipfile.ZipFile(raw / "train.zip", "w", zipfile.ZIP_STORED) as zf:
        for k, name in enumerate(ids):
            if k % 10_000 == 0:
                block = _payloads(min(10_000, files - k), size, k)
            zf.writestr(f"train/{name}", block[k % 10_000].tobytes())


def _command(step: str, competition: str, raw: Path, root: Path) -> list[str]:
    code = CHILD.format(catalog=str(ROOT / "competitions"))
    return [sys.executable, "-c", code, step, competition, str(raw), str(root)]


def run(step: str, competition: str, raw: Path, root: Path) -> dict[str, float]:
    """One step in a fresh child: its own figures plus the wall time seen from here."""
    started = time.perf_counter()
    done = subprocess.run(_command(step, competition, raw, root), check=True, capture_output=True,
                          text=True, cwd=ROOT)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures | {"wall": time.perf_counter() - started}


def _count(root: Path) -> int:
    return sum(len(files) for _dirs, _sub, files in os.walk(root))


def kill_midway(competition: str, raw: Path, root: Path, files: int) -> int:
    """Start preparing, SIGKILL the child once ``files`` files are in public/; how many were."""
    child = subprocess.Popen(_command("prepare", competition, raw, root), stdout=subprocess.PIPE,
                             text=True, cwd=ROOT)
    assert child.stdout is not None
    child.stdout.readline()  # "started": imports are done, public/ exists
    while child.poll() is None and _count(root / "public") < files:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    return _count(root / "public")


def report(step: str, figures: dict[str, float], files: int) -> None:
    peak, baseline = figures["peak_kb"] / 1024, figures["baseline_kb"] / 1024
    rate = f"{files / figures['seconds']:9,.0f} files/s" if figures["seconds"] > 0 else ""
    print(f"  {step:>9}: {figures['seconds']:6.2f} s ({figures['wall']:5.2f} s wall with child "
          f"start-up), {rate}, peak RSS {peak:4.0f} MB = baseline {baseline:.0f} MB + "
          f"{peak - baseline:.0f} MB")


def bench(layout: str, files: int, size: int, work: Path) -> None:
    competition = LAYOUTS[layout]
    raw = work / layout / "raw"
    raw.mkdir(parents=True)
    started = time.perf_counter()
    (make_folder_raw if layout == "folder" else make_zip_raw)(raw, files, size)
    print(f"{layout} layout ({competition}): {_count(raw):,} raw files, {files:,} images of "
          f"{size:,} bytes (made in {time.perf_counter() - started:.1f} s)")

    first = run("prepare", competition, raw, work / layout / "a")
    placed = _count(work / layout / "a" / "public")
    report("first", first, placed)
    report("re-run", run("prepare", competition, raw, work / layout / "a"), placed)
    report("manifest", run("manifest", competition, raw, work / layout / "a"), placed)

    in_place = kill_midway(competition, raw, work / layout / "b", placed // 2)
    print(f"  {'killed':>9}: SIGKILL with {in_place:,} of {placed:,} public files in place")
    report("resumed", run("prepare", competition, raw, work / layout / "b"), placed)
    run("manifest", competition, raw, work / layout / "b")
    same = ((work / layout / "a" / "manifest.json").read_text()
            == (work / layout / "b" / "manifest.json").read_text())
    print(f"  killed + resumed == first, byte for byte: {same}")
    if not same:
        raise SystemExit("the resumed preparation differs from the one made in one go")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=50_000, help="image files in the raw folder")
    parser.add_argument("--size", type=int, default=2048, help="bytes per image file")
    parser.add_argument("--layout", nargs="+", choices=sorted(LAYOUTS), default=sorted(LAYOUTS))
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to build (default: a temporary folder; the filesystem matters)")
    args = parser.parse_args()
    print("$ python " + shlex.join(["benchmarks/prepare_images.py", *sys.argv[1:]]))
    with tempfile.TemporaryDirectory(prefix="images-bench-", dir=args.dir) as tmp:
        for layout in args.layout:
            bench(layout, args.files, args.size, Path(tmp))


if __name__ == "__main__":
    main()
