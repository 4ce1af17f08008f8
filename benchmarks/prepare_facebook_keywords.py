"""Wall time and peak memory of preparing facebook-recruiting-iii-keyword-extraction at several
sizes of Train.csv: memory stays flat while the file grows.

    python benchmarks/prepare_facebook_keywords.py [--sizes-mb 700 1400] [--block-size BYTES]

Kaggle's Train.zip holds a 6.8 GB Train.csv of 6,034,195 questions whose quoted HTML
bodies span lines. For each size this writes a Train.zip of that shape (the competition's
synthetic.py: every field quoted, CRLF rows, multi-line bodies; about 1.1 KB a question, as
Kaggle's) holding a Train.csv of about --sizes-mb megabytes, then runs the competition's
prepare() in a fresh child process. Reported: the child's wall time for prepare() and the
peak resident memory of its whole process tree, sampled from /proc every 20 ms, next to
the child's own ru_maxrss and its RSS before preparing (Python with pandas, pyarrow and
scikit-learn loaded). prepare() streams the CSV twice out of the zip and holds a few
dozen blocks, one bucket of test questions (at most 32 MB of them) and, while the split is
drawn, the permutation of the questions (4 bytes each: 24 MB for Kaggle's file): memory does
not grow with the file beyond that.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.prepare.tabular import DEFAULT_BLOCK_SIZE

ROOT = Path(__file__).resolve().parents[1]
COMPETITION = ROOT / "competitions" / "facebook-recruiting-iii-keyword-extraction"
REAL_BYTES, REAL_ROWS = 6.8e9, 6_034_195
GENERATE_CHUNK = 50_000
#: Distinct questions the synthetic file's rows are drawn from.
POOL = 20_000
#: Paragraphs of up to 60 words a body: about 1.1 KB a question, as in Kaggle's file.
PARAGRAPHS = 10

#: Run in the child: prints a JSON line with the figures of one preparation.
CHILD = """
import json, resource, sys, time
from pathlib import Path
raw, public, private, block_size = sys.argv[1:5]
import numpy, pandas, pyarrow, sklearn.model_selection
from pytest_mlebench.catalog.registry import Competition
competition = Competition.from_folder(Path({competition!r}))
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
competition.prepare_into(Path(raw), Path(public), Path(private), block_size=int(block_size))
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "baseline_kb": baseline}}))
"""


def _quoted(values: pd.Series) -> np.ndarray:
    """Each value as a CSV field in Kaggle's dialect: always quoted, quotes doubled."""
    return ('"' + values.str.replace('"', '""') + '"').to_numpy()


def write_train_zip(archive: Path, target_bytes: int, seed: int = 0) -> None:
    """Questions in Kaggle's dialect until Train.csv holds ``target_bytes``.

    Titles, bodies and tag lists are drawn independently from a pool of POOL questions
    made by synthetic.py (drawing each question anew would take an hour for Kaggle's size).
    """
    synthetic = Competition.from_folder(COMPETITION).module("synthetic")
    rng = np.random.default_rng(seed)
    pool = synthetic.questions(1, POOL, rng, paragraphs=PARAGRAPHS)
    header = io.StringIO(newline="")
    synthetic.write_questions(pool.iloc[:0], header)
    fields = [_quoted(pool[column]) for column in ("Title", "Body", "Tags")]
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf, \
            zf.open("Train.csv", "w", force_zip64=True) as out:
        out.write(header.getvalue().encode())
        first, written = 1, len(header.getvalue())
        while written < target_bytes:
            picks = rng.integers(0, POOL, (GENERATE_CHUNK, 3))
            rows = [f'"{first + i}",{fields[0][a]},{fields[1][b]},{fields[2][c]}\r\n'
                    for i, (a, b, c) in enumerate(picks)]
            data = "".join(rows).encode()
            out.write(data)
            written += len(data)
            first += GENERATE_CHUNK
    archive.with_suffix(".rows").write_text(str(first - 1))


def generate(archive: Path, target_bytes: int) -> None:
    """Write the input in a process of its own, so the measuring parent stays small."""
    writer = multiprocessing.get_context("spawn").Process(target=write_train_zip,
                                                          args=(archive, target_bytes))
    writer.start()
    writer.join()
    if writer.exitcode != 0:
        raise SystemExit(f"writing {archive} failed (exit code {writer.exitcode})")


def tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB (0 once it has gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def measure(raw: Path, work: Path, block_size: int, competition: Path = COMPETITION) -> dict[str, float]:
    """Prepare ``competition`` from ``raw`` in a child; its time, and the peak RSS of its tree."""
    public, private = work / "public", work / "private"
    public.mkdir(parents=True)
    private.mkdir(parents=True)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(competition=str(competition)), str(raw), str(public),
         str(private), str(block_size)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    peak = {"kb": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak["kb"] = max(peak["kb"], tree_rss_kb(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"prepare failed (exit code {child.returncode})")
    figures = json.loads(output.strip().splitlines()[-1])
    return {**figures, "tree_peak_kb": peak["kb"], "maxrss_kb": usage.ru_maxrss}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[700, 1400],
                        help="sizes of Train.csv to prepare, in MB (Kaggle's: 6,800)")
    parser.add_argument("--block-size", type=int, default=DEFAULT_BLOCK_SIZE, help="bytes parsed at a time")
    args = parser.parse_args()
    print(f"block size {args.block_size:,} bytes; Kaggle's Train.csv: {REAL_BYTES / 1e6:,.0f} MB, "
          f"{REAL_ROWS:,} questions")
    print("| Train.csv | share of Kaggle's | questions | Train.zip | prepare() | peak RSS, process tree "
          "| ru_maxrss | RSS before prepare |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size_mb in args.sizes_mb:
        with tempfile.TemporaryDirectory(prefix="facebook-bench-") as tmp:
            work = Path(tmp)
            raw = work / "raw"
            raw.mkdir()
            generate(raw / "Train.zip", size_mb * 10**6)
            with zipfile.ZipFile(raw / "Train.zip") as zf:
                csv_bytes = zf.getinfo("Train.csv").file_size
            figures = measure(raw, work / "prepared", args.block_size)
            questions = int((raw / "Train.rows").read_text())
            print(f"| {csv_bytes / 1e6:,.0f} MB | {csv_bytes / REAL_BYTES:.0%} | {questions:,} "
                  f"| {(raw / 'Train.zip').stat().st_size / 1e6:,.0f} MB | {figures['seconds']:.0f} s "
                  f"| {figures['tree_peak_kb'] / 1024:,.0f} MB | {figures['maxrss_kb'] / 1024:,.0f} MB "
                  f"| {figures['baseline_kb'] / 1024:,.0f} MB |", flush=True)


if __name__ == "__main__":
    main()
