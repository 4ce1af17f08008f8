"""Wall time and peak memory of preparing cdiscount-image-classification-challenge at several
sizes of train.bson: memory stays flat while the file grows.

    python benchmarks/prepare_cdiscount.py [--sizes-mb 600 1200 2400]

Kaggle's train.bson holds 7,069,896 products in 58.2 GB (about 8.2 KB a product: a BSON
document of an int32 _id, an int32 category_id and a list of 1.75 JPEG pictures on average,
12,371,293 of them, about 4.7 KB each). For each size this writes a raw folder of Kaggle's
shape (the competition's synthetic.py's documents, category_names.csv with Kaggle's 5,270
categories, train_example.bson, a small test.bson and sample submission) around a
train.bson of about --sizes-mb megabytes: ascending ids, categories drawn at random, one to
four pictures a product drawn from a pool of random-pixel JPEGs of Kaggle's mean size. It
then runs the competition's prepare() in a fresh child process. Reported: the child's wall
time for prepare() and the peak resident memory of its process tree, sampled from /proc
every 20 ms, next to its ru_maxrss and its RSS before preparing (Python with pandas, pymongo's
bson and scikit-learn loaded).

prepare() streams train.bson twice a product at a time and holds, besides the product being
routed, two int64 arrays and a flag per product, the split's positions and the held-out
tenth's answers: some 40 bytes a product (about 280 MB more for Kaggle's 7 million), and
nothing that grows with the pictures' bytes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import bson
import numpy as np
import pandas as pd

# Beside this script: the /proc sampler of a process tree's resident memory.
from prepare_facebook_keywords import tree_rss_kb

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.synthetic import photo

ROOT = Path(__file__).resolve().parents[1]
COMPETITION = ROOT / "competitions" / "cdiscount-image-classification-challenge"
REAL_BYTES, REAL_PRODUCTS, CATEGORIES = 58.2e9, 7_069_896, 5_270
#: Pictures a product: 1 to 4, 1.75 on average as in Kaggle's file.
PICTURES, PICTURE_ODDS = np.array([1, 2, 3, 4]), np.array([0.55, 0.25, 0.1, 0.1])
#: Random-pixel JPEGs of this many pixels a side weigh about Kaggle's 4.7 KB.
PICTURE_SIDE, POOL = 80, 256
TEST_PRODUCTS = 1_000

#: Run in the child: prints a JSON line with the figures of one preparation.
CHILD = """
import json, resource, sys, time
from pathlib import Path
raw, public, private = sys.argv[1:4]
import bson, numpy, pandas, sklearn.model_selection
from pytest_mlebench.catalog.registry import Competition
competition = Competition.from_folder(Path({competition!r}))
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
competition.prepare_into(Path(raw), Path(public), Path(private))
print(json.dumps({{"seconds": time.perf_counter() - start, "baseline_kb": baseline}}))
"""


def write_raw(raw: Path, target_bytes: int, seed: int = 0) -> None:
    """Kaggle's files around a train.bson of about ``target_bytes``."""
    synthetic = Competition.from_folder(COMPETITION).module("synthetic")
    rng = np.random.default_rng(seed)
    categories = np.array(synthetic.category_ids(rng, CATEGORIES))
    pd.DataFrame({"category_id": categories, "category_level1": "RAYON", "category_level2": "SOUS-RAYON",
                  "category_level3": [f"ARTICLE {i}" for i in range(CATEGORIES)]}).to_csv(
        raw / "category_names.csv", index=False)
    pool = [{"picture": photo(rng, shape=(PICTURE_SIDE, PICTURE_SIDE))} for _ in range(POOL)]
    products = written = 0
    with open(raw / "train.bson", "wb", buffering=1 << 20) as out, \
            open(raw / "train_example.bson", "wb") as example:
        while written < target_bytes:
            n = int(rng.choice(PICTURES, p=PICTURE_ODDS))
            document = bson.encode({"_id": products, "category_id": int(rng.choice(categories)),
                                    "imgs": [pool[i] for i in rng.integers(0, POOL, n)]})
            written += out.write(document)
            if products < 100:
                example.write(document)
            products += 1
    with open(raw / "test.bson", "wb") as out:
        for i in range(TEST_PRODUCTS):
            out.write(bson.encode({"_id": products + i, "imgs": [pool[i % POOL]]}))
    sample = pd.DataFrame({"_id": np.arange(products, products + TEST_PRODUCTS),
                           "category_id": synthetic.SAMPLE_CATEGORY})
    sample.to_csv(raw / "sample_submission.csv", index=False)
    (raw / "products").write_text(str(products))


def generate(raw: Path, target_bytes: int) -> None:
    """Write the input in a process of its own, so the measuring parent stays small."""
    writer = multiprocessing.get_context("spawn").Process(target=write_raw, args=(raw, target_bytes))
    writer.start()
    writer.join()
    if writer.exitcode != 0:
        raise SystemExit(f"writing {raw} failed (exit code {writer.exitcode})")


def measure(raw: Path, work: Path) -> dict[str, float]:
    """Prepare the competition from ``raw`` in a child; its time, and the peak RSS of its tree."""
    public, private = work / "public", work / "private"
    public.mkdir(parents=True)
    private.mkdir(parents=True)
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(competition=str(COMPETITION)), str(raw),
                              str(public), str(private)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    peak = {"kb": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak["kb"] = max(peak["kb"], tree_rss_kb(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"prepare failed ({status})")
    figures = json.loads(output.strip().splitlines()[-1])
    return {**figures, "tree_peak_kb": peak["kb"], "maxrss_kb": usage.ru_maxrss}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[600, 1200, 2400],
                        help="sizes of train.bson to prepare, in MB (Kaggle's: 58,200)")
    args = parser.parse_args()
    print(f"Kaggle's train.bson: {REAL_BYTES / 1e6:,.0f} MB, {REAL_PRODUCTS:,} products")
    print("| train.bson | share of Kaggle's | products | held out | prepare() | peak RSS, process tree "
          "| ru_maxrss | RSS before prepare |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size_mb in args.sizes_mb:
        with tempfile.TemporaryDirectory(prefix="cdiscount-bench-") as tmp:
            work = Path(tmp)
            raw = work / "raw"
            raw.mkdir()
            started = time.perf_counter()
            generate(raw, size_mb * 10**6)
            print(f"(input written in {time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
            size = (raw / "train.bson").stat().st_size
            figures = measure(raw, work / "prepared")
            products = int((raw / "products").read_text())
            held_out = sum(1 for _ in open(work / "prepared" / "private" / "answers.csv", "rb")) - 1
            print(f"| {size / 1e6:,.0f} MB | {size / REAL_BYTES:.1%} | {products:,} | {held_out:,} "
                  f"| {figures['seconds']:.0f} s | {figures['tree_peak_kb'] / 1024:,.0f} MB "
                  f"| {figures['maxrss_kb'] / 1024:,.0f} MB | {figures['baseline_kb'] / 1024:,.0f} MB |",
                  flush=True)


if __name__ == "__main__":
    main()
