"""Rates over seeds that say what they counted.

MLE-bench's users were misled by figures that mixed complete and partial seeds,
counted infrastructure failures against the agent, or dropped known-bad
competitions without saying so. Every choice made here is therefore spelled out
in ``Aggregate.notes``, and the figures are mean and standard error (ddof=1) of
per-seed shares, the headline MLE-bench reports.

Nothing here imports the grading stack (pandas, scikit-learn): reading reports,
as ``python -m pytest_mlebench compare`` does, stays quick.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..grading.record import SPLIT_ORDER, attempt_id

#: The rates reported, named by the record field each one counts.
RATE_FIELDS = ("valid_submission", "above_median", "any_medal", "gold_medal", "silver_medal", "bronze_medal")
#: The group of every selected competition, and of those whose split is not known.
ALL = "all"
OTHER = "other"
COMPLETE_SEEDS = "complete_seeds"
PAD_MISSING = "pad_missing"


@dataclass(frozen=True)
class Rate:
    """One rate over seeds: ``sem`` is None with fewer than two seeds."""

    mean: float | None
    sem: float | None
    n_seeds: int
    n_competitions: int


@dataclass(frozen=True)
class Aggregate:
    """Rates per split (``all`` first) and the account of what was counted."""

    mode: str
    competitions: tuple[str, ...]
    seeds: tuple[int, ...]
    dropped_seeds: tuple[int, ...]
    padded_attempts: int
    dropped_attempts: int
    excluded: tuple[str, ...]
    harness_errors: tuple[str, ...]
    splits: dict[str, dict[str, Rate]]
    notes: tuple[str, ...]

    @property
    def overall(self) -> dict[str, Rate]:
        return self.splits[ALL]

    @property
    def gate_blocked_by_infrastructure(self) -> bool:
        """A gate cannot judge the agent while some of its runs never really happened."""
        return bool(self.harness_errors)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["gate_blocked_by_infrastructure"] = self.gate_blocked_by_infrastructure
        return data


def mean_and_sem(values: list[float]) -> tuple[float | None, float | None]:
    """Mean and standard error (ddof=1); the error is None with fewer than two values."""
    if not values:
        return None, None
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, None
    return mean, statistics.stdev(values) / math.sqrt(len(values))


def rate_over_seeds(records: Iterable[Mapping[str, Any]], field: str) -> tuple[float | None, float | None]:
    """Share of attempts with ``field`` true, as mean +- standard error over seeds."""
    by_seed: dict[Any, list[bool]] = defaultdict(list)
    for rec in records:
        by_seed[rec.get("seed")].append(bool(rec.get(field)))
    shares = [sum(v) / len(v) for _seed, v in sorted(by_seed.items(), key=lambda kv: str(kv[0]))]
    return mean_and_sem(shares)


def aggregate(
    records: Iterable[Mapping[str, Any]],
    *,
    competitions: Iterable[str] | None = None,
    seeds: Iterable[int] | None = None,
    pad_missing: bool = False,
    excluded: Iterable[str] = (),
    split_of: Mapping[str, str | None] | None = None,
) -> Aggregate:
    """Rates over the seeds that ran every selected competition, or over all seeds padded.

    ``competitions`` is the selection (default: those with a record) and ``seeds``
    the seeds that were asked for (default: those with a record), so a competition
    or seed lost altogether still counts as missing. ``excluded`` competitions
    (known issues) leave the denominator, with a note. ``split_of`` names the split
    of competitions that may have no record at all. A run with a ``harness_error``
    is no attempt by the agent: it leaves its seed's denominator and is listed apart,
    so it neither counts as a failure nor drops the seed's other runs.
    """
    recs = [dict(r) for r in records]
    notes: list[str] = []
    excluded_ids = tuple(sorted(set(excluded)))
    selected = sorted(set(competitions) if competitions is not None else {r["competition_id"] for r in recs})
    if excluded_ids:
        notes.append(_exclusion_note(excluded_ids, selected))
    selection = [c for c in selected if c not in excluded_ids]
    outside = [r for r in recs if r["competition_id"] not in selected]
    if outside:
        notes.append(f"{len(outside)} records of competitions outside the selection are ignored: "
                     f"{', '.join(sorted(attempt_id(r) for r in outside))}")
    recs = [r for r in recs if r["competition_id"] in selection]

    by_attempt: dict[tuple[str, int], dict[str, Any]] = {}
    for rec in recs:
        key = (rec["competition_id"], rec["seed"])
        if key in by_attempt:
            raise ValueError(f"two records for {attempt_id(rec)}: one run per competition and seed expected")
        by_attempt[key] = rec
    expected_seeds = sorted(set(seeds) if seeds is not None else {r["seed"] for r in recs})
    stray = [r for r in recs if r["seed"] not in expected_seeds]
    if stray:
        notes.append(f"{len(stray)} records of seeds that were not asked for are ignored: "
                     f"{', '.join(sorted(attempt_id(r) for r in stray))}")
        recs = [r for r in recs if r["seed"] in expected_seeds]
    missing = {s: [c for c in selection if (c, s) not in by_attempt] for s in expected_seeds}

    errors = sorted((r["seed"], r["competition_id"]) for r in recs if r.get("harness_error"))
    harness_errors = tuple(attempt_id({"competition_id": cid, "seed": seed}) for seed, cid in errors)
    if harness_errors:
        notes.append(f"{len(errors)} runs failed for infrastructure reasons (harness_error) and are left out "
                     f"of the agent's rates, not counted as failures: {', '.join(harness_errors)}; "
                     "a gate on these figures is blocked until they are run again")
    counted = [r for r in recs if not r.get("harness_error")]

    graded = Counter(r["seed"] for r in counted)
    padded: list[dict[str, Any]] = []
    if pad_missing:
        kept_seeds, dropped_seeds = expected_seeds, []
        padded = [_failed_attempt(c, s) for s in expected_seeds for c in missing[s]]
        notes.append(_padding_note(padded, len(expected_seeds)))
    else:
        kept_seeds = [s for s in expected_seeds if not missing[s]]
        dropped_seeds = [s for s in expected_seeds if missing[s]]
        notes.append(_complete_seeds_note(kept_seeds, dropped_seeds, missing, graded, len(selection)))
    counted = [r for r in counted if r["seed"] in kept_seeds] + padded

    split_names = _splits(selection, recs, split_of or {})
    groups = {ALL: set(selection)} | {name: {c for c in selection if split_names[c] == name}
                                      for name in _split_order(split_names.values())}
    return Aggregate(
        mode=PAD_MISSING if pad_missing else COMPLETE_SEEDS,
        competitions=tuple(selection), seeds=tuple(kept_seeds), dropped_seeds=tuple(dropped_seeds),
        padded_attempts=len(padded), dropped_attempts=sum(graded[s] for s in dropped_seeds),
        excluded=excluded_ids, harness_errors=harness_errors,
        splits={name: _rates([r for r in counted if r["competition_id"] in ids], len(ids))
                for name, ids in groups.items()},
        notes=tuple(notes),
    )


def _rates(records: list[dict[str, Any]], n_competitions: int) -> dict[str, Rate]:
    n_seeds = len({r["seed"] for r in records})
    return {field: Rate(*rate_over_seeds(records, field), n_seeds=n_seeds, n_competitions=n_competitions)
            for field in RATE_FIELDS}


def _failed_attempt(competition_id: str, seed: int) -> dict[str, Any]:
    """A run that produced nothing: invalid, no medal."""
    return {"competition_id": competition_id, "seed": seed} | dict.fromkeys(RATE_FIELDS, False)


def _splits(selection: list[str], records: list[dict[str, Any]],
            split_of: Mapping[str, str | None]) -> dict[str, str]:
    """Each competition's split: from its records, else from ``split_of``, else ``other``."""
    found = {r["competition_id"]: r.get("split") for r in records}
    return {c: found.get(c) or split_of.get(c) or OTHER for c in selection}


