"""The harness's peak memory while it grades a huge submission: the grade runs in a bounded
child of the grading service (grading/service.py), so the harness stays small whatever the
file's size.

    python benchmarks/grading_bounds.py [--sizes-mb 256 1024 2048] [--answers-rows 1000000]

An agent may hand back up to 2 GiB (the copy-out cap). For each size this writes, in a
temporary folder, a 1,000,000-row answers file (``id,target``, ROC AUC, the shape of
tabular-playground-series-may-2022) and a submission of about that many megabytes: the
answers' ids with a score each, then rows of new ids until the size is reached, which is
what a hostile or broken agent writes. It grades the file as the harness does (the grading
service's grader of tabular-playground-series-may-2022, default ``Bounds()``) and reports the
verdict, the wall time, how much this process (the harness) grew (ru_maxrss before and after)
and the grading child's peak RSS, sampled every 20 ms (so a peak may be read a little low).
Parsed in-process, such a file takes about 10x its size.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.grading.errors import InvalidSubmission
from pytest_mlebench.grading.judge import Judge
from pytest_mlebench.grading.service import GradingService

MIB = 1024**2
CHUNK_ROWS = 2_000_000


def write_submission(path: Path, answers: pd.DataFrame, size_bytes: int, rng: np.random.Generator) -> None:
    """The answers' ids with random scores, then new ids, until the file holds ``size_bytes``."""
    with path.open("w") as out:
        out.write("id,target\n")
        scored = answers[["id"]].assign(target=rng.random(len(answers)).round(6))
        scored.to_csv(out, index=False, header=False)
        start = int(answers["id"].max()) + 1
        while out.tell() < size_bytes:
            ids = np.arange(start, start + CHUNK_ROWS)
            out.write("\n".join(f"{i},0.5" for i in ids.tolist()) + "\n")
            start += CHUNK_ROWS


def children_peak(service: psutil.Process, done: threading.Event, peak: list[int]) -> None:
    """The largest RSS of the service's grading children, sampled until ``done``."""
    while not done.wait(0.02):
        for child in service.children():
            try:
                peak[0] = max(peak[0], child.memory_info().rss)
            except psutil.Error:
                pass


def grade_once(grader: Judge, path: Path, service: psutil.Process) -> dict[str, object]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    done, peak = threading.Event(), [0]
    sampler = threading.Thread(target=children_peak, args=(service, done, peak))
    sampler.start()
    started = time.monotonic()
    try:
        verdict = f"valid, score {grader.score(path):.5f}"
    except InvalidSubmission as exc:
        verdict = f"invalid: {exc}"
    done.set()
    sampler.join()
    return {
        "seconds": time.monotonic() - started,
        "harness_growth_mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024,
        "child_peak_mib": peak[0] / 1024**2,
        "verdict": verdict,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[256, 1024, 2048])
    parser.add_argument("--answers-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory(prefix="grading-bounds-") as tmp, GradingService() as service:
        folder = Path(tmp)
        answers = pd.DataFrame({"id": np.arange(args.answers_rows),
                                "target": rng.integers(0, 2, args.answers_rows)})
        answers.to_csv(folder / "answers.csv", index=False)
        competition = Competition.from_folder(catalog_root() / "tabular-playground-series-may-2022")
        grader = service.client().grader(competition, folder / "answers.csv")  # as the harness grades
        start_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"harness at start: ru_maxrss {start_mib:.0f} MiB (the {args.answers_rows:,} answer rows "
              "are held by the grading service)")
        print("| submission | verdict | seconds | harness grew | grading child's peak |")
        print("| --- | --- | --- | --- | --- |")
        for size in args.sizes_mb:
            path = folder / "submission.csv"
            write_submission(path, answers, size * MIB, rng)
            row = grade_once(grader, path, psutil.Process(service.process.pid))
            verdict = str(row["verdict"])
            print(f"| {path.stat().st_size / MIB:,.0f} MiB | {verdict[:90]} | {row['seconds']:.1f} | "
                  f"{row['harness_growth_mib']:.0f} MiB | {row['child_peak_mib']:,.0f} MiB |", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
