"""CI gates: what turns a benchmark session red.

Three kinds, all checked from records so they behave the same with or without
xdist: per competition against an earlier report (``--mlebench-baseline``),
per competition against a required level (``--mlebench-expect``), and for the
whole session against minimum rates (``--mlebench-fail-under``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..grading.record import REQUIRE_LEVELS
from ..options import FAIL_UNDER_RATES, Gates
from .compare import regressions
from .verdict import requirement_failure


class GateError(ValueError):
    """A gate's file is unreadable or names what was not selected; raised as a usage error."""


def load_expectations(path: Path | None, known_ids: set[str]) -> dict[str, str]:
    """``--mlebench-expect FILE``: a YAML mapping competition id -> required level."""
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise GateError(f"--mlebench-expect {path}: {exc}") from None
    if not isinstance(data, dict):
        raise GateError(f"--mlebench-expect {path}: expected a mapping of competition id to level")
    expectations = {str(k): str(v) for k, v in data.items()}
    for cid, level in expectations.items():
        if level not in REQUIRE_LEVELS:
            raise GateError(f"--mlebench-expect {path}: {cid}: {level!r} is not one of "
                            f"{', '.join(REQUIRE_LEVELS)}")
        if cid not in known_ids:
            raise GateError(f"--mlebench-expect {path}: {cid!r} is not among the selected competitions")
    return expectations


def stricter(a: str, b: str) -> str:
    """The stricter of two --mlebench-require levels."""
    return max(a, b, key=REQUIRE_LEVELS.index)


def load_baseline(path: Path | None) -> list[dict[str, Any]]:
    """The records of an earlier JSON report (``--mlebench-baseline``)."""
    if path is None:
        return []
    try:
        report = json.loads(path.read_text())
        return list(report["competition_reports"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GateError(f"--mlebench-baseline {path}: not a pytest-mlebench JSON report ({exc})") from None


def fail_under_failures(bounds: Mapping[str, float], report: Mapping[str, Any]) -> list[str]:
    """One sentence per bound the session report's rates fall below."""
    failures = []
    for name, bound in bounds.items():
        mean = report.get(f"{FAIL_UNDER_RATES[name]}_rate", {}).get("mean")
        if mean is None or mean < bound:
            shown = "no graded runs" if mean is None else f"{mean:.3f}"
            failures.append(f"--mlebench-fail-under {name}={bound:g}: the session's {name} rate is {shown}")
    return failures


@dataclass(frozen=True)
class SessionGates:
    """Every gate of one session, resolved from the options once."""

    require: str = "valid"
    baseline: list[dict[str, Any]] = field(default_factory=list)
    expectations: dict[str, str] = field(default_factory=dict)
    fail_under: Mapping[str, float] = field(default_factory=dict)
    tolerance: float = 0.0

    @classmethod
    def from_options(cls, options: Gates, selected: set[str]) -> SessionGates:
        """The gates of ``--mlebench-require`` and the rest, their files read and checked."""
        return cls(require=options.require, baseline=load_baseline(options.baseline),
                   expectations=load_expectations(options.expect, selected),
                   fail_under=options.fail_under, tolerance=options.tolerance)

    def item_failures(self, record: Mapping[str, Any]) -> list[str]:
        """Why one graded, valid run fails its gates (empty when it passes)."""
        cid = record["competition_id"]
        level = stricter(self.require, self.expectations.get(cid, "valid"))
        problems = [p for p in [requirement_failure(record, level)] if p]
        before = [r for r in self.baseline if r.get("competition_id") == cid]
        if before:
            problems += regressions(before, [dict(record)], self.tolerance)
        return problems

    def needs_leaderboards(self) -> bool:
        """Whether any gate looks at medals or the median, not just validity."""
        levels = [self.require, *self.expectations.values()]
        return (any(level != "valid" for level in levels) or bool(self.baseline)
                or any(name != "valid" for name in self.fail_under))

    def session_failures(self, report: Mapping[str, Any]) -> list[str]:
        return fail_under_failures(self.fail_under, report)
