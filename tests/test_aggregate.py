"""Rates over seeds: complete seeds or padding, standard error with ddof=1, per split,
infrastructure errors apart, exclusions noted. Every expected figure is worked out by hand.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from pytest_mlebench.grading.record import new_record
from pytest_mlebench.reporting.aggregate import COMPLETE_SEEDS, PAD_MISSING, aggregate

SPLITS = {"a": "lite", "b": "lite", "c": "medium", "d": "high"}
LEVELS = ("invalid", "valid", "above median", "bronze", "silver", "gold")

#: 3 seeds x 4 competitions; seed 2 has no record for d (its run was lost).
#:            a        b         c               d
#: seed 0     gold     bronze    above median    invalid     any medal 2/4, valid 3/4
#: seed 1     silver   valid     invalid         invalid     any medal 1/4, valid 2/4
#: seed 2     gold     silver    bronze          (missing)   any medal 3/3 of what ran
TABLE = {
    0: {"a": "gold", "b": "bronze", "c": "above median", "d": "invalid"},
    1: {"a": "silver", "b": "valid", "c": "invalid", "d": "invalid"},
    2: {"a": "gold", "b": "silver", "c": "bronze"},
}


def record(competition_id: str, seed: int, level: str, **extra: Any) -> dict[str, Any]:
    """A full report record whose medal fields say ``level``."""
    rank = LEVELS.index(level)
    return new_record(
        competition_id=competition_id, seed=seed, split=SPLITS.get(competition_id),
        valid_submission=rank >= 1, submission_exists=rank >= 1, above_median=rank >= 2, any_medal=rank >= 3,
        bronze_medal=level == "bronze", silver_medal=level == "silver", gold_medal=level == "gold", **extra)


def records(table: dict[int, dict[str, str]] = TABLE) -> list[dict[str, Any]]:
    return [record(cid, seed, level) for seed, row in table.items() for cid, level in row.items()]


def figures(rate: Any) -> tuple[float | None, float | None]:
    return rate.mean, rate.sem


def test_complete_seeds_only_drop_the_incomplete_seed_and_say_so():
    agg = aggregate(records())
    # Seeds 0 and 1: any medal 2/4 = 0.5 and 1/4 = 0.25. Mean 0.375; with two values the
    # standard deviation (ddof=1) is |0.5 - 0.25| / sqrt(2), so the error is 0.25 / 2 = 0.125.
    assert figures(agg.overall["any_medal"]) == pytest.approx((0.375, 0.125))
    # Valid 3/4 and 2/4; gold 1/4 and 0/4.
    assert figures(agg.overall["valid_submission"]) == pytest.approx((0.625, 0.125))
    assert figures(agg.overall["gold_medal"]) == pytest.approx((0.125, 0.125))
    assert agg.overall["any_medal"].n_seeds == 2
    assert agg.overall["any_medal"].n_competitions == 4
    assert (agg.mode, agg.seeds, agg.dropped_seeds) == (COMPLETE_SEEDS, (0, 1), (2,))
    assert (agg.dropped_attempts, agg.padded_attempts) == (3, 0)
    assert any("complete seeds only: 2 of 3 seeds" in n and "seed 2 (missing d" in n for n in agg.notes)


def test_padding_counts_the_missing_run_as_a_failed_attempt():
    agg = aggregate(records(), pad_missing=True)
    # Seed 2 becomes 3/4 = 0.75 (not 3/3). Shares 0.5, 0.25, 0.75: mean 0.5; deviations
    # 0, -0.25, 0.25 give variance (ddof=1) 0.125 / 2 = 0.0625, sd 0.25, error 0.25 / sqrt(3).
    # (ddof=0 would give sd sqrt(0.125 / 3) = 0.204 and error 0.118: not what is reported.)
    assert figures(agg.overall["any_medal"]) == pytest.approx((0.5, 0.25 / math.sqrt(3)))
    # Valid 3/4, 2/4, 3/4: mean 2/3; deviations 1/12, -1/6, 1/12 -> variance (1/24) / 2 = 1/48,
    # error sqrt(1/48) / sqrt(3) = 1/12.
    assert figures(agg.overall["valid_submission"]) == pytest.approx((2 / 3, 1 / 12))
    assert agg.overall["any_medal"].n_seeds == 3
    assert (agg.mode, agg.seeds, agg.dropped_seeds) == (PAD_MISSING, (0, 1, 2), ())
    assert (agg.padded_attempts, agg.dropped_attempts) == (1, 0)
    assert any("1 missing attempts counted as failed" in n and "d#2" in n for n in agg.notes)


def test_per_split_rates_use_the_same_seeds():
    complete = aggregate(records())
    assert list(complete.splits) == ["all", "lite", "medium", "high"]
    # lite (a, b): any medal 2/2 and 1/2 -> 0.75 +- 0.25.
    assert figures(complete.splits["lite"]["any_medal"]) == pytest.approx((0.75, 0.25))
    assert complete.splits["lite"]["any_medal"].n_competitions == 2
    # medium (c): valid on seed 0 only -> 0.5 +- 0.5; no medal -> 0 +- 0.
    assert figures(complete.splits["medium"]["valid_submission"]) == pytest.approx((0.5, 0.5))
    assert figures(complete.splits["medium"]["any_medal"]) == pytest.approx((0.0, 0.0))

    padded = aggregate(records(), pad_missing=True)
    # lite with seed 2: 1, 1/2, 1 -> mean 5/6; deviations 1/6, -1/3, 1/6 -> variance (1/6) / 2,
    # error sqrt(1/12) / sqrt(3) = 1/6.
    assert figures(padded.splits["lite"]["any_medal"]) == pytest.approx((5 / 6, 1 / 6))
    # high (d): the padded seed 2 counts as a failure there.
    assert figures(padded.splits["high"]["valid_submission"]) == pytest.approx((0.0, 0.0))
    assert padded.splits["high"]["valid_submission"].n_seeds == 3


def test_one_seed_has_no_standard_error():
    agg = aggregate(records({0: TABLE[0]}))
    assert figures(agg.overall["any_medal"]) == (0.5, None)


def test_infrastructure_errors_are_counted_apart_not_as_failures():
    recs = records()
    broken = next(r for r in recs if (r["competition_id"], r["seed"]) == ("c", 1))
    broken["harness_error"] = "docker: container vanished"
    agg = aggregate(recs)
    assert agg.harness_errors == ("c#1",)
    assert agg.gate_blocked_by_infrastructure
    # Seed 1 keeps a, b, d (the failed run leaves its denominator; the seed stays complete):
    # any medal 1/3 beside seed 0's 2/4 -> mean 5/12, error (1/2 - 1/3) / 2 = 1/12.
    # Counted as a failure it would have been 1/4, as without the error.
    assert figures(agg.overall["any_medal"]) == pytest.approx((5 / 12, 1 / 12))
    # Valid 3/4 and 2/3 -> mean 17/24, error 1/24.
    assert figures(agg.overall["valid_submission"]) == pytest.approx((17 / 24, 1 / 24))
    assert agg.seeds == (0, 1)
    assert any("harness_error" in n and "c#1" in n and "not counted as failures" in n for n in agg.notes)
    # Padding fills only runs that are missing, never the one the infrastructure failed.
    assert aggregate(recs, pad_missing=True).padded_attempts == 1


def test_no_infrastructure_error_no_block():
    assert not aggregate(records()).gate_blocked_by_infrastructure


def test_excluded_competitions_change_the_denominator_visibly():
    agg = aggregate(records(), excluded=["d", "not-selected"])
    # Without d all three seeds are complete: 2/3, 1/3, 3/3 -> mean 2/3; deviations 0, -1/3, 1/3
    # -> variance (2/9) / 2 = 1/9, sd 1/3, error 1 / (3 sqrt(3)).
    assert figures(agg.overall["any_medal"]) == pytest.approx((2 / 3, 1 / (3 * math.sqrt(3))))
    assert agg.competitions == ("a", "b", "c")
    assert agg.excluded == ("d", "not-selected")
    assert "high" not in agg.splits
    note = next(n for n in agg.notes if "excluded" in n)
    assert "denominator is 3 competitions, not 4" in note
    assert "not in the selection anyway: not-selected" in note


def test_a_seed_or_competition_lost_altogether_still_counts_as_missing():
    agg = aggregate(records(), competitions=[*SPLITS, "e"], seeds=range(4), split_of={"e": "high"})
    assert agg.seeds == ()
    assert agg.overall["any_medal"].mean is None
    padded = aggregate(records(), competitions=[*SPLITS, "e"], seeds=range(4), split_of={"e": "high"},
                       pad_missing=True)
    # 5 competitions x 4 seeds = 20 attempts, 11 ran: 9 padded. Any medal 2/5, 1/5, 3/5, 0/5.
    assert padded.padded_attempts == 9
    assert padded.overall["any_medal"].mean == pytest.approx(0.3)
    assert padded.splits["high"]["any_medal"].n_competitions == 2


def test_records_outside_the_selection_are_ignored_with_a_note():
    agg = aggregate(records(), competitions=["a", "b"], seeds=[0, 1])
    assert agg.seeds == (0, 1)
    assert any("records of competitions outside the selection are ignored" in n for n in agg.notes)
    assert "2 records of seeds that were not asked for are ignored: a#2, b#2" in agg.notes


def test_two_records_for_one_run_are_refused():
    with pytest.raises(ValueError, match="two records for a#0"):
        aggregate([*records(), record("a", 0, "valid")])


def test_to_dict_holds_plain_values_for_the_json_report():
    recs = records()
    recs[0]["harness_error"] = "lost worker"
    data = json.loads(json.dumps(aggregate(recs, pad_missing=True).to_dict()))
    assert data["mode"] == "pad_missing"
    assert data["gate_blocked_by_infrastructure"] is True
    assert data["harness_errors"] == ["a#0"]
    assert set(data["splits"]["all"]["any_medal"]) == {"mean", "sem", "n_seeds", "n_competitions"}
    assert data["notes"]
