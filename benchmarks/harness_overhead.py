"""Harness overhead per run, and the cost of grading a one-million-row submission.

    python benchmarks/harness_overhead.py

1. Per-run overhead of a runner: everything but the agent's own work
   (workspace or container, data, validation endpoint, grading, records).
   Measured with the dummy agent (it copies one file) as the slope of session
   time over the number of runs: (T(1 + n runs) - T(1 run)) / n, so pytest's
   start-up, image builds and the one-time preparation cancel out. The local
   runner always; the docker runner too with --docker (its images must exist or
   be buildable: scripts/build-offline-base.sh).
2. Time and peak memory (max RSS of a fresh process, minus its baseline) to
   validate and score a 1,000,000-row submission against 1,000,000 answers.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMPETITION = "diabetes-progression"


def session_seconds(seeds: int, data_dir: Path, runs_dir: Path, runner: str) -> float:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--agent=dummy",
           f"--competitions={COMPETITION}", f"--mlebench-seeds={seeds}", f"--mlebench-runner={runner}",
           f"--mlebench-data-dir={data_dir}", f"--mlebench-runs-dir={runs_dir}"]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=runs_dir)
    return time.perf_counter() - start


def overhead(n: int, runner: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, runs_dir = Path(tmp, "data"), Path(tmp, "runs")
        runs_dir.mkdir()
        session_seconds(1, data_dir, runs_dir, runner)  # prepare (and build) outside the measurement
        one = min(session_seconds(1, data_dir, runs_dir, runner) for _ in range(2))
        many = session_seconds(1 + n, data_dir, runs_dir, runner)
    return (many - one) / n


GRADE_CHILD = """
import sys, time
from pytest_mlebench.grading.metrics import get_metric
from pytest_mlebench.grading.validate import GradingSpec, read_csv, score

def high_water_kb():
    # Not ru_maxrss: Linux carries the parent's peak over into a child's, across exec.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

answers_path, submission_path = sys.argv[1], sys.argv[2]
base = high_water_kb()
start = time.perf_counter()
answers = read_csv(answers_path)
value = score(submission_path, answers, GradingSpec("id", ("target",), get_metric("roc_auc")))
elapsed = time.perf_counter() - start
peak = high_water_kb() - base
print(f"{elapsed:.2f} {peak / 1024:.0f} {value:.4f}")
"""


def grading_cost(rows: int, pixel_ids: bool = False) -> tuple[float, float]:
    """Seconds and peak MB to grade ``rows`` shuffled rows; ``pixel_ids`` gives the ids
    "<page>_<row>_<col>" of denoising-dirty-documents' per-pixel submissions (6.3M rows)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        if pixel_ids:
            pixel = np.arange(rows)
            page, row, col = pixel // (420 * 540) + 1, pixel // 540 % 420 + 1, pixel % 540 + 1
            ids = np.char.add(np.char.add(page.astype(str), "_"), row.astype(str))
            ids = np.char.add(np.char.add(ids, "_"), col.astype(str))
        else:
            ids = np.char.add("id", np.arange(rows).astype(str))
        truth = rng.integers(0, 2, rows)
        pd.DataFrame({"id": ids, "target": truth}).to_csv(Path(tmp, "answers.csv"), index=False)
        pred = np.clip(truth * 0.3 + rng.random(rows) * 0.7, 0, 1)
        order = rng.permutation(rows)
        pd.DataFrame({"id": ids[order], "target": pred[order]}).to_csv(Path(tmp, "sub.csv"), index=False)
        out = subprocess.run([sys.executable, "-c", GRADE_CHILD, str(Path(tmp, "answers.csv")),
                              str(Path(tmp, "sub.csv"))], check=True, capture_output=True, text=True)
    seconds, peak_mb, _auc = out.stdout.split()
    return float(seconds), float(peak_mb)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="extra runs for the slope (default 20)")
    parser.add_argument("--docker", action="store_true", help="also measure the docker runner")
    parser.add_argument("--rows", type=int, default=1_000_000, help="submission rows (default 1e6)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
    per_run = overhead(args.runs, "local")
    print(f"local runner overhead per run: {per_run:.3f} s (target < 1 s)")
    if args.docker:
        docker = overhead(args.runs, "docker")
        print(f"docker runner overhead per run: {docker:.3f} s, {docker - per_run:.3f} s beyond the local "
              f"runner's (target < 2 s)")
    seconds, peak = grading_cost(args.rows)
    print(f"grading a {args.rows:,}-row submission: {seconds:.2f} s, peak memory +{peak:.0f} MB")


if __name__ == "__main__":
    main()
