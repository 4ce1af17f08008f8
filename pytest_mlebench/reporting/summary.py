"""The session's outputs: the medal table on the terminal and the JSON report."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..fsutil import write_atomically
from ..grading.record import attempt_id, medal_name

if TYPE_CHECKING:
    from rich.table import Table


def _pct(rate: Mapping[str, Any]) -> str:
    mean, sem = rate.get("mean"), rate.get("sem")
    if mean is None:
        return "-"
    return f"{100 * mean:.1f}%" + (f" ± {100 * sem:.1f}" if sem is not None else "")


def _score(rec: Mapping[str, Any]) -> str:
    if rec.get("score") is None:
        return "-"
    arrow = "↓" if rec.get("is_lower_better") else "↑"
    return f"{rec['score']:.5g} {arrow}"


def _rank(rec: Mapping[str, Any]) -> str:
    source = rec.get("leaderboard_source")
    if rec.get("rank") is None:
        return "no leaderboard" if source == "none" else "-"
    return f"{rec['rank']}/{rec['n_teams']} {source}"


def _test_result(rec: Mapping[str, Any], outcomes: Mapping[str, str]) -> str:
    result = outcomes.get(attempt_id(rec), "")
    if not rec.get("valid_submission"):
        result = f"{result}, invalid".strip(", ")
    return result


def medal_table(report: Mapping[str, Any], outcomes: Mapping[str, str]) -> Table:
    """Per competition and seed, then the totals."""
    from rich import box  # rich on first use: a session's workers render no table
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False,
                  title=f"{report.get('agent')} on the {report.get('runner')} runner, "
                        f"run group {report.get('run_group')}")
    seeded = any(rec.get("seed") for rec in report["competition_reports"])
    table.add_column("competition", no_wrap=True)
    if seeded:
        table.add_column("seed", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("medal", no_wrap=True)
    table.add_column("rank", justify="right", no_wrap=True)
    table.add_column("test", no_wrap=True)
    for rec in report["competition_reports"]:
        seed = [str(rec["seed"])] if seeded else []
        name = rec["competition_id"] + (" (!)" if rec.get("known_issues") else "")
        table.add_row(name, *seed, _score(rec), medal_name(rec), _rank(rec),
                      _test_result(rec, outcomes))
    return table


def totals_lines(report: Mapping[str, Any]) -> list[str]:
    return [
        f"any medal: {_pct(report['any_medal_rate'])}   above median: {_pct(report['above_median_rate'])}",
        f"valid submissions: {_pct(report['valid_submission_rate'])}   (mean ± standard error over seeds)",
        f"medals: {report['total_medals']} (gold {report['total_gold_medals']}, silver "
        f"{report['total_silver_medals']}, bronze {report['total_bronze_medals']}) "
        f"in {report['total_runs']} runs",
        *_split_lines(report.get("aggregate", {}).get("splits", {})),
        *([llm_line(report["llm"])] if report.get("llm") else []),
        *_no_leaderboard_line(report["competition_reports"]),
        *_unisolated_line(report["competition_reports"]),
        *report.get("aggregate", {}).get("notes", []),
    ]


def llm_line(llm: Mapping[str, Any]) -> str:
    """``LLM: 6 requests, 18 prompt + 30 completion tokens, $0.0003 ($0.0001 per medal)``."""
    if llm["cost_usd"] is None:
        cost = f"cost unknown (no price for {', '.join(llm['unpriced_models'])})"
    else:
        per_medal = (f"${llm['cost_per_medal_usd']:.4g} per medal" if llm["cost_per_medal_usd"] is not None
                     else "no medal")
        cost = f"${llm['cost_usd']:.4g} ({per_medal})"
    exhausted = llm["budget_exhausted_runs"]
    spent = f"; budget exhausted in {exhausted} runs" if exhausted else ""
    return (f"LLM: {llm['requests']} requests, {llm['prompt_tokens']} prompt + {llm['completion_tokens']} "
            f"completion tokens, {cost}{spent}")


def _no_leaderboard_line(records: list[Mapping[str, Any]]) -> list[str]:
    """Why some runs have no medal: synthetic data is never placed; else a leaderboard is missing."""
    lines = []
    synthetic = sum(r.get("data") == "synthetic" for r in records)
    if synthetic:
        lines.append(f"synthetic data: {synthetic} runs scored but never placed on a human leaderboard "
                     f"(no medal, no median)")
    bare = sorted({r["competition_id"] for r in records
                   if r.get("leaderboard_source") == "none" and r.get("data") != "synthetic"})
    if bare:
        lines.append(f"no leaderboard for {len(bare)} competitions ({', '.join(bare[:5])}"
                     f"{', ...' if len(bare) > 5 else ''}): scored, but counted without medal or median; "
                     f"give --mlebench-repo or --mlebench-kaggle-leaderboards")
    return lines


def _unisolated_line(records: list[Mapping[str, Any]]) -> list[str]:
    """Runs whose agent saw the host as the user running pytest does: their answers were in reach."""
    bare = sum(r.get("isolation") == "none" for r in records)
    if not bare:
        return []
    return [f"(!) isolation: none for {bare} of {len(records)} runs: their agents ran unsandboxed, "
            f"able to read this machine's prepared answers (install bubblewrap, or use --mlebench-runner "
            f"docker; --mlebench-require-isolation refuses such runs)"]


def _split_lines(splits: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[str]:
    """Per split (lite, medium, high...), as MLE-bench reports it, when there is more than one."""
    named = {name: rates for name, rates in splits.items() if name != "all"}
    if len(named) < 2:
        return []
    return [f"  {name}: any medal {_pct(rates['any_medal'])}, above median {_pct(rates['above_median'])}, "
            f"valid {_pct(rates['valid_submission'])} ({rates['any_medal']['n_competitions']} competitions)"
            for name, rates in named.items()]


def render(report: Mapping[str, Any], outcomes: Mapping[str, str], width: int) -> str:
    """The table and totals as terminal text (colours when the terminal has them)."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, highlight=False)
    console.print(medal_table(report, outcomes))
    for line in totals_lines(report):
        console.print(line)
    flagged = {r["competition_id"]: r["known_issues"] for r in report["competition_reports"]
               if r.get("known_issues")}
    for cid, issue in sorted(flagged.items()):
        console.print(f"(!) {cid} has a known issue: {issue}")
    generated = sorted({r["competition_id"] for r in report["competition_reports"]
                        if r.get("leaderboard_source") == "generated"})
    if generated:
        console.print(f"generated leaderboards (reference ladder, not human teams): {', '.join(generated)}")
    return buffer.getvalue()


def write_json(report: Mapping[str, Any], path: Path) -> None:
    """Written atomically: a reader never sees half a report."""
    write_atomically(path, json.dumps(report, indent=2) + "\n")


def markdown(report: Mapping[str, Any], outcomes: Mapping[str, str]) -> str:
    """The same summary as Markdown, for --mlebench-markdown and GitHub's step summary."""
    lines = [
        f"### MLE-bench: {report.get('agent')} on the {report.get('runner')} runner",
        "",
        "| competition | seed | score | medal | rank | test |",
        "| --- | ---: | ---: | --- | ---: | --- |",
    ]
    for rec in report["competition_reports"]:
        lines.append(f"| {rec['competition_id']} | {rec['seed']} | {_score(rec)} | {medal_name(rec)} | "
                     f"{_rank(rec)} | {_test_result(rec, outcomes)} |")
    lines.append("")
    lines += [f"{line}  " for line in totals_lines(report)]
    return "\n".join(lines) + "\n"


def append_markdown(text: str, path: Path) -> None:
    """Append (GitHub's step summary collects several steps in one file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)
