"""Every lite grader on 1,000,000 rows: ours, a floor, and (given its source) MLE-bench's.

    python benchmarks/grading.py [--rows 1000000] [--pairs 8] [--competitions ID ...]
                                 [--mlebench-src DIR] [--mlebench-python PYTHON]

For each lite competition this prepares its synthetic data once, then tiles the answers to
``--rows`` rows with new ids (integers stay a range of integers, other ids get a suffix) and
writes a submission of those ids, shuffled, with plausible predictions for the metric.
Each grade runs in a fresh process and times the whole path a user pays for: read the
answers and the submission, check, score (imports are not counted; they are the same
modules every grade). Implementations alternate within each pair; medians are reported
with the largest child's peak RSS:
- ours: ``Competition.grader(answers).score(submission)``, as the harness grades (in the
  grading service's environment: service.allocation);
- floor: pyarrow reads both files with types inferred, ids are aligned by one argsort each,
  the same checks as ours on row count, duplicated and unknown ids and non-finite values,
  then the metric in a few lines of numpy;
- mlebench: with ``--mlebench-src``, MLE-bench's own ``grade(read_csv(sub), read_csv(ans))``
  run by this Python (ours, same pandas) and, with ``--mlebench-python``, by that
  interpreter too (MLE-bench as its users install it).
It ends with the fixed cost of a bounded grade (the grading service's child) on a 10-row file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.raw import RawSource
from pytest_mlebench.data.store import DataStore
from pytest_mlebench.data.synthetic import build_raw
from pytest_mlebench.grading.service import allocation
from pytest_mlebench.grading.validate import read_csv

#: Run in a fresh process: prints {"seconds", "peak_mib", "score"} (or "error").
CHILD = r"""
import json, sys, time, traceback
kind, cid, answers, submission, src = sys.argv[1:6]
def peak():  # VmHWM: ru_maxrss would carry the parent's high-water mark across exec
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM")) / 1024
try:
    if kind == "ours":
        from pathlib import Path
        import pytest_mlebench.grading.grader  # noqa: F401  the modules, as the grading service has them
        from pytest_mlebench.catalog.registry import Competition
        competition = Competition.from_folder(Path(src) / cid)  # not through pytest's hooks
        competition.module("grade")
        competition.grading_spec().metric.load()  # the service imports it when it loads the answers
        started = time.perf_counter()
        value = competition.grader(Path(answers)).score(submission)
    elif kind == "floor":
        sys.path.insert(0, src)
        import grading_floor
        spec = grading_floor.spec_of(cid)
        started = time.perf_counter()
        value = grading_floor.grade(spec, answers, submission)
    else:
        import importlib
        sys.path.insert(0, src)
        from mlebench.utils import read_csv
        grade = importlib.import_module(f"mlebench.competitions.{cid}.grade").grade
        started = time.perf_counter()
        value = grade(read_csv(submission), read_csv(answers))
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mib": peak(), "score": float(value)}))
except Exception as exc:
    print(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:300], "trace": traceback.format_exc()[-800:]}))
"""


def lite_ids() -> list[str]:
    from pytest_mlebench.cli import builtin_registry

    return list(builtin_registry().select("lite"))


def plain_integers(values: pd.Series) -> bool:
    return bool(values.str.fullmatch(r"-?(0|[1-9][0-9]*)").all())


def predictions(truth: pd.DataFrame, value_type: str, rng: np.random.Generator) -> pd.DataFrame:
    """Plausible, valid predictions for ``truth``'s target columns (text cells)."""
    n = len(truth)
    if value_type == "probability":
        return pd.DataFrame({c: rng.random(n).round(6) for c in truth.columns})
    if value_type == "distribution":
        raw = rng.random((n, truth.shape[1])) + 0.01
        raw /= raw.sum(axis=1, keepdims=True)
        return pd.DataFrame(raw, columns=truth.columns)
    if value_type in ("number", "nonnegative"):
        values = truth.astype(float)
        return (values * rng.uniform(0.9, 1.1, values.shape)).round(6)
    shuffled = truth.sample(frac=1.0, random_state=0).reset_index(drop=True)
    return shuffled.where(rng.random(truth.shape) < 0.3, truth)


