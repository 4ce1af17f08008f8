"""Wall time and peak memory of preparing the taxi competition from a large train.csv.

    python benchmarks/prepare_taxi_memory.py [--rows 5000000] [--block-size BYTES] [--in-memory]

Writes a taxi-shaped train.csv (Kaggle's columns and value formats, made-up rides)
of --rows rows, then runs new-york-city-taxi-fare-prediction's prepare() in a fresh
child process and reports its wall time and peak resident memory (ru_maxrss) next to
the input's size and the child's memory before preparing (Python with numpy, pandas,
pyarrow and scikit-learn loaded). Kaggle's file has 55,423,856 rows (5.7 GB). The
streamed split holds a few dozen blocks plus, while the test rows are drawn, the
permutation of row positions: memory grows by 4 bytes a row, not with the file.
--in-memory also measures MLE-bench's way on the same file (read it whole with
pandas, train_test_split, write), for comparison.
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

from pytest_mlebench.data.prepare.tabular import DEFAULT_BLOCK_SIZE

ROOT = Path(__file__).resolve().parents[1]
COMPETITION = "new-york-city-taxi-fare-prediction"
GENERATE_CHUNK = 500_000

#: Run in the child: prints a JSON line with the figures of one preparation.
CHILD = """
import json, resource, sys, time
from pathlib import Path
raw, public, private, block_size, way = sys.argv[1:6]
raw, public, private = Path(raw), Path(public), Path(private)
import numpy, pandas, pyarrow
from sklearn.model_selection import train_test_split
from pytest_mlebench.catalog.registry import Competition
prepare = Competition.from_folder(Path({catalog!r}) / {competition!r}).prepare_into
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if way == "streamed":
    prepare(raw, public, private, block_size=int(block_size))
else:
    rides = pandas.read_csv(raw / "train.csv", float_precision="round_trip")
    train, test = train_test_split(rides, test_size=9914, random_state=0)
    train.to_csv(public / "train.csv", index=False)
    test.drop(columns=["fare_amount"]).to_csv(public / "test.csv", index=False)
    test[["key", "fare_amount"]].to_csv(private / "answers.csv", index=False)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "baseline_kb": baseline, "peak_kb": peak}}))
"""


def write_rides(path: Path, rows: int, seed: int = 0) -> None:
    """Kaggle-like rides, written a chunk at a time; keys are unique like Kaggle's."""
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="") as out:
        for first in range(0, rows, GENERATE_CHUNK):
            n = min(GENERATE_CHUNK, rows - first)
            seconds = rng.integers(0, 6 * 365 * 86400, n)
            start = pd.Timestamp("2009-01-01") + pd.to_timedelta(seconds, unit="s")
            when = pd.Series(start.strftime("%Y-%m-%d %H:%M:%S"))
            rides = pd.DataFrame({
                "key": when + "." + pd.Series(np.arange(first, first + n)).astype(str).str.zfill(9),
                "fare_amount": np.round(rng.gamma(2.0, 5.0, n), 2),
                "pickup_datetime": when + " UTC",
                "pickup_longitude": np.round(-73.97 + rng.normal(0, 0.04, n), 6),
                "pickup_latitude": np.round(40.75 + rng.normal(0, 0.03, n), 6),
                "dropoff_longitude": np.round(-73.97 + rng.normal(0, 0.04, n), 6),
                "dropoff_latitude": np.round(40.75 + rng.normal(0, 0.03, n), 6),
                "passenger_count": rng.integers(0, 7, n),
            })
            rides.loc[rng.random(n) < 0.001, ["dropoff_longitude", "dropoff_latitude"]] = np.nan
            rides.to_csv(out, index=False, header=first == 0, lineterminator="\n")


def generate(path: Path, rows: int) -> None:
    """Write the input in a process of its own: Linux carries a parent's peak RSS over
    into ru_maxrss of the children it starts, so the parent must stay small."""
    writer = multiprocessing.get_context("spawn").Process(target=write_rides, args=(path, rows))
    writer.start()
    writer.join()
    if writer.exitcode != 0:
        raise SystemExit(f"writing {path} failed (exit code {writer.exitcode})")


def measure(raw: Path, work: Path, block_size: int, way: str) -> dict[str, float]:
    public, private = work / way / "public", work / way / "private"
    public.mkdir(parents=True)
    private.mkdir(parents=True)
    code = CHILD.format(catalog=str(ROOT / "competitions"), competition=COMPETITION)
    done = subprocess.run(
        [sys.executable, "-c", code, str(raw), str(public), str(private), str(block_size), way],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(way: str, figures: dict[str, float], rows: int, input_mb: float) -> None:
    peak, baseline = figures["peak_kb"] / 1024, figures["baseline_kb"] / 1024
    print(f"{way:>9}: {figures['seconds']:7.1f} s ({rows / figures['seconds'] / 1e6:.2f} M rows/s), "
          f"peak RSS {peak:7.0f} MB = baseline {baseline:.0f} MB + {peak - baseline:.0f} MB "
          f"({peak / input_mb:.2f}x the input)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows of the synthetic train.csv")
    parser.add_argument("--block-size", type=int, default=DEFAULT_BLOCK_SIZE, help="bytes parsed at a time")
    parser.add_argument("--in-memory", action="store_true",
                        help="also measure MLE-bench's way: the whole file in pandas")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="taxi-bench-") as tmp:
        work = Path(tmp)
        raw = work / "raw"
        raw.mkdir()
        started = time.perf_counter()
        generate(raw / "train.csv", args.rows)
        input_mb = (raw / "train.csv").stat().st_size / 2**20
        print(f"input: {args.rows:,} rows, {input_mb:.0f} MB "
              f"(written in {time.perf_counter() - started:.0f} s); block size {args.block_size:,} bytes")
        report("streamed", measure(raw, work, args.block_size, "streamed"), args.rows, input_mb)
        if args.in_memory:
            report("in-memory", measure(raw, work, args.block_size, "in-memory"), args.rows, input_mb)


if __name__ == "__main__":
    main()
