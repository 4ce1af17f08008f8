"""``pytest-mlebench prepare | grade | list | audit``: the session's own stages, outside a session.

Each command calls the code a session runs (the registry filled through the same
hooks, DataStore, the competition's grader, the leaderboard lookup and the record),
so a file graded here gets the record a session would write for it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.table import Table

from . import hookspecs
from .catalog import builtin
from .catalog.registry import Competition, Registry, RegistryError
from .grading.record import Level


def builtin_registry() -> Registry:
    """The catalog as a session sees it without conftest files: the built-ins, registered
    through the plugin's hooks."""
    manager = pytest.PytestPluginManager()  # it, not bare pluggy, knows unmarked pytest_* hooks
    manager.add_hookspecs(hookspecs)
    manager.register(builtin)
    registry = Registry()
    manager.hook.pytest_mlebench_register_competitions(registry=registry)
    return registry


def _err() -> Console:
    return Console(file=sys.stderr)


def _store(data_dir: Path | None, raw_dir: Path | None):
    from .data.raw import RawSource, rich_progress
    from .data.store import DataStore
    from .options import default_data_dir
    from .reporting.progress import show_status

    root = data_dir or default_data_dir()
    return DataStore(root, raw_source=RawSource(root, raw_dir, progress=rich_progress()),
                     status=show_status)


def _competition(registry: Registry, cid: str, variant: str | None) -> Competition:
    if cid not in registry.competitions:
        from .catalog.registry import unknown_name_error

        raise unknown_name_error("competition", cid, registry.competitions)
    competition = registry.competitions[cid]
    if not competition.implemented:
        raise RegistryError(f"{cid} is not implemented yet (its folder holds only its leaderboard); "
                            f"`pytest-mlebench list` shows the implemented competitions")
    return competition.with_variant(variant) if variant else competition


def prepare(names: list[str], data_dir: Path | None, raw_dir: Path | None) -> int:
    """Prepare each selected competition (split names expand); say where, or why not."""
    from .data.store import PrepareError

    registry = builtin_registry()
    ids = registry.select(",".join(names))
    store = _store(data_dir, raw_dir)
    failed = 0
    for cid in ids:
        competition = registry.competitions.get(cid)
        if competition is None or not competition.implemented:
            print(f"{cid}: not implemented yet, skipped")
            continue
        try:
            prepared = store.prepare(competition)
        except PrepareError as exc:
            failed += 1
            _err().print(f"{cid}: {exc}", markup=False, highlight=False)
            continue
        print(f"{cid}: {prepared.root} (public/ for the agent, private/ for grading)")
    return 1 if failed else 0


def grade(cid: str, submission: Path, data_dir: Path | None, raw_dir: Path | None,
          variant: str | None, mlebench_repo: Path | None, kaggle: bool, as_json: bool) -> int:
    """Grade one file as a session would; exit 1 when it is invalid."""
    from .data.store import PrepareError
    from .harness import competition_record
    from .leaderboards.sources import find_leaderboard

    registry = builtin_registry()
    competition = _competition(registry, cid, variant)
    try:
        prepared = _store(data_dir, raw_dir).prepare(competition)
    except PrepareError as exc:
        _err().print(str(exc), markup=False, highlight=False)
        return 2
    lookup = find_leaderboard(prepared, competition.grading_spec().metric.lower_is_better,
                              mlebench_repo, kaggle)
    path = submission if submission.is_file() else None
    record = competition_record(prepared, competition.grader(prepared.answers_path), lookup,
                                path, registry.split_of(cid),
                                missing_reason=f"no file at {submission}")
    record["submission_path"] = str(submission)
    if as_json:
        print(json.dumps(record, indent=1))
    else:
        _print_grade(record)
    return 0 if record["valid_submission"] else 1


def _print_grade(record: dict[str, Any]) -> None:
    if not record["valid_submission"]:
        print(f"invalid: {record['invalid_reason']}")
        return
    line = f"score {record['score']} (raw {record['raw_score']!r})"
    if record["gold_threshold"] is None:
        print(f"{line}; no leaderboard: {record['leaderboard_problem']}")
        return
    level = Level.of(record)
    reached = f"{level.words} medal" if level >= Level.BRONZE else f"{level.words}, no medal"
    print(f"{line}: {reached}, rank {record['rank']} of {record['n_teams']} "
          f"({record['leaderboard_source']} leaderboard); thresholds gold "
          f"{record['gold_threshold']}, silver {record['silver_threshold']}, bronze "
          f"{record['bronze_threshold']}, median {record['median_threshold']}")


def catalog_rows(registry: Registry, split: str | None) -> list[dict[str, Any]]:
    """One row per competition of ``split`` (all when None), in a stable order."""
    ids = registry.select(split) if split else sorted(registry.competitions, key=str.lower)
    rows = []
    for cid in ids:
        comp = registry.competitions.get(cid)
        rows.append({
            "id": cid,
            "split": registry.split_of(cid),
            "metric": (comp.score_name or None) if comp else None,
            "implemented": bool(comp and comp.implemented),
            "leaderboard": comp.leaderboard if comp else "none",
            "known_issues": list(comp.known_issues) if comp else [],
            "variants": {n: v.description for n, v in comp.variants.items()} if comp else {},
        })
    return rows


def list_catalog(split: str | None, as_json: bool) -> int:
    rows = catalog_rows(builtin_registry(), split)
    if as_json:
        print(json.dumps(rows, indent=1))
        return 0
    table = Table("competition", "split", "metric", "implemented", "leaderboard", "known issues",
                  "variants", title=f"{sum(r['implemented'] for r in rows)} of {len(rows)} implemented")
    for row in rows:
        table.add_row(row["id"], row["split"] or "", row["metric"] or "",
                      "yes" if row["implemented"] else "no", row["leaderboard"],
                      str(len(row["known_issues"])) if row["known_issues"] else "",
                      ", ".join(row["variants"]))
    # Off a terminal (a pipe, a CI log) rows are not cut to 80 columns.
    Console(width=None if sys.stdout.isatty() else 200).print(table)
    return 0


def audit(run_dir: Path, as_json: bool) -> int:
    """Summarise the audit logs under ``run_dir``; exit 1 when a request is flagged."""
    from .reporting import audit as audit_logs

    if not run_dir.exists() or not audit_logs.find_logs(run_dir):
        _err().print(f"no {audit_logs.LLM_LOG} at or under {run_dir}", markup=False, highlight=False)
        return 2
    summary = audit_logs.summarise(run_dir)
    print(json.dumps(summary, indent=1) if as_json else audit_logs.render(summary))
    return 1 if summary["flagged"] else 0
