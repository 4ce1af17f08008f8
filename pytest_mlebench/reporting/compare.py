"""Two session reports side by side: what changed, and whether they may be compared at all.

A difference in medals means something only when both runs had the same time
limit, runner, resources, data and leaderboards; otherwise the comparison is
refused and the differing settings are named. Runs the infrastructure failed
are no evidence about the agent either way, so they block the verdict too.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..grading.record import Level, attempt_id
from .aggregate import Aggregate, Rate, aggregate

if TYPE_CHECKING:
    from rich.table import Table

EXIT_OK, EXIT_REGRESSED, EXIT_USAGE, EXIT_NOT_COMPARABLE = 0, 1, 2, 3

#: Settings of a whole run that change what a medal means; read from the report's top level,
#: else from its records. Resource limits count only where a report records them.
RUN_SETTINGS = ("time_limit_s", "runner", "cpus", "memory", "gpus", "cpus_per_run", "memory_per_run",
                "gpus_per_run")
#: Settings per competition, read from its records.
COMPETITION_SETTINGS = ("dataset_version", "leaderboard_source", "is_lower_better")

Records = Iterable[Mapping[str, Any]]


class ReportError(ValueError):
    """A file that is not a readable session report: a usage error."""


def load_report(path: Path) -> dict[str, Any]:
    """A session report as written by ``--mlebench-json``, checked enough to compare."""
    try:
        report = json.loads(path.read_text())
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ReportError(f"{path}: not JSON: {exc}") from None
    records = report.get("competition_reports") if isinstance(report, dict) else None
    if not isinstance(records, list) or not all(
            isinstance(r, dict) and "competition_id" in r and isinstance(r.get("seed"), int)
            for r in records):
        raise ReportError(f"{path}: not a pytest-mlebench session report (expected an object whose "
                          "competition_reports list records with a competition_id and an integer seed)")
    return report


def _gain(before: Mapping[str, Any], after: Mapping[str, Any]) -> float | None:
    """How much better ``after`` scored, in the metric's direction; None without both scores."""
    if before.get("score") is None or after.get("score") is None:
        return None
    diff = after["score"] - before["score"]
    return -diff if after.get("is_lower_better") else diff


def _direction(record: Mapping[str, Any]) -> str:
    return "lower is better" if record.get("is_lower_better") else "higher is better"


def _score(record: Mapping[str, Any] | None) -> str:
    return "-" if record is None or record.get("score") is None else f"{record['score']:.6g}"


def _pair_regression(before: Mapping[str, Any], after: Mapping[str, Any], tolerance: float) -> str | None:
    """The sentence saying how ``after`` regressed from ``before``, or None."""
    if before.get("harness_error") or after.get("harness_error"):
        return None
    old, new = Level.of(before), Level.of(after)
    scores = f"score {_score(before)} -> {_score(after)}, {_direction(after)}"
    if new < old:
        return f"{attempt_id(after)}: medal level dropped from {old.words} to {new.words} ({scores})"
    gain = _gain(before, after)
    if gain is not None and -gain > tolerance:
        return (f"{attempt_id(after)}: score worse by {-gain:.6g}, beyond the tolerance {tolerance:g} "
                f"({scores})")
    return None


def _by_attempt(records: Records) -> dict[tuple[str, int], Mapping[str, Any]]:
    return {(r["competition_id"], r["seed"]): r for r in records}


def regressions(baseline_records: Records, current_records: Records, tolerance: float = 0.0) -> list[str]:
    """Before/after sentences for each run (competition and seed) that did worse than its baseline.

    Worse means a lower medal level, or a score worse than the baseline's by more
    than ``tolerance`` (in the metric's units and direction). Runs missing on
    either side or failed by the infrastructure are not regressions of the agent.
    """
    before = _by_attempt(baseline_records)
    lines = []
    for key, after in sorted(_by_attempt(current_records).items()):
        if key in before and (line := _pair_regression(before[key], after, tolerance)):
            lines.append(line)
    return lines


def _settings(report: Mapping[str, Any], key: str) -> Any:
    """A run setting from the report's top level, else the distinct values its records hold."""
    if key in report:
        return report[key]
    return _distinct(r.get(key) for r in report["competition_reports"] if key in r)


