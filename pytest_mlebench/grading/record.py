"""The report record, typed, and the one ladder of levels a run can reach.

A record is built once, as a frozen :class:`Record`, and travels as the plain dict of
:meth:`Record.to_dict` (xdist ships it between processes, JSON stores it, JUnit
carries it), so every value is a plain Python value. Everything that asks "what
level did this run reach", "which run is this" or "how is a score shown" asks here.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any


class Level(IntEnum):
    """What a run reached, worst to best; medals are exclusive and each implies the ones below."""

    INVALID = 0
    VALID = 1
    ABOVE_MEDIAN = 2
    BRONZE = 3
    SILVER = 4
    GOLD = 5

    @property
    def words(self) -> str:
        """How the level reads in a sentence ("dropped from silver to above median")."""
        return self.name.lower().replace("_", " ")

    @property
    def option(self) -> str:
        """Its name in --require and --mlebench-expect ("above-median")."""
        return self.name.lower().replace("_", "-")

    @property
    def threshold_field(self) -> str | None:
        """The record field holding the score a run needs for this level."""
        return {Level.ABOVE_MEDIAN: "median_threshold", Level.BRONZE: "bronze_threshold",
                Level.SILVER: "silver_threshold", Level.GOLD: "gold_threshold"}.get(self)

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> Level:
        """The level a record's fields say the run reached."""
        for level, name in ((cls.GOLD, "gold_medal"), (cls.SILVER, "silver_medal"),
                            (cls.BRONZE, "bronze_medal"), (cls.ABOVE_MEDIAN, "above_median"),
                            (cls.VALID, "valid_submission")):
            if record.get(name):
                return level
        return cls.INVALID

    @classmethod
    def from_option(cls, name: str) -> Level:
        for level in cls:
            if level.option == name and level is not cls.INVALID:
                return level
        raise ValueError(f"{name!r} is not one of {', '.join(REQUIRE_LEVELS)}")


#: The levels a test can be asked to reach (--require), lowest first.
REQUIRE_LEVELS = tuple(level.option for level in Level if level is not Level.INVALID)

#: Splits a run is counted in, most specific first: the split a record is attributed to and
#: the order reports list them.
SPLIT_ORDER = ("lite", "medium", "high", "offline", "dev")


def as_text(value: Any) -> str:
    """A record value as text: strings as they are, anything else as JSON (``null``, ``false``)."""
    return value if isinstance(value, str) else json.dumps(value)


def attempt_id(record: Mapping[str, Any]) -> str:
    """``competition#seed``: how a summary names one run."""
    return f"{record['competition_id']}#{record['seed']}"


def medal_name(record: Mapping[str, Any]) -> str:
    """The medal column of a table: gold, silver, bronze, "> median" or "-"."""
    level = Level.of(record)
    if level >= Level.BRONZE:
        return level.words
    return "> median" if level is Level.ABOVE_MEDIAN else "-"


@dataclass(frozen=True)
class Record:
    """One graded run: MLE-bench's fields (its aggregation reads them), then ours."""

    # MLE-bench's CompetitionReport fields, in its order.
    competition_id: str
    score: float | None = None
    gold_threshold: float | None = None
    silver_threshold: float | None = None
    bronze_threshold: float | None = None
    median_threshold: float | None = None
    any_medal: bool = False
    gold_medal: bool = False
    silver_medal: bool = False
    bronze_medal: bool = False
    above_median: bool = False
    submission_exists: bool = False
    valid_submission: bool = False
    is_lower_better: bool | None = None
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    submission_path: str | None = None
    # Ours: the run.
    agent: str | None = None
    seed: int | None = None
    runner: str | None = None
    runtime_s: float | None = None
    exit_code: int | None = None
    timed_out: bool | None = None
    # Ours: where the score landed and against what.
    rank: int | None = None
    percentile: float | None = None
    #: The grader's value before MLE-bench's rounding to 5 decimals (``score`` is rounded).
    raw_score: float | None = None
    variant: str | None = None
    leaderboard_source: str | None = None
    leaderboard_sha256: str | None = None
    leaderboard_problem: str | None = None
    invalid_reason: str | None = None
    split: str | None = None
    #: "real", or "synthetic" (--mlebench-synthetic: never placed on a leaderboard).
    data: str | None = None
    awards_medals: bool | None = None
    n_teams: int | None = None
    dataset_version: str | None = None
    time_limit_s: float | None = None
    harness_error: str | None = None
    run_dir: str | None = None
    # Provenance: what must match for two records to be compared.
    plugin_version: str | None = None
    agent_version: str | None = None
    agent_commit: str | None = None
    image_digest: str | None = None
    cpus_per_run: int | None = None
    memory_per_run: str | None = None
    gpus: str | None = None
    gpu_model: str | None = None
    host_cpus: int | None = None
    known_issues: str | None = None
    #: The network the agent had: "none", a docker network ("bridge", "host"), or "host" for
    #: the local runner (not isolated).
    agent_network: str | None = None
    #: What kept the agent from the host: "docker", "bwrap" (the local runner's sandbox) or
    #: "none" (it saw what the user running pytest sees); the summary flags "none".
    isolation: str | None = None
    # The LLM gateway's meter (None for agents without llm_providers).
    llm_providers: str | None = None
    llm_requests: int | None = None
    llm_prompt_tokens: int | None = None
    llm_completion_tokens: int | None = None
    #: Of the prompt tokens, those the provider read from its cache (priced lower).
    llm_cached_tokens: int | None = None
    #: None when a model used has no price (named in ``llm_unpriced_models``): unknown, not 0.
    llm_cost_usd: float | None = None
    llm_unpriced_models: str | None = None
    llm_budget_exhausted: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain values in report order: what xdist, JSON and JUnit carry."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(Record))
MLEBENCH_FIELDS = RECORD_FIELDS[:RECORD_FIELDS.index("submission_path") + 1]
THRESHOLD_FIELDS = ("gold_threshold", "silver_threshold", "bronze_threshold", "median_threshold")
MEDAL_FIELDS = (*THRESHOLD_FIELDS, "gold_medal", "silver_medal", "bronze_medal", "any_medal",
                "above_median", "rank", "percentile")


def new_record(**fields: Any) -> dict[str, Any]:
    """A record with every field present (None where unknown), in report order; a name that
    is no field is a KeyError."""
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise KeyError(f"not record fields: {sorted(unknown)}")
    if fields.get("created_at") is None:
        fields.pop("created_at", None)
    return Record(**fields).to_dict()
