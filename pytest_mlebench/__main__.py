"""``python -m pytest_mlebench`` (also the ``pytest-mlebench`` command): the stages of a
session run by hand (prepare, grade, list), and tools for reports (compare) and for the
LLM gateway's audit logs (audit)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cli
from .catalog.registry import RegistryError
from .reporting import compare


def tolerance(text: str) -> float:
    """A --tolerance value; named so that argparse says "invalid tolerance value"."""
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative: a tolerance is an allowed worsening")
    return value


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="pytest-mlebench",
                                   description="pytest-mlebench outside a pytest session: prepare "
                                               "data, grade a file, list the catalog, compare reports.")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data_options = argparse.ArgumentParser(add_help=False)
    data_options.add_argument("--data-dir", type=Path, metavar="D",
                              help="cache of prepared data (default: the session's default)")
    data_options.add_argument("--raw-dir", type=Path, metavar="D",
                              help="pre-staged Kaggle files (<id>.zip or <id>/); default: download")
    cmd = commands.add_parser(
        "prepare", parents=[data_options], help="prepare competitions' data and say where",
        description="Prepare each competition (split names expand) as a session would, with progress.")
    cmd.add_argument("names", nargs="+", metavar="ID|SPLIT")
    cmd = commands.add_parser(
        "grade", parents=[data_options], help="grade a submission file: the record a session writes",
        description="Grade SUBMISSION for competition ID (preparing its data first if needed) and "
                    "place it on the competition's leaderboard. Exit status: 0 valid, 1 invalid, "
                    "2 usage error or data that cannot be prepared.")
    cmd.add_argument("competition", metavar="ID")
    cmd.add_argument("submission", type=Path, metavar="SUBMISSION.csv")
    cmd.add_argument("--variant", metavar="NAME", help="grade the competition's named variant "
                     "instead of MLE-bench's semantics")
    cmd.add_argument("--mlebench-repo", type=Path, metavar="PATH",
                     help="an MLE-bench checkout whose leaderboard is preferred")
    cmd.add_argument("--kaggle-leaderboards", action="store_true",
                     help="fetch the leaderboard from Kaggle when no other source has it")
    cmd.add_argument("--json", action="store_true", help="print the record as JSON")
    cmd = commands.add_parser(
        "list", help="the catalog: id, split, metric, implemented, leaderboard, known issues",
        description="List the competitions of SPLIT (default: every one).")
    cmd.add_argument("split", nargs="?", metavar="SPLIT")
    cmd.add_argument("--json", action="store_true", help="print the rows as JSON")
    cmd = commands.add_parser(
        "compare", help="compare two session reports (A: baseline, B: current)",
        description="Per-competition changes and the change of the any-medal rate from report A to "
                    "report B. Exit status: 0 no regression, 1 B regressed, 2 usage error, "
                    "3 the runs are not comparable (settings differ, or infrastructure errors).")
    cmd.add_argument("before", type=Path, metavar="A.json", help="the baseline report")
    cmd.add_argument("after", type=Path, metavar="B.json", help="the report to judge against it")
    cmd.add_argument("--tolerance", type=tolerance, default=0.0, metavar="X",
                     help="allowed drop of the any-medal rate (a fraction: 0.05 is 5 percentage points) "
                          "and allowed worsening of a score (in the metric's units); default 0")
    cmd.add_argument("--exclude", action="append", default=[], metavar="COMPETITION",
                     help="leave a competition with known issues out of both runs (repeatable)")
    cmd.add_argument("--pad-missing", action="store_true",
                     help="count incomplete seeds, a missing run as a failed attempt (default: complete "
                          "seeds only)")
    cmd.add_argument("--json", action="store_true", help="print the comparison as JSON")
    cmd.add_argument("--html", type=Path, metavar="OUT",
                     help="also write the HTML report with both agents on each competition's panel")
    cmd = commands.add_parser(
        "audit", help="what agents said to their LLM: models, tokens, leaks (from each run's llm.jsonl)",
        description="Summarise the LLM gateway's audit logs (llm.jsonl) under RUN_DIR (a run, a run "
                    "group or the runs folder): the models, the tokens, and every request containing a "
                    "Kaggle URL or a value of the competition's private answers. Exit status: 0 nothing "
                    "flagged, 1 some request flagged, 2 no audit log under RUN_DIR.")
    cmd.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    cmd.add_argument("--json", action="store_true", help="print the summary as JSON")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "prepare":
            return cli.prepare(args.names, args.data_dir, args.raw_dir)
        if args.command == "grade":
            return cli.grade(args.competition, args.submission, args.data_dir, args.raw_dir,
                             args.variant, args.mlebench_repo, args.kaggle_leaderboards, args.json)
        if args.command == "list":
            return cli.list_catalog(args.split, args.json)
        if args.command == "audit":
            return cli.audit(args.run_dir, args.json)
    except RegistryError as exc:
        print(f"pytest-mlebench: error: {exc}", file=sys.stderr)
        return 2
    return compare.run(args.before, args.after, tolerance=args.tolerance, excluded=args.exclude,
                       pad_missing=args.pad_missing, as_json=args.json, html=args.html)


if __name__ == "__main__":
    sys.exit(main())
