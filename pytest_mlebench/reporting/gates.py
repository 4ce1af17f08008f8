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
from .compare import regressions
from .verdict import requirement_failure

#: ``--mlebench-fail-under`` names -> the aggregate rate they bound.
FAIL_UNDER_RATES = {"any_medal": "any_medal", "valid": "valid_submission", "above_median": "above_median"}


class GateError(ValueError):
    """A gate's specification is malformed; raised as a usage error."""


def parse_fail_under(spec: str | None) -> dict[str, float]:
    """'any_medal=0.3,valid=0.9' -> {'any_medal': 0.3, 'valid': 0.9}."""
    if not spec:
        return {}
    bounds: dict[str, float] = {}
    for part in spec.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in FAIL_UNDER_RATES:
            raise GateError(f"--mlebench-fail-under: {part.strip()!r} is not NAME=FRACTION with NAME one of "
                            f"{', '.join(FAIL_UNDER_RATES)}")
        try:
            bound = float(value)
        except ValueError:
            raise GateError(f"--mlebench-fail-under: {value.strip()!r} is not a number") from None
        if not 0 <= bound <= 1:
            raise GateError(f"--mlebench-fail-under: {name}={bound} is not a fraction between 0 and 1")
        bounds[name] = bound
    return bounds


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
    """The stricter of two --require levels."""
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
    fail_under: dict[str, float] = field(default_factory=dict)
    tolerance: float = 0.0

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