def make_files(cid: str, rows: int, folder: Path, rng: np.random.Generator) -> tuple[Path, Path]:
    """The competition's answers tiled to ``rows`` rows, and a shuffled valid submission."""
    competition = Competition.from_folder(catalog_root() / cid)
    spec = competition.grading_spec()
    raw = build_raw(competition, folder / "raw")
    prepared = DataStore(folder / "data", RawSource(folder / "data", raw_dir=raw.parent)).prepare(competition)
    small = read_csv(prepared.answers_path)
    tiled = small.iloc[np.arange(rows) % len(small)].reset_index(drop=True)
    ids = small[spec.id_column]
    if plain_integers(ids):
        tiled[spec.id_column] = (np.arange(rows) + 1).astype(str)
    else:
        copy = (np.arange(rows) // len(small)).astype(str)
        tiled[spec.id_column] = tiled[spec.id_column].str.cat(copy, sep="-")
    answers = folder / f"{cid}-answers.csv"
    tiled.to_csv(answers, index=False)
    order = rng.permutation(rows)
    targets = list(spec.target_columns)
    submission = pd.concat([tiled[[spec.id_column]],
                            predictions(tiled[targets], spec.metric.value_type, rng)], axis=1)
    if spec.extra_columns and all(c in tiled for c in spec.extra_columns):
        submission = pd.concat([submission, tiled[list(spec.extra_columns)]], axis=1)
    path = folder / f"{cid}-submission.csv"
    submission.iloc[order].to_csv(path, index=False)
    return answers, path


def grade_once(python: str, kind: str, cid: str, answers: Path, submission: Path, src: str) -> dict:
    """One grade in a fresh process; ours in the environment the grading service has."""
    env = {**os.environ, **allocation(os.environ)} if kind == "ours" else None
    out = subprocess.run([python, "-c", CHILD, kind, cid, str(answers), str(submission), src],
                         capture_output=True, text=True, check=False, env=env)
    lines = out.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {"error": out.stderr.strip()[-300:]}


def median(results: list[dict], key: str) -> float | None:
    values = [r[key] for r in results if key in r]
    return statistics.median(values) if values else None


def bounded_fixed_cost(folder: Path) -> float:
    """The median extra time of a bounded grade (the grading service's forked child, asked over
    its socket, as the harness asks) over an in-process one, on a 10-row may-2022 file."""
    from pytest_mlebench.grading.service import GradingService

    competition = Competition.from_folder(catalog_root() / "tabular-playground-series-may-2022")
    pd.DataFrame({"id": range(10), "target": [0, 1] * 5}).to_csv(folder / "a.csv", index=False)
    pd.DataFrame({"id": range(10), "target": np.linspace(0, 1, 10)}).to_csv(folder / "s.csv", index=False)
    grader = competition.grader(folder / "a.csv")
    with GradingService() as service:
        bounded = service.client().grader(competition, folder / "a.csv")
        extra = []
        for _ in range(20):
            started = time.perf_counter()
            grader.score(folder / "s.csv")
            middle = time.perf_counter()
            bounded.score(folder / "s.csv")
            extra.append((time.perf_counter() - middle) - (middle - started))
    return statistics.median(extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--competitions", nargs="+")
    parser.add_argument("--mlebench-src", type=Path, help="a checkout of openai/mle-bench")
    parser.add_argument("--mlebench-python", help="the Python MLE-bench is installed in")
    args = parser.parse_args()
    here = str(Path(__file__).resolve().parent)
    kinds = [("ours", sys.executable, str(catalog_root())), ("floor", sys.executable, here)]
    if args.mlebench_src:
        src = str(args.mlebench_src.resolve())
        kinds.append(("mlebench", sys.executable, src))
        if args.mlebench_python:
            kinds.append(("mlebench-installed", args.mlebench_python, src))
    cids = args.competitions or lite_ids()
    names = [k for k, _, _ in kinds]
    print(f"{args.rows:,} rows, {args.pairs} alternated runs each, medians; a fresh process per grade")
    print("| competition | " + " | ".join(f"{k} s" for k in names) + " | "
          + " | ".join(f"ours / {k}" for k in names[1:]) + " | peak MiB " + " / ".join(names) + " |")
    print("|" + " --- |" * (1 + 2 * len(names)))
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        for cid in cids:
            folder = Path(tmp) / cid
            folder.mkdir()
            answers, submission = make_files(cid, args.rows, folder, rng)
            results: dict[str, list[dict]] = {k: [] for k in names}
            for _ in range(args.pairs):
                for kind, python, src in kinds:
                    run = grade_once(python, kind.split("-")[0], cid, answers, submission, src)
                    results[kind].append(run)
            seconds = {k: median(results[k], "seconds") for k in names}
            peaks = {k: median(results[k], "peak_mib") for k in names}
            errors = {k: next((r["error"] for r in results[k] if "error" in r), None) for k in names}

            ratios = [f"{seconds['ours'] / seconds[k]:.2f}" if seconds[k] and seconds["ours"] else "-"
                      for k in names[1:]]
            scores = {k: median(results[k], "score") for k in names}
            cells = [f"{seconds[k]:.3f}" if seconds[k] is not None else f"error ({errors[k]})"
                     for k in names]
            print(f"| {cid} | " + " | ".join(cells) + " | " + " | ".join(ratios)
                  + " | " + " / ".join(f"{peaks[k]:.0f}" if peaks[k] else "-" for k in names)
                  + " |", flush=True)
            print(f"<!-- {cid} scores: {scores} -->", flush=True)
            for path in folder.rglob("*"):
                if path.is_file():
                    path.unlink()
        print(f"\nbounded grade (forked child), fixed cost over an in-process grade: "
              f"{bounded_fixed_cost(Path(tmp)) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