def _distinct(values: Iterable[Any]) -> Any:
    """None, the one value, or a sorted list of several."""
    found: list[Any] = []
    for value in values:
        if value not in found:
            found.append(value)
    return found[0] if len(found) == 1 else sorted(found, key=repr) or None


def _n_seeds(report: Mapping[str, Any]) -> int:
    seeds = report.get("seeds")
    return seeds if isinstance(seeds, int) else len({r["seed"] for r in report["competition_reports"]})


def _shown(value: Any) -> str:
    return "not recorded" if value is None else str(value)


def differing_settings(before: Mapping[str, Any], after: Mapping[str, Any],
                       competitions: Iterable[str]) -> list[str]:
    """The settings that matter and differ, one phrase each; empty when the runs are alike.

    Per-competition settings are checked for ``competitions``, those being compared.
    """
    found = [f"{key}: {_shown(a)} in A, {_shown(b)} in B" for key in RUN_SETTINGS
             if (a := _settings(before, key)) != (b := _settings(after, key))]
    if _n_seeds(before) != _n_seeds(after):
        found.append(f"seeds: {_n_seeds(before)} in A, {_n_seeds(after)} in B")
    recs_a, recs_b = before["competition_reports"], after["competition_reports"]
    for key in COMPETITION_SETTINGS:
        per_competition = [
            f"{cid} ({_shown(a)} in A, {_shown(b)} in B)" for cid in sorted(competitions)
            if (a := _distinct(r.get(key) for r in recs_a if r["competition_id"] == cid))
            != (b := _distinct(r.get(key) for r in recs_b if r["competition_id"] == cid))
        ]
        if per_competition:
            found.append(f"{key} differs for {', '.join(per_competition)}")
    return found


@dataclass(frozen=True)
class Row:
    """One run (competition and seed) in A and in B."""

    competition_id: str
    seed: int
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return {"competition_id": self.competition_id, "seed": self.seed, "verdict": self.verdict,
                "score_before": (self.before or {}).get("score"),
                "score_after": (self.after or {}).get("score"),
                "level_before": _level_name(self.before), "level_after": _level_name(self.after)}


@dataclass(frozen=True)
class Comparison:
    not_comparable: list[str]
    rows: list[Row]
    regressions: list[str]
    before: Aggregate
    after: Aggregate
    notes: list[str]

    @property
    def any_medal_change(self) -> tuple[float | None, float | None]:
        """B's any-medal rate minus A's, and the standard error of that difference."""
        return rate_change(self.before.overall["any_medal"], self.after.overall["any_medal"])

    @property
    def exit_code(self) -> int:
        if self.not_comparable:
            return EXIT_NOT_COMPARABLE
        return EXIT_REGRESSED if self.regressions else EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        change, sem = self.any_medal_change
        return {
            "comparable": not self.not_comparable, "not_comparable": self.not_comparable,
            "regressions": self.regressions,
            "any_medal": {"before": asdict(self.before.overall["any_medal"]),
                          "after": asdict(self.after.overall["any_medal"]), "change": change, "sem": sem},
            "rows": [row.to_dict() for row in self.rows], "notes": self.notes,
            "aggregate_before": self.before.to_dict(), "aggregate_after": self.after.to_dict(),
        }


def rate_change(before: Rate, after: Rate) -> tuple[float | None, float | None]:
    """Difference of means, and its standard error sqrt(se_a^2 + se_b^2) where both are known."""
    if before.mean is None or after.mean is None:
        return None, None
    sem = math.hypot(before.sem, after.sem) if before.sem is not None and after.sem is not None else None
    return after.mean - before.mean, sem


def _verdict(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, tolerance: float) -> str:
    if before is None or after is None:
        return "only in A" if after is None else "only in B"
    if before.get("harness_error") or after.get("harness_error"):
        return "harness error"
    if _pair_regression(before, after, tolerance):
        return "regressed"
    gain = _gain(before, after)
    if Level.of(after) > Level.of(before) or (gain is not None and gain > tolerance):
        return "improved"
    return ""