def _split_order(names: Iterable[str]) -> list[str]:
    """MLE-bench's splits by complexity, then any others, then ``other``."""
    present = set(names)
    ordered = [n for n in SPLIT_ORDER if n in present] + sorted(present - {*SPLIT_ORDER, OTHER})
    return [*ordered, OTHER] if OTHER in present else ordered


def _exclusion_note(excluded: tuple[str, ...], selected: list[str]) -> str:
    hit = [c for c in excluded if c in selected]
    note = (f"{len(hit)} competitions excluded as known issues ({', '.join(hit) or 'none selected'}): the "
            f"denominator is {len(selected) - len(hit)} competitions, not {len(selected)}")
    stray = [c for c in excluded if c not in selected]
    if stray:
        note += f"; not in the selection anyway: {', '.join(stray)}"
    return note


def _complete_seeds_note(kept: list[int], dropped: list[int], missing: Mapping[int, list[str]],
                         graded: Mapping[int, int], n_competitions: int) -> str:
    note = (f"complete seeds only: {len(kept)} of {len(kept) + len(dropped)} seeds have a record for all "
            f"{n_competitions} competitions")
    if dropped:
        note += "; dropped " + "; ".join(
            f"seed {s} (missing {', '.join(missing[s])}; its {graded[s]} graded attempts not counted)"
            for s in dropped)
    return note


def _padding_note(padded: list[dict[str, Any]], n_seeds: int) -> str:
    if not padded:
        return f"all {n_seeds} seeds complete: nothing padded"
    return (f"incomplete seeds padded: {len(padded)} missing attempts counted as failed (invalid, no medal): "
            f"{', '.join(attempt_id(r) for r in padded)}")


def llm_totals(records: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """What the runs' LLM traffic came to (the gateway's meters), and its cost per medal; None
    when no run went through the gateway. A cost is unknown (None) when any run's is."""
    metered = [r for r in records if r.get("llm_requests") is not None]
    if not metered:
        return None
    costs = [r.get("llm_cost_usd") for r in metered]
    cost = None if any(c is None for c in costs) else round(sum(costs), 10)
    medals = sum(bool(r.get("any_medal")) for r in metered)
    return {
        "runs": len(metered),
        "requests": sum(r["llm_requests"] for r in metered),
        "prompt_tokens": sum(r.get("llm_prompt_tokens") or 0 for r in metered),
        "completion_tokens": sum(r.get("llm_completion_tokens") or 0 for r in metered),
        "cost_usd": cost,
        "unpriced_models": sorted({m for r in metered for m in (r.get("llm_unpriced_models") or "").split(",")
                                   if m}),
        "medals": medals,
        "cost_per_medal_usd": round(cost / medals, 10) if cost is not None and medals else None,
        "budget_exhausted_runs": sum(bool(r.get("llm_budget_exhausted")) for r in metered),
    }
