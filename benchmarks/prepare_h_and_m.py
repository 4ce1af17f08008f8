"""Wall time and peak memory of preparing h-and-m-personalized-fashion-recommendations at several
sizes of transactions_train.csv: memory stays flat while the file grows.

    python benchmarks/prepare_h_and_m.py [--sizes-mb 350 700 1050] [--block-size BYTES] [--grade]

Kaggle's transactions_train.csv holds 31,788,324 purchases in 3.5 GB (about 110 bytes a
row: an ISO date, a 64-hex customer id, a ten-digit article id, a 16-digit price, a sales
channel), in date order over two years. For each size this writes a raw folder of Kaggle's
shape around a transactions_train.csv of about --sizes-mb megabytes: dates spread evenly
over Kaggle's 734 days (so the 8 held-out days are about 1% of the rows, as in Kaggle's
file), customers drawn from Kaggle's 1,371,980 and articles from its 105,542, and, at their
real sizes, customers.csv and the sample submission (one row per customer, 258 MB), which
do not grow with the transactions; articles.csv and a few images. The formats are the
competition's synthetic.py's. It then runs the competition's prepare() in a fresh child
process. Reported: the child's wall time for prepare() and the peak resident memory of its
process tree, sampled from /proc every 20 ms, next to its ru_maxrss and its RSS before
preparing (Python with pandas, pyarrow and scikit-learn loaded).

prepare() streams the CSV twice a block at a time (once for its last date, once to route
rows) and holds a few dozen blocks and the held-out purchases; what does not depend on the
file's size is the sample submission's 1.37 million customer ids, read to write the
answers. With --grade, the sample submission is also graded against the answers in another
child (time and ru_maxrss): the 1.37-million-row file every agent's submission is.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

# Beside this script: the child that times one preparation, and the /proc sampler around it.
from prepare_facebook_keywords import measure

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.prepare.tabular import DEFAULT_BLOCK_SIZE
from pytest_mlebench.data.synthetic import csv_bytes, photo, write_file

ROOT = Path(__file__).resolve().parents[1]
COMPETITION = ROOT / "competitions" / "h-and-m-personalized-fashion-recommendations"
REAL_BYTES, REAL_ROWS = 3.49e9, 31_788_324
CUSTOMERS, ARTICLES, DAYS = 1_371_980, 105_542, 734
GENERATE_CHUNK = 200_000
#: Bytes of a row of Kaggle's file, on average.
ROW_BYTES = 110
PRICES = 10_000

#: Run in another child: grades the sample submission, prints seconds and ru_maxrss.
GRADE_CHILD = """
import json, resource, sys, time
from pathlib import Path
from pytest_mlebench.catalog.registry import Competition
competition = Competition.from_folder(Path({competition!r}))
start = time.perf_counter()
score = competition.grader(Path(sys.argv[1])).score(Path(sys.argv[2]))
print(json.dumps({{"seconds": time.perf_counter() - start, "score": score,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def write_raw(raw: Path, target_bytes: int, seed: int = 0) -> None:
    """Kaggle's files around a transactions_train.csv of ``target_bytes``, in date order."""
    synthetic = Competition.from_folder(COMPETITION).module("synthetic")
    rng = np.random.default_rng(seed)
    customers = sorted(synthetic.hex_ids(rng, CUSTOMERS))
    articles = synthetic.article_ids(rng, ARTICLES)
    write_file(raw / "articles.csv", csv_bytes(synthetic.articles(articles, rng)))
    write_file(raw / "customers.csv", csv_bytes(synthetic.customers(customers, rng)))
    popular = " ".join(articles[:12])
    write_file(raw / "sample_submission.csv",
               csv_bytes(pd.DataFrame({"customer_id": customers, "prediction": popular})))
    for article in articles[:50]:
        write_file(raw / "images" / article[:3] / f"{article}.jpg", photo(rng))
    dates = pd.date_range(end=synthetic.LAST_DATE, periods=DAYS).strftime("%Y-%m-%d").to_numpy()
    prices = synthetic.price_texts(rng, PRICES)
    customer_pool, article_pool = np.array(customers), np.array(articles)
    rows = 0
    with open(raw / "transactions_train.csv", "wb") as out:
        written = out.write(b"t_dat,customer_id,article_id,price,sales_channel_id\n")
        while written < target_bytes:
            # Each row's date follows its (estimated) place in the file: even over the days, in order.
            n = min(GENERATE_CHUNK, (target_bytes - written) // ROW_BYTES + 1)
            place = written + np.arange(n) * ROW_BYTES
            days = dates[np.minimum(DAYS - 1, place * DAYS // target_bytes)]
            columns = zip(days, customer_pool[rng.integers(0, CUSTOMERS, n)],
                          article_pool[rng.integers(0, ARTICLES, n)], prices[rng.integers(0, PRICES, n)],
                          rng.integers(1, 3, n), strict=True)
            lines = "".join(f"{day},{customer},{article},{price},{channel}\n"
                            for day, customer, article, price, channel in columns)
            written += out.write(lines.encode())
            rows += n
        # The last day always has purchases, as in Kaggle's file.
        written += out.write(f"{dates[-1]},{customers[0]},{articles[0]},{prices[0]},2\n".encode())
    (raw / "rows").write_text(str(rows + 1))


def generate(raw: Path, target_bytes: int) -> None:
    """Write the input in a process of its own, so the measuring parent stays small."""
    writer = multiprocessing.get_context("spawn").Process(target=write_raw, args=(raw, target_bytes))
    writer.start()
    writer.join()
    if writer.exitcode != 0:
        raise SystemExit(f"writing {raw} failed (exit code {writer.exitcode})")


def measure_grade(answers: Path, submission: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", GRADE_CHILD.format(competition=str(COMPETITION)),
                           str(answers), str(submission)], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[350, 700, 1050],
                        help="sizes of transactions_train.csv to prepare, in MB (Kaggle's: 3,490)")
    parser.add_argument("--block-size", type=int, default=DEFAULT_BLOCK_SIZE, help="bytes parsed at a time")
    parser.add_argument("--grade", action="store_true", help="also grade the sample submission")
    args = parser.parse_args()
    print(f"block size {args.block_size:,} bytes; Kaggle's transactions_train.csv: "
          f"{REAL_BYTES / 1e6:,.0f} MB, {REAL_ROWS:,} purchases; {CUSTOMERS:,} customers")
    grading = (" grading the sample |", " --- |") if args.grade else ("", "")
    print("| transactions_train.csv | share of Kaggle's | purchases | held out | prepare() "
          "| peak RSS, process tree | ru_maxrss | RSS before prepare |" + grading[0])
    print("| --- | --- | --- | --- | --- | --- | --- | --- |" + grading[1])
    for size_mb in args.sizes_mb:
        with tempfile.TemporaryDirectory(prefix="h-and-m-bench-") as tmp:
            work = Path(tmp)
            raw = work / "raw"
            raw.mkdir()
            started = time.perf_counter()
            generate(raw, size_mb * 10**6)
            print(f"(input written in {time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
            csv_size = (raw / "transactions_train.csv").stat().st_size
            figures = measure(raw, work / "prepared", args.block_size, COMPETITION)
            rows = int((raw / "rows").read_text())
            kept = sum(1 for _ in open(work / "prepared" / "public" / "transactions_train.csv", "rb")) - 1
            line = (f"| {csv_size / 1e6:,.0f} MB | {csv_size / REAL_BYTES:.0%} | {rows:,} | {rows - kept:,} "
                    f"| {figures['seconds']:.0f} s | {figures['tree_peak_kb'] / 1024:,.0f} MB "
                    f"| {figures['maxrss_kb'] / 1024:,.0f} MB | {figures['baseline_kb'] / 1024:,.0f} MB |")
            if args.grade:
                graded = measure_grade(work / "prepared" / "private" / "answers.csv",
                                       work / "prepared" / "public" / "sample_submission.csv")
                line += f" {graded['seconds']:.1f} s, {graded['maxrss_kb'] / 1024:,.0f} MB ru_maxrss |"
            print(line, flush=True)


if __name__ == "__main__":
    main()