def _not_comparable(before: Mapping[str, Any], after: Mapping[str, Any], agg_a: Aggregate,
                    agg_b: Aggregate) -> list[str]:
    """Differing settings, and anything else that leaves no fair comparison."""
    found = differing_settings(before, after, agg_a.competitions)
    if not agg_a.competitions:
        found.append("no competition in common")
    for side, agg in (("A", agg_a), ("B", agg_b)):
        if agg.gate_blocked_by_infrastructure:
            found.append(f"infrastructure errors (harness_error) in {side}: {', '.join(agg.harness_errors)}")
        elif agg.competitions and agg.overall["any_medal"].mean is None:
            found.append(f"no complete seed in {side} to rate (--pad-missing counts missing runs as failed)")
    return found


def compare(before: Mapping[str, Any], after: Mapping[str, Any], *, tolerance: float = 0.0,
            excluded: Iterable[str] = (), pad_missing: bool = False) -> Comparison:
    """Everything ``python -m pytest_mlebench compare`` shows, as values.

    The rates cover the competitions both reports ran, less ``excluded``;
    aggregate() notes what either choice left out.
    """
    excluded = set(excluded)
    recs_a, recs_b = ([r for r in report["competition_reports"] if r["competition_id"] not in excluded]
                      for report in (before, after))
    ids_a, ids_b = {r["competition_id"] for r in recs_a}, {r["competition_id"] for r in recs_b}
    notes = [f"only in {side}: {', '.join(sorted(ids))}; the rates cover the competitions both ran"
             for side, ids in (("A", ids_a - ids_b), ("B", ids_b - ids_a)) if ids]
    ran_by_both = set.intersection(*({r["competition_id"] for r in report["competition_reports"]}
                                     for report in (before, after)))
    agg_a, agg_b = (aggregate(report["competition_reports"], competitions=ran_by_both, excluded=excluded,
                              seeds=range(_n_seeds(report)), pad_missing=pad_missing)
                    for report in (before, after))

    found = regressions(recs_a, recs_b, tolerance)
    rate_a, rate_b = agg_a.overall["any_medal"], agg_b.overall["any_medal"]
    change, _sem = rate_change(rate_a, rate_b)
    if change is not None and -change > tolerance:
        found.append(f"any-medal rate dropped from {_pct(rate_a)} to {_pct(rate_b)}, by {-change * 100:.1f} "
                     f"percentage points, beyond the tolerance {tolerance:g}")
    by_a, by_b = _by_attempt(recs_a), _by_attempt(recs_b)
    rows = [Row(cid, seed, by_a.get((cid, seed)), by_b.get((cid, seed)),
                _verdict(by_a.get((cid, seed)), by_b.get((cid, seed)), tolerance))
            for cid, seed in sorted(by_a.keys() | by_b.keys())]
    return Comparison(_not_comparable(before, after, agg_a, agg_b), rows, found, agg_a, agg_b, notes)


def _level_name(record: Mapping[str, Any] | None) -> str | None:
    if record is None:
        return None
    return "harness error" if record.get("harness_error") else Level.of(record).words


def _pct(rate: Rate) -> str:
    if rate.mean is None:
        return "-"
    return f"{rate.mean:.1%}" + ("" if rate.sem is None else f" ± {rate.sem:.1%}")


def _change_cell(row: Row) -> str:
    """Signed score difference and whether it is better, in the metric's direction."""
    if row.before is None or row.after is None or (gain := _gain(row.before, row.after)) is None:
        return ""
    if gain == 0:
        return "same"
    return f"{row.after['score'] - row.before['score']:+.4g} {'better' if gain > 0 else 'worse'}"


def _scored(record: Mapping[str, Any] | None) -> str:
    """The score with the metric's direction, as the summary table shows it."""
    if record is None or record.get("score") is None:
        return "-"
    return f"{_score(record)} {'↓' if record.get('is_lower_better') else '↑'}"


def table(comparison: Comparison, title: str) -> Table:
    from rich import box  # rich on first use: the gates a worker imports draw no table
    from rich.table import Table

    grid = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False)
    seeded = any(row.seed for row in comparison.rows)
    grid.add_column("competition", no_wrap=True)
    if seeded:
        grid.add_column("seed", justify="right", no_wrap=True)
    for name in ("score A", "score B", "change"):
        grid.add_column(name, justify="right", no_wrap=True)
    for name in ("medal A", "medal B", ""):
        grid.add_column(name, no_wrap=True)
    for row in comparison.rows:
        seed = [str(row.seed)] if seeded else []
        grid.add_row(row.competition_id, *seed, _scored(row.before), _scored(row.after), _change_cell(row),
                     _level_name(row.before) or "-", _level_name(row.after) or "-", row.verdict,
                     style={"regressed": "red", "improved": "green"}.get(row.verdict))
    return grid


def _describe(report: Mapping[str, Any]) -> str:
    agent = " ".join(str(report[k]) for k in ("agent", "agent_version") if report.get(k))
    return (f"{agent or 'unknown agent'} on the {_settings(report, 'runner')} runner, run group "
            f"{report.get('run_group')}, plugin {report.get('plugin_version')}")


def print_comparison(comparison: Comparison, before: Mapping[str, Any], after: Mapping[str, Any],
                     tolerance: float, out: TextIO) -> None:
    from rich.console import Console

    # Off a terminal (CI logs, files) nothing constrains the width: never truncate a name there.
    console = Console(file=out, width=None if out.isatty() else 240, highlight=False, markup=False,
                      soft_wrap=True)
    if comparison.not_comparable:
        console.print(f"NOT COMPARABLE: {'; '.join(comparison.not_comparable)}")
        return
    console.print(table(comparison, f"A: {_describe(before)}\nB: {_describe(after)}"), soft_wrap=False)
    change, sem = comparison.any_medal_change
    shown = "-" if change is None else f"{100 * change:+.1f}" + ("" if sem is None else f" ± {100 * sem:.1f}")
    console.print(f"any medal: {_pct(comparison.before.overall['any_medal'])} in A, "
                  f"{_pct(comparison.after.overall['any_medal'])} in B, change {shown} percentage points "
                  "(mean ± standard error over seeds)")
    for side, agg in (("A", comparison.before), ("B", comparison.after)):
        for note in agg.notes:
            console.print(f"{side}: {note}")
    for note in comparison.notes:
        console.print(note)
    for line in comparison.regressions:
        console.print(f"REGRESSED: {line}", style="red")
    if not comparison.regressions:
        console.print(f"no regressions beyond the tolerance {tolerance:g}")


def write_html(comparison: Comparison, before: Mapping[str, Any], after: Mapping[str, Any],
               path: Path) -> None:
    """Both reports on one page, each competition's panel saying how B changed from A."""
    from ..catalog.builtin import catalog_root
    from . import html as html_report

    changes: dict[str, list[html_report.Change]] = {}
    for row in comparison.rows:
        change = html_report.Change(row.seed, _change_cell(row), row.verdict)
        changes.setdefault(row.competition_id, []).append(change)
    banner = [f"NOT COMPARABLE: {'; '.join(comparison.not_comparable)}"] if comparison.not_comparable else []
    shown = comparison.regressions[:3]
    banner += [f"REGRESSED: {line}" for line in shown]
    if len(comparison.regressions) > len(shown):
        banner.append(f"... and {len(comparison.regressions) - len(shown)} more regressions: "
                      "each panel says which")
    html_report.write_html(path, [(str(before.get("agent")), before), (str(after.get("agent")), after)],
                           html_report.shipped_leaderboards(catalog_root(), [before, after]),
                           changes=changes, banner=banner)


def run(before_path: Path, after_path: Path, *, tolerance: float = 0.0, excluded: Iterable[str] = (),
        pad_missing: bool = False, as_json: bool = False, out: TextIO | None = None,
        err: TextIO | None = None, html: Path | None = None) -> int:
    """The ``compare`` command: prints the comparison and returns the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        before, after = load_report(before_path), load_report(after_path)
        comparison = compare(before, after, tolerance=tolerance, excluded=excluded, pad_missing=pad_missing)
    except ValueError as exc:  # ReportError, or a report holding one run twice
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    if as_json:
        json.dump(comparison.to_dict(), out, indent=2)
        out.write("\n")
    else:
        print_comparison(comparison, before, after, tolerance, out)
    if html is not None:
        write_html(comparison, before, after, html)
    return comparison.exit_code
